#!/usr/bin/python3
"""feeds_check.py - the iCalendar feeds of `cadencectl export --dir`
against `cadencectl occurrences --json` (SPEC section 5, section 8).

    feeds_check.py CADENCECTL CONF TODAY WORKDIR

CONF is a private copy of a config (its state goes next to it).  The
script cancels one instance and moves another (picked from
`occurrences --json`), exports every feed into WORKDIR/export1 and checks
each file:

 1. expanded with python3-icalendar + recurring_ical_events, the set of
    (uid, recurrence-id, start, end, status) equals `occurrences --json`
    over the published window (1 January of last year .. 31 December
    of the horizon's year),
    filtered the same way (forum / party), cancelled and moved instances
    included;
 3. the format: CRLF, lines of at most 75 octets (UTF-8 never split),
    METHOD:PUBLISH, PRODID, NAME, X-WR-CALNAME, REFRESH-INTERVAL,
    X-PUBLISHED-TTL, one VTIMEZONE "Europe/Helsinki" with one STANDARD and
    one DAYLIGHT, every local time in that zone, RDATE/EXDATE typed like
    DTSTART, UID/DTSTAMP/SEQUENCE/LAST-MODIFIED on every VEVENT, a
    RECURRENCE-ID VEVENT for every moved or cancelled instance, the
    location in DESCRIPTION, no ATTENDEE unless publish_attendees;
 4. a second export changes nothing (same bytes, same UIDs and
    SEQUENCEs); after a second move of the moved series only that
    series' SEQUENCE rises (WORKDIR/export3, checked as in 1 and 3).

`export` on stdout (all, --forum, --party) must give the same bytes as the
files.  For check 2 (ical.js) it leaves WORKDIR/export{1,3}/expected.json:
{"path": [[uid, rid, start, end, status], ...]} with UTC times.
"""
import datetime
import json
import os
import re
import subprocess
import sys

PROG = "feeds_check.py"
TZID = "Europe/Helsinki"

try:
    import icalendar
    import recurring_ical_events
except ImportError as e:
    print("%s: FAIL: /usr/bin/python3 cannot import %s (apt-get install "
          "python3-icalendar python3-recurring-ical-events)" % (PROG, e))
    sys.exit(1)

failures = []


def fail(where, msg):
    failures.append("%s: %s" % (where, msg))
    print("  %s: %s" % (where, msg))


class Fatal(Exception):
    pass


def run(ctl, conf, today, *args, ok=(0,)):
    cmd = [ctl, "-c", conf, "--today", today] + list(args)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Fatal("cannot run %s: %s" % (" ".join(cmd), e))
    if p.returncode not in ok:
        raise Fatal("%s: exit status %d: %s" % (
            " ".join(cmd), p.returncode,
            p.stderr.decode("utf-8", "replace").strip()))
    return p


def utc(dt):
    """A timezone-aware datetime as a UTC string; floating is an error."""
    if not isinstance(dt, datetime.datetime):
        raise ValueError("not a date-time: %r" % (dt,))
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("floating time %s" % dt.isoformat())
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_utc(s):
    return utc(datetime.datetime.fromisoformat(s))


def occ_tuple(o, single=False):
    """What a reader sees of occurrence o; a series with a single instance
    is a plain VEVENT (SPEC 10.6), whose RECURRENCE-ID is its start."""
    start = rfc3339_utc(o["start"])
    return (o["uid"], start if single else rfc3339_utc(o["recurrence_id"]),
            start, rfc3339_utc(o["end"]), o["status"])


def singles(want):
    """UIDs with one instance among the occurrences want"""
    n = {}
    for o in want:
        n[o["uid"]] = n.get(o["uid"], 0) + 1
    return {u for u, k in n.items() if k == 1}


def want_tuples(want):
    one = singles(want)
    return [occ_tuple(o, o["uid"] in one) for o in want]


def flat_uid(o):
    """<YYYYMMDDTHHMMSS>-<series uid>: the RECURRENCE-ID in local time"""
    rid = o["recurrence_id"][:19].replace("-", "").replace(":", "")
    return "%s-%s" % (rid, o["uid"])


