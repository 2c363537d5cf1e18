# Sourced by the launchers of the checkout and of the Debian package: rsio_daemon, the start
# of a daemon. Needs rsio_java and rsio_build_if_needed from the file that sources it.

# rsio_daemon NAME MAINCLASS ARGS...: stays in the foreground with -f (or for --help) and
# under systemd; otherwise starts the daemon in its own session and returns once it is ready.
rsio_daemon() {
  local name=$1 main=$2; shift 2
  local arg
  # Log files and what else the daemon makes: not readable by others (logs name nodes,
  # addresses and paths; see DaemonProcess.prepareDirectories).
  umask 027
  # systemd waits for READY=1 from this very process (Type=notify), and stderr is the journal.
  if [ -n "${NOTIFY_SOCKET:-}" ] || rsio_stderr_is_journal; then
    rsio_java daemon "$name" "$main" "$@"
  fi
  for arg in "$@"; do
    case "$arg" in
      -h|--help) rsio_java cli "$name" "$main" "$@";;
      -f) rsio_java daemon "$name" "$main" "$@";;
    esac
  done
  rsio_build_if_needed
  local run_dir=${RSIO_RUN_DIR:-/run/rsio} log_dir=${RSIO_LOG_DIR:-/var/log/rsio}
  mkdir -p "$run_dir" "$log_dir" || exit 1
  local pid_file="$run_dir/$name.pid" out="$log_dir/$name.out"
  # A pid file left by a crash may name a pid the system has since given to another process:
  # only a live process running this daemon's main class counts.
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
     && tr '\0' ' ' < "/proc/$(cat "$pid_file")/cmdline" 2>/dev/null | grep -qF "$main"; then
    echo "$name: already running (pid $(cat "$pid_file"))" >&2
    exit 1
  fi
  rm -f "$pid_file"
  RSIO_JAVA_OPTS="${RSIO_JAVA_OPTS:-} -Drsio.detached=true" setsid "$0" -f "$@" </dev/null >"$out" 2>&1 &
  local child=$! i
  for i in $(seq 1 600); do
    if [ -f "$pid_file" ]; then
      echo "$name started (pid $(cat "$pid_file")), log $log_dir/$name.log"
      exit 0
    fi
    if ! kill -0 "$child" 2>/dev/null; then
      cat "$out" >&2
      echo "$name: did not start" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$name: not ready after 60 s; see $out and $log_dir/$name.log" >&2
  exit 1
}

# True when $JOURNAL_STREAM (DEVICE:INODE) is our stderr, i.e. systemd started us with the journal.
rsio_stderr_is_journal() {
  [ -n "${JOURNAL_STREAM:-}" ] && [ "$(stat -L -c '%d:%i' /proc/$$/fd/2 2>/dev/null)" = "$JOURNAL_STREAM" ]
}
