# Sourced by the launchers of the checkout and of the Debian package, and by scripts/package:
# the daemons' ahead-of-time caches (JEP 483/514/515: classes loaded and linked, and method
# profiles, recorded in a training run). A daemon started with its cache reaches full speed in
# its first seconds instead of after a JIT warm-up (docs/performance.md, "Cold start").
# Needs rsio_jvm_options (jvm.sh).

# rsio_aot_options ARRAY NAME CACHE STATEDIR JAVA CLASSPATH: when CACHE exists and this JVM,
# with the options already in ARRAY and this CLASSPATH, accepts it, adds -XX:AOTCache=CACHE to
# ARRAY and returns 0; else returns 1 (the caller uses the class-data-sharing archive instead).
# The JVM refuses a cache made by another JVM build, with other options or other jars; the
# check costs one JVM start with the cache (~40 ms). Why it was refused goes to stderr (the
# daemon's .out file or the journal) once: STATEDIR/NAME.aot-refused keeps the last reason.
# RSIO_AOT=off in the environment starts without the cache (for comparing).
rsio_aot_options() {
  local -n aot_into=$1
  local name=$2 cache=$3 state=$4 java=$5 cp=$6
  [ "${RSIO_AOT:-on}" != off ] && [ -r "$cache" ] || return 1
  local why
  # shellcheck disable=SC2086 # RSIO_JAVA_OPTS is a list of options, as where the daemon starts
  # A damaged cache can crash the JVM that maps it: the check's crash leaves no hs_err file.
  if why=$("$java" "${aot_into[@]}" ${RSIO_JAVA_OPTS:-} -XX:AOTCache="$cache" -XX:AOTMode=on \
             -Xlog:aot=error,cds=error -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash \
             -cp "$cp" -version 2>&1); then
    rm -f "$state/$name.aot-refused" 2>/dev/null
    aot_into+=(-XX:AOTCache="$cache" "-Xlog:aot*=off" "-Xlog:cds*=off")
    return 0
  fi
  if printf '%s' "$why" | grep -q 'A fatal error has been detected'; then
    why="the JVM crashed mapping it: a damaged file"
  else
    why=$(printf '%s\n' "$why" | grep -v '^#\|version "\|Runtime Environment\|Server VM\|^Picked up\|Run with -Xlog\|Error occurred during init\|Unable to use AOT cache' \
          | sed 's/^\[[^]]*\]\[[^]]*\]\[[^]]*\] *//' | grep -v '^ *$' | head -n 3 | paste -sd ';' -)
  fi
  if [ "$(cat "$state/$name.aot-refused" 2>/dev/null)" != "$cache: $why" ]; then
    echo "$name: not using the ahead-of-time cache $cache (the JVM refuses it: ${why:-no reason given});" \
         "starting without it, JIT warm-up included" >&2
    printf '%s\n' "$cache: $why" > "$state/$name.aot-refused" 2>/dev/null || true
  fi
  return 1
}

