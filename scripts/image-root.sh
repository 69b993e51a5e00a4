#!/usr/bin/env bash
# Prepares the files the container image needs besides the jar, without any registry: a jlink'ed Java
# runtime (from the JDK that builds) and the few shared libraries it and DuckDB's native code load, copied
# from this Debian machine. Jib then builds the OCI tarball FROM scratch (no base image to download).
#   scripts/image-root.sh OUT_DIR
set -euo pipefail
out="$1"
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/.mvn/select-jdk.sh"
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/data" "$out/etc"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.desktop,jdk.unsupported,jdk.crypto.ec,jdk.management,java.security.jgss,jdk.zipfs,java.instrument,java.scripting,jdk.httpserver \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$out/opt/java"
# Shared libraries: whatever java, libjvm and libstdc++ (DuckDB's JNI library) need, with their paths.
libs=$( (ldd "$out/opt/java/bin/java"; ldd "$out/opt/java/lib/server/libjvm.so"; \
         ldd "$(ldconfig -p | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}')") | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | sort -u)
for l in $libs $(ldconfig -p | awk '/libstdc\+\+\.so\.6 |libgcc_s\.so\.1 |libz\.so\.1 /{print $NF}' | sort -u); do
  mkdir -p "$out$(dirname "$l")"
  cp -L "$l" "$out$l"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\ncoffer:x:10001:10001:coffer:/data:/sbin/nologin\n' > "$out/etc/passwd"
chmod 1777 "$out/tmp"
echo "image root ready in $out ($(du -sh "$out" | cut -f1))"
