#!/usr/bin/env bash
# The single-machine bounded-memory run of docs/scale-out.md: generates an order-line file
# (default 100,000,000 lines, 2,000,000 customers) in /tmp, streams it through the state CSV
# reader (crmkit::add_transactions_csv via bench/state_bench.cpp's BM_stream_csv, one pass)
# under /usr/bin/time -v, and prints lines, customers, state bytes per customer, wall time,
# MB/s and peak RSS. The file is deleted afterwards (KEEP=1 keeps it); never commit it.
#   bench/state_100m.sh [LINES] [CUSTOMERS]      (run through `heavy`; needs build/release)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
lines="${1:-100000000}"
customers="${2:-2000000}"
bench="${STATE_BENCH:-$repo/build/release/bench/state_bench}"
work="${TMPDIR:-/tmp}/crmkit_state_100m.$$"
mkdir -p "$work"
csv="$work/order_lines.csv"
cleanup() { if [ "${KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

[ -x "$bench" ] || { echo "state_100m.sh: $bench not built (cmake --preset release; cmake --build build/release --target state_bench)" >&2; exit 1; }
cc -O2 -std=c99 -o "$work/make_order_lines" "$here/make_order_lines.c"
t0=$(date +%s.%N)
"$work/make_order_lines" "$csv" "$lines" "$customers"
t1=$(date +%s.%N)
bytes=$(stat -c %s "$csv")
echo "generated $lines lines, $bytes bytes in $(echo "$t1 - $t0" | bc) s: $csv"
echo "load before: $(uptime)"
# CSV time format: epoch seconds (the generator writes Unix seconds).
CRMKIT_STATE_CSV="$csv" CRMKIT_STATE_CSV_TIME_FORMAT=epoch_seconds /usr/bin/time -v "$bench" \
  --benchmark_filter='BM_stream_csv' --benchmark_min_time=0.001 --benchmark_format=console \
  > "$work/bench.out" 2> "$work/time.out" || { cat "$work/bench.out" "$work/time.out" >&2; exit 1; }
echo "load after:  $(uptime)"
cat "$work/bench.out" | grep -E "BM_stream_csv|customers|lines" || true
wall=$(grep "Elapsed (wall clock)" "$work/time.out" | awk '{print $NF}')
rss_kb=$(grep "Maximum resident set size" "$work/time.out" | awk '{print $NF}')
seconds=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
echo "wall time (process, incl. start-up): $wall ($seconds s)"
echo "MB/s: $(echo "scale=1; $bytes / 1000000 / $seconds" | bc)"
echo "peak RSS: $((rss_kb / 1024)) MiB"
