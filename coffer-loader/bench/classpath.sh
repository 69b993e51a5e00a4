#!/bin/sh
# Compiles coffer-loader with its tests (offline when possible) and prints the test class path.
set -eu
cd "$(dirname "$0")/../.."
ARGS="-q -pl coffer-loader -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath"
./mvnw -o $ARGS >&2 || ./mvnw $ARGS >&2
echo "coffer-loader/target/test-classes:coffer-loader/target/classes:$(cat coffer-loader/target/bench.classpath)"
