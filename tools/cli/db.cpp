// SQLite and PostgreSQL for the crmkit command line (see db.hpp).
#include "db.hpp"

#include <sqlite3.h>

#include <cmath>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "cli.hpp"
#include "crmkit/core/time.hpp"

#ifdef CRMKIT_CLI_WITH_POSTGRESQL
#  include <libpq-fe.h>
#endif

namespace crmkit_cli {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

enum class db_kind { sqlite, postgresql };

db_kind kind_of(const std::string& url) {
  if (starts_with(url, "sqlite:")) return db_kind::sqlite;
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) return db_kind::postgresql;
  throw cli_error(exit_bad_arguments,
                  fmt::format("--db '{}': use sqlite:PATH or postgresql://[user@]host[:port]/dbname", redact_url(url)));
}

// One identifier: letters, digits, underscores, not starting with a digit, at most 50 bytes
// (the temporary name adds a suffix within PostgreSQL's 63).
bool valid_identifier(std::string_view s) {
  if (s.empty() || s.size() > 50 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string quoted(std::string_view identifier) { return fmt::format("\"{}\"", identifier); }

struct column_sql {
  std::string name, type;
};

// The columns of the written table: customer_id, locations, then every table column.
std::vector<column_sql> table_columns(const crmkit::customer_table& table, db_kind kind) {
  std::vector<column_sql> out;
  out.push_back({"customer_id", kind == db_kind::sqlite ? "TEXT PRIMARY KEY" : "text PRIMARY KEY"});
  const std::string real = kind == db_kind::sqlite ? "REAL" : "double precision";
  if (table.has_locations()) {
    out.push_back({"longitude", real});
    out.push_back({"latitude", real});
  }
  for (const auto& c : table.columns()) {
    std::string type;
    switch (c.type) {
      case crmkit::column_type::float64: type = real; break;
      case crmkit::column_type::int64: type = kind == db_kind::sqlite ? "INTEGER" : "bigint"; break;
      case crmkit::column_type::time: type = kind == db_kind::sqlite ? "TEXT" : "timestamptz"; break;
      case crmkit::column_type::category: type = kind == db_kind::sqlite ? "TEXT" : "text"; break;
    }
    out.push_back({c.name, type});
  }
  return out;
}

std::string create_sql(const std::string& qualified, const std::vector<column_sql>& columns) {
  std::string sql = fmt::format("CREATE TABLE {} (", qualified);
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += fmt::format("{}{} {}", i ? ", " : "", quoted(columns[i].name), columns[i].type);
  return sql + ")";
}

// ---- SQLite -----------------------------------------------------------------------------

struct sqlite_closer {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct stmt_closer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using sqlite_ptr = std::unique_ptr<sqlite3, sqlite_closer>;
using stmt_ptr = std::unique_ptr<sqlite3_stmt, stmt_closer>;

sqlite_ptr sqlite_open(const std::string& url, bool write) {
  const std::string path = url.substr(std::string_view("sqlite:").size());
  if (path.empty()) throw cli_error(exit_bad_arguments, "--db sqlite: needs a path, e.g. sqlite:orders.db");
  sqlite3* raw = nullptr;
  const int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  sqlite_ptr db(raw);
  if (rc != SQLITE_OK)
    throw cli_error(exit_io, fmt::format("sqlite: cannot open '{}': {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

void sqlite_exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    throw cli_error(exit_io, fmt::format("sqlite: {} (in: {})", text, sql.substr(0, 200)));
  }
}

std::string sqlite_query_csv(const std::string& url, const std::string& query) {
  sqlite_ptr db = sqlite_open(url, false);
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), query.c_str(), -1, &raw, nullptr) != SQLITE_OK || !raw)
    throw cli_error(exit_io, fmt::format("sqlite: query failed: {}", raw ? sqlite3_errmsg(db.get()) : sqlite3_errmsg(db.get())));
  stmt_ptr stmt(raw);
  const int n = sqlite3_column_count(raw);
  std::string out;
  for (int j = 0; j < n; ++j) out += (j ? "," : "") + csv_field(sqlite3_column_name(raw, j));
  out += '\n';
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    for (int j = 0; j < n; ++j) {
      if (j) out += ',';
      if (sqlite3_column_type(raw, j) == SQLITE_NULL) continue;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, j));
      const int bytes = sqlite3_column_bytes(raw, j);
      std::string_view v(text ? text : "", static_cast<std::size_t>(bytes));
      // An empty string must stay a (bad) value, not become a missing field.
      out += v.empty() ? std::string("\"\"") : csv_field(v);
    }
    out += '\n';
  }
  if (rc != SQLITE_DONE) throw cli_error(exit_io, fmt::format("sqlite: query failed: {}", sqlite3_errmsg(db.get())));
  return out;
}