# rsio_aot_train JAVA CLASSPATH OUTDIR: the training run. rssrv and rsiod, each under
# -XX:AOTCacheOutput=OUTDIR/NAME.aot with the options they run with, on loopback (127.0.0.1,
# a free port): rsiod logs in over two paths and exports the volume over NBD; fio then moves
# data through the export the way users do (1 MiB sequential writes and reads at queue depth 16,
# 8 KiB random reads and writes at 32; reads from the disk and from the page cache), and
# rsconfig asks rsiod for its views. Both daemons
# stop cleanly (SIGTERM), and each JVM writes its cache on the way out. Returns non-zero, with
# the daemons' output on stderr, when something did not work; makes no cache then.
rsio_aot_train() {
  local java=$1 cp=$2 out=$3 seconds=${RSIO_AOT_TRAIN_SECONDS:-3}
  local work port key rc=0
  command -v fio >/dev/null || { echo "aot: fio is needed for the training run (apt-get install fio)" >&2; return 1; }
  work=$(mktemp -d /tmp/rsio-aot.XXXXXX) || return 1
  mkdir -p "$out" "$work/run" "$work/log" "$work/dev" || return 1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  key=0x$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  printf '[namespace train]\nnamespaceid = 1\nport = %s\n\n[server train-srv]\nserverid = 1\n\n[interface lo]\naddress = 127.0.0.1\n\n[clients]\ntrain %s\n\n[volume vol]\npath = %s/vol.img\nsize = 256M\n' \
    "$port" "$key" "$work" > "$work/rssrvcfg"
  printf '[defaults]\nport = %s\nattach = nbd-export\n\n[interface lo1]\naddress = 127.0.0.1\n\n[interface lo2]\naddress = 127.0.0.2\n\n[namespace train]\nnamespaceid = 1\nnodename = train\nnodekey = %s\n\n[server train-srv]\naddress = 127.0.0.1\n' \
    "$port" "$key" > "$work/rscltcfg"
  chmod 600 "$work/rssrvcfg" "$work/rscltcfg"
  local srv_opts=() cli_opts=()
  rsio_jvm_options srv_opts daemon rssrv
  rsio_jvm_options cli_opts daemon rsiod
  local env=(RSIO_RUN_DIR="$work/run" RSIO_LOG_DIR="$work/log" RSIO_DEV_DIR="$work/dev")
  rm -f "$out/rssrv.aot" "$out/rsiod.aot"
  env "${env[@]}" "$java" "${srv_opts[@]}" -XX:AOTCacheOutput="$out/rssrv.aot" -Xlog:aot=warning,cds=warning \
    -cp "$cp" io.rsio.server.RssrvMain -f -c "$work/rssrvcfg" >"$work/rssrv.out" 2>&1 &
  local srv=$! cli=
  local i
  for i in $(seq 1 300); do [ -f "$work/run/rssrv.pid" ] && break; kill -0 $srv 2>/dev/null || break; sleep 0.1; done
  env "${env[@]}" "$java" "${cli_opts[@]}" -XX:AOTCacheOutput="$out/rsiod.aot" -Xlog:aot=warning,cds=warning \
    -cp "$cp" io.rsio.client.daemon.RsiodMain -f -c "$work/rscltcfg" >"$work/rsiod.out" 2>&1 &
  cli=$!
  for i in $(seq 1 300); do [ -S "$work/run/nbd/vol.sock" ] && break; kill -0 $cli 2>/dev/null || break; sleep 0.1; done
  if [ -S "$work/run/nbd/vol.sock" ]; then
    local uri="nbd+unix:///vol?socket=$work/run/nbd/vol.sock" job
    # Each read job twice: once with the volume file dropped from the page cache, so that rssrv's
    # store threads read it from the disk (the path of a cold start, which reads from the page
    # cache never take), once with it cached (rssrv's event loops answer).
    for job in "write 1m 16" "read 1m 16 cold" "read 1m 16" "randread 8k 32 cold" "randread 8k 32" \
               "randwrite 8k 32" "randread 4k 1"; do
      set -- $job
      if [ "${4:-}" = cold ]; then
        python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDWR); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' \
          "$work/vol.img"
      fi
      echo "aot: training, fio $1 $2 at queue depth $3${4:+ (from the disk)} for $seconds s" >&2
      fio --name=train --ioengine=nbd --uri="$uri" --rw="$1" --bs="$2" --iodepth="$3" --numjobs=1 \
        --time_based --runtime="$seconds" >/dev/null 2>"$work/fio.err" || { cat "$work/fio.err" >&2; rc=1; }
    done
    env "${env[@]}" "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.rsio.cli.RsconfigMain -qvvv >/dev/null 2>&1 || rc=1
    env "${env[@]}" "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" io.rsio.cli.RsconfigMain -m stat >/dev/null 2>&1 || rc=1
  else
    echo "aot: rsiod did not export the training volume" >&2; rc=1
  fi
  # A clean stop: each JVM writes its cache as it exits (a forked JVM assembles it).
  kill -TERM $cli 2>/dev/null || true; wait $cli 2>/dev/null || true
  kill -TERM $srv 2>/dev/null || true; wait $srv 2>/dev/null || true
  for f in rssrv rsiod; do
    if [ ! -s "$out/$f.aot" ]; then
      echo "aot: no cache for $f; its output:" >&2; tail -n 20 "$work/$f.out" >&2; rc=1
    fi
  done
  [ $rc = 0 ] || rm -f "$out/rssrv.aot" "$out/rsiod.aot"
  rm -rf "$work"
  return $rc
}
