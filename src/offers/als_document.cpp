// The model document of an implicit ALS fit (crmkit/core/model_document.hpp). Compiled library only.
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "crmkit/offers/implicit_als.hpp"

CRMKIT_BEGIN_NAMESPACE

namespace {

constexpr std::int64_t max_rows = std::numeric_limits<std::int32_t>::max();

template <class T>
std::vector<double> as_doubles(const std::vector<T>& v) {
  return {v.begin(), v.end()};
}

// Integers stored as TOML numbers: each must be integral and in [lo, hi].
template <class T>
std::vector<T> integers(const detail::document_reader& r, std::string_view key, std::size_t size, double lo, double hi) {
  const std::vector<double> v = r.numbers("history", key, size);
  std::vector<T> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != std::floor(v[i]) || v[i] < lo || v[i] > hi)
      r.fail("history", key, fmt::format("item {} = {} is not an integer in [{}, {}]", i, v[i], lo, hi));
    out[i] = static_cast<T>(v[i]);
  }
  return out;
}

}  // namespace

std::string als_to_text(const als_model& model, const als_options& options, const interaction_matrix* history) {
  const auto n_rows = static_cast<std::size_t>(model.user_factors.rows());
  const auto n_cols = static_cast<std::size_t>(model.item_factors.rows());
  const auto k = static_cast<std::size_t>(model.user_factors.cols());
  if (n_rows == 0 || n_cols == 0 || k == 0 || static_cast<std::size_t>(model.item_factors.cols()) != k)
    throw error(errc::invalid_argument,
                fmt::format("als_to_text: the model's factors are {} x {} and {} x {}; a fitted model has rows, "
                            "columns and one width", model.user_factors.rows(), model.user_factors.cols(),
                            model.item_factors.rows(), model.item_factors.cols()));
  if (history != nullptr && (history->n_rows != n_rows || history->n_cols != n_cols))
    throw error(errc::invalid_argument, fmt::format("als_to_text: the history is {} x {}, the model {} x {}",
                                                    history->n_rows, history->n_cols, n_rows, n_cols));
  detail::document_writer w("implicit_als");
  w.section("params");
  w.integer("n_rows", static_cast<std::int64_t>(n_rows));
  w.integer("n_cols", static_cast<std::int64_t>(n_cols));
  w.integer("factors", static_cast<std::int64_t>(k));
  w.matrix("user_factors", std::span<const double>(model.user_factors.data(), n_rows * k), n_rows, k);
  w.matrix("item_factors", std::span<const double>(model.item_factors.data(), n_cols * k), n_cols, k);
  w.section("options");
  detail::write_options(w, options);
  if (history != nullptr) {
    w.section("history");
    w.integer("nnz", static_cast<std::int64_t>(history->nnz()));
    w.numbers("indptr", as_doubles(history->indptr));
    w.numbers("indices", as_doubles(history->indices));
    w.numbers("values", history->values);
  }
  w.report(model.report);
  return w.str();
}

als_saved als_from_text(std::string_view text) {
  const detail::document_reader r(text, "implicit_als");
  als_saved out;
  const auto n_rows = static_cast<std::size_t>(r.integer("params", "n_rows", 1, max_rows));
  const auto n_cols = static_cast<std::size_t>(r.integer("params", "n_cols", 1, max_rows));
  const auto k = static_cast<std::size_t>(r.integer("params", "factors", 1, 4096));
  out.options = detail::read_options<als_options>(r, "options");
  if (static_cast<std::size_t>(out.options.factors) != k)
    r.fail("options", "factors", fmt::format("{} differs from params.factors {}", out.options.factors, k));
  const auto users = r.matrix("params", "user_factors", n_rows, k);
  const auto items = r.matrix("params", "item_factors", n_cols, k);
  out.model.user_factors = Eigen::Map<const factor_matrix>(users.data(), static_cast<Eigen::Index>(n_rows),
                                                          static_cast<Eigen::Index>(k));
  out.model.item_factors = Eigen::Map<const factor_matrix>(items.data(), static_cast<Eigen::Index>(n_cols),
                                                          static_cast<Eigen::Index>(k));
  if (r.has_section("history")) {
    const auto nnz = static_cast<std::size_t>(r.integer("history", "nnz", 0, std::int64_t{1} << 53));
    const auto indptr = integers<std::int64_t>(r, "indptr", n_rows + 1, 0, static_cast<double>(nnz));
    const auto indices = integers<std::int32_t>(r, "indices", nnz, 0, static_cast<double>(n_cols - 1));
    const auto values = r.numbers("history", "values", nnz);
    try {
      out.history = make_interaction_matrix(indptr, indices, values, n_rows, n_cols);
    } catch (const error& e) {
      r.fail("history", "indptr", e.what());
    }
    if (out.history.nnz() != nnz)
      r.fail("history", "values", "the history is not canonical (a zero or a repeated column in a row)");
  } else {
    out.history.n_rows = 0;
    out.history.n_cols = 0;
  }
  if (auto report = r.report(0)) out.model.report = *report;
  else r.fail("fit_report", "status", "the section [fit_report] is missing");
  return out;
}

CRMKIT_END_NAMESPACE
