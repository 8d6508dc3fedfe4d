#!/bin/sh
# CSV ingest on one and two threads (issue 14): wall and process CPU time of
# io_bench's BM_read_transactions_csv/1 and /2, alternated, with the load before and after.
#
#   cmake --preset release -DCRMKIT_BUILD_TESTS=OFF -DCRMKIT_BUILD_EXAMPLES=OFF
#   cmake --build build/release -j2 --target io_bench
#   sh bench/ingest_scaling.sh [BUILD_DIR] [PASSES]      # defaults: build/release, 3
#
# Each pass runs the 1-thread and then the 2-thread read once (one iteration each, the
# file written by io_bench on first use: <temp dir>/crmkit_ingest_10000000.csv). Per pass
# it prints wall and CPU (process user + system: all reader threads) in ms, MB/s over
# each, and the ratios 2-vs-1 thread by wall (speedup) and by CPU (extra work); then the
# medians over the passes. Wall-time scaling only means something on a quiet machine:
# compare the load printed before and after.
set -eu
build=${1:-build/release}
passes=${2:-3}
bench="$build/bench/io_bench"
[ -x "$bench" ] || { echo "ingest_scaling: $bench not built (cmake --build $build --target io_bench)"; exit 1; }
echo "ingest_scaling: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ingest_scaling: commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# One benchmark line -> "wall_ms cpu_ms rows customers peak_MB file_MB".
run() {
  "$bench" --benchmark_filter="BM_read_transactions_csv/$1/" --benchmark_format=console 2>/dev/null |
    awk '/^BM_read_transactions_csv/ {
      wall = $2; file = ""; cpu = ""; rows = ""; cust = ""; peak = "";
      for (i = 1; i <= NF; ++i) {
        split($i, kv, "=");
        if (kv[1] == "cpu_MB_per_s") cpu = kv[2];
        if (kv[1] == "file_MB") file = kv[2];
        if (kv[1] == "rows") rows = kv[2];
        if (kv[1] == "customers") cust = kv[2];
        if (kv[1] == "peak_rss_MB") peak = kv[2];
      }
      printf "%.0f %.0f %s %s %.0f %s\n", wall, file / cpu * 1000, rows, cust, peak, file;
    }'
}
p=1
while [ "$p" -le "$passes" ]; do
  one=$(run 1)
  two=$(run 2)
  echo "$p $one $two" >>"$out"
  echo "$p $one $two" | awk '{
    printf "pass %d: 1 thread wall %5d ms cpu %5d ms (%3.0f / %3.0f MB/s) | 2 threads wall %5d ms cpu %5d ms (%3.0f / %3.0f MB/s) | 2 vs 1: %.2fx by wall, CPU %.2fx of 1 thread | peak %s / %s MB, rows %s / %s, customers %s / %s\n",
      $1, $2, $3, $7 / $2 * 1000, $7 / $3 * 1000, $8, $9, $13 / $8 * 1000, $13 / $9 * 1000, $2 / $8, $9 / $3, $6, $12, $4, $10, $5, $11 }'
  p=$((p + 1))
done
awk '{ print $2, $3, $8, $9 }' "$out" | awk -v n="$passes" '
  { w1[NR] = $1; c1[NR] = $2; w2[NR] = $3; c2[NR] = $4 }
  function median(a,   i, j, t, b) { for (i = 1; i <= n; ++i) b[i] = a[i];
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
    return b[int((n + 1) / 2)] }
  END { printf "medians: 1 thread wall %d ms cpu %d ms | 2 threads wall %d ms cpu %d ms | 2 vs 1: %.2fx by wall (target >= 1.8x), CPU %.2fx of 1 thread\n",
        median(w1), median(c1), median(w2), median(c2), median(w1) / median(w2), median(c2) / median(c1) }'
echo "ingest_scaling: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
