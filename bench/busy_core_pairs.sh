#!/bin/sh
# Two threads against one beside a busy core, as alternating processes: for each path, N
# pairs of one-thread and two-thread runs (each its own process, 1 s warm-up, median of 3),
# the spinner running throughout; prints each pair's ratio (one-thread time over
# two-thread time) and their median. bench/busy_core_scaling.sh runs each variant once in
# one process, so its verdict depends on where the scheduler happened to put that one run;
# on the 2-vCPU VM one-thread runs beside the spinner vary by up to 1.4x.
#
#   sh bench/busy_core_pairs.sh [BUILD_DIR] [PAIRS]      # defaults: build/release, 5
set -eu
b=${1:-build/release}/bench
pairs=${2:-5}
echo "busy_core_pairs: $(date -u '+%H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $pairs pairs"
sh -c 'while :; do :; done' &
spin=$!
trap 'kill $spin 2>/dev/null' EXIT
sleep 2
# median wall time (ms) of one variant in its own process
one() {
  "$b/$1" --benchmark_filter="^$2/$3(/|\$)" --benchmark_min_warmup_time=1 --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>/dev/null |
    awk '/_median/ { v = $2; if ($3 == "s") v *= 1000; if ($3 == "us") v /= 1000; print v; exit }'
}
for path in "lifecycle_bench BM_evaluate_from_prospect" "lifecycle_bench BM_evaluate_next_month" \
            "rfm_bench BM_rfm_score" "rfm_bench BM_rfm_summary" "geo_bench BM_count_2km" "io_bench BM_read_transactions_csv"; do
  set -- $path
  ratios=""
  i=0
  while [ "$i" -lt "$pairs" ]; do
    t1=$(one "$1" "$2" 1)
    t2=$(one "$1" "$2" 2)
    if [ -z "$t1" ] || [ -z "$t2" ]; then
      echo "busy_core_pairs: no median from $b/$1 for $2/1 or $2/2 (not built, or renamed?)" >&2
      exit 1
    fi
    ratios="$ratios $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')"
    i=$((i + 1))
  done
  echo "$2: one/two thread time ratios:$ratios; median $(echo $ratios | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')x"
done
kill $spin
echo "busy_core_pairs: end $(date -u '+%H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
