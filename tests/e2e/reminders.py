#!/usr/bin/python3
"""reminders.py - deadline reminders end to end (SPEC § 6, § 7), run by
tests/e2e/reminders.sh.

The agreement of CONF: effective 2023-06-01, notice 12 months, council
term 2025-06-01 .. 2029-05-31, remind_days [90, 30, 7], notify hva (and
sotkamo, which has no e-mail address).  Its notice deadline is the last
day N with N + 12 months <= 2029-05-31 (SPEC § 7): 2028-05-31.  The
reminder days are computed here with datetime, not by the program.

cadencectl: on D-22 the 30-day reminder is the latest whose day has come
(the 90-day one was missed: skipped), sent once; again on D-22 nothing;
on D-6 the 7-day one, once.  The daemon (when built): the same with a
fresh state, across restarts.  The SMTP sink is aiosmtpd's Mailbox
handler on 127.0.0.1 and a port chosen at run time.

Tasks (SPEC § 10.3), TASK_CONF: "raportti", owners kajaani and the
group "ita" (its one member sotkamo), due 30.6. every year from 2026,
remind_days [60, 14], remind_roles [ "hyte" ]: reminder days
30.6.2026 - 60 = 1.5.2026 and 30.6.2026 - 14 = 16.6.2026.  The
recipients, read off TASK_CONF by hand (SPEC § 10.1): kajaani's "hyte"
contact hyte@kajaani.example (not its "johto" one); sotkamo has no
"hyte" contact: its own email kirjaamo@sotkamo.example.  Each is
reminded once per task, owner and offset; a daemon down over a reminder
day catches up only the latest one; a task recorded done (`cadencectl
done`) gets no more.
"""
import datetime
import email
import email.utils
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

icalendar = peers.require("reminders.sh", "icalendar")

ME = "reminders.sh"
CTL = os.path.abspath(sys.argv[1])
DAEMON = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None

DEADLINE = datetime.date(2028, 5, 31)   # 2029-05-31 - 12 months
ORGANIZER = "hyte@kainuu.example"
NOTIFY = "kirjaamo@hva.example"
TITLE = ("Viimeinen irtisanomispäivä valtuustokauden lopussa "
         "päättyvälle sopimukselle")
UID = "notice-%s@kainuu.example" % DEADLINE.isoformat()
WEEKDAYS_FI = ["ma", "ti", "ke", "to", "pe", "la", "su"]

CONF = """
timezone = "Europe/Helsinki";
domain = "kainuu.example";
state_dir = "%(state)s";
horizon_days = 550;
http = { listen = "127.0.0.1:%(http)d"; base_url = "http://127.0.0.1:%(http)d/"; };
holidays = "FI";
council_terms = ( { start = "2025-06-01"; end = "2029-05-31"; } );
organizer = { name = "Hyte-koordinaattori"; email = "hyte@kainuu.example"; };
parties = (
  { id = "hva"; name = "Kainuun hyvinvointialue"; email = "kirjaamo@hva.example"; },
  { id = "sotkamo"; name = "Sotkamon kunta"; }
);
forums = (
  { id = "neuvottelu";
    name = "Neuvottelu";
    convenor = "hva";
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 120; }
);
agreement = {
  title = "Strateginen yhteistyösopimus";
  effective = "2023-06-01";
  notice_months = 12;
  renew_within_months = 12;
  remind_days = [ 90, 30, 7 ];
  notify = [ "hva", "sotkamo" ];
};
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

TASK_DUE = datetime.date(2026, 6, 30)
TASK_TITLE = "Vuosiraportti valtuustolle"
KAJAANI = "hyte@kajaani.example"
SOTKAMO = "kirjaamo@sotkamo.example"
TASK_CONF = """
timezone = "Europe/Helsinki";
domain = "kainuu.example";
state_dir = "%(state)s";
horizon_days = 550;
http = { listen = "127.0.0.1:%(http)d"; base_url = "http://127.0.0.1:%(http)d/"; };
council_terms = ( { start = "2025-06-01"; end = "2029-05-31"; } );
organizer = { name = "Hyte-koordinaattori"; email = "hyte@kainuu.example"; };
parties = (
  { id = "hva"; name = "Kainuun hyvinvointialue"; email = "kirjaamo@hva.example"; },
  { id = "kajaani"; name = "Kajaanin kaupunki"; email = "kirjaamo@kajaani.example";
    contacts = (
      { role = "johto"; name = "Kaupunginjohtaja"; email = "johtaja@kajaani.example"; },
      { role = "hyte"; name = "Hyte-koordinaattori"; email = "hyte@kajaani.example"; } ); },
  { id = "sotkamo"; name = "Sotkamon kunta"; email = "kirjaamo@sotkamo.example";
    contacts = (
      { role = "johto"; name = "Kunnanjohtaja"; email = "johtaja@sotkamo.example"; } ); }
);
groups = ( { id = "ita"; name = "Itäiset kunnat"; members = [ "sotkamo" ]; } );
forums = (
  { id = "neuvottelu"; name = "Neuvottelu"; convenor = "hva";
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 120; }
);
tasks = (
  { id = "raportti"; name = "Vuosiraportti valtuustolle";
    legal_basis = "612/2021 6 §";
    owners = [ "kajaani", "ita" ];
    due = "06-30"; start = "2026-01-01";
    remind_days = [ 60, 14 ]; remind_roles = [ "hyte" ]; }
);
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

