// Definitions for crmkit/state/customer_state.hpp. Included by that header in header-only
// mode and by src/state/customer_state.cpp otherwise.
// IWYU pragma: private, include "crmkit/state/customer_state.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "crmkit/core/time.hpp"
#include "crmkit/error.hpp"
#include "crmkit/state/customer_state.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace detail {

__extension__ typedef unsigned __int128 state_uint128;

inline exact_sum::int128 state_spend(const customer_state::day_entry& e) noexcept {
  return static_cast<exact_sum::int128>((static_cast<state_uint128>(e.hi) << 64) | e.lo);
}
inline void state_set_spend(customer_state::day_entry& e, exact_sum::int128 v) noexcept {
  const auto u = static_cast<state_uint128>(v);
  e.lo = static_cast<std::uint64_t>(u);
  e.hi = static_cast<std::uint64_t>(u >> 64);
}
inline bool state_day_less(const customer_state::day_entry& e, std::int32_t day) noexcept { return e.day < day; }

// Number of days <= day in the sorted list (O(1) when all of them are).
inline std::size_t state_days_upto(const std::vector<customer_state::day_entry>& days, std::int64_t day) {
  if (days.back().day <= day) return days.size();
  return static_cast<std::size_t>(
      std::upper_bound(days.begin(), days.end(), day,
                       [](std::int64_t d, const customer_state::day_entry& e) { return d < e.day; }) -
      days.begin());
}

// --- the document's primitive encodings ---
inline void state_put_varint(std::string& out, state_uint128 v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(static_cast<unsigned char>(v)));
}
inline void state_put_zigzag(std::string& out, exact_sum::int128 v) {
  const auto u = static_cast<state_uint128>(v);
  state_put_varint(out, (u << 1) ^ (v < 0 ? ~state_uint128{0} : state_uint128{0}));
}

class state_reader {
 public:
  explicit state_reader(std::string_view text) : text_(text) {}
  [[noreturn]] void fail(std::string_view what) const {
    throw error(errc::parse_error, fmt::format("customer_state::load: byte {}: {}", pos_, what));
  }
  [[nodiscard]] std::size_t pos() const noexcept { return pos_; }
  [[nodiscard]] std::size_t left() const noexcept { return text_.size() - pos_; }
  state_uint128 varint(int max_bits, std::string_view what) {
    state_uint128 v = 0;
    for (int shift = 0;; shift += 7) {
      if (pos_ >= text_.size()) fail(fmt::format("the document ends inside {}", what));
      const auto byte = static_cast<unsigned char>(text_[pos_++]);
      if (shift >= max_bits || (shift > 0 && shift + 7 > max_bits && (byte >> (max_bits - shift)) != 0))
        fail(fmt::format("{} does not fit {} bits", what, max_bits));
      v |= static_cast<state_uint128>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        if (byte == 0 && shift > 0) fail(fmt::format("{} has a redundant (non-canonical) encoding", what));
        return v;
      }
    }
  }
  std::uint64_t u64(std::string_view what) { return static_cast<std::uint64_t>(varint(64, what)); }
  std::int64_t i64(std::string_view what) {
    const auto u = static_cast<std::uint64_t>(varint(64, what));
    return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
  }
  exact_sum::int128 i128(std::string_view what) {
    const state_uint128 u = varint(128, what);
    return static_cast<exact_sum::int128>(u >> 1) ^ -static_cast<exact_sum::int128>(u & 1);
  }
  std::string_view bytes(std::size_t n, std::string_view what) {
    if (n > left()) fail(fmt::format("{} of {} bytes runs past the end ({} left)", what, n, left()));
    const std::string_view out = text_.substr(pos_, n);
    pos_ += n;
    return out;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

inline constexpr std::string_view state_magic = "CRMKITCS";

// Times whose UTC day number fits 32 bits (|t| < 2^31 days: +-5.8 million years); checked
// before floor_days, which must not see INT64_MIN.
inline bool state_time_ok(std::int64_t t) noexcept {
  constexpr std::int64_t limit = std::int64_t{2147483647} * 86400;
  return t > -limit && t < limit;
}

}  // namespace detail

