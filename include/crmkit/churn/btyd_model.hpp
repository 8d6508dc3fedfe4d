/// @file crmkit/churn/btyd_model.hpp
/// One interface over the four buy-till-you-die purchase models (BG/NBD, Pareto/NBD,
/// modified BG/NBD, BG/BB) and a factory by kind or name, so that code which works with
/// "a BTYD model" (the C ABI, score_customers, the Python package, a distributed engine)
/// never switches over model kinds. The per-model classes (bg_nbd, pareto_nbd, ...) stay
/// usable on their own; `btyd_model` wraps one and keeps the options and report of its last
/// fit, which its model document (`to_text` / `load_btyd_model`) carries.
///
/// Gamma-Gamma does not join: it is a spend model with other data ((x, mean spend)) and
/// another prediction (E[spend | x, zbar]); it has its own document (gamma_gamma::to_text).
///
/// `#include <crmkit/churn/btyd_model.hpp>`
///
/// Thread safety: not synchronized; use from one thread at a time while fitting. Once fitted
/// the model is immutable after construction; concurrent const use is safe.
///
/// @code
/// auto model = crmkit::make_btyd_model("pareto_nbd");     // or make_btyd_model(btyd_kind::pareto_nbd)
/// crmkit::fit_report report = model->fit(summary);
/// std::vector<double> silent(summary.size());
/// model->conditional_probability_no_purchase(39, summary.frequency, summary.recency, summary.T, silent);
/// std::string text = model->to_text();                     // parameters, options, report, version
/// auto same = crmkit::load_btyd_model(text);               // predicts the same bits
/// @endcode
///
/// Semantics vs its reference: the method names are those of Python's lifetimes
/// (`conditional_probability_alive`, `conditional_expected_number_of_purchases_up_to_time`,
/// `expected_number_of_purchases_up_to_time`, `conditional_probability_of_n_purchases_up_to_time`);
/// each forwards to the wrapped model's function of the same meaning (see its header for
/// the formula). For BG/BB "time" is a whole number of transaction opportunities and T is n.
///
/// Memory: the wrapped model (4 doubles), the last fit's options and report.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crmkit/churn/btyd_summary.hpp"
#include "crmkit/churn/fit_report.hpp"
#include "crmkit/config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// The BTYD model kinds. The values are the C constants CRMKIT_BTYD_* (gamma_gamma = 5
/// names the spend model of the C handle and of model documents; make_btyd_model refuses it).
enum class btyd_kind : int {
  bg_nbd = 1,
  pareto_nbd = 2,
  modified_bg_nbd = 3,
  bg_bb = 4,
  gamma_gamma = 5,
};

/// The kind's name: "bg_nbd", "pareto_nbd", "modified_bg_nbd", "bg_bb", "gamma_gamma".
[[nodiscard]] constexpr const char* to_string(btyd_kind kind) noexcept {
  switch (kind) {
    case btyd_kind::bg_nbd: return "bg_nbd";
    case btyd_kind::pareto_nbd: return "pareto_nbd";
    case btyd_kind::modified_bg_nbd: return "modified_bg_nbd";
    case btyd_kind::bg_bb: return "bg_bb";
    case btyd_kind::gamma_gamma: return "gamma_gamma";
  }
  return "unknown";
}

/// The kind named `name` (see to_string); empty for an unknown name.
[[nodiscard]] constexpr std::optional<btyd_kind> btyd_kind_from_name(std::string_view name) noexcept {
  for (auto k : {btyd_kind::bg_nbd, btyd_kind::pareto_nbd, btyd_kind::modified_bg_nbd, btyd_kind::bg_bb,
                 btyd_kind::gamma_gamma})
    if (name == to_string(k)) return k;
  return std::nullopt;
}

/// A BTYD purchase model behind one interface (see the file comment). Batch functions take
/// equal-length spans of frequency x, recency t_x and age T (BG/BB: x, t_x, n) and write one
/// value per row into `out`; they check every row before any thread starts (a bad row is an
/// error naming the row, never a NaN) and give results independent of `n_threads`.
class btyd_model {
 public:
  virtual ~btyd_model() = default;

  /// The kind and its name ("bg_nbd", ...).
  [[nodiscard]] virtual btyd_kind kind() const noexcept = 0;
  [[nodiscard]] const char* name() const noexcept { return to_string(kind()); }
  /// Parameter names in model order (BG/NBD: r, alpha, a, b; Pareto/NBD: r, alpha, s, beta;
  /// BG/BB: alpha, beta, gamma, delta).
  [[nodiscard]] virtual std::span<const char* const> param_names() const noexcept = 0;
  /// True for BG/BB (discrete opportunities: horizons must be whole numbers).
  [[nodiscard]] virtual bool discrete_time() const noexcept = 0;
  [[nodiscard]] virtual bool fitted() const noexcept = 0;
  /// The parameters in param_names order. @throws crmkit::error (not_fitted)
  [[nodiscard]] virtual std::vector<double> params() const = 0;
  /// Sets the parameters instead of fitting (finite, > 0, param_names().size() of them);
  /// forgets the last fit's report. @throws crmkit::error (invalid_argument)
  virtual void set_params(std::span<const double> params) = 0;
  /// A copy of this model.
  [[nodiscard]] virtual std::unique_ptr<btyd_model> clone() const = 0;