RUN = peers.Run(ME, "reminders-e2e.", stop_wait=10, poll_step=0.05)
failures, tmp = RUN.failures, RUN.tmp
check, need, messages, stop = RUN.check, RUN.need, RUN.messages, RUN.stop
start_sink, free_port, subject = RUN.start_sink, peers.free_port, peers.subject
Fatal = peers.Fatal


def poll_until(what, timeout, step=0.05):
    return peers.poll_until(what, timeout, step)


def reminders():
    """the reminder e-mails received so far (invitations are not)"""
    return [m for m in messages() if subject(m).startswith("Muistutus:")]


def fi_date(d):
    """"ke 31.5.2028" """
    return "%s %d.%d.%d" % (WEEKDAYS_FI[d.weekday()], d.day, d.month,
                            d.year)


def check_reminder(msg, today, what):
    """one reminder of the notice deadline received on today"""
    left = (DEADLINE - today).days
    want = "Muistutus: %s %d.%d.%d (%d päivän päästä)" % (
        TITLE, DEADLINE.day, DEADLINE.month, DEADLINE.year, left)
    check(subject(msg) == want, "%s: Subject %r, not %r"
          % (what, subject(msg), want))
    check(email.utils.parseaddr(msg["From"])[1] == ORGANIZER,
          "%s: From %r" % (what, msg["From"]))
    check(email.utils.parseaddr(msg["To"])[1] == NOTIFY,
          "%s: To %r" % (what, msg["To"]))
    for h in ("Date", "Message-ID", "MIME-Version"):
        check(msg[h] is not None, "%s: no %s header" % (what, h))
    check(msg["Date"] is not None and
          email.utils.parsedate_to_datetime(msg["Date"]) is not None,
          "%s: Date %r does not parse" % (what, msg["Date"]))
    texts = [p for p in msg.walk() if p.get_content_type() == "text/plain"]
    if not check(len(texts) == 1, "%s: %d text/plain parts"
                 % (what, len(texts))):
        return
    check(texts[0].get_content_charset() == "utf-8",
          "%s: text/plain is not utf-8" % what)
    body = texts[0].get_payload(decode=True).decode("utf-8")
    flat = " ".join(body.split())
    for s in (fi_date(DEADLINE), "%d päivää" % left,
              "Strateginen yhteistyösopimus",
              # what to do: the notice is given in writing
              "kirjallisen irtisanomisilmoituksen",
              "viimeistään %d.%d.%d" % (DEADLINE.day, DEADLINE.month,
                                        DEADLINE.year)):
        check(s in flat, "%s: the text lacks %r: %r" % (what, s, body))
    # no calendar part: a reminder is not an invitation
    check(not any(p.get_content_type() == "text/calendar"
                  for p in msg.walk()),
          "%s: a text/calendar part in a reminder" % what)
    ics = [p for p in msg.walk() if p.get_filename() == "maaraaika.ics"]
    if check(len(ics) == 1, "%s: no maaraaika.ics attachment" % what):
        cal = icalendar.Calendar.from_ical(ics[0].get_payload(decode=True))
        evs = [c for c in cal.walk() if c.name == "VEVENT"]
        check(len(evs) == 1 and str(evs[0]["UID"]) == UID and
              evs[0].decoded("DTSTART") == DEADLINE and
              evs[0].decoded("DTEND") == DEADLINE +
              datetime.timedelta(days=1),
              "%s: the attachment is not the all-day deadline" % what)