def flat_tuples(want):
    """a flat feed (SPEC 10.6): every CONFIRMED occurrence on its own"""
    return [(flat_uid(o), rfc3339_utc(o["start"]), rfc3339_utc(o["start"]),
             rfc3339_utc(o["end"]), "CONFIRMED")
            for o in want if o["status"] == "CONFIRMED"]


# ---------------------------------------------------------------- format

def unfold(data):
    """Content lines of a CRLF text (RFC 5545 3.1)."""
    return data.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def check_format(where, raw, publish_attendees):
    """Check 3 on the bytes of one feed; returns the unfolded lines."""
    if not raw.endswith(b"\r\n"):
        fail(where, "does not end with CRLF")
    physical = raw.split(b"\r\n")
    if physical and physical[-1] == b"":
        physical.pop()
    for n, line in enumerate(physical, 1):
        if b"\n" in line or b"\r" in line:
            fail(where, "line %d: bare CR or LF" % n)
            break
        if len(line) > 75:
            fail(where, "line %d: %d octets (more than 75)" % (n, len(line)))
            break
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail(where, "line %d: not complete UTF-8 (split by a fold?)" % n)
            break
    text = raw.decode("utf-8")
    lines = unfold(text)
    if lines and lines[-1] == "":
        lines.pop()

    # the calendar's own properties (depth 1)
    depth = 0
    head = []
    stack = []
    comps = []          # (name, [lines]) of every component, nested too
    for line in lines:
        if line.startswith("BEGIN:"):
            depth += 1
            stack.append((line[6:], []))
            continue
        if line.startswith("END:"):
            depth -= 1
            if not stack or stack[-1][0] != line[4:]:
                fail(where, "unbalanced %s" % line)
                return lines
            comps.append(stack.pop())
            continue
        if depth == 1:
            head.append(line)
        if stack:
            stack[-1][1].append(line)
    if stack or depth != 0:
        fail(where, "unbalanced BEGIN/END")
    if not lines or lines[0] != "BEGIN:VCALENDAR":
        fail(where, "does not start with BEGIN:VCALENDAR")

    def head_value(name):
        v = [l.split(":", 1)[1] for l in head
             if l.split(":", 1)[0].split(";", 1)[0] == name]
        return v

    for want in ("METHOD:PUBLISH", "VERSION:2.0",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                 "X-PUBLISHED-TTL:PT1H"):
        if want not in head:
            fail(where, "no %s" % want)
    for name in ("PRODID", "NAME", "X-WR-CALNAME"):
        v = head_value(name)
        if len(v) != 1 or not v[0].strip():
            fail(where, "%s: %d non-empty values, want 1" % (name, len(v)))
    if head_value("NAME") != head_value("X-WR-CALNAME"):
        fail(where, "NAME %r and X-WR-CALNAME %r differ"
             % (head_value("NAME"), head_value("X-WR-CALNAME")))

    tz = [c for c in comps if c[0] == "VTIMEZONE"]
    all_day = where.endswith("deadlines.ics")
    if all_day and not tz:
        pass    # only DATE values: nothing refers to a zone
    elif len(tz) != 1:
        fail(where, "%d VTIMEZONEs, want 1" % len(tz))
    else:
        tzids = [l for l in tz[0][1] if l.startswith("TZID")]
        if tzids != ["TZID:" + TZID]:
            fail(where, "VTIMEZONE TZID lines %r, want exactly TZID:%s"
                 % (tzids, TZID))
    for kind in ("STANDARD", "DAYLIGHT"):
        n = sum(1 for c in comps if c[0] == kind)
        if n != (0 if all_day and not tz else 1):
            fail(where, "%d %s observances, want 1" % (n, kind))
    if "freeassociation" in text:
        fail(where, "libical's /freeassociation.sourceforge.net/ TZID "
             "prefix leaked")

    # every local time refers to the one zone
    for line in lines:
        m = re.match(r"^(DTSTART|DTEND|RDATE|EXDATE|RECURRENCE-ID)([;:])",
                     line)
        if not m:
            continue
        params = line.split(":", 1)[0].split(";")[1:]
        tzp = [p for p in params if p.startswith("TZID=")]
        value = line.split(":", 1)[1]
        if tzp and tzp != ["TZID=" + TZID]:
            fail(where, "%s refers to another zone: %s" % (m.group(1), line))
        if not tzp and "VALUE=DATE" not in params and \
                not value.endswith("Z") and "T" in value and \
                not any(c[0] in ("STANDARD", "DAYLIGHT") and line in c[1]
                        for c in comps):
            fail(where, "floating local time: %s" % line)

    for name, props in comps:
        if name != "VEVENT":
            continue
        keys = [p.split(":", 1)[0].split(";", 1)[0] for p in props]
        for k in ("UID", "DTSTAMP", "SEQUENCE", "LAST-MODIFIED",
                  "DTSTART", "DESCRIPTION", "SUMMARY"):
            if keys.count(k) != 1:
                fail(where, "a VEVENT with %d %s" % (keys.count(k), k))
        if not publish_attendees and "ATTENDEE" in keys:
            fail(where, "ATTENDEE published with publish_attendees = false")
        dtstart = [p for p in props if p.startswith("DTSTART")]
        if not dtstart:
            continue
        dparams = sorted(dtstart[0].split(":", 1)[0].split(";")[1:])
        dtype = "DATE" if "VALUE=DATE" in dparams else "DATE-TIME"
        for p in props:
            if not (p.startswith("RDATE") or p.startswith("EXDATE")):
                continue
            params = p.split(":", 1)[0].split(";")[1:]
            ptype = "DATE" if "VALUE=DATE" in params else \
                "PERIOD" if "VALUE=PERIOD" in params else "DATE-TIME"
            tzp = [x for x in params if x.startswith("TZID=")]
            dtz = [x for x in dparams if x.startswith("TZID=")]
            if ptype != dtype or tzp != dtz:
                fail(where, "%r is not typed like %r" % (p, dtstart[0]))
    return lines


