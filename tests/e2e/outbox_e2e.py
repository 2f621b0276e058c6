"""outbox_e2e.py - `cadencectl outbox --deliver` against a real Radicale
(CalDAV) and a real SMTP sink (aiosmtpd's Mailbox handler), SPEC § 6.

Run by tests/e2e/outbox.sh: outbox_e2e.py CADENCECTL.  Every server binds
127.0.0.1 on a port chosen at run time and is stopped at the end.

What it checks, with python3-icalendar and the email package as the
independent readers:
  1. every series is in the CalDAV collection (no METHOD; attendees with
     SCHEDULE-AGENT=CLIENT because smtp is configured too) and was
     e-mailed exactly once to its convenor as a multipart/mixed iMIP
     message whose METHOD agrees in the calendar and the MIME part;
  2. a second --deliver sends nothing and enqueues nothing;
  3. a cancelled instance sends a CANCEL with its RECURRENCE-ID and a
     CalDAV update with a higher SEQUENCE;
  4. a change while the sink is down stays pending with attempts and
     last_error, and is delivered exactly once when the sink is back
     (after --retry).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

icalendar = peers.require("outbox.sh", "icalendar", "python3-icalendar")

CTL = os.path.abspath(sys.argv[1])
TODAY = "2026-01-15"
USER, PASSWORD = "hyte", "s3cret pass"
RUN = peers.Run("outbox.sh", "outbox-e2e.")
failures, tmp = RUN.failures, RUN.tmp
check, messages, stop = RUN.check, RUN.messages, RUN.stop
free_port, subject, Fatal = peers.free_port, peers.subject, peers.Fatal


CONF = peers.KAINUU_HEAD + """\
organizer = { name = "Hyte-koordinaattori"; email = "hyte@kainuu.example"; };
""" + peers.kainuu_parties("hva", "kajaani", "sotkamo") + """\
forums = (
  { id = "hytetu-foorumi";
    name = "Kainuun Hytetu -yhteistyöfoorumi";
    legal_basis = "612/2021 6–7 §";
    convenor = "hva";
    participants = [ "hva", "kajaani", "sotkamo" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 180;
    location = "Kajaani"; },
  { id = "kuntaneuvottelu";
    name = "Kuntakohtainen neuvottelu";
    convenor = "hva";
    for_each = [ "kajaani", "sotkamo" ];
    rrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1";
    start = "2026-01-01"; time = "09:00"; duration = 120; }
);
invite = "convenors";
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/forums/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

# The series of CONF (SPEC § 4 UIDs): one forum, one for_each with two
# members; every one is convened by hva.
UIDS = {"hytetu-foorumi@kainuu.example",
        "kuntaneuvottelu.kajaani@kainuu.example",
        "kuntaneuvottelu.sotkamo@kainuu.example"}
CONVENOR = "kirjaamo@hva.example"



def dav(method, url, body=None, headers=None):
    return peers.dav(method, url, USER, PASSWORD, body, headers)


def ctl(*args, ok=True):
    return peers.run_ctl(CTL, os.path.join(tmp, "cadenced.conf"), TODAY,
                         args, ok=ok, timeout=120)


def outbox():
    return json.loads(ctl("outbox", "--json").stdout)


def imip(msg):
    """(method on the MIME part, parsed calendar, attachment calendar)"""
    check(msg.get_content_type() == "multipart/mixed",
          "message is %s, not multipart/mixed" % msg.get_content_type())
    parts = msg.get_payload()
    alt = parts[0]
    check(alt.get_content_type() == "multipart/alternative",
          "first part is %s" % alt.get_content_type())
    types = [p.get_content_type() for p in alt.get_payload()]
    check(types == ["text/plain", "text/calendar"],
          "alternatives are %s" % types)
    text, cal = alt.get_payload()
    check(text.get_content_charset() == "utf-8", "text/plain not utf-8")
    body = text.get_payload(decode=True).decode("utf-8")
    check("Foorumi:" in body and "klo" in body,
          "text/plain lacks the Finnish summary: %r" % body[:200])
    check(cal.get_content_charset() == "utf-8", "text/calendar not utf-8")
    method = cal.get_param("method")
    ics = cal.get_payload(decode=True)
    att = parts[1]
    check(att.get_filename() == "invite.ics", "attachment is not invite.ics")
    check((att.get("Content-Disposition") or "").startswith("attachment"),
          "invite.ics is not an attachment")
    check(att.get_payload(decode=True) == ics,
          "invite.ics differs from the text/calendar part")
    raw = ics.decode("utf-8")
    check("\r\n" in raw and "\n" not in raw.replace("\r\n", ""),
          "calendar lines are not CRLF")
    check("X-LIC-ERROR" not in raw, "libical parse errors in the calendar")
    return method, icalendar.Calendar.from_ical(ics), body


def vevents(cal):
    return [c for c in cal.walk() if c.name == "VEVENT"]


def main():
    dav_port, smtp_port = free_port(), free_port()
    with open(os.path.join(tmp, "cadenced.conf"), "w") as f:
        f.write(CONF % {"dav": dav_port, "smtp": smtp_port})
    pw = os.path.join(tmp, "caldav.pass")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")

    # a group-readable password file is refused, with a clear message
    os.chmod(pw, 0o640)
    r = ctl("outbox", "--deliver", ok=False)
    check(r.returncode == 1 and "chmod 600" in r.stderr,
          "group-readable password file accepted: %d %r"
          % (r.returncode, r.stderr))
    os.chmod(pw, 0o600)

    RUN.start_radicale(dav_port, USER, PASSWORD)
    RUN.start_sink(smtp_port)
    base = "http://127.0.0.1:%d/hyte/forums/" % dav_port
    st, body, _ = dav("MKCALENDAR", base)
    check(st == 201, "MKCALENDAR: %d %r" % (st, body[:200]))

    # 1. first delivery: every series to CalDAV and to its convenor
    ctl("outbox", "--deliver")
    box = outbox()
    check(all(e["state"] == "sent" for e in box),
          "not everything sent: %s" % box)
    check(all(e["attempts"] == 1 and e["last_error"] is None for e in box),
          "attempts/last_error wrong: %s" % box)
    check({e["uid"] for e in box if e["channel"] == "caldav"} == UIDS,
          "caldav entries: %s" % box)
    mails = [e for e in box if e["channel"] == "smtp"]
    check(len(mails) == len(UIDS) and {e["uid"] for e in mails} == UIDS
          and all(e["target"] == CONVENOR for e in mails),
          "smtp entries: %s" % mails)
    seq0 = {}
    for uid in UIDS:
        st, body, hdr = dav("GET", base + uid + ".ics")
        if not check(st == 200, "GET %s: %d" % (uid, st)):
            continue
        check(hdr.get("ETag"), "no ETag for %s" % uid)
        cal = icalendar.Calendar.from_ical(body)
        check("METHOD" not in cal, "CalDAV object of %s has METHOD" % uid)
        evs = vevents(cal)
        check(all(str(e["UID"]) == uid for e in evs), "UID of %s" % uid)
        master = [e for e in evs if "RECURRENCE-ID" not in e][0]
        seq0[uid] = int(master["SEQUENCE"])
        att = master.get("ATTENDEE")
        att = att if isinstance(att, list) else [att]
        check(len(att) == 1 and str(att[0]).lower() == "mailto:" + CONVENOR,
              "attendees of %s: %s" % (uid, att))
        p = att[0].params
        check(p.get("ROLE") == "CHAIR" and p.get("PARTSTAT") ==
              "NEEDS-ACTION" and p.get("RSVP") == "TRUE" and
              p.get("SCHEDULE-AGENT") == "CLIENT" and
              p.get("CN") == "Kainuun hyvinvointialue",
              "ATTENDEE params of %s: %s" % (uid, dict(p)))
        org = master["ORGANIZER"]
        check(str(org).lower() == "mailto:hyte@kainuu.example" and
              org.params.get("CN") == "Hyte-koordinaattori",
              "ORGANIZER of %s: %s %s" % (uid, org, dict(org.params)))
    tz = [c for c in icalendar.Calendar.from_ical(
        dav("GET", base + "hytetu-foorumi@kainuu.example.ics")[1]).walk()
        if c.name == "VTIMEZONE"]
    check(len(tz) == 1 and str(tz[0]["TZID"]) == "Europe/Helsinki",
          "VTIMEZONE of the CalDAV object")

    msgs = messages()
    check(len(msgs) == len(UIDS), "%d messages, expected %d"
          % (len(msgs), len(UIDS)))
    seen = set()
    for m in msgs:
        check(m["To"].endswith("<" + CONVENOR + ">"), "To: %s" % m["To"])
        check("hyte@kainuu.example" in m["From"], "From: %s" % m["From"])
        check(m["Message-ID"] and m["Date"], "no Message-ID or Date")
        method, cal, body = imip(m)
        check(method == "REQUEST" and str(cal["METHOD"]) == "REQUEST",
              "METHOD: MIME %s, calendar %s" % (method, cal.get("METHOD")))
        evs = vevents(cal)
        uid = str(evs[0]["UID"])
        seen.add(uid)
        check(subject(m).startswith("Kutsu: "), "Subject %r" % subject(m))
        if uid == "hytetu-foorumi@kainuu.example":
            check(subject(m) == "Kutsu: Kainuun Hytetu -yhteistyöfoorumi",
                  "Subject %r" % subject(m))
            # 2nd Tuesday of October 2026: 1.10. is a Thursday, so the
            # Tuesdays are 6.10. and 13.10.
            check("ti 13.10.2026 klo 13.00" in body,
                  "text lacks the next meeting: %r" % body)
            check("612/2021" in body, "text lacks the legal basis")
        p = evs[0]["ATTENDEE"].params
        check("SCHEDULE-AGENT" not in p, "e-mail copy has SCHEDULE-AGENT")
    check(seen == UIDS, "mailed series %s" % seen)

    # 2. nothing changed: nothing enqueued, nothing sent
    r = ctl("outbox", "--deliver")
    check(" 0 uutta, 0 lähetetty" in r.stderr, "second run: %s" % r.stderr)
    check(len(outbox()) == len(box), "second run added entries")
    check(len(messages()) == len(UIDS), "second run sent mail")

    # 3. cancel the 13.10.2026 forum: CANCEL with RECURRENCE-ID by e-mail,
    #    CalDAV update with a higher SEQUENCE
    ctl("cancel", "hytetu-foorumi", "2026-10-13", "--reason", "Testi")
    ctl("outbox", "--deliver")
    new = messages()[len(UIDS):]
    check(len(new) == 1, "%d messages after the cancel" % len(new))
    uid = "hytetu-foorumi@kainuu.example"
    if new:
        method, cal, body = imip(new[0])
        check(method == "CANCEL" and str(cal["METHOD"]) == "CANCEL",
              "cancel METHOD: MIME %s calendar %s" % (method,
                                                     cal.get("METHOD")))
        evs = vevents(cal)
        check(len(evs) == 1, "CANCEL has %d VEVENTs" % len(evs))
        ev = evs[0]
        rid = ev.get("RECURRENCE-ID")
        check(rid is not None and rid.dt.strftime("%Y%m%dT%H%M") ==
              "20261013T1300", "RECURRENCE-ID %s" % (rid and rid.dt))
        check(str(ev.get("STATUS")) == "CANCELLED", "STATUS of the CANCEL")
        check(int(ev["SEQUENCE"]) > seq0[uid], "CANCEL SEQUENCE not raised")
        check(subject(new[0]).startswith("Peruttu: Kainuun Hytetu"),
              "cancel Subject %r" % subject(new[0]))
    st, body, _ = dav("GET", base + uid + ".ics")
    cal = icalendar.Calendar.from_ical(body)
    master = [e for e in vevents(cal) if "RECURRENCE-ID" not in e][0]
    check(int(master["SEQUENCE"]) > seq0[uid],
          "CalDAV SEQUENCE %s not above %d" % (master["SEQUENCE"], seq0[uid]))
    over = [e for e in vevents(cal) if "RECURRENCE-ID" in e and
            e["RECURRENCE-ID"].dt.strftime("%Y%m%d") == "20261013"]
    check(len(over) == 1 and str(over[0]["STATUS"]) == "CANCELLED",
          "CalDAV object lacks the cancelled instance")

    # 4. the sink is down while a meeting moves
    stop("smtp")
    nmsg = len(messages())
    ctl("move", "kuntaneuvottelu", "2026-02-02", "2026-02-04", "--party",
        "kajaani")
    ctl("outbox", "--deliver")
    box = outbox()
    pend = [e for e in box if e["state"] == "pending"]
    check(len(pend) == 1 and pend[0]["channel"] == "smtp" and
          pend[0]["uid"] == "kuntaneuvottelu.kajaani@kainuu.example" and
          pend[0]["attempts"] == 1 and pend[0]["last_error"],
          "while down: %s" % pend)
    dav_moved = [e for e in box if e["channel"] == "caldav" and
                 e["uid"] == "kuntaneuvottelu.kajaani@kainuu.example"]
    check(dav_moved and dav_moved[-1]["state"] == "sent",
          "CalDAV update not sent while the sink is down")
    RUN.start_sink(smtp_port)
    ctl("outbox", "--deliver")      # backed off: not due yet
    check(len(messages()) == nmsg, "sent before its backoff ran out")
    ctl("outbox", "--retry")
    ctl("outbox", "--deliver")
    new = messages()[nmsg:]
    check(len(new) == 1, "%d messages after the retry" % len(new))
    if new:
        method, cal, body = imip(new[0])
        check(method == "REQUEST" and subject(new[0]).startswith(
            "Päivitetty: "), "update: %s %r" % (method, subject(new[0])))
    box = outbox()
    check(all(e["state"] == "sent" for e in box), "left over: %s" % box)
    e = [x for x in box if x["id"] == pend[0]["id"]] if pend else []
    check(e and e[0]["attempts"] == 2 and e[0]["last_error"] is None,
          "retried entry: %s" % e)
    ctl("outbox", "--deliver")
    check(len(messages()) == nmsg + 1, "sent twice")

    # the human listing works
    r = ctl("outbox")
    check("lähetetty" in r.stdout, "human listing: %r" % r.stdout[:200])


if __name__ == "__main__":
    RUN.finish(main, keep=True)
