"""api_done.py - a task recorded done from outside the server, and the
audit of done and terminate (SPEC §§ 7, 10.3, 10.5), against the real
cadenced and a real SMTP sink (aiosmtpd's Mailbox handler).

Run by tests/e2e/api_done.sh: api_done.py CADENCED CADENCECTL.  Every
server binds 127.0.0.1 on a port chosen at run time (tokens are taken
over plain HTTP on the loopback address); every wait is bounded.

Expected values by hand from CONF: "raportti" is due every 30.6. and
owned by kajaani and sotkamo; 30.6.2026 is a Tuesday (1.1.2026 is a
Thursday, 180 days earlier: 180 = 25 * 7 + 5); its one reminder is 14
days before, on 16.6.2026, to each owner's email.  "suunnitelma" is
hva's, due 30.9.  The agreement's review_by is 30.9.2026.  kuhmo's
notice of 1.5.2026 takes effect 12 months later, on 1.5.2027.  The
deadline UIDs follow core/model/deadline.h: task-<task>-<due>-<owner>.

What it checks (HTTP with curl, the calendar with python3-icalendar, the
mail with the email package):
  1. a token limited to kajaani marks kajaani's report done: 200 with the
     deadline's UID; within 5 s deadlines.ics says "(tehty)" and has no
     alarm for it (sotkamo's keeps its alarm) and GET /api/v1/deadlines
     has "done": true; the audit names the token, "api", the address;
  2. out of scope is 403 and changes nothing: the same token for
     sotkamo's report and for the agreement's review, a token limited to
     a forum for kajaani's report;
  3. bad input is 400 with a JSON reason and changes nothing: unknown
     task, a day the task is not due on (the nearest named), no owner of
     two, 'task' missing, a "forum" or "time" with a task;
  4. "undo" with the "task" takes it back (the alarm returns within 5 s),
     a second undo is 409; the review by an unlimited token is 200 with
     "party": null;
  5. cadencectl --server done prints what the local command prints and
     is audited as the token's; out of scope it exits 1 with the reason;
     --server terminate is a usage error;
  6. cadencectl done (local) reaches deadlines.ics within 5 s and the
     audit names the OS user, "cli"; terminate and its withdrawal are in
     the audit with before and after;
  7. restarted on 16.6.2026 the daemon reminds sotkamo of its report and
     not kajaani, whose report is done.
"""
import email.utils
import json
import os
import pwd
import subprocess
import sys

import icalendar          # api_done.sh checked that it is there

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

ME = "api_done.sh"
DAEMON = os.path.abspath(sys.argv[1])
CTL = os.path.abspath(sys.argv[2])
TODAY = "2026-06-01"
REMIND_DAY = "2026-06-16"
RUN = peers.Run(ME, "api-done.")
failures, tmp = RUN.failures, RUN.tmp
check, need, messages = RUN.check, RUN.need, RUN.messages
within_5s = RUN.within_5s
free_port, poll_until, Fatal = peers.free_port, peers.poll_until, peers.Fatal

