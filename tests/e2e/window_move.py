#!/usr/bin/python3
"""window_move.py - invitations change only when what a recipient sees
does (issue 19 item 2), run by tests/e2e/window_move.sh.

CONF: "tyoryhma" meets on the 2nd Wednesday of every month at 13:00 from
1.1.2026, "foorumi" on the 2nd Tuesday of October; both invite hva and
kajaani, through CalDAV (Radicale) and e-mail (aiosmtpd).  horizon_days
400: standing on 1.6.2026 the publish window is 1.1.2025 .. 31.12.2027,
on 31.12.2026 it ends 31.12.2028 (31.12.2026 + 400 days is in 2028), on
1.1.2027 it starts 1.1.2026, on 1.6.2027 it is 1.1.2026 .. 31.12.2028.

Days by hand: 1.1.2026 is a Thursday.  1.9.2026 is 243 days on (243 mod
7 = 5): a Tuesday, so the 2nd Wednesday is 9.9.2026; 1.11.2026 is 304
days on (mod 7 = 3): a Sunday -> 11.11.2026.  1.1.2027 is a Friday,
1.10.2027 273 days on (mod 7 = 0) a Friday -> 13.10.2027.  1.1.2030 is a
Tuesday (2027 Fri, 2028 Sat, leap 2028 -> 2029 Mon, 2030 Tue): the 2nd
Wednesday is 9.1.2030, past every window here.

9.9.2026 is moved to 10.9. and 11.11.2026 cancelled before the first
delivery.  Then delivering on 31.12.2026, 1.1.2027 and 1.6.2027 must add
nothing to the outbox; moving 13.10.2027 to 14.10. on 1.6.2027 must send
"tyoryhma" again (CalDAV and both addresses) and nothing of "foorumi".
"""
import base64
import datetime
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import icalendar
import recurring_ical_events

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

ME = "window_move.sh"
CTL = os.path.abspath(sys.argv[1])
USER, PASSWORD = "hyte", "salasana-123"
TYORYHMA = "tyoryhma@ikkuna.example"
FOORUMI = "foorumi@ikkuna.example"

CONF = """
timezone = "Europe/Helsinki";
domain = "ikkuna.example";
state_dir = "state";
horizon_days = 400;
organizer = { name = "Hyte-koordinaattori"; email = "hyte@ikkuna.example"; };
parties = (
  { id = "hva"; name = "Hyvinvointialue"; email = "kirjaamo@hva.example"; },
  { id = "kajaani"; name = "Kajaanin kaupunki"; email = "kirjaamo@kajaani.example"; }
);
forums = (
  { id = "tyoryhma"; name = "Työryhmä"; convenor = "hva";
    participants = [ "hva", "kajaani" ];
    rrule = "FREQ=MONTHLY;BYDAY=2WE";
    start = "2026-01-01"; time = "13:00"; duration = 90; },
  { id = "foorumi"; name = "Foorumi"; convenor = "hva";
    participants = [ "hva", "kajaani" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 120; }
);
invite = "participants";
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/kokoukset/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

RUN = peers.Run(ME, "window-move-e2e.")
check, need = RUN.check, RUN.need


def dav(method, url, body=None):
    req = urllib.request.Request(url, data=body, method=method)
    auth = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
    req.add_header("Authorization", "Basic " + auth)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    conf = os.path.join(RUN.tmp, "cadenced.conf")
    dav_port, smtp_port = peers.free_port(), peers.free_port()
    with open(conf, "w", encoding="utf-8") as f:
        f.write(CONF % {"dav": dav_port, "smtp": smtp_port})
    pw = os.path.join(RUN.tmp, "caldav.pass")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pw, 0o600)

    def ctl(today, *args):
        r = subprocess.run([CTL, "-c", conf, "--today", today] + list(args),
                           capture_output=True, text=True, timeout=120)
        need(r.returncode == 0, "cadencectl --today %s %s: exit %d: %s" % (
            today, " ".join(args), r.returncode, r.stderr.strip()))
        return r

    def rows(today):
        """(uid, channel, target) of every outbox row, oldest first"""
        return [(e["uid"], e["channel"], e["target"]) for e in
                json.loads(ctl(today, "outbox", "--json").stdout)]

    RUN.start_radicale(dav_port, USER, PASSWORD)
    RUN.start_sink(smtp_port)
    base = "http://127.0.0.1:%d/hyte/kokoukset/" % dav_port
    st, body = dav("MKCALENDAR", base)
    need(st == 201, "MKCALENDAR: %d %r" % (st, body[:200]))

    ctl("2026-06-01", "move", "tyoryhma", "2026-09-09", "2026-09-10")
    ctl("2026-06-01", "cancel", "tyoryhma", "2026-11-11")
    ctl("2026-06-01", "outbox", "--deliver")
    first = rows("2026-06-01")
    sent = len(RUN.messages())
    check(sent >= 4, "first delivery: %d messages" % sent)
    check({r[0] for r in first if r[1] == "caldav"} == {TYORYHMA, FOORUMI},
          "first delivery: CalDAV rows %r" % first)

    # the object as stored: an open-ended rule, read by recurring-ical-events
    st, body = dav("GET", base + TYORYHMA + ".ics")
    need(st == 200, "GET %s: %d" % (TYORYHMA, st))
    cal = icalendar.Calendar.from_ical(body)
    master = [c for c in cal.walk("VEVENT") if "RECURRENCE-ID" not in c][0]
    rule = master["RRULE"]
    check("COUNT" not in rule and "UNTIL" not in rule,
          "the CalDAV rule is bounded: %r" % rule.to_ical())
    evs = recurring_ical_events.of(cal).between((2026, 1, 1), (2030, 2, 1))
    starts = [e.decoded("DTSTART").replace(tzinfo=None) for e in evs
              if str(e.get("STATUS", "CONFIRMED")) != "CANCELLED"]
    dt = datetime.datetime
    check(dt(2026, 9, 10, 13, 0) in starts and dt(2026, 9, 9, 13, 0)
          not in starts, "the move of 9.9.2026 is not read: %r" % starts)
    check(dt(2026, 11, 11, 13, 0) not in starts,
          "the cancelled 11.11.2026 is read as a meeting")
    check(dt(2030, 1, 9, 13, 0) in starts,
          "9.1.2030 (past the window) is not in the series: %r"
          % starts[-3:])

    # the window moves on: nothing is sent
    for today in ("2026-12-31", "2027-01-01", "2027-06-01"):
        ctl(today, "outbox", "--deliver")
        now = rows(today)
        check(now == first, "--today %s: new outbox rows %r"
              % (today, now[len(first):]))
        check(len(RUN.messages()) == sent, "--today %s: %d new messages"
              % (today, len(RUN.messages()) - sent))

    # a real change still sends, to everyone who sees it, and only that
    ctl("2027-06-01", "move", "tyoryhma", "2027-10-13", "2027-10-14")
    ctl("2027-06-01", "outbox", "--deliver")
    new = rows("2027-06-01")[len(first):]
    check(sorted(new) == sorted([
        (TYORYHMA, "caldav", base + TYORYHMA + ".ics"),
        (TYORYHMA, "smtp", "kirjaamo@hva.example"),
        (TYORYHMA, "smtp", "kirjaamo@kajaani.example")]),
        "a move on 1.6.2027: new rows %r" % new)
    mails = RUN.messages()[sent:]
    check(len(mails) == 2 and all(peers.subject(m).startswith("Päivitetty")
                                  for m in mails),
          "a move on 1.6.2027: %r" % [peers.subject(m) for m in mails])


if __name__ == "__main__":
    RUN.finish(main)
