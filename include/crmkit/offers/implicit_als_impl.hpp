// Definitions for crmkit/offers/implicit_als.hpp. Included by that header in header-only
// mode and by src/offers/implicit_als.cpp otherwise.
// IWYU pragma: private, include "crmkit/offers/implicit_als.hpp"
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Cholesky>
#include <fmt/format.h>

#include "crmkit/core/parallel_for.hpp"
#include "crmkit/error.hpp"
#include "crmkit/offers/implicit_als.hpp"
#include "crmkit/offers/weighting.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

inline constexpr std::size_t als_chunk = 256;

inline void check_matrix_shape(const interaction_matrix& m, const char* where) {
  if (m.indptr.size() != m.n_rows + 1 || m.indices.size() != m.values.size() ||
      static_cast<std::size_t>(m.indptr.back()) != m.indices.size())
    throw error(errc::invalid_argument,
                fmt::format("{}: malformed matrix ({} rows, indptr of {} values, {} indices, {} values)", where,
                            m.n_rows, m.indptr.size(), m.indices.size(), m.values.size()));
}

// SplitMix64 (Steele, Lea and Flood 2014) of a counter: the initial factors.
inline std::uint64_t splitmix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline void als_init(factor_matrix& f, std::uint64_t seed, std::uint64_t side) {
  for (Eigen::Index r = 0; r < f.rows(); ++r)
    for (Eigen::Index k = 0; k < f.cols(); ++k) {
      const std::uint64_t h = splitmix64(splitmix64(splitmix64(seed ^ (side << 62)) + static_cast<std::uint64_t>(r)) +
                                         static_cast<std::uint64_t>(k));
      f(r, k) = 0.01 * (static_cast<double>(h >> 11) * 0x1.0p-53);
    }
}

// Y'Y + lambda I, summed over the rows of Y in order (the same bits on every call).
inline Eigen::MatrixXd gram(Eigen::Ref<const factor_matrix> y, double lambda) {
  const Eigen::Index k = y.cols();
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index i = 0; i < y.rows(); ++i) g.noalias() += y.row(i).transpose() * y.row(i);
  g.diagonal().array() += lambda;
  return g;
}

}  // namespace detail

CRMKIT_FUNC void als_solve_rows(const interaction_matrix& m, Eigen::Ref<const factor_matrix> fixed,
                                Eigen::Ref<factor_matrix> solved, const als_options& options) {
  constexpr const char* where = "als_solve_rows";
  validate_options(options, where);
  detail::check_matrix_shape(m, where);
  if (static_cast<std::size_t>(fixed.rows()) != m.n_cols || static_cast<std::size_t>(solved.rows()) != m.n_rows ||
      fixed.cols() != solved.cols())
    throw error(errc::invalid_argument,
                fmt::format("{}: shapes differ: matrix {} x {}, fixed factors {} x {}, solved factors {} x {}", where,
                            m.n_rows, m.n_cols, fixed.rows(), fixed.cols(), solved.rows(), solved.cols()));
  const Eigen::Index k = fixed.cols();
  const Eigen::MatrixXd yty = detail::gram(fixed, options.regularization);
  const double alpha = options.alpha;
  const bool exact = options.solver == als_solver::cholesky;
  parallel_for(m.n_rows, detail::als_chunk, options.n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    Eigen::VectorXd x(k), r(k), p(k), ap(k), b(k);
    Eigen::MatrixXd a(k, k);
    for (std::size_t u = begin; u < end; ++u) {
      const auto cols = m.row_indices(u);
      const auto vals = m.row_values(u);
      if (exact) {
        a = yty;
        b.setZero();
        for (std::size_t j = 0; j < cols.size(); ++j) {
          const auto yi = fixed.row(cols[j]);
          const double c = 1.0 + alpha * vals[j];
          a.noalias() += (c - 1.0) * yi.transpose() * yi;
          b.noalias() += c * yi.transpose();
        }
        solved.row(static_cast<Eigen::Index>(u)) = a.ldlt().solve(b).transpose();
        continue;
      }
      // implicit's _least_squares_cg, step for step.
      x = solved.row(static_cast<Eigen::Index>(u)).transpose();
      r.noalias() = -yty * x;
      for (std::size_t j = 0; j < cols.size(); ++j) {
        const auto yi = fixed.row(cols[j]);
        const double c = 1.0 + alpha * vals[j];
        r.noalias() += (c - (c - 1.0) * yi.dot(x.transpose())) * yi.transpose();
      }
      p = r;
      double rsold = r.dot(r);
      if (rsold < 1e-20) continue;
      for (int it = 0; it < options.cg_steps; ++it) {
        ap.noalias() = yty * p;
        for (std::size_t j = 0; j < cols.size(); ++j) {
          const auto yi = fixed.row(cols[j]);
          const double c = 1.0 + alpha * vals[j];
          ap.noalias() += ((c - 1.0) * yi.dot(p.transpose())) * yi.transpose();
        }
        const double step = rsold / p.dot(ap);
        x.noalias() += step * p;
        r.noalias() -= step * ap;
        const double rsnew = r.dot(r);
        if (rsnew < 1e-20) break;
        p = r + (rsnew / rsold) * p;
        rsold = rsnew;
      }
      solved.row(static_cast<Eigen::Index>(u)) = x.transpose();
    }
  });
}

