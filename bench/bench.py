#!/usr/bin/python3
"""bench.py - the benchmarks of `make bench` (see BENCHMARKS.md).

Run by bench/run.sh, which sets:
    B            build directory with cadenced and cadencectl
    BENCH_TMP    an empty scratch directory (removed by run.sh)
    BENCH_FLOOR  bench/floor.c, compiled
Tunables (environment): BENCH_RUNS (3) runs of each wrk measurement,
BENCH_DURATION (5) seconds per wrk run, BENCH_THREADS (2) and
BENCH_CONNECTIONS (64) of wrk, BENCH_PLAN_RUNS (5), BENCH_RIE_RUNS (3),
BENCH_RIE_ALL_TIMEOUT (60) seconds for recurring-ical-events on all.ics,
BENCH_START_RUNS (3) start-up measurements.

Everything listens on 127.0.0.1 only, on ports chosen at run time; every
wait is bounded; every process started here is stopped here.
"""
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
B = os.environ.get("B", "build")
BDIR = B if os.path.isabs(B) else os.path.join(ROOT, B)
CADENCED = os.path.join(BDIR, "cadenced")
CADENCECTL = os.path.join(BDIR, "cadencectl")
TMP = os.environ["BENCH_TMP"]
FLOOR = os.environ["BENCH_FLOOR"]
PY = "/usr/bin/python3"

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
CONNS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
PLAN_RUNS = int(os.environ.get("BENCH_PLAN_RUNS", "5"))
RIE_RUNS = int(os.environ.get("BENCH_RIE_RUNS", "3"))
RIE_ALL_TIMEOUT = int(os.environ.get("BENCH_RIE_ALL_TIMEOUT", "60"))
START_RUNS = int(os.environ.get("BENCH_START_RUNS", "3"))
PROBE_EVERY = float(os.environ.get("BENCH_PROBE_EVERY", "0.1"))

TODAY = "2027-01-01"            # every run stands on the same day
PLAN_FROM, PLAN_TO = "2027-01-01", "2036-12-31"
WAIT_S = 120                    # longest wait for a server to answer

procs = []                      # everything started here, to stop at exit
goals = []                      # (what, figure, goal, ok)


def out(*a):
    print(*a, flush=True)


def section(title):
    out("")
    out("== " + title)


# --- processes ------------------------------------------------------------

def start(argv, **kw):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)
    if p in procs:
        procs.remove(p)


def stop_all():
    for p in list(procs):
        stop(p)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, headers=None, timeout=10):
    """(status, headers dict, body) of one GET to 127.0.0.1:port"""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    finally:
        c.close()


def wait_200(port, path, proc, deadline_s=WAIT_S, pause=0.002):
    """monotonic seconds until the first 200 of path; None on time-out"""
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline_s:
        if proc is not None and proc.poll() is not None:
            return None
        try:
            st, _, _ = get(port, path, timeout=deadline_s)
            if st == 200:
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(pause)
    return None


def vm(pid, key):
    """VmHWM / VmRSS of pid in kB"""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def run(argv, **kw):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, check=True,
                          **kw)


def timed(argv, n, **kw):
    """wall seconds of n runs of argv (output discarded)"""
    ts = []
    for _ in range(n):
        t0 = time.monotonic()
        run(argv, stdout=subprocess.DEVNULL, **kw)
        ts.append(time.monotonic() - t0)
    return ts


# --- figures --------------------------------------------------------------

def mmm(v, fmt="%.3f"):
    """'median (min .. max)'"""
    return (fmt + " (min " + fmt + ", max " + fmt + ")") % (
        statistics.median(v), min(v), max(v))


def goal(what, figure, text, ok):
    goals.append((what, figure, text, ok))
    out("   goal: %s -> %s  [%s]" % (text, figure, "PASS" if ok else "MISS"))


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", s)
    return float(m.group(1)) * UNITS[m.group(2)]