def sequences(where, cal):
    """{uid: SEQUENCE}; every VEVENT of a UID must carry the same one."""
    seq = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        s = int(ev.get("SEQUENCE", -1))
        if seq.setdefault(uid, s) != s:
            fail(where, "%s: VEVENTs with SEQUENCE %d and %d"
                 % (uid, seq[uid], s))
    return seq


# ---------------------------------------------------------------- content

def expand(where, cal, places=None):
    """Every instance of the feed as (uid, rid, start, end, status); its
    LOCATION into places[(uid, rid)] when given."""
    out = []
    places = {} if places is None else places
    # recurring_ical_events 2.0.1 returns STATUS:CANCELLED instances like
    # any other (newer versions may skip them): nothing is filtered here,
    # and the count check below catches a library that drops them.
    events = recurring_ical_events.of(cal).between((1970, 1, 1),
                                                   (2037, 12, 31))
    for ev in events:
        try:
            start = ev["DTSTART"].dt
            end = ev["DTEND"].dt
            rid = ev["RECURRENCE-ID"].dt if "RECURRENCE-ID" in ev else start
            out.append((str(ev["UID"]), utc(rid), utc(start), utc(end),
                        str(ev.get("STATUS", "CONFIRMED")).upper()))
            places[out[-1][:2]] = str(ev.get("LOCATION", ""))
        except (KeyError, ValueError) as e:
            fail(where, "instance %s: %s" % (ev.get("UID"), e))
    ncancel = sum(1 for ev in cal.walk("VEVENT")
                  if ("RECURRENCE-ID" in ev or not ("RRULE" in ev or
                                                   "RDATE" in ev)) and
                  str(ev.get("STATUS", "")).upper() == "CANCELLED")
    got = sum(1 for t in out if t[4] == "CANCELLED")
    if got != ncancel:
        fail(where, "%d STATUS:CANCELLED VEVENTs but %d cancelled "
             "instances after expansion" % (ncancel, got))
    return out


def check_flat(where, cal):
    """A flat feed: standalone CONFIRMED VEVENTs, one UID each."""
    for ev in cal.walk("VEVENT"):
        bad = [k for k in ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
               if k in ev]
        if bad:
            fail(where, "%s in a flat feed" % ", ".join(bad))
            break
    uids = [str(ev["UID"]) for ev in cal.walk("VEVENT")]
    if len(uids) != len(set(uids)):
        fail(where, "a UID twice in a flat feed")
    if any(str(ev.get("STATUS", "")).upper() != "CONFIRMED"
           for ev in cal.walk("VEVENT")):
        fail(where, "a VEVENT that is not STATUS:CONFIRMED")


