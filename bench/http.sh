#!/usr/bin/env bash
# HTTP benchmark (on demand, not CI; loopback only): a generated spending cube of ROWS rows and babbage's cra
# sample served by `coffer serve` with the result cache off. Warm drilldowns: p50 of 15 uncached requests over
# HTTP (wrk, one keep-alive connection, 5 s) against the same aggregation in hand-written SQL run in-process on DuckDB (same threads and memory
# limit, same Parquet file), and requests/s with wrk at 1, 4 and 64 connections on an uncached cra aggregate.
#   bench/http.sh [ROWS=1000000] [WORKDIR=/tmp/coffer-bench-http] [WRK_SECONDS=10]
set -euo pipefail
ROWS=${1:-1000000}
W=${2:-/tmp/coffer-bench-http}
SECS=${3:-10}
THREADS=${COFFER_BENCH_THREADS:-2}
MEM=${COFFER_BENCH_DUCKDB_MEMORY:-1GB}
cd "$(dirname "$0")/.."
. ./.mvn/select-jdk.sh
PATH="$JAVA_HOME/bin:$PATH"
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 2; }
jar=coffer-server/target/coffer-server-0.1.0-SNAPSHOT-all.jar
[ -f "$jar" ] || ./mvnw -q -B -DskipTests -pl coffer-server -am package
rm -rf "$W"; mkdir -p "$W"
trap 'kill "${pid:-}" 2>/dev/null || true' EXIT
java bench/GenSpending.java "$ROWS" "$W/pkg" > /dev/null
export COFFER_STORE="$W/store" COFFER_ENGINE_CACHE_DIR="$W/cache" COFFER_ENGINE_THREADS="$THREADS" \
    COFFER_ENGINE_MEMORY_LIMIT="$MEM" COFFER_ENGINE_RESULT_CACHE_BYTES=0
JOPTS="-Xmx1g --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
java $JOPTS -jar "$jar" publish "$W/pkg" --owner bench --name spending > /dev/null 2>&1
java $JOPTS -jar "$jar" publish testdata/ukgov-cra-sample --owner ukgov --name cra > /dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java $JOPTS -jar "$jar" serve --host 127.0.0.1 --port "$port" > "$W/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port/api/3/cubes"

p50() { # URL -> median ms over one keep-alive connection for 5 s (wrk), after 3 warm-ups
  for i in 1 2 3; do curl -fsS -o /dev/null "$1"; done
  wrk -t1 -c1 -d5s --latency "$1" | awk '$1=="50%"{v=$2; if (v ~ /ms$/) {sub("ms","",v); print v} \
      else if (v ~ /us$/) {sub("us","",v); print v/1000} else {sub("s","",v); print v*1000}}'
}
# Column names of the Parquet copy: m0 = amount; a0 date.date, a1 date.year, a2 admin.code, a3 admin.name,
# a4 function.code, a5 economic.code, a6 payee.name (the engine numbers attributes in model order).
names=("drilldown=admin, order amount.sum:desc" "drilldown=function.code, cut date.year:2015"
       "drilldown=payee.name, order amount.sum:desc, pagesize 30" "drilldown=date.year")
urls=("$base/bench:spending/aggregate?drilldown=admin&order=amount.sum:desc"
      "$base/bench:spending/aggregate?drilldown=function.code&cut=date.year:2015"
      "$base/bench:spending/aggregate?drilldown=payee.name&order=amount.sum:desc&pagesize=30"
      "$base/bench:spending/aggregate?drilldown=date.year")
sqls=('SELECT a2, a3, COUNT(*), SUM(m0) FROM {P} GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT 100'
      'SELECT a4, COUNT(*), SUM(m0) FROM {P} WHERE a1 = 2015 GROUP BY 1 ORDER BY 1 LIMIT 100'
      'SELECT a6, COUNT(*), SUM(m0) FROM {P} GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 30'
      'SELECT a1, COUNT(*), SUM(m0) FROM {P} GROUP BY 1 ORDER BY 1 LIMIT 100')
curl -fsS -o /dev/null "${urls[0]}"
curl -fsS -o /dev/null "$base/ukgov:cra/aggregate?drilldown=cofog1.name"
spq=$(ls "$W"/cache/parquet/bench/spending/*.parquet)
crq=$(ls "$W"/cache/parquet/ukgov/cra/*.parquet)
kill "$pid"; wait "$pid" 2>/dev/null || true
mapfile -t ref < <(java -cp "$jar" bench/InProc.java "$spq" "$THREADS" "$MEM" "${sqls[@]}")
mapfile -t crref < <(java -cp "$jar" bench/InProc.java "$crq" "$THREADS" "$MEM" \
    'SELECT a2, a0, a1, COUNT(*), SUM(m0) FROM {P} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT 100')
java $JOPTS -jar "$jar" serve --host 127.0.0.1 --port "$port" > "$W/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done

echo "rows: $ROWS; result cache off; threads=$THREADS memory_limit=$MEM; HTTP p50 over one keep-alive connection for 5 s; in-process p50 of 15 after 3 warm-ups"
echo
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| query | HTTP p50 ms | same SQL in-process p50 ms | ratio |"
echo "|---|---:|---:|---:|"
for i in "${!urls[@]}"; do
  h=$(p50 "${urls[$i]}")
  r=${ref[$i]%% *}
  echo "| ${names[$i]} | $h | $r | $(echo "scale=2; $h / $r" | bc) |"
done
crurl="$base/ukgov:cra/aggregate?drilldown=cofog1"
h=$(p50 "$crurl")
r=${crref[0]%% *}
echo "| ukgov:cra drilldown=cofog1 (2,000 rows) | $h | $r | +$(echo "$h - $r" | bc) ms |"
echo
echo "| wrk, uncached ukgov:cra drilldown=cofog1, ${SECS}s | req/s | p50 | p99 | server CPU ms/request | errors |"
echo "|---|---:|---:|---:|---:|---:|"
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
for c in 1 4 64; do
  c0=$(cpu)
  out=$(wrk -t$((c < 2 ? 1 : 2)) -c$c -d${SECS}s --timeout 10s --latency "$crurl")
  c1=$(cpu)
  n=$(echo "$out" | awk '/requests in/{print $1}')
  cpums=$(echo "scale=2; ($c1 - $c0) * 1000 / $(getconf CLK_TCK) / $n" | bc)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  l50=$(echo "$out" | awk '$1=="50%"{print $2}')
  l99=$(echo "$out" | awk '$1=="99%"{print $2}')
  err=$(echo "$out" | grep -E 'Socket errors|Non-2xx' | tr '\n' ' ' || true)
  echo "| $c connections | $rps | $l50 | $l99 | $cpums | ${err:-0} |"
done
echo
echo "server RSS after the runs: $(( $(ps -o rss= -p "$pid") / 1024 )) MB (heap -Xmx1g, DuckDB memory_limit $MEM)"