CONF = peers.KAINUU_HEAD + """\
council_terms = ( { start = "2025-06-01"; end = "2029-05-31"; } );
organizer = { name = "Hyte"; email = "hyte@kainuu.example"; };
""" + peers.kainuu_parties("hva", "kajaani", "sotkamo", "kuhmo") + """\
forums = (
  { id = "kuntaneuvottelu"; name = "Kuntakohtainen neuvottelu";
    convenor = "hva"; for_each = [ "kajaani", "sotkamo" ];
    rrule = "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=2";
    start = "2026-01-01"; time = "09:00"; duration = 120; }
);
agreement = {
  title = "Yhteistyösopimus";
  effective = "2025-06-01";
  notice_months = 12;
  renew_within_months = 12;
  review_by = [ "2026-09-30" ];
};
tasks = (
  { id = "raportti"; name = "Vuosiraportti valtuustolle";
    owners = [ "kajaani", "sotkamo" ];
    due = "06-30"; start = "2026-01-01"; remind_days = [ 14 ]; },
  { id = "suunnitelma"; name = "Hyvinvointisuunnitelma";
    owners = [ "hva" ]; due = "09-30"; start = "2026-01-01"; }
);
invite = "convenors";
http = { listen = "127.0.0.1:%(port)d"; base_url = "http://127.0.0.1:%(port)d/"; };
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""
KAJ_UID = "task-raportti-2026-06-30-kajaani@kainuu.example"
SOT_UID = "task-raportti-2026-06-30-sotkamo@kainuu.example"
HVA_UID = "task-suunnitelma-2026-09-30-hva@kainuu.example"
CONF_PATH = os.path.join(tmp, "cadenced.conf")
LOG = os.path.join(tmp, "log")
DONE_KAJ = {"action": "done", "task": "raportti", "date": "2026-06-30",
            "party": "kajaani"}
proc = None


def ctl(*args, ok=True, today=TODAY):
    return peers.run_ctl(CTL, CONF_PATH, today, args, ok=ok)


def remote(token_file, *args):
    return subprocess.run([CTL, "--server", BASE, "--token-file",
                           token_file] + list(args), capture_output=True,
                          text=True, timeout=60)


def curl(path, token=None, data=None):
    return peers.curl(BASE + path, token=token, data=data)


def post(token, change):
    return peers.post_change(curl, token, change)


def audit():
    return json.loads(ctl("audit", "--json").stdout)


def deadlines_json():
    st, body = curl("/api/v1/deadlines")
    return json.loads(body) if st == 200 else None


def feed_events():
    """{uid: (summary, number of VALARMs)} of deadlines.ics"""
    st, body = curl("/calendars/deadlines.ics")
    if st != 200:
        return {}
    cal = icalendar.Calendar.from_ical(body.encode())
    return {str(ev["UID"]): (str(ev["SUMMARY"]), len(ev.walk("VALARM")))
            for ev in cal.walk("VEVENT")}


def start(today):
    global proc
    proc = subprocess.Popen([DAEMON, "-c", CONF_PATH, "--today", today,
                             "-v"] + peers.ROOT_OPT,
                            stdout=subprocess.DEVNULL, stderr=open(LOG, "a"))
    RUN.wait_healthz(proc, BASE, 30)


def stop():
    global proc
    proc.terminate()
    proc.wait(10)
    proc = None


def token(name, *scope):
    secret = ctl("token", "add", name, *scope).stdout.strip()
    need(secret.startswith("cad_"), "token add printed %r" % secret)
    return secret


def token_file(name, secret):
    path = os.path.join(tmp, name + ".token")
    with open(path, "w") as f:
        f.write(secret + "\n")
    os.chmod(path, 0o600)
    return path


def part_done(kaj):
    """1: the scoped token records kajaani's report done"""
    need(feed_events().get(KAJ_UID) == (
        "Vuosiraportti valtuustolle: Kajaanin kaupunki", 1),
        "deadlines.ics before: %r" % (feed_events().get(KAJ_UID),))
    st, ans = post(kaj, DONE_KAJ)
    check(st == 200 and ans == {
        "uid": KAJ_UID, "name": "Vuosiraportti valtuustolle: Kajaanin "
        "kaupunki", "task": "raportti", "party": "kajaani",
        "date": "2026-06-30", "changed": True, "before": "2026-06-30 due",
        "after": "2026-06-30 done", "warnings": []},
        "done: %d %r" % (st, ans))
    within_5s("the done in deadlines.ics", lambda: feed_events().get(
        KAJ_UID) == ("Vuosiraportti valtuustolle: Kajaanin kaupunki "
                     "(tehty)", 0))
    check(feed_events().get(SOT_UID) == (
        "Vuosiraportti valtuustolle: Sotkamon kunta", 1),
        "sotkamo's report changed: %r" % (feed_events().get(SOT_UID),))
    done = [(d["party"], d["done"]) for d in deadlines_json() or []
            if d.get("task") == "raportti" and d["date"] == "2026-06-30"]
    check(done == [("kajaani", True), ("sotkamo", False)],
          "GET /api/v1/deadlines: %r" % done)
    e = audit()[-1]
    check(e["action"] == "done" and e["who"] == "kajaani-raportit" and
          e["via"] == "api" and e["address"] == "127.0.0.1" and
          e["uid"] == KAJ_UID and e["recurrence_id"] is None and
          e["what"] == "raportti 2026-06-30 kajaani" and
          e["before"] == "2026-06-30 due" and
          e["after"] == "2026-06-30 done", "audit of the done: %s" % e)
    st, ans = post(kaj, DONE_KAJ)
    check(st == 200 and ans.get("changed") is False,
          "done again: %d %r" % (st, ans))


