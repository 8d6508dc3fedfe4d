// SQLite and PostgreSQL for the crmkit command line (see db.hpp).
#include "db.hpp"

#include <sqlite3.h>

#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "cli.hpp"
#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/io/order_line_arrays.hpp"
#include "pg_copy_binary.hpp"

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

// Any column name as a quoted SQL identifier (embedded quotes doubled).
std::string quoted_name(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

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
  pg_exec(conn.get(), "SET extra_float_digits = 1");  // shortest exact text of every float
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

// The customer table as binary COPY rows, in the columns of table_columns(); missing
// values (NaN, missing_int64, code -1) are NULL, as the CSV path's empty fields are.
template <class Send>
void write_binary_rows(const crmkit::customer_table& table, const Send& send) {
  using pg_copy::pg_type;
  std::vector<pg_type> types{pg_type::text};
  if (table.has_locations()) types.insert(types.end(), {pg_type::float8, pg_type::float8});
  for (const auto& col : table.columns()) {
    switch (col.type) {
      case crmkit::column_type::float64: types.push_back(pg_type::float8); break;
      case crmkit::column_type::int64: types.push_back(pg_type::int8); break;
      case crmkit::column_type::time: types.push_back(pg_type::timestamptz); break;
      case crmkit::column_type::category: types.push_back(pg_type::text); break;
    }
  }
  pg_copy::writer w(std::move(types));
  const auto real = [&w](double v) {
    if (std::isfinite(v)) w.float8(v);
    else w.null();
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    w.begin_row();
    w.text(table.id(static_cast<std::int32_t>(i)));
    if (table.has_locations()) {
      real(table.longitude()[i]);
      real(table.latitude()[i]);
    }
    for (const auto& col : table.columns()) {
      switch (col.type) {
        case crmkit::column_type::float64: real(col.float64[i]); break;
        case crmkit::column_type::int64:
          if (col.int64[i] == crmkit::missing_int64) w.null();
          else w.int8(col.int64[i]);
          break;
        case crmkit::column_type::time:
          if (col.int64[i] == crmkit::missing_int64) w.null();
          else w.timestamptz(col.int64[i]);
          break;
        case crmkit::column_type::category:
          if (col.category.codes[i] < 0) w.null();
          else w.text(col.category.levels->at(col.category.codes[i]));
          break;
      }
    }
    w.end_row();
    if (w.size() >= (std::size_t{1} << 20)) send(w.take());
  }
  w.finish();
  send(w.take());
}

// Distinct strings numbered in order of first use (pandas.factorize), for order_line_arrays.
class factorizer {
 public:
  std::int32_t code(std::string_view s) {
    if (const auto it = map_.find(s); it != map_.end()) return it->second;
    if (views_.size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      throw cli_error(exit_bad_data, "more than 2^31 distinct ids");
    const auto c = static_cast<std::int32_t>(views_.size());
    const std::string_view key = storage_.emplace_back(s);  // deque: stays where it is
    map_.emplace(key, c);
    views_.push_back(key);
    return c;
  }
  [[nodiscard]] const std::vector<std::string_view>& strings() const noexcept { return views_; }

 private:
  std::unordered_map<std::string_view, std::int32_t> map_;
  std::deque<std::string> storage_;
  std::vector<std::string_view> views_;
};

// A row the typed path does not take: the text path reads the query instead.
struct needs_text_path {
  std::string why;
};

// The roles of the query's columns and how each is decoded.
enum class role_kind { id, time, value };

struct role {
  const char* what;        // "customer", ...
  const std::string* name; // the column name asked for
  role_kind kind;
  int index = -1;          // in the query result
};

// Whether binary values of `type` can stand for what the text path would read in `kind`.
bool handled(role_kind kind, pg_copy::pg_type type, crmkit::time_format format) {
  using pg_copy::pg_type;
  const bool integer = type == pg_type::int2 || type == pg_type::int4 || type == pg_type::int8;
  switch (kind) {
    case role_kind::id: return type == pg_type::text || integer;
    case role_kind::value: return integer || type == pg_type::float4 || type == pg_type::float8 || type == pg_type::numeric;
    case role_kind::time:
      if (format == crmkit::time_format::iso8601)
        return type == pg_type::date || type == pg_type::timestamp || type == pg_type::timestamptz;
      return format == crmkit::time_format::epoch_seconds && integer;
  }
  return false;
}

std::optional<crmkit::dataset> pg_read_binary(const std::string& url, std::string query,
                                              const crmkit::transaction_columns& columns,
                                              const crmkit::csv_options& options, crmkit::ingest_report& report,
                                              std::string& why) {
  using pg_copy::pg_type;
  pg_ptr conn = pg_connect(url);
  PGconn* c = conn.get();
  while (!query.empty() && (query.back() == ';' || query.back() == ' ' || query.back() == '\n')) query.pop_back();
  pg_exec(c, "SET TimeZone = 'UTC'");
  pg_exec(c, "SET client_encoding = 'UTF8'");
  // Describe the query without running it: names and types of its columns.
  result_ptr prepared(PQprepare(c, "", query.c_str(), 0, nullptr));
  if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(c))));
  result_ptr described(PQdescribePrepared(c, ""));
  if (!described || PQresultStatus(described.get()) != PGRES_COMMAND_OK)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(c))));
  const int n_fields = PQnfields(described.get());
  if (n_fields <= 0) throw cli_error(exit_io, "postgresql: the query returns no columns");
  std::vector<std::string> names;
  std::string header;
  for (int j = 0; j < n_fields; ++j) {
    names.emplace_back(PQfname(described.get(), j));
    header += (j ? "," : "") + csv_field(names.back());
  }
  // The CSV reader checks the header and the options, with the text path's messages.
  {
    crmkit::ingest_report ignored;
    (void)crmkit::parse_transactions_csv(header + "\n", columns, options, &ignored, redact_url(url));
  }
  if (!columns.channel.empty()) {
    why = "a channel column";
    return std::nullopt;
  }
  if (!options.allow_negative_amounts) {
    why = "allow_negative_amounts is off (the typed path does not apply it)";
    return std::nullopt;
  }
  const bool by_quantity = !columns.quantity.empty();
  std::vector<role> roles = {{"customer", &columns.customer, role_kind::id}, {"time", &columns.time, role_kind::time}};
  if (by_quantity) {
    roles.push_back({"quantity", &columns.quantity, role_kind::value});
    roles.push_back({"unit price", &columns.unit_price, role_kind::value});
  } else {
    roles.push_back({"amount", &columns.amount, role_kind::value});
  }
  if (!columns.order.empty()) roles.push_back({"order", &columns.order, role_kind::id});
  if (!columns.product.empty()) roles.push_back({"product", &columns.product, role_kind::id});
  std::vector<pg_type> types(static_cast<std::size_t>(n_fields), pg_type::text);
  for (role& r : roles) {
    for (int j = 0; j < n_fields && r.index < 0; ++j)
      if (names[static_cast<std::size_t>(j)] == *r.name) r.index = j;
    if (r.index < 0) {  // the header check above makes this unreachable
      why = fmt::format("no column '{}'", *r.name);
      return std::nullopt;
    }
    const auto oid = static_cast<std::uint32_t>(PQftype(described.get(), r.index));
    const std::optional<pg_type> type = pg_copy::type_of_oid(oid);
    if (!type || !handled(r.kind, *type, options.timestamps)) {
      const std::string type_text = type ? std::string(pg_copy::type_name(*type)) : fmt::format("OID {}", oid);
      why = fmt::format("column '{}' ({}) is of type {}", *r.name, r.what, type_text);
      return std::nullopt;
    }
    types[static_cast<std::size_t>(r.index)] = *type;
  }
  // Only the roles' columns are copied (the query is wrapped), in the roles' order, so
  // columns of other types never reach the binary reader.
  std::string select;
  std::vector<pg_type> copied;
  for (const role& r : roles) {
    select += fmt::format("{}q.{}", select.empty() ? "" : ", ", quoted_name(*r.name));
    copied.push_back(types[static_cast<std::size_t>(r.index)]);
  }
  const std::string sql = fmt::format("COPY (SELECT {} FROM ({}) AS q) TO STDOUT (FORMAT binary)", select, query);
  result_ptr r(PQexec(c, sql.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COPY_OUT)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(c))));

  factorizer customer_ids, order_ids, product_ids;
  std::vector<std::int32_t> customer, order, product;
  std::vector<std::int64_t> time;
  std::vector<double> amount, quantity, unit_price;
  const bool by_order = !columns.order.empty(), has_product = !columns.product.empty();
  const auto id_code = [](factorizer& f, const pg_copy::field& v, pg_type type) -> std::int32_t {
    if (v.null) return -1;
    if (type == pg_type::text) return f.code(v.text);
    const fmt::format_int digits(v.integer);
    return f.code(std::string_view(digits.data(), digits.size()));
  };
  const auto value_of = [](const pg_copy::field& v, pg_type type, std::size_t row, const char* what) -> double {
    if (v.null) throw needs_text_path{fmt::format("row {}: the {} is NULL", row, what)};
    const bool integer = type == pg_type::int2 || type == pg_type::int4 || type == pg_type::int8;
    return integer ? static_cast<double>(v.integer) : v.number;
  };
  pg_copy::reader reader(copied);
  const auto on_row = [&](std::span<const pg_copy::field> f) {
    const std::size_t row = reader.rows();
    std::size_t k = 0;
    customer.push_back(id_code(customer_ids, f[k], copied[k]));
    ++k;
    const pg_copy::field& t = f[k];
    if (t.null || t.infinite || t.integer < options.min_time || t.integer > options.max_time)
      throw needs_text_path{fmt::format("row {}: the time is NULL, infinite or outside the reader's range", row)};
    time.push_back(t.integer);
    ++k;
    if (by_quantity) {
      quantity.push_back(value_of(f[k], copied[k], row, "quantity"));
      ++k;
      unit_price.push_back(value_of(f[k], copied[k], row, "unit price"));
      ++k;
    } else {
      amount.push_back(value_of(f[k], copied[k], row, "amount"));
      ++k;
    }
    if (by_order) {
      order.push_back(id_code(order_ids, f[k], copied[k]));
      ++k;
    }
    if (has_product) product.push_back(id_code(product_ids, f[k], copied[k]));
  };
  for (;;) {
    char* buffer = nullptr;
    const int n = PQgetCopyData(c, &buffer, 0);
    if (n > 0) {
      std::unique_ptr<char, void (*)(void*)> owned(buffer, PQfreemem);
      try {
        reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)), on_row);
      } catch (const pg_copy::copy_format_error& e) {
        throw cli_error(exit_io, fmt::format("postgresql: {}", e.what()));
      } catch (const needs_text_path& e) {
        why = e.why;
        return std::nullopt;  // closing the connection ends the COPY
      }
    } else if (n == -1) {
      break;
    } else {
      throw cli_error(exit_io, fmt::format("postgresql: reading rows failed: {}", trimmed_message(PQerrorMessage(c))));
    }
  }
  result_ptr done(PQgetResult(c));
  if (!done || PQresultStatus(done.get()) != PGRES_COMMAND_OK)
    throw cli_error(exit_io, fmt::format("postgresql: query failed: {}", trimmed_message(PQerrorMessage(c))));
  while (PGresult* rest = PQgetResult(c)) PQclear(rest);
  try {
    reader.finish();
  } catch (const pg_copy::copy_format_error& e) {
    throw cli_error(exit_io, fmt::format("postgresql: {}", e.what()));
  }
  conn.reset();

  crmkit::order_line_arrays lines;
  lines.customer = customer;
  lines.customer_ids = customer_ids.strings();
  lines.time = time;
  if (by_quantity) {
    lines.quantity = quantity;
    lines.unit_price = unit_price;
  } else {
    lines.amount = amount;
  }
  if (by_order) {
    lines.order = order;
    lines.order_ids = order_ids.strings();
  }
  if (has_product) {
    lines.product = product;
    lines.product_levels = product_ids.strings();
  }
  try {
    crmkit::dataset data = crmkit::dataset_from_order_lines(lines, options.filters, &report);
    report.source = redact_url(url);
    // Row indices to the lines of the query result as CSV (header = line 1), as on the text path.
    for (auto& f : report.filtered)
      for (auto& line : f.first_lines) line += 2;
    return data;
  } catch (const crmkit::error& e) {
    if (e.code() != crmkit::errc::invalid_argument) throw;
    why = e.what();  // a row the typed builder refuses; the CSV reader will say which and skip it
    report = crmkit::ingest_report{};
    return std::nullopt;
  }
}

