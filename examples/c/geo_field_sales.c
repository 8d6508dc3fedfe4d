/* Field sales on a map through crmkit's C ABI (crmkit/c/geo.h), the C version of
 * examples/geo_field_sales.cpp on the bundled sample examples/data/geo (the London
 * customers of crmkit's synthetic generator, with revenue and an at-risk flag, and a
 * rep's GPS track; see examples/data/geo/README.md):
 *   1. who is within 5 km of a rep (all, then only those at risk of churning);
 *   2. the customers inside a territory drawn on the map (GeoJSON with a hole);
 *   3. the nearest available rep for a few requests, and a batch of requests assigned
 *      to reps with a capacity each;
 *   4. a rep's day from the GPS track: distance, dropped outlier, stops, visits;
 *   5. a revenue heat map (density grid as GeoJSON) and the Baidu (BD-09) position of the
 *      rep's base for a Chinese-market map widget;
 *   6. the coverage of the rep's six assigned customers over the last two days, per day;
 *   7. where the customers are: geohash cells of 5 characters.
 *
 *   example_c_geo_field_sales <customers.csv> <rep_track.csv>
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crmkit/crmkit.h"

/* The city centre (London) the rep stands in. */
#define CENTRE_LON (-0.1276)
#define CENTRE_LAT 51.5072

typedef struct {
  size_t n;
  char (*id)[16];
  double *lon, *lat, *revenue, *at_risk;
} customers_t;

static void customers_free(customers_t* c) {
  free(c->id);
  free(c->lon);
  free(c->lat);
  free(c->revenue);
  free(c->at_risk);
}

/* Reads customer_id,longitude,latitude,revenue,at_risk (a header line, then rows). */
static int read_customers(const char* path, customers_t* c) {
  FILE* f = fopen(path, "r");
  char line[256];
  size_t cap = 1024;
  memset(c, 0, sizeof *c);
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    return 0;
  }
  c->id = malloc(cap * sizeof *c->id);
  c->lon = malloc(cap * sizeof *c->lon);
  c->lat = malloc(cap * sizeof *c->lat);
  c->revenue = malloc(cap * sizeof *c->revenue);
  c->at_risk = malloc(cap * sizeof *c->at_risk);
  if (fgets(line, sizeof line, f) == NULL) goto fail; /* header */
  while (fgets(line, sizeof line, f) != NULL) {
    int risk = 0;
    if (c->id == NULL || c->lon == NULL || c->lat == NULL || c->revenue == NULL || c->at_risk == NULL) goto fail;
    if (c->n == cap) {
      void* p;
      cap *= 2;
#define GROW(field)                                   \
  p = realloc(c->field, cap * sizeof *c->field);      \
  if (p == NULL) goto fail;                           \
  c->field = p;
      GROW(id) GROW(lon) GROW(lat) GROW(revenue) GROW(at_risk)
#undef GROW
    }
    if (sscanf(line, "%15[^,],%lf,%lf,%lf,%d", c->id[c->n], &c->lon[c->n], &c->lat[c->n], &c->revenue[c->n], &risk) != 5) {
      fprintf(stderr, "%s: bad row %zu: %s", path, c->n + 2, line);
      goto fail;
    }
    c->at_risk[c->n++] = risk;
  }
  fclose(f);
  return 1;
fail:
  fclose(f);
  customers_free(c);
  return 0;
}

/* The rep's GPS track (read once, used for the day's summary and the coverage). */
#define MAX_FIXES 4096
static int64_t track_t[MAX_FIXES];
static double track_lon[MAX_FIXES], track_lat[MAX_FIXES];
static size_t n_fixes = 0;

/* Reads time,longitude,latitude. */
static int read_track(const char* path, int64_t* t, double* lon, double* lat, size_t cap, size_t* n) {
  FILE* f = fopen(path, "r");
  char line[128];
  long long seconds;
  *n = 0;
  if (f == NULL || fgets(line, sizeof line, f) == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    if (f != NULL) fclose(f);
    return 0;
  }
  while (*n < cap && fgets(line, sizeof line, f) != NULL && sscanf(line, "%lld,%lf,%lf", &seconds, &lon[*n], &lat[*n]) == 3)
    t[(*n)++] = (int64_t)seconds;
  fclose(f);
  return 1;
}

