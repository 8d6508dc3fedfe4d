// Definitions for crmkit/offers/weighting.hpp. Included by that header in header-only
// mode and by src/offers/weighting.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/weighting.hpp"
#pragma once

#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "crmkit/error.hpp"
#include "crmkit/offers/weighting.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline void check_weighting_input(const interaction_matrix& m, const char* where) {
  if (m.indptr.size() != m.n_rows + 1 || m.indices.size() != m.values.size() || m.indptr.front() != 0 ||
      static_cast<std::size_t>(m.indptr.back()) != m.indices.size())
    throw error(errc::invalid_argument, fmt::format("{}: malformed matrix ({} rows, indptr of {} values, {} indices, "
                                                    "{} values)", where, m.n_rows, m.indptr.size(), m.indices.size(),
                                                    m.values.size()));
  if (m.nnz() == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: the matrix ({} x {}) has no entries; there is nothing to weight", where, m.n_rows,
                            m.n_cols));
}

// ln(N / (1 + df_j)) per column.
inline std::vector<double> inverse_document_frequency(const interaction_matrix& m) {
  std::vector<double> df(m.n_cols, 0.0);
  for (const std::int32_t c : m.indices) df[static_cast<std::size_t>(c)] += 1.0;
  const auto n = static_cast<double>(m.n_rows);
  for (double& d : df) d = std::log(n / (1.0 + d));
  return df;
}

// The matrix with each entry replaced by weight(row, position), entries <= 0 dropped.
template <class Weight>
interaction_matrix reweight(const interaction_matrix& m, Weight weight) {
  interaction_matrix out;
  out.n_rows = m.n_rows;
  out.n_cols = m.n_cols;
  out.indptr.assign(m.n_rows + 1, 0);
  out.indices.reserve(m.nnz());
  out.values.reserve(m.nnz());
  for (std::size_t u = 0; u < m.n_rows; ++u) {
    const auto cols = m.row_indices(u);
    const auto vals = m.row_values(u);
    for (std::size_t j = 0; j < cols.size(); ++j) {
      const double w = weight(u, cols[j], vals[j]);
      if (w > 0) {
        out.indices.push_back(cols[j]);
        out.values.push_back(w);
      }
    }
    out.indptr[u + 1] = static_cast<std::int64_t>(out.indices.size());
  }
  return out;
}

}  // namespace detail

CRMKIT_FUNC interaction_matrix bm25_weight(const interaction_matrix& m, double k1, double b) {
  constexpr const char* where = "bm25_weight";
  detail::check_weighting_input(m, where);
  if (!(k1 >= 0) || !std::isfinite(k1))
    throw error(errc::invalid_argument, fmt::format("{}: K1 = {} must be a finite number >= 0", where, k1));
  if (!(b >= 0 && b <= 1)) throw error(errc::invalid_argument, fmt::format("{}: B = {} is outside [0, 1]", where, b));
  const std::vector<double> idf = detail::inverse_document_frequency(m);
  std::vector<double> length(m.n_rows, 0.0);
  double total = 0;
  for (std::size_t u = 0; u < m.n_rows; ++u) {
    for (const double v : m.row_values(u)) length[u] += v;
    total += length[u];
  }
  const double average = total / static_cast<double>(m.n_rows);
  if (!(average > 0) || !std::isfinite(average))
    throw error(errc::invalid_argument, fmt::format("{}: the average row sum is {}; it must be finite and > 0", where,
                                                    average));
  return detail::reweight(m, [&](std::size_t u, std::int32_t c, double r) {
    const double norm = (1.0 - b) + b * length[u] / average;
    return r * (k1 + 1.0) / (k1 * norm + r) * idf[static_cast<std::size_t>(c)];
  });
}

CRMKIT_FUNC interaction_matrix tfidf_weight(const interaction_matrix& m) {
  detail::check_weighting_input(m, "tfidf_weight");
  const std::vector<double> idf = detail::inverse_document_frequency(m);
  return detail::reweight(m, [&](std::size_t, std::int32_t c, double r) {
    return std::sqrt(r) * idf[static_cast<std::size_t>(c)];
  });
}

CRMKIT_END_NAMESPACE
