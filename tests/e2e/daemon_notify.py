#!/usr/bin/python3
"""daemon_notify.py - cadenced's sd_notify protocol, as systemd sees it.

Usage: daemon_notify.py CADENCED CONFIG TODAY PORT

Run by daemon_http.sh.  Starts cadenced with NOTIFY_SOCKET pointing at a
datagram socket of ours and WATCHDOG_USEC=400000, then checks: READY=1
arrives (bounded wait) and /healthz answers at that moment, WATCHDOG=1
keeps coming (at half the interval: several within a second), and after
SIGTERM comes STOPPING=1 and exit status 0 within 5 s.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

prog, conf, today, port = sys.argv[1:5]
WD_USEC = 400000


def fail(msg):
    print("daemon_notify.py: FAIL: " + msg)
    sys.exit(1)


tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "notify")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC=str(WD_USEC))
env.pop("WATCHDOG_PID", None)
# cadenced refuses root without --allow-root (CI runs as root)
root_opt = ["--allow-root"] if os.geteuid() == 0 else []
proc = subprocess.Popen([prog, "-c", conf, "--today", today] + root_opt,
                        env=env, stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
msgs = []


def receive(until, want):
    """Collects messages until `want` (a predicate on msgs) or time."""
    while time.monotonic() < until:
        sock.settimeout(max(until - time.monotonic(), 0.01))
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        msgs.extend(data.decode("utf-8", "replace").split("\n"))
        if want():
            return True
    return want()


try:
    if not receive(time.monotonic() + 15, lambda: "READY=1" in msgs):
        fail("no READY=1 within 15 s (got %r)" % msgs)
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/healthz" % port,
                                    timeout=5) as r:
            if r.status != 200:
                fail("/healthz %d right after READY=1" % r.status)
    except OSError as e:
        fail("/healthz right after READY=1: %s" % e)
    t0 = time.monotonic()
    if not receive(t0 + 3, lambda: msgs.count("WATCHDOG=1") >= 4):
        fail("fewer than 4 WATCHDOG=1 in 3 s with WATCHDOG_USEC=%d "
             "(got %r)" % (WD_USEC, msgs))
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        fail("still running 5 s after SIGTERM")
    if rc != 0:
        fail("exit status %d after SIGTERM: %s" %
             (rc, proc.stderr.read().decode("utf-8", "replace")[-2000:]))
    receive(time.monotonic() + 1, lambda: "STOPPING=1" in msgs)
    if "STOPPING=1" not in msgs:
        fail("no STOPPING=1 (got %r)" % msgs)
finally:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    sock.close()
    os.unlink(path)
    os.rmdir(tmp)
print("daemon_notify.py: ok: READY=1 once listening, WATCHDOG=1, "
      "STOPPING=1, exit 0")
