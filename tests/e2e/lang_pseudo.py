"""lang_pseudo.py CADENCECTL CADENCED - every word a person reads in a
listed language comes from the message catalogue or the config (SPEC
§ 10.4: a translator edits a .po file and nothing else); run by
tests/e2e/lang_pseudo.sh.

A pseudo-translation of po/sv.po (tests/e2e/pseudo_po.py: each word of
each message wrapped in «», "Seuraava kokous" -> "«Seuraava» «kokous»")
is compiled with msgfmt --check and installed as the Swedish catalogue
of a locale directory of its own (CADENCE_LOCALEDIR). Then, in Swedish,
on etc/keski-pohjanmaa.conf (a party and the convenor with language
"sv", mail to a local SMTP sink): the page, the accessibility statement,
this year's, another year's and the print wheel, the JSON answers with
?lang=sv, the feeds (all, deadlines, flat, a party's: what a calendar
program shows of them), cadencectl's human answers (check, forums, next,
occurrences, deadlines, compliance, holidays, wheel, cancel, move, add,
done, terminate and its list, token list, the audit of them all, export,
outbox with failed and sent rows, --help and errors) and
the mail a Swedish-language party receives (Subject, text, and the
SUMMARY, DESCRIPTION, LOCATION and COMMENT of its calendar).

What is left of each text once the marked words, the config's own texts
(read here with a tokenizer of its own, not cadenced's loader), URLs,
addresses, numbers and the command line's own arguments are taken out
must have no word: a word left was written into the output without
passing through a catalogue, and would be Finnish on every Swedish page.
"""
import email.header
import email.utils
import getpass
import html
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import icalendar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import no_finnish  # noqa: E402
import peers  # noqa: E402

ME = "lang_pseudo.sh"
CTL = os.path.abspath(sys.argv[1])
DAEMON = os.path.abspath(sys.argv[2])
CONF_SRC = "etc/keski-pohjanmaa.conf"
TODAY = "2027-05-01"    # 60 days before 30.6.: the yearly reports' reminder
RUN = peers.Run(ME, "lang-pseudo.")
check, need, tmp = RUN.check, RUN.need, RUN.tmp

# Words that are the same in every language by design, not messages:
# each language's name in itself on the language switch and the
# programs' names; in cadencectl's answers also the words of a
# diagnostic's GNU form ("FILE:LINE: warning: ...", "FILE: ok: ..."),
# which scripts read (README: they stay as they are).
FIXED = {"Suomeksi", "På svenska", "In English", "cadenced", "cadencectl"}
DIAGNOSTIC = {"ok", "warning", "error"}
# JSON values that are identifiers of the SPEC, the same in every language
JSON_IDS = {"kind", "deadline", "minimum", "moved", "state", "status",
            "channel"}
# libcurl's own text of a failed connection, kept as an outbox row's
# last error: not ours to translate
CURL = re.compile(r"Failed to connect to 127\.0\.0\.1 port \d+ after \d+ ms: "
                  r"Couldn't connect to server")


def config_texts(path):
    """every string of the config file (names, ids, places, addresses)"""
    out = set()
    src = open(path, encoding="utf-8").read()
    value = None
    for m in no_finnish.TOKEN.finditer(src):
        if m.group(1) is not None:
            value = (value or "") + re.sub(r"\\(.)", r"\1", m.group(1))
        elif m.group(4) is None and not m.group(0).isspace():
            if value:
                out.add(value)
            value = None
    return out


def unmarked(text, allowed):
    """the words of text that are neither marked nor allowed"""
    s = text
    while True:     # innermost first: a marked word may hold a message
        t = re.sub(r"«[^«»]*»", " ", s)
        if t == s:
            break
        s = t
    # URLs, addresses, host names and file names
    s = re.sub(r"\b(?:https?|webcal)://[^\s<>\"')]+|mailto:\S+|"
               r"[\w.+-]+@[\w.-]+|\bwww\.[\w.-]+|"
               r"(?<![\w.])/[\w.-]+(?:/[\w.-]+)+", " ", s)
    for a in sorted(allowed, key=len, reverse=True):
        # a name may be wrapped onto the next line (the wheel's legend)
        words = r"\s+".join(re.escape(w) for w in a.split())
        if words:
            s = re.sub(r"(?<!\w)%s(?!\w)" % words, " ", s)
    return sorted({w for w in re.findall(r"[^\W\d_]{2,}", s)})


