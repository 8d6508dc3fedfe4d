// crmkit/c/kmeans.h: the crmkit_kmeans handle over crmkit/segmentation/kmeans.hpp.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "c_api_internal.hpp"
#include "c_api_matrix.hpp"
#include "crmkit/segmentation/features.hpp"
#include "crmkit/segmentation/kmeans.hpp"

using namespace crmkit::capi;

struct crmkit_kmeans {
  crmkit::kmeans_options options;
  std::optional<crmkit::kmeans_result> fit;
};

struct crmkit_feature_scaler {
  crmkit::feature_scaler scaler;
};

namespace {

using crmkit::feature_matrix;

const crmkit::kmeans_result& fitted(const crmkit_kmeans* h, const char* function) {
  if (!h->fit) fail(errc::not_fitted, function, "the k-means handle has no model; call crmkit_kmeans_fit first");
  return *h->fit;
}

// The handles of crmkit_kmeans_load / crmkit_feature_scaler_load.
crmkit_kmeans kmeans_handle(const char* text) {
  auto model = crmkit::kmeans_from_text(text);
  return {model.options, std::move(model.result)};
}
crmkit_feature_scaler scaler_handle(const char* text) { return {crmkit::feature_scaler::from_text(text)}; }

// transform / inverse_transform into a caller buffer (which may alias the input: the
// result is computed into a temporary first).
template <class Apply>
void scaler_apply(const crmkit_feature_scaler* scaler, const double* data, std::size_t n_rows, std::size_t n_cols,
                  double* out, const char* function, Apply apply) {
  if (scaler == nullptr) throw_null(function, "scaler");
  if (out == nullptr && n_rows > 0) throw_null(function, "out");
  const auto x = as_matrix(data, n_rows, n_cols, function, "data");
  const feature_matrix y = apply(scaler->scaler, x);
  if (y.size() > 0) std::memcpy(out, y.data(), static_cast<std::size_t>(y.size()) * sizeof(double));
}

}  // namespace

extern "C" {

CRMKIT_C_CREATE_FREE(crmkit_kmeans)
CRMKIT_C_OPTIONS(crmkit_kmeans, kmeans)

CRMKIT_API int crmkit_kmeans_fit(crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans);
  kmeans->fit.reset();
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  kmeans->fit = crmkit::kmeans_fit(x, kmeans->options);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_fit_with_centers(crmkit_kmeans* kmeans, const double* data, size_t n_rows,
                                              size_t n_cols, const double* centers, size_t n_centers) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans);
  kmeans->fit.reset();
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  CRMKIT_CHECK_NOT_NULL(centers);
  if (n_centers == 0) fail(__func__, "n_centers is 0");
  const auto c = as_matrix(centers, n_centers, n_cols, __func__, "centers");
  auto options = kmeans->options;
  options.n_clusters = n_centers;
  kmeans->fit = crmkit::kmeans_fit(x, c, options);
  kmeans->options.n_clusters = n_centers;
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_fit_weighted(crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                          const double* sample_weight, const double* centers, size_t n_centers) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans);
  kmeans->fit.reset();
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  const auto w = sample_weight ? std::span<const double>(sample_weight, n_rows) : std::span<const double>();
  if (centers == nullptr) {
    kmeans->fit = crmkit::kmeans_fit(x, kmeans->options, w);
  } else {
    if (n_centers == 0) fail(__func__, "n_centers is 0");
    const auto c = as_matrix(centers, n_centers, n_cols, __func__, "centers");
    auto options = kmeans->options;
    options.n_clusters = n_centers;
    kmeans->fit = crmkit::kmeans_fit(x, c, options, w);
    kmeans->options.n_clusters = n_centers;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_shape(const crmkit_kmeans* kmeans, size_t* out_n_clusters, size_t* out_n_features,
                                   size_t* out_n_rows) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans, out_n_clusters, out_n_features, out_n_rows);
  const auto& r = fitted(kmeans, __func__);
  *out_n_clusters = static_cast<std::size_t>(r.centers.rows());
  *out_n_features = static_cast<std::size_t>(r.centers.cols());
  *out_n_rows = r.labels.size();
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_labels(const crmkit_kmeans* kmeans, int32_t* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans, out);
  const auto& r = fitted(kmeans, __func__);
  check_capacity(cap, r.labels.size(), __func__);
  if (!r.labels.empty()) std::memcpy(out, r.labels.data(), r.labels.size() * sizeof(int32_t));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_centers(const crmkit_kmeans* kmeans, double* out, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans, out);
  const auto& r = fitted(kmeans, __func__);
  const auto size = static_cast<std::size_t>(r.centers.size());
  check_capacity(cap, size, __func__);
  std::memcpy(out, r.centers.data(), size * sizeof(double));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_stats(const crmkit_kmeans* kmeans, double* out_inertia, int32_t* out_n_iter,
                                   int64_t* out_n_relocated, int32_t* out_best_init) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans);
  const auto& r = fitted(kmeans, __func__);
  if (out_inertia) *out_inertia = r.inertia;
  if (out_n_iter) *out_n_iter = r.n_iter;
  if (out_n_relocated) *out_n_relocated = static_cast<int64_t>(r.n_relocated);
  if (out_best_init) *out_best_init = r.best_init;
  CRMKIT_API_END();
}

