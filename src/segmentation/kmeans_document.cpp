// The model document of a k-means fit (crmkit/core/model_document.hpp). Compiled library only.
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "crmkit/core/detail/model_document_io.hpp"
#include "crmkit/error.hpp"
#include "crmkit/segmentation/kmeans.hpp"

CRMKIT_BEGIN_NAMESPACE

std::string kmeans_to_text(const kmeans_result& result, const kmeans_options& o) {
  const auto k = static_cast<std::size_t>(result.centers.rows()), d = static_cast<std::size_t>(result.centers.cols());
  if (k == 0 || d == 0) throw error(errc::invalid_argument, "kmeans_to_text: the result has no centres");
  detail::document_writer w("kmeans");
  w.section("params");
  w.integer("n_clusters", static_cast<std::int64_t>(k));
  w.integer("n_features", static_cast<std::int64_t>(d));
  w.matrix("centers", std::span<const double>(result.centers.data(), k * d), k, d);  // row-major
  w.number("inertia", result.inertia);
  w.integer("n_iter", result.n_iter);
  w.integer("n_relocated", static_cast<std::int64_t>(result.n_relocated));
  w.integer("best_init", result.best_init);
  w.section("options");
  w.integer("n_clusters", static_cast<std::int64_t>(o.n_clusters));
  w.text("init", o.init == kmeans_init_method::random ? "random" : "k-means++");
  w.integer("n_init", o.n_init);
  w.integer("max_iter", o.max_iter);
  w.number("tol", o.tol);
  w.text("algorithm", o.algorithm == kmeans_algorithm::hamerly ? "hamerly" : "lloyd");
  w.integer("seed", o.seed);
  w.integer("n_threads", o.n_threads);
  w.integer("n_local_trials", o.n_local_trials);
  w.report(result.report);
  return w.str();
}

kmeans_model kmeans_from_text(std::string_view text) {
  const detail::document_reader r(text, "kmeans");
  constexpr std::int64_t max_dim = std::int64_t{1} << 24;
  constexpr auto int_max = std::numeric_limits<int>::max();
  kmeans_model m;
  const auto k = static_cast<std::size_t>(r.integer("params", "n_clusters", 1, max_dim));
  const auto d = static_cast<std::size_t>(r.integer("params", "n_features", 1, max_dim));
  const auto centers = r.matrix("params", "centers", k, d);
  m.result.centers.resize(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(d));
  for (std::size_t i = 0; i < k * d; ++i) m.result.centers.data()[i] = centers[i];
  m.result.inertia = r.number("params", "inertia");
  m.result.n_iter = static_cast<int>(r.integer("params", "n_iter", 0, int_max));
  m.result.n_relocated = static_cast<std::size_t>(r.integer("params", "n_relocated", 0, std::int64_t{1} << 53));
  m.result.best_init = static_cast<int>(r.integer("params", "best_init", 0, int_max));
  auto& o = m.options;
  o.n_clusters = static_cast<std::size_t>(r.integer("options", "n_clusters", 1, max_dim));
  if (o.n_clusters != k) r.fail("options", "n_clusters", fmt::format("{} differs from params.n_clusters {}", o.n_clusters, k));
  const auto init = r.text("options", "init");
  if (init != "k-means++" && init != "random") r.fail("options", "init", fmt::format("'{}' is not k-means++ or random", init));
  o.init = init == "random" ? kmeans_init_method::random : kmeans_init_method::k_means_plus_plus;
  o.n_init = static_cast<int>(r.integer("options", "n_init", 1, int_max));
  o.max_iter = static_cast<int>(r.integer("options", "max_iter", 1, int_max));
  o.tol = r.number("options", "tol");
  if (o.tol < 0) r.fail("options", "tol", "must be >= 0");
  const auto algorithm = r.text("options", "algorithm");
  if (algorithm != "lloyd" && algorithm != "hamerly")
    r.fail("options", "algorithm", fmt::format("'{}' is not lloyd or hamerly", algorithm));
  o.algorithm = algorithm == "hamerly" ? kmeans_algorithm::hamerly : kmeans_algorithm::lloyd;
  o.seed = static_cast<std::uint32_t>(r.integer("options", "seed", 0, std::numeric_limits<std::uint32_t>::max()));
  o.n_threads = static_cast<int>(r.integer("options", "n_threads", 1, 1024));
  o.n_local_trials = static_cast<int>(r.integer("options", "n_local_trials", 0, int_max));
  if (auto report = r.report(0)) m.result.report = *report;
  else r.fail("fit_report", "status", "the section [fit_report] is missing");
  return m;
}

CRMKIT_END_NAMESPACE
