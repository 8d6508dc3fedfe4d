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
  CHECK_STATUS(crmkit_kmeans_stats(NULL, &d, NULL, NULL, NULL, NULL), CRMKIT_E_INVALID_ARGUMENT);
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
  CHECK_OK(crmkit_kmeans_stats(km, &inertia, &n_iter, &stop, &relocated, &best));
  CHECK(fabs(inertia - 8.0 / 3.0) < 1e-12);
  CHECK(n_iter >= 1 && stop == CRMKIT_KMEANS_STOP_LABELS_UNCHANGED && relocated == 0 && best >= 0 && best < 3);
  CHECK_OK(crmkit_kmeans_predict(km, fresh, 2, 2, pred));
  CHECK(pred[0] == labels[0] && pred[1] == labels[3]);
  CHECK_STATUS(crmkit_kmeans_predict(km, fresh, 1, 4, pred), CRMKIT_E_INVALID_ARGUMENT);
  CHECK_OK(crmkit_kmeans_fit_with_centers(km, points, 6, 2, points + 6, 2)); /* start at rows 3 and 4 */
  CHECK_OK(crmkit_kmeans_stats(km, &inertia, NULL, NULL, NULL, NULL));
  CHECK(fabs(inertia - 8.0 / 3.0) < 1e-12);
  CHECK_OK(crmkit_kmeans_plusplus(points, 6, 2, 2, 0, 0, 1, idx));
  CHECK(idx[0] >= 0 && idx[0] < 6 && idx[1] >= 0 && idx[1] < 6 && idx[0] != idx[1]);
  CHECK_OK(crmkit_kmeans_labels(km, labels, 6));
  CHECK_OK(crmkit_silhouette_score(points, 6, 2, labels, 0, 0, 1, &sil));
  CHECK(sil > 0.8 && sil <= 1.0);
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

int main(void) {
  test_null_arguments();
  test_fit();
  test_bad_input();
  return test_report("kmeans_test");
}
