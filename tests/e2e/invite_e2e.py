"""invite_e2e.py - invitations reach the right people (SPEC § 6, § 10.1):
`cadencectl outbox --deliver` against a real Radicale (CalDAV) and a real
SMTP sink (aiosmtpd's Mailbox handler, which records the envelope
recipients as X-RcptTo).

Run by tests/e2e/outbox.sh after outbox_e2e.py: invite_e2e.py CADENCECTL.  Every server binds
127.0.0.1 on a port chosen at run time and is stopped at the end.

The expected attendees below are worked out by hand from CONF and the
SPEC text, not from the program:
  - a party is invited through its contacts in the forum's invite_roles;
    a party with no contact in those roles (or a forum without
    invite_roles) through its own email;
  - the convenor (convenor = "member": each for_each member for its own
    series) and every co-convenor are ROLE=CHAIR; with the forum's
    invite = "participants" the for_each member (every member of a
    group) and the participants are ROLE=REQ-PARTICIPANT; an address
    is invited once, as the first of these that names it;
  - the forum's invite overrides the global one.
Then the config changes one person at a time and only that person hears
of it: a renamed contact gets an update, a contact added in a role gets
an invitation (and the party address it replaces a CANCEL), a removed
contact gets a CANCEL; nobody else gets mail.
"""
import os
import subprocess
import sys

import icalendar     # tests/e2e/outbox.sh made sure it is there

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

RUN = peers.Run("outbox.sh: invite", "invite-e2e.")
check, tmp = RUN.check, RUN.tmp
CTL, TODAY = os.path.abspath(sys.argv[1]), "2026-01-15"
USER, PASSWORD = "hyte", "s3cret pass"

