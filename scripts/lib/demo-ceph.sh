#!/usr/bin/env bash
# scripts/demo ceph        two rssrv gateways (127.0.0.21, 127.0.0.22) in front of one RBD image
#                          of a single-host Ceph cluster (scripts/ceph-test-cluster), an rsiod
#                          with a path to each, fio writing and verifying through rsiod's NBD
#                          export; the active gateway is killed with -9 under fio, the other
#                          takes the image over, I/O goes on (docs/SCALE-OUT.md).
# scripts/demo ceph stop   stops the daemons and the cluster, removes the temp dir.
# Run as root (Ceph's daemons); needs Ceph's packages and fio (.ci/run installs them).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
STATE=${RSIO_DEMO_CEPH_STATE:-/tmp/rsio-demo-ceph.current}
RUNTIME=${RSIO_DEMO_CEPH_SECONDS:-30}

stop_demo() {
  if [ ! -f "$STATE" ]; then echo "no ceph demo is running"; return 0; fi
  local dir; dir=$(cat "$STATE")
  for d in client/rsiod gw1/rssrv gw2/rssrv; do
    local pid_file="$dir/${d%/*}/run/${d#*/}.pid"
    if [ -f "$pid_file" ]; then
      local pid; pid=$(cat "$pid_file")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      echo "stopped ${d#*/} of ${d%/*} (pid $pid)"
    fi
  done
  "$HERE/ceph-test-cluster" stop "$dir/ceph" || true
  rm -rf "$dir" "$STATE"
  echo "removed $dir"
}

if [ "${1:-}" = stop ]; then stop_demo; exit 0; fi
if [ -f "$STATE" ] && [ -d "$(cat "$STATE")" ]; then
  echo "a ceph demo is already running in $(cat "$STATE"); 'scripts/demo ceph stop' ends it" >&2; exit 1
fi
command -v fio >/dev/null || { echo "fio is needed (apt-get install fio)" >&2; exit 1; }

. "$HERE/lib/java.sh"
rsio_build_if_needed

dir=$(mktemp -d /tmp/rsio-demo-ceph.XXXXXX)
echo "$dir" > "$STATE"
trap 'echo "failed; scripts/demo ceph stop cleans up" >&2' ERR

echo "== a single-host Ceph cluster (about 20 s)"
"$HERE/ceph-test-cluster" start "$dir/ceph" >/dev/null
. "$dir/ceph/env"
rbd -c "$CEPH_CONF" create --size 256M rbd/demo
echo "image rbd/demo, 256 MiB"

port=5000
while (exec 3<>"/dev/tcp/127.0.0.21/$port") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.22/$port") 2>/dev/null; do
  port=$((port + 1))
done
key=0x$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
umask 077
for i in 1 2; do
  mkdir -p "$dir/gw$i/run" "$dir/gw$i/log"
  cat > "$dir/gw$i/rssrvcfg" <<CFG
[namespace osl]
namespaceid = 200
protocol    = tcp
port        = $port

[server gw-$i]
serverid = $i

[interface if1]
address  = 127.0.0.2$i

[clients]
demo $key

[volume demo]
rbd          = rbd/demo
ceph_conf    = $CEPH_CONF
ceph_user    = $RSIO_CEPH_USER
ceph_keyring = $RSIO_CEPH_KEYRING
CFG
done
mkdir -p "$dir/client/run" "$dir/client/log" "$dir/client/dev"
cat > "$dir/client/rscltcfg" <<CFG
[defaults]
protocol       = tcp
port           = $port
ping_interval  = 100ms
path_timeout   = 1s
reconnect_max  = 300ms

[interface if0]
address = 127.0.0.1

[namespace osl]
namespaceid = 200
nodename    = demo
nodekey     = $key

[server gw-1]
address = 127.0.0.21

[server gw-2]
address = 127.0.0.22
CFG
umask 022

gateway() { # gateway N: starts rssrv gw-N
  RSIO_RUN_DIR=$dir/gw$1/run RSIO_LOG_DIR=$dir/gw$1/log "$HERE/rssrv" -c "$dir/gw$1/rssrvcfg"
}
owns() { grep -c "this gateway owns RBD image" "$dir/gw$1/log/rssrv.log" 2>/dev/null || true; }

echo "== two gateways in front of rbd/demo"
gateway 1
gateway 2
export RSIO_RUN_DIR=$dir/client/run RSIO_LOG_DIR=$dir/client/log RSIO_DEV_DIR=$dir/client/dev
"$HERE/rsiod" -c "$dir/client/rscltcfg"
printf "waiting for paths to both gateways "
for _ in $(seq 1 150); do
  [ "$("$HERE/rsconfig" -m status 2>/dev/null | grep -c "connected tx: ok")" -ge 2 ] && break
  printf "."; sleep 0.2
done
echo
echo "\$ rsconfig -m status"; "$HERE/rsconfig" -m status

uri="nbd+unix:///demo?socket=$RSIO_RUN_DIR/nbd/demo.sock"
echo
echo "== fio: 16 KiB random writes, queue depth 16, every block verified, $RUNTIME s"
fio --name=demo --ioengine=nbd --uri="$uri" --rw=randwrite --bs=16k --iodepth=16 --size=256m --time_based \
    --runtime="$RUNTIME" --verify=crc32c --verify_backlog=64 --verify_fatal=1 --verify_state_save=0 \
    --eta=always --eta-newline=2 --output="$dir/fio.out" &
fio_pid=$!
active=
for _ in $(seq 1 100); do
  for i in 1 2; do [ "$(owns $i)" -gt 0 ] && active=$i; done
  [ -n "$active" ] && break; sleep 0.1
done
[ -n "$active" ] || { echo "no gateway took the image" >&2; exit 1; }
other=$((3 - active))
sleep $((RUNTIME / 3))
before=$(owns $other)
echo
echo "== gw-$active holds the image's lock; kill -9 gw-$active under fio"
kill -9 "$(cat "$dir/gw$active/run/rssrv.pid")"
killed=$(date +%s%N)
for _ in $(seq 1 300); do [ "$(owns $other)" -gt "$before" ] && break; sleep 0.05; done
echo; echo "gw-$other took over after $(( ($(date +%s%N) - killed) / 1000000 )) ms:"
grep -E "taking RBD image|owns RBD image" "$dir/gw$other/log/rssrv.log" | tail -2 | sed 's/^/  /'
echo "== restart gw-$active (it stays standby)"
rm -f "$dir/gw$active/run/rssrv.pid"
gateway "$active"
wait "$fio_pid" || true
echo
echo "== fio's result"
grep -E "err=|clat \(|lat \(.*max|WRITE:|verify" "$dir/fio.out" | sed 's/^/  /' || true
if grep -q "err= 0" "$dir/fio.out"; then echo "no I/O errors, no verify failures"; else echo "fio saw errors" >&2; fi
cat <<MSG

Explore: RSIO_RUN_DIR=$RSIO_RUN_DIR $HERE/rsconfig -m stat
         gateway logs: $dir/gw1/log/rssrv.log $dir/gw2/log/rssrv.log
         ceph -c $CEPH_CONF osd blocklist ls     (the fenced gateway)
Stop:    $HERE/demo ceph stop
MSG
