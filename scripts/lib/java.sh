# Sourced by the launchers: finds the checkout, selects a JDK 25, builds once if needed,
# and defines rsio_java MAINCLASS ARGS... with the classpath and JVM options for that program.
RSIO_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$RSIO_HOME/scripts/jdk.sh"
. "$RSIO_HOME/scripts/lib/jvm.sh"
. "$RSIO_HOME/scripts/lib/daemon.sh"
. "$RSIO_HOME/scripts/lib/aot.sh"

rsio_build_if_needed() {
  # Tests run the launchers against the classes Maven just compiled (RSIO_CLASSPATH), not jars.
  [ -n "${RSIO_CLASSPATH:-}" ] && return 0
  # A glob, not ls: under the callers' `set -o pipefail` a failing ls would end the script silently.
  local jars=("$RSIO_HOME"/crsio-tui/target/crsio-tui-*.jar)
  if [ ! -f "${jars[0]}" ] || [ ! -d "$RSIO_HOME/rsio-daemon/target/lib" ]; then
    echo "building RSIO (first run, about a minute)..." >&2
    (cd "$RSIO_HOME" && mvn -B -ntp -q package -DskipTests) >&2 || {
      echo "build failed: run 'cd $RSIO_HOME && mvn package' to see why" >&2; exit 1; }
    # Part of the build, not of a daemon's first start: the daemons' ahead-of-time caches.
    rsio_aot_train_checkout || echo "the daemons start without ahead-of-time caches (scripts/aot-train retries)" >&2
  fi
}

# The checkout's daemons run from the copies of rsio_snapshot_classpath; their ahead-of-time
# caches (aot.sh) belong to exactly that class path and the JVM options they were trained with
# (jvm.sh: the JVM refuses a cache made with another heap or collector), so they live in a
# directory named by both.
rsio_aot_dir() {
  local srv=() cli=()
  rsio_jvm_options srv daemon rssrv
  rsio_jvm_options cli daemon rsiod
  echo "$RSIO_HOME/.daemon-jars/aot-$(printf '%s\n' "$1" "${srv[*]}" "${cli[*]}" | sha256sum | cut -c1-16)"
}

# rsio_aot_ready_checkout: prints the directory of the daemons' ahead-of-time caches for the jars
# built now, making them first when a `mvn package` since the last training left them missing.
# For benchmarks: a daemon without its cache measures a colder start than the package gives.
rsio_aot_ready_checkout() {
  local cp dir
  cp=$(rsio_snapshot_classpath "$RSIO_HOME/.daemon-jars" "$(rsio_classpath)") || return 1
  dir=$(rsio_aot_dir "$cp")
  if [ ! -s "$dir/rssrv.aot" ] || [ ! -s "$dir/rsiod.aot" ]; then
    rsio_aot_train_checkout || return 1
  fi
  echo "$dir"
}

# rsio_aot_train_checkout: makes the caches of rssrv and rsiod for the jars built now (aot.sh).
rsio_aot_train_checkout() {
  local cp
  cp=$(rsio_snapshot_classpath "$RSIO_HOME/.daemon-jars" "$(rsio_classpath)") || return 1
  echo "training rssrv and rsiod for their ahead-of-time caches (about 30 s)..." >&2
  local dir d; dir=$(rsio_aot_dir "$cp")
  rsio_aot_train "$JAVA_HOME/bin/java" "$cp" "$dir" || return 1
  # Caches of earlier builds: their jars are gone; keep those a running daemon still maps.
  for d in "$RSIO_HOME"/.daemon-jars/aot-*; do
    [ "$d" = "$dir" ] || grep -qsF "$d/" /proc/[0-9]*/cmdline || rm -rf "$d"
  done
}

