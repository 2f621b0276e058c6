#!/usr/bin/python3
"""interop.py - the consumer matrix of SPEC section 10.6: every calendar
reader must see the meetings that `cadencectl occurrences --json` lists.

    interop.py CADENCECTL RESTRICT CONF TODAY WORKDIR

CONF is a private copy of an example config.  The script cancels and
moves instances of several series (single-meeting series too: one moved,
one cancelled), exports every feed (`export --dir`) and expands each with

  pyical    python3-icalendar + recurring_ical_events
  vobject   python3-vobject's rruleset, overrides matched by RECURRENCE-ID
  icaljs    ical.js 2.x           } tests/e2e/interop_read.mjs, npm
  nodeical  node-ical             } packages of tests/e2e/interop
  khal      khal import + khal list (Debian khal)
  calcurse  calcurse -i + -Q (flat feeds only: it reads no RECURRENCE-ID,
            STATUS or TZID, so it runs with TZ=Europe/Helsinki)

and compares the (uid, start, end, status) of every instance with
`occurrences --json` of the same filter (flat feeds: CONFIRMED only, the
flat UID; calcurse: start, end and summary, as it shows no UID).  Every
feed also goes through RESTRICT (tests/tools/ical_restrict.c: libical's
RFC 5546 icalrestriction_check).  Then `outbox --deliver` PUTs every
series into a Xandikos collection and mails it to an SMTP sink: every
CalDAV object and the calendar of every iMIP message pass RESTRICT,
Radicale accepts the same objects (PUT 201), and Xandikos' CALDAV:expand
REPORT answers 207 with the occurrences of each series.
"""
import datetime
import email
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import feeds_check as fc  # noqa: E402
import peers  # noqa: E402

PROG = "interop.py"
HERE = os.path.dirname(os.path.abspath(__file__))
try:
    import vobject
except ImportError:
    print("%s: FAIL: no python3-vobject" % PROG)
    sys.exit(1)

failures = fc.failures


def fail(where, msg):
    fc.fail(where, msg)


def utc(dt):
    return fc.utc(dt)


# ---------------------------------------------------------------- readers

def read_pyical(path, first, last):
    cal = fc.icalendar.Calendar.from_ical(open(path, "rb").read())
    return [t[:1] + t[2:] for t in fc.expand(path, cal)]


def read_vobject(path, first, last):
    cal = vobject.readOne(open(path, encoding="utf-8").read())
    groups = {}
    for ev in getattr(cal, "vevent_list", []):
        groups.setdefault(ev.uid.value, []).append(ev)
    out = []
    for uid, evs in groups.items():
        masters = [e for e in evs if not hasattr(e, "recurrence_id")]
        over = {utc(e.recurrence_id.value): e for e in evs
                if hasattr(e, "recurrence_id")}
        if len(masters) != 1:
            fail(path, "vobject: %s: %d masters" % (uid, len(masters)))
            continue
        m = masters[0]
        if hasattr(m, "rrule") or hasattr(m, "rdate"):
            starts = list(m.getrruleset(addRDate=True))
        else:
            starts = [m.dtstart.value]
        dur = (m.dtend.value - m.dtstart.value) if hasattr(m, "dtend") \
            else m.duration.value
        for st in starts:
            e = over.get(utc(st))
            if e is not None:
                end = e.dtend.value if hasattr(e, "dtend") else \
                    e.dtstart.value + e.duration.value
                out.append((uid, utc(e.dtstart.value), utc(end),
                            status_of(e)))
            else:
                out.append((uid, utc(st), utc(st + dur), status_of(m)))
    return out


def status_of(ev):
    return ev.status.value.upper() if hasattr(ev, "status") else "CONFIRMED"


