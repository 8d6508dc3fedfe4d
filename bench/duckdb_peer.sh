#!/bin/sh
# DuckDB peer (CSV ingest, RFM): installs the npm package @duckdb/node-api (a prebuilt
# DuckDB) into a scratch folder outside the repository, then runs bench/duckdb_peer.mjs.
#
#   sh bench/duckdb_peer.sh ingest /tmp/crmkit_ingest_10000000.csv [--threads N] [--runs N]
#   sh bench/duckdb_peer.sh rfm /tmp/crmkit_rfm_10000000 [--threads N] [--runs N]
#
# The folder is $CRMKIT_DUCKDB_DIR, by default <temp dir>/crmkit_duckdb. Without node/npm,
# or when the install fails (no network), it prints why and exits 0 (skipped).
set -u
here=$(cd "$(dirname "$0")" && pwd)
scratch=${CRMKIT_DUCKDB_DIR:-${TMPDIR:-/tmp}/crmkit_duckdb}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "duckdb_peer: SKIPPED: node and npm are needed (Debian: apt-get install nodejs npm)"
  exit 0
fi
if [ ! -d "$scratch/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$scratch" || { echo "duckdb_peer: SKIPPED: cannot create $scratch"; exit 0; }
  if ! (cd "$scratch" && npm install --no-audit --no-fund --silent @duckdb/node-api >install.log 2>&1); then
    echo "duckdb_peer: SKIPPED: npm install @duckdb/node-api failed in $scratch (no network?); see $scratch/install.log"
    exit 0
  fi
fi
# DuckDB's threads are set by --threads (default 1, the instance's `threads` option).
CRMKIT_DUCKDB_DIR="$scratch" exec node "$here/duckdb_peer.mjs" "$@"