CRMKIT_FUNC void customer_state::add_to(std::int32_t index, std::int64_t time, double amount) {
  record& r = records_[static_cast<std::size_t>(index)];
  const auto day = static_cast<std::int32_t>(floor_days(time));
  exact_sum::int128 fixed = 0;
  bool ok = exact_sum::to_fixed(amount, fixed);
  if (r.count == 0) {
    r.first_time = r.last_time = time;
  } else {
    r.first_time = std::min(r.first_time, time);
    r.last_time = std::max(r.last_time, time);
  }
  if (n_transactions_ == 0) {
    min_time_ = max_time_ = time;
  } else {
    min_time_ = std::min(min_time_, time);
    max_time_ = std::max(max_time_, time);
  }
  ++r.count;
  ++n_transactions_;
  if (amount < 0 && !r.negative) {
    r.negative = true;
    ++n_negative_;
  }
  if (ok && __builtin_add_overflow(r.total, fixed, &r.total)) ok = false;
  // The day list: in time order this is the last entry or a new one at the end.
  auto& days = r.days;
  day_entry* e = nullptr;
  if (!days.empty() && days.back().day == day) {
    e = &days.back();
  } else if (days.empty() || days.back().day < day) {
    days.push_back(day_entry{day, 0, 0, 0});
    e = &days.back();
  } else {
    auto it = std::lower_bound(days.begin(), days.end(), day, detail::state_day_less);
    if (it == days.end() || it->day != day) it = days.insert(it, day_entry{day, 0, 0, 0});
    e = &*it;
  }
  exact_sum::int128 spend = detail::state_spend(*e);
  if (ok && __builtin_add_overflow(spend, fixed, &spend)) ok = false;
  detail::state_set_spend(*e, spend);
  if (!ok) r.sum_ok = false;
}

CRMKIT_FUNC void customer_state::add(std::string_view id, std::int64_t time, double amount) {
  if (id.empty()) throw error(errc::invalid_argument, "customer_state::add: empty customer id");
  if (!std::isfinite(amount))
    throw error(errc::invalid_argument,
                fmt::format("customer_state::add: customer '{}': the amount {} is not finite", id, amount));
  if (!detail::state_time_ok(time))
    throw error(errc::invalid_argument,
                fmt::format("customer_state::add: customer '{}': time {} is out of range", id, time));
  const std::size_t before = ids_.size();
  const std::int32_t index = ids_.insert(id);
  if (ids_.size() != before) records_.emplace_back();
  add_to(index, time, amount);
}

CRMKIT_FUNC void customer_state::add(const transaction_log& log, const string_dictionary& ids) {
  const auto customers = log.customer();
  const auto times = log.time();
  const auto amounts = log.amount();
  // Map the log's customer indices to the state's once, then add by index.
  std::vector<std::int32_t> to_state(ids.size(), -1);
  for (std::size_t i = 0; i < log.size(); ++i) {
    const std::int32_t c = customers[i];
    if (c < 0 || static_cast<std::size_t>(c) >= ids.size())
      throw error(errc::invalid_argument,
                  fmt::format("customer_state::add: transaction {} names customer index {}, but there are {} ids", i,
                              c, ids.size()));
    if (!detail::state_time_ok(times[i]))
      throw error(errc::invalid_argument,
                  fmt::format("customer_state::add: transaction {}: time {} is out of range", i, times[i]));
    if (!std::isfinite(amounts[i]))
      throw error(errc::invalid_argument, fmt::format("customer_state::add: transaction {}: amount {} is not finite",
                                                      i, amounts[i]));
  }
  for (std::size_t i = 0; i < log.size(); ++i) {
    auto& slot = to_state[static_cast<std::size_t>(customers[i])];
    if (slot < 0) {
      const std::string_view id = ids.at(customers[i]);
      if (id.empty()) throw error(errc::invalid_argument, "customer_state::add: empty customer id");
      const std::size_t before = ids_.size();
      slot = ids_.insert(id);
      if (ids_.size() != before) records_.emplace_back();
    }
    add_to(slot, times[i], amounts[i]);
  }
}