def read_node(reader, paths, first, last):
    env = dict(os.environ, TZ=fc.TZID)
    p = subprocess.run(["node", os.path.join(HERE, "interop_read.mjs"),
                        reader, first, last] + paths, env=env,
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        raise fc.Fatal("interop_read.mjs %s: %s" % (reader, p.stderr[-500:]))
    got = json.loads(p.stdout.decode())
    return {k: (v if isinstance(v, dict) else [tuple(t) for t in v])
            for k, v in got.items()}


KHAL_CONF = """[calendars]
[[c]]
path = %(vdir)s
[locale]
local_timezone = UTC
default_timezone = UTC
timeformat = %%H:%%M
dateformat = %%Y-%%m-%%d
longdateformat = %%Y-%%m-%%d
datetimeformat = %%Y-%%m-%%dT%%H:%%M:00Z
longdatetimeformat = %%Y-%%m-%%dT%%H:%%M:00Z
[sqlite]
path = %(db)s
"""


def read_khal(path, first, last, work):
    d = os.path.join(work, "khal")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "vdir"))
    conf = os.path.join(d, "khal.conf")
    with open(conf, "w") as f:
        f.write(KHAL_CONF % {"vdir": os.path.join(d, "vdir"),
                             "db": os.path.join(d, "khal.db")})
    base = ["khal", "-c", conf]
    p = subprocess.run(base + ["import", "--batch", "-a", "c", path],
                       capture_output=True, timeout=300)
    if p.returncode != 0:
        fail(path, "khal import: %s" % p.stderr.decode()[-300:])
        return []
    p = subprocess.run(base + ["list", "--day-format", "", "--format",
                               "{uid}|{start}|{end}|{status}", first, last],
                       capture_output=True, timeout=300)
    out = set()
    for line in p.stdout.decode().splitlines():
        f = line.split("|")
        if len(f) == 4:
            out.add((f[0], f[1], f[2], (f[3].strip() or "CONFIRMED")))
    return sorted(out)


