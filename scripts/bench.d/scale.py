"""Helpers of scripts/bench scale (bench.d/scale): the parts that read rsiod's control socket,
/proc and fio's JSON, and the tables. Subcommands (each prints one JSON object on stdout):

  login --expect-paths N --expect-exports E --timeout S RUNDIR...
        polls every rsiod's control socket (RUNDIR/rsiod.sock, the `status` and `daemon`
        requests of docs/CONTROL.md) until each has N paths connected (tx ok) and E NBD sockets
        in RUNDIR/nbd, with a live counter on stderr. Per rsiod: pid, when the bench launched
        it (RUNDIR/../launched, epoch ms), when its JVM made the daemon (DaemonRow.startedMillis)
        and when its last path became connected (the largest PathRow.stateSinceMillis), so the
        times do not depend on how often this polls.
  threads PID      CPU seconds per thread name of PID
  proc PID...      RSS, peak RSS (VmHWM), threads, open fds and CPU seconds of each process
  fio FILE         per job: name, read IOPS, I/Os
  table FILE       the Markdown tables of the records (JSON lines) the bench wrote
"""
import json, os, socket, statistics, sys, time

HZ = os.sysconf("SC_CLK_TCK")


def control(sock_path, request):
    """One request on rsiod's control socket: the rows, each split into its fields."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(sock_path)
        s.sendall(request.encode() + b"\n")
        data = b""
        while not (data.endswith(b"\n.\n") or (data.startswith(b"ERR") and data.endswith(b"\n"))):
            chunk = s.recv(1 << 16)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    lines = data.decode(errors="replace").split("\n")
    if not lines or lines[0] != "OK":
        raise OSError(f"{sock_path}: {request}: {lines[0] if lines else 'no answer'}")
    return [line.split("\t") for line in lines[1:] if line and line != "."]


def login(args):
    expect_paths, expect_exports, timeout, runs = int(args[1]), int(args[3]), float(args[5]), args[6:]
    assert args[0] == "--expect-paths" and args[2] == "--expect-exports" and args[4] == "--timeout"
    pending = {run: None for run in runs}
    done = {}
    up_now = {run: 0 for run in runs}
    t0 = time.monotonic()
    while pending and time.monotonic() - t0 < timeout:
        for run in list(pending):
            try:
                paths = [r for r in control(f"{run}/rsiod.sock", "status") if r[0] == "PathRow"]
            except OSError:
                continue  # not started yet, or busy: asked again next round
            up = [r for r in paths if r[8] == "connected" and r[9] == "ok"]
            up_now[run] = len(up)
            nbd = f"{run}/nbd"
            exports = len([f for f in os.listdir(nbd) if f.endswith(".sock")]) if os.path.isdir(nbd) else 0
            if len(up) >= expect_paths and exports >= expect_exports:
                daemon = next(r for r in control(f"{run}/rsiod.sock", "daemon") if r[0] == "DaemonRow")
                launched = int(open(f"{run}/../launched").read().strip())
                done[run] = {"run": run, "pid": int(daemon[1]), "launched": launched, "started": int(daemon[2]),
                             "up": max(int(r[15]) for r in up), "paths": len(up), "exports": exports}
                del pending[run]
        sys.stderr.write(f"\r  log-in: {sum(up_now.values())}/{expect_paths * len(runs)} paths connected, "
                         f"{len(done)}/{len(runs)} rsiod logged in and exporting, {time.monotonic() - t0:.0f} s   ")
        sys.stderr.flush()
        if pending:
            time.sleep(0.5)
    sys.stderr.write("\n")
    missing = [{"run": run, "paths": up_now[run]} for run in pending]
    print(json.dumps({"daemons": list(done.values()), "missing": missing}))


def proc_stats(pid):
    status = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            status[key] = value.split()
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return {"pid": pid, "rss_mib": int(status["VmRSS"][0]) / 1024, "hwm_mib": int(status["VmHWM"][0]) / 1024,
            "threads": int(status["Threads"][0]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "cpu_s": (int(fields[11]) + int(fields[12])) / HZ}


def proc(args):
    out = []
    for pid in args:
        try:
            out.append(proc_stats(int(pid)))
        except (OSError, KeyError, ValueError):
            out.append({"pid": int(pid), "gone": True})
    print(json.dumps(out))


def threads(args):
    """CPU seconds per thread name of one process (numbers stripped: rsiod-io-3-1 counts as rsiod-io)."""
    pid, by_name = args[0], {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            fields = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = name.rstrip("0123456789-#").rstrip() or name
        by_name[name] = by_name.get(name, 0) + (int(fields[11]) + int(fields[12])) / HZ
    print(json.dumps(by_name))


def idle_by_thread(before, after, seconds):
    """Text: the threads that used CPU between two `threads` readings, in % of a core."""
    used = {k: 100 * (after.get(k, 0) - v) / seconds for k, v in before.items()}
    used = sorted(((v, k) for k, v in used.items() if v >= 0.05), reverse=True)
    return ", ".join(f"{k} {v:.1f}" for v, k in used[:8]) or "-"


def fio(args):
    text = open(args[0]).read()
    jobs = json.loads(text[text.index("{"):])["jobs"]
    print(json.dumps([{"name": j["jobname"], "iops": j["read"]["iops"], "ios": j["read"]["total_ios"]}
                      for j in jobs]))


def spread(values, fmt="{:.0f}"):
    """min / median / max of values as text."""
    if not values:
        return "-"
    return "/".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def table(args):
    records = [json.loads(line) for line in open(args[0]) if line.strip()]
    clients = [r for r in records if r["part"] == "clients"]
    alone = [r for r in records if r["part"] == "clients-start"]
    servers = [r for r in records if r["part"] == "servers"]
    if clients:
        print("#### One rssrv, N clients (each its own netns, 2 paths, its own volume)\n")
        if alone:
            p = alone[0]["srv"][0]
            print(f"rssrv started, no client logged in yet: RSS {p['rss_mib']:.0f} MiB, {p['threads']} threads, "
                  f"{p['fds']} fds, {p['cpu_s']:.1f} CPU s.\n")
        print("| clients | the wave's paths logged in | all paths up after (s, from the wave's first launch) "
              "| per client: launch → paths up (s) min/med/max | per client: JVM start → paths up (ms) min/med/max "
              "| rssrv RSS after log-in (MiB) | rssrv CPU s for the wave's log-ins | rssrv threads / fds "
              "| rssrv idle CPU (% of a core) | all rsiod idle CPU together (% of a core) "
              "| rsiod RSS after log-in (MiB) min/med/max "
              "| the wave's rsiod: CPU s, start to logged in, min/med/max | load average |")
        print("|---:|---:|---:|---|---|---:|---:|---|---:|---:|---|---|---|")
        for r in clients:
            lg = r["login"]
            ds = lg["daemons"]
            clt_idle = f"{r['clt_idle_pct']:.1f}" if "clt_idle_pct" in r else "-"  # older records lack it
            print(f"| {r['n']} | {sum(d['paths'] for d in ds) + sum(m['paths'] for m in lg['missing'])}"
                  f"/{2 * (len(ds) + len(lg['missing']))} | {r['all_up_s']:.1f} "
                  f"| {spread([(d['up'] - d['launched']) / 1000 for d in ds], '{:.1f}')} "
                  f"| {spread([d['up'] - d['started'] for d in ds])} "
                  f"| {r['srv_login']['rss_mib']:.0f} | {r['srv_login_cpu_s']:.1f} "
                  f"| {r['srv_login']['threads']} / {r['srv_login']['fds']} | {r['srv_idle_pct']:.1f} "
                  f"| {clt_idle} "
                  f"| {spread([p['rss_mib'] for p in r['clt_login'] if 'rss_mib' in p])} "
                  f"| {spread([p['cpu_s'] for p in r['clt_login'] if p['pid'] in {d['pid'] for d in ds}], '{:.1f}')} "
                  f"| {r['load_login']} |")
        print("\n| clients | 8 KiB randread QD32 IOPS per client min/med/max | sum IOPS "
              "| rssrv CPU µs per I/O | rssrv RSS after I/O (peak) MiB | rsiod RSS after I/O (MiB) min/med/max "
              "| load average |")
        print("|---:|---|---:|---:|---:|---|---|")
        for r in clients:
            iops = [j["iops"] for j in r["fio"]]
            print(f"| {r['n']} | {spread(iops)} | {sum(iops):.0f} | {r['srv_us_per_io']:.1f} "
                  f"| {r['srv_io']['rss_mib']:.0f} ({r['srv_io']['hwm_mib']:.0f}) "
                  f"| {spread([p['rss_mib'] for p in r['clt_io'] if 'rss_mib' in p])} | {r['load_io']} |")
        print()
    if servers:
        print("#### One rsiod, N servers (each rssrv its own namespace and volume, 2 paths each)\n")
        print("| servers | paths logged in | launch → all paths up (s) | JVM start → all paths up (ms) "
              "| rsiod CPU s to log in | rsiod RSS after log-in (MiB) | threads | fds "
              "| rsiod idle CPU (% of a core) | rssrv RSS each (MiB) min/med/max | load average |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for r in servers:
            d = r["login"]["daemons"]
            if not d:
                print(f"| {r['n']} | 0/{2 * r['n']} | did not log in | | | | | | | | {r['load_login']} |")
                continue
            d = d[0]
            c = r["clt_login"]
            print(f"| {r['n']} | {d['paths']}/{2 * r['n']} | {(d['up'] - d['launched']) / 1000:.1f} "
                  f"| {d['up'] - d['started']} | {c['cpu_s']:.1f} | {c['rss_mib']:.0f} | {c['threads']} | {c['fds']} "
                  f"| {r['clt_idle_pct']:.1f} | {spread([p['rss_mib'] for p in r['srv'] if 'rss_mib' in p])} "
                  f"| {r['load_login']} |")
        print("\nrsiod's idle CPU by thread (% of a core; JVM thread names, numbers stripped):\n")
        for r in servers:
            if r.get("clt_idle_threads"):
                t = r["clt_idle_threads"]
                print(f"- {r['n']} servers: {idle_by_thread(t[0], t[1], r['idle_s'])}")
        print(f"\n| servers | exports read × QD each | 8 KiB randread IOPS per export min/med/max | sum IOPS "
              "| rsiod CPU µs per I/O | rsiod RSS after I/O (peak) MiB | threads | load average |")
        print("|---:|---|---|---:|---:|---:|---:|---|")
        for r in servers:
            if not r.get("fio"):
                continue
            iops = [j["iops"] for j in r["fio"]]
            c = r["clt_io"]
            print(f"| {r['n']} | {len(iops)} × {r['qd_each']} | {spread(iops)} | {sum(iops):.0f} "
                  f"| {r['clt_us_per_io']:.1f} | {c['rss_mib']:.0f} ({c['hwm_mib']:.0f}) | {c['threads']} "
                  f"| {r['load_io']} |")
        print()


if __name__ == "__main__":
    {"login": login, "proc": proc, "threads": threads, "fio": fio, "table": table}[sys.argv[1]](sys.argv[2:])
