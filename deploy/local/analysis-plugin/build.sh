#!/usr/bin/env bash
# Builds target/coopwatch-analysis.zip (the Elasticsearch stable plugin) with a JDK 21+.
# Uses $JAVA_HOME if it is 21+, else the newest JDK 21+ found under /usr/lib/jvm.
# Extra arguments go to Maven, e.g. `build.sh -DskipTests` or `build.sh -Delasticsearch.version=9.5.4`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

java_major() { # prints the major version of the JDK at $1, or nothing
  local v
  v="$("$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')" || return 0
  v="${v#1.}"; echo "${v%%[.+-]*}"
}

jdk=""
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" && "$(java_major "$JAVA_HOME")" -ge 21 ]]; then
  jdk="$JAVA_HOME"
else
  best=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/javac" && ! -L "$d" ]] || continue
    m="$(java_major "$d")"
    if [[ -n "$m" && "$m" -ge 21 && "$m" -gt "$best" ]]; then best="$m"; jdk="$d"; fi
  done
fi
if [[ -z "$jdk" ]]; then
  echo "build.sh: no JDK 21+ found (JAVA_HOME or /usr/lib/jvm/*); Elasticsearch 9 plugins need one" >&2
  exit 1
fi
JAVA_HOME="$jdk" exec mvn -q -f "$here/pom.xml" package "$@"
