#!/usr/bin/python3
"""window_move.py - invitations change only when what a recipient sees
does (issue 19 item 2), run by tests/e2e/window_move.sh.

CONF: "tyoryhma" meets on the 2nd Wednesday of every month at 13:00 from
1.1.2026 but not in July (a blackout), "foorumi" on the 2nd Tuesday of
October, "itsenaisyys" on 6 December, Independence Day, so every year
moved to the next working day; all invite hva and kajaani, through
CalDAV (Radicale) and e-mail (aiosmtpd).  horizon_days 400: standing on
1.6.2026 the publish window is 1.1.2025 .. 31.12.2027, on 31.12.2026 it
ends 31.12.2028 (31.12.2026 + 400 days is in 2028), on 1.1.2027 it
starts 1.1.2026, on 1.6.2027 it is 1.1.2026 .. 31.12.2028, on
31.12.2027 it ends 31.12.2029 and on 31.12.2028 31.12.2030.  The
invitations' window ends 31.12.2030 (the first multiple of 5 after the
publish window's end year) until the publish window reaches 2030, then
31.12.2035.

Days by hand: 1.1.2026 is a Thursday.  1.9.2026 is 243 days on (243 mod
7 = 5): a Tuesday, so the 2nd Wednesday is 9.9.2026; 1.11.2026 is 304
days on (mod 7 = 3): a Sunday -> 11.11.2026.  1.7.2026 is 181 days on
(mod 7 = 6): a Wednesday -> July's 2nd Wednesday 8.7.2026, blacked out.
1.1.2027 is a Friday, 1.10.2027 273 days on (mod 7 = 0) a Friday ->
13.10.2027.  1.1.2030 is a Tuesday (2027 Fri, 2028 Sat, leap 2028 ->
2029 Mon, 2030 Tue): the 2nd Wednesday is 9.1.2030; 1.7.2030 is 181
days on (mod 7 = 6): a Monday -> 10.7.2030, blacked out.  1.10.2028 is
a Sunday (1.1.2028 Sat + 274 days, mod 7 = 1) -> 11.10.2028.
6 December: 2026 a Sunday (1.1. + 339 days, mod 7 = 3), so Mon 7.12.;
2027 a Monday -> Tue 7.12.; 2028 (leap) a Wednesday -> Thu 7.12.; 2029
a Thursday -> Fri 7.12.; 2030 a Friday -> Mon 9.12.

9.9.2026 is moved to 10.9. and 11.11.2026 cancelled before the first
delivery.  Then delivering on 31.12.2026, 1.1.2027, 1.6.2027 and
31.12.2027 (the publish window's end reaching 2028 and 2029, with their
July blackouts and 6 December moves) must add nothing to the outbox;
moving 11.10.2028 to 12.10. on 31.12.2027 must send "tyoryhma" again
(CalDAV and both addresses) and nothing else.  On 31.12.2028 the
publish window reaches 2030 and the invitations' window 2035: the
series with exceptions in 2031..2035 (tyoryhma's Julys, itsenaisyys'
Decembers) are sent once more, foorumi (never a holiday, never in a
blackout) is not.
"""
import datetime
import json
import os
import subprocess
import sys

import icalendar
import recurring_ical_events

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

ME = "window_move.sh"
CTL = os.path.abspath(sys.argv[1])
USER, PASSWORD = "hyte", "salasana-123"
TYORYHMA = "tyoryhma@ikkuna.example"
FOORUMI = "foorumi@ikkuna.example"
ITSENAISYYS = "itsenaisyys@ikkuna.example"