# %(sotkamo_hyte)s and %(kajaani_hyte)s are the contacts the steps change
CONF = """
organizer = { name = "Hyte-koordinaattori"; email = "hyte@kainuu.example"; };
domain = "kainuu.example"; timezone = "Europe/Helsinki"; holidays = "FI";
state_dir = "var"; horizon_days = 550;
invite = "convenors";       # the forums that say nothing else
parties = (
  { id = "hva"; name = "Kainuun hyvinvointialue"; email = "kirjaamo@hva.example";
    contacts = (
      { role = "johto"; name = "Hyvinvointialuejohtaja"; email = "johtaja@hva.example"; },
      { role = "hyte"; name = "Hyte-päällikkö"; email = "hyte@hva.example"; } ); },
  { id = "kajaani"; name = "Kajaanin kaupunki"; email = "kirjaamo@kajaani.example";
    contacts = (
      { role = "johto"; name = "Kaupunginjohtaja"; email = "kaupunginjohtaja@kajaani.example"; }
      %(kajaani_hyte)s ); },
  { id = "sotkamo"; name = "Sotkamon kunta"; email = "kirjaamo@sotkamo.example";
    contacts = (
      { role = "johto"; name = "Kunnanjohtaja"; email = "kunnanjohtaja@sotkamo.example"; }
      %(sotkamo_hyte)s ); },
  { id = "kuhmo"; name = "Kuhmon kaupunki"; email = "kirjaamo@kuhmo.example"; },
  { id = "liitto"; name = "Kainuun liitto"; email = "kirjaamo@liitto.example";
    contacts = (
      { role = "johto"; name = "Maakuntajohtaja"; email = "maakuntajohtaja@liitto.example"; } ); }
);
groups = ( { id = "vaara"; name = "Vaara-Kainuu"; members = [ "sotkamo", "kuhmo" ]; } );
forums = (
  { id = "foorumi"; name = "Hytetu-foorumi"; convenor = "hva";
    participants = [ "kajaani", "sotkamo", "kuhmo" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 180; },
  { id = "neuvottelu"; name = "Kuntaneuvottelu"; convenor = "member";
    for_each = [ "kajaani", "sotkamo" ]; participants = [ "hva" ];
    invite = "participants"; invite_roles = [ "johto" ];
    rrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=2";
    start = "2026-01-01"; time = "09:00"; duration = 120; },
  { id = "tyoryhma"; name = "Hyte-työryhmä"; convenor = "hva";
    co_convenors = [ "liitto" ]; for_each = [ "kajaani", "vaara" ];
    invite = "participants"; invite_roles = [ "hyte" ];
    rrule = "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3";
    start = "2026-01-01"; time = "09:00"; duration = 60; }
);
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/forums/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""

KAJAANI_HYTE = """,
      { role = "hyte"; name = "%s"; email = "hyte@kajaani.example"; }
      %s"""
SUUNNITTELIJA = """,
      { role = "hyte"; name = "Hyvinvointisuunnittelija"; email = "suunnittelija@kajaani.example"; }"""
SOTKAMO_HYTE = """,
      { role = "hyte"; name = "Hyte-yhdyshenkilö"; email = "hyte@sotkamo.example"; }"""

C, R = "CHAIR", "REQ-PARTICIPANT"
# series UID -> { address: (CN, ROLE) }, from CONF by hand
EXPECTED = {
    # global invite = "convenors", no invite_roles: the convenor's email
    "foorumi@kainuu.example": {
        "kirjaamo@hva.example": ("Kainuun hyvinvointialue", C)},
    # convenor = "member": each member chairs its own; hva participates;
    # invite_roles johto
    "neuvottelu.kajaani@kainuu.example": {
        "kaupunginjohtaja@kajaani.example": ("Kaupunginjohtaja", C),
        "johtaja@hva.example": ("Hyvinvointialuejohtaja", R)},
    "neuvottelu.sotkamo@kainuu.example": {
        "kunnanjohtaja@sotkamo.example": ("Kunnanjohtaja", C),
        "johtaja@hva.example": ("Hyvinvointialuejohtaja", R)},
    # hva convenes, liitto co-convenes (no hyte contact: its own email);
    # kajaani's two hyte contacts; the group's members: no hyte contact
    "tyoryhma.kajaani@kainuu.example": {
        "hyte@hva.example": ("Hyte-päällikkö", C),
        "kirjaamo@liitto.example": ("Kainuun liitto", C),
        "hyte@kajaani.example": ("Hyte-koordinaattori", R),
        "suunnittelija@kajaani.example": ("Hyvinvointisuunnittelija", R)},
    "tyoryhma.vaara@kainuu.example": {
        "hyte@hva.example": ("Hyte-päällikkö", C),
        "kirjaamo@liitto.example": ("Kainuun liitto", C),
        "kirjaamo@sotkamo.example": ("Sotkamon kunta", R),
        "kirjaamo@kuhmo.example": ("Kuhmon kaupunki", R)},
}


def write_conf(ports, kajaani_name="Hyte-koordinaattori",
               suunnittelija=True, sotkamo_hyte=False):
    with open(os.path.join(tmp, "cadenced.conf"), "w") as f:
        f.write(CONF % {
            "dav": ports[0], "smtp": ports[1],
            "kajaani_hyte": KAJAANI_HYTE % (
                kajaani_name, SUUNNITTELIJA if suunnittelija else ""),
            "sotkamo_hyte": SOTKAMO_HYTE if sotkamo_hyte else ""})


def ctl(*args):
    r = subprocess.run([CTL, "-c", os.path.join(tmp, "cadenced.conf"),
                        "--today", TODAY] + list(args),
                       capture_output=True, text=True, timeout=120)
    RUN.need(r.returncode == 0, "cadencectl %s: exit %d: %s"
             % (" ".join(args), r.returncode, r.stderr.strip()))
    return r


def dav_get(url):
    return peers.dav_body("MKCALENDAR" if url.endswith("/") else "GET",
                          url, USER, PASSWORD)


def attendees(cal, want_client):
    """{address: (CN, ROLE)} of the master VEVENT; checks the parameters
    every attendee carries"""
    ev = [c for c in cal.walk() if c.name == "VEVENT" and
          "RECURRENCE-ID" not in c][0]
    att = ev.get("ATTENDEE") or []
    att = att if isinstance(att, list) else [att]
    out = {}
    for a in att:
        p = a.params
        addr = str(a)
        check(addr.lower().startswith("mailto:"), "ATTENDEE %s" % addr)
        check(p.get("PARTSTAT") == "NEEDS-ACTION" and p.get("RSVP") ==
              "TRUE", "ATTENDEE %s params %s" % (addr, dict(p)))
        check(("SCHEDULE-AGENT" in p) == want_client and
              p.get("SCHEDULE-AGENT", "CLIENT") == "CLIENT",
              "ATTENDEE %s SCHEDULE-AGENT %s" % (addr, dict(p)))
        out[addr[7:].lower()] = (str(p.get("CN")), str(p.get("ROLE")))
    check(len(out) == len(att), "an address twice: %s" % att)
    return out


def mail(m):
    """(uid, METHOD, X-RcptTo, To, attendees, has RECURRENCE-ID) of one
    iMIP message"""
    cal = None
    for part in m.walk():
        if part.get_content_type() == "text/calendar":
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            break
    RUN.need(cal is not None, "no text/calendar in %s" % m["Subject"])
    ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
    return (str(ev["UID"]), str(cal["METHOD"]), m["X-RcptTo"].lower(),
            m["To"], attendees(cal, False), "RECURRENCE-ID" in ev)


def new_mail(since):
    return [mail(m) for m in RUN.messages()[since:]]


def caldav_attendees(base):
    got = {}
    for uid in EXPECTED:
        cal = icalendar.Calendar.from_ical(dav_get(base + uid + ".ics"))
        got[uid] = attendees(cal, True)
    return got


def first_delivery(base):
    """every series' object and mail lists exactly EXPECTED's people"""
    ctl("outbox", "--deliver")
    got = caldav_attendees(base)
    for uid, want in EXPECTED.items():
        check(got[uid] == want, "CalDAV %s attendees\n  got  %s\n  want %s"
              % (uid, sorted(got[uid].items()), sorted(want.items())))
    sent = new_mail(0)
    pairs = sorted((uid, to) for uid, _, to, _, _, _ in sent)
    want_pairs = sorted((uid, a) for uid, w in EXPECTED.items() for a in w)
    check(pairs == want_pairs, "mails (uid, recipient)\n  got  %s\n  want %s"
          % (pairs, want_pairs))
    for uid, method, to, to_hdr, att, _ in sent:
        check(method == "REQUEST", "%s to %s: METHOD %s" % (uid, to, method))
        check(att == EXPECTED.get(uid), "%s to %s: attendees %s"
              % (uid, to, sorted(att.items())))
        cn = EXPECTED.get(uid, {}).get(to, ("?",))[0]
        check(to_hdr is not None and to_hdr.endswith("<%s>" % to) and
              ("=?utf-8?" in to_hdr.lower() or cn in to_hdr),
              "%s: To %r for %s (%s)" % (uid, to_hdr, to, cn))
    return len(sent)


def step(ports, base, nmsg, what, conf, want_mail, changed):
    """rewrite the config, deliver; exactly want_mail [(uid, METHOD, to)]
    are sent and the CalDAV attendees of the series in changed become
    theirs (the rest stay EXPECTED's)"""
    write_conf(ports, **conf)
    ctl("outbox", "--deliver")
    sent = new_mail(nmsg)
    got = sorted((uid, method, to) for uid, method, to, _, _, _ in sent)
    check(got == sorted(want_mail), "%s: mail\n  got  %s\n  want %s"
          % (what, got, sorted(want_mail)))
    for uid, method, to, _, att, rid in sent:
        if method == "REQUEST":
            check(att == changed.get(uid), "%s: %s to %s lists %s"
                  % (what, uid, to, sorted(att.items())))
        else:
            check(not rid and att == {to: att.get(to)},
                  "%s: CANCEL of %s to %s: RECURRENCE-ID %s, attendees %s"
                  % (what, uid, to, rid, att))
    dav = caldav_attendees(base)
    for uid in EXPECTED:
        want = changed.get(uid, EXPECTED[uid])
        check(dav[uid] == want, "%s: CalDAV %s\n  got  %s\n  want %s"
              % (what, uid, sorted(dav[uid].items()), sorted(want.items())))
    EXPECTED.update(changed)
    return nmsg + len(sent)


def main():
    ports = (peers.free_port(), peers.free_port())
    write_conf(ports)
    pw = os.path.join(tmp, "caldav.pass")
    with open(pw, "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(pw, 0o600)
    RUN.start_radicale(ports[0], USER, PASSWORD)
    RUN.start_sink(ports[1])
    base = "http://127.0.0.1:%d/hyte/forums/" % ports[0]
    dav_get(base)       # MKCALENDAR

    nmsg = first_delivery(base)
    ctl("outbox", "--deliver")
    check(len(RUN.messages()) == nmsg, "a second delivery sent mail")

    tk, tv = "tyoryhma.kajaani@kainuu.example", "tyoryhma.vaara@kainuu.example"
    # a contact renamed: an update to that person only, the new CN
    new = dict(EXPECTED[tk])
    new["hyte@kajaani.example"] = ("Hyte-koordinaattori Maija Meikäläinen", R)
    nmsg = step(ports, base, nmsg, "renamed",
                {"kajaani_name": new["hyte@kajaani.example"][0]},
                [(tk, "REQUEST", "hyte@kajaani.example")], {tk: new})
    # sotkamo gets a hyte contact: it is invited in place of the party's
    # address, which gets the CANCEL
    new = dict(EXPECTED[tv])
    del new["kirjaamo@sotkamo.example"]
    new["hyte@sotkamo.example"] = ("Hyte-yhdyshenkilö", R)
    conf = {"kajaani_name": "Hyte-koordinaattori Maija Meikäläinen",
            "sotkamo_hyte": True}
    nmsg = step(ports, base, nmsg, "added", conf,
                [(tv, "REQUEST", "hyte@sotkamo.example"),
                 (tv, "CANCEL", "kirjaamo@sotkamo.example")], {tv: new})
    # a contact removed: a CANCEL to that person only
    new = dict(EXPECTED[tk])
    del new["suunnittelija@kajaani.example"]
    conf["suunnittelija"] = False
    nmsg = step(ports, base, nmsg, "removed", conf,
                [(tk, "CANCEL", "suunnittelija@kajaani.example")], {tk: new})
    ctl("outbox", "--deliver")
    check(len(RUN.messages()) == nmsg, "a last delivery sent mail")


if __name__ == "__main__":
    RUN.finish(main, keep=True, stops=(OSError,),
               note="%d series, their attendees and mail as derived by "
               "hand; renamed, added and removed contacts reach only "
               "themselves" % len(EXPECTED))
