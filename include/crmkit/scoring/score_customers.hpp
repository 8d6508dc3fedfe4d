/// @file crmkit/scoring/score_customers.hpp
/// `score_customers`: every score a CRM customer screen shows, for every customer, in one
/// call: the dataset's customer table with one typed column per score appended.
///
/// `#include <crmkit/scoring/score_customers.hpp>`
///
/// Thread safety: stateless; safe. `config.n_threads` threads; results do not depend on it.
///
/// @code
/// crmkit::dataset data = crmkit::read_transactions_csv("orders.csv", columns, options);
/// crmkit::score_report report;
/// crmkit::customer_table table = crmkit::score_customers(data, crmkit::unix_seconds(2011, 12, 10),
///                                                        crmkit::parse_score_config(toml_text), &report);
/// auto p_alive = table.float64("p_alive");
/// @endcode
///
/// ## Columns, in this order (missing: NaN, missing_int64 or category code -1)
/// Only transactions at or before `as_of` are read; a customer with none has every score
/// missing. "Orders" are the rows of the transaction log (one per order when the log was
/// read with an order-id column, see crmkit/io/csv.hpp).
/// | column | type | meaning (reference) |
/// |---|---|---|
/// | `orders` | int64 | orders up to as_of |
/// | `recency_days` | int64 | whole days from the last order to as_of |
/// | `tenure_days` | int64 | whole days from the first order to as_of |
/// | `monetary` | float64 | total amount (currency of the input) |
/// | `avg_order_value` | float64 | monetary / orders |
/// | `first_purchase`, `last_purchase` | time | |
/// | `r_score`, `f_score`, `m_score` | int64 | quantile scores 1..bins (crmkit/segmentation/rfm.hpp) |
/// | `segment` | category | named RFM segment, default map (only when bins = 5) |
/// | `cluster` | int64 | k-means label on standardised log1p(recency_days, orders, max(monetary, 0)) |
/// | `revenue_rank` | int64 | 1 = highest monetary; ties by customer id |
/// | `abc` | category | A/B/C by cumulative revenue share (crmkit/pareto/pareto.hpp) |
/// | `p_alive` | float64 | BTYD probability alive at as_of |
/// | `expected_purchases` | float64 | expected repeat purchase days over btyd horizon |
/// | `p_no_purchase` | float64 | P(no purchase over the btyd horizon) |
/// | `expected_spend` | float64 | Gamma-Gamma expected spend per purchase day |
/// | `clv` | float64 | margin x discounted expected revenue over the CLV horizon |
/// | `p_alive_lower`, `p_alive_upper` | float64 | only with `intervals.level` > 0: delta-method confidence interval of p_alive (crmkit/churn/intervals.hpp) |
/// | `expected_purchases_lower`, `expected_purchases_upper` | float64 | the same for expected_purchases |
/// | `clv_lower`, `clv_upper` | float64 | the same for clv, over the purchase and spend models' parameters (block-diagonal covariance; crmkit/churn/clv_intervals.hpp) |
/// | `lifecycle_stage` | category | stage of the default lifecycle model at as_of |
/// | `stage_since` | time | when the customer entered that stage |
/// | `territory` | category | first config territory containing the customer (with locations) |
/// | `nearest_rep` | category | nearest config rep (with locations) |
/// | `rep_distance_m` | float64 | great-circle distance to that rep, metres |
/// The interval columns follow p_no_purchase (p_alive, expected_purchases) and clv (clv) and
/// are confidence intervals of the model's expected values at the level given (the fits
/// then compute standard errors); they are missing where the fit stopped at a boundary (no
/// covariance). Without `intervals.level` (0, the default) the table has none of them.
/// The BTYD columns use weeks unless `btyd.period` says otherwise (one purchase day =
/// one transaction, Fader-Hardie-Lee's convention); horizons are calendar spans.
///
/// Row order never matters: every step sees customers ordered by their host id (decimal
/// integers by value, the rest byte-wise, as rfm_id_ranks and pandas order them),
/// so ties (RFM ranks, revenue ranks, ABC boundaries) and k-means++ seeding depend on ids,
/// not on which customer came first in the input.
///
/// Memory: the output columns (about 200 bytes per customer) plus the summaries each step
/// builds (about 300 bytes per customer at peak); the transaction log is read, and copied
/// only when it holds transactions after as_of (24 bytes per kept transaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crmkit/config.hpp"
#include "crmkit/core/customer_table.hpp"
#include "crmkit/core/dataset.hpp"
#include "crmkit/scoring/score_config.hpp"

CRMKIT_BEGIN_NAMESPACE

/// What score_customers() fitted and chose, for a model card or a log.
struct score_report {
  std::int64_t as_of = 0;
  std::size_t n_customers = 0;       ///< rows of the table
  std::size_t n_active = 0;          ///< customers with an order up to as_of
  std::size_t n_transactions = 0;    ///< transactions read (up to as_of)
  std::size_t kmeans_k = 0;          ///< clusters used (chosen by silhouette when k = "auto")
  double kmeans_silhouette = 0.0;    ///< silhouette of the chosen k (NaN when k was given)
  std::string btyd_model;            ///< "bg_nbd", ... or "" when not fitted
  std::vector<double> btyd_params;   ///< in the model's order (r, alpha, a, b / r, alpha, s, beta)
  std::string btyd_status;           ///< fit status text ("converged", ...), or why it was skipped
  double btyd_log_likelihood = 0.0;
  std::vector<double> spend_params;  ///< Gamma-Gamma p, q, gamma (empty when not fitted)
  std::string spend_status;
  std::vector<std::string> notes;    ///< steps skipped and why (e.g. "segment: bins = 4, the map needs 5")
};

/// Scores every customer of `data` at `as_of` (Unix seconds UTC) (see the file comment).
/// @throws crmkit::error (invalid_argument) for a bad config (naming the field), an empty
///         dataset, no transaction up to as_of, a territory or rep that does not parse
///         (naming it); nothing partial is returned.
[[nodiscard]] CRMKIT_FUNC customer_table score_customers(const dataset& data, std::int64_t as_of,
                                                         const score_config& config = {},
                                                         score_report* report = nullptr);

CRMKIT_END_NAMESPACE

#ifdef CRMKIT_HEADER_ONLY
#  include "crmkit/scoring/score_customers_impl.hpp"
#endif
