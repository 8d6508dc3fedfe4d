#!/bin/sh
# Two threads against one with the other core kept busy (issue 14: "with the other core
# busy, 2 threads must never be slower than 1"). Starts a spinning shell loop, runs the
# threaded benchmarks' /1 and /2 variants, stops the loop; prints the load before and after.
#
#   cmake --preset release -DCRMKIT_BUILD_TESTS=OFF -DCRMKIT_BUILD_EXAMPLES=OFF
#   cmake --build build/release -j2 --target lifecycle_bench geo_bench rfm_bench io_bench
#   sh bench/busy_core_scaling.sh [BUILD_DIR]      # default build/release
#
# Run it on an otherwise idle machine: the spinning loop is meant to be the only other load.
# Each variant is warmed up for 1 s first, so that /1 and /2 both find a warm heap (see
# docs/benchmarks.md, sixth and seventh rounds).
set -eu
b=${1:-build/release}/bench
echo "busy_core_scaling: $(date -u '+%H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
sh -c 'while :; do :; done' &
spin=$!
trap 'kill $spin 2>/dev/null' EXIT
sleep 2
"$b/lifecycle_bench" --benchmark_filter='BM_evaluate_from_prospect/|BM_evaluate_next_month/' --benchmark_min_warmup_time=1 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 | grep median
"$b/geo_bench" --benchmark_filter='BM_nearest_10/|BM_count_2km/' --benchmark_min_warmup_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 | grep median
"$b/rfm_bench" --benchmark_filter='BM_rfm_summary/|BM_rfm_score/' --benchmark_min_warmup_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 | grep median
"$b/io_bench" --benchmark_filter='BM_read_transactions_csv/' --benchmark_min_warmup_time=1 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>&1 | grep median
kill $spin
echo "busy_core_scaling: end $(date -u '+%H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