def part_scope(kaj, forum_tok):
    """2: 403 outside the token's scope, nothing changed"""
    before, feed = audit(), feed_events()
    for tok, change, reason in (
            (kaj, dict(DONE_KAJ, party="sotkamo"),
             "pääsytunnus 'kajaani-raportit' ei saa kirjata osapuolen "
             "'sotkamo' tehtäviä"),
            (kaj, {"action": "done", "task": "review",
                   "date": "2026-09-30"}, "sopimuksen tarkistusta: se vaatii "
             "pääsytunnuksen ilman rajauksia"),
            (forum_tok, DONE_KAJ, "on rajattu foorumeihin: se ei saa "
             "kirjata tehtäviä tehdyiksi")):
        st, ans = post(tok, change)
        check(st == 403 and reason in ans.get("error", ""),
              "out of scope %r: %d %r" % (change, st, ans))
    check(audit() == before and feed_events() == feed,
          "a refused done changed something")


def part_bad(all_):
    """3: 400 with a JSON reason, nothing changed"""
    before, dl = audit(), deadlines_json()
    for change, reason in (
            (dict(DONE_KAJ, task="nosuch"), "tuntematon tehtävä 'nosuch'"),
            (dict(DONE_KAJ, date="2026-06-29"), "tehtävän 'raportti' "
             "määräpäivä ei ole 2026-06-29 (lähin määräpäivä on "
             "2026-06-30)"),
            ({k: v for k, v in DONE_KAJ.items() if k != "party"},
             "tehtävällä 'raportti' on 2 omistajaa"),
            ({k: v for k, v in DONE_KAJ.items() if k != "task"},
             "'task' puuttuu"),
            (dict(DONE_KAJ, forum="kuntaneuvottelu"), "tehtävän \"done\" "
             "avaimet ovat vain 'task', 'date' ja 'party'"),
            (dict(DONE_KAJ, action="undo", time="09:00"), "tehtävän "
             "\"undo\" avaimet ovat vain 'task', 'date' ja 'party'"),
            ({"action": "cancel", "forum": "kuntaneuvottelu",
              "party": "kajaani", "date": "2026-10-02", "task": "raportti"},
             "'task' kuuluu vain toimintoihin \"done\" ja \"undo\"")):
        st, ans = post(all_, change)
        check(st == 400 and isinstance(ans, dict) and
              reason in ans.get("error", ""),
              "bad done %r: %d %r, want 400 with %r" % (
                  change, st, ans, reason))
    check(audit() == before and deadlines_json() == dl,
          "bad input changed something")


def part_undo(kaj, all_):
    """4: undo with the task; the review by an unlimited token"""
    undo = dict(DONE_KAJ, action="undo")
    st, ans = post(kaj, undo)
    check(st == 200 and ans.get("changed") is True and
          ans.get("after") == "2026-06-30 due", "undo: %d %r" % (st, ans))
    within_5s("the undo in deadlines.ics", lambda: feed_events().get(
        KAJ_UID) == ("Vuosiraportti valtuustolle: Kajaanin kaupunki", 1))
    e = audit()[-1]
    check(e["action"] == "undone" and e["who"] == "kajaani-raportit" and
          e["before"] == "2026-06-30 done", "audit of the undo: %s" % e)
    st, ans = post(kaj, undo)
    check(st == 409 and "ei ole kirjattu tehdyksi" in ans.get("error", ""),
          "a second undo: %d %r" % (st, ans))
    st, ans = post(all_, {"action": "done", "task": "review",
                          "date": "2026-09-30"})
    check(st == 200 and ans.get("party") is None and
          ans.get("uid") == "review-2026-09-30@kainuu.example",
          "the review done: %d %r" % (st, ans))