def verdict(what, text, allowed):
    left = unmarked(text, allowed)
    check(not left, "%s: text not from the catalogue: %s\n    in: %s" % (
        what, ", ".join(left), context(text, left)))


def context(text, words):
    """the lines of text that hold the first few words"""
    lines = [ln.strip() for ln in text.splitlines()
             if any(re.search(r"(?<!\w)%s(?!\w)" % re.escape(w), ln)
                    for w in words[:5])]
    return " | ".join(lines[:4])[:600]


def page_text(doc):
    """what a reader of an HTML or SVG document reads or hears"""
    s = re.sub(r"<(style|script)\b.*?</\1>", " ", doc, flags=re.S)
    attrs = re.findall(r'(?:alt|title|aria-label|placeholder)="([^"]*)"', s)
    attrs += re.findall(r'<meta name="description" content="([^"]*)"', s)
    body = re.sub(r"<[^>]+>", "\n", s)
    return html.unescape(body + "\n" + "\n".join(attrs))


def json_text(v, out):
    """every string value of a JSON document but its identifiers"""
    if isinstance(v, dict):
        for k, x in v.items():
            if k not in JSON_IDS:
                json_text(x, out)
    elif isinstance(v, list):
        for x in v:
            json_text(x, out)
    elif isinstance(v, str):
        out.append(v)
    return out


def calendar_text(data):
    """the texts a calendar program shows of an iCalendar document: its
    name and description, and each component's SUMMARY, DESCRIPTION,
    LOCATION, COMMENT and the CN of its ORGANIZER and ATTENDEEs"""
    out = []
    for c in icalendar.Calendar.from_ical(data).walk():
        for k in ("X-WR-CALNAME", "X-WR-CALDESC", "NAME", "DESCRIPTION",
                  "SUMMARY", "LOCATION", "COMMENT", "ORGANIZER",
                  "ATTENDEE"):
            for v in c.get(k) if isinstance(c.get(k), list) else \
                    [c.get(k)] if k in c else []:
                out.append(str(v.params.get("CN", "")) if k in (
                    "ORGANIZER", "ATTENDEE") else str(v))
    return out


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def make_catalogue(env):
    po = os.path.join(tmp, "pseudo.po")
    subprocess.run([peers.PYTHON, os.path.join(HERE, "pseudo_po.py"),
                    "po/sv.po", po], check=True, timeout=60)
    mo_dir = os.path.join(tmp, "locale", "sv", "LC_MESSAGES")
    os.makedirs(mo_dir)
    r = subprocess.run(["msgfmt", "--check", "-o",
                        os.path.join(mo_dir, "cadenced.mo"), po],
                       capture_output=True, text=True, timeout=60)
    need(r.returncode == 0, "msgfmt --check of the pseudo catalogue: %s"
         % r.stderr)
    env["CADENCE_LOCALEDIR"] = os.path.join(tmp, "locale")


def write_conf(port, smtp):
    src = open(CONF_SRC, encoding="utf-8").read()
    base = "http://127.0.0.1:%d/" % port
    conf = re.sub(r'(?m)^state_dir = .*$', 'state_dir = "state";', src)
    conf = re.sub(r'listen = "[^"]*"', 'listen = "127.0.0.1:%d"' % port,
                  conf)
    conf = re.sub(r'base_url = "[^"]*"', 'base_url = "%s"' % base, conf)
    # the convenor and Kokkola read Swedish; mail goes to the sink
    for pid in ("hva", "kokkola"):
        conf, n = re.subn(r'(\{ id = "%s";)' % pid,
                          r'\1 language = "sv";', conf)
        need(n == 1, "no party %s in %s" % (pid, CONF_SRC))
    conf += '\nsmtp = { url = "smtp://127.0.0.1:%d"; };\n' % smtp
    path = os.path.join(tmp, "cadenced.conf")
    with open(path, "w", encoding="utf-8") as f:
        f.write(conf)
    return path, base


def ctl(env, conf, *args, status=0):
    """cadencectl --lang sv ARGS: its stdout and stderr"""
    r = subprocess.run([CTL, "-c", conf, "--today", TODAY, "--lang", "sv"]
                       + list(args), capture_output=True, text=True,
                       timeout=120, env=env)
    check(status is None or r.returncode == status,
          "cadencectl %s: exit %d, not %s: %s" % (
              " ".join(args), r.returncode, status, r.stderr[:300]))
    return r.stdout + "\n" + r.stderr


