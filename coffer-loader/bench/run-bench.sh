#!/bin/sh
# Benchmark (not a test): Coffer infer + validate vs DuckDB read_csv on the same file, same JVM, heap capped.
# Usage: coffer-loader/bench/run-bench.sh [CSV] [RUNS] [DUCKDB_THREADS] [--init]
set -eu
cd "$(dirname "$0")/../.."
CSV=${1:-/tmp/coffer-bench/big.csv}
RUNS=${2:-5}
THREADS=${3:-2}
shift $(( $# < 3 ? $# : 3 ))
[ -f "$CSV" ] || coffer-loader/bench/gen-big-csv.sh 10000000 "$CSV"
CP=$(coffer-loader/bench/classpath.sh)
. ./.mvn/select-jdk.sh
exec "$JAVA_HOME/bin/java" -Xmx512m --enable-native-access=ALL-UNNAMED -cp "$CP" \
  io.coffer.loader.bench.LoaderBenchmark "$CSV" "$RUNS" "$THREADS" "$@"