CRMKIT_FUNC void customer_state::add(const dataset& data) { add(data.transactions(), data.customers().ids()); }

CRMKIT_FUNC void customer_state::merge(const customer_state& other) {
  if (&other == this) {  // a state merged with itself: every transaction twice
    const customer_state copy = other;
    merge(copy);
    return;
  }
  if (other.n_transactions_ > 0) {
    if (n_transactions_ == 0) {
      min_time_ = other.min_time_;
      max_time_ = other.max_time_;
    } else {
      min_time_ = std::min(min_time_, other.min_time_);
      max_time_ = std::max(max_time_, other.max_time_);
    }
  }
  n_transactions_ += other.n_transactions_;
  for (std::size_t k = 0; k < other.records_.size(); ++k) {
    const record& o = other.records_[k];
    const std::size_t before = ids_.size();
    const auto index = static_cast<std::size_t>(ids_.insert(other.ids_.at(static_cast<std::int32_t>(k))));
    if (ids_.size() != before) {
      records_.push_back(o);
      n_negative_ += o.negative;
      continue;
    }
    record& r = records_[index];
    r.first_time = std::min(r.first_time, o.first_time);
    r.last_time = std::max(r.last_time, o.last_time);
    r.count += o.count;
    if (o.negative && !r.negative) {
      r.negative = true;
      ++n_negative_;
    }
    bool ok = r.sum_ok && o.sum_ok;
    if (__builtin_add_overflow(r.total, o.total, &r.total)) ok = false;
    // Merge the two sorted day lists; a day in both is one day with both sums.
    std::vector<day_entry> merged;
    merged.reserve(r.days.size() + o.days.size());
    auto a = r.days.begin();
    auto b = o.days.begin();
    while (a != r.days.end() || b != o.days.end()) {
      if (b == o.days.end() || (a != r.days.end() && a->day < b->day)) {
        merged.push_back(*a++);
      } else if (a == r.days.end() || b->day < a->day) {
        merged.push_back(*b++);
      } else {
        day_entry e = *a;
        exact_sum::int128 s = detail::state_spend(*a);
        if (__builtin_add_overflow(s, detail::state_spend(*b), &s)) ok = false;
        detail::state_set_spend(e, s);
        merged.push_back(e);
        ++a;
        ++b;
      }
    }
    r.days = std::move(merged);
    r.sum_ok = ok;
  }
}

CRMKIT_FUNC std::vector<std::int32_t> customer_state::id_order() const {
  const std::vector<std::int32_t> rank = rfm_id_ranks(ids_);
  std::vector<std::int32_t> order(rank.size());
  for (std::size_t c = 0; c < rank.size(); ++c) order[static_cast<std::size_t>(rank[c])] = static_cast<std::int32_t>(c);
  return order;
}

CRMKIT_FUNC std::vector<std::string> customer_state::ids() const {
  std::vector<std::string> out;
  out.reserve(size());
  for (const std::int32_t c : id_order()) out.emplace_back(ids_.at(c));
  return out;
}

CRMKIT_FUNC void customer_state::check_rfm(const rfm_options& options) const {
  if (n_transactions_ == 0)
    throw error(errc::invalid_argument, "customer_state::rfm: the state is empty; there is nothing to summarise");
  if (options.time_unit_seconds < 1)
    throw error(errc::invalid_argument, fmt::format("customer_state::rfm: time_unit_seconds is {}, it must be at least 1",
                                                    options.time_unit_seconds));
  if (options.as_of < max_time_)
    throw error(errc::invalid_argument,
                fmt::format("customer_state::rfm: the reference date as_of = {} ({}) is before the last transaction "
                            "at {} ({}); recency would be negative",
                            options.as_of, format_iso8601(options.as_of), max_time_, format_iso8601(max_time_)));
}

