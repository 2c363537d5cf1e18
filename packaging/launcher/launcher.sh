# Sourced by the programs in /usr/sbin of the Debian package: defines rsio_java over the
# package's own Java runtime, jars and class-data-sharing archives (made when the package was
# built), and rsio_daemon from daemon.sh. Paths are filled in by scripts/package.
RSIO_LIB=/usr/lib/rsio
JAVA_HOME=$RSIO_LIB/runtime
. "$RSIO_LIB/jvm.sh"
. "$RSIO_LIB/daemon.sh"
. "$RSIO_LIB/aot.sh"

rsio_build_if_needed() { :; }

# Log files 0640 (root:adm under the package: /var/log/rsio is setgid adm).
umask 027

# rsio_java KIND NAME MAINCLASS ARGS...; KIND is cli, tui or daemon (see jvm.sh).
rsio_java() {
  local kind=$1 name=$2 main=$3; shift 3
  local opts=()
  rsio_jvm_options opts "$kind" "$name"
  # crsio starts rsiod through its launcher, with a daemon's options (RsiodCommand).
  [ "$kind" = tui ] && export RSIO_RSIOD_LAUNCHER=/usr/sbin/rsiod
  # The daemons start with the ahead-of-time cache made when the package was built (aot.sh),
  # the other programs, and a daemon whose cache the JVM refuses, with the CDS archive.
  if ! { [ "$kind" = daemon ] && rsio_aot_options opts "$name" "$RSIO_LIB/aot/$name.aot" "${RSIO_RUN_DIR:-/run/rsio}" \
           "$JAVA_HOME/bin/java" "@CLASSPATH@"; }; then
    rsio_cds_options opts "$RSIO_LIB/cds/$name.jsa" read
  fi
  exec "$JAVA_HOME/bin/java" "${opts[@]}" ${RSIO_JAVA_OPTS:-} -cp "@CLASSPATH@" "$main" "$@"
}
