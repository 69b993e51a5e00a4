#!/usr/bin/env bash
# Load test on loopback: 256 connections for DURATION seconds against an aggregate endpoint and a file
# download of a published corpus dataset. Needs wrk (Debian package `wrk`). Prints wrk's summaries; exits 1
# if any request failed (socket errors, timeouts, or non-2xx/3xx answers).
#   scripts/load-test.sh [DURATION_SECONDS=60] [CONNECTIONS=256]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-60}"
connections="${2:-256}"
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 2; }
corpus=examples
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export COFFER_STORE="$work/store"
./coffer publish "$corpus/ukgov-cra-sample" --owner ukgov --name cra >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
COFFER_JAVA_OPTS="${COFFER_JAVA_OPTS:--Xmx1g}" ./coffer serve --port "$port" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port"
agg="$base/api/3/cubes/ukgov:cra/aggregate?drilldown=cofog1.name&order=amount.sum:desc"
dl="$base/datasets/ukgov/cra/dataset.csv"
curl -fsS "$agg" >/dev/null   # builds the Parquet copy before the clock starts
status=0
for url in "$agg" "$dl"; do
  echo "== $url"
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s --latency "$url")
  echo "$out"
  if echo "$out" | grep -Eq 'Socket errors|Non-2xx or 3xx responses'; then status=1; fi
done
exit $status