CRMKIT_FUNC void customer_state::rfm_row(const record& r, const rfm_options& options, rfm_table& out) const {
  if (!r.sum_ok)
    throw error(errc::invalid_argument,
                fmt::format("customer_state::rfm: customer '{}': the sum of its {} amounts is beyond +-3.6e16 (or one "
                            "amount is); scale the amounts down (e.g. to thousands)",
                            ids_.at(static_cast<std::int32_t>(&r - records_.data())), r.count));
  const std::int64_t unit = options.time_unit_seconds;
  out.recency_days.push_back(static_cast<double>((options.as_of - r.last_time) / seconds_per_day));
  out.recency.push_back(static_cast<double>((options.as_of - r.last_time) / unit));
  out.tenure.push_back(static_cast<double>((options.as_of - r.first_time) / unit));
  out.frequency.push_back(static_cast<double>(r.count));
  out.distinct_days.push_back(static_cast<double>(r.days.size()));
  const double total = exact_sum::to_double(r.total);
  out.monetary.push_back(total);
  out.monetary_mean.push_back(total / static_cast<double>(r.count));
  out.first_purchase.push_back(r.first_time);
  out.last_purchase.push_back(r.last_time);
}

CRMKIT_FUNC rfm_table customer_state::rfm(const rfm_options& options) const {
  check_rfm(options);
  const std::vector<std::int32_t> order = id_order();
  rfm_table out;
  out.as_of = options.as_of;
  out.time_unit_seconds = options.time_unit_seconds;
  for (std::size_t i = 0; i < order.size(); ++i) {
    rfm_row(records_[static_cast<std::size_t>(order[i])], options, out);
    out.customer.push_back(static_cast<std::int32_t>(i));
    out.id_rank.push_back(static_cast<std::int32_t>(i));
  }
  return out;
}

CRMKIT_FUNC void customer_state::check_btyd(const btyd_summary_options& options) const {
  if (!(options.period_days > 0) || !std::isfinite(options.period_days))
    throw error(errc::invalid_argument,
                fmt::format("customer_state::btyd: period_days {} must be finite and > 0", options.period_days));
  if (n_transactions_ == 0) throw error(errc::invalid_argument, "customer_state::btyd: the state is empty");
  const std::int64_t cal_day = floor_days(options.calibration_end);
  if (cal_day < floor_days(min_time_))
    throw error(errc::invalid_argument,
                fmt::format("customer_state::btyd: the calibration end {} is before the first purchase ({})",
                            format_iso_date(options.calibration_end), format_iso_date(min_time_)));
  if (options.holdout_end && floor_days(*options.holdout_end) <= cal_day)
    throw error(errc::invalid_argument,
                fmt::format("customer_state::btyd: the hold-out end {} is not after the calibration end {}",
                            format_iso_date(*options.holdout_end), format_iso_date(options.calibration_end)));
  if (n_negative_ > 0)
    for (std::size_t c = 0; c < records_.size(); ++c)
      if (records_[c].negative)
        throw error(errc::invalid_argument,
                    fmt::format("customer_state::btyd: customer '{}' has a negative amount; remove refunds or net them "
                                "against their purchase first",
                                ids_.at(static_cast<std::int32_t>(c))));
}