def check_content(where, raw, want, flat=False):
    """Check 1 plus the per-instance rules of check 3."""
    try:
        cal = icalendar.Calendar.from_ical(raw)
    except ValueError as e:
        fail(where, "python3-icalendar cannot parse it: %s" % e)
        return None
    places = {}
    got = expand(where, cal, places)
    if len(got) != len(set(got)):
        fail(where, "duplicate instances after expansion")
    # every instance where occurrences --json says (SPEC 10.1: a
    # member's place, a rotation's entry)
    for t, o in zip(flat_tuples(want) if flat else want_tuples(want),
                    [o for o in want if not flat or
                     o["status"] == "CONFIRMED"]):
        if places.get(t[:2], "") != (o.get("location") or ""):
            fail(where, "%s %s: LOCATION %r, occurrences --json %r"
                 % (o["uid"], o["recurrence_id"], places.get(t[:2]),
                    o.get("location")))
    gs = set(got)
    ws = set(flat_tuples(want) if flat else want_tuples(want))
    for t in sorted(ws - gs):
        fail(where, "missing from the feed: %s" % (t,))
    for t in sorted(gs - ws):
        fail(where, "in the feed, not in occurrences --json: %s" % (t,))

    # a RECURRENCE-ID VEVENT for every instance moved or cancelled
    overrides = set()
    masters = {}
    for ev in cal.walk("VEVENT"):
        uid = str(ev["UID"])
        if "RECURRENCE-ID" in ev:
            overrides.add((uid, utc(ev["RECURRENCE-ID"].dt)))
        else:
            if uid in masters:
                fail(where, "%s: more than one master VEVENT" % uid)
            masters[uid] = ev
        loc = str(ev.get("LOCATION", ""))
        if loc and loc not in str(ev.get("DESCRIPTION", "")):
            fail(where, "%s: LOCATION %r not in DESCRIPTION" % (uid, loc))
    for uid, rid in overrides:
        if uid not in masters:
            fail(where, "%s: RECURRENCE-ID %s without a master" % (uid, rid))
    if flat:
        return cal
    one = singles(want)
    for uid, rid in overrides:
        if uid in one:
            fail(where, "%s: one instance, yet a RECURRENCE-ID VEVENT "
                 "(RFC 5545 3.8.4.4: recurring components only)" % uid)
    for o in want:
        if o["uid"] in one:
            continue
        moved = o["start"] != o["recurrence_id"] or o["moved_from"]
        if (moved or o["status"] == "CANCELLED") and \
                (o["uid"], rfc3339_utc(o["recurrence_id"])) not in overrides:
            fail(where, "%s %s (%s%s) has no RECURRENCE-ID VEVENT"
                 % (o["uid"], o["recurrence_id"], o["status"],
                    ", moved" if moved else ""))
    return cal


# ---------------------------------------------------------------- driver

class Setup:
    def __init__(self, ctl, conf, today, work):
        self.ctl, self.conf, self.today, self.work = ctl, conf, today, work
        text = open(conf, encoding="utf-8").read()
        m = re.search(r"^\s*horizon_days\s*=\s*(\d+)\s*;", text, re.M)
        if not m:
            raise Fatal("%s: no horizon_days" % conf)
        t = datetime.date.fromisoformat(today)
        self.t = t
        # the published window: whole years, from 1 January of last
        # year to 31 December of the horizon's year (cad_publish_window)
        self.first = datetime.date(t.year - 1, 1, 1)
        self.last = datetime.date(
            (t + datetime.timedelta(days=int(m.group(1)))).year, 12, 31)
        self.publish_attendees = re.search(
            r"^\s*publish_attendees\s*=\s*true\s*;", text, re.M) is not None
        self.holidays = {}
        m = re.search(r'^\s*languages\s*=\s*\[\s*"(\w+)"', text, re.M)
        self.lang = m.group(1) if m else "fi"
        self.groups = {g: re.findall(r'"([^"]+)"', members) for g, members
                       in re.findall(r'\{\s*id\s*=\s*"([^"]+)"\s*;[^{}]*?'
                                     r'members\s*=\s*\[([^\]]*)\]', text)}

    def ctl_run(self, *args, ok=(0,)):
        return run(self.ctl, self.conf, self.today, *args, ok=ok)

    def occurrences(self, *filt):
        # the texts (location) of the default language, as in calendars/
        p = self.ctl_run("--lang", self.lang, "occurrences", "--from",
                         self.first.isoformat(), "--to",
                         self.last.isoformat(), "--json", *filt)
        return json.loads(p.stdout.decode("utf-8"))

    def working_day(self, d):
        y = d.year
        if y not in self.holidays:
            p = self.ctl_run("holidays", "--year", str(y), "--json")
            self.holidays[y] = {h["date"] for h in
                                json.loads(p.stdout.decode("utf-8"))}
        return d.weekday() < 5 and d.isoformat() not in self.holidays[y]

    def free_day(self, occ, uid, after, avoid=()):
        """A working day after `after`, no meeting of uid on it."""
        taken = {o["start"][:10] for o in occ if o["uid"] == uid}
        d = after
        for _ in range(60):
            d += datetime.timedelta(days=1)
            if d.isoformat() in taken or d.isoformat() in avoid:
                continue
            if self.working_day(d):
                return d
        raise Fatal("no free working day after %s for %s" % (after, uid))

    def export(self, name):
        d = os.path.join(self.work, name)
        self.ctl_run("export", "--dir", d)
        return d


