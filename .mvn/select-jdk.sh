# Sourced by ./mvnw and ./coffer: Coffer needs JDK 21+ (Temurin 25 is what we build and test with).
# When JAVA_HOME is unset or older, pick the newest JDK >= 21 under /usr/lib/jvm or /opt/java.
coffer_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
coffer_select_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(coffer_java_major "$JAVA_HOME")
    [ "${v:-0}" -ge 21 ] && return 0
  fi
  best=""; bestv=0
  # mvnw runs with `set -f`; globbing is needed here.
  case $- in *f*) set +f; coffer_noglob=1 ;; *) coffer_noglob=0 ;; esac
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/* /opt/java/*; do
    [ -x "$d/bin/javac" ] || continue
    v=$(coffer_java_major "$d")
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
  done
  [ "$coffer_noglob" = 1 ] && set -f
  if [ -n "$best" ]; then
    JAVA_HOME=$best; export JAVA_HOME
  fi
}
coffer_select_jdk
