/* C ABI of k-means (crmkit/c/kmeans.h): NULL arguments, a real fit on two separated
 * groups with hand-checkable centres, predict, k-means++, silhouette, and bad input. */
#include <math.h>

#include "test_util.h"

static const double points[] = {0, 0, 1, 0, 0, 1, 10, 10, 11, 10, 10, 11};

static void test_null_arguments(void) {
  crmkit_kmeans* km = NULL;
  double d = 0;
  int32_t labels[6];
  int64_t idx[2];
  size_t a, b, c;
  CHECK_STATUS(crmkit_kmeans_create(NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_set_int(NULL, CRMKIT_KMEANS_N_CLUSTERS, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_set_double(NULL, CRMKIT_KMEANS_TOL, 0.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_fit(NULL, points, 6, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_labels(NULL, labels, 6), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_stats(NULL, &d, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_plusplus(NULL, 6, 2, 2, 0, 0, 1, idx), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_silhouette_score(points, 6, 2, NULL, 0, 0, 1, &d), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_kmeans_free(NULL);
  CHECK_OK(crmkit_kmeans_create(&km));
  CHECK_STATUS(crmkit_kmeans_fit(km, NULL, 6, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("data");
  CHECK_STATUS(crmkit_kmeans_labels(km, NULL, 6), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_shape(km, &a, &b, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_shape(km, &a, &b, &c), CRMKIT_E_NOT_FITTED);
  CHECK_STATUS(crmkit_kmeans_labels(km, labels, 6), CRMKIT_E_NOT_FITTED);
  crmkit_kmeans_free(km);
}

static void test_fit(void) {
  crmkit_kmeans* km = NULL;
  int32_t labels[6], pred[2], n_iter = 0, stop = -1, best = -1;
  int64_t relocated = -1, idx[2];
  double centers[4], inertia = 0, sil = 0;
  size_t k = 0, d = 0, n = 0;
  const double fresh[] = {0.2, 0.1, 9.0, 12.0};
  CHECK_OK(crmkit_kmeans_create(&km));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 2));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_INIT, 3));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_SEED, 7));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_THREADS, 2));
  CHECK_OK(crmkit_kmeans_fit(km, points, 6, 2));
  CHECK_OK(crmkit_kmeans_shape(km, &k, &d, &n));
  CHECK(k == 2 && d == 2 && n == 6);
  CHECK_STATUS(crmkit_kmeans_labels(km, labels, 5), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_OK(crmkit_kmeans_labels(km, labels, 6));
  CHECK(labels[0] == labels[1] && labels[1] == labels[2] && labels[3] == labels[4] && labels[4] == labels[5]);
  CHECK(labels[0] != labels[3]);
  CHECK_OK(crmkit_kmeans_centers(km, centers, 4));
  /* the group means (1/3, 1/3) and (31/3, 31/3); inertia 2 * 4/3 */
  CHECK(fabs(centers[2 * labels[0]] - 1.0 / 3.0) < 1e-12);
  CHECK(fabs(centers[2 * labels[3] + 1] - 31.0 / 3.0) < 1e-12);
  CHECK_OK(crmkit_kmeans_stats(km, &inertia, &n_iter, &relocated, &best));
  CHECK(fabs(inertia - 8.0 / 3.0) < 1e-12);
  CHECK(n_iter >= 1 && relocated == 0 && best >= 0 && best < 3);
  {
    int32_t iterations = -1;
    double objective = -1;
    char message[32];
    size_t needed = 0;
    CHECK_OK(crmkit_kmeans_fit_report(km, &stop, &iterations, &objective, NULL));
    CHECK(stop == CRMKIT_FIT_CONVERGED && iterations == n_iter && objective == inertia);
    CHECK_STATUS(crmkit_kmeans_fit_message(km, message, 4, &needed), CRMKIT_E_BUFFER_TOO_SMALL);
    CHECK(needed == sizeof "labels unchanged");
    CHECK_OK(crmkit_kmeans_fit_message(km, message, sizeof message, &needed));
    CHECK(strcmp(message, "labels unchanged") == 0);
  }
  CHECK_OK(crmkit_kmeans_predict(km, fresh, 2, 2, pred));
  CHECK(pred[0] == labels[0] && pred[1] == labels[3]);
  CHECK_STATUS(crmkit_kmeans_predict(km, fresh, 1, 4, pred), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_kmeans_fit_with_centers(km, points, 6, 2, points + 6, 2)); /* start at rows 3 and 4 */
  CHECK_OK(crmkit_kmeans_stats(km, &inertia, NULL, NULL, NULL));
  CHECK(fabs(inertia - 8.0 / 3.0) < 1e-12);
  CHECK_OK(crmkit_kmeans_plusplus(points, 6, 2, 2, 0, 0, 1, idx));
  CHECK(idx[0] >= 0 && idx[0] < 6 && idx[1] >= 0 && idx[1] < 6 && idx[0] != idx[1]);
  CHECK_OK(crmkit_kmeans_labels(km, labels, 6));
  CHECK_OK(crmkit_silhouette_score(points, 6, 2, labels, 0, 0, 1, &sil));
  CHECK(sil > 0.8 && sil <= 1.0);
  { /* the model document: a loaded handle has the same centres and predicts the same labels */
    char text[4096];
    size_t needed = 0;
    crmkit_kmeans* back = NULL;
    double again[4], mine[4];
    int32_t pred2[6];
    CHECK_OK(crmkit_kmeans_save(km, text, sizeof text, &needed));
    CHECK(needed < sizeof text && strstr(text, "model = \"kmeans\"") != NULL);
    CHECK_OK(crmkit_kmeans_load(text, &back));
    CHECK_OK(crmkit_kmeans_centers(km, mine, 4));
    CHECK_OK(crmkit_kmeans_centers(back, again, 4));
    CHECK(memcmp(mine, again, sizeof mine) == 0);
    CHECK_OK(crmkit_kmeans_predict(back, points, 6, 2, pred2));
    CHECK(memcmp(pred2, labels, sizeof pred2) == 0);
    crmkit_kmeans_free(back);
    back = NULL;
    CHECK_STATUS(crmkit_kmeans_load("model = \"kmeans\"\nformat = 1\n", &back), CRMKIT_E_PARSE);
    CHECK(back == NULL);
  }
  crmkit_kmeans_free(km);
}

static void test_bad_input(void) {
  crmkit_kmeans* km = NULL;
  double bad[12];
  int32_t labels[6] = {0, 0, 0, 0, 0, 0};
  double sil;
  memcpy(bad, points, sizeof bad);
  bad[5] = NAN;
  CHECK_OK(crmkit_kmeans_create(&km));
  CHECK_STATUS(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_set_int(km, 999, 1), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_set_double(km, CRMKIT_KMEANS_TOL, -1.0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_set_double(km, CRMKIT_KMEANS_TOL, NAN), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 7));
  CHECK_STATUS(crmkit_kmeans_fit(km, points, 6, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("number of points");
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 2));
  CHECK_STATUS(crmkit_kmeans_fit(km, bad, 6, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 2, column 1");
  CHECK_STATUS(crmkit_kmeans_fit(km, points, 0, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_fit_with_centers(km, points, 6, 2, NULL, 2), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_silhouette_score(points, 6, 2, labels, 0, 0, 1, &sil), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("distinct labels");
  crmkit_kmeans_free(km);
}

/* Scan over k, profiles and the feature scaler, with hand-checkable values. */
static void test_scan_profile_scaler(void) {
  crmkit_kmeans* km = NULL;
  crmkit_feature_scaler* sc = NULL;
  double inertia[3], sil[3], share[2], value_total[2], value_share[2], mean[4], z[12], back[12], mu[2], sd[2];
  int32_t n_iter[3];
  int64_t size[2];
  int32_t flags[2] = {0, 1}, got_flags[2];
  const int32_t labels[6] = {0, 0, 0, 1, 1, 1};
  const double value[6] = {1, 1, 2, 10, 10, 16};
  const double raw[6] = {1, 0, 3, 1, 5, 1}; /* 3 x 2: log1p on column 1 */
  size_t d = 0;
  int i;
  CHECK_OK(crmkit_kmeans_create(&km));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_INIT, 2));
  CHECK_OK(crmkit_kmeans_scan_k(km, points, 6, 2, 1, 3, 0, inertia, n_iter, sil));
  /* k = 1: the total sum of squares about the mean (16/3, 16/3): 2 * (322 - 6 * 256 / 9) */
  CHECK(fabs(inertia[0] - 908.0 / 3.0) < 1e-9);
  CHECK(inertia[1] < inertia[0] && inertia[2] <= inertia[1]);
  CHECK(fabs(inertia[1] - 8.0 / 3.0) < 1e-12);
  CHECK(isnan(sil[0]) && sil[1] > 0.8);
  CHECK(n_iter[0] >= 1);
  CHECK_STATUS(crmkit_kmeans_scan_k(km, points, 6, 2, 3, 2, -1, inertia, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_scan_k(km, points, 6, 2, 1, 2, 1, inertia, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_kmeans_scan_k(NULL, points, 6, 2, 1, 2, -1, inertia, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_kmeans_free(km);

  CHECK_OK(crmkit_kmeans_profile(points, 6, 2, labels, 2, value, size, share, value_total, value_share, mean));
  CHECK(size[0] == 3 && size[1] == 3 && share[0] == 0.5);
  CHECK(value_total[0] == 4 && value_total[1] == 36 && fabs(value_share[1] - 0.9) < 1e-15);
  CHECK(fabs(mean[0] - 1.0 / 3.0) < 1e-15 && fabs(mean[3] - 31.0 / 3.0) < 1e-14);
  CHECK_OK(crmkit_kmeans_profile(NULL, 6, 0, labels, 2, NULL, size, share, NULL, NULL, NULL));
  CHECK_STATUS(crmkit_kmeans_profile(points, 6, 2, labels, 1, NULL, size, share, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 3");
  CHECK_STATUS(crmkit_kmeans_profile(points, 6, 2, NULL, 2, NULL, size, share, NULL, NULL, NULL),
               CRMKIT_E_INVALID_ARGUMENT);

  CHECK_OK(crmkit_feature_scaler_fit(raw, 3, 2, flags, 1, &sc));
  CHECK_OK(crmkit_feature_scaler_params(sc, &d, mu, sd, got_flags, 2));
  CHECK(d == 2 && got_flags[0] == 0 && got_flags[1] == 1);
  CHECK(fabs(mu[0] - 3.0) < 1e-15);                              /* mean of 1, 3, 5 */
  CHECK(fabs(sd[0] - sqrt(8.0 / 3.0)) < 1e-15);                   /* population sd */
  CHECK(fabs(mu[1] - (log(2.0) * 2.0 / 3.0)) < 1e-15);           /* log1p of 0, 1, 1 */
  CHECK_OK(crmkit_feature_scaler_transform(sc, raw, 3, 2, z));
  CHECK(fabs(z[0] + 2.0 / sqrt(8.0 / 3.0)) < 1e-15);
  CHECK_OK(crmkit_feature_scaler_inverse_transform(sc, z, 3, 2, back));
  for (i = 0; i < 6; ++i) CHECK(fabs(back[i] - raw[i]) < 1e-12);
  memcpy(back, z, sizeof z);
  CHECK_OK(crmkit_feature_scaler_inverse_transform(sc, back, 3, 2, back)); /* in place */
  for (i = 0; i < 6; ++i) CHECK(fabs(back[i] - raw[i]) < 1e-12);
  CHECK_STATUS(crmkit_feature_scaler_params(sc, &d, mu, NULL, NULL, 1), CRMKIT_E_BUFFER_TOO_SMALL);
  CHECK_STATUS(crmkit_feature_scaler_transform(sc, raw, 2, 3, z), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_STATUS(crmkit_feature_scaler_transform(NULL, raw, 3, 2, z), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_feature_scaler_free(sc);
  crmkit_feature_scaler_free(NULL);
  sc = NULL;
  z[0] = -1.0; /* log1p(-1) is not finite */
  z[1] = -1.0;
  CHECK_STATUS(crmkit_feature_scaler_fit(z, 1, 2, flags, 1, &sc), CRMKIT_E_INVALID_ARGUMENT);
  CHECK(sc == NULL);
  CHECK_STATUS(crmkit_feature_scaler_fit(raw, 3, 2, flags, 1, NULL), CRMKIT_E_INVALID_ARGUMENT);
}

/* Weighted fit: weight 2 on a row is that row twice. */
static void test_weighted(void) {
  crmkit_kmeans* km = NULL;
  const double w[6] = {2, 1, 1, 1, 1, 0};
  const double bad_w[6] = {1, 1, -1, 1, 1, 1};
  double centers[4], inertia = 0;
  int32_t labels[6];
  CHECK_OK(crmkit_kmeans_create(&km));
  CHECK_OK(crmkit_kmeans_set_int(km, CRMKIT_KMEANS_N_CLUSTERS, 2));
  CHECK_OK(crmkit_kmeans_fit_weighted(km, points, 6, 2, w, points + 6, 2)); /* start at rows 3 and 4 */
  CHECK_OK(crmkit_kmeans_labels(km, labels, 6));
  CHECK_OK(crmkit_kmeans_centers(km, centers, 4));
  CHECK(labels[0] != labels[3]);
  /* weighted means: (0*2 + 1 + 0) / 4 = 0.25, (0*2 + 0 + 1) / 4 = 0.25; (10 + 11) / 2 = 10.5, 10 */
  CHECK(fabs(centers[2 * labels[0]] - 0.25) < 1e-15 && fabs(centers[2 * labels[0] + 1] - 0.25) < 1e-15);
  CHECK(fabs(centers[2 * labels[3]] - 10.5) < 1e-15 && fabs(centers[2 * labels[3] + 1] - 10.0) < 1e-15);
  CHECK_OK(crmkit_kmeans_stats(km, &inertia, NULL, NULL, NULL));
  /* 2 * 0.125 + (0.5625 + 0.0625) + (0.0625 + 0.5625) + 2 * 0.25 (rows 3, 4; row 5 weight 0) */
  CHECK(fabs(inertia - (0.25 + 0.625 + 0.625 + 0.5)) < 1e-12);
  CHECK_OK(crmkit_kmeans_fit_weighted(km, points, 6, 2, NULL, NULL, 0)); /* unweighted, seeded */
  CHECK_STATUS(crmkit_kmeans_fit_weighted(km, points, 6, 2, bad_w, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_MESSAGE_HAS("row 2");
  CHECK_STATUS(crmkit_kmeans_fit_weighted(NULL, points, 6, 2, w, NULL, 0), CRMKIT_E_INVALID_ARGUMENT);
  crmkit_kmeans_free(km);
}

int main(void) {
  test_null_arguments();
  test_fit();
  test_bad_input();
  test_scan_profile_scaler();
  test_weighted();
  return test_report("kmeans_test");
}