void pg_write(const std::string& url, const std::string& name, const crmkit::customer_table& table, copy_format format) {
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
    const bool binary = format == copy_format::binary;
    result_ptr r(PQexec(c, fmt::format("COPY {} FROM STDIN WITH (FORMAT {})", fresh, binary ? "binary" : "csv").c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COPY_IN)
      throw cli_error(exit_io, fmt::format("postgresql: {}", trimmed_message(PQerrorMessage(c))));
    const auto send = [c](const std::string& bytes) {
      constexpr std::size_t chunk = 1 << 20;
      for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        const std::size_t n = std::min(chunk, bytes.size() - at);
        if (PQputCopyData(c, bytes.data() + at, static_cast<int>(n)) != 1)
          throw cli_error(exit_io, fmt::format("postgresql: COPY failed: {}", trimmed_message(PQerrorMessage(c))));
      }
    };
    if (binary) {
      write_binary_rows(table, send);
    } else {
      // The CSV of the table without its header; empty unquoted fields are NULL.
      std::string csv = table_to_csv(table);
      csv.erase(0, csv.find('\n') + 1);
      send(csv);
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

bool is_postgresql(const std::string& url) noexcept {
  return starts_with(url, "postgresql://") || starts_with(url, "postgres://");
}

std::optional<crmkit::dataset> pg_query_dataset(const std::string& url, const std::string& query,
                                                const crmkit::transaction_columns& columns,
                                                const crmkit::csv_options& options, crmkit::ingest_report& report,
                                                std::string& why) {
#ifdef CRMKIT_CLI_WITH_POSTGRESQL
  return pg_read_binary(url, query, columns, options, report, why);
#else
  (void)url, (void)query, (void)columns, (void)options, (void)report, (void)why;
  throw cli_error(exit_bad_arguments, "this crmkit was built without PostgreSQL (libpq-dev was not found)");
#endif
}

void db_write_table(const std::string& url, const std::string& table_name, const crmkit::customer_table& table,
                    copy_format format) {
  if (kind_of(url) == db_kind::sqlite) return sqlite_write(url, table_name, table);
#ifdef CRMKIT_CLI_WITH_POSTGRESQL
  return pg_write(url, table_name, table, format);
#else
  (void)format;
  throw cli_error(exit_bad_arguments, "this crmkit was built without PostgreSQL (libpq-dev was not found)");
#endif
}

}  // namespace crmkit_cli