CRMKIT_FUNC void customer_state::btyd_row(const record& r, std::int32_t row, const btyd_summary_options& options,
                                          btyd_summary& out) const {
  const std::int64_t cal_day = floor_days(options.calibration_end);
  const std::int64_t day0 = r.days.front().day;
  if (day0 > cal_day) return;  // not yet a customer at calibration end
  if (!r.sum_ok)
    throw error(errc::invalid_argument,
                fmt::format("customer_state::btyd: customer '{}': the sum of its amounts is beyond +-3.6e16",
                            ids_.at(static_cast<std::int32_t>(&r - records_.data()))));
  const std::size_t k = detail::state_days_upto(r.days, cal_day);
  exact_sum::int128 repeat_spend = 0;
  if (k == r.days.size()) {
    repeat_spend = r.total - detail::state_spend(r.days.front());
  } else {
    for (std::size_t j = 1; j < k; ++j) repeat_spend += detail::state_spend(r.days[j]);
  }
  const double unit = options.period_days;
  const double repeat_days = static_cast<double>(k - 1);
  out.customer.push_back(row);
  out.frequency.push_back(repeat_days);
  out.recency.push_back(static_cast<double>(r.days[k - 1].day - day0) / unit);
  out.T.push_back(static_cast<double>(cal_day - day0) / unit);
  out.monetary_value.push_back(repeat_days > 0 ? exact_sum::to_double(repeat_spend) / repeat_days : 0.0);
  if (options.holdout_end)
    out.frequency_holdout.push_back(
        static_cast<double>(detail::state_days_upto(r.days, floor_days(*options.holdout_end)) - k));
}

CRMKIT_FUNC btyd_summary customer_state::btyd(const btyd_summary_options& options) const {
  check_btyd(options);
  btyd_summary out;
  out.period_days = options.period_days;
  if (options.holdout_end)
    out.duration_holdout =
        static_cast<double>(floor_days(*options.holdout_end) - floor_days(options.calibration_end)) /
        options.period_days;
  const std::vector<std::int32_t> order = id_order();
  for (std::size_t i = 0; i < order.size(); ++i)
    btyd_row(records_[static_cast<std::size_t>(order[i])], static_cast<std::int32_t>(i), options, out);
  return out;
}

CRMKIT_FUNC customer_state_rows customer_state::rows(std::span<const std::string_view> ids,
                                                     const rfm_options& rfm_opt,
                                                     const btyd_summary_options& btyd_opt) const {
  check_rfm(rfm_opt);
  check_btyd(btyd_opt);
  customer_state_rows out;
  out.rfm.as_of = rfm_opt.as_of;
  out.rfm.time_unit_seconds = rfm_opt.time_unit_seconds;
  out.btyd.period_days = btyd_opt.period_days;
  if (btyd_opt.holdout_end)
    out.btyd.duration_holdout =
        static_cast<double>(floor_days(*btyd_opt.holdout_end) - floor_days(btyd_opt.calibration_end)) /
        btyd_opt.period_days;
  std::vector<std::int32_t> seen;
  for (const std::string_view id : ids) {
    const std::int32_t c = ids_.find(id);
    if (c < 0) throw error(errc::not_found, fmt::format("customer_state::rows: no customer '{}' in the state", id));
    if (std::find(seen.begin(), seen.end(), c) != seen.end()) continue;
    seen.push_back(c);
    const auto row = static_cast<std::int32_t>(out.id.size());
    out.id.emplace_back(id);
    const record& r = records_[static_cast<std::size_t>(c)];
    rfm_row(r, rfm_opt, out.rfm);
    out.rfm.customer.push_back(row);
    btyd_row(r, row, btyd_opt, out.btyd);
  }
  return out;
}

