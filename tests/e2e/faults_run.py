"""faults_run.py - fault injection against a running cadenced (issue 8).

Run by tests/e2e/faults.sh: faults_run.py CADENCED CADENCECTL.  The fake
servers are in faults_servers.py; all bind 127.0.0.1 on free ports, every
wait is a bounded poll, everything started is stopped at the end.

For each fault: the daemon keeps serving (/healthz and a feed answer
quickly), the delivery stays pending (temporary) or becomes failed
(permanent) with last_error in `cadencectl outbox --json`, nothing is
lost, and once the fault is gone (`cadencectl outbox --retry`) it is
delivered exactly once.  Then: a full disk (the state directory on a
small tmpfs, when mounting is allowed), sqlite contention (cadencectl
writing in a loop while the daemon rebuilds), the root refusal.  With
FAULTS_TIMEOUT=1 also a CalDAV server that hangs until the daemon's own
60 s transfer timeout (slow: not in make check).

Prints one "faults: <name>: ... recovered in N ms" line per fault (the
figures of docs/RELIABILITY.md) and ends "faults: ok" or exits 1.
"""

import email
import email.policy
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faults_servers import Dav, Smtp  # noqa: E402
import peers  # noqa: E402
from peers import Fatal, ROOT_OPT, free_port, poll_until  # noqa: E402

DAEMON = os.path.abspath(sys.argv[1])
CTL = os.path.abspath(sys.argv[2])
TODAY = "2026-11-23"
FEED = "/calendars/all.ics"

RUN = peers.Run("faults", flush=True)
failures, check, need = RUN.failures, RUN.check, RUN.need
cleanup = []


def http(base, path, timeout=3):
    """(status, body, seconds)"""
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as r:
            return r.status, r.read(), time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - t0
    except OSError as e:
        return None, str(e).encode(), time.monotonic() - t0