CRMKIT_FUNC double als_loss(const interaction_matrix& m, Eigen::Ref<const factor_matrix> users,
                            Eigen::Ref<const factor_matrix> items, const als_options& options) {
  detail::check_matrix_shape(m, "als_loss");
  // sum over all cells of (x.y)^2 = <X'X, Y'Y>; then the non-zero cells' correction.
  const Eigen::MatrixXd xtx = detail::gram(users, 0.0);
  const Eigen::MatrixXd yty = detail::gram(items, 0.0);
  double loss = (xtx.array() * yty.array()).sum();
  std::vector<double> part(chunk_count(m.n_rows, detail::als_chunk), 0.0);
  parallel_for(m.n_rows, detail::als_chunk, options.n_threads, [&](std::size_t c, std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t u = begin; u < end; ++u) {
      const auto cols = m.row_indices(u);
      const auto vals = m.row_values(u);
      for (std::size_t j = 0; j < cols.size(); ++j) {
        const double xy = users.row(static_cast<Eigen::Index>(u)).dot(items.row(cols[j]));
        const double conf = 1.0 + options.alpha * vals[j];
        s += conf * (1.0 - xy) * (1.0 - xy) - xy * xy;
      }
    }
    part[c] = s;
  });
  for (const double s : part) loss += s;
  return loss + options.regularization * (users.squaredNorm() + items.squaredNorm());
}

namespace detail {

inline als_model als_run(const interaction_matrix& m, const als_options& options, factor_matrix users,
                         factor_matrix items) {
  const interaction_matrix mt = transpose(m);
  als_model model;
  double previous = std::numeric_limits<double>::infinity();
  model.report.status = fit_status::iteration_limit;
  model.report.message = options.tol > 0 ? "max_iter iterations run; the loss still decreased by more than tol"
                                         : "max_iter iterations run (tol = 0: no convergence test)";
  for (int it = 1; it <= options.max_iter; ++it) {
    als_solve_rows(m, items, users, options);
    als_solve_rows(mt, users, items, options);
    const double loss = als_loss(m, users, items, options);
    model.report.iterations = it;
    model.report.objective = loss;
    if (!std::isfinite(loss)) {
      model.report.status = fit_status::numerical_failure;
      model.report.message = fmt::format("the loss is not finite after iteration {}", it);
      break;
    }
    const double decrease = std::isfinite(previous) ? (previous - loss) / std::abs(previous) : 0.0;
    model.report.gradient_norm = decrease;
    if (options.tol > 0 && std::isfinite(previous) && decrease <= options.tol) {
      model.report.status = fit_status::converged;
      model.report.message = "relative loss decrease below tol";
      break;
    }
    previous = loss;
  }
  model.user_factors = std::move(users);
  model.item_factors = std::move(items);
  return model;
}

inline void check_fit_input(const interaction_matrix& m, const als_options& options, const char* where) {
  validate_options(options, where);
  check_matrix_shape(m, where);
  if (m.n_rows == 0 || m.n_cols == 0)
    throw error(errc::invalid_argument,
                fmt::format("{}: the matrix is empty ({} rows x {} columns)", where, m.n_rows, m.n_cols));
}

// The matrix the fit reads: weighted as options.weighting says.
inline interaction_matrix als_weighted(const interaction_matrix& m, const als_options& options) {
  switch (options.weighting) {
    case matrix_weighting::bm25: return bm25_weight(m, options.bm25_k1, options.bm25_b);
    case matrix_weighting::tfidf: return tfidf_weight(m);
    case matrix_weighting::none: break;
  }
  return m;
}

}  // namespace detail

