#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/synth.hpp"
#include "fingerprint.hpp"

using crmkit::synth_options;

namespace {

synth_options small_options(std::uint64_t seed = 1, bool with_time_of_day = false) {
  synth_options o;
  o.seed = seed;
  o.n_customers = 2000;
  o.n_transactions = 40000;
  o.with_time_of_day = with_time_of_day;
  return o;
}

template <class T>
bool equal(std::span<const T> a, std::span<const T> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool same_data(const crmkit::dataset& a, const crmkit::dataset& b) {
  const auto& x = a.transactions();
  const auto& y = b.transactions();
  bool same = equal(x.customer(), y.customer()) && equal(x.time(), y.time()) && equal(x.amount(), y.amount()) &&
              equal(x.product()->codes.view(), y.product()->codes.view()) &&
              equal(x.channel()->codes.view(), y.channel()->codes.view()) &&
              equal(a.customers().longitude(), b.customers().longitude()) &&
              equal(a.customers().latitude(), b.customers().latitude()) &&
              a.customers().attribute_names() == b.customers().attribute_names();
  for (const auto& name : a.customers().attribute_names())
    same = same && equal(a.customers().attribute(name), b.customers().attribute(name));
  return same;
}

struct caught {
  crmkit::errc code = crmkit::errc::ok;
  std::string message;
};
caught catch_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const crmkit::error& e) {
    return {e.code(), e.what()};
  }
  return {};
}

std::vector<std::size_t> purchase_counts(const crmkit::dataset& data) {
  std::vector<std::size_t> counts(data.n_customers(), 0);
  for (const std::int32_t c : data.transactions().customer()) ++counts[static_cast<std::size_t>(c)];
  return counts;
}

std::vector<std::string_view> split(std::string_view line, char separator = ',') {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = line.find(separator, begin);
    fields.push_back(line.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    if (end == std::string_view::npos) return fields;
    begin = end + 1;
  }
}

double to_double(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && !s.empty() ? value : std::numeric_limits<double>::quiet_NaN();
}

// A scratch directory removed at the end of the test.
struct scratch_dir {
  std::filesystem::path path;
  explicit scratch_dir(const char* name) {
    const auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
    path = std::filesystem::temp_directory_path() / ("crmkit_synth_" + std::string(name) + "_" + std::to_string(tick));
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const char* name) const { return (path / name).string(); }
};

double haversine_km(double lon1, double lat1, double lon2, double lat2) {
  constexpr double rad = 3.14159265358979323846 / 180.0;
  const double dlat = (lat2 - lat1) * rad;
  const double dlon = (lon2 - lon1) * rad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * 6371.0088 * std::asin(std::sqrt(a));
}

}  // namespace

TEST_CASE("the same seed gives identical data, another seed different data") {
  for (const bool tod : {false, true}) {
    CAPTURE(tod);
    const auto a = crmkit::generate_transactions(small_options(1, tod));
    const auto b = crmkit::generate_transactions(small_options(1, tod));
    const auto c = crmkit::generate_transactions(small_options(2, tod));
    CHECK(same_data(a, b));
    CHECK(fingerprint_of(a) == fingerprint_of(b));
    CHECK_FALSE(same_data(a, c));
    CHECK(fingerprint_of(a) != fingerprint_of(c));
  }
}

TEST_CASE("the output is pinned: the same bits on every platform and in every build") {
  // If this fails after a deliberate change of the model or the samplers, update the
  // constants (and say so in the change log: seeds no longer reproduce old data). If it
  // fails on a new platform or compiler, determinism is broken there.
  synth_options o = pinned_options();
  const auto day = crmkit::generate_transactions(o);
  o.with_time_of_day = true;
  const auto timed = crmkit::generate_transactions(o);
  CHECK(fingerprint_of(day) == pinned_fingerprint_daily);
  CHECK(fingerprint_of(timed) == pinned_fingerprint_timed);
}

TEST_CASE("the result does not depend on the number of threads") {
  for (const bool tod : {false, true}) {
    CAPTURE(tod);
    auto o = small_options(3, tod);
    const auto reference = crmkit::generate_transactions(o);
    for (const std::size_t threads : {2u, 3u, 7u, 8u}) {
      CAPTURE(threads);
      o.n_threads = threads;
      CHECK(same_data(reference, crmkit::generate_transactions(o)));
    }
  }
}