rsio_classpath() {
  if [ -n "${RSIO_CLASSPATH:-}" ]; then echo "$RSIO_CLASSPATH"; return; fi
  local cp="" jar
  for jar in "$RSIO_HOME"/rsio-daemon/target/rsio-daemon-*.jar "$RSIO_HOME"/crsio-tui/target/crsio-tui-*.jar \
             "$RSIO_HOME"/crsio-tui/target/lib/*.jar "$RSIO_HOME"/rsio-daemon/target/lib/*.jar; do
    [ -f "$jar" ] && cp="$cp${cp:+:}$jar"
  done
  echo "$cp"
}

# rsio_snapshot_classpath DIR CLASSPATH: copies each jar of CLASSPATH into DIR under a name
# that carries its content's hash and prints the classpath of the copies. A daemon runs for
# weeks; a rebuild of the checkout rewrites target/*.jar in place, and a JVM that then loads
# a class it had not needed yet (the detach path, the shutdown path) fails with
# NoClassDefFoundError. Copies named by content are never rewritten: a rebuilt jar gets a new
# name, and an unchanged one keeps its name, so the class-data-sharing archive stays valid.
# Copies that no live process has on its command line are removed; several daemons (demo,
# bench, several instances) share the directory.
rsio_snapshot_classpath() {
  local dir=$1 cp=$2 out="" jar hash copy keep=" " f
  mkdir -p "$dir" || return 1
  local IFS=:
  for jar in $cp; do
    hash=$(sha256sum "$jar" | cut -c1-16) || return 1
    copy="$dir/$(basename "$jar" .jar)-$hash.jar"
    if [ ! -f "$copy" ]; then
      cp "$jar" "$copy.$$" && mv -f "$copy.$$" "$copy" || return 1
    fi
    out="$out${out:+:}$copy"
    keep="$keep$copy "
  done
  unset IFS
  for f in "$dir"/*.jar; do
    [ -f "$f" ] || continue
    case "$keep" in *" $f "*) continue;; esac
    # In use by a running daemon: its path is on that JVM's command line.
    grep -qsF "$f" /proc/[0-9]*/cmdline || rm -f "$f"
  done
  echo "$out"
}

# rsio_java KIND NAME MAINCLASS ARGS...; KIND is cli (quick start, small heap), tui (as cli,
# but runs for long: crsio) or daemon.
rsio_java() {
  local kind=$1 name=$2 main=$3; shift 3
  rsio_build_if_needed
  local cp cds_dir="$RSIO_HOME/rsio-daemon/target/cds"
  cp=$(rsio_classpath)
  # What runs for long runs from private copies of the jars (see rsio_snapshot_classpath), with
  # its class-data-sharing archive beside them; the test suite's class directories stay as they
  # are. In the checkout, beside target/ rather than in it: mvn clean must not delete the jars
  # of a daemon that is running, and every instance shares the copies and the CDS archive.
  if [ "$kind" != cli ] && [ -z "${RSIO_CLASSPATH:-}" ]; then
    local copies
    if copies=$(rsio_snapshot_classpath "$RSIO_HOME/.daemon-jars" "$cp" 2>/dev/null); then
      cp=$copies cds_dir="$RSIO_HOME/.daemon-jars"
    else
      echo "$name: warning: cannot copy its jars to $RSIO_HOME/.daemon-jars; running from target/," \
           "so rebuilding the checkout while $name runs may break it" >&2
    fi
  fi
  mkdir -p "$cds_dir" 2>/dev/null
  # A class-data-sharing archive, made on first use, halves JVM start-up for the CLIs; it
  # needs a classpath of jars only: not for class directories.
  local opts=()
  rsio_jvm_options opts "$kind" "$name"
  # A daemon from the copies starts with its ahead-of-time cache when there is one (made by the
  # build, aot.sh); else, and for the other programs, with its class-data-sharing archive.
  if [ -z "${RSIO_CLASSPATH:-}" ] && ! { [ "$kind" = daemon ] && [ "$cds_dir" != "$RSIO_HOME/rsio-daemon/target/cds" ] \
        && rsio_aot_options opts "$name" "$(rsio_aot_dir "$cp")/$name.aot" "$cds_dir" "$JAVA_HOME/bin/java" "$cp"; }; then
    rsio_cds_options opts "$cds_dir/$name.jsa" auto
  fi
  # crsio starts rsiod as a child: the logs it makes, rotations too, stay 0640 (as daemon.sh);
  # through rsiod's launcher, so that it runs with a daemon's options (RsiodCommand).
  if [ "$kind" = tui ]; then
    umask 027
    export RSIO_RSIOD_LAUNCHER="$RSIO_HOME/scripts/rsiod"
  fi
  exec "$JAVA_HOME/bin/java" "${opts[@]}" ${RSIO_JAVA_OPTS:-} -cp "$cp" "$main" "$@"
}