void sqlite_write(const std::string& url, const std::string& name, const crmkit::customer_table& table) {
  if (!valid_identifier(name))
    throw cli_error(exit_bad_arguments,
                    fmt::format("--to-db '{}': a table name is letters, digits and '_' (at most 50)", name));
  sqlite_ptr db = sqlite_open(url, true);
  const std::string target = quoted(name), fresh = quoted(name + "__crmkit_new");
  const auto columns = table_columns(table, db_kind::sqlite);
  sqlite_exec(db.get(), "BEGIN IMMEDIATE");
  try {
    sqlite_exec(db.get(), fmt::format("DROP TABLE IF EXISTS {}", fresh));
    sqlite_exec(db.get(), create_sql(fresh, columns));
    std::string insert = fmt::format("INSERT INTO {} VALUES (", fresh);
    for (std::size_t j = 0; j < columns.size(); ++j) insert += j ? ",?" : "?";
    insert += ")";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), insert.c_str(), -1, &raw, nullptr) != SQLITE_OK)
      throw cli_error(exit_io, fmt::format("sqlite: {}", sqlite3_errmsg(db.get())));
    stmt_ptr stmt(raw);
    for (std::size_t i = 0; i < table.size(); ++i) {
      int k = 1;
      const std::string_view id = table.id(static_cast<std::int32_t>(i));
      sqlite3_bind_text(raw, k++, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
      auto bind_double = [&](double v) {
        if (std::isfinite(v)) sqlite3_bind_double(raw, k++, v);
        else sqlite3_bind_null(raw, k++);
      };
      if (table.has_locations()) {
        bind_double(table.longitude()[i]);
        bind_double(table.latitude()[i]);
      }
      for (const auto& c : table.columns()) {
        switch (c.type) {
          case crmkit::column_type::float64: bind_double(c.float64[i]); break;
          case crmkit::column_type::int64:
            if (c.int64[i] == crmkit::missing_int64) sqlite3_bind_null(raw, k++);
            else sqlite3_bind_int64(raw, k++, c.int64[i]);
            break;
          case crmkit::column_type::time:
            if (c.int64[i] == crmkit::missing_int64) sqlite3_bind_null(raw, k++);
            else {
              const std::string t = crmkit::format_iso8601(c.int64[i]);
              sqlite3_bind_text(raw, k++, t.c_str(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
            }
            break;
          case crmkit::column_type::category:
            if (c.category.codes[i] < 0) sqlite3_bind_null(raw, k++);
            else {
              const std::string_view level = c.category.levels->at(c.category.codes[i]);
              sqlite3_bind_text(raw, k++, level.data(), static_cast<int>(level.size()), SQLITE_TRANSIENT);
            }
            break;
        }
      }
      if (sqlite3_step(raw) != SQLITE_DONE)
        throw cli_error(exit_io, fmt::format("sqlite: insert failed: {}", sqlite3_errmsg(db.get())));
      sqlite3_reset(raw);
    }
    stmt.reset();
    sqlite_exec(db.get(), fmt::format("DROP TABLE IF EXISTS {}", target));
    sqlite_exec(db.get(), fmt::format("ALTER TABLE {} RENAME TO {}", fresh, target));
    sqlite_exec(db.get(), "COMMIT");
  } catch (...) {
    sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// ---- PostgreSQL -------------------------------------------------------------------------

#ifdef CRMKIT_CLI_WITH_POSTGRESQL
struct pg_closer {
  void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct result_closer {
  void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using pg_ptr = std::unique_ptr<PGconn, pg_closer>;
using result_ptr = std::unique_ptr<PGresult, result_closer>;

std::string trimmed_message(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

pg_ptr pg_connect(const std::string& url) {
  pg_ptr conn(PQconnectdb(url.c_str()));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
    throw cli_error(exit_io, fmt::format("postgresql: cannot connect: {}",
                                         conn ? trimmed_message(PQerrorMessage(conn.get())) : "out of memory"));
  return conn;
}

void pg_exec(PGconn* conn, const std::string& sql) {
  result_ptr r(PQexec(conn, sql.c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw cli_error(exit_io, fmt::format("postgresql: {} (in: {})", trimmed_message(PQerrorMessage(conn)), sql.substr(0, 200)));
}

std::string pg_query_csv(const std::string& url, std::string query) {
  pg_ptr conn = pg_connect(url);
  while (!query.empty() && (query.back() == ';' || query.back() == ' ' || query.back() == '\n')) query.pop_back();
  pg_exec(conn.get(), "SET TimeZone = 'UTC'");
  // COPY (query) TO STDOUT streams the rows as CSV, the format crmkit's reader validates.
  const std::string sql = fmt::format("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true)", query);
  result_ptr r(PQexec(conn.get(), sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_OUT)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(conn.get()))));
  std::string out;
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(conn.get(), &buffer, 0);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
      PQfreemem(buffer);
    } else if (n == -1) {
      break;
    } else {
      throw cli_error(exit_io, fmt::format("postgresql: reading rows failed: {}", trimmed_message(PQerrorMessage(conn.get()))));
    }
  }
  result_ptr done(PQgetResult(conn.get()));
  if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(conn.get()))));
  while (PGresult* rest = PQgetResult(conn.get())) PQclear(rest);
  return out;
}

void pg_write(const std::string& url, const std::string& name, const crmkit::customer_table& table) {
  std::string schema, base = name;
  if (const auto dot = name.find('.'); dot != std::string::npos) {
    schema = name.substr(0, dot);
    base = name.substr(dot + 1);
  }
  if ((!schema.empty() && !valid_identifier(schema)) || !valid_identifier(base))
    throw cli_error(exit_bad_arguments,
                    fmt::format("--to-db '{}': give [SCHEMA.]TABLE of letters, digits and '_' (at most 50 each)", name));
  const std::string prefix = schema.empty() ? std::string() : quoted(schema) + ".";
  const std::string target = prefix + quoted(base), fresh_name = base + "__crmkit_new", fresh = prefix + quoted(fresh_name);
  pg_ptr conn = pg_connect(url);
  PGconn* c = conn.get();
  pg_exec(c, "BEGIN");
  try {
    pg_exec(c, "SET LOCAL TimeZone = 'UTC'");
    pg_exec(c, fmt::format("DROP TABLE IF EXISTS {}", fresh));
    pg_exec(c, create_sql(fresh, table_columns(table, db_kind::postgresql)));
    result_ptr r(PQexec(c, fmt::format("COPY {} FROM STDIN WITH (FORMAT csv)", fresh).c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN)
      throw cli_error(exit_io, fmt::format("postgresql: {}", trimmed_message(PQerrorMessage(c))));
    // The CSV of the table without its header; empty unquoted fields are NULL.
    std::string csv = table_to_csv(table);
    csv.erase(0, csv.find('\n') + 1);
    constexpr std::size_t chunk = 1 << 20;
    for (std::size_t at = 0; at < csv.size(); at += chunk) {
      const std::size_t n = std::min(chunk, csv.size() - at);
      if (PQputCopyData(c, csv.data() + at, static_cast<int>(n)) != 1)
        throw cli_error(exit_io, fmt::format("postgresql: COPY failed: {}", trimmed_message(PQerrorMessage(c))));
    }
    if (PQputCopyEnd(c, nullptr) != 1)
      throw cli_error(exit_io, fmt::format("postgresql: COPY failed: {}", trimmed_message(PQerrorMessage(c))));
    result_ptr done(PQgetResult(c));
    if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK)
      throw cli_error(exit_io, fmt::format("postgresql: COPY failed: {}", trimmed_message(PQerrorMessage(c))));
    while (PGresult* rest = PQgetResult(c)) PQclear(rest);
    pg_exec(c, fmt::format("DROP TABLE IF EXISTS {}", target));
    pg_exec(c, fmt::format("ALTER TABLE {} RENAME TO {}", fresh, quoted(base)));
    pg_exec(c, "COMMIT");
  } catch (...) {
    result_ptr r(PQexec(c, "ROLLBACK"));
    throw;
  }
}
#endif

}  // namespace

bool have_postgresql() noexcept {
#ifdef CRMKIT_CLI_WITH_POSTGRESQL
  return true;
#else
  return false;
#endif
}

std::string db_query_csv(const std::string& url, const std::string& query) {
  if (kind_of(url) == db_kind::sqlite) return sqlite_query_csv(url, query);
#ifdef CRMKIT_CLI_WITH_POSTGRESQL
  return pg_query_csv(url, query);
#else
  throw cli_error(exit_bad_arguments, "this crmkit was built without PostgreSQL (libpq-dev was not found)");
#endif
}

void db_write_table(const std::string& url, const std::string& table_name, const crmkit::customer_table& table) {
  if (kind_of(url) == db_kind::sqlite) return sqlite_write(url, table_name, table);
#ifdef CRMKIT_CLI_WITH_POSTGRESQL
  return pg_write(url, table_name, table);
#else
  throw cli_error(exit_bad_arguments, "this crmkit was built without PostgreSQL (libpq-dev was not found)");
#endif
}

}  // namespace crmkit_cli
