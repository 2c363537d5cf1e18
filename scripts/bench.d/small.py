"""scripts/bench small: small-I/O benchmark of RSIO against the peers, in one run, on loopback.

Every stack serves the same 1 GiB volume file, held in page cache:
  rsio-nbd    fio --ioengine=nbd on rsiod's NBD export -> RSIO -> rssrv
  rsio-proto  rsio-load (the RSIO client core in-process, no NBD hop) -> rssrv
  nbdkit      fio --ioengine=nbd on nbdkit's file plugin
  qemu-nbd    fio --ioengine=nbd on qemu-nbd
  iscsi       iscsi-perf (libiscsi) on tgtd; reads only (iscsi-perf cannot write)
Optional (--stacks ...,rsio-rbd,rbd): a single-host Ceph cluster (scripts/ceph-test-cluster,
bluestore on a sparse file) with the volume copied into RBD images rbd/vol and rbd/peer:
  rsio-rbd    fio --ioengine=nbd on rsiod's NBD export -> RSIO -> rssrv as an RBD gateway
  rbd         fio --ioengine=rbd (librbd in fio itself, its cache off as in the gateway) on rbd/peer:
              the ceiling for rsio-rbd
For each cell (block size x rw x queue depth x jobs) every stack runs --repeats times; the
table shows the median IOPS (and min-max spread), p50/p99 latency, server and client CPU
microseconds per I/O (from /proc/PID/stat and fio's own CPU figures), and the ratio of
rsio-nbd to the best peer. Raw fio JSON and a copy of the table go to --out.

usage: scripts/bench small [--bs 4k,8k] [--rw randread,randwrite] [--qd 1,8,32,128]
                           [--jobs 1,4] [--seconds 5] [--repeats 2] [--stacks ...] [--out DIR]
                           [--busy-poll 1ms]
--busy-poll sets rssrv's busy_poll (docs/CONFIG.md; default: off, as rssrv's own default).
"""
import argparse, json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HZ = os.sysconf("SC_CLK_TCK")
ALL_STACKS = ["rsio-nbd", "rsio-proto", "nbdkit", "qemu-nbd", "iscsi"]
CEPH_STACKS = ["rsio-rbd", "rbd"]
IQN = "iqn.2026-11.io.rsio:bench"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def rss_mib(pid):
    """Resident set of a process in MiB, or None without one (a stack with no daemon there)."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise SystemExit(f"bench: {what} not ready after {seconds} s")


def size_bytes(text):
    units = {"k": 1024, "m": 1 << 20, "g": 1 << 30}
    return int(text[:-1]) * units[text[-1].lower()] if text[-1].lower() in units else int(text)


class Stacks:
    """Starts every server once; each is torn down at the end."""

    def __init__(self, work, stacks, busy_poll):
        self.work, self.stacks, self.procs, self.pids = work, stacks, [], {}
        self.busy_poll = busy_poll
        self.image = os.path.join(work, "vol.img")
        self.env = dict(os.environ, RSIO_RUN_DIR=os.path.join(work, "run"), RSIO_LOG_DIR=os.path.join(work, "log"))
        self.rbd_env = dict(os.environ, RSIO_RUN_DIR=os.path.join(work, "rbd-run"),
                            RSIO_LOG_DIR=os.path.join(work, "rbd-log"))
        self.ceph = None

    def start(self):
        print("preparing a 1 GiB volume file in page cache ...", flush=True)
        with open(self.image, "wb") as f:
            for _ in range(1024):
                f.write(os.urandom(1 << 20))
        subprocess.run(["cat", self.image], stdout=subprocess.DEVNULL, check=True)
        if "rsio-nbd" in self.stacks or "rsio-proto" in self.stacks:
            self.start_rsio("", f"path = {self.image}\n", self.env, "rsio-nbd" in self.stacks)
        if any(s in self.stacks for s in CEPH_STACKS):
            self.start_ceph()
        if "nbdkit" in self.stacks:
            sock = os.path.join(self.work, "nbdkit.sock")
            p = self.spawn(["nbdkit", "--foreground", "--exit-with-parent", "-U", sock, "file", self.image])
            wait_for(lambda: os.path.exists(sock), 10, "nbdkit")
            self.pids["nbdkit"] = p.pid
        if "qemu-nbd" in self.stacks:
            sock = os.path.join(self.work, "qemu.sock")
            p = self.spawn(["qemu-nbd", "-f", "raw", "-k", sock, "--shared=16", "-t", "--cache=writeback",
                            "--aio=threads", self.image])
            wait_for(lambda: os.path.exists(sock), 10, "qemu-nbd")
            self.pids["qemu-nbd"] = p.pid
        if "iscsi" in self.stacks:
            if subprocess.run(["pgrep", "-x", "tgtd"], stdout=subprocess.DEVNULL).returncode == 0:
                raise SystemExit("bench: a tgtd is already running; stop it first (its targets would clash)")
            p = self.spawn(["tgtd", "-f", "--iscsi", "portal=127.0.0.1:3260"])
            time.sleep(1.5)
            for args in (["--op", "new", "--mode", "target", "--tid", "1", "-T", IQN],
                         ["--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", self.image],
                         ["--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL"]):
                subprocess.run(["tgtadm", "--lld", "iscsi", *args], check=True)
            self.pids["iscsi"] = p.pid

    def start_ceph(self):
        cdir = os.path.join(self.work, "ceph")
        print("starting a single-host Ceph cluster (bluestore on a sparse file) ...", flush=True)
        env = dict(os.environ, RSIO_CEPH_STORE="bluestore", RSIO_CEPH_BYTES=str(4 << 30))
        subprocess.run([os.path.join(ROOT, "scripts/ceph-test-cluster"), "start", cdir], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        self.ceph = dict(line.split("=", 1) for line in open(os.path.join(cdir, "env")).read().split())
        # Two copies: the gateway holds rbd/vol's exclusive lock, which fio's own librbd would
        # have to take from it on every write (refused: the gateway keeps its lock).
        for image, stack in (("vol", "rsio-rbd"), ("peer", "rbd")):
            if stack in self.stacks:
                print(f"copying the volume into RBD image rbd/{image} ...", flush=True)
                subprocess.run(["rbd", "-c", self.ceph["CEPH_CONF"], "import", "--no-progress", self.image,
                                "rbd/" + image], check=True)
        if "rsio-rbd" in self.stacks:
            self.start_rsio("-rbd", f"rbd = rbd/vol\nceph_conf = {self.ceph['CEPH_CONF']}\n"
                            f"ceph_user = {self.ceph['RSIO_CEPH_USER']}\nceph_keyring = {self.ceph['RSIO_CEPH_KEYRING']}\n",
                            self.rbd_env, True)

    def start_rsio(self, tag, volume, env, with_rsiod):
        """rssrv serving [volume vol] (the given keys), and with_rsiod an rsiod exporting it; pids rssrv{tag}, rsiod{tag}."""
        run = env["RSIO_RUN_DIR"]
        port = free_port()
        key = "0x" + os.urandom(16).hex()
        with open(os.path.join(self.work, "rssrvcfg" + tag), "w") as f:
            f.write(f"[namespace bench]\nnamespaceid = 1\nport = {port}\n\n[server bench-srv]\nserverid = 1\n"
                    + (f"busy_poll = {self.busy_poll}\n" if self.busy_poll else "") + "\n"
                    f"[interface lo]\naddress = 127.0.0.1\n\n[clients]\nbench {key}\n\n"
                    f"[volume vol]\n{volume}")
        with open(os.path.join(self.work, "rscltcfg" + tag), "w") as f:
            f.write(f"[defaults]\nport = {port}\n\n[interface lo]\naddress = 127.0.0.1\n\n"
                    f"[namespace bench]\nnamespaceid = 1\nnodename = bench\nnodekey = {key}\n\n"
                    f"[server bench-srv]\naddress = 127.0.0.1\n")
        for name in ("rssrvcfg", "rscltcfg"):
            os.chmod(os.path.join(self.work, name + tag), 0o600)
        subprocess.run([os.path.join(ROOT, "scripts/rssrv"), "-c", os.path.join(self.work, "rssrvcfg" + tag)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        self.pids["rssrv" + tag] = int(open(os.path.join(run, "rssrv.pid")).read())
        if with_rsiod:
            subprocess.run([os.path.join(ROOT, "scripts/rsiod"), "-c", os.path.join(self.work, "rscltcfg" + tag)],
                           env=env, check=True, stdout=subprocess.DEVNULL)
            self.pids["rsiod" + tag] = int(open(os.path.join(run, "rsiod.pid")).read())
            wait_for(lambda: os.path.exists(os.path.join(run, "nbd/vol.sock")), 30, "rsiod's export")

    def spawn(self, cmd):
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def stop(self):
        for name in ("rsiod", "rssrv", "rsiod-rbd", "rssrv-rbd"):
            if name in self.pids:
                try:
                    os.kill(self.pids[name], signal.SIGTERM)
                except ProcessLookupError:
                    pass
        if "iscsi" in self.pids:
            subprocess.run(["tgtadm", "--op", "delete", "--mode", "system", "--force"], stderr=subprocess.DEVNULL)
        for p in self.procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if self.ceph is not None or os.path.exists(os.path.join(self.work, "ceph")):
            time.sleep(1)  # the gateway's clean stop releases its lock first
            subprocess.run([os.path.join(ROOT, "scripts/ceph-test-cluster"), "stop", os.path.join(self.work, "ceph")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def fio_target(self, stack):
        """fio's engine arguments for a stack, and the environment fio needs."""
        if stack == "rbd":
            return (["--ioengine=rbd", "--clientname=" + self.ceph["RSIO_CEPH_USER"].removeprefix("client."),
                     "--pool=rbd", "--rbdname=peer"], dict(os.environ, CEPH_CONF=self.peer_conf()))
        return ["--ioengine=nbd", f"--uri={self.uri(stack)}"], None

    def peer_conf(self):
        """The cluster's ceph.conf with librbd's cache off for fio's client too: the gateway runs
        without it (an acknowledged write is committed by the OSDs), and a ceiling measured with
        the write-back cache would compare memory with disk."""
        path = os.path.join(self.work, "ceph-peer.conf")
        if not os.path.exists(path):
            text = open(self.ceph["CEPH_CONF"]).read()
            with open(path, "w") as f:
                f.write(text + ("\n" if not text.endswith("\n") else "") + "[client]\nrbd cache = false\n")
        return path

    def uri(self, stack):
        return {"rsio-nbd": f"nbd+unix:///vol?socket={self.work}/run/nbd/vol.sock",
                "rsio-rbd": f"nbd+unix:///vol?socket={self.work}/rbd-run/nbd/vol.sock",
                "nbdkit": f"nbd+unix:///?socket={self.work}/nbdkit.sock",
                "qemu-nbd": f"nbd+unix:///?socket={self.work}/qemu.sock"}[stack]

    def server_pid(self, stack):
        return {"rsio-nbd": self.pids.get("rssrv"), "rsio-proto": self.pids.get("rssrv"),
                "rsio-rbd": self.pids.get("rssrv-rbd")}.get(stack, self.pids.get(stack))

    def client_pid(self, stack):
        """rsiod of an NBD stack (its CPU counts as client CPU), else None."""
        return {"rsio-nbd": self.pids.get("rsiod"), "rsio-rbd": self.pids.get("rsiod-rbd")}.get(stack)