def daemon_checks(env, conf, base, allowed):
    cmd = [DAEMON, "-c", conf, "--today", TODAY]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    with open(os.path.join(tmp, "cadenced.log"), "w") as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=log, env=env)
    RUN.procs["cadenced"] = p
    RUN.wait_healthz(p, base.rstrip("/"))
    for path in ("sv/", "sv/saavutettavuus", "sv/vuosikello.svg",
                 "sv/vuosikello.svg?year=2028",
                 "sv/vuosikello.svg?print=1"):
        st, body = get(base + path)
        need(st == 200, "GET /%s: HTTP %d" % (path, st))
        check(body.count("«") > 20, "/%s: the pseudo catalogue not used"
              % path)
        verdict("/" + path, page_text(body), allowed)
    for path in ("api/v1/compliance?lang=sv", "api/v1/deadlines?lang=sv",
                 "api/v1/occurrences?from=2027-01-01&to=2027-12-31&lang=sv",
                 "api/v1/holidays?year=2027&lang=sv", "sv/api/v1/compliance"):
        st, body = get(base + path)
        need(st == 200, "GET /%s: HTTP %d" % (path, st))
        verdict("/" + path, "\n".join(json_text(json.loads(body), [])),
                allowed)
    for path in ("sv/calendars/all.ics", "sv/calendars/deadlines.ics",
                 "sv/calendars/flat/all.ics",
                 "sv/calendars/party/kokkola.ics"):
        st, body = get(base + path)
        need(st == 200, "GET /%s: HTTP %d" % (path, st))
        verdict("/" + path, "\n".join(calendar_text(body)), allowed)
    RUN.stop("cadenced")


def cli_checks(env, conf, allowed):
    # the audit's who: the OS user
    allowed = allowed | DIAGNOSTIC | {getpass.getuser()}
    runs = [
        ("check",), ("forums",), ("next", "-n", "30"),
        ("occurrences", "--from", "2027-01-01", "--to", "2027-12-31"),
        ("deadlines", "--all"), ("compliance",),
        ("holidays", "--year", "2027"),
    ]
    # changes, each recorded in the audit; a token's answer is the token
    changes = [
        ("cancel", "alueneuvottelukunta", "2027-05-28", "--reason", "x"),
        ("move", "alueneuvottelukunta", "2027-09-24", "2027-09-23"),
        ("add", "alueneuvottelukunta", "2027-10-15", "10:00",
         "--reason", "y"),
        ("done", "kunta-vuosiraportti", "2027-06-30", "--party", "kokkola"),
        ("terminate", "kannus", "--noticed", "2027-04-01"),
        ("terminate", "--list"), ("token", "list"), ("audit",),
        ("--help",),
    ]
    ctl(env, conf, "token", "add", "x")
    for args in runs + changes:
        out = ctl(env, conf, *args, status=None if args in runs else 0)
        check("«" in out, "cadencectl %s: the pseudo catalogue not used: %s"
              % (" ".join(args), out[:200]))
        verdict("cadencectl " + " ".join(args), out, allowed)
    # export --dir says nothing when it succeeds
    verdict("cadencectl export", ctl(env, conf, "export", "--dir",
                                     os.path.join(tmp, "export")), allowed)
    out = ctl(env, conf, "wheel")
    verdict("cadencectl wheel", page_text(out), allowed)
    # errors: a word of the command line may come back, nothing else
    for args in [("bogus",), ("next", "-n", "abc"),
                 ("occurrences", "--from", "2027-13-01", "--to", "2027"),
                 ("holidays", "--year", "1066"),
                 ("cancel", "nosuch", "2027-01-01"),
                 ("move", "alueneuvottelukunta", "2027-01-01", "tomorrow"),
                 ("done", "kunta-vuosiraportti", "2027-06-30",
                  "--party", "nosuch"),
                 ("wheel", "--forum", "nosuch"), ("outbox", "--bogus"),
                 ()]:
        out = ctl(env, conf, *args, status=None)
        verdict("cadencectl " + " ".join(args), out,
                allowed | set(re.findall(r"[\w-]+", " ".join(args))))


