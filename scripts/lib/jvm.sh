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

# rsio_jvm_options ARRAY KIND: adds the options of KIND (cli, tui or daemon) to the array named ARRAY.
rsio_jvm_options() {
  local -n into=$1
  into+=(--enable-native-access=ALL-UNNAMED)
  if [ "$2" != daemon ]; then
    into+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms16m)
  else
    # Netty's sampling leak detector records a stack trace for one buffer in 128: 2-3 % of
    # rsiod's CPU at 50k IOPS. The test suite runs every buffer under paranoid detection instead.
    into+=(-XX:+UseG1GC -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.leakDetection.level=disabled)
  fi
}
