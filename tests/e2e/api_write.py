"""api_write.py - changes from outside the server (SPEC § 10.5): tokens,
POST /api/v1/changes, the audit, HTTPS, against a real Radicale and a
real SMTP sink (aiosmtpd's Mailbox handler).

Run by tests/e2e/api_write.sh: api_write.py CADENCED CADENCECTL.  Every
server binds 127.0.0.1 on a port chosen at run time; the certificate is
made at run time with openssl; every wait is bounded.

What it checks (HTTP with curl and urllib, the calendars with
python3-icalendar, the mail with the email package):
  1. the daemon serves HTTPS with the certificate of http.tls_cert:
     `curl --cacert` gets 200 and curl without it refuses the peer;
  2. a token limited to kuntaneuvottelu/kajaani moves Kajaani's meeting:
     the feed, the CalDAV copy in Radicale and an iMIP REQUEST in the
     sink have the new date within 5 s; the same token gets 403 on
     another forum and on another party's meeting, and changes nothing;
  3. the audit (GET /api/v1/audit and cadencectl audit --json) shows the
     move with the token's name, the address, before and after; the
     token itself is nowhere in the store or the log; the page shows the
     meeting's last change with the token's name;
  4. bad input is 400 with a JSON reason and changes nothing: unknown
     forum, a date without a meeting, a body over 8 KB, wrong types,
     invalid JSON; a move into a blackout is done and warned about;
  5. cadencectl --server --token-file --cacert cancels through the API
     (CANCEL mail within 5 s, printed as the local command prints it);
     an extra meeting ("add") by the scoped token reaches the feed and
     Radicale as an RDATE and the sink as a REQUEST within 5 s, is
     audited, refused outside the scope (403) or where the series meets
     already (400), and taken back by "undo" with its "time";
     cadencectl --server add and add --undo do the same;
  6. a revoked token gets 401 at once; 20 wrong tokens from one address
     get 401 ten times at most and then 429, also for a good token;
  7. SIGHUP with a new certificate: curl --cacert NEW works, OLD fails;
  8. a daemon on plain HTTP on an outside address of the host refuses
     tokens (403) until behind_tls_proxy = true (skipped without one);
  9. changes at once: six POSTs cancelling one meeting and four adding
     four meetings, all sent together, are each answered 200; of the
     six exactly one says "changed": true, and the audit gains exactly
     five records, one per meeting changed.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

icalendar = peers.require("api_write.sh", "icalendar")

ME = "api_write.sh"
DAEMON = os.path.abspath(sys.argv[1])
CTL = os.path.abspath(sys.argv[2])
TODAY = "2026-01-15"
USER, PASSWORD = "hyte", "s3cret pass"
RUN = peers.Run(ME, "api-write.")
failures, tmp = RUN.failures, RUN.tmp
check, need, messages = RUN.check, RUN.need, RUN.messages
within_5s = RUN.within_5s
free_port, poll_until, Fatal = peers.free_port, peers.poll_until, peers.Fatal

# kuntaneuvottelu meets every member on 1 February (SPEC § 4: a series
# per member); the summer is a blackout for everyone.  Finnish is the
# default, Swedish listed: an answer's names in the reader's language.
CONF = """
timezone = "Europe/Helsinki";
domain = "kainuu.example";
state_dir = "var";
horizon_days = 550;
languages = [ "fi", "sv" ];
holidays = "FI";
blackouts = ( { from = "07-01"; to = "07-31"; reason = "Kesä";
  reason_sv = "Sommar"; } );
