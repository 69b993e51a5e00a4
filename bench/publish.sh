#!/bin/sh
# Publish benchmark (on demand, not CI): a generated spending package of ROWS rows (deterministic), published
# with `coffer publish` at -Xmx512m (wall time and peak RSS from /usr/bin/time), against DuckDB's own
# read_csv + COPY TO parquet of the same file with the same threads and memory limit, run in the same script.
# Then the first query after publish, and the sums: generator's exact total = DuckDB's SUM = Coffer's amount.sum.
#   bench/publish.sh [ROWS] [WORKDIR]          (default 10000000 rows, /tmp/coffer-bench-publish)
set -eu
ROWS=${1:-10000000}
W=${2:-/tmp/coffer-bench-publish}
THREADS=${COFFER_BENCH_THREADS:-2}
MEM=${COFFER_BENCH_DUCKDB_MEMORY:-350MB}
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
PATH="$JAVA_HOME/bin:$PATH"
jar=coffer-server/target/coffer-server-0.1.0-SNAPSHOT-all.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests -pl coffer-server -am package
rm -rf "$W"
mkdir -p "$W"
echo "generating $ROWS rows..."
total=$(java bench/GenSpending.java "$ROWS" "$W/pkg")
bytes=$(wc -c < "$W/pkg/spending.csv")
echo "CSV: $bytes bytes, exact total $total"

/usr/bin/time -f "%e %M" -o "$W/duck.time" java -Xmx512m --enable-native-access=ALL-UNNAMED -cp "$jar" \
    bench/DuckRef.java "$W/pkg/spending.csv" "$W/ref.parquet" "$THREADS" "$MEM" > "$W/duck.out"
read duck_ms duck_sum duck_rows < "$W/duck.out"
read duck_wall duck_rss < "$W/duck.time"

export COFFER_ENGINE_THREADS="$THREADS" COFFER_ENGINE_MEMORY_LIMIT="$MEM" COFFER_ENGINE_CACHE_DIR="$W/cache"
JOPTS="-Xmx512m --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
run() {
  java $JOPTS -jar "$jar" "$@"
}
/usr/bin/time -f "%e %M" -o "$W/coffer.time" java $JOPTS -jar "$jar" publish "$W/pkg" --owner bench --name spending --store "$W/store" \
    > "$W/coffer.out" 2>&1 || { cat "$W/coffer.out"; exit 1; }
read coffer_wall coffer_rss < "$W/coffer.time"
# First query after publish, in a fresh process (the Parquet copy is already built by the publish).
t0=$(date +%s%N)
run aggregate bench/spending --store "$W/store" --format json > "$W/agg.json"
t1=$(date +%s%N)
coffer_sum=$(python3 -c "import json,sys; print(json.load(open('$W/agg.json'))['summary']['amount.sum'])")

echo
echo "| step | wall s | peak RSS MB | rows | sum |"
echo "|---|---:|---:|---:|---:|"
echo "| DuckDB read_csv + COPY TO parquet (process) | $duck_wall | $((duck_rss / 1024)) | $duck_rows | $duck_sum |"
echo "| DuckDB COPY statement alone | $(echo "scale=2; $duck_ms / 1000" | bc) | | | |"
echo "| coffer publish (validate, store, Parquet copy, static aggregates) | $coffer_wall | $((coffer_rss / 1024)) | | |"
echo "| coffer aggregate, first query after publish (process) | $(echo "scale=2; ($t1 - $t0) / 1000000000" | bc) | | | $coffer_sum |"
echo
echo "ratio publish / DuckDB process: $(echo "scale=2; $coffer_wall / $duck_wall" | bc)"
echo "ratio publish / DuckDB COPY statement: $(echo "scale=2; $coffer_wall * 1000 / $duck_ms" | bc)"
python3 - "$total" "$duck_sum" "$coffer_sum" <<'PY'
import sys
from decimal import Decimal
t, d, c = (Decimal(x) for x in sys.argv[1:])
print("sums identical:", t == d == c, t, d, c)
PY
grep -i "parquet copy\|built\|static aggregates" "$W/coffer.out" | head -5 || true