class Instance:
    """one configuration with its own state"""

    def __init__(self, name, smtp_port, conf=CONF):
        self.dir = os.path.join(tmp, name)
        os.mkdir(self.dir)
        self.conf = os.path.join(self.dir, "cadenced.conf")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(conf % {"state": "state", "http": self.port,
                            "smtp": smtp_port})
        self.proc = None
        self.log = os.path.join(self.dir, "log")

    def ctl(self, today, *args):
        r = subprocess.run([CTL, "-c", self.conf, "--today",
                            today.isoformat()] + list(args),
                           capture_output=True, text=True, timeout=60)
        need(r.returncode == 0, "cadencectl %s: exit %d: %s" % (
            " ".join(args), r.returncode, r.stderr.strip()))
        return r

    def outbox(self, today):
        return [e for e in json.loads(self.ctl(today, "outbox",
                                               "--json").stdout)
                if e["kind"] == "reminder"]

    def start(self, today):
        self.proc = subprocess.Popen(
            [DAEMON, "-c", self.conf, "--today", today.isoformat()]
            + peers.ROOT_OPT,
            stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))
        RUN.procs["cadenced"] = self.proc
        RUN.wait_healthz(self.proc, self.base)

    def stop(self):
        rc = stop("cadenced")
        self.proc = None
        check(rc == 0, "cadenced: SIGTERM exit status %s" % rc)


def cli_part(smtp_port):
    inst = Instance("cli", smtp_port)
    d22 = DEADLINE - datetime.timedelta(days=22)
    d6 = DEADLINE - datetime.timedelta(days=6)

    # D-22: 90 (D-90) and 30 (D-30) have come, 7 (D-7) not: the 30 only
    r = inst.ctl(d22, "outbox", "--deliver")
    got = reminders()
    need(check(len(got) == 1, "cli D-22: %d reminders, not 1 (%s)"
               % (len(got), r.stderr.strip())), "no reminder to check")
    check_reminder(got[0], d22, "cli D-22")
    rows = inst.outbox(d22)
    check(len(rows) == 1 and rows[0]["channel"] == "smtp" and
          rows[0]["uid"] == UID and rows[0]["target"] == NOTIFY and
          rows[0]["state"] == "sent" and rows[0]["sequence"] == 30,
          "cli D-22: outbox rows %r" % rows)
    human = inst.ctl(d22, "outbox").stdout
    check(UID + " (30 pv ennen)" in human,
          "cli D-22: the listing lacks the reminder: %r" % human)

    # the same day again: nothing new
    inst.ctl(d22, "outbox", "--deliver")
    check(len(reminders()) == 1, "cli D-22 again: %d reminders"
          % len(reminders()))
    check(len(inst.outbox(d22)) == 1, "cli D-22 again: a second row")

    # D-6: the 7-day one (due D-7) is caught up, once
    inst.ctl(d6, "outbox", "--deliver")
    got = reminders()
    if check(len(got) == 2, "cli D-6: %d reminders, not 2" % len(got)):
        check_reminder(got[1], d6, "cli D-6")
    inst.ctl(d6, "outbox", "--deliver")
    check(len(reminders()) == 2, "cli D-6 again: %d reminders"
          % len(reminders()))
    rows = inst.outbox(d6)
    check(sorted(r["sequence"] for r in rows) == [7, 30] and
          all(r["state"] == "sent" for r in rows),
          "cli D-6: outbox rows %r" % rows)

    # after the deadline: nothing
    inst.ctl(DEADLINE + datetime.timedelta(days=1), "outbox", "--deliver")
    check(len(reminders()) == 2, "cli D+1: %d reminders"
          % len(reminders()))


def daemon_part(smtp_port):
    inst = Instance("daemon", smtp_port)
    base = len(reminders())
    d22 = DEADLINE - datetime.timedelta(days=22)
    d6 = DEADLINE - datetime.timedelta(days=6)

    def settled(today, n=1):
        """the n reminder rows of the outbox, once all are sent"""
        rows = inst.outbox(today)
        if len(rows) == n and all(r["state"] == "sent" for r in rows):
            return rows
        return None

    inst.start(d22)
    got = poll_until(lambda: len(reminders()) > base, 20)
    if check(got, "cadenced D-22: no reminder within 20 s"):
        rows = poll_until(lambda: settled(d22), 10)
        check(rows and len(rows) == 1 and rows[0]["sequence"] == 30,
              "cadenced D-22: outbox rows %r" % rows)
        check(len(reminders()) == base + 1, "cadenced D-22: %d reminders"
              % (len(reminders()) - base))
        check_reminder(reminders()[base], d22, "cadenced D-22")
    inst.stop()

    # a restart on the same day: the start's planning pass (done before
    # /healthz answers) enqueues nothing more
    inst.start(d22)
    rows = inst.outbox(d22)
    check(len(rows) == 1 and all(r["state"] == "sent" for r in rows),
          "cadenced D-22 restart: outbox rows %r" % rows)
    inst.stop()
    check(len(reminders()) == base + 1, "cadenced D-22 restart: %d "
          "reminders" % (len(reminders()) - base))

    # a restart on D-6: the 7-day reminder, once
    inst.start(d6)
    got = poll_until(lambda: len(reminders()) > base + 1, 20)
    if check(got, "cadenced D-6: no reminder within 20 s"):
        rows = poll_until(lambda: settled(d6, 2), 10)
        check(rows and sorted(r["sequence"] for r in rows) == [7, 30],
              "cadenced D-6: outbox rows %r" % rows)
        check_reminder(reminders()[base + 1], d6, "cadenced D-6")
    inst.stop()
    inst.start(d6)
    rows = inst.outbox(d6)
    check(len(rows) == 2, "cadenced D-6 restart: outbox rows %r" % rows)
    inst.stop()
    check(len(reminders()) == base + 2, "cadenced: %d reminders in all, "
          "not 2" % (len(reminders()) - base))