def feeds_of(d):
    """relative paths of every .ics under d/calendars"""
    out = []
    for root, _, files in os.walk(os.path.join(d, "calendars")):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), d)
            if f.startswith("."):
                fail(rel, "a temporary file was left behind")
            elif f.endswith(".ics"):
                out.append(rel)
    return sorted(out)


def all_day(where, ev):
    """ev is all-day: DTSTART;VALUE=DATE, the exclusive DTEND the next
    day; its date"""
    st, en = ev["DTSTART"].dt, ev["DTEND"].dt
    if isinstance(st, datetime.datetime) or \
            isinstance(en, datetime.datetime) or \
            en != st + datetime.timedelta(days=1):
        fail(where, "%s: not all-day with DTEND the next day"
             % ev.get("UID"))
    return st.isoformat()


def party_tasks(where, s, raw, party):
    """The owner's task deadlines end its party feed (SPEC section 10.3):
    the all-day VEVENTs with a "task-" UID are the task deadlines of
    `deadlines --json` with that party; the feed without them is
    returned for the occurrence checks."""
    cal = icalendar.Calendar.from_ical(raw)
    tasks = [c for c in cal.subcomponents if c.name == "VEVENT" and
             str(c["UID"]).startswith("task-")]
    got = []
    for ev in tasks:
        # "task-<task id>-<YYYY-MM-DD>-<party>@<domain>"
        base = str(ev["UID"]).split("@")[0]
        if not base.endswith("-" + party):
            fail(where, "%s: a task of another party" % ev["UID"])
            continue
        base = base[:-len(party) - 1]
        if base[-10:] != all_day(where, ev):
            fail(where, "%s: UID and DTSTART differ" % ev["UID"])
        got.append((base[len("task-"):-11], base[-10:]))
    got.sort()
    p = s.ctl_run("deadlines", "--json")
    want = sorted((x["task"], x["date"])
                  for x in json.loads(p.stdout.decode())
                  if x["kind"] == "task" and x["party"] == party)
    if got != want:
        fail(where, "task deadlines %s, deadlines --json %s"
             % (got, want))
    cal.subcomponents = [c for c in cal.subcomponents if c not in tasks]
    return cal.to_ical()