# the real catalogues' words (po/*.po) for the rows: sent mail, each a
# reminder, an invitation or a cancel (the meeting cancelled above)
OUTBOX_WORDS = {
    "fi": ("kohde", "sähköposti", "lähetetty",
           {"muistutus", "kutsu", "peruutus"}),
    "sv": ("mål", "e-post", "skickad",
           {"påminnelse", "kallelse", "inställt"}),
    "en": ("target", "email", "sent", {"reminder", "invitation", "cancel"})}


def outbox_columns(conf):
    """with the real catalogues: the listing names channel, state and kind
    in each language and its columns line up by letters, not bytes (each
    row's target, and its UID on the next line, start where the head's
    target does); --json keeps the store's identifiers"""
    env = dict(os.environ)
    for lang, (target, channel, state, kinds) in OUTBOX_WORDS.items():
        r = subprocess.run([CTL, "-c", conf, "--today", TODAY, "--lang",
                            lang, "outbox"], capture_output=True,
                           text=True, timeout=60, env=env)
        lines = r.stdout.splitlines()
        need(r.returncode == 0 and len(lines) > 3,
             "outbox --lang %s: %s" % (lang, r.stderr))
        col = lines[0].find(target)
        check(col > 0, "outbox --lang %s: no %r in the head %r"
              % (lang, target, lines[0]))
        seen = set()
        for row, uid in zip(lines[1::2], lines[2::2]):
            if not row.strip():
                break
            words = row.split()
            seen.add(words[3])
            check(words[1:3] == [channel, state] and words[3] in kinds,
                  "outbox --lang %s: %r, not %s %s %s" % (
                      lang, row, channel, state, "/".join(sorted(kinds))))
            check(row.find("@") > col and row[col - 2:col] == "  " and
                  row[col] != " " and uid[:col].strip() == "" and
                  uid[col] != " ", "outbox --lang %s: not aligned at "
                  "column %d:\n%s\n%s\n%s" % (lang, col, lines[0], row,
                                              uid))
        check(seen == kinds, "outbox --lang %s: kinds %s" % (lang, seen))
    r = subprocess.run([CTL, "-c", conf, "--today", TODAY, "--lang", "sv",
                        "outbox", "--json"], capture_output=True, text=True,
                       timeout=60, env=env)
    rows = json.loads(r.stdout)
    got = {(x["channel"], x["kind"]) for x in rows}
    check(got == {("smtp", "reminder"), ("smtp", "invite"),
                  ("smtp", "cancel")}, "outbox --json: %s" % got)


def outbox_and_mail(env, conf, smtp, allowed):
    # the sink is not up yet: every first attempt fails
    ctl(env, conf, "outbox", "--deliver", status=None)
    failed = ctl(env, conf, "outbox")
    RUN.start_sink(smtp)
    ctl(env, conf, "outbox", "--retry", status=None)
    ctl(env, conf, "outbox", "--deliver", status=None)
    sent = ctl(env, conf, "outbox")
    for what, out in (("failed", failed), ("sent", sent)):
        need(len(out.splitlines()) > 3, "outbox (%s): no rows: %s"
             % (what, out))
        verdict("cadencectl outbox (%s)" % what, CURL.sub(" ", out),
                allowed | DIAGNOSTIC)
    outbox_columns(conf)
    swedish = {"kirjaamo@keski-pohjanmaa.example", "kirjaamo@kokkola.example"}
    mails = [m for m in RUN.messages()
             if email.utils.parseaddr(m["To"])[1].lower() in swedish]
    need(mails, "no mail to a Swedish-language party")
    for m in mails:
        who = "mail %r" % peers.subject(m)
        texts = [peers.subject(m)]
        for p in m.walk():
            if p.get_content_type() == "text/plain":
                texts.append(p.get_payload(decode=True).decode("utf-8"))
            elif p.get_content_type() == "text/calendar":
                texts += calendar_text(p.get_payload(decode=True))
        check("«" in texts[0], "%s: the pseudo catalogue not used" % who)
        verdict(who, "\n".join(texts), allowed)


def main():
    env = dict(os.environ)
    make_catalogue(env)
    port, smtp = peers.free_port(), peers.free_port()
    conf, base = write_conf(port, smtp)
    allowed = config_texts(conf) | FIXED
    need(len(allowed) > 100, "only %d texts in %s" % (len(allowed), conf))
    daemon_checks(env, conf, base, allowed)
    cli_checks(env, conf, allowed)
    outbox_and_mail(env, conf, smtp, allowed)


if __name__ == "__main__":
    RUN.finish(main, keep=True)
