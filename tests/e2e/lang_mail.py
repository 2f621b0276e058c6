"""lang_mail.py - invitations and reminders in the recipient party's
language (SPEC § 10.4), run by tests/e2e/lang_mail.sh: lang_mail.py
CADENCECTL.

CONF lists languages fi (the default) and sv.  Karleby/Kokkola has
`language = "sv"`, Kannus none (so the default, Finnish), the county is
the convenor.  `invite = "participants"`: all three are invited to the
forum, the 2nd Tuesday of October, 13.00-16.00 (13.10.2026: 1.10.2026 is
a Thursday).  A task owned by Kokkola and Kannus is due 31.1. (a
Saturday in 2026) with a reminder 14 days before: on TODAY, 17.1.2026.

The expected words are written here by hand from CONF and po/sv.po (the
Swedish labels: "Kallelse", "Nästa möte", "kl.", "Plats", ...), and read
back with Python's email package and python3-icalendar; the CalDAV copy
(the organizer's own calendar) is from Radicale, in the default language.
Then a changed Swedish twin alone re-sends the series (to everyone, the
CalDAV object too), and a forum removed is cancelled in each one's
language.
"""
import base64
import email.utils
import os
import subprocess
import sys
import urllib.request

import icalendar

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

ME = "lang_mail.sh"
CTL = os.path.abspath(sys.argv[1])
TODAY = "2026-01-17"
USER, PASSWORD = "hyte", "s3cret pass"
RUN = peers.Run(ME, "lang-mail.")
check, need, messages = RUN.check, RUN.need, RUN.messages
subject, tmp = peers.subject, RUN.tmp

SV_FORUM = "Forum för främjande av välfärd och hälsa"
SV_FORUM2 = "Samarbetsforum för välfärd och hälsa"
FI_FORUM = "Hyte-foorumi"
UID = "hyte-foorumi@kpho.example"
KOKKOLA, KANNUS, HVA = ("kirjaamo@kokkola.example",
                        "kirjaamo@kannus.example", "kirjaamo@soite.example")

FORUM = """
  { id = "hyte-foorumi";
    name = "Hyte-foorumi";
    name_sv = "%(forum_sv)s";
    description = "Hyvinvoinnin ja terveyden edistämisen yhteistyö.";
    description_sv = "Samarbete för främjande av välfärd och hälsa.";
    location = "Kokkolan kaupungintalo";
    location_sv = "Karleby stadshus";
    legal_basis = "612/2021 6 §";
    convenor = "hva";
    participants = [ "hva", "kokkola", "kannus" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 180; },"""