def check_export(s, d, forum_ids, party_ids):
    """Checks 1 and 3 on every feed under d; writes d/expected.json and
    returns {path: {uid: SEQUENCE}}."""
    paths = feeds_of(d)
    have = set(paths)
    for flat in ("", "flat/"):
        want_paths = {"calendars/%sall.ics" % flat}
        want_paths |= {"calendars/%sforum/%s.ics" % (flat, f)
                       for f in forum_ids}
        want_paths |= {"calendars/%sparty/%s.ics" % (flat, p)
                       for p in party_ids}
        for p in sorted(want_paths - have):
            fail(d, "no feed %s" % p)
    expected = {}
    seqs = {}
    nevents = 0
    for rel in paths:
        where = "%s:%s" % (os.path.basename(s.conf), rel)
        raw = full = open(os.path.join(d, rel), "rb").read()
        check_format(where, raw, s.publish_attendees)
        parts = rel.split("/")
        flat = len(parts) > 2 and parts[1] == "flat"
        if flat:
            parts = parts[:1] + parts[2:]
        if parts == ["calendars", "all.ics"]:
            filt = []
        elif len(parts) == 3 and parts[1] == "forum":
            filt = ["--forum", parts[2][:-4]]
        elif len(parts) == 3 and parts[1] == "party":
            filt = ["--party", parts[2][:-4]]
            # a flat feed holds meetings only (SPEC section 10.6)
            if not flat:
                raw = party_tasks(where, s, raw, parts[2][:-4])
        elif rel == "calendars/deadlines.ics":
            # all-day deadlines (SPEC section 5, 7): DTSTART;VALUE=DATE,
            # the exclusive DTEND the next day, the dates of
            # `cadencectl deadlines --json`
            cal = icalendar.Calendar.from_ical(raw)
            days = [all_day(where, ev) for ev in cal.walk("VEVENT")]
            p = s.ctl_run("deadlines", "--json")
            want = [d["date"] for d in json.loads(p.stdout.decode())]
            if sorted(days) != sorted(want):
                fail(where, "dates %s, deadlines --json %s"
                     % (sorted(days), sorted(want)))
            continue
        else:
            fail(where, "a feed the daemon does not serve")
            continue
        want = s.occurrences(*filt)
        cal = check_content(where, raw, want, flat)
        if cal is None:
            continue
        nevents += len(want)
        if flat:
            check_flat(where, cal)
            expected[rel] = sorted(list(t) for t in flat_tuples(want))
            continue
        seqs[rel] = sequences(where, icalendar.Calendar.from_ical(full))
        expected[rel] = sorted(list(t) for t in want_tuples(want))
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"from": s.first.isoformat(), "to": s.last.isoformat(),
                   "feeds": expected}, f, indent=1)
    print("  %s: %d feeds, %d instances checked"
          % (os.path.basename(d), len(paths), nevents))
    return seqs


def pick(occ, s, exclude_uids=()):
    """A CONFIRMED, unmoved instance well inside the window."""
    lo = s.t + datetime.timedelta(days=20)
    hi = s.last - datetime.timedelta(days=60)
    for o in occ:
        day = datetime.date.fromisoformat(o["start"][:10])
        if o["status"] == "CONFIRMED" and o["moved_from"] is None and \
                o["start"] == o["recurrence_id"] and lo <= day <= hi and \
                o["uid"] not in exclude_uids:
            return o
    return None


def target_args(o, date):
    a = [o["forum"], date]
    if o["party"] is not None:
        a += ["--party", o["party"]]
    return a


