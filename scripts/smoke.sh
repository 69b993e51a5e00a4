#!/usr/bin/env bash
# End-to-end smoke test of the launcher: publish, pull byte-identical, serve, read the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=examples
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export COFFER_STORE="$work/store"

./coffer publish "$corpus/ukgov-cra-sample" --owner ukgov
./coffer pull ukgov/ukgov-finances-cra "$work/pulled"
cmp "$work/pulled/dataset.csv" "$corpus/ukgov-cra-sample/dataset.csv"
cmp "$work/pulled/datapackage.json" "$corpus/ukgov-cra-sample/datapackage.json"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./coffer serve --port "$port" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/registry/data/catalog.csv" | grep -q '^datasets/ukgov/ukgov-finances-cra/datapackage.json,ukgov-finances-cra,ukgov'
curl -fsS "http://127.0.0.1:$port/datasets/ukgov/ukgov-finances-cra/dataset.csv" | cmp - "$corpus/ukgov-cra-sample/dataset.csv"
echo "smoke: ok"
