#!/bin/sh
# Compiles coffer-loader with its tests (offline if possible) and prints the test class path.
set -eu
cd "$(dirname "$0")/../.."
./mvnw -q -o -pl coffer-loader -am test-compile >&2 || ./mvnw -q -pl coffer-loader -am test-compile >&2
./mvnw -q -o -pl coffer-loader dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=coffer-loader/target/bench.classpath >&2 || true
echo "coffer-loader/target/test-classes:coffer-loader/target/classes:coffer-model/target/classes:$(cat coffer-loader/target/bench.classpath)"