def task_reminders():
    """(recipient, days left) of the task reminders received so far"""
    out = []
    for m in messages():
        s = subject(m)
        if s.startswith("Muistutus: " + TASK_TITLE):
            out.append((email.utils.parseaddr(m["To"])[1],
                        int(s.rsplit("(", 1)[1].split()[0])))
    return sorted(out)


def task_rows(inst, today):
    return sorted((r["target"], r["sequence"], r["state"])
                  for r in inst.outbox(today))


def task_cli_part(smtp_port):
    inst = Instance("task-cli", smtp_port, TASK_CONF)
    d60 = TASK_DUE - datetime.timedelta(days=60)
    d10 = TASK_DUE - datetime.timedelta(days=10)

    inst.ctl(d60 - datetime.timedelta(days=1), "outbox", "--deliver")
    check(task_reminders() == [], "task D-61: %r" % task_reminders())
    # D-60: each owner once, at its own address
    inst.ctl(d60, "outbox", "--deliver")
    inst.ctl(d60, "outbox", "--deliver")
    check(task_reminders() == [(KAJAANI, 60), (SOTKAMO, 60)],
          "task D-60: %r" % task_reminders())
    # sotkamo reports; on D-10 only kajaani gets the 14-day one
    inst.ctl(d60, "done", "raportti", TASK_DUE.isoformat(), "--party",
             "sotkamo")
    inst.ctl(d10, "outbox", "--deliver")
    inst.ctl(d10, "outbox", "--deliver")
    check(task_reminders() == [(KAJAANI, 10), (KAJAANI, 60),
                               (SOTKAMO, 60)],
          "task D-10: %r" % task_reminders())
    check(task_rows(inst, d10) == [(KAJAANI, 14, "sent"),
                                   (KAJAANI, 60, "sent"),
                                   (SOTKAMO, 60, "sent")],
          "task D-10: outbox %r" % task_rows(inst, d10))


def task_daemon_part(smtp_port):
    inst = Instance("task-daemon", smtp_port, TASK_CONF)
    before = task_reminders()
    d12 = TASK_DUE - datetime.timedelta(days=12)

    # down from before D-60 to D-12: only the 14-day reminders, once
    inst.start(d12)
    check(peers.poll_until(lambda: [r[2] for r in task_rows(inst, d12)]
                           == ["sent", "sent"], 20),
          "task cadenced D-12: outbox %r" % task_rows(inst, d12))
    inst.stop()
    inst.start(d12)		# a restart on the same day: nothing more
    inst.stop()
    inst.start(TASK_DUE)
    inst.stop()
    got = [r for r in task_reminders() if r not in before]
    check(got == [(KAJAANI, 12), (SOTKAMO, 12)],
          "task cadenced: %r" % got)
    check(task_rows(inst, TASK_DUE) == [(KAJAANI, 14, "sent"),
                                        (SOTKAMO, 14, "sent")],
          "task cadenced: outbox %r" % task_rows(inst, TASK_DUE))


def main():
    smtp_port = free_port()
    start_sink(smtp_port)
    cli_part(smtp_port)
    task_cli_part(smtp_port)
    if DAEMON is not None and os.access(DAEMON, os.X_OK):
        daemon_part(smtp_port)
        task_daemon_part(smtp_port)
    else:
        print("%s: no daemon '%s': its part skipped" % (ME, DAEMON))


if __name__ == "__main__":
    RUN.finish(main, keep=True)
