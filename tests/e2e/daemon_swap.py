#!/usr/bin/python3
"""daemon_swap.py - snapshots swapped while their feeds are being sent.

Usage: daemon_swap.py CADENCED CADENCECTL CONFIG TODAY PORT

Run by daemon_swap.sh with a national-scale config (all.ics ~5 MB, more
than the socket buffers hold).  Three clients start downloading
all.ics, slowly (a 64 KB receive buffer, 32 KB every 50 ms: ~600 KB/s;
much slower, the daemon's 10 s idle time-out ends them, as libmicrohttpd
sees progress only when the socket is writable again, after a third of
its send buffer, up to 4 MB, has drained; a receive buffer
under the loopback MSS would make the kernel abort the socket that the
server has closed with data still queued, whatever the server).
Meanwhile the snapshot is replaced again and again: SIGHUP reloads and
a `cadencectl cancel` (which changes all.ics).  Checks:

- all.ics, sent with sendfile from the body store's file (the memfd,
  later the kept file), is what `cadencectl export` makes;
- every slow download is whole and byte for byte the all.ics of the
  snapshot it started from (a plain GET before the cancel), with that
  snapshot's ETag, while new requests get the new feed;
- the old snapshots' bodies (memfd mappings in /proc/PID/maps, or the
  kept file's once it holds them) are unmapped within 5 s of the last
  download ending: one is left, the current snapshot's;
- after SIGTERM cadenced exits 0 (built with SANITIZE=1, AddressSanitizer
  would make that non-zero on a leak or abort on a use after free).
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

cadenced, ctl, conf, today, port = sys.argv[1:6]
port = int(port)
PATH = "/calendars/all.ics"
CLIENTS = 3
STAMPS = re.compile(rb"^(DTSTAMP|CREATED|LAST-MODIFIED):.*\r\n", re.M)


def fail(msg):
    print("daemon_swap.py: FAIL: " + msg)
    sys.exit(1)


def get(path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheader("ETag"), r.read()
    finally:
        c.close()


def body_stores(pid):
    """distinct body stores of pid: memfd mappings, and the kept file's
    (daemon/persist.h), each mapped once per store that reads from it"""
    stores = set()
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            if "/memfd:cadenced-bodies" in line:
                stores.add(line.split()[4])
            elif "/cadenced.snapshot" in line:
                stores.add(line.split()[0])
    return len(stores)


def same_as_export(got, what):
    """all.ics as sent with sendfile from the body store's file (http.h:
    from HTTP_SENDFILE_MIN, 1.5 MiB) is what cadencectl export makes"""
    with tempfile.TemporaryDirectory() as d:
        ctl_run("export", "--dir", d, stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "calendars", "all.ics"), "rb") as f:
            made = f.read()
    if STAMPS.sub(b"", got) != STAMPS.sub(b"", made):
        fail("GET %s %s is not what cadencectl export makes" % (PATH, what))


def wait_for(what, pred, secs):
    t0 = time.monotonic()
    while not pred():
        if time.monotonic() - t0 > secs:
            fail("%s: not within %d s" % (what, secs))
        time.sleep(0.05)


class Slow:
    """a GET of PATH whose body is read a little at a time"""

    def __init__(self):
        self.s = socket.socket()
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        self.s.settimeout(30)
        self.s.connect(("127.0.0.1", port))
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n"
                        "Connection: close\r\n\r\n" % PATH).encode())
        self.data = b""
        while b"\r\n\r\n" not in self.data:
            self.more(4096)
        head, self.data = self.data.split(b"\r\n\r\n", 1)
        self.head = head.decode("latin-1")
        self.length = int(self.header("Content-Length"))
        self.error = None
        self.done = threading.Event()
        self.t = threading.Thread(target=self.trickle, daemon=True)
        self.t.start()

    def trickle(self):
        try:
            while not self.done.wait(0.05) and len(self.data) < self.length:
                self.more(32768)
        except (SystemExit, OSError) as e:
            self.error = e

    def header(self, name):
        for line in self.head.split("\r\n")[1:]:
            k, v = line.split(":", 1)
            if k.strip().lower() == name.lower():
                return v.strip()
        fail("no %s in %r" % (name, self.head))

    def more(self, n):
        b = self.s.recv(n)
        if not b:
            fail("the connection closed after %d bytes" % len(self.data))
        self.data += b

    def finish(self):
        self.done.set()
        self.t.join()
        if self.error is not None:
            raise self.error
        while len(self.data) < self.length:
            self.more(65536)
        self.s.close()
        return self.data


tmp = tempfile.mkdtemp()
root_opt = ["--allow-root"] if os.geteuid() == 0 else []
log = open(os.path.join(tmp, "log"), "w")
proc = subprocess.Popen([cadenced, "-c", conf, "--today", today] + root_opt,
                        stdin=subprocess.DEVNULL, stdout=log, stderr=log)


def ctl_run(*args, **kw):
    return subprocess.run([ctl, "-c", conf, "--today", today] + list(args),
                          stdin=subprocess.DEVNULL, check=True, **kw)


def main():
    def up():
        try:
            return get("/healthz")[0] == 200
        except OSError:
            if proc.poll() is not None:
                fail("cadenced exited at start")
            return False
    # a national config under AddressSanitizer on a busy machine
    wait_for("cadenced answers", up, 300)
    st, etag0, before = get(PATH)
    if st != 200:
        fail("GET %s: %d" % (PATH, st))
    if len(before) < 1 << 20:
        fail("all.ics is only %d bytes: too small to stay in flight"
             % len(before))
    if len(before) < 2 << 20:
        fail("all.ics is only %d bytes: not sent with sendfile"
             % len(before))
    same_as_export(before, "from the memfd")

    slow = [Slow() for _ in range(CLIENTS)]
    for c in slow:
        if c.header("ETag") != etag0 or c.length != len(before):
            fail("a slow download started with another ETag or length")

    # swaps: reloads, then a change of the feed, then more reloads
    occs = json.loads(ctl_run("occurrences", "--from", today, "--to",
                              "2026-12-31", "--json", capture_output=True,
                              text=True).stdout)
    occ = next(o for o in occs
               if o.get("party") is None and o.get("moved_from") is None)
    for _ in range(2):
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
    ctl_run("cancel", occ["forum"], occ["start"][:10], "--reason", "swap test",
            stdout=subprocess.DEVNULL)
    wait_for("the cancel in all.ics", lambda: get(PATH)[1] != etag0, 300)
    for _ in range(2):
        proc.send_signal(signal.SIGHUP)
        time.sleep(0.3)
    st, etag1, after = get(PATH)
    if st != 200 or after == before or b"STATUS:CANCELLED" not in after:
        fail("a new request does not get the changed all.ics")
    # the first snapshot's bodies are still mapped now unless the kernel
    # has taken all of them into the socket buffers (it may: up to
    # tcp_wmem's maximum), so that is noted, not required
    held = body_stores(proc.pid)

    if slow[0].finish() != before:
        fail("a download that spanned swaps is not the all.ics it "
             "started with")
    for c in slow[1:]:
        if c.finish() != before:
            fail("a download that spanned swaps is not the all.ics it "
                 "started with")
    wait_for("the old snapshot's bodies closed (one store left)",
             lambda: body_stores(proc.pid) == 1, 5)
    print("daemon_swap.py: %d body stores mapped during the downloads, 1 "
          "after" % held)
    if get(PATH, {"If-None-Match": etag1})[0] != 304:
        fail("no 304 for the new ETag")
    # once the kept file holds the bodies (persist.h), sendfile reads
    # them there, at the bodies' offset: still what export makes
    def from_file():
        with open("/proc/%d/maps" % proc.pid) as f:
            maps = f.read()
        return "/cadenced.snapshot" in maps and "memfd:cadenced" not in maps
    wait_for("the bodies read from the kept file", from_file, 120)
    same_as_export(get(PATH)[2], "from the kept file")

    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        fail("still running 30 s after SIGTERM")
    if rc != 0:
        log.flush()
        with open(os.path.join(tmp, "log")) as f:
            sys.stdout.write(f.read()[-3000:])
        fail("exit status %d after SIGTERM" % rc)


try:
    main()
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
print("daemon_swap.py: ok")