organizer = { name = "Hyte"; name_sv = "Hyte"; email = "hyte@kainuu.example"; };
parties = (
  { id = "hva"; name = "Kainuun hyvinvointialue";
    name_sv = "Kajanalands välfärdsområde"; email = "kirjaamo@hva.example"; },
  { id = "kajaani"; name = "Kajaanin kaupunki"; name_sv = "Kajana stad";
    email = "kirjaamo@kajaani.example"; },
  { id = "sotkamo"; name = "Sotkamon kunta"; name_sv = "Sotkamo kommun";
    email = "kirjaamo@sotkamo.example"; }
);
forums = (
  { id = "hytetu-foorumi"; name = "Hytetu-foorumi"; name_sv = "Hytetu-forum";
    convenor = "hva";
    participants = [ "hva", "kajaani", "sotkamo" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 180; },
  { id = "kuntaneuvottelu"; name = "Kuntakohtainen neuvottelu";
    name_sv = "Förhandling per kommun";
    convenor = "hva"; for_each = [ "kajaani", "sotkamo" ];
    rrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=2";
    start = "2026-01-01"; time = "09:00"; duration = 120; }
);
invite = "convenors";
http = { listen = "127.0.0.1:%(port)d"; base_url = "https://127.0.0.1:%(port)d/";
  tls_cert = "cert.pem"; tls_key = "key.pem"; };
caldav = { url = "http://127.0.0.1:%(dav)d/hyte/forums/"; user = "hyte";
  password_file = "caldav.pass"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""
KAJ = "kuntaneuvottelu.kajaani@kainuu.example"
FOORUMI = "hytetu-foorumi@kainuu.example"
CONF_PATH = os.path.join(tmp, "cadenced.conf")
LOG = os.path.join(tmp, "log")
proc = None


def ctl(*args, ok=True):
    return peers.run_ctl(CTL, CONF_PATH, TODAY, args, ok=ok)


def make_cert(name):
    """a self-signed certificate for 127.0.0.1 into NAME.pem/NAME.key"""
    r = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", os.path.join(tmp, name + ".key"),
         "-out", os.path.join(tmp, name + ".pem"), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        capture_output=True, text=True, timeout=60)
    need(r.returncode == 0, "openssl: %s" % r.stderr[-300:])


def curl(path, *args, cacert="cert", token=None, data=None):
    """(status, body) of curl against the daemon; status 0: no answer"""
    return peers.curl(BASE + path, *args, token=token, data=data,
                      cacert=os.path.join(tmp, cacert + ".pem") if cacert
                      else None)


def ctl_server(token_file, pre, *args):
    """cadencectl [pre] --server with the token of token_file"""
    return subprocess.run([CTL] + pre + [
        "--server", BASE, "--token-file", token_file, "--cacert",
        os.path.join(tmp, "cert.pem")] + list(args),
        capture_output=True, text=True, timeout=60)


def post(token, change):
    return peers.post_change(curl, token, change)


def audit():
    return json.loads(ctl("audit", "--json").stdout)


def occurrences():
    return json.loads(ctl("occurrences", "--json", "--from", "2026-01-01",
                          "--to", "2027-12-31").stdout)


def invitations():
    out = []
    for m in messages():
        for part in m.walk():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(
                    part.get_payload(decode=True))
                for ev in cal.walk("VEVENT"):
                    out.append((str(cal.get("METHOD")), str(ev["UID"]),
                                ev.get("RECURRENCE-ID"), ev["DTSTART"].dt))
    return out


def dav_get(uid):
    st, body = 0, b""
    r = subprocess.run(["curl", "-sS", "-u", "%s:%s" % (USER, PASSWORD),
                        "-w", "\n%{http_code}", DAV + uid + ".ics"],
                       capture_output=True, timeout=30)
    body, _, code = r.stdout.rpartition(b"\n")
    st = int(code or 0)
    return st, body


def starts_of(cal_bytes, uid):
    cal = icalendar.Calendar.from_ical(cal_bytes)
    return {(ev.get("RECURRENCE-ID").dt.strftime("%Y-%m-%d")
             if ev.get("RECURRENCE-ID") else None,
             ev["DTSTART"].dt.strftime("%Y-%m-%dT%H:%M"))
            for ev in cal.walk("VEVENT") if str(ev["UID"]) == uid}


def wait_sent(timeout=20):
    def done():
        box = json.loads(ctl("outbox", "--json").stdout)
        return box and all(e["state"] == "sent" for e in box)
    need(poll_until(done, timeout, 0.2), "the outbox is not all sent")


def start():
    global proc
    proc = subprocess.Popen([DAEMON, "-c", CONF_PATH, "--today", TODAY,
                             "-v"] + peers.ROOT_OPT,
                            stdout=subprocess.DEVNULL, stderr=open(LOG, "a"))

    def up():
        need(proc.poll() is None, "cadenced exited at start")
        return curl("/healthz")[0] == 200
    need(poll_until(up, 20, 0.2), "no /healthz over HTTPS within 20 s")


def token(name, *scope):
    r = ctl("token", "add", name, *scope)
    secret = r.stdout.strip()
    need(re.fullmatch(r"cad_[0-9a-f]{64}", secret),
         "token add printed %r" % r.stdout)
    return secret


def part_https():
    st, body = curl("/healthz")
    check(st == 200, "curl --cacert https://.../healthz: %d %r" % (st, body))
    st, _ = curl("/healthz", cacert=None)
    check(st == 0, "curl without --cacert accepted the test certificate")
    st, _ = curl("/api/v1/audit")
    check(st == 401, "GET /api/v1/audit without a token: %d" % st)


def part_move(kaj):
    """2: the scoped token moves Kajaani's meeting, and nothing else"""
    occ = {(o["uid"], o["start"][:10]) for o in occurrences()}
    need((KAJ, "2026-02-02") in occ, "no Kajaani meeting on 2026-02-02")
    n_mail = len(invitations())
    st, ans = post(kaj, {"action": "move", "forum": "kuntaneuvottelu",
                         "party": "kajaani", "date": "2026-02-02",
                         "new_date": "2026-02-04", "new_time": "10:30"})
    check(st == 200 and ans.get("changed") is True and
          ans.get("start") == "2026-02-02T09:00" and
          ans.get("new_start") == "2026-02-04T10:30" and
          ans.get("warnings") == [], "move: %d %r" % (st, ans))
    want = ("2026-02-02", "2026-02-04T10:30")
    within_5s("the move in the feed", lambda: want in starts_of(
        curl("/calendars/all.ics")[1].encode(), KAJ))
    within_5s("the move in Radicale", lambda: want in starts_of(
        dav_get(KAJ)[1] or b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", KAJ))
    got = within_5s("the REQUEST in the sink", lambda: [
        i for i in invitations()[n_mail:] if i[0] == "REQUEST" and
        i[1] == KAJ])
    check(got and any(i[3].strftime("%Y-%m-%dT%H:%M") == want[1]
                      for i in got), "REQUEST dates: %s" % got)

    before = audit()
    for change, what in (
            ({"action": "cancel", "forum": "hytetu-foorumi",
              "date": "2026-10-13"}, "another forum"),
            ({"action": "cancel", "forum": "kuntaneuvottelu",
              "party": "sotkamo", "date": "2026-02-02"}, "another party")):
        st, ans = post(kaj, change)
        check(st == 403 and "error" in ans, "%s: %d %r" % (what, st, ans))
    check(audit() == before, "a refused change reached the audit")
    check(all(o["status"] == "CONFIRMED" for o in occurrences()
              if o["uid"] != KAJ), "a refused change changed a meeting")


def part_audit(kaj):
    st, body = curl("/api/v1/audit", token=kaj)
    check(st == 200, "GET /api/v1/audit: %d" % st)
    api = json.loads(body) if st == 200 else []
    moves = [e for e in api if e["action"] == "move"]
    check(len(moves) == 1 and moves[0]["who"] == "kajaani-coord" and
          moves[0]["via"] == "api" and moves[0]["address"] == "127.0.0.1"
          and moves[0]["uid"] == KAJ and
          moves[0]["before"] == "2026-02-02 09:00" and
          moves[0]["after"] == "2026-02-04 10:30 moved",
          "audit of the move: %s" % moves)
    check(api == audit(), "GET /api/v1/audit differs from cadencectl audit")
    adds = [e["what"] for e in api if e["action"] == "token-add"]
    check(adds == ["kajaani-coord", "foorumi", "kaikki"] and
          all(e["via"] == "cli" for e in api if e["action"] ==
              "token-add"), "token-add records: %s" % adds)
    with open(os.path.join(tmp, "var", "cadenced.db"), "rb") as f:
        db = f.read()
    for name in ("cadenced.db-wal",):
        p = os.path.join(tmp, "var", name)
        if os.path.exists(p):
            with open(p, "rb") as f:
                db += f.read()
    with open(LOG, "rb") as f:
        log = f.read()
    check(kaj.encode() not in db, "the token itself is in the store")
    check(kaj.encode() not in log, "the token is in the log")
    check(b"token 'kajaani-coord'" in log, "the log does not name the token")
    st, page = curl("/")
    check(st == 200 and re.search(
        r"ke 4\.2\.2026 klo 10\.30 – Kajaanin kaupunki.*?\(viimeisin "
        r"muutos: siirretty \w\w \d+\.\d+\.\d{4}, kajaani-coord\)", page),
        "the page does not show the move by kajaani-coord: %s" %
        re.findall(r"<li>[^\n]*4\.2\.2026[^\n]*", page))


def part_bad(all_):
    """4: 400 with a reason and nothing changed"""
    before, occ = audit(), occurrences()
    big = json.dumps({"action": "cancel", "forum": "hytetu-foorumi",
                      "date": "2026-10-13", "reason": "x" * 9000})
    cases = [
        ({"action": "cancel", "forum": "nope", "date": "2026-10-13"},
         "tuntematon foorumi 'nope'"),
        ({"action": "cancel", "forum": "hytetu-foorumi",
          "date": "2026-10-14"}, "ei ole kokousta 2026-10-14"),
        (big, "pyynnön runko on yli 8192 tavua"),
        ({"action": "cancel", "forum": "hytetu-foorumi", "date": 20261013},
         "'date' pitää olla merkkijono"),
        ({"action": "move", "forum": "hytetu-foorumi", "date": "2026-10-13",
          "new_date": ["2026-10-15"]}, "'new_date' pitää olla merkkijono"),
        ('{"action": "cancel", "forum": "hytetu-foorumi",',
         "virheellinen JSON rivillä 1"),
        ('{"action": "cancel", "action": "move", "forum": "x", '
         '"date": "2026-10-13"}', "virheellinen JSON"),
        ({"action": "delete", "forum": "hytetu-foorumi",
          "date": "2026-10-13"}, "'action' pitää olla \"cancel\", "
         "\"move\", \"add\", \"undo\" tai \"done\""),
        ({"action": "cancel", "forum": "hytetu-foorumi",
          "date": "2026-02-30"}, "'date' pitää olla päivämäärä "
         "YYYY-MM-DD"),
    ]
    for change, reason in cases:
        st, ans = post(all_, change)
        check(st == 400 and isinstance(ans, dict) and
              reason in ans.get("error", ""),
              "bad input %r: %d %r, want 400 with %r" % (
                  str(change)[:60], st, ans, reason))
    check(audit() == before and occurrences() == occ,
          "bad input changed something")
    st, ans = post(all_, {"action": "move", "forum": "hytetu-foorumi",
                          "date": "2026-10-13", "new_date": "2026-07-07"})
    check(st == 200 and ans.get("warnings") == ["blackout"],
          "move into the summer blackout: %d %r" % (st, ans))
    st, ans = post(all_, {"action": "undo", "forum": "hytetu-foorumi",
                          "date": "2026-10-13"})
    check(st == 200 and ans.get("new_start") == "2026-10-13T13:00",
          "undo of the move: %d %r" % (st, ans))
    st, ans = post(all_, {"action": "undo", "forum": "hytetu-foorumi",
                          "date": "2026-10-13"})
    check(st == 409 and "ei peruttavaa" in ans.get("error", ""),
          "a second undo: %d %r" % (st, ans))


def part_cli(foorumi):
    """5: cadencectl --server cancels through the API"""
    tf = os.path.join(tmp, "foorumi.token")
    with open(tf, "w") as f:
        f.write(foorumi + "\n")
    os.chmod(tf, 0o600)
    n_mail = len(invitations())
    r = subprocess.run([CTL, "--server", BASE, "--token-file", tf,
                        "--cacert", os.path.join(tmp, "cert.pem"), "cancel",
                        "hytetu-foorumi", "2026-10-13", "--reason", "Etänä"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout ==
          "peruttu: Hytetu-foorumi ti 13.10.2026 klo 13.00\n",
          "cadencectl --server cancel: %d %r %r" % (r.returncode, r.stdout,
                                                    r.stderr))
    within_5s("the CANCEL of cadencectl --server", lambda: [
        i for i in invitations()[n_mail:] if i[0] == "CANCEL" and
        i[1] == FOORUMI])
    e = audit()[-1]
    check(e["who"] == "foorumi" and e["action"] == "cancel" and
          e["what"] == "hytetu-foorumi 2026-10-13: Etänä",
          "audit of the remote cancel: %s" % e)
    r = ctl_server(tf, [], "move", "kuntaneuvottelu", "2026-02-02",
                   "2026-02-03", "--party", "sotkamo")
    check(r.returncode == 1 and r.stderr == "cadencectl: palvelin: "
          "pääsytunnus 'foorumi' ei saa muuttaa foorumin 'kuntaneuvottelu' "
          "kokouksia osapuolelle 'sotkamo' (HTTP 403)\n",
          "out of scope via cadencectl --server: %d %r" % (r.returncode,
                                                           r.stderr))
    # in the reader's language (SPEC § 10.4): --lang sv asks the daemon
    # for Swedish names (Accept-Language), the line is Swedish; ?lang=
    # of a language the config does not list is refused
    r = subprocess.run([CTL, "--lang", "sv", "--server", BASE,
                        "--token-file", tf, "--cacert",
                        os.path.join(tmp, "cert.pem"), "cancel",
                        "hytetu-foorumi", "2026-10-13"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout ==
          "Hytetu-forum ti 13.10.2026 kl. 13.00 är redan inställt\n",
          "cadencectl --lang sv --server cancel: %d %r %r" % (
              r.returncode, r.stdout, r.stderr))
    st, body = curl("/api/v1/changes?lang=en", token=foorumi,
                    data=json.dumps({"action": "cancel", "forum":
                                     "hytetu-foorumi",
                                     "date": "2026-10-13"}))
    check(st == 400 and "lang" in body, "POST ?lang=en (not listed): "
          "%d %r" % (st, body))
    st, body = curl("/api/v1/changes?lang=sv", token=foorumi,
                    data=json.dumps({"action": "cancel", "forum":
                                     "hytetu-foorumi",
                                     "date": "2026-10-13"}))
    check(st == 200 and json.loads(body).get("name") == "Hytetu-forum",
          "POST ?lang=sv: %d %r" % (st, body))
    # the reasons of a refusal too, from the first check on: a bad token
    # and a bad body in Swedish (Accept-Language, ?lang=), the reader's
    # scope through cadencectl --lang sv --server; a ?lang= the config
    # does not list is refused in the default language
    for path, args, token, data, code, want in (
            ("/api/v1/changes", ["-H", "Accept-Language: sv-FI, fi;q=0.5"],
             "cad_wrong", "{}", 401, "token är inte giltig"),
            ("/api/v1/changes?lang=sv", [], foorumi,
             json.dumps({"action": "cancel", "forum": "hytetu-foorumi",
                         "date": "13.10.2026"}), 400,
             "'date' måste vara ett datum YYYY-MM-DD"),
            ("/api/v1/changes", ["-H", "Accept-Language: sv"], foorumi,
             '{"action": "cancel", "åtgärd": 1}', 400,
             "okänd nyckel '??tg??rd'"),
            ("/api/v1/changes?lang=en", [], foorumi,
             json.dumps({"action": "cancel", "forum": "hytetu-foorumi",
                         "date": "2026-10-13"}), 400,
             "lang pitää olla jokin asetusten kielistä (languages)")):
        st, body = curl(path, *args, token=token, data=data)
        try:
            reason = json.loads(body).get("error")
        except ValueError:
            reason = None
        check(st == code and reason == want, "%s %s: %d %r, want %d %r" % (
            path, args, st, body, code, want))
    r = ctl_server(tf, ["--lang", "sv"], "move", "kuntaneuvottelu",
                   "2026-02-02", "2026-02-03", "--party", "sotkamo")
    check(r.returncode == 1 and r.stderr == "cadencectl: server: token "
          "'foorumi' får inte ändra forumet 'kuntaneuvottelu' för parten "
          "'sotkamo' (HTTP 403)\n",
          "out of scope via cadencectl --lang sv --server: %d %r" % (
              r.returncode, r.stderr))


def rdates_of(cal_bytes, uid):
    """the RDATEs of uid's master VEVENT, as "YYYY-MM-DDTHH:MM" """
    out = set()
    for ev in icalendar.Calendar.from_ical(cal_bytes).walk("VEVENT"):
        if str(ev["UID"]) != uid or ev.get("RECURRENCE-ID"):
            continue
        r = ev.get("RDATE")
        for lst in r if isinstance(r, list) else [r] if r else []:
            out |= {d.dt.strftime("%Y-%m-%dT%H:%M") for d in lst.dts}
    return out


def part_add(kaj, all_):
    """5b: an extra meeting through the API, and its undo"""
    n_mail = len(invitations())
    add = {"action": "add", "forum": "kuntaneuvottelu", "party": "kajaani",
           "date": "2026-03-05", "time": "10:00", "reason": "Lisäneuvottelu"}
    st, ans = post(kaj, add)
    check(st == 200 and ans.get("changed") is True and
          ans.get("uid") == KAJ and ans.get("start") == "2026-03-05T10:00",
          "add: %d %r" % (st, ans))
    within_5s("the extra meeting in the feed", lambda: "2026-03-05T10:00" in
              rdates_of(curl("/calendars/all.ics")[1].encode(), KAJ))
    within_5s("the extra meeting in Radicale", lambda: "2026-03-05T10:00" in
              rdates_of(dav_get(KAJ)[1] or
                        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", KAJ))
    within_5s("the update with the extra meeting in the sink", lambda: [
        i for i in invitations()[n_mail:] if i[0] == "REQUEST" and
        i[1] == KAJ])
    e = audit()[-1]
    check(e["action"] == "add" and e["who"] == "kajaani-coord" and
          e["via"] == "api" and e["recurrence_id"] == "2026-03-05T10:00" and
          e["what"] == "kuntaneuvottelu 2026-03-05 kajaani: Lisäneuvottelu"
          and e["before"] == "" and e["after"] == "2026-03-05 10:00 added",
          "audit of the add: %s" % e)
    before = audit()
    st, ans = post(kaj, dict(add, party="sotkamo"))
    check(st == 403, "add for another party: %d %r" % (st, ans))
    for change, reason in (
            (dict(add), "kokoontuu jo 2026-03-05 klo 10:00"),
            ({"action": "add", "forum": "kuntaneuvottelu",
              "party": "sotkamo", "date": "2026-02-02", "time": "09:00"},
             "kokoontuu jo 2026-02-02 klo 09:00"),
            ({k: v for k, v in add.items() if k != "time"},
             "'time' puuttuu"),
            (dict(add, time="25:00"), "'time' pitää olla kellonaika HH:MM"),
            ({"action": "cancel", "forum": "kuntaneuvottelu",
              "party": "kajaani", "date": "2026-03-05", "time": "10:00"},
             "'time' kuuluu vain toimintoihin \"add\" ja \"undo\"")):
        st, ans = post(all_, change)
        check(st == 400 and reason in ans.get("error", ""),
              "bad add %r: %d %r, want 400 with %r" % (
                  change, st, ans, reason))
    check(audit() == before, "a refused add reached the audit")
    undo = {"action": "undo", "forum": "kuntaneuvottelu", "party": "kajaani",
            "date": "2026-03-05", "time": "10:00"}
    st, ans = post(kaj, undo)
    check(st == 200 and ans.get("changed") is True,
          "undo of the add: %d %r" % (st, ans))
    within_5s("the extra meeting gone from the feed", lambda:
              "2026-03-05T10:00" not in rdates_of(
                  curl("/calendars/all.ics")[1].encode(), KAJ))
    e = audit()[-1]
    check(e["action"] == "unadd" and e["who"] == "kajaani-coord" and
          e["before"] == "2026-03-05 10:00 added" and e["after"] == "",
          "audit of the undo of the add: %s" % e)
    st, ans = post(kaj, undo)
    check(st == 409 and "ei ole lisättyä kokousta" in ans.get("error", ""),
          "a second undo of the add: %d %r" % (st, ans))


def part_cli_add():
    """5c: cadencectl --server add and add --undo"""
    remote = [CTL, "--server", BASE, "--token-file",
              os.path.join(tmp, "foorumi.token"), "--cacert",
              os.path.join(tmp, "cert.pem")]
    r = subprocess.run(remote + ["add", "hytetu-foorumi", "2026-11-17",
                                 "13:00", "--reason", "Jatkokokous"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout == "lisätty: %s ti 17.11.2026 "
          "klo 13.00\n" % FOORUMI, "cadencectl --server add: %d %r %r" % (
              r.returncode, r.stdout, r.stderr))
    e = audit()[-1]
    check(e["action"] == "add" and e["who"] == "foorumi" and
          e["via"] == "api" and
          e["what"] == "hytetu-foorumi 2026-11-17: Jatkokokous",
          "audit of the remote add: %s" % e)
    check(any(o["uid"] == FOORUMI and o["start"].startswith(
        "2026-11-17T13:00") for o in occurrences()),
        "the remote add is not planned")
    r = subprocess.run(remote + ["add", "hytetu-foorumi", "2026-11-17",
                                 "13:00", "--undo"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout.startswith("lisäys peruttu: "),
          "cadencectl --server add --undo: %d %r %r" % (
              r.returncode, r.stdout, r.stderr))
    check(audit()[-1]["action"] == "unadd", "the remote undo not audited")
    r = subprocess.run(remote + ["add", "hytetu-foorumi", "2026-11-17",
                                 "13:00", "--undo"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "ei ole lisättyä kokousta" in r.stderr and
          r.stderr.count("\n") == 1,
          "a second remote add --undo: %d %r" % (r.returncode, r.stderr))


def part_race(all_):
    """9: ten changes at once, six of them the same cancel"""
    cancel = {"action": "cancel", "forum": "kuntaneuvottelu",
              "party": "sotkamo", "date": "2027-02-02",
              "reason": "Samaan aikaan"}
    adds = [{"action": "add", "forum": "hytetu-foorumi",
             "date": "2026-11-%02d" % d, "time": "13:00"}
            for d in (3, 4, 5, 6)]
    changes = [cancel] * 6 + adds
    answers = [None] * len(changes)
    go = threading.Barrier(len(changes))

    def one(i):
        go.wait(10)
        answers[i] = post(all_, changes[i])
    before = audit()
    threads = [threading.Thread(target=one, args=(i,))
               for i in range(len(changes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    check(all(a is not None and a[0] == 200 for a in answers),
          "changes at once: not all answered 200: %s" % answers)
    answers = [a if a is not None else (0, {}) for a in answers]
    changed = [a[1].get("changed") for a in answers
               if isinstance(a[1], dict)]
    check(changed[:6].count(True) == 1 and changed[:6].count(False) == 5
          and changed[6:] == [True] * 4,
          "changes at once: changed %s, want one true of the six same "
          "cancels and four true adds" % changed)
    new = audit()[len(before):]
    got = sorted((e["action"], e["what"]) for e in new)
    want = sorted([("cancel", "kuntaneuvottelu 2027-02-02 sotkamo: "
                    "Samaan aikaan")] +
                  [("add", "hytetu-foorumi 2026-11-%02d" % d)
                   for d in (3, 4, 5, 6)])
    check(got == want, "changes at once: new audit records %s, want %s" %
          (got, want))


def part_limits(kaj, all_):
    """6: revoked at once; 429 after 10 failed tokens"""
    ctl("token", "revoke", "kajaani-coord")
    st, ans = post(kaj, {"action": "undo", "forum": "kuntaneuvottelu",
                         "party": "kajaani", "date": "2026-02-02"})
    check(st == 401, "a revoked token: %d %r" % (st, ans))
    codes = [post("cad_" + "%064x" % i, "{}")[0] for i in range(20)]
    check(set(codes) <= {401, 429} and codes.count(401) <= 9 and
          codes[-10:] == [429] * 10,
          "20 wrong tokens (after one revoked): %s" % codes)
    st, _ = curl("/api/v1/audit", token=all_)
    check(st == 429, "a good token from a blocked address: %d" % st)


def part_reload():
    """7: SIGHUP swaps in a new certificate"""
    make_cert("new")
    shutil.copy(os.path.join(tmp, "new.pem"), os.path.join(tmp, "cert.pem"))
    shutil.copy(os.path.join(tmp, "new.key"), os.path.join(tmp, "key.pem"))
    proc.send_signal(signal.SIGHUP)
    check(poll_until(lambda: curl("/healthz", cacert="new")[0] == 200, 10),
          "SIGHUP: the new certificate is not served")
    check(curl("/healthz", cacert="old")[0] == 0,
          "SIGHUP: the old certificate is still served")


def outside_address():
    """an IPv4 address of this host that is not a loopback one, or None"""
    r = subprocess.run(["hostname", "-I"], capture_output=True, text=True)
    for a in r.stdout.split():
        if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", a) and \
                not a.startswith("127."):
            return a
    return None


def part_plain(secret):
    """8: plain HTTP on an outside address: tokens refused (403) unless
    behind_tls_proxy; the feeds are served either way"""
    ip = outside_address()
    if ip is None:
        print("%s: note: no outside address, plain-HTTP refusal not "
              "tested" % ME)
        return
    port = free_port()
    conf = os.path.join(tmp, "plain.conf")
    with open(CONF_PATH, encoding="utf-8") as f:
        t = f.read()
    t = re.sub(r'(?s)http = \{.*?\};', 'http = { listen = "%s:%d"; };'
               % (ip, port), t)
    t = re.sub(r'(?m)^(caldav|smtp) = .*\n(  .*\n)?', '', t)
    with open(conf, "w", encoding="utf-8") as f:
        f.write(t)
    log = open(os.path.join(tmp, "plain.log"), "a")
    p = subprocess.Popen([DAEMON, "-c", conf, "--today", TODAY] +
                         peers.ROOT_OPT, stdout=subprocess.DEVNULL,
                         stderr=log)
    url = "http://%s:%d" % (ip, port)

    def ask(path, *extra):
        r = subprocess.run(["curl", "-sS", "--max-time", "5", "-o", "-",
                            "-w", "\n%{http_code}"] + list(extra) +
                           [url + path], capture_output=True, text=True)
        body, _, code = r.stdout.rpartition("\n")
        return int(code or 0), body
    try:
        need(poll_until(lambda: ask("/healthz")[0] == 200, 15),
             "plain daemon on %s: no /healthz" % url)
        st, body = ask("/api/v1/audit", "-H",
                       "Authorization: Bearer " + secret)
        check(st == 403 and "otetaan vastaan vain HTTPS-yhteydellä" in body,
              "a token over plain HTTP from %s: %d %r" % (ip, st, body))
        t = t.replace('http = { listen = "%s:%d"; };' % (ip, port),
                      'http = { listen = "%s:%d"; behind_tls_proxy = '
                      'true; };' % (ip, port))
        with open(conf, "w", encoding="utf-8") as f:
            f.write(t)
        p.send_signal(signal.SIGHUP)
        check(poll_until(lambda: ask("/api/v1/audit", "-H",
                                     "Authorization: Bearer " + secret)[0]
                         == 200, 10),
              "behind_tls_proxy: the token is still refused")
    finally:
        p.kill()
        p.wait()
        log.close()


def main():
    global BASE, DAV
    port, dav_port, smtp_port = free_port(), free_port(), free_port()
    BASE = "https://127.0.0.1:%d" % port
    DAV = "http://127.0.0.1:%d/%s/forums/" % (dav_port, USER)
    with open(CONF_PATH, "w", encoding="utf-8") as f:
        f.write(CONF % {"port": port, "dav": dav_port, "smtp": smtp_port})
    with open(os.path.join(tmp, "caldav.pass"), "w") as f:
        f.write(PASSWORD + "\n")
    os.chmod(os.path.join(tmp, "caldav.pass"), 0o600)
    make_cert("old")
    shutil.copy(os.path.join(tmp, "old.pem"), os.path.join(tmp, "cert.pem"))
    shutil.copy(os.path.join(tmp, "old.key"), os.path.join(tmp, "key.pem"))
    RUN.start_radicale(dav_port, USER, PASSWORD)
    st = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w",
                         "%{http_code}", "-u", "%s:%s" % (USER, PASSWORD),
                         "-X", "MKCALENDAR", DAV], capture_output=True,
                        text=True, timeout=30).stdout
    need(st == "201", "MKCALENDAR: %s" % st)
    RUN.start_sink(smtp_port)
    kaj = token("kajaani-coord", "--forum", "kuntaneuvottelu", "--party",
                "kajaani")
    foorumi = token("foorumi", "--forum", "hytetu-foorumi")
    all_ = token("kaikki")
    part_plain(all_)
    start()
    wait_sent()
    part_https()
    part_move(kaj)
    part_audit(kaj)
    part_bad(all_)
    part_cli(foorumi)
    part_add(kaj, all_)
    part_cli_add()
    part_race(all_)
    part_limits(kaj, all_)
    part_reload()


def kill_daemon():
    if proc is not None:
        proc.kill()
        proc.wait()


RUN.finish_daemon(main, LOG, kill_daemon)
