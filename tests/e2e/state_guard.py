"""state_guard.py - the database cannot vanish unnoticed (issue 19).

Run by tests/e2e/state_guard.sh: state_guard.py CADENCED CADENCECTL.
One daemon at a time on 127.0.0.1 and a free port, in a temporary
directory; every wait is a bounded poll; everything is stopped at the end.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

DAEMON = os.path.abspath(sys.argv[1])
CTL = os.path.abspath(sys.argv[2])
RUN = peers.Run("state_guard", tmp_prefix="state-guard.")
check, need = RUN.check, RUN.need
PORT = peers.free_port()
BASE = "http://127.0.0.1:%d" % PORT
TODAY = "2026-11-23"
STATE = os.path.join(RUN.tmp, "state")
DB = os.path.join(STATE, "cadenced.db")

CONF = peers.MINIMAL_CONF


def healthz():
    try:
        with urllib.request.urlopen(BASE + "/healthz", timeout=2) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError as e:
        return None, str(e)


def feed():
    with urllib.request.urlopen(BASE + "/calendars/all.ics", timeout=2) as r:
        return r.read().decode()


def ctl(*args):
    p = subprocess.run([CTL, "-c", "c.conf", "--today", TODAY] + list(args),
                       cwd=RUN.tmp, capture_output=True, text=True,
                       timeout=60)
    return p.returncode, p.stderr.strip()


def start(*extra):
    log = open(os.path.join(RUN.tmp, "log"), "a")
    p = subprocess.Popen([DAEMON, "-c", "c.conf", "--today", TODAY] +
                         peers.ROOT_OPT + list(extra), cwd=RUN.tmp,
                         stdout=log, stderr=subprocess.PIPE, text=True)
    RUN.procs["cadenced"] = p
    return p


def started():
    p = start()
    RUN.wait_healthz(p, BASE)
    return p


def red_within(what, seconds):
    """/healthz 503 naming what within seconds; (elapsed, body)"""
    t0 = time.monotonic()
    got = peers.poll_until(lambda: (lambda s: s if s[0] == 503 and what
                                    in s[1] else None)(healthz()), seconds)
    t = time.monotonic() - t0
    check(got is not None, "/healthz not 503 with '%s' within %d s: %r"
          % (what, seconds, healthz()))
    return t, got[1] if got else ""


def refused_start(what, reason):
    p = start()
    try:
        rc = p.wait(15)
    except subprocess.TimeoutExpired:
        rc = None
    err = p.stderr.read()
    RUN.procs.pop("cadenced", None)
    if rc is None:
        p.kill()
        p.wait()
    check(rc == 1, "%s: cadenced exit %r, expected 1" % (what, rc))
    check(reason in err and "--reset-state" in err,
          "%s: no '%s ... --reset-state' in %r" % (what, reason, err[-300:]))
    rc, err = ctl("cancel", "foorumi", "2026-12-08")
    check(rc == 1 and reason in err, "%s: cadencectl cancel %d %r"
          % (what, rc, err))


def replaced():
    p = started()
    # a restored backup moved into place (sqlite's backup API: the WAL's
    # pages are in it)
    src, dst = sqlite3.connect(DB), sqlite3.connect(DB + ".copy")
    src.backup(dst)
    src.close()
    dst.close()
    os.rename(DB + ".copy", DB)
    t, body = red_within("replaced by another file", 5)
    print("state_guard: replaced: /healthz 503 after %.1f s: %s"
          % (t, body.strip()[:90]))
    # cadencectl writes the file at the path; SIGHUP makes the daemon
    # open that one: green again and the cancel published
    rc, err = ctl("cancel", "foorumi", "2026-12-08")
    check(rc == 0, "cancel into the new file: %d %r" % (rc, err))
    p.send_signal(signal.SIGHUP)
    ok = peers.poll_until(lambda: healthz()[0] == 200 and
                          "STATUS:CANCELLED" in feed(), 10)
    check(ok, "after SIGHUP: /healthz %r, cancel in the feed: %s"
          % (healthz(), "STATUS:CANCELLED" in feed()))


def overwritten():
    # same inode, pages of garbage where the b-tree was
    with open(DB, "r+b") as f:
        f.seek(4096)
        f.write(b"\xa5" * 8192)
    t, body = red_within("damaged", 15)
    print("state_guard: overwritten: /healthz 503 after %.1f s: %s"
          % (t, body.strip()[:90]))
    RUN.stop("cadenced")


def deleted():
    for sfx in ("", "-wal", "-shm"):
        if os.path.exists(DB + sfx):
            os.unlink(DB + sfx)
    # a fresh database for this part (the last one is garbage)
    p = start("--reset-state")
    RUN.wait_healthz(p, BASE)
    os.unlink(DB)
    t, body = red_within("was deleted", 5)
    print("state_guard: deleted: /healthz 503 after %.1f s: %s"
          % (t, body.strip()[:90]))
    RUN.stop("cadenced")
    for sfx in ("-wal", "-shm"):
        if os.path.exists(DB + sfx):
            os.unlink(DB + sfx)
    refused_start("deleted", "is missing")
    check(not os.path.exists(DB), "a database was created after all")


def empty():
    p = start("--reset-state")
    RUN.wait_healthz(p, BASE)
    rc, err = ctl("cancel", "foorumi", "2026-12-08")
    check(rc == 0, "cancel: %d %r" % (rc, err))
    RUN.stop("cadenced")
    for sfx in ("-wal", "-shm"):
        if os.path.exists(DB + sfx):
            os.unlink(DB + sfx)
    open(DB, "w").close()       # zero length
    refused_start("zero length", "is empty (0 bytes)")
    p = start("--reset-state")
    RUN.wait_healthz(p, BASE)
    check("STATUS:CANCELLED" not in feed(), "--reset-state kept a cancel")
    RUN.stop("cadenced")


def fill(path):
    """writes zeros to path until the file system is full"""
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def full_disk_start():
    """the state directory's disk full before the start: cadenced exited
    1 (sqlite cannot make its -wal and -shm files); now it serves the
    last state read-only with /healthz 503 and writes again once there is
    room.  Needs a tmpfs (root); skipped with a message otherwise."""
    if os.geteuid() != 0 or os.environ.get("FAULTS_NO_TMPFS"):
        print("state_guard: full disk at start: skipped (no tmpfs)")
        return
    disk = os.path.join(RUN.tmp, "disk")
    os.mkdir(disk)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700",
                       "cadenced-state-guard", disk],
                      capture_output=True).returncode != 0:
        print("state_guard: full disk at start: skipped (mount refused)")
        return
    try:
        with open(os.path.join(RUN.tmp, "c.conf"), "w") as f:
            f.write((CONF % PORT).replace('"state"', '"disk"'))
        p = start()
        RUN.wait_healthz(p, BASE)
        rc, err = ctl("cancel", "foorumi", "2026-12-08")
        check(rc == 0, "cancel: %d %r" % (rc, err))
        peers.poll_until(lambda: "STATUS:CANCELLED" in feed(), 5)
        RUN.stop("cadenced")
        filler = os.path.join(disk, "filler")
        fill(filler)
        p = start()
        t, body = red_within("disk full", 10)
        check(p.poll() is None, "cadenced exited on a full disk: %r"
              % p.poll())
        check(feed().count("STATUS:CANCELLED") == 1,
              "the last state (one cancel) not served read-only")
        print("state_guard: full disk at start: serving, /healthz 503 "
              "after %.1f s: %s" % (t, body.strip()[:60]))
        os.unlink(filler)
        check(peers.poll_until(lambda: healthz()[0] == 200, 5),
              "no /healthz 200 within 5 s of freeing space: %r"
              % (healthz(),))
        rc, err = ctl("cancel", "foorumi", "2027-01-12")
        check(rc == 0 and peers.poll_until(
            lambda: feed().count("STATUS:CANCELLED") == 2, 5),
            "a cancel after the space returned not published: %d %r"
            % (rc, err))
        RUN.stop("cadenced")
    finally:
        subprocess.run(["umount", "-l", disk])
        with open(os.path.join(RUN.tmp, "c.conf"), "w") as f:
            f.write(CONF % PORT)


def main():
    with open(os.path.join(RUN.tmp, "c.conf"), "w") as f:
        f.write(CONF % PORT)
    replaced()
    overwritten()
    deleted()
    empty()
    full_disk_start()


RUN.finish(main)
