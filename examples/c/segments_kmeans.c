/* k-means customer segments through the C ABI on the bundled CDNOW sample: RFM per customer
 * at the day after the last purchase, log1p + z-score features of recency days, orders and
 * revenue, then k-means with 4 clusters (10 k-means++ initialisations, seed 0), its fit
 * report and silhouette, and the model saved as a document. The C twin of
 * examples/segments_kmeans.cpp and examples/python/segments_kmeans.py (the same numbers,
 * which scikit-learn also gives).
 *
 *   example_c_segments_kmeans examples/data/cdnow_sample.csv
 *
 * Exits nonzero with crmkit_last_error() on failure. */
#include <stdio.h>
#include <stdlib.h>

#include "crmkit/crmkit.h"

static int fail(const char* what, int status) {
  fprintf(stderr, "segments_kmeans: %s failed (%s): %s\n", what, crmkit_status_str(status), crmkit_last_error());
  return 1;
}

#define CALL(call)                              \
  do {                                          \
    if ((status = (call)) != CRMKIT_OK) {       \
      fail(#call, status);                      \
      goto done;                                \
    }                                           \
  } while (0)

int main(int argc, char** argv) {
  static const int32_t log1p[3] = {1, 1, 1};
  const int64_t as_of = 899251200; /* 1998-07-01 00:00 UTC, the day after the last purchase */
  crmkit_csv_options* options = NULL;
  crmkit_dataset* dataset = NULL;
  crmkit_rfm* rfm = NULL;
  crmkit_feature_scaler* scaler = NULL;
  crmkit_kmeans* kmeans = NULL;
  double *column = NULL, *features = NULL, *z = NULL;
  int32_t* labels = NULL;
  size_t n = 0, i, j, needed = 0, sizes[4] = {0, 0, 0, 0};
  static const int32_t columns[3] = {CRMKIT_RFM_RECENCY_DAYS, CRMKIT_RFM_FREQUENCY, CRMKIT_RFM_MONETARY};
  double inertia = 0, silhouette = 0;
  int32_t fit_status = 0, iterations = 0;
  int status, rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s transactions.csv\n", argv[0]);
    return 2;
  }
  CALL(crmkit_csv_options_create(&options));
  CALL(crmkit_csv_options_set_string(options, CRMKIT_CSV_TIME_COLUMN, "date"));
  CALL(crmkit_dataset_create_from_csv(argv[1], NULL, options, &dataset));
  CALL(crmkit_rfm_create(&rfm));
  CALL(crmkit_rfm_set_int(rfm, CRMKIT_RFM_AS_OF, as_of));
  CALL(crmkit_rfm_compute(rfm, dataset));
  CALL(crmkit_rfm_size(rfm, &n));

  /* Row-major n x 3 features: recency days, orders, revenue. */
  column = malloc(n * sizeof *column);
  features = malloc(3 * n * sizeof *features);
  z = malloc(3 * n * sizeof *z);
  labels = malloc(n * sizeof *labels);
  if (!column || !features || !z || !labels) {
    fprintf(stderr, "segments_kmeans: out of memory\n");
    goto done;
  }
  for (j = 0; j < 3; ++j) {
    CALL(crmkit_rfm_column_double(rfm, columns[j], column, n));
    for (i = 0; i < n; ++i) features[3 * i + j] = column[i];
  }
  /* Skewed counts and amounts: log1p, then z-scores so each feature weighs the same. */
  CALL(crmkit_feature_scaler_fit(features, n, 3, log1p, 1, &scaler));
  CALL(crmkit_feature_scaler_transform(scaler, features, n, 3, z));

  CALL(crmkit_kmeans_create(&kmeans));
  CALL(crmkit_kmeans_set_int(kmeans, CRMKIT_KMEANS_N_CLUSTERS, 4));
  CALL(crmkit_kmeans_set_int(kmeans, CRMKIT_KMEANS_N_INIT, 10));
  CALL(crmkit_kmeans_set_int(kmeans, CRMKIT_KMEANS_SEED, 0));
  CALL(crmkit_kmeans_fit(kmeans, z, n, 3));
  CALL(crmkit_kmeans_fit_report(kmeans, &fit_status, &iterations, &inertia, NULL));
  CALL(crmkit_kmeans_labels(kmeans, labels, n));
  CALL(crmkit_silhouette_score(z, n, 3, labels, 0, 0, 1, &silhouette));
  printf("%zu customers; k = 4: inertia %.4f, silhouette %.4f, %d iterations (%s)\n", n, inertia, silhouette,
         (int)iterations, fit_status == CRMKIT_FIT_CONVERGED ? "converged" : "not converged");
  for (i = 0; i < n; ++i) sizes[labels[i]] += 1;
  for (j = 0; j < 4; ++j) printf("  segment %zu: %zu customers\n", j, sizes[j]);

  /* The model document's size (first call of the two-call protocol). */
  status = crmkit_kmeans_save(kmeans, NULL, 0, &needed);
  if (status != CRMKIT_OK && status != CRMKIT_E_BUFFER_TOO_SMALL) {
    fail("crmkit_kmeans_save", status);
    goto done;
  }
  printf("model document: %zu bytes\n", needed - 1);
  rc = 0;

done:
  free(column);
  free(features);
  free(z);
  free(labels);
  crmkit_kmeans_free(kmeans);
  crmkit_feature_scaler_free(scaler);
  crmkit_rfm_free(rfm);
  crmkit_dataset_free(dataset);
  crmkit_csv_options_free(options);
  return rc;
}
