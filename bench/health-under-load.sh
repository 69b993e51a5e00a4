#!/usr/bin/env bash
# Health and a small metadata GET while 16 heavy CSV exports run (issue 21, finding 1). Loopback only: the
# test starts the server on port 0, runs 16 export loops for a bounded time, and prints every latency.
# Usage: bench/health-under-load.sh [OUTPUT_FILE]   (default bench/results/health-under-load.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/results/health-under-load.txt}
mkdir -p "$(dirname "$out")"
# Bounds raised so the run always reports its numbers (the test's own bounds are the regression check).
./mvnw -q -o -pl coffer-server -am test -Dtest=HealthUnderLoadIT -Dsurefire.failIfNoSpecifiedTests=false \
    -Dcoffer.test.healthBoundMs=600000 -Dcoffer.test.metadataBoundMs=600000 2>&1 \
    | grep -E '^(health ms|metadata ms|exports done)' | tee "$out.tmp"
{ echo "# $(date -u +%FT%TZ) $(nproc) cores, $(uname -sr)"; cat "$out.tmp"; } > "$out"
rm -f "$out.tmp"