class Daemon:
    def __init__(self, tmp, state, dav, smtp):
        self.dir = tmp
        self.conf = os.path.join(tmp, "cadenced.conf")
        self.log = os.path.join(tmp, "log")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.db = os.path.join(state, "cadenced.db")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write("""timezone = "Europe/Helsinki";
domain = "faults.example";
state_dir = "%s";
horizon_days = 550;
http = { listen = "127.0.0.1:%d"; base_url = "%s/"; };
organizer = { name = "Koordinaattori"; email = "hyte@faults.example"; };
parties = ( { id = "hva"; name = "Hyvinvointialue";
  email = "kirjaamo@faults.example"; } );
forums = (
  { id = "foorumi"; name = "Foorumi"; convenor = "hva";
    rrule = "FREQ=MONTHLY;BYDAY=2TU"; time = "13:00"; duration = 60; }
);
caldav = { url = "%s"; };
smtp = { url = "%s"; };
""" % (state, self.port, self.base, dav.url, smtp.url))
        self.proc = None

    def ctl(self, *args):
        return subprocess.run([CTL, "-c", self.conf, "--today", TODAY] +
                              list(args), capture_output=True, text=True,
                              timeout=60)

    def outbox(self):
        r = self.ctl("outbox", "--json")
        need(r.returncode == 0, "cadencectl outbox --json: %s" % r.stderr)
        return json.loads(r.stdout)

    def start(self):
        self.proc = subprocess.Popen(
            [DAEMON, "-c", self.conf, "--today", TODAY, "-v"] + ROOT_OPT,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        cleanup.append(self.stop)
        RUN.wait_healthz(self.proc, self.base)

    def stop(self):
        """SIGTERM; its exit status (None when it had to be killed)"""
        rc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        elif self.proc is not None:
            rc = self.proc.returncode
        self.proc = None
        return rc

    def serving(self, what):
        """/healthz answers (any status) and the feed is 200, fast"""
        ok = check(self.proc.poll() is None, "%s: cadenced died" % what)
        h = http(self.base, "/healthz")
        f = http(self.base, FEED)
        ok = check(h[0] in (200, 503) and h[2] < 1.0,
                   "%s: /healthz %r in %.2f s" % (what, h[0], h[2])) and ok
        ok = check(f[0] == 200 and b"BEGIN:VCALENDAR" in f[1] and
                   f[2] < 1.0, "%s: feed %r in %.2f s" % (what, f[0], f[2])) \
            and ok
        return ok

    def logtext(self):
        with open(self.log, encoding="utf-8", errors="replace") as f:
            return f.read()


def occurrence_dates(d, n):
    r = d.ctl("occurrences", "--from", "2027-01-01", "--to", "2028-12-31",
              "--json")
    need(r.returncode == 0, "occurrences: %s" % r.stderr)
    dates = [o["start"][:10] for o in json.loads(r.stdout)]
    need(len(dates) >= n, "only %d occurrences" % len(dates))
    return dates[:n]


def cal_parts(raw):
    """the decoded text/calendar parts of one message"""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return [p.get_content() for p in msg.walk()
            if p.get_content_type() == "text/calendar"
            and p.get_content_disposition() != "attachment"]


def cancels_of(smtp, date):
    """messages that cancel the instance of date (YYYY-MM-DD)"""
    key = "RECURRENCE-ID;TZID=Europe/Helsinki:%sT130000" % date.replace(
        "-", "")
    n = 0
    with smtp.rec.lock:
        acc = list(smtp.rec.accepted)
    for _, _, raw in acc:
        for c in cal_parts(raw):
            if "METHOD:CANCEL" in c and key in c:
                n += 1
    return n


def rows_for(d, channel, pred=None):
    return [e for e in d.outbox() if e["channel"] == channel and
            (pred is None or pred(e))]


def all_sent(d):
    v = d.outbox()
    return v if all(e["state"] == "sent" for e in v) else None


def due_of(d, row_id):
    con = sqlite3.connect("file:%s?mode=ro" % d.db, uri=True, timeout=5)
    try:
        r = con.execute("SELECT due FROM outbox WHERE id = ?",
                        (row_id,)).fetchone()
        return r[0] if r else None
    finally:
        con.close()


def cancel_rows(d, date):
    """outbox rows that cancel the instance of date (YYYY-MM-DD)"""
    con = sqlite3.connect("file:%s?mode=ro" % d.db, uri=True, timeout=5)
    try:
        return con.execute("SELECT count(*) FROM outbox WHERE kind = "
                           "'cancel' AND rid LIKE ?",
                           (date + "T%",)).fetchone()[0]
    finally:
        con.close()


def fault(d, dav, smtp, name, channel, mode, date, expect_state,
          expect_err, release=False, wait=20):
    """one fault on one channel; the other channel works"""
    srv = dav if channel == "caldav" else smtp
    other = smtp if channel == "caldav" else dav
    srv.rec.phase = other.rec.phase = name
    srv.rec.set(mode)
    other.rec.set("ok")
    if mode == "421":
        srv.close_sessions()
        time.sleep(0.2)
    before = {e["id"] for e in d.outbox()}
    t0 = time.monotonic()
    r = d.ctl("cancel", "foorumi", date, "--reason", name)
    need(r.returncode == 0, "%s: cancel: %s" % (name, r.stderr))

    def attempted():
        v = [e for e in d.outbox() if e["id"] not in before]
        mine = [e for e in v if e["channel"] == channel]
        if release:
            return mine if mine and srv.rec.attempts else None
        return mine if mine and all(e["attempts"] >= 1 and
                                    e["state"] != "sent" for e in mine) \
            else None
    if release:
        srv.rec.attempts = 0
    mine = poll_until(attempted, wait)
    if not check(mine, "%s: no attempt within %d s" % (name, wait)):
        return
    detect = time.monotonic() - t0
    d.serving(name + " (during)")
    h = http(d.base, "/healthz")
    check(h[0] == 200, "%s: /healthz %r %r: a delivery fault is not the "
          "daemon's health" % (name, h[0], h[1]))
    if release:
        # the transfer hangs: the daemon serves meanwhile; then the
        # server goes away without an answer
        time.sleep(0.5)
        d.serving(name + " (hanging)")
        srv.rec.release.set()
        mine = poll_until(lambda: [e for e in rows_for(d, channel)
                                   if e["id"] not in before and
                                   e["attempts"] >= 1 and
                                   e["last_error"]], 20)
        if not check(mine, "%s: no last_error after the release" % name):
            return
    for e in mine:
        check(e["state"] == expect_state, "%s: state %s, want %s" % (
            name, e["state"], expect_state))
        check(e["last_error"] and expect_err in e["last_error"],
              "%s: last_error %r lacks %r" % (name, e["last_error"],
                                               expect_err))
    if mode == "503":
        # Retry-After: 120 honoured: due not sooner than asked
        du = due_of(d, mine[0]["id"])
        check(du is not None and du >= time.time() + 100,
              "%s: due in %s s, Retry-After said 120" % (
                  name, None if du is None else int(du - time.time())))
    # nothing sent on this channel during the fault
    check(srv.rec.count(name) == 0, "%s: accepted during the fault" % name)
    # the fault goes
    srv.rec.set("ok")
    t1 = time.monotonic()
    r = d.ctl("outbox", "--retry")
    need(r.returncode == 0, "%s: outbox --retry: %s" % (name, r.stderr))
    done = poll_until(lambda: all_sent(d), 20)
    recovered = time.monotonic() - t1
    if not check(done, "%s: not all sent 20 s after --retry: %r" % (
            name, [e for e in d.outbox() if e["state"] != "sent"])):
        return
    check(srv.rec.count(name) == 1,
          "%s: %d deliveries after the fault, want 1" % (
              name, srv.rec.count(name)))
    if channel == "smtp":
        check(cancels_of(smtp, date) == 1, "%s: %d CANCELs of %s" % (
            name, cancels_of(smtp, date), date))
    e = [x for x in d.outbox() if x["id"] in {m["id"] for m in mine}]
    print("faults: %-22s %-7s -> %-7s last_error %r; detected in %d ms, "
          "recovered in %d ms after --retry, delivered once" % (
              name, channel, expect_state,
              mine[0]["last_error"][:60], detect * 1000, recovered * 1000),
          flush=True)


def disk_full(d, dav, smtp, date, state, mounted):
    if not mounted:
        print("faults: full disk: skipped (cannot mount a tmpfs here)")
        return
    name = "full-disk"
    dav.rec.phase = smtp.rec.phase = name
    dav.rec.set("ok")
    smtp.rec.set("hold")
    smtp.rec.datas = 0
    r = d.ctl("cancel", "foorumi", date, "--reason", name)
    need(r.returncode == 0, "%s: cancel: %s" % (name, r.stderr))
    # the CANCEL is in flight (the sink holds its answer to DATA)
    need(poll_until(lambda: smtp.rec.datas > 0, 15),
         "%s: no SMTP DATA" % name)
    etag0 = http(d.base, FEED)[1]
    rows0 = {e["id"]: e for e in d.outbox()}
    filler = os.path.join(state, "filler")
    fill(filler)
    t0 = time.monotonic()
    # the sink accepts now; the daemon cannot record it
    smtp.rec.release.set()
    h = poll_until(lambda: (lambda x: x if x[0] == 503 else None)(
        http(d.base, "/healthz")), 10)
    detect = time.monotonic() - t0
    if check(h, "%s: /healthz not 503 within 10 s" % name):
        line = h[1].decode()
        check(line.count("\n") == 1 and line.startswith("store: "),
              "%s: /healthz says %r" % (name, line))
        print("faults: full disk: /healthz 503 %r after %d ms" % (
            line.strip(), detect * 1000))
    d.serving(name)
    check(http(d.base, FEED)[1] == etag0, "%s: feed changed" % name)
    r = d.ctl("cancel", "foorumi", occurrence_dates(d, 12)[11])
    err = r.stderr.strip()
    check(r.returncode == 1 and err and "\n" not in err,
          "%s: cadencectl cancel: exit %d, stderr %r" % (
              name, r.returncode, err))
    print("faults: full disk: cadencectl cancel -> exit %d: %s" % (
        r.returncode, err))
    time.sleep(1.5)
    d.serving(name + " (later)")
    os.unlink(filler)
    t1 = time.monotonic()
    ok = poll_until(lambda: http(d.base, "/healthz")[0] == 200, 10)
    recovered = time.monotonic() - t1
    check(ok, "%s: /healthz not 200 within 10 s of freeing space" % name)
    done = poll_until(lambda: all_sent(d), 15)
    check(done, "%s: not all sent after freeing space: %r" % (
        name, d.outbox()))
    rows1 = {e["id"]: e for e in d.outbox()}
    lost = [i for i in rows0 if i not in rows1]
    check(not lost, "%s: outbox rows lost: %r" % (name, lost))
    check(cancels_of(smtp, date) == 1, "%s: %d CANCELs of %s, want 1" % (
        name, cancels_of(smtp, date), date))
    log = d.logtext()
    check(log.count("changes and deliveries cannot be recorded") == 1,
          "%s: disk warning logged %d times" % (
              name, log.count("changes and deliveries cannot be recorded")))
    # the change cadencectl could not make goes through now.  The
    # daemon sees a commit at its next tick (1 s), then rebuilds and
    # enqueues the CANCEL: right after cadencectl, "all sent" is true of
    # the rows before it, so wait for the CANCEL itself, delivered and
    # recorded, lest the next phase find this one's rebuild and delivery
    # still under way (a changed feed, a 503 of its own)
    later = occurrence_dates(d, 12)[11]
    r = d.ctl("cancel", "foorumi", later)
    check(r.returncode == 0, "%s: cancel after freeing: %s" % (
        name, r.stderr))
    check(poll_until(lambda: cancels_of(smtp, later) == 1 and
                     cancel_rows(d, later) > 0 and all_sent(d), 15),
          "%s: the CANCEL of %s not sent" % (name, later))
    print("faults: full disk: nothing lost, %d row(s) kept, CANCEL "
          "delivered once; /healthz 200 %d ms after freeing space" % (
              len(rows0), recovered * 1000), flush=True)


def fill(path):
    """writes path until the file system is full"""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def disk_full_rebuild(d, dav, smtp, date, state, mounted):
    """a change committed, then the disk fills before the daemon plans
    it: /healthz says so, and either the rebuild fails and the last good
    feeds stay, or sqlite still finds room in its WAL and the rebuild
    commits the cancel together with its CANCEL; never one without the
    other, and the CANCEL is delivered once when there is room again"""
    if not mounted:
        print("faults: full disk (rebuild): skipped (no tmpfs)")
        return
    name = "full-disk-rebuild"
    dav.rec.phase = smtp.rec.phase = name
    dav.rec.set("ok")
    smtp.rec.set("ok")
    # nothing of the last phase under way: healthy, all sent
    need(poll_until(lambda: http(d.base, "/healthz")[0] == 200 and
                    all_sent(d), 15), "%s: the last phase is not over: %r"
         % (name, http(d.base, "/healthz")))
    feed0 = http(d.base, FEED)[1]
    filler = os.path.join(state, "filler")
    # the daemon is stopped so that it cannot rebuild before the disk is
    # full; stopped in the middle of its own write it would hold the
    # lock, so then let it finish and stop it again (bounded)
    for attempt in range(5):
        d.proc.send_signal(signal.SIGSTOP)
        r = d.ctl("cancel", "foorumi", date, "--reason", name)
        if r.returncode == 0 or "locked" not in r.stderr:
            break
        d.proc.send_signal(signal.SIGCONT)
        time.sleep(0.5)
    try:
        need(r.returncode == 0, "%s: cancel: %s" % (name, r.stderr))
        fill(filler)
    finally:
        d.proc.send_signal(signal.SIGCONT)
    t0 = time.monotonic()
    # the first failing part is named: the free-space check ("store:
    # disk full") or the rebuild ("snapshot: rebuild failing since")
    h = poll_until(lambda: (lambda x: x if x[0] == 503 else None)(
        http(d.base, "/healthz")), 10)
    detect = time.monotonic() - t0
    check(h and (h[1].startswith(b"store: disk full") or
                 h[1].startswith(b"snapshot: rebuild failing since")),
          "%s: /healthz %r" % (name, h))
    h = h or http(d.base, "/healthz")
    warn = "<4>cannot rebuild the feeds"
    poll_until(lambda: warn in d.logtext() or
               http(d.base, FEED)[1] != feed0, 5)
    d.serving(name)
    if http(d.base, FEED)[1] == feed0:
        # the rebuild could not write: the last good feed stays
        check(warn in d.logtext(), "%s: the failed rebuild is not logged"
              % name)
        time.sleep(2)       # two more ticks: retried, logged once
        n = d.logtext().count(warn)
        check(n == 1, "%s: the failed rebuild logged %d times" % (name, n))
        how = "last good feed served"
    else:
        # sqlite found room in pages its WAL already had (at once or
        # at a retry): the rebuild committed, and the feed may show the
        # cancel only with its CANCEL recorded in the same transaction
        check(cancel_rows(d, date) > 0, "%s: the feed changed without a "
              "CANCEL in the outbox" % name)
        how = "rebuilt in the WAL's room, CANCEL recorded with it"
    os.unlink(filler)
    t1 = time.monotonic()
    ok = poll_until(lambda: http(d.base, "/healthz")[0] == 200, 10)
    recovered = time.monotonic() - t1
    check(ok, "%s: /healthz not 200 after freeing space" % name)
    check(http(d.base, FEED)[1] != feed0, "%s: the cancel never reached "
          "the feed" % name)
    check(poll_until(lambda: all_sent(d), 15) and
          cancels_of(smtp, date) == 1, "%s: CANCEL not delivered once" %
          name)
    print("faults: full disk (rebuild): /healthz 503 %r after %d ms; "
          "%s; 200 and the change published %d ms after freeing space, "
          "CANCEL delivered once" % (
              h[1].decode().strip(), detect * 1000, how, recovered * 1000),
          flush=True)


def busy(d, dav, smtp, dates):
    """cadencectl writes in a loop while the daemon reads and rebuilds"""
    name = "sqlite-busy"
    dav.rec.phase = smtp.rec.phase = name
    dav.rec.set("ok")
    smtp.rec.set("ok")
    bad = []
    codes = []
    log0 = len(d.logtext())
    t0 = time.monotonic()
    n = 0
    for i in range(200):
        args = ["cancel", "foorumi", dates[0]]
        if i % 2 == 1:
            args.append("--undo")
        r = d.ctl(*args)
        n += 1
        if r.returncode != 0 or "locked" in r.stderr or "busy" in r.stderr:
            bad.append((args, r.returncode, r.stderr.strip()))
        codes.append(http(d.base, FEED)[0])
        if time.monotonic() - t0 > 10:
            break
    took = time.monotonic() - t0
    # the WAL is checkpointed and cut as it goes (store.c, 64 pages):
    # sqlite's default let it reach 4 MiB, the whole tmpfs, first
    wal = os.path.getsize(d.db + "-wal") if os.path.exists(
        d.db + "-wal") else 0
    check(wal < 1024 * 1024, "%s: the WAL holds %d KiB" % (
        name, wal // 1024))
    check(not bad, "%s: cadencectl failed: %r" % (name, bad[:3]))
    check(all(c == 200 for c in codes), "%s: feed answers %r" % (
        name, sorted(set(codes))))
    check(poll_until(lambda: all_sent(d), 20), "%s: not all sent" % name)
    log = d.logtext()[log0:]
    check("locked" not in log and "cannot rebuild" not in log,
          "%s: the daemon logged a locked database" % name)
    print("faults: sqlite busy: %d cadencectl writes in %d ms while the "
          "daemon rebuilt and delivered, %d failures; WAL %d KiB" % (
              n, took * 1000, len(bad), wal // 1024),
          flush=True)


def root_refusal(d):
    if os.geteuid() != 0:
        print("faults: root refusal: skipped (not root)")
        return
    r = subprocess.run([DAEMON, "-c", d.conf, "--today", TODAY],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 1 and "refusing to run as root" in r.stderr,
          "root refusal: exit %d %r" % (r.returncode, r.stderr))
    print("faults: root refusal: exit 1 without --allow-root")


def main():
    tmp = tempfile.mkdtemp(prefix="cadenced-faults.")
    cleanup.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    mounted = False
    if os.geteuid() == 0 and os.environ.get("FAULTS_NO_TMPFS") is None:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700",
                            "cadenced-faults", state], capture_output=True)
        mounted = r.returncode == 0
        if mounted:
            cleanup.append(lambda: subprocess.run(["umount", "-l", state]))
    dav, smtp = Dav(), Smtp()
    cleanup.append(dav.stop)
    cleanup.append(smtp.stop)
    d = Daemon(tmp, state, dav, smtp)
    root_refusal(d)
    d.start()
    need(poll_until(lambda: all_sent(d), 20), "first deliveries not sent")
    first = d.outbox()
    need(len(first) == 2, "first deliveries: %r" % first)
    dates = occurrence_dates(d, 14)

    fault(d, dav, smtp, "caldav-hang", "caldav", "hang", dates[0],
          "pending", "", release=True)
    if os.environ.get("FAULTS_TIMEOUT") == "1":
        # slow: the daemon's own 60 s transfer timeout (not in make check)
        fault(d, dav, smtp, "caldav-hang-timeout", "caldav", "hang",
              dates[13], "pending", "timed out", wait=90)
        dav.rec.release.set()
    # name, channel, server mode, the state and last_error it must leave
    for i, (name, channel, mode, state_want, error) in enumerate((
            ("caldav-503", "caldav", "503", "pending", "HTTP 503"),
            ("caldav-412", "caldav", "412", "pending", "HTTP 412"),
            ("caldav-507", "caldav", "507", "pending", "HTTP 507"),
            ("caldav-garbage", "caldav", "garbage", "pending", ""),
            ("smtp-421-greeting", "smtp", "421", "pending", "421"),
            ("smtp-451-after-data", "smtp", "451", "pending", "451"),
            ("smtp-550-rcpt", "smtp", "550", "failed", "550"),
            ("smtp-drop-mid-data", "smtp", "drop", "pending", ""))):
        fault(d, dav, smtp, name, channel, mode, dates[1 + i], state_want,
              error)
    disk_full(d, dav, smtp, dates[9], state, mounted)
    disk_full_rebuild(d, dav, smtp, dates[12], state, mounted)
    busy(d, dav, smtp, dates[10:12])
    d.serving("end")
    # each change exactly once in all: no CANCEL twice
    for date in dates[5:10]:
        check(cancels_of(smtp, date) == 1, "end: %d CANCELs of %s" % (
            cancels_of(smtp, date), date))
    rc = d.stop()
    check(rc == 0, "cadenced: exit status %r after SIGTERM" % rc)
    log = d.logtext()
    if os.environ.get("FAULTS_KEEP_LOG"):
        shutil.copy(d.log, os.environ["FAULTS_KEEP_LOG"])
    # the sanitizer build: nothing reported
    check("Sanitizer" not in log and "runtime error:" not in log,
          "cadenced's log has a sanitizer report")


if __name__ == "__main__":
    rc = 0
    try:
        main()
    except Fatal as e:
        if str(e) not in failures:      # need() has reported it
            print("faults: FAIL: %s" % e, flush=True)
        rc = 1
    finally:
        for f in reversed(cleanup):
            try:
                f()
            except Exception as e:  # keep cleaning up
                print("faults: cleanup: %s" % e)
    if failures:
        rc = 1
    if rc:
        print("faults: FAILED (%d check(s))" % len(failures))
    else:
        print("faults: ok")
    sys.exit(rc)
