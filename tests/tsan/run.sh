#!/usr/bin/env bash
# Builds the test programs that run work on several threads with ThreadSanitizer (preset
# `tsan`: clang, -fsanitize=thread, build/tsan) and runs them through ctest. Not part of
# .ci/test (see docs/reliability.md).
#   tests/tsan/run.sh [ctest -R regex]
set -euo pipefail
cd "$(dirname "$0")/../.."
targets=(crmkit_lifecycle_tests crmkit_rfm_tests crmkit_kmeans_tests crmkit_geo_tests crmkit_churn_tests
         crmkit_pareto_tests crmkit_scoring_tests crmkit_c_errors_test crmkit_c_geo_test crmkit_c_kmeans_test
         crmkit_c_lifecycle_test crmkit_c_churn_test)
regex=${1:-"crmkit_(lifecycle|rfm|kmeans|geo|churn|pareto|scoring)_tests|crmkit_c_(errors|geo|kmeans|lifecycle|churn)_test"}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset tsan "${launcher[@]}" >/dev/null
cmake --build --preset tsan --target "${targets[@]}"
ctest --preset tsan -R "$regex"
