/* Writes a synthetic order-line file for bench/state_100m.sh (C99, fast: about 2.7 GB for
 * 100 million lines in well under a minute). Never commit the output.
 *   make_order_lines OUT.csv LINES CUSTOMERS
 * customer_id,timestamp,amount; orders of 1..8 lines (one customer, one time), customers
 * drawn skewed (customer = CUSTOMERS * u^2: a few heavy buyers, most with a handful of
 * orders), times over the two years 2020-2021 in order, amounts 1.00 .. 200.00. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double next_unit(void) { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

int main(int argc, char** argv) {
  FILE* out;
  long long lines, customers, written = 0;
  static char buf[1 << 22];
  if (argc != 4) {
    fprintf(stderr, "usage: %s OUT.csv LINES CUSTOMERS\n", argv[0]);
    return 2;
  }
  lines = atoll(argv[2]);
  customers = atoll(argv[3]);
  out = fopen(argv[1], "wb");
  if (out == NULL || lines <= 0 || customers <= 0) {
    fprintf(stderr, "cannot write %s or bad sizes\n", argv[1]);
    return 1;
  }
  setvbuf(out, buf, _IOFBF, sizeof buf);
  fputs("customer_id,timestamp,amount\n", out);
  while (written < lines) {
    const double u = next_unit();
    const long long c = (long long)((double)customers * u * u);
    const int n = 1 + (int)(next_u64() % 8);
    /* seconds since 2020-01-01 over 730 days, in file order */
    const long long t = 1577836800LL + (written * 730LL * 86400LL) / lines + (long long)(next_u64() % 3600);
    int k;
    for (k = 0; k < n && written < lines; ++k, ++written) {
      const long long cents = 100 + (long long)(next_u64() % 19901);
      fprintf(out, "C%08lld,%lld,%lld.%02lld\n", c, t, cents / 100, cents % 100);
    }
  }
  if (fclose(out) != 0) return 1;
  return 0;
}