  /// Maximum-likelihood fit on rows with optional weights (see the wrapped model's fit);
  /// keeps `options` and the report. @throws crmkit::error (invalid_argument) for bad rows.
  virtual fit_report fit(std::span<const double> frequency, std::span<const double> recency,
                         std::span<const double> T, std::span<const double> weights = {},
                         const fit_options& options = {}) = 0;
  /// Fit on a summary (continuous-time models; BG/BB throws errc::unsupported: it is fitted
  /// on (x, t_x, n) patterns).
  virtual fit_report fit(const btyd_summary& summary, const fit_options& options = {}) = 0;
  /// The last fit's report: null before a fit, after set_params, or for a loaded document
  /// that carried none.
  [[nodiscard]] const fit_report* report() const noexcept { return report_ ? &*report_ : nullptr; }
  /// The options of the last fit (defaults before one).
  [[nodiscard]] const fit_options& options() const noexcept { return options_; }

  /// P(alive | x, t_x, T).
  virtual void conditional_probability_alive(std::span<const double> x, std::span<const double> tx,
                                             std::span<const double> T, std::span<double> out,
                                             int n_threads = 1) const = 0;
  /// E[purchases in (T, T + t] | x, t_x, T].
  virtual void conditional_expected_number_of_purchases_up_to_time(double t, std::span<const double> x,
                                                                   std::span<const double> tx,
                                                                   std::span<const double> T, std::span<double> out,
                                                                   int n_threads = 1) const = 0;
  /// P(no purchase in (T, T + t] | x, t_x, T): the churn score.
  virtual void conditional_probability_no_purchase(double t, std::span<const double> x, std::span<const double> tx,
                                                   std::span<const double> T, std::span<double> out,
                                                   int n_threads = 1) const = 0;
  /// P(exactly n purchases in (T, T + t] | x, t_x, T). @throws (invalid_argument) n < 0.
  virtual void conditional_probability_of_n_purchases_up_to_time(int n, double t, std::span<const double> x,
                                                                 std::span<const double> tx,
                                                                 std::span<const double> T, std::span<double> out,
                                                                 int n_threads = 1) const = 0;
  /// The log-likelihood of each row.
  virtual void log_likelihood(std::span<const double> x, std::span<const double> tx, std::span<const double> T,
                              std::span<double> out, int n_threads = 1) const = 0;

  /// Scalar E[purchases in (T, T + t] | x, t_x, T] (also what customer_lifetime_value calls).
  [[nodiscard]] virtual double conditional_expected_number_of_purchases_up_to_time(double t, double x, double tx,
                                                                                 double T) const = 0;
  /// The same under the per-model classes' name, for templates such as customer_lifetime_value.
  [[nodiscard]] double conditional_expected_purchases(double t, double x, double tx, double T) const {
    return conditional_expected_number_of_purchases_up_to_time(t, x, tx, T);
  }
  /// E[X(t)] for a new customer (purchases in (0, t] after the acquisition at 0): the
  /// conditional expectation at x = t_x = T = 0 for the continuous-time models; for BG/BB
  /// (t whole opportunities) E[p] sum_{i=1..t} B(gamma, delta+i)/B(gamma, delta) (FHS 2010
  /// eq. 7 as its sum). See crmkit/churn/new_customer.hpp. @throws crmkit::error (not_fitted)
  [[nodiscard]] virtual double expected_number_of_purchases_up_to_time(double t) const {
    return conditional_expected_number_of_purchases_up_to_time(t, 0.0, 0.0, 0.0);
  }
  /// P(X(t) = n) for a new customer: the conditional distribution at x = t_x = T = 0.
  [[nodiscard]] CRMKIT_FUNC double probability_of_n_purchases(int n, double t) const;

#ifndef CRMKIT_HEADER_ONLY
  /// The model document (crmkit/core/model_document.hpp): kind, parameters, the last fit's
  /// options and report, library version. Compiled library only. @throws crmkit::error (not_fitted)
  [[nodiscard]] std::string to_text() const;
#endif

 protected:
  btyd_model() = default;
  btyd_model(const btyd_model&) = default;
  btyd_model& operator=(const btyd_model&) = default;

  fit_options options_;
  std::optional<fit_report> report_;

  friend std::unique_ptr<btyd_model> load_btyd_model(std::string_view text);
};

/// A new unfitted model of `kind`. @throws crmkit::error (invalid_argument) for
/// btyd_kind::gamma_gamma or a value outside the enum.
[[nodiscard]] CRMKIT_FUNC std::unique_ptr<btyd_model> make_btyd_model(btyd_kind kind);
/// A new unfitted model by name ("bg_nbd", ...). @throws crmkit::error (invalid_argument)
/// naming the known models.
[[nodiscard]] CRMKIT_FUNC std::unique_ptr<btyd_model> make_btyd_model(std::string_view name);
#ifndef CRMKIT_HEADER_ONLY
/// Reads a model document written by btyd_model::to_text (any of the four kinds); the
/// loaded model predicts bit-identically to the saved one. Compiled library only.
/// @throws crmkit::error (parse_error) naming the line, the key and why.
[[nodiscard]] std::unique_ptr<btyd_model> load_btyd_model(std::string_view text);
#endif

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/churn/btyd_model_impl.hpp"
#endif