def probe(port, path, etag, times, stop):
    """what a separate client waits while wrk loads the server: one curl
    of path (If-None-Match: etag for the 304 kind) every PROBE_EVERY s
    from 0.5 s into the run until stop; its whole time, in seconds"""
    argv = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total}",
            "--max-time", "10"]
    if etag is not None:
        argv += ["-H", "If-None-Match: " + etag]
    argv.append("http://127.0.0.1:%d%s" % (port, path))
    if stop.wait(0.5):
        return
    while not stop.is_set():
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0 and not stop.is_set():
            times.append(float(r.stdout))
        stop.wait(PROBE_EVERY)


def wrk(port, path, etag=None):
    argv = ["wrk", "-t%d" % THREADS, "-c%d" % CONNS, "-d%ds" % DURATION,
            "--timeout", "5s", "--latency"]
    env = dict(os.environ)
    if etag is not None:
        argv += ["-s", os.path.join(HERE, "if-none-match.lua")]
        env["ETAG"] = etag
    argv.append("http://127.0.0.1:%d%s" % (port, path))
    probes = []
    stop_probe = threading.Event()
    th = threading.Thread(target=probe, args=(port, path, etag, probes,
                                              stop_probe))
    th.start()
    try:
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True,
                           timeout=DURATION + 60)
    finally:
        stop_probe.set()
        th.join()
    t = r.stdout
    if r.returncode != 0:
        raise RuntimeError("wrk failed: " + t + r.stderr)
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)),
           "p99": ms(re.search(r"\s99%\s+(\S+)", t).group(1)),
           "requests": int(re.search(r"(\d+) requests in", t).group(1)),
           "bad": 0, "errors": 0, "probe": probes}
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    if m:
        res["bad"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                  r"timeout (\d+)", t)
    if m:
        res["errors"] = sum(int(x) for x in m.groups())
    return res


# --- set-up -----------------------------------------------------------------

def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1])
    return "%d cores (nproc), %.1f GiB memory, %s" % (
        os.cpu_count(), mem / 1048576.0, model)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def regional_conf(d, port):
    """etc/kainuu.conf copied to d with state in d and the given port"""
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(ROOT, "etc", "kainuu.conf"),
              encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r'(?m)^state_dir\s*=.*$', 'state_dir = "state";', text)
    text = text.replace("127.0.0.1:8080", "127.0.0.1:%d" % port)
    p = os.path.join(d, "cadenced.conf")
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


def national_conf(d, port, horizon, rules=None):
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "cadenced.conf")
    argv = [PY, os.path.join(HERE, "gen_national.py"), p, "--port",
            str(port), "--horizon", str(horizon)]
    if rules:
        argv += ["--rules", rules]
    run(argv)
    return p


def nginx_workers():
    """4, as in the issue's measurement (BENCH_NGINX_WORKERS overrides)"""
    return int(os.environ.get("BENCH_NGINX_WORKERS", "4"))


