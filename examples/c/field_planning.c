/* Field planning through the C ABI on the bundled field-sales sample
 * (examples/data/field_sales, synthetic): due lists, a day's route per rep, territory
 * balancing, check-in verification and hot spots; the same numbers as the C++ and Python
 * versions.
 *
 *   example_c_field_planning DATA_DIR
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

#define MAX_CUSTOMERS 1000
#define MAX_FIXES 5000
#define MAX_CLAIMS 200
#define N_REPS 3

static char ids[MAX_CUSTOMERS][16];
static const char* id_ptr[MAX_CUSTOMERS];
static double lon[MAX_CUSTOMERS], lat[MAX_CUSTOMERS], clv[MAX_CUSTOMERS], p_alive[MAX_CUSTOMERS];
static double visits[MAX_CUSTOMERS], service[MAX_CUSTOMERS], ready[MAX_CUSTOMERS], due_at[MAX_CUSTOMERS];
static int32_t abc[MAX_CUSTOMERS], rep[MAX_CUSTOMERS];
static int64_t last_visit[MAX_CUSTOMERS];
static char rep_name[N_REPS][16];
static const char* rep_ptr[N_REPS];
static double home_lon[N_REPS], home_lat[N_REPS], shift_start[N_REPS], shift_end[N_REPS];
static char fix_rep[MAX_FIXES][16];
static int64_t fix_t[MAX_FIXES];
static double fix_lon[MAX_FIXES], fix_lat[MAX_FIXES];
static char claim_rep[MAX_CLAIMS][16], claim_id[MAX_CLAIMS][16];
static int64_t claim_t[MAX_CLAIMS];

/* Splits a CSV line (no quotes) into at most max fields in place; empty fields kept. */
static size_t split(char* line, char** fields, size_t max) {
  size_t n = 0;
  char* p = line;
  line[strcspn(line, "\r\n")] = '\0';
  while (n < max) {
    char* comma = strchr(p, ',');
    fields[n++] = p;
    if (comma == NULL) break;
    *comma = '\0';
    p = comma + 1;
  }
  return n;
}

static FILE* open_csv(const char* dir, const char* name, char* line, size_t cap) {
  char path[1024];
  FILE* f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "r");
  if (f == NULL || fgets(line, (int)cap, f) == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    if (f != NULL) fclose(f);
    return NULL;
  }
  return f;
}

static int find_rep(const char* name) {
  int k;
  for (k = 0; k < N_REPS; ++k)
    if (strcmp(rep_name[k], name) == 0) return k;
  return -1;
}

static int fail(const char* what) {
  fprintf(stderr, "field_planning: %s: %s\n", what, crmkit_last_error());
  return 1;
}