/* Prints the call's failure and returns 1 (for `return fail(...)`). */
static int fail(const char* what) {
  fprintf(stderr, "error: %s: %s\n", what, crmkit_last_error());
  return 1;
}

#define TRY(call)                      \
  do {                                 \
    if ((call) != CRMKIT_OK) {         \
      status = fail(#call);            \
      goto done;                       \
    }                                  \
  } while (0)

int main(int argc, char** argv) {
  customers_t c;
  crmkit_geo_index* index = NULL;
  crmkit_geo_filter* risky = NULL;
  crmkit_geo_result* near = NULL;
  crmkit_geo_result* inside = NULL;
  crmkit_geo_reps* reps = NULL;
  crmkit_geo_track* day = NULL;
  crmkit_geo_grid* grid = NULL;
  crmkit_geo_coverage* cover = NULL;
  crmkit_geo_geohash_grid* cells = NULL;
  int32_t* near_ids = NULL;
  double* near_d = NULL;
  char* geojson = NULL;
  int status = 0;
  size_t n_queries = 0, n_near = 0, n_inside = 0, r;
  double x = CENTRE_LON, y = CENTRE_LAT;

  if (argc != 3) {
    fprintf(stderr, "usage: %s <customers.csv> <rep_track.csv>\n", argv[0]);
    return 2;
  }
  if (!read_customers(argv[1], &c)) return 1;
  printf("%zu customers read from %s\n", c.n, argv[1]);
  TRY(crmkit_geo_index_create(c.lon, c.lat, c.n, 0.0, 0, &index));

  /* 1. Within 5 km of the rep in the centre, closest first; then only those at risk. */
  TRY(crmkit_geo_index_within(index, &x, &y, 1, 5000.0, NULL, CRMKIT_GEO_ORDER_DISTANCE, 1, &near));
  TRY(crmkit_geo_result_sizes(near, &n_queries, &n_near));
  near_ids = malloc((n_near + 1) * sizeof *near_ids);
  near_d = malloc((n_near + 1) * sizeof *near_d);
  if (near_ids == NULL || near_d == NULL) {
    status = 1;
    goto done;
  }
  TRY(crmkit_geo_result_copy(near, NULL, 0, near_ids, near_d, n_near));
  if (n_near < 30) {
    fprintf(stderr, "too few customers near the centre (%zu)\n", n_near);
    status = 1;
    goto done;
  }
  printf("%zu customers within 5 km of the rep in London; closest: %s at %.0f m\n", n_near, c.id[near_ids[0]], near_d[0]);
  {
    int64_t n_risky = 0;
    TRY(crmkit_geo_filter_create(c.n, &risky));
    TRY(crmkit_geo_filter_require(risky, c.at_risk, c.n, CRMKIT_GEO_EQUAL, 1.0));
    TRY(crmkit_geo_index_count_within(index, &x, &y, 1, 5000.0, risky, 1, &n_risky));
    printf("%lld of them are at risk of churning (same index, filtered at query time)\n", (long long)n_risky);
  }

  /* 2. A territory drawn on the map: a GeoJSON polygon with a hole. */
  {
    char drawn[1024];
    int32_t first = -1;
    snprintf(drawn, sizeof drawn,
             "{\"type\": \"Feature\", \"properties\": {\"name\": \"centre-north\"}, \"geometry\": {\"type\": \"Polygon\", "
             "\"coordinates\": [[[%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f]], "
             "[[%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f]]]}}",
             x - 0.08, y, x + 0.08, y, x + 0.08, y + 0.06, x - 0.08, y + 0.06, x - 0.08, y,
             x - 0.01, y + 0.01, x + 0.01, y + 0.01, x + 0.01, y + 0.02, x - 0.01, y + 0.02, x - 0.01, y + 0.01);
    TRY(crmkit_geo_index_in_territory(index, drawn, NULL, CRMKIT_GEO_ORDER_INDEX, &inside));
    TRY(crmkit_geo_result_sizes(inside, &n_queries, &n_inside));
    {
      int32_t* ids = malloc((n_inside + 1) * sizeof *ids);
      if (ids == NULL || crmkit_geo_result_copy(inside, NULL, 0, ids, NULL, n_inside) != CRMKIT_OK) {
        free(ids);
        status = fail("crmkit_geo_result_copy");
        goto done;
      }
      if (n_inside > 0) first = ids[0];
      free(ids);
    }
    printf("%zu customers inside the drawn territory (first: %s)\n", n_inside, first >= 0 ? c.id[first] : "-");
  }

  /* 3. Five reps around the centre, two of them off today: the nearest available rep for
   *    three requests, then 100 requests assigned with at most 40 per rep. */
  {
    const double rep_lon[5] = {x - 0.05, x + 0.02, x + 0.07, x - 0.02, x + 0.11};
    const double rep_lat[5] = {y + 0.01, y - 0.03, y + 0.02, y + 0.05, y - 0.01};
    const int32_t capacity[5] = {40, 40, 40, 40, 40};
    double req_lon[100], req_lat[100], assigned_d[100];
    int32_t best[3], assigned[100], load[5];
    double best_d[3];
    size_t n_req = n_near < 100 ? n_near : 100, open = 0;
    TRY(crmkit_geo_reps_create(rep_lon, rep_lat, 5, NULL, &reps));
    TRY(crmkit_geo_reps_set_available(reps, 1, 0));
    TRY(crmkit_geo_reps_set_available(reps, 4, 0));
    for (r = 0; r < 3; ++r) {
      req_lon[r] = c.lon[near_ids[r * 7]];
      req_lat[r] = c.lat[near_ids[r * 7]];
    }
    TRY(crmkit_geo_reps_nearest(reps, req_lon, req_lat, 3, 1, INFINITY, 0, 1, best, best_d));
    for (r = 0; r < 3; ++r) printf("request from %s: rep %d at %.0f m\n", c.id[near_ids[r * 7]], (int)best[r], best_d[r]);
    for (r = 0; r < n_req; ++r) {
      req_lon[r] = c.lon[near_ids[r]];
      req_lat[r] = c.lat[near_ids[r]];
    }
    TRY(crmkit_geo_reps_assign(reps, req_lon, req_lat, n_req, capacity, INFINITY, 0, assigned, assigned_d, load, &open));
    printf("%zu requests assigned, %zu left open; load per rep:", n_req - open, open);
    for (r = 0; r < 5; ++r) printf(" %d", (int)load[r]);
    printf("\n");
  }

  /* 4. The rep's day from the sample GPS track, visits matched to the customers. */
  {
    size_t n_dropped = 0, n_stops = 0, n_visits = 0;
    double distance = 0;
    int64_t at_customers = 0;
    if (!read_track(argv[2], track_t, track_lon, track_lat, MAX_FIXES, &n_fixes) || n_fixes == 0) {
      status = 1;
      goto done;
    }
    TRY(crmkit_geo_track_analyze(track_t, track_lon, track_lat, n_fixes, index, NULL, &day));
    TRY(crmkit_geo_track_summary(day, NULL, &distance, &n_dropped, &n_stops, &n_visits, &at_customers));
    printf("rep 0's day: %.1f km driven (%zu GPS outlier dropped), %zu stops, %zu customer visits, %lld min at customers\n",
           distance / 1000, n_dropped, n_stops, n_visits, (long long)(at_customers / 60));
  }

  /* 5. Revenue per 0.02-degree cell around the centre, as GeoJSON (two-call protocol),
   *    and the rep's base in Baidu's BD-09 coordinates. */
  {
    size_t n_lon = 0, n_lat = 0, needed = 0, cells, busiest = 0;
    int64_t* count;
    double* revenue;
    double base_lon = x, base_lat = y;
    TRY(crmkit_geo_grid_create(c.lon, c.lat, c.revenue, c.n, 0.02, x - 0.2, y - 0.12, x + 0.2, y + 0.12, &grid));
    TRY(crmkit_geo_grid_sizes(grid, &n_lon, &n_lat, NULL, NULL));
    cells = n_lon * n_lat;
    count = malloc(cells * sizeof *count);
    revenue = malloc(cells * sizeof *revenue);
    if (count == NULL || revenue == NULL || crmkit_geo_grid_cells(grid, count, revenue, NULL, cells) != CRMKIT_OK) {
      free(count);
      free(revenue);
      status = fail("crmkit_geo_grid_cells");
      goto done;
    }
    for (r = 1; r < cells; ++r)
      if (revenue[r] > revenue[busiest]) busiest = r;
    printf("revenue grid %zu x %zu cells; top cell %zu: %lld customers, %.2f revenue\n", n_lon, n_lat, busiest,
           (long long)count[busiest], revenue[busiest]);
    free(count);
    free(revenue);
    if (crmkit_geo_grid_geojson(grid, 1, NULL, 0, &needed) != CRMKIT_E_BUFFER_TOO_SMALL) {
      status = fail("crmkit_geo_grid_geojson (size)");
      goto done;
    }
    geojson = malloc(needed);
    if (geojson == NULL) {
      status = 1;
      goto done;
    }
    TRY(crmkit_geo_grid_geojson(grid, 1, geojson, needed, &needed));
    printf("heat map GeoJSON: %zu bytes\n", strlen(geojson));
    TRY(crmkit_geo_convert(CRMKIT_GEO_WGS84, CRMKIT_GEO_BD09, &base_lon, &base_lat, 1, &base_lon, &base_lat));
    printf("rep base in BD-09: %.6f, %.6f (outside China only Baidu's fixed shift applies)\n", base_lon, base_lat);
  }

  /* 6. Coverage of the rep's assigned customers over the last two days: six customers,
   *    three of which the track visits; each due every 7 days, so all are due at once. */
  {
    const int32_t assigned[6] = {near_ids[0], near_ids[11], near_ids[22], near_ids[5], near_ids[16], near_ids[27]};
    const int32_t weekly[6] = {7, 7, 7, 7, 7, 7};
    const int64_t offsets[2] = {0, (int64_t)n_fixes};
    const int64_t end = track_t[0] / 86400 * 86400 + 86400; /* the midnight after the track's day */
    int64_t day_start[2], due_offsets[3], visits[2];
    double km[2], share = 0;
    size_t n_covered = 0, n_days = 0;
    TRY(crmkit_geo_coverage_compute(track_t, track_lon, track_lat, offsets, 1, assigned, 6, index, NULL, weekly,
                                    end - 2 * 86400, end, 0, 0, NULL, &cover));
    TRY(crmkit_geo_coverage_summary(cover, NULL, &n_covered, &share, &n_days, NULL, NULL));
    if (n_days != 2) {
      fprintf(stderr, "expected 2 days, got %zu\n", n_days);
      status = 1;
      goto done;
    }
    TRY(crmkit_geo_coverage_days(cover, NULL, day_start, km, visits, NULL, NULL, NULL, due_offsets, 2));
    printf("coverage: %zu of 6 assigned customers visited (%.0f %%)", n_covered, 100 * share);
    for (r = 0; r < 2; ++r)
      printf("; day %lld: %.1f km, %lld visits, %lld due not visited", (long long)(day_start[r] / 86400),
             km[r] / 1000, (long long)visits[r], (long long)(due_offsets[r + 1] - due_offsets[r]));
    printf("\n");
  }

  /* 7. Where the customers are: geohash cells of 5 characters (about 5 x 5 km). */
  {
    size_t n_cells = 0, unlocated = 0, top = 0;
    int64_t* count = NULL;
    char* hashes = NULL;
    TRY(crmkit_geo_geohash_grid_create(c.lon, c.lat, c.n, NULL, 0, 5, &cells));
    TRY(crmkit_geo_geohash_grid_sizes(cells, &n_cells, NULL, NULL, &unlocated, NULL));
    count = malloc((n_cells + 1) * sizeof *count);
    hashes = malloc((n_cells + 1) * 6);
    if (count == NULL || hashes == NULL || crmkit_geo_geohash_grid_cells(cells, hashes, count, NULL, NULL, NULL, n_cells) != CRMKIT_OK) {
      free(count);
      free(hashes);
      status = fail("crmkit_geo_geohash_grid_cells");
      goto done;
    }
    for (r = 1; r < n_cells; ++r)
      if (count[r] > count[top]) top = r;
    printf("%zu customers in %zu geohash-5 cells; busiest %s (%lld customers)\n", c.n - unlocated, n_cells,
           hashes + top * 6, (long long)count[top]);
    free(count);
    free(hashes);
  }

done:
  free(geojson);
  free(near_ids);
  free(near_d);
  crmkit_geo_geohash_grid_free(cells);
  crmkit_geo_coverage_free(cover);
  crmkit_geo_grid_free(grid);
  crmkit_geo_track_free(day);
  crmkit_geo_reps_free(reps);
  crmkit_geo_result_free(inside);
  crmkit_geo_result_free(near);
  crmkit_geo_filter_free(risky);
  crmkit_geo_index_free(index);
  customers_free(&c);
  return status;
}