def read_calcurse(path, first, last, work):
    d = os.path.join(work, "calcurse")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    env = dict(os.environ, TZ=fc.TZID)
    p = subprocess.run(["calcurse", "-D", d, "-i", path], env=env,
                       capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        fail(path, "calcurse -i: %s" % p.stderr.decode()[-300:])
        return []
    p = subprocess.run(["calcurse", "-D", d, "-Q", "--input-datefmt", "4",
                        "--filter-type", "apt", "--from", first, "--to",
                        last, "--format-apt",
                        "%(start:%Y-%m-%dT%H:%M)|%(end:%Y-%m-%dT%H:%M)|%m\\n"],
                       env=env, capture_output=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    out = set()
    for line in p.stdout.decode().splitlines():
        f = line.strip().split("|", 2)
        if len(f) == 3:
            out.add(tuple(f))
    return sorted(out)


# ---------------------------------------------------------------- driver

def changes(s, occ):
    """Cancels and moves over several series, single-meeting ones too."""
    lo = s.t + datetime.timedelta(days=20)
    hi = s.last - datetime.timedelta(days=60)
    count = {}
    for o in occ:
        count[o["uid"]] = count.get(o["uid"], 0) + 1
    done, n_single, todo = set(), 0, []
    for o in occ:
        day = datetime.date.fromisoformat(o["start"][:10])
        if o["status"] != "CONFIRMED" or o["moved_from"] is not None or \
                not lo <= day <= hi or o["uid"] in done:
            continue
        single = count[o["uid"]] == 1
        if single and n_single >= 2:
            continue
        kind = ("move" if n_single == 0 else "cancel") if single else \
            ("cancel" if len(todo) % 2 else "move")
        n_single += single
        done.add(o["uid"])
        todo.append((kind, o))
        if len(todo) >= 8:
            break
    for kind, o in todo:
        if kind == "cancel":
            s.ctl_run("cancel", *fc.target_args(o, o["start"][:10]),
                      "--reason", "Interop")
        else:
            day = datetime.date.fromisoformat(o["start"][:10])
            new = s.free_day(occ, o["uid"], day)
            s.ctl_run("move", *fc.target_args(o, o["start"][:10]),
                      new.isoformat(), "10:30")
    return ["%s %s %s" % (k, o["uid"], o["start"][:10]) for k, o in todo]


def feed_filter(rel):
    parts = rel.split("/")
    flat = len(parts) > 2 and parts[1] == "flat"
    if flat:
        parts = parts[:1] + parts[2:]
    if parts == ["calendars", "all.ics"]:
        return flat, []
    if len(parts) == 3 and parts[1] in ("forum", "party"):
        return flat, ["--" + parts[1], parts[2][:-4]]
    return flat, None


def compare(where, reader, got, want):
    gs, ws = set(got), set(want)
    if len(got) != len(gs):
        fail(where, "%s: duplicate instances" % reader)
    for t in sorted(ws - gs)[:5]:
        fail(where, "%s: missing %s" % (reader, (t,)))
    for t in sorted(gs - ws)[:5]:
        fail(where, "%s: not in occurrences --json: %s" % (reader, (t,)))


def local_min(s):
    """'2026-02-11T13:00:00+02:00' -> '2026-02-11T13:00' (wall time)"""
    return s[:16]


def feed_summaries(path):
    """(local start, local end, SUMMARY) of every VEVENT of a flat feed"""
    cal = fc.icalendar.Calendar.from_ical(open(path, "rb").read())
    z = ZoneInfo(fc.TZID)
    out = []
    for ev in cal.walk("VEVENT"):
        st = ev["DTSTART"].dt
        en = ev["DTEND"].dt if "DTEND" in ev else st + ev["DURATION"].dt
        out.append((st.astimezone(z).strftime("%Y-%m-%dT%H:%M"),
                    en.astimezone(z).strftime("%Y-%m-%dT%H:%M"),
                    str(ev["SUMMARY"])))
    return out


def meetings_only(s, d, path):
    """A full party feed ends with the party's task deadlines, all-day
    VEVENTs (SPEC section 10.3): vobject must read them as dates with
    DTEND the next day, feeds_check compares them with deadlines --json,
    and the readers compare the rest, the meetings, in a copy without
    them.  Any other feed is read as it is."""
    rel = os.path.relpath(path, d)
    flat, filt = feed_filter(rel)
    if flat or filt[:1] != ["--party"]:
        return path
    where = "%s:%s" % (os.path.basename(s.conf), rel)
    raw = open(path, encoding="utf-8").read()
    cal = vobject.readOne(raw)
    for ev in getattr(cal, "vevent_list", []):
        if not ev.uid.value.startswith("task-"):
            continue
        st, en = ev.dtstart.value, ev.dtend.value
        if isinstance(st, datetime.datetime) or \
                en != st + datetime.timedelta(days=1):
            fail(where, "vobject: %s: %r..%r is not one whole day"
                 % (ev.uid.value, st, en))
    out = os.path.join(s.work, "meetings", rel)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "wb") as f:
        f.write(fc.party_tasks(where, s, raw.encode(), filt[1]))
    return out


def check_feeds(s, d, restrict):
    paths = fc.feeds_of(d)
    full = [os.path.join(d, p) for p in paths]
    p = subprocess.run([restrict] + full, capture_output=True)
    for line in p.stdout.decode().splitlines()[:10]:
        fail("ical_restrict", line)
    if p.returncode not in (0, 1):
        fail("ical_restrict", p.stderr.decode().strip())
    first, last = s.first.isoformat(), s.last.isoformat()
    series = [meetings_only(s, d, f) for f in full
              if feed_filter(os.path.relpath(f, d))[1] is not None]
    node = {r: read_node(r, series, first, last)
            for r in ("icaljs", "nodeical")}
    n = 0
    for f in series:
        rel = os.path.relpath(f, os.path.join(s.work, "meetings")) \
            if f.startswith(os.path.join(s.work, "meetings") + "/") \
            else os.path.relpath(f, d)
        where = "%s:%s" % (os.path.basename(s.conf), rel)
        flat, filt = feed_filter(rel)
        want_occ = s.occurrences(*filt)
        if flat:
            want = [t[:1] + t[2:] for t in fc.flat_tuples(want_occ)]
        else:
            want = [t[:1] + t[2:] for t in fc.want_tuples(want_occ)]
        got = {"pyical": read_pyical(f, first, last),
               "vobject": read_vobject(f, first, last),
               "khal": read_khal(f, first, last, s.work)}
        for r in node:
            v = node[r].get(f, [])
            if isinstance(v, dict):
                fail(where, "%s: %s" % (r, v.get("error")))
                continue
            got[r] = v
        for r, v in got.items():
            compare(where, r, v, want)
        if flat:
            # calcurse shows no UID: the wall-clock times of occurrences
            # --json, and the SUMMARY the feed gives each (in the
            # config's first language, which --json need not use)
            cal = read_calcurse(f, first, last, s.work)
            cw = [(local_min(o["start"]), local_min(o["end"]))
                  for o in want_occ if o["status"] == "CONFIRMED"]
            compare(where, "calcurse", [t[:2] for t in cal], cw)
            compare(where, "calcurse", cal, feed_summaries(f))
        n += 1
    print("  %s: %d feeds read by pyical, vobject, icaljs, nodeical, khal"
          " (calcurse: flat)" % (os.path.basename(s.conf), n))


# ---------------------------------------------------------------- CalDAV

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:prop><C:calendar-data><C:expand start="%(s)s" end="%(e)s"/>
 </C:calendar-data></D:prop>
 <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
  <C:prop-filter name="UID"><C:text-match collation="i;octet"
   >%(uid)s</C:text-match></C:prop-filter>
 </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>
"""


def dav(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def start_xandikos(run, port, root):
    """Xandikos with its default calendar /user/calendars/calendar/"""
    with open(os.path.join(run.tmp, "xandikos.log"), "w") as log:
        p = subprocess.Popen(["xandikos", "-d", root, "-p", str(port),
                              "-l", "127.0.0.1", "--defaults"],
                             stdout=subprocess.DEVNULL, stderr=log)
    run.procs["xandikos"] = p
    run.wait_port(port, p, "xandikos", timeout=60)


def check_dav(s, run, restrict):
    xport, rport, sport = (peers.free_port() for _ in range(3))
    root = os.path.join(s.work, "xandikos")
    start_xandikos(run, xport, root)
    run.start_radicale(rport, "hyte", "pw")
    run.start_sink(sport)
    coll = "http://127.0.0.1:%d/user/calendars/calendar/" % xport
    with open(os.path.join(s.work, "caldav.pass"), "w") as f:
        f.write("unused\n")
    os.chmod(os.path.join(s.work, "caldav.pass"), 0o600)
    with open(s.conf, "a") as f:
        f.write('\ncaldav = { url = "%s"; user = "hyte"; '
                'password_file = "caldav.pass"; };\n'
                'smtp = { url = "smtp://127.0.0.1:%d"; };\n' % (coll, sport))
    if "organizer" not in open(s.conf).read():
        raise fc.Fatal("%s: no organizer" % s.conf)
    s.ctl_run("outbox", "--deliver")
    box = json.loads(s.ctl_run("outbox", "--json").stdout.decode())
    bad = [e for e in box if e["state"] != "sent"]
    if bad:
        fail("outbox", "not delivered: %s" % bad[:3])
    objs = os.path.join(s.work, "objects")
    os.makedirs(objs, exist_ok=True)
    rcoll = "http://127.0.0.1:%d/hyte/c/" % rport
    auth = {"Authorization": "Basic aHl0ZTpwdw=="}
    st, _ = dav("MKCALENDAR", rcoll, headers=auth)
    if st != 201:
        fail("radicale", "MKCALENDAR: %d" % st)
    files = []
    first = s.first.strftime("%Y%m%dT000000Z")
    last = (s.last + datetime.timedelta(days=1)).strftime("%Y%m%dT000000Z")
    occ = s.occurrences()
    uids = sorted({e["uid"] for e in box if e["channel"] == "caldav"})
    nexdate = nexpand = 0
    for uid in uids:
        st, body = dav("GET", coll + uid + ".ics")
        if st != 200:
            fail("xandikos", "GET %s: %d" % (uid, st))
            continue
        path = os.path.join(objs, uid + ".ics")
        open(path, "wb").write(body)
        files.append(path)
        st, _ = dav("PUT", rcoll + uid + ".ics", body,
                    dict(auth, **{"Content-Type": "text/calendar"}))
        if st not in (201, 204):
            fail("radicale", "PUT %s: %d" % (uid, st))
        if b"\r\nEXDATE" in open(path, "rb").read():
            nexdate += 1
            continue        # Xandikos 0.2.8 fails on any EXDATE: see below
        st, body = dav("REPORT", coll, (REPORT % {
            "s": first, "e": last, "uid": uid}).encode(),
            {"Depth": "1", "Content-Type": "application/xml"})
        if st != 207:
            fail("xandikos", "expand REPORT %s: %d" % (uid, st))
            continue
        nexpand += 1
        mine = [o for o in occ if o["uid"] == uid]
        # a moved or cancelled instance is lost to the DST bug below
        # whenever it lies across a change from DTSTART: its days are
        # left out on both sides
        odd = {d for o in mine if o["status"] != "CONFIRMED" or
               o["start"] != o["recurrence_id"]
               for d in (o["start"][:10], o["recurrence_id"][:10])}
        got = [t for t in xandikos_instances(body) if t[1] not in odd]
        want = [(uid, o["start"][:10]) for o in mine
                if o["start"][:10] not in odd]
        compare("xandikos expand %s" % uid, "xandikos", got, want)
    for i, m in enumerate(run.messages()):
        for part in m.walk():
            if part.get_content_type() == "text/calendar":
                path = os.path.join(objs, "mail%d.ics" % i)
                open(path, "wb").write(part.get_payload(decode=True))
                files.append(path)
    check_sequence(s, run, coll, files, objs)
    p = subprocess.run([restrict] + files, capture_output=True)
    for line in p.stdout.decode().splitlines()[:10]:
        fail("ical_restrict", line)
    print("  %s: %d CalDAV objects and iMIP calendars pass "
          "icalrestriction_check, Radicale and Xandikos took them; "
          "Xandikos expanded %d (%d with EXDATE not asked)"
          % (os.path.basename(s.conf), len(files), nexpand, nexdate))


def sequences_of(data):
    cal = fc.icalendar.Calendar.from_ical(data)
    return {int(ev.get("SEQUENCE", 0)) for ev in cal.walk("VEVENT")}


def check_sequence(s, run, coll, files, objs):
    """A cancel and a move of one series delivered together: the receiver
    gets CANCEL n, then REQUEST n + 1; the CalDAV object and the feed say
    n + 1 (SPEC 10.6: SEQUENCE per change, not per batch)."""
    occ = s.occurrences()
    count = {}
    for o in occ:
        count[o["uid"]] = count.get(o["uid"], 0) + 1
    lo = s.t + datetime.timedelta(days=20)
    mine = [o for o in occ if count[o["uid"]] >= 3 and
            o["status"] == "CONFIRMED" and o["moved_from"] is None and
            o["start"] == o["recurrence_id"] and
            datetime.date.fromisoformat(o["start"][:10]) >= lo]
    uid = mine[0]["uid"] if mine else None
    two = [o for o in mine if o["uid"] == uid][:2]
    if len(two) < 2:
        print("  %s: no series to cancel and move twice"
              % os.path.basename(s.conf))
        return
    seen = len(run.messages())
    s.ctl_run("cancel", *fc.target_args(two[0], two[0]["start"][:10]))
    day = datetime.date.fromisoformat(two[1]["start"][:10])
    s.ctl_run("move", *fc.target_args(two[1], two[1]["start"][:10]),
              s.free_day(occ, uid, day).isoformat())
    s.ctl_run("outbox", "--deliver")
    got = []
    for i, m in enumerate(run.messages()[seen:]):
        for part in m.walk():
            if part.get_content_type() != "text/calendar":
                continue
            data = part.get_payload(decode=True)
            cal = fc.icalendar.Calendar.from_ical(data)
            if any(str(ev["UID"]) == uid for ev in cal.walk("VEVENT")):
                got.append((m["X-RcptTo"], str(cal.get("METHOD")),
                            sequences_of(data)))
                path = os.path.join(objs, "seq%d.ics" % i)
                open(path, "wb").write(data)
                files.append(path)
    st, body = dav("GET", coll + uid + ".ics")
    feed = s.ctl_run("export", "--forum", two[0]["forum"]).stdout
    fseq = {int(ev["SEQUENCE"]) for ev in fc.icalendar.Calendar.from_ical(
        feed).walk("VEVENT") if str(ev["UID"]) == uid}
    # every invited person (SPEC 10.1: a forum may invite several per
    # party) gets the same two messages
    per = {}
    for rcpt, method, seqs in got:
        per.setdefault(rcpt, []).append((method, seqs))
    first = next(iter(per.values()), None)
    if first is None or [g[0] for g in first] != ["CANCEL", "REQUEST"] or \
            any(len(g[1]) != 1 for g in first) or \
            any(v != first for v in per.values()):
        fail(uid, "cancel + move sent %s" % got)
        return
    a, b = min(first[0][1]), min(first[1][1])
    if not b > a:
        fail(uid, "CANCEL SEQUENCE %d, then REQUEST %d: want higher"
             % (a, b))
    if st != 200 or sequences_of(body) != {b} or fseq != {b}:
        fail(uid, "REQUEST %d, CalDAV object %s, feed %s"
             % (b, sequences_of(body) if st == 200 else st, fseq))
    print("  %s: cancel + move of %s: CANCEL %d, REQUEST %d to each of %d, "
          "object and feed %d" % (os.path.basename(s.conf), uid, a, b,
                                  len(per), b))


def xandikos_instances(body):
    """(uid, local start date) of every expanded instance.

    Debian 12's Xandikos 0.2.8 (with python3-icalendar 4.0.3) has bugs
    of its own in CALDAV:expand, so only what it gets right is compared:
    - any EXDATE answers 500 (rruleset_from_comp iterates over
      comp["EXDATE"], a vDDDLists, one line or several): such objects
      are not asked;
    - dateutil's rrule keeps DTSTART's fixed pytz offset, so instances
      on the other side of a DST change are an hour off and their
      RECURRENCE-IDs miss the overrides (a cancel or move is lost), so
      the days of moved and cancelled instances are not compared;
    - DTSTART is written in UTC without its 'Z', DTEND left as the
      master's.
    The local date of each start survives all three."""
    import xml.etree.ElementTree as ET
    out = []
    ns = {"C": "urn:ietf:params:xml:ns:caldav"}
    for el in ET.fromstring(body).iter("{%s}calendar-data" % ns["C"]):
        cal = fc.icalendar.Calendar.from_ical(el.text)
        for ev in cal.walk("VEVENT"):
            st = ev["DTSTART"].dt
            if st.tzinfo is None:
                st = st.replace(tzinfo=datetime.timezone.utc)
            local = st.astimezone(ZoneInfo(fc.TZID))
            out.append((str(ev["UID"]), local.date().isoformat()))
    return out


def main():
    if len(sys.argv) != 6:
        print("usage: %s CADENCECTL RESTRICT CONF TODAY WORKDIR" % PROG)
        return 2
    ctl, restrict, conf, today, work = sys.argv[1:]
    s = fc.Setup(ctl, conf, today, work)
    did = changes(s, s.occurrences())
    print("  %s: %s" % (os.path.basename(conf), "; ".join(did)))
    d = s.export("export")
    check_feeds(s, d, restrict)
    run = peers.Run(PROG, "interop-dav.")
    fc.Setup  # noqa
    try:
        check_dav(s, run, restrict)
    finally:
        run.stop_all()
    failures.extend(run.failures)
    if failures:
        print("%s: FAIL: %s: %d problems" % (PROG, os.path.basename(conf),
                                             len(failures)))
        return 1
    print("%s: ok: %s" % (PROG, os.path.basename(conf)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except fc.Fatal as e:
        print("%s: FAIL: %s" % (PROG, e))
        sys.exit(1)
