// Allocation-failure walk over a C ABI workload (issue 12; docs/reliability.md).
//
// This program replaces the global operator new / new[] (every form) with a counting
// version that, when armed, throws std::bad_alloc (or returns NULL for the nothrow forms)
// on exactly the n-th allocation. It runs a host-like C ABI workload (a dataset from a CSV
// file with order lines and from columns, RFM, Pareto, k-means on 2 threads, BTYD
// summary/fit/predict (one prediction on 2 threads), a lifecycle model from JSON and a replay on 2 threads, a score config,
// crmkit_score_customers and the table getters and select, a geo index and a box query,
// then frees everything) for
// n = 1, 2, ... until a run completes without reaching the n-th allocation.
//
// Every entry point must return CRMKIT_OK or CRMKIT_E_OUT_OF_MEMORY (with the message
// "out of memory"); any other status, a crash or an abort is a failure, and the program
// names the call, n and the status. Under AddressSanitizer (preset asan-ubsan, leak check
// on) a handle or buffer lost on an error path is a leak report at exit.
//
//   crmkit_alloc_walk [stride] [first]     (defaults 1 and 1: every n)
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "crmkit/crmkit.h"

// ---------------------------------------------------------------------------------------
// The failing allocator.
namespace {
std::atomic<bool> g_armed{false};
std::atomic<std::uint64_t> g_count{0};
std::atomic<std::uint64_t> g_fail_at{0};
std::atomic<bool> g_fired{false};
std::atomic<bool> g_in_call{false};  // only allocations made inside an entry point count

// True when this allocation is the one that must fail.
bool should_fail() noexcept {
  if (!g_armed.load(std::memory_order_relaxed) || !g_in_call.load(std::memory_order_relaxed)) return false;
  const std::uint64_t n = g_count.fetch_add(1, std::memory_order_relaxed) + 1;
  if (n == g_fail_at.load(std::memory_order_relaxed)) {
    g_fired.store(true, std::memory_order_relaxed);
    return true;
  }
  return false;
}

void* allocate(std::size_t size) {
  if (should_fail()) throw std::bad_alloc();
  void* p = std::malloc(size ? size : 1);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  if (should_fail()) throw std::bad_alloc();
  const std::size_t a = static_cast<std::size_t>(align);
  void* p = std::aligned_alloc(a, (size + a - 1) / a * a);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (should_fail()) return nullptr;
  return std::malloc(size ? size : 1);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  if (should_fail()) return nullptr;
  return std::malloc(size ? size : 1);
}
void* operator new(std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

// ---------------------------------------------------------------------------------------
// The workload.
namespace {

std::string g_csv_path;
std::string g_model_json;

const char* const g_score_toml =
    "n_threads = 2\n"
    "[rfm]\nbins = 3\n"
    "[kmeans]\nk = 2\n"
    "[btyd]\nmodel = \"bg_nbd\"\nperiod = \"1 week\"\nhorizon = \"90 days\"\n"
    "[clv]\nhorizon = \"12 months\"\n"
    "[lifecycle]\nmodel = \"default\"\n";

struct outcome {
  bool stopped = false;     // an entry point returned CRMKIT_E_OUT_OF_MEMORY
  bool bad = false;         // an entry point returned something else
  std::string where;        // the call that stopped or failed
  int status = CRMKIT_OK;
};

// Every handle of the workload; the destructor frees what was made (as a host would).
struct handles {
  crmkit_csv_options* options = nullptr;
  crmkit_dataset* csv = nullptr;
  crmkit_dataset* columns = nullptr;
  crmkit_rfm* rfm = nullptr;
  crmkit_pareto* pareto = nullptr;
  crmkit_kmeans* kmeans = nullptr;
  crmkit_btyd* btyd = nullptr;
  crmkit_lifecycle_model* model = nullptr;
  crmkit_lifecycle* replay = nullptr;
  crmkit_score_config* config = nullptr;
  crmkit_table* table = nullptr;
  crmkit_table* own = nullptr;
  crmkit_geo_index* geo = nullptr;
  crmkit_geo_result* box = nullptr;
  handles() = default;
  handles(const handles&) = delete;
  handles& operator=(const handles&) = delete;
  ~handles() {
    crmkit_geo_result_free(box);
    crmkit_geo_index_free(geo);
    crmkit_table_free(own);
    crmkit_table_free(table);
    crmkit_score_config_free(config);
    crmkit_lifecycle_free(replay);
    crmkit_lifecycle_model_free(model);
    crmkit_btyd_free(btyd);
    crmkit_kmeans_free(kmeans);
    crmkit_pareto_free(pareto);
    crmkit_rfm_free(rfm);
    crmkit_dataset_free(columns);
    crmkit_dataset_free(csv);
    crmkit_csv_options_free(options);
  }
};

// Checks one status: OK goes on, out of memory stops the workload, anything else fails.
#define CALL(expr)                                                                         \
  do {                                                                                     \
    g_in_call = true;                                                                      \
    const int status_ = (expr);                                                            \
    g_in_call = false;                                                                     \
    if (status_ != CRMKIT_OK) {                                                            \
      out.where = #expr;                                                                   \
      out.status = status_;                                                                \
      if (status_ == CRMKIT_E_OUT_OF_MEMORY && std::strcmp(crmkit_last_error(), "out of memory") == 0) \
        out.stopped = true;                                                                \
      else                                                                                 \
        out.bad = true;                                                                    \
      return out;                                                                          \
    }                                                                                      \
  } while (false)

outcome workload() {
  outcome out;
  handles h;
  // A dataset from a CSV file of order lines (order id, quantity x unit price, a filter).
  CALL(crmkit_csv_options_create(&h.options));
  CALL(crmkit_csv_options_set_int(h.options, CRMKIT_CSV_TIME_FORMAT, CRMKIT_TIME_EPOCH_SECONDS));
  CALL(crmkit_csv_options_set_string(h.options, CRMKIT_CSV_ORDER_COLUMN, "order"));
  CALL(crmkit_csv_options_set_string(h.options, CRMKIT_CSV_QUANTITY_COLUMN, "quantity"));
  CALL(crmkit_csv_options_set_string(h.options, CRMKIT_CSV_UNIT_PRICE_COLUMN, "unit_price"));
  CALL(crmkit_csv_options_set_string(h.options, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, "C"));
  CALL(crmkit_dataset_create_from_csv(g_csv_path.c_str(), nullptr, h.options, &h.csv));
  size_t n_customers = 0, n_tx = 0, skipped = 0, filtered = 0;
  CALL(crmkit_dataset_n_customers(h.csv, &n_customers));
  CALL(crmkit_dataset_n_transactions(h.csv, &n_tx));
  CALL(crmkit_dataset_skipped_count(h.csv, &skipped));
  CALL(crmkit_dataset_filtered_count(h.csv, CRMKIT_CSV_EXCLUDE_ORDER_PREFIX, &filtered));
  char id[64];
  size_t needed = 0;
  CALL(crmkit_dataset_customer_id(h.csv, 0, id, sizeof id, &needed));

  // A dataset from columns, named.
  {
    const std::int32_t customer[] = {0, 1, 0, 2, 1, 2};
    const std::int64_t time[] = {1700000000, 1700086400, 1702000000, 1703000000, 1704000000, 1705000000};
    const double amount[] = {10, 20, 30, 40, 50, 60};
    const char* const ids[] = {"x", "y", "z"};
    CALL(crmkit_dataset_create_from_columns(customer, time, amount, 6, 3, CRMKIT_COPY, &h.columns));
    CALL(crmkit_dataset_set_customer_ids(h.columns, ids, 3));
  }

  // RFM.
  CALL(crmkit_rfm_create(&h.rfm));
  CALL(crmkit_rfm_set_int(h.rfm, CRMKIT_RFM_AS_OF, 1735689600));
  CALL(crmkit_rfm_compute(h.rfm, h.csv));
  size_t rfm_rows = 0;
  CALL(crmkit_rfm_size(h.rfm, &rfm_rows));
  std::vector<double> monetary(rfm_rows);
  std::vector<std::int32_t> segment(rfm_rows);
  CALL(crmkit_rfm_column_double(h.rfm, CRMKIT_RFM_MONETARY, monetary.data(), rfm_rows));
  CALL(crmkit_rfm_column_int32(h.rfm, CRMKIT_RFM_SEGMENT, segment.data(), rfm_rows));
  char name[128];
  CALL(crmkit_rfm_segment_name(h.rfm, 0, name, sizeof name, &needed));

  // Pareto of the monetary values.
  CALL(crmkit_pareto_create(&h.pareto));
  CALL(crmkit_pareto_fit(h.pareto, monetary.data(), rfm_rows, nullptr, 0));
  double gini = 0;
  CALL(crmkit_pareto_summary(h.pareto, CRMKIT_PARETO_GINI, &gini));

  // k-means on (monetary, segment) on 2 threads.
  {
    std::vector<double> data;
    for (size_t i = 0; i < rfm_rows; ++i) {
      data.push_back(monetary[i]);
      data.push_back(static_cast<double>(i % 5));
    }
    CALL(crmkit_kmeans_create(&h.kmeans));
    CALL(crmkit_kmeans_set_int(h.kmeans, CRMKIT_KMEANS_N_CLUSTERS, 3));
    CALL(crmkit_kmeans_set_int(h.kmeans, CRMKIT_KMEANS_N_INIT, 2));
    CALL(crmkit_kmeans_set_int(h.kmeans, CRMKIT_KMEANS_N_THREADS, 2));
    CALL(crmkit_kmeans_fit(h.kmeans, data.data(), rfm_rows, 2));
    std::vector<std::int32_t> labels(rfm_rows);
    CALL(crmkit_kmeans_labels(h.kmeans, labels.data(), rfm_rows));
  }

  // BTYD: summary, BG/NBD fit on 2 threads, prediction.
  {
    std::vector<std::int32_t> cust(n_customers);
    std::vector<double> x(n_customers), tx(n_customers), T(n_customers), m(n_customers);
    size_t n = 0;
    CALL(crmkit_btyd_summarize(h.csv, 1735689600, 0, 0, 7.0, n_customers, &n, cust.data(), x.data(), tx.data(),
                               T.data(), m.data(), nullptr, nullptr));
    CALL(crmkit_btyd_create(CRMKIT_BTYD_BG_NBD, &h.btyd));
    CALL(crmkit_btyd_set_int(h.btyd, CRMKIT_BTYD_N_THREADS, 2));
    CALL(crmkit_btyd_fit(h.btyd, x.data(), tx.data(), T.data(), nullptr, n));
    std::vector<double> p(n);
    CALL(crmkit_btyd_predict(h.btyd, CRMKIT_BTYD_P_ALIVE, 0, x.data(), tx.data(), T.data(), n, p.data()));
    // 20,000 rows: more than one block (16,384), so the prediction starts a second thread.
    const std::size_t big = 20000;
    std::vector<double> bx(big), btx(big), bT(big), bp(big);
    for (std::size_t i = 0; i < big; ++i) {
      bx[i] = static_cast<double>(i % 7);
      btx[i] = bx[i] > 0 ? static_cast<double>(10 + i % 30) : 0.0;
      bT[i] = 52.0;
    }
    CALL(crmkit_btyd_predict(h.btyd, CRMKIT_BTYD_EXPECTED_PURCHASES, 13.0, bx.data(), btx.data(), bT.data(), big,
                             bp.data()));
  }

  // Lifecycle: a model from JSON, a monthly replay on 2 threads.
  CALL(crmkit_lifecycle_model_from_json(g_model_json.data(), g_model_json.size(), &h.model));
  CALL(crmkit_lifecycle_replay(h.model, h.csv, 1704067200, 1735689600, CRMKIT_LIFECYCLE_MONTHLY, 2, &h.replay));
  size_t log_size = 0;
  CALL(crmkit_lifecycle_size(h.replay, CRMKIT_LIFECYCLE_SIZE_LOG, &log_size));
  {
    std::vector<std::int32_t> stage(n_customers), previous(n_customers);
    std::vector<std::int64_t> entered(n_customers);
    CALL(crmkit_lifecycle_stages(h.replay, stage.data(), previous.data(), entered.data(), n_customers));
  }

  // Scoring and the table.
  CALL(crmkit_score_config_parse(g_score_toml, std::strlen(g_score_toml), &h.config));
  CALL(crmkit_score_customers(h.csv, 1735689600, h.config, &h.table));
  size_t rows = 0, cols = 0, col = 0;
  CALL(crmkit_table_n_rows(h.table, &rows));
  CALL(crmkit_table_n_columns(h.table, &cols));
  CALL(crmkit_table_column_name(h.table, 0, name, sizeof name, &needed));
  CALL(crmkit_table_find_column(h.table, "p_alive", &col));
  std::vector<double> p_alive(rows);
  CALL(crmkit_table_float64(h.table, col, p_alive.data(), rows));
  std::vector<std::int32_t> selected(rows);
  size_t n_selected = 0;
  CALL(crmkit_table_select(h.table, "p_alive > 0.5 or monetary >= 100", selected.data(), rows, &n_selected));
  {
    g_in_call = true;
    const int sizing = crmkit_table_report_json(h.table, nullptr, 0, &needed);  // the two-call protocol
    g_in_call = false;
    CALL(sizing == CRMKIT_E_BUFFER_TOO_SMALL ? CRMKIT_OK : sizing == CRMKIT_OK ? CRMKIT_E_GENERIC : sizing);
  }
  std::vector<char> report(needed);
  CALL(crmkit_table_report_json(h.table, report.data(), report.size(), &needed));

  // A host table with a category column, and an audience on it.
  {
    const char* const ids[] = {"a", "b", "c"};
    const double v[] = {1, 2, 3};
    const std::int32_t codes[] = {0, 1, -1};
    const char* const levels[] = {"A", "B"};
    CALL(crmkit_table_create(ids, 3, &h.own));
    CALL(crmkit_table_set_float64(h.own, "v", v, 3));
    CALL(crmkit_table_set_category(h.own, "abc", codes, 3, levels, 2));
    std::int32_t out_rows[3];
    CALL(crmkit_table_select(h.own, "abc == 'A' or v > 2", out_rows, 3, &n_selected));
  }

  // A geo index and a box query.
  {
    const double lon[] = {13.4, 13.5, 2.35, 0.0};
    const double lat[] = {52.5, 52.6, 48.85, 10.0};
    CALL(crmkit_geo_index_create(lon, lat, 4, 0, 0, &h.geo));
    CALL(crmkit_geo_index_in_box(h.geo, 13.0, 52.0, 14.0, 53.0, nullptr, CRMKIT_GEO_ORDER_INDEX, &h.box));
    size_t n_queries = 0, n_hits = 0;
    CALL(crmkit_geo_result_sizes(h.box, &n_queries, &n_hits));
  }
  return out;
}

std::string csv_text() {
  // 24 customers, 1 to 6 orders each over 2024, 1 to 3 lines per order, some cancellations.
  std::ostringstream s;
  s << "order,customer_id,timestamp,quantity,unit_price\n";
  int order = 1000;
  for (int c = 0; c < 24; ++c) {
    const int n_orders = 1 + (c * 7) % 6;
    for (int k = 0; k < n_orders; ++k) {
      ++order;
      const int day = 1 + (c * 13 + k * 47) % 360;
      const std::int64_t t = 1704067200 + std::int64_t{day} * 86400;
      for (int line = 0; line <= (c + k) % 3; ++line)
        s << order << ",C" << (100 + c) << "," << t << "," << (1 + line) << "," << (2.5 + c + k) << "\n";
      if ((c + k) % 5 == 0) s << "C" << order << ",C" << (100 + c) << "," << t + 3600 << ",-1,1.0\n";
    }
  }
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t stride = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1;
  const std::uint64_t first = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  {
    char path[] = "/tmp/crmkit_alloc_walk_XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
      std::perror("mkstemp");
      return 2;
    }
    close(fd);
    g_csv_path = path;
    std::ofstream(g_csv_path) << csv_text();
    std::ifstream in(std::string(CRMKIT_SOURCE_DIR) + "/tests/data/lifecycle/default_model.json");
    std::ostringstream text;
    text << in.rdbuf();
    g_model_json = text.str();
    if (g_model_json.empty()) {
      std::fprintf(stderr, "cannot read tests/data/lifecycle/default_model.json\n");
      return 2;
    }
  }
  // The workload must pass unarmed (and its allocation count sizes the walk).
  g_count = 0;
  g_fail_at = 0;
  g_armed = true;
  outcome base = workload();
  g_armed = false;
  const std::uint64_t total = g_count.load();
  if (base.bad || base.stopped) {
    std::fprintf(stderr, "unarmed workload failed: %s returned %d (%s)\n", base.where.c_str(), base.status,
                 crmkit_last_error());
    std::remove(g_csv_path.c_str());
    return 1;
  }
  std::printf("workload: %llu allocations; walking n = %llu, %llu, ... (stride %llu)\n",
              static_cast<unsigned long long>(total), static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + stride), static_cast<unsigned long long>(stride));
  int failures = 0;
  std::uint64_t runs = 0, stopped = 0, absorbed = 0, n = first;
  for (;; n += stride) {
    g_count = 0;
    g_fail_at = n;
    g_fired = false;
    g_armed = true;
    const outcome o = workload();
    g_armed = false;
    ++runs;
    if (o.bad) {
      std::fprintf(stderr, "n = %llu: %s returned %d (%s)\n", static_cast<unsigned long long>(n), o.where.c_str(),
                   o.status, crmkit_last_error());
      if (++failures >= 20) break;
      continue;
    }
    if (!g_fired) break;  // the workload made fewer than n allocations: the walk is over
    if (o.stopped)
      ++stopped;
    else
      ++absorbed;  // the failed allocation was handled inside the library (or in this program)
  }
  std::printf("%llu runs (n up to %llu): %llu stopped with CRMKIT_E_OUT_OF_MEMORY, %llu completed despite the "
              "failed allocation, %d wrong statuses\n",
              static_cast<unsigned long long>(runs), static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(stopped), static_cast<unsigned long long>(absorbed), failures);
  std::remove(g_csv_path.c_str());
  return failures == 0 ? 0 : 1;
}