CRMKIT_FUNC customer_state_rows customer_state::append(std::span<const state_transaction> batch,
                                                       const rfm_options& rfm_opt,
                                                       const btyd_summary_options& btyd_opt) {
  for (const state_transaction& t : batch) {  // validate first: all of the batch or none
    if (t.customer.empty()) throw error(errc::invalid_argument, "customer_state::append: empty customer id");
    if (!std::isfinite(t.amount))
      throw error(errc::invalid_argument, fmt::format("customer_state::append: customer '{}': the amount {} is not "
                                                      "finite",
                                                      t.customer, t.amount));
    if (!detail::state_time_ok(t.time))
      throw error(errc::invalid_argument,
                  fmt::format("customer_state::append: customer '{}': time {} is out of range", t.customer, t.time));
  }
  std::vector<std::string_view> touched;
  touched.reserve(batch.size());
  for (const state_transaction& t : batch) {
    add(t.customer, t.time, t.amount);
    touched.push_back(t.customer);
  }
  return rows(touched, rfm_opt, btyd_opt);
}

CRMKIT_FUNC std::string customer_state::save() const {
  std::string out(detail::state_magic);
  detail::state_put_varint(out, format_version);
  detail::state_put_varint(out, records_.size());
  for (const std::int32_t c : id_order()) {
    const std::string_view id = ids_.at(c);
    const record& r = records_[static_cast<std::size_t>(c)];
    detail::state_put_varint(out, id.size());
    out.append(id);
    out.push_back(static_cast<char>((r.sum_ok ? 0 : 1) | (r.negative ? 2 : 0)));
    detail::state_put_varint(out, r.count);
    detail::state_put_zigzag(out, r.first_time);
    detail::state_put_varint(out, static_cast<std::uint64_t>(r.last_time) - static_cast<std::uint64_t>(r.first_time));
    detail::state_put_varint(out, r.days.size());
    detail::state_put_zigzag(out, r.days.front().day);
    for (std::size_t j = 1; j < r.days.size(); ++j)
      detail::state_put_varint(out, static_cast<std::uint32_t>(r.days[j].day - r.days[j - 1].day));
    for (const day_entry& e : r.days) detail::state_put_zigzag(out, detail::state_spend(e));
  }
  return out;
}