CRMKIT_C_FIT_REPORT(crmkit_kmeans, kmeans, fitted(CRMKIT_NOT_NULL(kmeans), __func__).report)

CRMKIT_C_SAVE_LOAD(crmkit_kmeans, kmeans, kmeans_to_text(fitted(kmeans, __func__), kmeans->options), kmeans_handle)

CRMKIT_API int crmkit_kmeans_predict(const crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                     int32_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans);
  const auto& r = fitted(kmeans, __func__);
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  if (out == nullptr && n_rows > 0) throw_null(__func__, "out");
  const auto labels = crmkit::kmeans_predict(r.centers, x, kmeans->options.n_threads);
  if (!labels.empty()) std::memcpy(out, labels.data(), labels.size() * sizeof(int32_t));
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_plusplus(const double* data, size_t n_rows, size_t n_cols, size_t n_clusters,
                                      int64_t seed, int32_t n_local_trials, int32_t n_threads, int64_t* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  crmkit::check_option_value<crmkit::kmeans_options>("seed", static_cast<double>(seed), __func__);
  const auto idx = crmkit::kmeans_plusplus(x, n_clusters, static_cast<std::uint32_t>(seed), n_local_trials, n_threads);
  for (std::size_t j = 0; j < idx.size(); ++j) out[j] = static_cast<int64_t>(idx[j]);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_silhouette_score(const double* data, size_t n_rows, size_t n_cols, const int32_t* labels,
                                       size_t sample_size, int64_t seed, int32_t n_threads, double* out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out);
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  if (labels == nullptr && n_rows > 0) throw_null(__func__, "labels");
  crmkit::check_option_value<crmkit::kmeans_options>("seed", static_cast<double>(seed), __func__);
  *out = crmkit::silhouette_score(x, std::span<const std::int32_t>(labels, n_rows), sample_size,
                                  static_cast<std::uint32_t>(seed), n_threads);
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_scan_k(const crmkit_kmeans* kmeans, const double* data, size_t n_rows, size_t n_cols,
                                    size_t k_min, size_t k_max, int64_t silhouette_sample_size, double* out_inertia,
                                    int32_t* out_n_iter, double* out_silhouette) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(kmeans, out_inertia);
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  if (silhouette_sample_size < -1 || silhouette_sample_size == 1)
    fail(__func__, "silhouette_sample_size = {} must be -1 (none), 0 (all rows) or >= 2", silhouette_sample_size);
  const std::size_t sample = silhouette_sample_size < 0 ? crmkit::no_silhouette
                                                        : static_cast<std::size_t>(silhouette_sample_size);
  const auto scores = crmkit::kmeans_scan_k(x, k_min, k_max, kmeans->options, sample);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    out_inertia[i] = scores[i].inertia;
    if (out_n_iter) out_n_iter[i] = scores[i].n_iter;
    if (out_silhouette) out_silhouette[i] = scores[i].silhouette;
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_kmeans_profile(const double* features, size_t n_rows, size_t n_cols, const int32_t* labels,
                                     size_t n_clusters, const double* value, int64_t* out_size, double* out_share,
                                     double* out_value, double* out_value_share, double* out_mean) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(out_size, out_share);
  if (labels == nullptr && n_rows > 0) throw_null(__func__, "labels");
  if (n_clusters == 0) fail(__func__, "n_clusters is 0");
  const auto x = as_matrix(features, n_rows, n_cols, __func__, "features");
  const auto prof =
      crmkit::kmeans_profile(x, std::span<const std::int32_t>(labels, n_rows), n_clusters,
                             value ? std::span<const double>(value, n_rows) : std::span<const double>());
  for (std::size_t j = 0; j < n_clusters; ++j) {
    out_size[j] = static_cast<int64_t>(prof[j].size);
    out_share[j] = prof[j].share;
    if (out_value) out_value[j] = prof[j].value;
    if (out_value_share) out_value_share[j] = prof[j].value_share;
    if (out_mean)
      for (std::size_t f = 0; f < n_cols; ++f) out_mean[j * n_cols + f] = prof[j].mean[f];
  }
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_feature_scaler_fit(const double* data, size_t n_rows, size_t n_cols, const int32_t* log1p,
                                         int32_t standardize, crmkit_feature_scaler** out) {
  CRMKIT_API_BEGIN();
  CRMKIT_CLEAR_OUT(out);
  const auto x = as_matrix(data, n_rows, n_cols, __func__, "data");
  std::vector<bool> flags;
  if (log1p != nullptr) {
    flags.resize(n_cols);
    for (std::size_t f = 0; f < n_cols; ++f) flags[f] = log1p[f] != 0;
  }
  auto scaler = std::make_unique<crmkit_feature_scaler>();
  scaler->scaler = crmkit::feature_scaler::fit(x, flags, standardize != 0);
  *out = scaler.release();
  CRMKIT_API_END();
}

CRMKIT_API void crmkit_feature_scaler_free(crmkit_feature_scaler* scaler) { delete scaler; }

CRMKIT_C_SAVE_LOAD(crmkit_feature_scaler, scaler, scaler->scaler.to_text(), scaler_handle)

CRMKIT_API int crmkit_feature_scaler_params(const crmkit_feature_scaler* scaler, size_t* out_n_features,
                                            double* out_mean, double* out_scale, int32_t* out_log1p, size_t cap) {
  CRMKIT_API_BEGIN();
  CRMKIT_CHECK_NOT_NULL(scaler, out_n_features);
  const auto& s = scaler->scaler;
  const std::size_t d = s.n_features();
  if (out_mean != nullptr || out_scale != nullptr || out_log1p != nullptr) check_capacity(cap, d, __func__);
  *out_n_features = d;
  for (std::size_t f = 0; f < d; ++f) {
    if (out_mean) out_mean[f] = s.mean()[f];
    if (out_scale) out_scale[f] = s.scale()[f];
    if (out_log1p) out_log1p[f] = s.log1p()[f] ? 1 : 0;
  }
  CRMKIT_API_END();
}


CRMKIT_API int crmkit_feature_scaler_transform(const crmkit_feature_scaler* scaler, const double* data,
                                               size_t n_rows, size_t n_cols, double* out) {
  CRMKIT_API_BEGIN();
  scaler_apply(scaler, data, n_rows, n_cols, out, __func__,
               [](const crmkit::feature_scaler& s, const row_major_view& x) { return s.transform(x); });
  CRMKIT_API_END();
}

CRMKIT_API int crmkit_feature_scaler_inverse_transform(const crmkit_feature_scaler* scaler, const double* data,
                                                       size_t n_rows, size_t n_cols, double* out) {
  CRMKIT_API_BEGIN();
  scaler_apply(scaler, data, n_rows, n_cols, out, __func__,
               [](const crmkit::feature_scaler& s, const row_major_view& x) { return s.inverse_transform(x); });
  CRMKIT_API_END();
}

}  // extern "C"