TEST_CASE("exactly n_transactions rows, also with fewer transactions than customers") {
  struct shape {
    std::size_t customers, transactions;
    double lifetime_days, rate_shape;
  };
  const shape shapes[] = {{1000, 0, 540, 0.75},    {1000, 1, 540, 0.75},     {1000, 999, 540, 0.75},
                          {1000, 1000, 540, 0.75}, {1000, 1001, 540, 0.75},  {1, 5000, 540, 0.75},
                          {3, 7, 540, 0.75},       {500, 123457, 540, 0.75}, {2000, 30000, 0.01, 0.75},
                          {2000, 30000, 540, 0.05}};
  for (const bool tod : {false, true})
    for (const auto& s : shapes) {
      CAPTURE(tod);
      CAPTURE(s.customers);
      CAPTURE(s.transactions);
      CAPTURE(s.lifetime_days);
      CAPTURE(s.rate_shape);
      synth_options o;
      o.n_customers = s.customers;
      o.n_transactions = s.transactions;
      o.mean_lifetime_days = s.lifetime_days;
      o.rate_shape = s.rate_shape;
      o.with_time_of_day = tod;
      const auto data = crmkit::generate_transactions(o);
      CHECK(data.n_transactions() == s.transactions);
      CHECK(data.n_customers() == s.customers);
      const auto counts = purchase_counts(data);
      if (s.transactions <= s.customers) {
        // Customers below n_transactions buy once (at acquisition); the rest never.
        for (std::size_t i = 0; i < s.customers; ++i) REQUIRE(counts[i] == (i < s.transactions ? 1u : 0u));
      } else {
        CHECK(*std::min_element(counts.begin(), counts.end()) >= 1);
      }
    }
}

TEST_CASE("every row is valid and the log is sorted by time") {
  for (const bool tod : {false, true}) {
    CAPTURE(tod);
    const auto o = small_options(4, tod);
    const auto data = crmkit::generate_transactions(o);
    const auto& log = data.transactions();
    const auto customers = log.customer();
    const auto times = log.time();
    const auto amounts = log.amount();
    std::size_t bad_customer = 0, bad_time = 0, bad_amount = 0, unsorted = 0, not_midnight = 0, bad_code = 0;
    for (std::size_t r = 0; r < log.size(); ++r) {
      bad_customer += customers[r] < 0 || static_cast<std::size_t>(customers[r]) >= o.n_customers;
      bad_time += times[r] < o.start_time || times[r] > o.end_time;
      const double cents = amounts[r] * 100.0;
      bad_amount += !std::isfinite(amounts[r]) || !(amounts[r] > 0) || std::fabs(cents - std::round(cents)) > 1e-6;
      unsorted += r > 0 && times[r] < times[r - 1];
      not_midnight += times[r] % crmkit::seconds_per_day != 0;
      const std::int32_t p = log.product()->codes[r];
      const std::int32_t c = log.channel()->codes[r];
      bad_code += p < 0 || p >= static_cast<std::int32_t>(o.n_products) || c < 0 || c > 2;
    }
    CHECK(bad_customer == 0);
    CHECK(bad_time == 0);
    CHECK(bad_amount == 0);
    CHECK(unsorted == 0);
    CHECK(bad_code == 0);
    if (tod)
      CHECK(not_midnight > log.size() * 9 / 10);
    else
      CHECK(not_midnight == 0);
    CHECK(log.product()->levels->size() == o.n_products);
    CHECK(log.product()->levels->at(0) == "P-001");
    CHECK(log.channel()->levels->at(0) == "web");
    CHECK(log.channel()->levels->at(2) == "store");
    CHECK(data.customers().id(0) == "C-0000001");
    CHECK(data.customers().id(1999) == "C-0002000");
  }
}

