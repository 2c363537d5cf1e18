# Sourced by the launchers of the checkout and of the Debian package: the JVM options of each
# kind of program, so that both start the same way.

# rsio_cds_options ARRAY ARCHIVE MODE: adds the class-data-sharing options for ARCHIVE to the
# array named ARRAY. MODE auto: the archive is made on first use and remade when stale (the
# checkout, where the user running the program owns it); read: used as it is (the package's
# archives, made when the package was built). An archive this user cannot write is only read,
# so that a non-root user after root never gets the JVM's "Unable to use shared archive" error;
# -Xshare:auto makes any archive that does not fit a silent fallback to loading classes.
rsio_cds_options() {
  local -n into=$1
  local archive=$2 mode=$3
  if [ "$mode" = auto ] && { [ -w "$archive" ] || { [ ! -e "$archive" ] && [ -w "$(dirname "$archive")" ]; }; }; then
    into+=(-XX:SharedArchiveFile="$archive" -XX:+AutoCreateSharedArchive)
  elif [ -r "$archive" ]; then
    into+=(-XX:SharedArchiveFile="$archive")
  fi
  into+=(-Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off)
}

# rsio_jvm_options ARRAY KIND [NAME]: adds the options of KIND (cli, tui or daemon) and of the
# program NAME to the array named ARRAY.
rsio_jvm_options() {
  local -n into=$1
  into+=(--enable-native-access=ALL-UNNAMED)
  if [ "$2" != daemon ]; then
    into+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m)
  else
    # Netty's sampling leak detector records a stack trace for one buffer in 128: 2-3 % of
    # rsiod's CPU at 50k IOPS. The test suite runs every buffer under paranoid detection instead.
    into+=(-Dio.netty.tryReflectionSetAccessible=true -Dio.netty.leakDetection.level=disabled)
    rsio_daemon_memory_options into "${3:-}"
  fi
}

# rsio_daemon_memory_options ARRAY NAME: GC and native-memory limits of the daemons
# (docs/performance.md §10). G1 with a heap floor and a cap, both on purpose:
# - the floor (-Xms64m): rsiod's live heap is about 7 MiB; in a heap the JVM sizes itself from
#   16 MiB, G1 keeps it near 18 MiB and starts a concurrent marking cycle every few seconds
#   (its occupancy threshold is 45 %), with remark pauses of up to 40 ms on the I/O path; a
#   64 MiB floor puts the threshold far above the live set: young collections only, about one
#   a second at 40,000 requests per second, 5-15 ms each on two loaded cores.
# - the cap (rsiod 256 MiB, rssrv 512 MiB for its many clients): a bound on what a leak can
#   take, not a working set. Without one the JVM takes a quarter of the host's memory as its
#   cap and a 64th as its first heap (384 MiB on 24 GiB), and rsiod's RSS climbed to 340-420
#   MiB under small random I/O where this setting stays near 150 MiB, at the same CPU per I/O.
# Direct memory is capped well above what flow control lets be in flight (a cap is a hard
# allocation failure, not a soft limit), to stop a leak rather than to save memory. Override
# per host with RSIO_JAVA_OPTS (appended last).
rsio_daemon_memory_options() {
  local -n mem_into=$1
  mem_into+=(-XX:+UseG1GC -Xms64m)
  case "$2" in
    rsiod) mem_into+=(-Xmx256m -XX:MaxDirectMemorySize=256m);;
    *) mem_into+=(-Xmx512m -XX:MaxDirectMemorySize=512m);;
  esac
  # glibc gives each thread that mallocs its own arena (up to 8 per core, 64 MiB of address
  # space each, partly touched): the JIT's and Netty's threads would each keep one.
  export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
}