CONF = """
languages = [ "fi", "sv" ];
timezone = "Europe/Helsinki"; domain = "kpho.example";
state_dir = "var"; horizon_days = 400; holidays = "FI";
http = { listen = "127.0.0.1:1"; base_url = "https://kpho.example/"; };
organizer = { name = "Hyte-koordinaattori"; name_sv = "Hyte-koordinator";
  email = "hyte@kpho.example"; };
parties = (
  { id = "hva"; name = "Keski-Pohjanmaan hyvinvointialue";
    name_sv = "Mellersta Österbottens välfärdsområde";
    email = "kirjaamo@soite.example"; },
  { id = "kokkola"; name = "Kokkolan kaupunki"; name_sv = "Karleby stad";
    email = "kirjaamo@kokkola.example"; language = "sv"; },
  { id = "kannus"; name = "Kannuksen kaupunki"; name_sv = "Kannus stad";
    email = "kirjaamo@kannus.example"; }
);
forums = (%(forum)s
  { id = "vuosikokous"; name = "Vuosikokous"; name_sv = "Årsmöte";
    convenor = "hva"; participants = [ "hva" ];
    rrule = "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=20";
    start = "2026-01-01"; time = "10:00"; duration = 60; }
);
tasks = (
  { id = "kertomus"; name = "Hyvinvointikertomus";
    name_sv = "Välfärdsberättelse";
    legal_basis = "1326/2010 12 §";
    owners = [ "kokkola", "kannus" ];
    due = "01-31"; start = "2026-01-01"; remind_days = [ 14 ]; }
);
invite = "participants";
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/forums/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""


def write_conf(ports, forum_sv=SV_FORUM, with_forum=True):
    forum = FORUM % {"forum_sv": forum_sv} if with_forum else ""
    with open(os.path.join(tmp, "cadenced.conf"), "w") as f:
        f.write(CONF % dict(ports, forum=forum))


def ctl(*args):
    r = subprocess.run([CTL, "-c", os.path.join(tmp, "cadenced.conf"),
                        "--today", TODAY] + list(args),
                       capture_output=True, text=True, timeout=120)
    need(r.returncode == 0, "cadencectl %s: exit %d: %s"
         % (" ".join(args), r.returncode, r.stderr))
    return r


def dav_get(url):
    return peers.dav_body("GET", url, USER, PASSWORD)


def parts(msg):
    """(text/plain, the calendar of the text/calendar part or None)"""
    text, cal = "", None
    for p in msg.walk():
        if p.get_content_type() == "text/plain" and not text:
            text = p.get_payload(decode=True).decode("utf-8")
        elif p.get_content_type() == "text/calendar" and cal is None:
            cal = icalendar.Calendar.from_ical(p.get_payload(decode=True))
    return text, cal


def to(m):
    return m["To"].split("<")[-1].rstrip(">").lower()


def master(cal):
    evs = [c for c in cal.walk() if c.name == "VEVENT"]
    need(evs, "a calendar without a VEVENT")
    return [e for e in evs if "RECURRENCE-ID" not in e][0]


def cns(ev):
    """the CN of each ATTENDEE, sorted"""
    att = ev.get("ATTENDEE", [])
    return sorted(str(a.params.get("CN")) for a in
                  (att if isinstance(att, list) else [att]))


def has_all(text, words, who):
    for w in words:
        check(w in text, "%s: no %r in %r" % (who, w, text[:900]))


def has_none(text, words, who):
    for w in words:
        check(w not in text, "%s: %r in %r" % (who, w, text[:900]))


def first_delivery(dav_base):
    ctl("outbox", "--deliver")
    mail = {}
    for m in messages():
        s = subject(m)
        if s.startswith(("Kutsu:", "Kallelse:")) and (
                FI_FORUM in s or SV_FORUM in s):
            mail[to(m)] = m
    need(set(mail) == {KOKKOLA, KANNUS, HVA},
         "invitations of the forum went to %s" % sorted(mail))

    sv = mail[KOKKOLA]
    check(subject(sv) == "Kallelse: " + SV_FORUM,
          "Swedish Subject %r" % subject(sv))
    check(email.utils.parseaddr(sv["To"])[0] == "Karleby stad",
          "Swedish To: %s" % sv["To"])
    check(email.utils.parseaddr(sv["From"])[0] == "Hyte-koordinator",
          "Swedish From: %s" % sv["From"])
    text, cal = parts(sv)
    has_all(text, ["Kallelse till möte: " + SV_FORUM,
                   "Forum: " + SV_FORUM,
                   "Nästa möte: ti 13.10.2026 kl. 13.00–16.00",
                   "Plats: Karleby stadshus",
                   "Sammankallare: Mellersta Österbottens välfärdsområde",
                   "Kommande möten:",
                   "Kalender: https://kpho.example/sv/calendars/forum/"
                   "hyte-foorumi.ics",
                   "Hyte-koordinator <hyte@kpho.example>"], "Swedish text")
    has_none(text, ["Kutsu", "Foorumi", "klo", "Paikka", "Koollekutsuja",
                    "Kokkolan", "Keski-Pohjanmaan"], "Swedish text")
    ev = master(cal)
    check(str(ev["SUMMARY"]) == SV_FORUM, "Swedish SUMMARY %s" % ev["SUMMARY"])
    check(str(ev["LOCATION"]) == "Karleby stadshus",
          "Swedish LOCATION %s" % ev.get("LOCATION"))
    desc = str(ev["DESCRIPTION"])
    has_all(desc, ["Samarbete för främjande av välfärd och hälsa.",
                   "Sammankallare: Mellersta Österbottens välfärdsområde",
                   "Deltagare: Mellersta Österbottens välfärdsområde, "
                   "Karleby stad, Kannus stad"], "Swedish DESCRIPTION")
    check(cns(ev) == ["Kannus stad", "Karleby stad",
                      "Mellersta Österbottens välfärdsområde"],
          "Swedish ATTENDEE CNs %s" % cns(ev))

    for addr in (KANNUS, HVA):
        fi = mail[addr]
        check(subject(fi) == "Kutsu: " + FI_FORUM,
              "Finnish Subject %r to %s" % (subject(fi), addr))
        text, cal = parts(fi)
        has_all(text, ["Kutsu kokoukseen: Hyte-foorumi",
                       "Foorumi: Hyte-foorumi",
                       "Seuraava kokous: ti 13.10.2026 klo 13.00–16.00",
                       "Paikka: Kokkolan kaupungintalo",
                       "Koollekutsuja: Keski-Pohjanmaan hyvinvointialue",
                       "Kalenteri: https://kpho.example/calendars/forum/"
                       "hyte-foorumi.ics"], "Finnish text to " + addr)
        has_none(text, ["Kallelse", "kl.", "Karleby", "Mellersta"],
                 "Finnish text to " + addr)
        ev = master(cal)
        check(str(ev["SUMMARY"]) == FI_FORUM,
              "Finnish SUMMARY %s" % ev["SUMMARY"])
        check("Koollekutsuja: Keski-Pohjanmaan hyvinvointialue" in
              str(ev["DESCRIPTION"]), "Finnish DESCRIPTION")
        check(cns(ev) == ["Kannuksen kaupunki", "Keski-Pohjanmaan "
                          "hyvinvointialue", "Kokkolan kaupunki"],
              "Finnish ATTENDEE CNs %s to %s" % (cns(ev), addr))

    # the organizer's own CalDAV copy: the default language
    ev = master(icalendar.Calendar.from_ical(dav_get(dav_base + UID +
                                                     ".ics")))
    check(str(ev["SUMMARY"]) == FI_FORUM, "CalDAV SUMMARY %s" % ev["SUMMARY"])
    return int(ev["SEQUENCE"])


def reminders():
    rem = {to(m): m for m in messages()
           if subject(m).startswith(("Muistutus:", "Påminnelse:"))}
    need(set(rem) == {KOKKOLA, KANNUS},
         "reminders went to %s" % sorted(rem))
    sv, fi = rem[KOKKOLA], rem[KANNUS]
    # 31.1.2026 - 17.1.2026 = 14 days; 31.1.2026 is a Saturday (lö/la)
    check(subject(sv) == "Påminnelse: Välfärdsberättelse: Karleby stad "
          "31.1.2026 (om 14 dagar)", "Swedish reminder %r" % subject(sv))
    text, _ = parts(sv)
    has_all(text, ["Uppgift: Välfärdsberättelse (1326/2010 12 §)",
                   "Tidsfrist: lö 31.1.2026", "Tid kvar: 14 dagar",
                   "Part: Karleby stad", "Vad ska göras:",
                   "https://kpho.example/sv/calendars/deadlines.ics",
                   "Påminnelser skickas 14 dagar före tidsfristen."],
            "Swedish reminder")
    flat = " ".join(text.split())
    check("klar senast 31.1.2026 (varje år)" in flat,
          "Swedish reminder: what to do: %r" % flat)
    has_none(flat, ["Muistutus", "Tehtävä", "päivää", "tänä päivänä",
                    "Kokkolan"], "Swedish reminder")
    check(subject(fi) == "Muistutus: Hyvinvointikertomus: Kannuksen "
          "kaupunki 31.1.2026 (14 päivän päästä)", "Finnish reminder %r"
          % subject(fi))
    text, _ = parts(fi)
    has_all(text, ["Tehtävä: Hyvinvointikertomus (1326/2010 12 §)",
                   "Määräaika: la 31.1.2026", "Aikaa jäljellä: 14 päivää"],
            "Finnish reminder")
    has_none(text, ["Påminnelse", "Karleby", "dagar"], "Finnish reminder")


def main():
    ports = {"dav": peers.free_port(), "smtp": peers.free_port()}
    write_conf(ports)
    pw = os.path.join(tmp, "caldav.pass")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pw, 0o600)
    RUN.start_radicale(ports["dav"], USER, PASSWORD)
    RUN.start_sink(ports["smtp"])
    base = "http://127.0.0.1:%d/hyte/forums/" % ports["dav"]
    req = urllib.request.Request(base, method="MKCALENDAR")
    req.add_header("Authorization", "Basic " + base64.b64encode(
        ("%s:%s" % (USER, PASSWORD)).encode()).decode())
    urllib.request.urlopen(req, timeout=10).close()

    seq = first_delivery(base)
    reminders()

    # only the Swedish twin changes: a new SEQUENCE, and everyone hears
    n = len(messages())
    write_conf(ports, forum_sv=SV_FORUM2)
    ctl("outbox", "--deliver")
    new = [m for m in messages()[n:]]
    got = {to(m): subject(m) for m in new}
    check(got == {KOKKOLA: "Uppdaterad: " + SV_FORUM2,
                  KANNUS: "Päivitetty: " + FI_FORUM,
                  HVA: "Päivitetty: " + FI_FORUM},
          "after the Swedish twin changed: %s" % got)
    ev = master(icalendar.Calendar.from_ical(dav_get(base + UID + ".ics")))
    check(int(ev["SEQUENCE"]) > seq, "CalDAV SEQUENCE %s not above %d"
          % (ev["SEQUENCE"], seq))

    # the forum is gone: a CANCEL in each one's language
    n = len(messages())
    write_conf(ports, with_forum=False)
    ctl("outbox", "--deliver")
    got = {to(m): subject(m) for m in messages()[n:]}
    check(got == {KOKKOLA: "Inställt: " + SV_FORUM2,
                  KANNUS: "Peruttu: " + FI_FORUM,
                  HVA: "Peruttu: " + FI_FORUM},
          "the cancels of the gone forum: %s" % got)
    for m in messages()[n:]:
        text, _ = parts(m)
        if to(m) == KOKKOLA:
            check(text.startswith("Mötesserien har ställts in: " +
                                  SV_FORUM2), "Swedish cancel %r" % text)


if __name__ == "__main__":
    RUN.finish(main, keep=True)