TEST_CASE("customers drop out: silent at the end, never buying after their dropout time") {
  auto o = small_options(5);
  o.n_customers = 5000;
  o.n_transactions = 100000;
  const auto data = crmkit::generate_transactions(o);
  const auto& table = data.customers();
  const auto acquired = table.attribute("acquired_at");
  const auto dropout = table.attribute("true_dropout_at");
  const auto& log = data.transactions();
  const std::int64_t last_quarter = o.start_time + (o.end_time - o.start_time) * 3 / 4;

  std::vector<bool> active_late(o.n_customers, false);
  std::vector<std::int64_t> first(o.n_customers, std::numeric_limits<std::int64_t>::max());
  std::size_t after_dropout = 0, before_acquisition = 0;
  for (std::size_t r = 0; r < log.size(); ++r) {
    const auto c = static_cast<std::size_t>(log.customer()[r]);
    const std::int64_t t = log.time()[r];
    if (t >= last_quarter) active_late[c] = true;
    first[c] = std::min(first[c], t);
    after_dropout += !(static_cast<double>(t) < dropout[c]);
    before_acquisition += t < crmkit::floor_days(static_cast<std::int64_t>(acquired[c])) * crmkit::seconds_per_day;
  }
  CHECK(after_dropout == 0);
  CHECK(before_acquisition == 0);
  std::size_t silent = 0, dropped_early = 0, first_at_acquisition = 0;
  for (std::size_t c = 0; c < o.n_customers; ++c) {
    silent += !active_late[c];
    dropped_early += dropout[c] < static_cast<double>(last_quarter);
    first_at_acquisition +=
        first[c] == crmkit::floor_days(static_cast<std::int64_t>(acquired[c])) * crmkit::seconds_per_day;
  }
  const double n = static_cast<double>(o.n_customers);
  // About 37% drop out before the last quarter (uniform acquisition over 75% of the
  // period, exponential lifetimes of mean 540 days); more are silent by chance.
  CHECK(static_cast<double>(dropped_early) / n > 0.3);
  CHECK(static_cast<double>(dropped_early) / n < 0.45);
  CHECK(static_cast<double>(silent) / n > static_cast<double>(dropped_early) / n);
  CHECK(static_cast<double>(silent) / n < 0.8);
  CHECK(first_at_acquisition == o.n_customers);
  // Acquisition is staggered over the first 75% of the period.
  const auto [lo, hi] = std::minmax_element(acquired.begin(), acquired.end());
  CHECK(*lo < static_cast<double>(o.start_time + 10 * crmkit::seconds_per_day));
  CHECK(*hi > static_cast<double>(o.start_time + (o.end_time - o.start_time) * 7 / 10));
  CHECK(*hi < static_cast<double>(o.start_time + (o.end_time - o.start_time) * 3 / 4));
}

TEST_CASE("an infinite lifetime means no dropout; acquisition_fraction 0 means everybody starts at once") {
  auto o = small_options(6);
  o.mean_lifetime_days = std::numeric_limits<double>::infinity();
  o.acquisition_fraction = 0.0;
  const auto data = crmkit::generate_transactions(o);
  for (double d : data.customers().attribute("true_dropout_at")) REQUIRE(std::isinf(d));
  for (double a : data.customers().attribute("acquired_at")) REQUIRE(a == static_cast<double>(o.start_time));
  CHECK(data.n_transactions() == o.n_transactions);
}

TEST_CASE("purchase counts are far more dispersed than a Poisson's") {
  const auto data = crmkit::generate_transactions(small_options(7));
  const auto counts = purchase_counts(data);
  const double n = static_cast<double>(counts.size());
  const double mean = static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::size_t{0})) / n;
  double ss = 0;
  for (std::size_t c : counts) ss += (static_cast<double>(c) - mean) * (static_cast<double>(c) - mean);
  const double cv = std::sqrt(ss / (n - 1)) / mean;
  CAPTURE(mean);
  CAPTURE(cv);
  CHECK(mean == doctest::Approx(20.0));
  CHECK(cv > 3.0 / std::sqrt(mean));  // a Poisson's CV is 1/sqrt(mean)
  CHECK(cv > 0.8);
  // The latent rates explain the counts: customers with above-median rates buy more.
  const auto rate = data.customers().attribute("true_rate_per_year");
  std::vector<double> sorted(rate.begin(), rate.end());
  std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
  const double median = sorted[sorted.size() / 2];
  double high = 0, low = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) (rate[i] > median ? high : low) += static_cast<double>(counts[i]);
  CHECK(high > 3 * low);
}