def run_fio(stacks, stack, bs, rw, qd, jobs, seconds, out):
    target, env = stacks.fio_target(stack)
    cmd = ["fio", "--name=bench", *target, f"--rw={rw}", f"--bs={bs}",
           f"--iodepth={qd}", f"--numjobs={jobs}", "--group_reporting", "--time_based", f"--runtime={seconds}",
           "--size=1g", "--output-format=json"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    with open(out, "w") as f:
        f.write(text)
    job = json.loads(text[text.index("{"):])["jobs"][0]
    side = job["read" if "read" in rw else "write"]
    pct = side["clat_ns"].get("percentile", {})
    return {"ios": side["total_ios"], "iops": side["iops"],
            "p50": pct.get("50.000000", 0) / 1e3, "p99": pct.get("99.000000", 0) / 1e3,
            "client_cpu": (job["usr_cpu"] + job["sys_cpu"]) / 100 * seconds * jobs}


def run_rsio_proto(stacks, bs, rw, qd, jobs, seconds):
    env = dict(stacks.env)
    cmd = ["bash", "-c", f". {ROOT}/scripts/lib/java.sh && rsio_java daemon rsio-load io.rsio.bench.RsioLoad "
           f"-c {stacks.work}/rscltcfg --volume vol --rw {rw} --bs {bs} --qd {qd * jobs} --seconds {seconds}"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout.strip().splitlines()[-1]
    r = json.loads(text)
    return {"ios": r["ios"], "iops": r["iops"], "p50": r["p50_us"], "p99": r["p99_us"], "client_cpu": r["client_cpu_s"]}


def run_iscsi(bs, qd, jobs, seconds):
    blocks = size_bytes(bs) // 512
    runs = [subprocess.Popen(["timeout", "-s", "INT", str(seconds), "iscsi-perf", "-m", str(qd), "-b", str(blocks),
                              "-r", f"iscsi://127.0.0.1/{IQN}/1"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for _ in range(jobs)]
    iops = 0
    for p in runs:
        text = p.communicate()[0]
        found = re.findall(r"iops average (\d+)", text)
        iops += int(found[-1]) if found else 0
    return {"ios": iops * seconds, "iops": iops, "p50": 0, "p99": 0, "client_cpu": 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bs", default="4k,8k")
    ap.add_argument("--rw", default="randread,randwrite")
    ap.add_argument("--qd", default="1,8,32,128")
    ap.add_argument("--jobs", default="1,4")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--stacks", default=",".join(ALL_STACKS),
                    help="any of " + ",".join(ALL_STACKS + CEPH_STACKS) + " (the Ceph ones need Ceph's packages)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--busy-poll", default=None, help="rssrv's busy_poll, e.g. 1ms (default: off)")
    a = ap.parse_args()
    stacks_wanted = a.stacks.split(",")
    for tool, stack in (("fio", None), ("nbdkit", "nbdkit"), ("qemu-nbd", "qemu-nbd"), ("tgtd", "iscsi"),
                        ("iscsi-perf", "iscsi")):
        if shutil.which(tool) is None and (stack is None or stack in stacks_wanted):
            raise SystemExit(f"bench: needs {tool} (apt-get install fio nbdkit qemu-utils tgt libiscsi-bin)")
    work = tempfile.mkdtemp(prefix="rsio-bench-small.")
    out = a.out or os.path.join(work, "results")
    os.makedirs(out, exist_ok=True)
    stacks = Stacks(work, stacks_wanted, a.busy_poll)
    rows = []
    try:
        stacks.start()
        # The JVMs compile their hot paths in the first seconds: an untimed run first, so the
        # first cell does not measure the JIT.
        for stack in ("rsio-nbd", "rsio-proto", "rsio-rbd"):
            if stack in stacks_wanted:
                print(f"warming up {stack} ...", flush=True)
                if stack == "rsio-proto":
                    run_rsio_proto(stacks, "8k", "randread", 32, 1, 3)
                else:
                    run_fio(stacks, stack, "8k", "randread", 32, 1, 3, os.path.join(work, "warm-up.json"))
        cells = [(bs, rw, int(qd), int(j)) for bs in a.bs.split(",") for rw in a.rw.split(",")
                 for qd in a.qd.split(",") for j in a.jobs.split(",")]
        for n, (bs, rw, qd, jobs) in enumerate(cells, 1):
            print(f"[{n}/{len(cells)}] {bs} {rw} qd {qd} jobs {jobs}", flush=True)
            row = {"cell": (bs, rw, qd, jobs)}
            for stack in stacks_wanted:
                if stack == "iscsi" and rw != "randread":
                    continue
                results = []
                for rep in range(a.repeats):
                    spid = stacks.server_pid(stack)
                    s0 = cpu_seconds(spid) if spid else 0
                    cpid = stacks.client_pid(stack)
                    c0 = cpu_seconds(cpid) if cpid else 0
                    if stack == "rsio-proto":
                        r = run_rsio_proto(stacks, bs, rw, qd, jobs, a.seconds)
                    elif stack == "iscsi":
                        r = run_iscsi(bs, qd, jobs, a.seconds)
                    else:
                        r = run_fio(stacks, stack, bs, rw, qd, jobs, a.seconds,
                                    os.path.join(out, f"fio-{stack}-{bs}-{rw}-qd{qd}-j{jobs}-{rep}.json"))
                    if spid:
                        r["server_cpu"] = cpu_seconds(spid) - s0
                    if cpid:
                        r["client_cpu"] += cpu_seconds(cpid) - c0
                    results.append(r)
                iops = [r["iops"] for r in results]
                med = statistics.median(iops)
                ios = sum(r["ios"] for r in results) or 1
                row[stack] = {"iops": med, "min": min(iops), "max": max(iops),
                              "p50": statistics.median(r["p50"] for r in results),
                              "p99": statistics.median(r["p99"] for r in results),
                              "srv_us": 1e6 * sum(r.get("server_cpu", 0) for r in results) / ios,
                              "clt_us": 1e6 * sum(r["client_cpu"] for r in results) / ios,
                              "srv_rss": rss_mib(spid), "clt_rss": rss_mib(cpid)}
            rows.append(row)
    finally:
        stacks.stop()
    table = render(rows, stacks_wanted, a)
    print(table)
    with open(os.path.join(out, "small.txt"), "w") as f:
        f.write(table)
    print(f"raw results in {out}")


def render(rows, stacks, a):
    peers = [s for s in stacks if not s.startswith("rsio") and s not in CEPH_STACKS]
    lines = [f"scripts/bench small: {a.seconds} s per run, {a.repeats} repeat(s); rssrv busy_poll "
             f"{a.busy_poll or 'off'}; per stack: median IOPS "
             "[min-max], then latency p50/p99 (us) and CPU per I/O (us) of server / client side, then the RSS\n"
             "(MiB) of the server process and of rsiod (the client side's daemon, RSIO's NBD stacks only) after the cell", ""]
    rbd_ratio = "rsio-rbd" in stacks and "rbd" in stacks
    lines.append(f"{'cell':<26}" + "".join(f"{s:>28}" for s in stacks) + f"{'rsio-nbd/best peer':>20}"
                 + (f"{'rsio-rbd/rbd':>14}" if rbd_ratio else ""))
    for row in rows:
        bs, rw, qd, jobs = row["cell"]
        iops_cells, detail_cells, rss_cells = [], [], []
        for s in stacks:
            r = row.get(s)
            if r is None:
                iops_cells.append("-")
                detail_cells.append("-")
                rss_cells.append("-")
                continue
            iops_cells.append("%.0f [%.0f-%.0f]" % (r["iops"], r["min"], r["max"]))
            detail_cells.append("%.0f/%.0f %.1f/%.1f" % (r["p50"], r["p99"], r["srv_us"], r["clt_us"]))
            rss_cells.append("%s/%s" % (r["srv_rss"] or "-", r["clt_rss"] or "-"))
        best = max((row[p]["iops"] for p in peers if p in row), default=0)
        ratio = row["rsio-nbd"]["iops"] / best if best and "rsio-nbd" in row else 0
        rbd = row["rsio-rbd"]["iops"] / row["rbd"]["iops"] if rbd_ratio and row["rbd"]["iops"] else 0
        lines.append(f"{bs + ' ' + rw + ' qd' + str(qd) + ' j' + str(jobs):<26}"
                     + "".join(f"{c:>28}" for c in iops_cells) + f"{ratio:>20.2f}"
                     + (f"{rbd:>14.2f}" if rbd_ratio else ""))
        lines.append(f"{'  p50/p99 srv/clt':<26}" + "".join(f"{c:>28}" for c in detail_cells))
        lines.append(f"{'  RSS MiB srv/clt':<26}" + "".join(f"{c:>28}" for c in rss_cells))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