CONF = """
timezone = "Europe/Helsinki";
domain = "ikkuna.example";
state_dir = "state";
horizon_days = 400;
holidays = "FI";
blackouts = ( { from = "07-01"; to = "07-31"; reason = "Kesälomakausi"; } );
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
    start = "2026-01-01"; time = "13:00"; duration = 120; },
  { id = "itsenaisyys"; name = "Itsenäisyyspäivän kokous"; convenor = "hva";
    participants = [ "hva", "kajaani" ];
    rrule = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=6"; on_holiday = "next";
    start = "2026-01-01"; time = "10:00"; duration = 60; }
);
invite = "participants";
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/kokoukset/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

RUN = peers.Run(ME, "window-move-e2e.")
check, need = RUN.check, RUN.need


def dav(method, url, body=None):
    return peers.dav(method, url, USER, PASSWORD, body)[:2]


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

    def sends(uid):
        """the outbox rows of one update of series uid"""
        return [(uid, "caldav", base + uid + ".ics"),
                (uid, "smtp", "kirjaamo@hva.example"),
                (uid, "smtp", "kirjaamo@kajaani.example")]

    st, body = dav("MKCALENDAR", base)
    need(st == 201, "MKCALENDAR: %d %r" % (st, body[:200]))

    ctl("2026-06-01", "move", "tyoryhma", "2026-09-09", "2026-09-10")
    ctl("2026-06-01", "cancel", "tyoryhma", "2026-11-11")
    ctl("2026-06-01", "outbox", "--deliver")
    first = rows("2026-06-01")
    sent = len(RUN.messages())
    check(sent >= 4, "first delivery: %d messages" % sent)
    check({r[0] for r in first if r[1] == "caldav"} ==
          {TYORYHMA, FOORUMI, ITSENAISYYS},
          "first delivery: CalDAV rows %r" % first)

    def stored(uid):
        """the object as stored, read by recurring-ical-events: its
        master's RRULE and its meetings' starts up to 1.2.2031"""
        st, body = dav("GET", base + uid + ".ics")
        need(st == 200, "GET %s: %d" % (uid, st))
        cal = icalendar.Calendar.from_ical(body)
        master = [c for c in cal.walk("VEVENT")
                  if "RECURRENCE-ID" not in c][0]
        evs = recurring_ical_events.of(cal).between((2026, 1, 1),
                                                    (2031, 2, 1))
        return master["RRULE"], sorted(
            e.decoded("DTSTART").replace(tzinfo=None) for e in evs
            if str(e.get("STATUS", "CONFIRMED")) != "CANCELLED")

    dt = datetime.datetime
    rule, starts = stored(TYORYHMA)
    check("COUNT" not in rule and "UNTIL" not in rule,
          "the CalDAV rule is bounded: %r" % rule.to_ical())
    check(dt(2026, 9, 10, 13, 0) in starts and dt(2026, 9, 9, 13, 0)
          not in starts, "the move of 9.9.2026 is not read: %r" % starts)
    check(dt(2026, 11, 11, 13, 0) not in starts,
          "the cancelled 11.11.2026 is read as a meeting")
    check(dt(2030, 1, 9, 13, 0) in starts,
          "9.1.2030 (past the publish window) is not in the series: %r"
          % starts[-3:])
    check(dt(2026, 7, 8, 13, 0) not in starts and
          dt(2030, 7, 10, 13, 0) not in starts,
          "a July meeting in the blackout: %r" % [
              s for s in starts if s.month == 7])
    # 11 a year in 2026..2030, less the cancelled 11.11.2026, and
    # 8.1.2031 (1.1.2031 is a Wednesday) as the rule gives it
    check(len(starts) == 5 * 11 - 1 + 1 and starts[-1] == dt(2031, 1, 8, 13),
          "tyoryhma 1.1.2026..1.2.2031: %d meetings, the last %s"
          % (len(starts), starts[-1]))
    rule, starts = stored(ITSENAISYYS)
    check(starts == [dt(2026, 12, 7, 10, 0), dt(2027, 12, 7, 10, 0),
                     dt(2028, 12, 7, 10, 0), dt(2029, 12, 7, 10, 0),
                     dt(2030, 12, 9, 10, 0)],
          "itsenaisyys as read: %r" % starts)

    # the window moves on, its end into 2028 and 2029: nothing is sent
    for today in ("2026-12-31", "2027-01-01", "2027-06-01", "2027-12-31"):
        ctl(today, "outbox", "--deliver")
        now = rows(today)
        check(now == first, "--today %s: new outbox rows %r"
              % (today, now[len(first):]))
        check(len(RUN.messages()) == sent, "--today %s: %d new messages"
              % (today, len(RUN.messages()) - sent))

    # a real change still sends, to everyone who sees it, and only that
    ctl("2027-12-31", "move", "tyoryhma", "2028-10-11", "2028-10-12")
    ctl("2027-12-31", "outbox", "--deliver")
    new = rows("2027-12-31")[len(first):]
    check(sorted(new) == sorted(sends(TYORYHMA)),
          "a move on 31.12.2027: new rows %r" % new)
    mails = RUN.messages()[sent:]
    check(len(mails) == 2 and all(peers.subject(m).startswith("Päivitetty")
                                  for m in mails),
          "a move on 31.12.2027: %r" % [peers.subject(m) for m in mails])

    # the invitations' window moves to 2035 once in five years: the
    # series with new exceptions are sent, foorumi is not
    was = rows("2027-12-31")
    ctl("2028-12-31", "outbox", "--deliver")
    new = rows("2028-12-31")[len(was):]
    check(sorted(new) == sorted(sends(TYORYHMA) + sends(ITSENAISYYS)),
          "the invitations' window reaching 2035: new rows %r" % new)


if __name__ == "__main__":
    RUN.finish(main)