def part_remote(kaj_file, forum_file):
    """5: cadencectl --server done"""
    r = remote(kaj_file, "done", "raportti", "2026-06-30", "--party",
               "kajaani")
    check(r.returncode == 0 and r.stdout ==
          "tehty: raportti (kajaani), määräpäivä ti 30.6.2026\n",
          "cadencectl --server done: %d %r %r" % (r.returncode, r.stdout,
                                                  r.stderr))
    e = audit()[-1]
    check(e["action"] == "done" and e["who"] == "kajaani-raportit" and
          e["via"] == "api", "audit of the remote done: %s" % e)
    within_5s("the remote done in deadlines.ics", lambda: feed_events().get(
        KAJ_UID, ("", 1))[1] == 0)
    r = remote(kaj_file, "done", "raportti", "2026-06-30")
    check(r.returncode == 1 and "tehtävällä 'raportti' on 2 omistajaa" in r.stderr
          and r.stderr.count("\n") == 1,
          "remote done without --party: %d %r" % (r.returncode, r.stderr))
    r = remote(forum_file, "done", "raportti", "2026-06-30", "--party",
               "kajaani")
    check(r.returncode == 1 and "on rajattu foorumeihin" in r.stderr and
          r.stderr.count("\n") == 1,
          "remote done out of scope: %d %r" % (r.returncode, r.stderr))
    r = remote(kaj_file, "--lang", "fi", "terminate", "kuhmo", "--noticed",
               "2026-05-01")
    check(r.returncode == 2 and "vain cancel, move, add ja done kulkevat" in
          r.stderr, "--server terminate: %d %r" % (r.returncode, r.stderr))


def part_local():
    """6: local done and terminate are audited as the OS user"""
    user = pwd.getpwuid(os.geteuid()).pw_name
    r = ctl("done", "suunnitelma", "2026-09-30")
    check(r.stdout == "tehty: suunnitelma (hva), määräpäivä ke 30.9.2026\n",
          "local done: %r" % r.stdout)
    within_5s("the local done in deadlines.ics", lambda: feed_events().get(
        HVA_UID, ("", 1)) == ("Hyvinvointisuunnitelma: Kainuun "
                              "hyvinvointialue (tehty)", 0))
    e = audit()[-1]
    check(e["action"] == "done" and e["who"] == user and
          e["via"] == "cli" and e["address"] is None and
          e["uid"] == HVA_UID and e["what"] == "suunnitelma 2026-09-30 hva",
          "audit of the local done: %s" % e)
    ctl("terminate", "kuhmo", "--noticed", "2026-05-01")
    ctl("terminate", "kuhmo", "--withdraw")
    t, w = audit()[-2:]
    check(t["action"] == "terminate" and t["who"] == user and
          t["via"] == "cli" and t["what"] == "kuhmo" and t["before"] == ""
          and t["after"] == "noticed 2026-05-01, effective 2027-05-01",
          "audit of terminate: %s" % t)
    check(w["action"] == "withdraw" and w["who"] == user and
          w["before"] == "noticed 2026-05-01, effective 2027-05-01" and
          w["after"] == "", "audit of the withdrawal: %s" % w)
    st, body = curl("/api/v1/audit", token=ALL)
    check(st == 200 and json.loads(body) == audit(),
          "GET /api/v1/audit differs from cadencectl audit: %d" % st)


def reminded():
    """(recipient, subject) of the task reminders received so far"""
    return sorted((email.utils.parseaddr(m["To"])[1], peers.subject(m))
                  for m in messages() if peers.subject(m).startswith(
                      "Muistutus: Vuosiraportti"))


def part_reminders():
    """7: on the reminder day only the owner whose report is not done"""
    stop()
    start(REMIND_DAY)

    def sent():
        box = json.loads(ctl("outbox", "--json", today=REMIND_DAY).stdout)
        return reminded() if box and all(e["state"] == "sent"
                                         for e in box) else None
    got = poll_until(sent, 30, 0.2)
    check(got and [r[0] for r in got] == ["kirjaamo@sotkamo.example"],
          "reminders on 16.6.2026: %r" % (got or reminded()))


def main():
    global BASE, ALL
    port, smtp_port = free_port(), free_port()
    BASE = "http://127.0.0.1:%d" % port
    with open(CONF_PATH, "w", encoding="utf-8") as f:
        f.write(CONF % {"port": port, "smtp": smtp_port})
    RUN.start_sink(smtp_port)
    kaj = token("kajaani-raportit", "--party", "kajaani")
    forum_tok = token("neuvottelu", "--forum", "kuntaneuvottelu")
    ALL = token("kaikki")
    start(TODAY)
    check(reminded() == [], "reminders before the day: %r" % reminded())
    part_done(kaj)
    part_scope(kaj, forum_tok)
    part_bad(ALL)
    part_undo(kaj, ALL)
    part_remote(token_file("kaj", kaj), token_file("forum", forum_tok))
    part_local()
    part_reminders()


def kill_daemon():
    if proc is not None:
        proc.kill()
        proc.wait()


RUN.finish_daemon(main, LOG, kill_daemon)
