#!/bin/sh
# Writes the synthetic benchmark CSV (seeded: same rows -> same bytes).
# Usage: coffer-loader/bench/gen-big-csv.sh [ROWS] [OUT]   (default 10000000 rows, /tmp/coffer-bench/big.csv)
set -eu
cd "$(dirname "$0")/../.."
ROWS=${1:-10000000}
OUT=${2:-/tmp/coffer-bench/big.csv}
mkdir -p "$(dirname "$OUT")"
CP=$(coffer-loader/bench/classpath.sh)
. ./.mvn/select-jdk.sh
"$JAVA_HOME/bin/java" -cp "$CP" io.coffer.loader.bench.GenBigCsv "$ROWS" "$OUT"
ls -l "$OUT"
