#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, build/fuzz) and runs each for the given
# number of seconds on a copy of its seed corpus (tests/fuzz/corpus/<target>) with its
# dictionary (tests/fuzz/<target>.dict when present). A crash, leak or sanitizer report
# fails the script; the reproducer is left in build/fuzz/artifacts/<target>/.
#   tests/fuzz/run.sh [seconds-per-target] [target...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
shift || true
all=(fuzz_csv fuzz_guard fuzz_model_json fuzz_model_toml fuzz_model_text fuzz_territory fuzz_c_api fuzz_score_config
     fuzz_customer_state fuzz_model_document fuzz_pg_copy)
if (($#)); then targets=("$@"); else targets=("${all[@]}"); fi
# CRMKIT_FUZZ_BUILD names an existing build configured with CRMKIT_BUILD_FUZZ=ON (the
# asan-ubsan preset is one: .ci/test fuzzes in the build it has just tested, instead of
# compiling the library a third time); otherwise build/fuzz is configured here.
build=${CRMKIT_FUZZ_BUILD:-build/fuzz}
if [ -z "${CRMKIT_FUZZ_BUILD:-}" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCRMKIT_BUILD_FUZZ=ON -DCRMKIT_BUILD_TESTS=OFF -DCRMKIT_BUILD_EXAMPLES=OFF -DCRMKIT_BUILD_BENCH=OFF \
    -DCRMKIT_INSTALL=OFF "${launcher[@]}" >/dev/null
fi
cmake --build "$build" -j2 --target "${targets[@]}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Targets run CRMKIT_FUZZ_JOBS at a time (default 2, the CI machine's cores); each prints
# its lines when it ends.
parallel=${CRMKIT_FUZZ_JOBS:-2}
run_target() {
  local t=$1 corpus=$build/corpus/$1 artifacts=$build/artifacts/$1 dict=() out
  mkdir -p "$corpus" "$artifacts"
  cp -n tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  [ -f tests/fuzz/"$t".dict ] && dict=(-dict=tests/fuzz/"$t".dict)
  if "$build"/tests/fuzz/"$t" "$corpus" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 \
      -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 -artifact_prefix="$artifacts"/ \
      >"$build"/"$t".log 2>&1; then
    out="== $t: ${seconds} s: $(grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$build"/"$t".log | tr '\n' ' ')"
    echo "$out"
  else
    echo "FAILED: $t (log $build/$t.log, reproducer in $artifacts)"
    tail -40 "$build"/"$t".log
    return 1
  fi
}
rm -f "$build"/*.fuzz-failed
for t in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do sleep 1; done
  (run_target "$t" || touch "$build/$t.fuzz-failed") &
done
wait
if compgen -G "$build/*.fuzz-failed" >/dev/null; then exit 1; fi