def main():
    if len(sys.argv) != 5:
        print("usage: %s CADENCECTL CONF TODAY WORKDIR" % PROG)
        return 2
    s = Setup(*sys.argv[1:])
    name = os.path.basename(s.conf)

    forums = json.loads(s.ctl_run("forums", "--json").stdout.decode())
    forum_ids = [f["id"] for f in forums]
    party_ids = set()
    for f in forums:
        party_ids.add(f["convenor"])
        party_ids.update(f.get("participants") or [])
        party_ids.update(f.get("for_each") or [])
    # convenor = "member" names no party; a group (SPEC 10.1) stands for
    # its members, each with a feed of its own
    party_ids.discard("member")
    for g, members in s.groups.items():
        if g in party_ids:
            party_ids.discard(g)
            party_ids.update(members)

    occ = s.occurrences()
    cancel = pick(occ, s)
    move = pick(occ, s, exclude_uids={cancel["uid"]} if cancel else ())
    if move is None:
        move = pick([o for o in occ if o is not cancel], s)
    if cancel is None or move is None:
        raise Fatal("%s: no instance to cancel and move in %s .. %s"
                    % (name, s.first, s.last))

    # cancel one instance (a reason with TEXT specials) and move another
    s.ctl_run("cancel", *target_args(cancel, cancel["start"][:10]),
              "--reason", "Testi, e2e; peruttu \\ syystä")
    old_day = datetime.date.fromisoformat(move["start"][:10])
    new_day = s.free_day(occ, move["uid"], old_day)
    new_time = "10:30" if move["start"][11:16] != "10:30" else "11:15"
    s.ctl_run("move", *target_args(move, move["start"][:10]),
              new_day.isoformat(), new_time)
    print("  %s: cancelled %s %s, moved %s %s -> %s %s"
          % (name, cancel["uid"], cancel["start"], move["uid"],
             move["start"], new_day, new_time))

    occ = s.occurrences()
    mine = [o for o in occ if o["uid"] == cancel["uid"] and
            o["recurrence_id"] == cancel["recurrence_id"]]
    if len(mine) != 1 or mine[0]["status"] != "CANCELLED":
        fail(name, "occurrences --json does not show the cancel: %s" % mine)
    mine = [o for o in occ if o["uid"] == move["uid"] and
            o["recurrence_id"] == move["recurrence_id"]]
    if len(mine) != 1 or mine[0]["start"][:16] != \
            "%sT%s" % (new_day.isoformat(), new_time):
        fail(name, "occurrences --json does not show the move: %s" % mine)

    # checks 1 and 3
    d1 = s.export("export1")
    seq1 = check_export(s, d1, forum_ids, party_ids)

    # check 4a: a re-run changes nothing, stdout gives the same bytes
    d2 = s.export("export2")
    for rel in feeds_of(d1):
        a = open(os.path.join(d1, rel), "rb").read()
        b2 = os.path.join(d2, rel)
        b = open(b2, "rb").read() if os.path.exists(b2) else b""
        if a != b:
            fail(name, "%s differs between two exports" % rel)
    seq2 = {}
    for rel in seq1:
        seq2[rel] = sequences(rel, icalendar.Calendar.from_ical(
            open(os.path.join(d2, rel), "rb").read()))
    if seq2 != seq1:
        fail(name, "UIDs / SEQUENCEs changed on a re-run: %s -> %s"
             % (seq1, seq2))
    stdout_cases = [([], "calendars/all.ics")]
    stdout_cases.append((["--forum", forum_ids[0]],
                         "calendars/forum/%s.ics" % forum_ids[0]))
    p0 = sorted(party_ids)[0]
    stdout_cases.append((["--party", p0], "calendars/party/%s.ics" % p0))
    for args, rel in stdout_cases:
        out = s.ctl_run("export", *args).stdout
        if out != open(os.path.join(d2, rel), "rb").read():
            fail(name, "export %s on stdout differs from %s"
                 % (" ".join(args), rel))

    # check 4b: a second move of the same series raises its SEQUENCE only
    newer = s.free_day(occ, move["uid"], new_day,
                       avoid={new_day.isoformat()})
    s.ctl_run("move", *target_args(move, new_day.isoformat()),
              newer.isoformat())
    d3 = s.export("export3")
    seq3 = check_export(s, d3, forum_ids, party_ids)
    raised = 0
    for rel, m in seq2.items():
        m3 = seq3.get(rel, {})
        if set(m) != set(m3):
            fail(name, "%s: UIDs changed after a move: %s -> %s"
                 % (rel, sorted(m), sorted(m3)))
        for uid, n in m.items():
            if uid not in m3:
                continue
            if uid == move["uid"]:
                raised += 1
                if not m3[uid] > n:
                    fail(name, "%s: SEQUENCE of moved %s %d -> %d, want "
                         "higher" % (rel, uid, n, m3[uid]))
            elif m3[uid] != n:
                fail(name, "%s: SEQUENCE of unchanged %s %d -> %d"
                     % (rel, uid, n, m3[uid]))
    if raised == 0:
        fail(name, "the moved series %s is in no feed" % move["uid"])

    # write errors: exit 1 with a one-line reason
    p = s.ctl_run("export", "--dir", "/dev/null/x", ok=(1,))
    err = p.stderr.decode("utf-8", "replace").strip().split("\n")
    if len(err) != 1 or not err[0]:
        fail(name, "export to /dev/null/x: want one line, got %r" % err)
    s.ctl_run("export", "--forum", forum_ids[0], "--party", p0, ok=(2,))

    if failures:
        print("%s: FAIL: %s: %d problems" % (PROG, name, len(failures)))
        return 1
    print("%s: ok: %s" % (PROG, name))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fatal as e:
        print("%s: FAIL: %s" % (PROG, e))
        sys.exit(1)