TEST_CASE("amounts: lognormal around each customer's mean, overall mean as configured") {
  auto o = small_options(8);
  o.n_transactions = 100000;
  const auto data = crmkit::generate_transactions(o);
  const auto& log = data.transactions();
  const auto truth = data.customers().attribute("true_mean_amount");
  std::vector<double> sum(o.n_customers, 0.0), count(o.n_customers, 0.0);
  double total = 0;
  for (std::size_t r = 0; r < log.size(); ++r) {
    const auto c = static_cast<std::size_t>(log.customer()[r]);
    sum[c] += log.amount()[r];
    ++count[c];
    total += log.amount()[r];
  }
  CHECK(total / static_cast<double>(log.size()) == doctest::Approx(o.mean_amount).epsilon(0.05));
  // Pearson correlation of observed and true means over customers with 20+ purchases.
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, k = 0;
  for (std::size_t c = 0; c < o.n_customers; ++c) {
    if (count[c] < 20) continue;
    const double x = sum[c] / count[c], y = truth[c];
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, ++k;
  }
  const double r = (k * sxy - sx * sy) / std::sqrt((k * sxx - sx * sx) * (k * syy - sy * sy));
  CAPTURE(k);
  CHECK(k > 200);
  CHECK(r > 0.85);
}

TEST_CASE("products follow a Zipf popularity, channels their shares, days a weekly pattern") {
  auto o = small_options(9);
  o.n_transactions = 100000;
  const auto data = crmkit::generate_transactions(o);
  const auto& log = data.transactions();
  std::vector<std::size_t> product(o.n_products, 0), channel(3, 0), weekday(7, 0);
  for (std::size_t r = 0; r < log.size(); ++r) {
    ++product[static_cast<std::size_t>(log.product()->codes[r])];
    ++channel[static_cast<std::size_t>(log.channel()->codes[r])];
    ++weekday[static_cast<std::size_t>((crmkit::floor_days(log.time()[r]) + 3) % 7)];  // Monday = 0
  }
  CHECK(std::max_element(product.begin(), product.end()) == product.begin());
  CHECK(product[0] > 2 * product[4]);
  CHECK(product[4] > product[49]);
  CHECK(channel[0] > channel[1]);
  CHECK(channel[1] > channel[2]);
  CHECK(channel[2] > log.size() / 10);
  CHECK(static_cast<double>(weekday[5]) > 1.25 * static_cast<double>(weekday[6]));  // Saturday vs Sunday
}

TEST_CASE("times of day follow the diurnal profile") {
  const auto data = crmkit::generate_transactions(small_options(10, true));
  std::vector<std::size_t> hour(24, 0);
  for (const std::int64_t t : data.transactions().time()) ++hour[static_cast<std::size_t>(t % 86400 / 3600)];
  CHECK(hour[2] + hour[3] + hour[4] < (hour[18] + hour[19] + hour[20]) / 5);
}

TEST_CASE("customers cluster around their cities") {
  const auto o = small_options(11);
  const auto data = crmkit::generate_transactions(o);
  const auto& table = data.customers();
  REQUIRE(table.has_locations());
  const auto lon = table.longitude();
  const auto lat = table.latitude();
  const auto city = table.attribute("city");
  const auto cities = crmkit::synth_cities();
  std::vector<std::size_t> per_city(o.n_cities, 0);
  double total_km = 0, max_km = 0;
  for (std::size_t i = 0; i < table.size(); ++i) {
    REQUIRE(lon[i] >= -180.0);
    REQUIRE(lon[i] <= 180.0);
    REQUIRE(lat[i] >= -90.0);
    REQUIRE(lat[i] <= 90.0);
    REQUIRE(city[i] >= 0.0);
    REQUIRE(city[i] < static_cast<double>(o.n_cities));
    const auto& c = cities[static_cast<std::size_t>(city[i])];
    const double km = haversine_km(lon[i], lat[i], c.longitude, c.latitude);
    total_km += km;
    max_km = std::max(max_km, km);
    ++per_city[static_cast<std::size_t>(city[i])];
  }
  // Per-axis Gaussian scatter of 5 km: distances are Rayleigh, mean 5 sqrt(pi/2) = 6.27 km.
  CHECK(total_km / static_cast<double>(table.size()) == doctest::Approx(6.27).epsilon(0.06));
  CHECK(max_km < 40.0);
  CHECK(per_city[0] > 3 * per_city[o.n_cities - 1]);  // London outweighs the 20th city
  CHECK(std::count(per_city.begin(), per_city.end(), 0u) == 0);
}