int main(int argc, char** argv) {
  char line[512];
  char* f[16];
  FILE* in;
  size_t n = 0, n_fixes = 0, n_claims = 0, i, k;
  const int64_t as_of = 1772409600 + 8 * 3600; /* 2026-03-02 08:00 UTC */
  const char* classes[3] = {"A", "B", "C"};
  const double cadence[3] = {14, 30, 60};
  crmkit_table* table = NULL;
  crmkit_table* due = NULL;
  crmkit_table* assignment = NULL;
  crmkit_balance* bal = NULL;
  crmkit_hot_spots* hs = NULL;
  size_t col_due = 0, col_rank = 0, routed_total = 0, verified = 0, not_verified = 0, unclaimed = 0;
  static int64_t is_due[MAX_CUSTOMERS], rank[MAX_CUSTOMERS];
  double km = 0, stat = 0, before[N_REPS], after[N_REPS], wb[N_REPS], wa[N_REPS], vb[N_REPS], va[N_REPS];
  double moved = 0, dwb = 0, dwa = 0, dvb = 0, dva = 0, within = 0, within_before = 0;
  int ok = 1;
  if (argc < 2) {
    fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  /* reps */
  if ((in = open_csv(argv[1], "reps.csv", line, sizeof line)) == NULL) return 1;
  for (k = 0; k < N_REPS && fgets(line, sizeof line, in) != NULL; ++k) {
    split(line, f, 16);
    snprintf(rep_name[k], sizeof rep_name[k], "%s", f[0]);
    rep_ptr[k] = rep_name[k];
    home_lon[k] = atof(f[1]);
    home_lat[k] = atof(f[2]);
    shift_start[k] = atof(f[3]);
    shift_end[k] = atof(f[4]);
  }
  fclose(in);
  /* customers */
  if ((in = open_csv(argv[1], "customers.csv", line, sizeof line)) == NULL) return 1;
  while (n < MAX_CUSTOMERS && fgets(line, sizeof line, in) != NULL) {
    if (split(line, f, 16) < 12) continue;
    snprintf(ids[n], sizeof ids[n], "%s", f[0]);
    id_ptr[n] = ids[n];
    lon[n] = atof(f[1]);
    lat[n] = atof(f[2]);
    clv[n] = atof(f[3]);
    p_alive[n] = atof(f[4]);
    abc[n] = f[5][0] == 'A' ? 0 : f[5][0] == 'B' ? 1 : 2;
    rep[n] = find_rep(f[6]);
    last_visit[n] = f[7][0] == '\0' ? INT64_MIN : atoll(f[7]);
    visits[n] = atof(f[8]);
    service[n] = atof(f[9]);
    ready[n] = atof(f[10]);
    due_at[n] = atof(f[11]);
    ++n;
  }
  fclose(in);
  /* tracks and claims */
  if ((in = open_csv(argv[1], "tracks.csv", line, sizeof line)) == NULL) return 1;
  while (n_fixes < MAX_FIXES && fgets(line, sizeof line, in) != NULL) {
    split(line, f, 16);
    snprintf(fix_rep[n_fixes], sizeof fix_rep[n_fixes], "%s", f[0]);
    fix_t[n_fixes] = atoll(f[1]);
    fix_lon[n_fixes] = atof(f[2]);
    fix_lat[n_fixes] = atof(f[3]);
    ++n_fixes;
  }
  fclose(in);
  if ((in = open_csv(argv[1], "claims.csv", line, sizeof line)) == NULL) return 1;
  while (n_claims < MAX_CLAIMS && fgets(line, sizeof line, in) != NULL) {
    split(line, f, 16);
    snprintf(claim_rep[n_claims], sizeof claim_rep[n_claims], "%s", f[0]);
    snprintf(claim_id[n_claims], sizeof claim_id[n_claims], "%s", f[1]);
    claim_t[n_claims] = atoll(f[2]);
    ++n_claims;
  }
  fclose(in);

  if (crmkit_table_create(id_ptr, n, &table) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "lon", lon, n) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "lat", lat, n) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "clv", clv, n) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "p_alive", p_alive, n) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "visits", visits, n) != CRMKIT_OK ||
      crmkit_table_set_float64(table, "service_min", service, n) != CRMKIT_OK ||
      crmkit_table_set_category(table, "abc", abc, n, classes, 3) != CRMKIT_OK ||
      crmkit_table_set_category(table, "rep", rep, n, rep_ptr, N_REPS) != CRMKIT_OK ||
      crmkit_table_set_time(table, "last_visit", last_visit, n) != CRMKIT_OK)
    return fail("customer table");
  printf("%zu customers, %d reps, %zu GPS fixes, %zu claimed visits\n", n, N_REPS, n_fixes, n_claims);

  /* 1. due lists */
  if (crmkit_due_list(table, as_of, NULL, "abc", classes, cadence, 3, 0, "last_visit", "rep", 0, &due) != CRMKIT_OK ||
      crmkit_table_find_column(due, "due", &col_due) != CRMKIT_OK ||
      crmkit_table_find_column(due, "rank", &col_rank) != CRMKIT_OK ||
      crmkit_table_int64(due, col_due, is_due, MAX_CUSTOMERS) != CRMKIT_OK ||
      crmkit_table_int64(due, col_rank, rank, MAX_CUSTOMERS) != CRMKIT_OK)
    return fail("due list");
  printf("due on 2026-03-02:");
  for (k = 0; k < N_REPS; ++k) {
    size_t count = 0;
    for (i = 0; i < n; ++i) count += is_due[i] == 1 && rep[i] == (int32_t)k;
    printf("%s %s %zu", k ? "," : "", rep_name[k], count);
  }
  printf("\n");

  /* 2. routes: each rep's 10 most urgent due customers from home at 30 km/h */
  for (k = 0; k < N_REPS; ++k) {
    double x[10], y[10], demand[10] = {0}, r[10], d[10], s[10], cap = 1, value = 0;
    int32_t depot = 0;
    size_t m = 0;
    crmkit_vrp* vrp = NULL;
    for (i = 0; i < n && m < 10; ++i)
      if (is_due[i] == 1 && rep[i] == (int32_t)k && rank[i] <= 10) {
        x[m] = lon[i];
        y[m] = lat[i];
        r[m] = ready[i];
        d[m] = due_at[i];
        s[m] = service[i] * 60;
        ++m;
      }
    if (crmkit_vrp_create(&vrp) != CRMKIT_OK || crmkit_vrp_set_int(vrp, CRMKIT_VRP_METRIC, CRMKIT_VRP_SPHERE) != CRMKIT_OK ||
        crmkit_vrp_set_double(vrp, CRMKIT_VRP_SPEED_KMH, 30) != CRMKIT_OK ||
        crmkit_vrp_set_double(vrp, CRMKIT_VRP_TIME_LIMIT, 0) != CRMKIT_OK ||
        crmkit_vrp_set_int(vrp, CRMKIT_VRP_MAX_ITER, 2000) != CRMKIT_OK ||
        crmkit_vrp_set_int(vrp, CRMKIT_VRP_SEED, 1) != CRMKIT_OK ||
        crmkit_vrp_set_customers(vrp, m, x, y, demand, r, d, s, NULL, NULL) != CRMKIT_OK ||
        crmkit_vrp_set_depots(vrp, 1, &home_lon[k], &home_lat[k]) != CRMKIT_OK ||
        crmkit_vrp_set_vehicles(vrp, 1, &cap, &shift_start[k], &shift_end[k], &depot, &depot) != CRMKIT_OK ||
        crmkit_vrp_solve(vrp) != CRMKIT_OK)
      return fail("route");
    crmkit_vrp_summary(vrp, CRMKIT_VRP_N_ROUTED, &value);
    routed_total += (size_t)value;
    crmkit_vrp_summary(vrp, CRMKIT_VRP_DISTANCE, &value);
    km += value / 1000;
    crmkit_vrp_free(vrp);
  }
  printf("routes: %zu of 30 visits routed, %.1f km driven in all\n", routed_total, km);

  /* 3. territory balancing */
  if (crmkit_balance_create(&bal) != CRMKIT_OK ||
      crmkit_balance_set_double(bal, CRMKIT_BALANCE_TRAVEL_FACTOR, 1.0) != CRMKIT_OK ||
      crmkit_balance_set_reps(bal, N_REPS, rep_ptr, home_lon, home_lat, NULL) != CRMKIT_OK ||
      crmkit_balance_run(bal, table, "clv", "visits", "service_min", "rep", "lon", "lat", &assignment) != CRMKIT_OK)
    return fail("balancing");
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_CUSTOMERS_BEFORE, before, N_REPS);
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_CUSTOMERS_AFTER, after, N_REPS);
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_WORKLOAD_BEFORE, wb, N_REPS);
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_WORKLOAD_AFTER, wa, N_REPS);
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_VALUE_BEFORE, vb, N_REPS);
  crmkit_balance_rep_column(bal, CRMKIT_BALANCE_REP_VALUE_AFTER, va, N_REPS);
  for (k = 0; k < N_REPS; ++k)
    printf("  %s: %.0f -> %.0f customers, workload %.1f -> %.1f h, value %.0f -> %.0f\n", rep_name[k], before[k],
           after[k], wb[k] / 60, wa[k] / 60, vb[k], va[k]);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_N_MOVED, &moved);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_MAX_WORKLOAD_DEVIATION_BEFORE, &dwb);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_MAX_WORKLOAD_DEVIATION_AFTER, &dwa);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_MAX_VALUE_DEVIATION_BEFORE, &dvb);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_MAX_VALUE_DEVIATION_AFTER, &dva);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_WITHIN_TOLERANCE_BEFORE, &within_before);
  crmkit_balance_summary(bal, CRMKIT_BALANCE_WITHIN_TOLERANCE_AFTER, &within);
  ok &= within_before == 0 && within == 1;
  printf("balancing: %.0f customers moved; max workload deviation %.0f%% -> %.0f%%, value %.0f%% -> %.0f%%; "
         "within tolerance: %s\n",
         moved, 100 * dwb, 100 * dwa, 100 * dvb, 100 * dva, within == 1 ? "yes" : "no");

  /* 4. check-in verification per rep */
  for (k = 0; k < N_REPS; ++k) {
    static int64_t t[MAX_FIXES], ct[MAX_CLAIMS];
    static double tx[MAX_FIXES], ty[MAX_FIXES];
    static int32_t cc[MAX_CLAIMS], ok_claim[MAX_CLAIMS];
    size_t m = 0, c = 0, j, n_unclaimed = 0;
    for (i = 0; i < n_fixes; ++i)
      if (strcmp(fix_rep[i], rep_name[k]) == 0) {
        t[m] = fix_t[i];
        tx[m] = fix_lon[i];
        ty[m] = fix_lat[i];
        ++m;
      }
    for (i = 0; i < n_claims; ++i)
      if (strcmp(claim_rep[i], rep_name[k]) == 0) {
        cc[c] = -1;
        for (j = 0; j < n; ++j)
          if (strcmp(ids[j], claim_id[i]) == 0) cc[c] = (int32_t)j;
        ct[c++] = claim_t[i];
      }
    if (crmkit_checkin_verify(t, tx, ty, m, lon, lat, n, cc, ct, c, 100, 300, 3600, 70, ok_claim, NULL, NULL, NULL, NULL,
                              NULL, 0, &n_unclaimed) == CRMKIT_E_INVALID_ARGUMENT)
      return fail("check-in verification");
    for (j = 0; j < c; ++j) {
      verified += ok_claim[j] != 0;
      not_verified += ok_claim[j] == 0;
    }
    unclaimed += n_unclaimed;
  }
  ok &= verified == 18 && not_verified == 6 && unclaimed == 6;
  printf("check-ins: %zu verified, %zu claimed but not verified, %zu visited but not claimed\n", verified, not_verified,
         unclaimed);

  /* 5. hot spots on geohash-6 cells */
  {
    size_t n_cells = 0, top = 0, c;
    double *z = NULL, n_hot = 0, n_cold = 0;
    int64_t* count = NULL;
    char* names = NULL;
    if (crmkit_hot_spots_create(&hs) != CRMKIT_OK ||
        crmkit_hot_spots_set_int(hs, CRMKIT_HOT_SPOTS_CELLS, CRMKIT_HOT_SPOTS_GEOHASH) != CRMKIT_OK ||
        crmkit_hot_spots_set_int(hs, CRMKIT_HOT_SPOTS_PRECISION, 6) != CRMKIT_OK ||
        crmkit_hot_spots_compute(hs, lon, lat, clv, n, NULL, NULL, NULL, 0) != CRMKIT_OK ||
        crmkit_hot_spots_grid(hs, &n_cells, NULL, NULL, NULL, NULL, NULL, NULL) != CRMKIT_OK)
      return fail("hot spots");
    z = (double*)malloc(n_cells * sizeof *z);
    count = (int64_t*)malloc(n_cells * sizeof *count);
    names = (char*)malloc(n_cells * 8);
    if (z == NULL || count == NULL || names == NULL) return 1;
    crmkit_hot_spots_cells(hs, NULL, NULL, count, NULL, z, NULL, NULL, NULL, NULL, NULL, NULL, n_cells);
    crmkit_hot_spots_names(hs, names, 8, n_cells * 8);
    crmkit_hot_spots_summary(hs, CRMKIT_HOT_SPOTS_N_HOT, &n_hot);
    crmkit_hot_spots_summary(hs, CRMKIT_HOT_SPOTS_N_COLD, &n_cold);
    for (c = 1; c < n_cells; ++c)
      if (!isnan(z[c]) && (isnan(z[top]) || z[c] > z[top])) top = c;
    ok &= n_hot > 0;
    printf("hot spots: %.0f hot and %.0f cold of %zu geohash-6 cells; hottest %s (z = %.2f, %lld customers)\n", n_hot,
           n_cold, n_cells, names + top * 8, z[top], (long long)count[top]);
    free(z);
    free(count);
    free(names);
  }
  (void)stat;
  crmkit_hot_spots_free(hs);
  crmkit_balance_free(bal);
  crmkit_table_free(assignment);
  crmkit_table_free(due);
  crmkit_table_free(table);
  return ok ? 0 : 1;
}