def nginx_start(prefix, root, port):
    os.makedirs(os.path.join(prefix, "tmp"), exist_ok=True)
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""# written by bench/bench.py
worker_processes %(workers)d;
daemon off;
pid %(prefix)s/nginx.pid;
error_log %(prefix)s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    etag on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    types { text/calendar ics; }
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/calendar;
    client_body_temp_path %(prefix)s/tmp/body;
    proxy_temp_path %(prefix)s/tmp/proxy;
    fastcgi_temp_path %(prefix)s/tmp/fastcgi;
    uwsgi_temp_path %(prefix)s/tmp/uwsgi;
    scgi_temp_path %(prefix)s/tmp/scgi;
    server {
        listen 127.0.0.1:%(port)d reuseport;
        root %(root)s;
    }
}
""" % {"workers": nginx_workers(), "prefix": prefix, "root": root,
       "port": port})
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    log = open(os.path.join(prefix, "stderr.log"), "w")
    return start([nginx, "-p", prefix, "-c", conf, "-e",
                  os.path.join(prefix, "error.log")], stdout=log, stderr=log)


def cadenced_start(conf, log_path, binary=CADENCED):
    log = open(log_path, "a")
    return start([binary, "-c", conf, "--today", TODAY]
                 + (["--allow-root"] if os.geteuid() == 0 else []),
                 stdout=log, stderr=log)


# --- 1. serving -------------------------------------------------------------

# the sweep: feeds of about these sizes, picked from the national 10-year
# export (gen_national.py --horizon 3652): the feed nearest each size
# (and 2 MB: above HTTP_SENDFILE_MIN, daemon/http.h, where cadenced
# sends from the file instead of memory; 1 MB is below it)
SIZES = [("2 KB", 2e3), ("20 KB", 20e3), ("50 KB", 50e3), ("200 KB", 200e3),
         ("1 MB", 1e6), ("2 MB", 2e6), ("8 MB", 8e6)]
# BENCH_SIZES="1 MB,8 MB": only those cells (a rerun of the misses)
if os.environ.get("BENCH_SIZES"):
    _only = [x.strip() for x in os.environ["BENCH_SIZES"].split(",")]
    if any(x not in dict(SIZES) for x in _only):
        sys.exit("BENCH_SIZES: one of %s" % ", ".join(l for l, _ in SIZES))
    SIZES = [s for s in SIZES if s[0] in _only]


def pick_feeds(www):
    """[(label, path, bytes)]: the exported feed nearest each of SIZES"""
    files = []
    for dirpath, _, names in os.walk(os.path.join(www, "calendars")):
        for n in sorted(names):
            f = os.path.join(dirpath, n)
            files.append(("/" + os.path.relpath(f, www), os.path.getsize(f)))
    files.sort()
    picked = []
    for label, want in SIZES:
        path, size = min(files, key=lambda ps: (abs(math.log(ps[1] / want)),
                                                ps[0]))
        picked.append((label, path, size))
    return picked


def check_same(servers, www, path):
    """both servers give the exported bytes and a 304: {name: etag}"""
    with open(os.path.join(www, path.lstrip("/")), "rb") as f:
        body = f.read()
    etags = {}
    for name, port in servers:
        st, h, b = get(port, path, timeout=60)
        if st != 200 or b != body:
            raise RuntimeError("%s %s: %d, %d bytes, not the exported %d"
                               % (name, path, st, len(b), len(body)))
        etags[name] = h.get("etag")
        st2, _, _ = get(port, path, {"If-None-Match": etags[name]})
        if st2 != 304:
            raise RuntimeError("%s %s: If-None-Match -> %d, not 304"
                               % (name, path, st2))
    return etags


def wrk_alternating(servers, path, etags, kind):
    """RUNS wrk runs per server, the order swapping every run"""
    res = {name: [] for name, _ in servers}
    for i in range(RUNS):
        order = list(servers) if i % 2 == 0 else list(reversed(servers))
        for name, port in order:
            r = wrk(port, path, etags[name] if kind == "304" else None)
            res[name].append(r)
            if r["bad"] or r["errors"]:
                out("   %s %s %s run %d: %d wrong status, %d socket errors"
                    % (name, path, kind, i + 1, r["bad"], r["errors"]))
    return res


def pct(v, q):
    """the q-th percentile of v (nearest rank); nan for none"""
    if not v:
        return float("nan")
    v = sorted(v)
    return v[min(len(v) - 1, max(0, math.ceil(q / 100.0 * len(v)) - 1))]


def spread(v):
    """(max - min) / median in per cent: how noisy the runs were"""
    m = statistics.median(v)
    return 100.0 * (max(v) - min(v)) / m if m else 0.0


def bench_serving():
    section("1. Serving: cadenced vs nginx (sendfile, %d workers), "
            "feeds of every size" % nginx_workers())
    d = os.path.join(TMP, "serving")
    cport, nport = free_port(), free_port()
    while nport == cport:
        nport = free_port()
    conf = national_conf(d, cport, 3652)
    www = os.path.join(d, "www")
    run([CADENCECTL, "-c", conf, "--today", TODAY, "export", "--dir", www],
        stdout=subprocess.DEVNULL)
    cad = cadenced_start(conf, os.path.join(d, "cadenced.log"))
    ngx = nginx_start(os.path.join(d, "nginx"), www, nport)
    t_first = 0
    for name, port, p in (("cadenced", cport, cad), ("nginx", nport, ngx)):
        t = wait_200(port, "/calendars/all.ics", p)
        if t is None:
            raise RuntimeError("%s did not serve all.ics" % name)
        t_first = max(t_first, t)
    # after its first build cadenced writes the kept snapshot
    # (daemon/persist.h) in the background, and a start that served a
    # kept one builds behind it: the sweep starts once that is over
    time.sleep(2 * t_first + 3)
    servers = [("cadenced", cport), ("nginx", nport)]
    feeds = pick_feeds(www)
    out("   national config, horizon_days 3652 (gen_national.py), "
        "exported with cadencectl export --dir; nginx serves the files")
    out("   wrk -t%d -c%d -d%ds --latency, %d runs per server, kind and "
        "size, alternating; load average %s" % (THREADS, CONNS, DURATION,
                                                 RUNS, loadavg()))
    rows = []
    for label, path, size in feeds:
        etags = check_same(servers, www, path)
        for kind in ("200", "304"):
            load = loadavg().split()[0]
            res = wrk_alternating(servers, path, etags, kind)
            c = [r["rps"] for r in res["cadenced"]]
            n = [r["rps"] for r in res["nginx"]]
            cp = [r["p99"] for r in res["cadenced"]]
            np_ = [r["p99"] for r in res["nginx"]]
            # the separate client's times, all runs pooled, in ms
            cq = [1e3 * x for r in res["cadenced"] for x in r["probe"]]
            nq = [1e3 * x for r in res["nginx"] for x in r["probe"]]
            row = (label, kind, size, path, c, n, cp, np_, cq, nq, load)
            rows.append(row)
            out("   %-6s %s %-52s cadenced %9.0f  nginx %9.0f req/s  "
                "%.2f x; p99 %.2f / %.2f ms; separate client p99 %.2f / "
                "%.2f ms" % (
                    label, kind, path, statistics.median(c),
                    statistics.median(n),
                    statistics.median(c) / statistics.median(n),
                    statistics.median(cp), statistics.median(np_),
                    pct(cq, 99), pct(nq, 99)))
    stop(cad)
    stop(ngx, signal.SIGQUIT)

    out("")
    out("   load average after the runs: " + loadavg())
    out("   medians of %d runs; spread = (max - min) / median of each "
        "server's runs; load = 1-minute load average as the cell began"
        % RUNS)
    out("   separate client: one curl of the same path every %.1f s "
        "during each wrk run, all runs pooled (n per server given)"
        % PROBE_EVERY)
    out("   | size | kind | bytes | cadenced req/s | nginx req/s | ratio "
        "| cadenced p99 ms | nginx p99 ms | p99 ratio | separate client "
        "p99 ms c / n (n) | its ratio | spread c / n | load |")
    out("   |---|---|---|---|---|---|---|---|---|---|---|---|---|")
    worst_rps, worst_p99, worst_q = None, None, None
    for label, kind, size, path, c, n, cp, np_, cq, nq, load in rows:
        rr = statistics.median(c) / statistics.median(n)
        pr = statistics.median(cp) / statistics.median(np_)
        qr = pct(cq, 99) / pct(nq, 99)
        out("   | %s | %s | %d | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f "
            "| %.2f / %.2f (%d / %d) | %.2f | %.0f %% / %.0f %% | %s |" % (
                label, kind, size, statistics.median(c),
                statistics.median(n), rr, statistics.median(cp),
                statistics.median(np_), pr, pct(cq, 99), pct(nq, 99),
                len(cq), len(nq), qr, spread(c), spread(n), load))
        if worst_rps is None or rr < worst_rps[0]:
            worst_rps = (rr, label, kind)
        if worst_p99 is None or pr > worst_p99[0]:
            worst_p99 = (pr, label, kind)
        if worst_q is None or qr > worst_q[0]:
            worst_q = (qr, label, kind)
    goal("serving req/s, every size", "lowest %.2f x nginx (%s %s)"
         % worst_rps, "cadenced req/s >= 0.9 x nginx, 200 and 304",
         worst_rps[0] >= 0.9)
    goal("serving p99, every size", "highest %.2f x nginx (%s %s)"
         % worst_p99, "cadenced p99 <= 1.2 x nginx, 200 and 304",
         worst_p99[0] <= 1.2)
    goal("  a separate client's p99", "highest %.2f x nginx (%s %s)"
         % worst_q, "what another client waits during the load, "
         "<= 1.2 x nginx", worst_q[0] <= 1.2)


# --- 2. planning ------------------------------------------------------------

def bench_planning():
    section("2. Planning at national scale: ten years, %s .. %s"
            % (PLAN_FROM, PLAN_TO))
    d = os.path.join(TMP, "national10")
    rules = os.path.join(d, "rules.txt")
    conf = national_conf(d, free_port(), 3652, rules)
    r = run([CADENCECTL, "-c", conf, "--today", TODAY, "check"],
            capture_output=True, text=True)
    out("   cadencectl check: " + r.stdout.strip().splitlines()[-1])
    occ = [CADENCECTL, "-c", conf, "--today", TODAY, "occurrences",
           "--from", PLAN_FROM, "--to", PLAN_TO, "--json"]
    r = run(occ, capture_output=True)           # warm-up, creates the store
    n_plan = len(json.loads(r.stdout))
    t_plan = timed(occ, PLAN_RUNS)
    out("   cadencectl occurrences --json: %d meetings, s %s"
        % (n_plan, mmm(t_plan)))

    www = os.path.join(d, "www")
    t0 = time.monotonic()
    run([CADENCECTL, "-c", conf, "--today", TODAY, "export", "--dir", www],
        stdout=subprocess.DEVNULL)
    t_export = time.monotonic() - t0
    nfeeds = sum(len(fs) for _, _, fs in os.walk(www))
    allsize = os.path.getsize(os.path.join(www, "calendars", "all.ics"))
    out("   cadencectl export --dir (horizon_days 3652): %d feeds, all.ics "
        "%.1f MB, %.1f s (info)" % (nfeeds, allsize / 1e6, t_export))

    fl = [FLOOR, rules, PLAN_FROM, PLAN_TO]
    r = run(fl, capture_output=True, text=True)
    nser, ninst = r.stdout.split()
    t_floor = timed(fl, PLAN_RUNS)
    out("   libical floor (bench/floor.c): %s RRULE series, %s instances, "
        "s %s" % (nser, ninst, mmm(t_floor)))

    forums = os.path.join(www, "calendars", "forum")
    rie = [PY, os.path.join(HERE, "rie.py"), PLAN_FROM, PLAN_TO]
    t_rie = []
    n_rie = None
    for _ in range(RIE_RUNS):
        r = run(rie + [forums], capture_output=True, text=True)
        n_rie, t = r.stdout.split()
        t_rie.append(float(t))
    out("   recurring-ical-events, the %d forum feeds one by one: %s "
        "instances%s, s %s" % (len(os.listdir(forums)), n_rie,
                               " (= cadencectl)" if int(n_rie) == n_plan
                               else " (cadencectl: %d)" % n_plan,
                               mmm(t_rie)))
    try:
        r = subprocess.run(rie + [os.path.join(www, "calendars", "all.ics")],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=RIE_ALL_TIMEOUT)
        n_all, t = r.stdout.split()
        t_all = "%.1f s, %s instances" % (float(t), n_all)
        all_ratio = float(t) / statistics.median(t_plan)
        all_txt = "%.0f x" % all_ratio
    except subprocess.TimeoutExpired:
        # a lower bound: it had not finished after RIE_ALL_TIMEOUT s
        t_all = "> %d s (stopped there)" % RIE_ALL_TIMEOUT
        all_ratio = RIE_ALL_TIMEOUT / statistics.median(t_plan)
        all_txt = "> %.0f x" % all_ratio
    out("   recurring-ical-events on all.ics: %s" % t_all)

    goal("planning vs recurring-ical-events", all_txt + " faster",
         "planning >= 30 x faster than recurring-ical-events (all.ics)",
         all_ratio >= 30)
    ratio = statistics.median(t_rie) / statistics.median(t_plan)
    goal("  stricter: per forum feed", "%.1f x faster" % ratio,
         "planning >= 30 x faster than recurring-ical-events (forum feeds)",
         ratio >= 30)
    fr = statistics.median(t_plan) / statistics.median(t_floor)
    goal("planning vs libical floor", "%.2f x the floor" % fr,
         "planning <= 2 x the libical floor", fr <= 2)


# --- 3. memory and start-up --------------------------------------------------

def wait_rewritten(path, proc, deadline_s=WAIT_S):
    """until the file at path is replaced (another inode; the daemon
    still running)"""
    try:
        ino = os.stat(path).st_ino
    except FileNotFoundError:
        ino = None
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline_s and proc.poll() is None:
        try:
            if os.stat(path).st_ino != ino:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    raise RuntimeError("%s was not written again" % path)


def startup(conf, port, path, log, runs, kept=True, upgrade=False):
    """seconds to the first 200 of path at each of runs restarts; kept:
    with the snapshot the last run kept (daemon/persist.h), else with
    that file removed before each start (a first start, or a file of an
    older format); upgrade: each start by another program (a fresh copy
    of cadenced), which serves the kept file while it builds"""
    ts = []
    state = os.path.join(os.path.dirname(conf), "state")
    for i in range(runs):
        if not kept:
            try:
                os.unlink(os.path.join(state, "cadenced.snapshot"))
            except FileNotFoundError:
                pass
        binary = CADENCED
        if upgrade:
            binary = os.path.join(TMP, "cadenced-upgrade-%d" % i)
            shutil.copy2(CADENCED, binary)
        p = cadenced_start(conf, log, binary)
        t = wait_200(port, path, p)
        if upgrade:     # its build, kept for the next start's program
            wait_rewritten(os.path.join(state, "cadenced.snapshot"), p)
        stop(p)
        if t is None:
            raise RuntimeError("cadenced did not serve %s (see %s)"
                               % (path, log))
        ts.append(t)
    return ts


def memory(pid):
    """kB: VmHWM, VmRSS, USS (Private_* of smaps_rollup), and the size
    and resident part of the body stores (memfd mappings, body.h, or the
    kept file's once it holds them, persist.h: "bodies_memfd" the part
    in shared memory); and
    USS split: "anon" the heap, stacks, arenas and connection pools,
    "libs" the pages of the files mapped (the executable, its libraries,
    the database's) that no other process maps at the moment: they move
    with what else runs, as a page another process maps too is shared,
    not private; "libs_rss" those files' resident pages in all"""
    m = {"hwm": vm(pid, "VmHWM"), "rss": vm(pid, "VmRSS"), "uss": 0,
         "bodies": 0, "bodies_rss": 0, "bodies_memfd": 0, "anon": 0,
         "libs": 0, "libs_rss": 0}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                m["uss"] += int(line.split()[1])
    kind = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            if re.match(r"[0-9a-f]+-[0-9a-f]+ ", line):
                name = line.split(None, 5)[5].strip() \
                    if len(line.split(None, 5)) > 5 else ""
                memfd = "/memfd:cadenced-bodies" in name
                kind = ("bodies" if memfd or "/cadenced.snapshot" in name
                        else "libs" if name.startswith("/")
                        else "anon")
            elif kind == "bodies" and line.startswith("Size:"):
                m["bodies"] += int(line.split()[1])
                if memfd:
                    m["bodies_memfd"] += int(line.split()[1])
            elif kind == "bodies" and line.startswith("Rss:"):
                m["bodies_rss"] += int(line.split()[1])
            elif kind == "libs" and line.startswith("Rss:"):
                m["libs_rss"] += int(line.split()[1])
            elif kind in ("anon", "libs") and \
                    line.startswith(("Private_Clean:", "Private_Dirty:")):
                m[kind] += int(line.split()[1])
    return m


def mem_text(m):
    return ("VmHWM %.1f MB, VmRSS %.1f MB, USS %.1f MB (anonymous %.1f, "
            "files %.1f of their %.1f resident, bodies %.1f); body "
            "stores %.1f MB (%.1f MB of it resident, %.1f MB in shared "
            "memory, the rest read from the kept file)" % (
                m["hwm"] / 1024.0, m["rss"] / 1024.0, m["uss"] / 1024.0,
                m["anon"] / 1024.0, m["libs"] / 1024.0,
                m["libs_rss"] / 1024.0, m["bodies_rss"] / 1024.0,
                m["bodies"] / 1024.0, m["bodies_rss"] / 1024.0,
                m["bodies_memfd"] / 1024.0))


def wrk_sampled(pid, port, path):
    """a wrk run on path while the daemon's memory is sampled every
    0.1 s: (wrk result, the largest figures seen)"""
    import threading
    peak = memory(pid)
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            try:
                m = memory(pid)
            except OSError:
                return
            for k in m:
                peak[k] = max(peak[k], m[k])
    t = threading.Thread(target=sample)
    t.start()
    try:
        r = wrk(port, path)
    finally:
        done.set()
        t.join()
    m = memory(pid)
    for k in m:
        peak[k] = max(peak[k], m[k])
    return r, peak


def bench_memory():
    section("3. Memory and start-up")
    d = os.path.join(TMP, "national")
    port = free_port()
    conf = national_conf(d, port, 550)
    log = os.path.join(d, "cadenced.log")
    path = "/calendars/all.ics"

    p = cadenced_start(conf, log)
    t_first = wait_200(port, path, p)
    if t_first is None:
        raise RuntimeError("cadenced did not serve the national feed")
    hwm0 = vm(p.pid, "VmHWM")
    st, h, b = get(port, path)
    out("   national config (horizon_days 550), empty state: first %s "
        "(%d bytes) after %.3f s; VmHWM %.1f MB"
        % (path, len(b), t_first, hwm0 / 1024.0))
    # after its first build cadenced writes the kept snapshot
    # (daemon/persist.h) in the background: let that end before the load
    t0 = time.monotonic()
    while time.monotonic() - t0 < 2 * t_first + 3:
        time.sleep(0.25)
    hwm1 = vm(p.pid, "VmHWM")
    out("   idle %.0f s later (after the kept snapshot is written): VmHWM %.1f MB, "
        "VmRSS %.1f MB" % (time.monotonic() - t0, hwm1 / 1024.0,
                           vm(p.pid, "VmRSS") / 1024.0))
    m_idle = memory(p.pid)
    out("   idle: %s" % mem_text(m_idle))
    r, m_load = wrk_sampled(p.pid, port, path)
    out("   under wrk -c%d -d%ds on %s (%.0f req/s, p99 %.1f ms): %s"
        % (CONNS, DURATION, path, r["rps"], r["p99"], mem_text(m_load)))
    stop(p)
    hwm = m_load["hwm"]
    goal("daemon peak RSS", "%.1f MB" % (hwm / 1024.0),
         "peak RSS <= 32 MB with the national config, under load",
         hwm <= 32 * 1024)
    goal("daemon private memory", "%.1f MB idle, %.1f MB under load"
         % (m_idle["uss"] / 1024.0, m_load["uss"] / 1024.0),
         "private memory (USS) <= 16 MB with the national config",
         max(m_idle["uss"], m_load["uss"]) <= 16 * 1024)

    # the run above kept its snapshot (persist.h): a restart serves it
    t_nat = startup(conf, port, path, log, START_RUNS)
    out("   start to first 200 of %s, national, restart with nothing "
        "changed (kept snapshot): s %s" % (path, mmm(t_nat)))
    t_nat_b = startup(conf, port, path, log, START_RUNS, kept=False)
    out("   the same, built first (no kept snapshot: a first start): "
        "s %s" % mmm(t_nat_b))
    p = cadenced_start(conf, log)       # keeps its snapshot again
    wait_rewritten(os.path.join(d, "state", "cadenced.snapshot"), p)
    stop(p)
    t_nat_u = startup(conf, port, path, log, START_RUNS, upgrade=True)
    out("   the same after an upgrade (another executable, serving the "
        "kept snapshot while it builds): s %s" % mmm(t_nat_u))
    rd = os.path.join(TMP, "regional-start")
    rport = free_port()
    rconf = regional_conf(rd, rport)
    rlog = os.path.join(rd, "cadenced.log")
    p = cadenced_start(rconf, rlog)              # creates the state
    if wait_200(rport, path, p) is None:
        raise RuntimeError("cadenced did not serve Kainuu")
    time.sleep(3)                                # and keeps its snapshot
    stop(p)
    t_reg = startup(rconf, rport, path, rlog, START_RUNS)
    out("   start to first 200 of %s, Kainuu (etc/kainuu.conf), restart "
        "with nothing changed: s %s" % (path, mmm(t_reg)))
    t_reg_b = startup(rconf, rport, path, rlog, START_RUNS, kept=False)
    out("   the same, built first: s %s" % mmm(t_reg_b))
    goal("first feed, regional", "%.0f ms" % (statistics.median(t_reg) * 1e3),
         "first feed within 300 ms of start (Kainuu)",
         statistics.median(t_reg) <= 0.3)
    goal("first feed, national", "%.0f ms" % (statistics.median(t_nat) * 1e3),
         "first feed within 300 ms of start (national)",
         statistics.median(t_nat) <= 0.3)
    goal("first feed, national, upgrade", "%.0f ms"
         % (statistics.median(t_nat_u) * 1e3),
         "first feed within 300 ms of start (national, another program)",
         statistics.median(t_nat_u) <= 0.3)

    for name, c in (("Kainuu", rconf), ("national", conf)):
        argv = [CADENCECTL, "-c", c, "--today", TODAY, "next"]
        run(argv, stdout=subprocess.DEVNULL)     # state exists
        hf = shutil.which("hyperfine")
        if hf:
            j = os.path.join(TMP, "hyperfine.json")
            run([hf, "-N", "--warmup", "3", "--runs", "20", "--export-json",
                 j, " ".join(argv)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            with open(j) as f:
                ts = json.load(f)["results"][0]["times"]
            how = "hyperfine, 20 runs"
        else:
            ts = timed(argv, 20)
            how = "20 runs"
        out("   cadencectl next, cold process, %s (%s): ms %s"
            % (name, how, mmm([t * 1e3 for t in ts], "%.1f")))


def main():
    for p in (CADENCED, CADENCECTL, FLOOR):
        if not os.access(p, os.X_OK):
            out("bench: %s is missing (make B=%s first)" % (p, B))
            return 1
    out("cadenced benchmarks, %s" % time.strftime("%Y-%m-%d %H:%M %Z"))
    out("machine: " + machine())
    out("build: " + BDIR)
    out("load average at start: " + loadavg())
    try:
        sel = os.environ.get("BENCH_ONLY", "serving planning memory").split()
        if "serving" in sel:
            bench_serving()
        if "planning" in sel:
            bench_planning()
        if "memory" in sel:
            bench_memory()
    finally:
        stop_all()
    out("")
    out("load average at end: " + loadavg())
    section("Goals")
    for what, fig, text, ok in goals:
        out("   %-4s %-36s %s" % ("PASS" if ok else "MISS", what, fig))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    sys.exit(main())