CRMKIT_FUNC als_model als_fit(const interaction_matrix& m, const als_options& options) {
  detail::check_fit_input(m, options, "als_fit");
  factor_matrix users(static_cast<Eigen::Index>(m.n_rows), options.factors);
  factor_matrix items(static_cast<Eigen::Index>(m.n_cols), options.factors);
  detail::als_init(users, options.seed, 0);
  detail::als_init(items, options.seed, 1);
  if (options.weighting != matrix_weighting::none)
    return detail::als_run(detail::als_weighted(m, options), options, std::move(users), std::move(items));
  return detail::als_run(m, options, std::move(users), std::move(items));
}

CRMKIT_FUNC als_model als_fit(const interaction_matrix& m, const als_options& options,
                              Eigen::Ref<const factor_matrix> user_init, Eigen::Ref<const factor_matrix> item_init) {
  constexpr const char* where = "als_fit";
  detail::check_fit_input(m, options, where);
  if (static_cast<std::size_t>(user_init.rows()) != m.n_rows || user_init.cols() != options.factors ||
      static_cast<std::size_t>(item_init.rows()) != m.n_cols || item_init.cols() != options.factors)
    throw error(errc::invalid_argument,
                fmt::format("{}: initial factors are {} x {} and {} x {}; expected {} x {} and {} x {}", where,
                            user_init.rows(), user_init.cols(), item_init.rows(), item_init.cols(), m.n_rows,
                            options.factors, m.n_cols, options.factors));
  if (!user_init.allFinite() || !item_init.allFinite())
    throw error(errc::invalid_argument, fmt::format("{}: an initial factor is not finite", where));
  if (options.weighting != matrix_weighting::none)
    return detail::als_run(detail::als_weighted(m, options), options, user_init, item_init);
  return detail::als_run(m, options, user_init, item_init);
}

CRMKIT_FUNC std::vector<double> item_popularity(const interaction_matrix& m) {
  std::vector<double> pop(m.n_cols, 0.0);
  for (const std::int32_t c : m.indices) pop[static_cast<std::size_t>(c)] += 1.0;
  const double n = m.n_rows == 0 ? 1.0 : static_cast<double>(m.n_rows);
  for (double& p : pop) p /= n;
  return pop;
}

namespace detail {

// Writes the best `top_n` (score desc, item asc) of the items not excluded into out.
inline void top_items(const std::vector<double>& score, std::span<const std::int32_t> excluded, std::size_t top_n,
                      std::vector<std::int32_t>& candidates, std::int32_t* out_item, double* out_score) {
  candidates.clear();
  std::size_t e = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    while (e < excluded.size() && static_cast<std::size_t>(excluded[e]) < i) ++e;
    if (e < excluded.size() && static_cast<std::size_t>(excluded[e]) == i) continue;
    candidates.push_back(static_cast<std::int32_t>(i));
  }
  const std::size_t n = std::min(top_n, candidates.size());
  auto better = [&](std::int32_t a, std::int32_t b) {
    const double sa = score[static_cast<std::size_t>(a)], sb = score[static_cast<std::size_t>(b)];
    return sa != sb ? sa > sb : a < b;
  };
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n), candidates.end(), better);
  for (std::size_t j = 0; j < top_n; ++j) {
    out_item[j] = j < n ? candidates[j] : -1;
    out_score[j] = j < n ? score[static_cast<std::size_t>(candidates[j])] : 0.0;
  }
}

