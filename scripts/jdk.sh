# Sourced by the scripts: selects a JDK 25 or newer and exports JAVA_HOME and PATH.
# Order: $JAVA_HOME when it is 25+, then /usr/lib/jvm/*25* (and newer), else a clear error.
# Reads the JDK's `release` file instead of starting a JVM, to keep the CLIs quick.
rsio_java_major() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
  echo "$v"
}
rsio_select_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*3[0-9]*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(rsio_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "RSIO needs a JDK 25 or newer: set JAVA_HOME to one, or install it under /usr/lib/jvm (e.g. temurin-25-jdk)." >&2
  return 1
}
rsio_select_jdk || exit 1