CRMKIT_FUNC customer_state customer_state::load(std::string_view document) {
  detail::state_reader in(document);
  if (document.substr(0, detail::state_magic.size()) != detail::state_magic)
    in.fail("not a customer_state document (the magic \"CRMKITCS\" is missing)");
  in.bytes(detail::state_magic.size(), "the magic");
  const std::uint64_t version = in.u64("the format version");
  if (version != format_version)
    throw error(errc::unsupported, fmt::format("customer_state::load: format version {} (this library reads version {})",
                                               version, format_version));
  const std::uint64_t n = in.u64("the customer count");
  // Each customer takes at least 8 bytes: a bound before reserving anything.
  if (n > in.left() / 8) in.fail(fmt::format("{} customers cannot fit the {} bytes left", n, in.left()));
  customer_state state;
  state.records_.reserve(static_cast<std::size_t>(n));
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint64_t len = in.u64("an id length");
    if (len == 0) in.fail(fmt::format("customer {}: empty id", k));
    if (len > in.left()) in.fail(fmt::format("customer {}: id of {} bytes runs past the end", k, len));
    const std::string_view id = in.bytes(static_cast<std::size_t>(len), "an id");
    if (state.ids_.find(id) >= 0) in.fail(fmt::format("customer {}: id '{}' is repeated", k, id.substr(0, 200)));
    const auto flags = static_cast<unsigned char>(in.bytes(1, "the flags")[0]);
    if (flags > 3) in.fail(fmt::format("customer '{}': unknown flag bits {:#x}", id.substr(0, 200), flags));
    record r;
    r.sum_ok = (flags & 1) == 0;
    r.negative = (flags & 2) != 0;
    r.count = in.u64("a transaction count");
    r.first_time = in.i64("a first purchase time");
    const std::uint64_t span = in.u64("a purchase span");
    if (span > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
        __builtin_add_overflow(r.first_time, static_cast<std::int64_t>(span), &r.last_time))
      in.fail(fmt::format("customer '{}': the last purchase time overflows", id.substr(0, 200)));
    if (!detail::state_time_ok(r.first_time) || !detail::state_time_ok(r.last_time))
      in.fail(fmt::format("customer '{}': purchase time out of range", id.substr(0, 200)));
    const std::uint64_t d = in.u64("a day count");
    if (d == 0 || d > r.count)
      in.fail(fmt::format("customer '{}': {} purchase days for {} transactions (need 1..{})", id.substr(0, 200), d,
                          r.count, r.count));
    if (d > in.left() / 2) in.fail(fmt::format("customer '{}': {} days cannot fit the bytes left", id.substr(0, 200), d));
    r.days.resize(static_cast<std::size_t>(d));
    std::int64_t day = in.i64("a first day");
    for (std::size_t j = 0; j < r.days.size(); ++j) {
      if (j > 0) {
        const std::uint64_t gap = in.u64("a day gap");
        if (gap == 0 || gap > 0xFFFFFFFFull) in.fail(fmt::format("customer '{}': day gap {} (days must increase)",
                                                                 id.substr(0, 200), gap));
        day += static_cast<std::int64_t>(gap);
      }
      if (day < std::numeric_limits<std::int32_t>::min() || day > std::numeric_limits<std::int32_t>::max())
        in.fail(fmt::format("customer '{}': day {} is out of range", id.substr(0, 200), day));
      r.days[j].day = static_cast<std::int32_t>(day);
    }
    if (floor_days(r.first_time) != r.days.front().day || floor_days(r.last_time) != r.days.back().day)
      in.fail(fmt::format("customer '{}': the first and last purchase times are not on the first and last day",
                          id.substr(0, 200)));
    bool ok = true;
    for (day_entry& e : r.days) {
      const exact_sum::int128 s = in.i128("a day sum");
      detail::state_set_spend(e, s);
      if (__builtin_add_overflow(r.total, s, &r.total)) ok = false;
    }
    if (!ok && r.sum_ok) in.fail(fmt::format("customer '{}': the day sums overflow but the flag says they do not",
                                             id.substr(0, 200)));
    state.ids_.insert(id);
    if (state.n_transactions_ == 0) {
      state.min_time_ = r.first_time;
      state.max_time_ = r.last_time;
    } else {
      state.min_time_ = std::min(state.min_time_, r.first_time);
      state.max_time_ = std::max(state.max_time_, r.last_time);
    }
    if (__builtin_add_overflow(state.n_transactions_, r.count, &state.n_transactions_))
      in.fail("the transaction counts overflow");
    state.n_negative_ += r.negative;
    state.records_.push_back(std::move(r));
  }
  if (in.left() != 0) in.fail(fmt::format("{} bytes follow the last customer", in.left()));
  // Canonical: customers in the order save() writes (rfm_id_ranks), so a document has one
  // byte form (found by fuzz_customer_state: ids in another order loaded and saved differently).
  const std::vector<std::int32_t> order = state.id_order();
  for (std::size_t k = 0; k < order.size(); ++k)
    if (order[k] != static_cast<std::int32_t>(k))
      throw error(errc::parse_error,
                  fmt::format("customer_state::load: customer {} ('{}') is out of the canonical id order", k,
                              state.ids_.at(static_cast<std::int32_t>(k)).substr(0, 200)));
  return state;
}

CRMKIT_FUNC std::size_t customer_state::memory_bytes() const noexcept {
  std::size_t bytes = records_.capacity() * sizeof(record);
  for (const record& r : records_) bytes += r.days.capacity() * sizeof(day_entry);
  // string_dictionary: characters, an 8-byte offset and a 32-byte slot at load <= 1/2.
  std::size_t chars = 0;
  for (std::size_t c = 0; c < ids_.size(); ++c) chars += ids_.at(static_cast<std::int32_t>(c)).size();
  return bytes + chars + ids_.size() * (8 + 64);
}

CRMKIT_END_NAMESPACE