inline offer_table empty_offers(std::size_t n_rows, std::size_t top_n, const char* where) {
  if (top_n == 0) throw error(errc::invalid_argument, fmt::format("{}: top_n is 0", where));
  offer_table t;
  t.n_rows = n_rows;
  t.top_n = top_n;
  t.item.assign(n_rows * top_n, -1);
  t.score.assign(n_rows * top_n, 0.0);
  t.cold_start.assign(n_rows, 0);
  return t;
}

}  // namespace detail

CRMKIT_FUNC offer_table popularity_recommend(const interaction_matrix& history, std::size_t top_n,
                                             bool exclude_history) {
  detail::check_matrix_shape(history, "popularity_recommend");
  offer_table t = detail::empty_offers(history.n_rows, top_n, "popularity_recommend");
  const std::vector<double> pop = item_popularity(history);
  std::vector<std::int32_t> candidates;
  for (std::size_t u = 0; u < history.n_rows; ++u) {
    const auto own = history.row_indices(u);
    t.cold_start[u] = own.empty() ? 1 : 0;
    detail::top_items(pop, exclude_history ? own : std::span<const std::int32_t>{}, top_n, candidates,
                      t.item.data() + u * top_n, t.score.data() + u * top_n);
  }
  return t;
}

CRMKIT_FUNC offer_table als_recommend(const als_model& model, const interaction_matrix& history, std::size_t top_n,
                                      bool exclude_history, int n_threads) {
  constexpr const char* where = "als_recommend";
  check_n_threads(n_threads, where);
  detail::check_matrix_shape(history, where);
  if (static_cast<std::size_t>(model.user_factors.rows()) != history.n_rows ||
      static_cast<std::size_t>(model.item_factors.rows()) != history.n_cols)
    throw error(errc::invalid_argument,
                fmt::format("{}: the model is {} users x {} items, the history {} x {}", where,
                            model.user_factors.rows(), model.item_factors.rows(), history.n_rows, history.n_cols));
  offer_table t = detail::empty_offers(history.n_rows, top_n, where);
  const std::vector<double> pop = item_popularity(history);
  parallel_for(history.n_rows, detail::als_chunk, n_threads, [&](std::size_t, std::size_t begin, std::size_t end) {
    std::vector<double> score(history.n_cols);
    std::vector<std::int32_t> candidates;
    for (std::size_t u = begin; u < end; ++u) {
      const auto own = history.row_indices(u);
      const auto excluded = exclude_history ? own : std::span<const std::int32_t>{};
      if (own.empty()) {
        t.cold_start[u] = 1;
        detail::top_items(pop, excluded, top_n, candidates, t.item.data() + u * top_n, t.score.data() + u * top_n);
        continue;
      }
      const auto x = model.user_factors.row(static_cast<Eigen::Index>(u));
      for (std::size_t i = 0; i < history.n_cols; ++i)
        score[i] = x.dot(model.item_factors.row(static_cast<Eigen::Index>(i)));
      detail::top_items(score, excluded, top_n, candidates, t.item.data() + u * top_n, t.score.data() + u * top_n);
    }
  });
  return t;
}

CRMKIT_FUNC std::vector<scored_item> similar_items(const als_model& model, std::int32_t item, std::size_t top_n) {
  constexpr const char* where = "similar_items";
  const auto n = static_cast<std::size_t>(model.item_factors.rows());
  if (item < 0 || static_cast<std::size_t>(item) >= n)
    throw error(errc::invalid_argument, fmt::format("{}: item {} is outside [0, {})", where, item, n));
  if (top_n == 0) throw error(errc::invalid_argument, fmt::format("{}: top_n is 0", where));
  const auto y = model.item_factors.row(item);
  const double ny = y.norm();
  std::vector<double> score(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto yi = model.item_factors.row(static_cast<Eigen::Index>(i));
    const double d = ny * yi.norm();
    score[i] = d > 0 ? y.dot(yi) / d : 0.0;
  }
  const std::int32_t self[1] = {item};
  std::vector<std::int32_t> candidates;
  std::vector<std::int32_t> items(top_n);
  std::vector<double> scores(top_n);
  detail::top_items(score, self, top_n, candidates, items.data(), scores.data());
  std::vector<scored_item> out;
  for (std::size_t j = 0; j < top_n && items[j] >= 0; ++j) out.push_back({items[j], scores[j]});
  return out;
}

CRMKIT_END_NAMESPACE