TEST_CASE("invalid options are rejected with a message naming the option") {
  struct bad {
    std::function<void(synth_options&)> set;
    const char* name;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const bad cases[] = {
      {[](auto& o) { o.n_customers = 0; }, "n_customers = 0"},
      {[](auto& o) { o.n_customers = std::size_t{1} << 31; }, "n_customers"},
      {[](auto& o) { o.n_transactions = std::size_t{1} << 32; }, "n_transactions"},
      {[](auto& o) { o.end_time = o.start_time; }, "end_time"},
      {[](auto& o) { o.end_time = o.start_time + 86399; }, "end_time"},
      {[](auto& o) { o.end_time = o.start_time - 86400 * 10; }, "end_time"},
      {[](auto& o) { o.start_time = crmkit::unix_seconds(0, 12, 31); }, "start_time"},
      {[](auto& o) { o.n_cities = 0; }, "n_cities"},
      {[](auto& o) { o.n_cities = 25; }, "n_cities"},
      {[](auto& o) { o.n_products = 0; }, "n_products"},
      {[&](auto& o) { o.acquisition_fraction = nan; }, "acquisition_fraction"},
      {[](auto& o) { o.acquisition_fraction = 1.5; }, "acquisition_fraction"},
      {[](auto& o) { o.rate_shape = 0; }, "rate_shape"},
      {[&](auto& o) { o.rate_shape = inf; }, "rate_shape"},
      {[](auto& o) { o.mean_lifetime_days = 0; }, "mean_lifetime_days"},
      {[&](auto& o) { o.mean_lifetime_days = nan; }, "mean_lifetime_days"},
      {[](auto& o) { o.mean_amount = 0; }, "mean_amount"},
      {[](auto& o) { o.amount_shape = -1; }, "amount_shape"},
      {[](auto& o) { o.amount_sigma = -0.1; }, "amount_sigma"},
      {[](auto& o) { o.product_zipf_exponent = -1; }, "product_zipf_exponent"},
      {[](auto& o) { o.favorite_product_share = 2; }, "favorite_product_share"},
      {[](auto& o) { o.channel_loyalty = -0.5; }, "channel_loyalty"},
      {[](auto& o) { o.location_scatter_km = 500; }, "location_scatter_km"},
      {[](auto& o) { o.n_threads = 0; }, "n_threads"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto o = small_options();
    c.set(o);
    const caught e = catch_error([&] { (void)crmkit::generate_transactions(o); });
    CHECK(e.code == crmkit::errc::invalid_argument);
    CHECK(e.message.find(c.name) != std::string::npos);
    CHECK(e.message.find("generate_transactions") != std::string::npos);
  }
}

TEST_CASE("the transactions CSV reads back to the dataset, line by line") {
  scratch_dir dir("transactions");
  for (const bool tod : {false, true}) {
    CAPTURE(tod);
    const auto data = crmkit::generate_transactions(small_options(12, tod));
    const auto& log = data.transactions();
    const std::string path = dir.file(tod ? "timed.csv" : "daily.csv");
    crmkit::write_transactions_csv(data, path, tod);

    std::ifstream in(path, std::ios::binary);
    std::string line;
    REQUIRE(std::getline(in, line));
    CHECK(line == "customer_id,timestamp,amount,product,channel");
    std::size_t row = 0, bad_fields = 0, bad_id = 0, bad_time = 0, bad_amount = 0, bad_level = 0;
    while (std::getline(in, line)) {
      const auto f = split(line);
      if (f.size() != 5 || row >= log.size()) {
        ++bad_fields;
        ++row;
        continue;
      }
      bad_id += data.customers().find(f[0]) != log.customer()[row] || f[0].size() != 9 || f[0].substr(0, 2) != "C-";
      std::int64_t t = 0;
      bad_time += crmkit::parse_iso8601(f[1], t) != crmkit::time_parse_status::ok || t != log.time()[row] ||
                  f[1].size() != (tod ? 20u : 10u);
      bad_amount += f[2].find('.') != f[2].size() - 3 || to_double(f[2]) != log.amount()[row];
      bad_level += f[3] != log.product()->levels->at(log.product()->codes[row]) ||
                   f[4] != log.channel()->levels->at(log.channel()->codes[row]);
      ++row;
    }
    CHECK(row == log.size());
    CHECK(bad_fields == 0);
    CHECK(bad_id == 0);
    CHECK(bad_time == 0);
    CHECK(bad_amount == 0);
    CHECK(bad_level == 0);
  }
}

TEST_CASE("the customers CSV reads back to the customer table exactly") {
  scratch_dir dir("customers");
  const auto data = crmkit::generate_transactions(small_options(13));
  const auto& table = data.customers();
  const std::string path = dir.file("customers.csv");
  crmkit::write_customers_csv(data, path);

  std::ifstream in(path, std::ios::binary);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line == "customer_id,longitude,latitude,city,acquired_at,true_rate_per_year,true_dropout_at,true_mean_amount");
  const auto names = table.attribute_names();
  std::size_t row = 0, mismatches = 0;
  while (std::getline(in, line)) {
    const auto f = split(line);
    if (f.size() != 3 + names.size() || row >= table.size()) {
      ++mismatches;
      ++row;
      continue;
    }
    mismatches += f[0] != table.id(static_cast<std::int32_t>(row));
    mismatches += to_double(f[1]) != table.longitude()[row];
    mismatches += to_double(f[2]) != table.latitude()[row];
    for (std::size_t a = 0; a < names.size(); ++a) mismatches += to_double(f[3 + a]) != table.attribute(names[a])[row];
    ++row;
  }
  CHECK(row == table.size());
  CHECK(mismatches == 0);
}

TEST_CASE("the CSV writers quote awkward fields and leave missing values empty") {
  scratch_dir dir("quoting");
  auto ids = std::make_shared<crmkit::string_dictionary>();
  ids->insert("A,1");
  ids->insert("B\"2");
  auto table = crmkit::customer_table::from_ids(ids);
  table.set_attribute("score", crmkit::column<double>::owned({std::numeric_limits<double>::quiet_NaN(), 2.5}));
  auto log = crmkit::transaction_log::from_columns(
      crmkit::column<std::int32_t>::owned({0, 1}), crmkit::column<std::int64_t>::owned({86400 + 3723, 0}),
      crmkit::column<double>::owned({-1.5, 1234567.891}), 2);
  const crmkit::dataset data(std::move(table), std::move(log));
  crmkit::write_transactions_csv(data, dir.file("t.csv"), true);
  crmkit::write_customers_csv(data, dir.file("c.csv"));
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(read(dir.file("t.csv")) ==
        "customer_id,timestamp,amount,product,channel\n"
        "\"A,1\",1970-01-02T01:02:03Z,-1.50,,\n"
        "\"B\"\"2\",1970-01-01T00:00:00Z,1234567.89,,\n");
  CHECK(read(dir.file("c.csv")) ==
        "customer_id,longitude,latitude,score\n"
        "\"A,1\",,,\n"
        "\"B\"\"2\",,,2.5\n");
}

TEST_CASE("write failures are io_errors naming the path") {
  const auto data = crmkit::generate_transactions(small_options(14));
  const std::string missing = "/nonexistent-crmkit-dir/sub/transactions.csv";
  caught e = catch_error([&] { crmkit::write_transactions_csv(data, missing, false); });
  CHECK(e.code == crmkit::errc::io_error);
  CHECK(e.message.find(missing) != std::string::npos);
  CHECK(e.message.find("write_transactions_csv") != std::string::npos);
  e = catch_error([&] { crmkit::write_customers_csv(data, missing); });
  CHECK(e.code == crmkit::errc::io_error);
  CHECK(e.message.find(missing) != std::string::npos);
  if (std::filesystem::exists("/dev/full")) {  // Linux: every write fails with ENOSPC
    e = catch_error([&] { crmkit::write_transactions_csv(data, "/dev/full", false); });
    CHECK(e.code == crmkit::errc::io_error);
    CHECK(e.message.find("/dev/full") != std::string::npos);
  }
}
