// The objective adaptor for the models whose likelihood is written once as a template on
// the scalar type: evaluated on dual numbers it yields the exact gradient. Internal header.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "crmkit/churn/detail/btyd_rows.hpp"
#include "crmkit/churn/detail/dual.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE
namespace detail {

/// Mean negative log-likelihood over n weighted rows at theta (log-parameters).
/// `row_ll(params, i)` returns row i's log-likelihood for dual parameters.
template <int N, class RowLL>
class dual_objective {
 public:
  dual_objective(std::size_t n, const std::vector<double>& w, double total_weight, int n_threads, RowLL row_ll)
      : n_(n), w_(w), total_(total_weight), n_threads_(n_threads), row_ll_(row_ll) {}

  double operator()(const std::vector<double>& theta, std::vector<double>& grad) {
    std::array<dual<N>, N> p;
    for (int k = 0; k < N; ++k) {
      const double v = std::exp(theta[static_cast<std::size_t>(k)]);
      if (!std::isfinite(v) || v <= 0) return fail(grad);
      p[static_cast<std::size_t>(k)] = dual<N>::variable(v, k, v);  // d p / d ln p = p
    }
    constexpr std::size_t block = 1024;
    std::vector<dual<N>> partial((n_ + block - 1) / block);
    crmkit::parallel_for(n_, block, n_threads_, [&](std::size_t b, std::size_t begin, std::size_t end) {
      dual<N> s(0.0);
      for (std::size_t i = begin; i < end; ++i) s += row_ll_(p, i) * w_[i];
      partial[b] = s;
    });
    dual<N> sum(0.0);
    for (const auto& s : partial) sum += s;
    for (int k = 0; k < N; ++k) grad[static_cast<std::size_t>(k)] = -sum.d[static_cast<std::size_t>(k)] / total_;
    return -sum.v / total_;
  }

 private:
  static double fail(std::vector<double>& grad) {
    for (auto& g : grad) g = std::numeric_limits<double>::quiet_NaN();
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::size_t n_;
  const std::vector<double>& w_;
  double total_;
  int n_threads_;
  RowLL row_ll_;
};

}  // namespace detail
CRMKIT_END_NAMESPACE
