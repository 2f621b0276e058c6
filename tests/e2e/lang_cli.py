"""lang_cli.py - the CLI's answers in Swedish (SPEC § 10.4) on the
bilingual etc/keski-pohjanmaa.conf, run by tests/e2e/lang_cli.sh:
lang_cli.py CADENCECTL.

Expected lines by hand from the config and po/sv.po: Kannus is "Kannus
stad"; a notice given on Sunday 1.11.2026 takes effect 12 months later,
Monday 1.11.2027; the Kokkola HYTE negotiation is the 2nd Tuesday of
February.  The config's check has no missing twin, and a contact's name
without its Swedish twin is a warning.  The answers of cancel, move, add
and done (core/store/change.c names the meeting) are Swedish under
--lang sv and Finnish without it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ME = "lang_cli.sh"
CTL = os.path.abspath(sys.argv[1])
CONF = "etc/keski-pohjanmaa.conf"
tmp = tempfile.mkdtemp(prefix="lang-cli.")
failures = []


def run(conf, *args, env=None):
    r = subprocess.run([CTL, "-c", conf, "--today", "2026-12-03"] +
                       list(args), capture_output=True, text=True,
                       timeout=60, env=env)
    return r.returncode, r.stdout, r.stderr


def expect(conf, args, want, env=None):
    rc, out, err = run(conf, *args, env=env)
    if rc != 0 or want not in out.splitlines():
        failures.append("%s: exit %d, no line %r in %r %r"
                        % (" ".join(args), rc, want, out, err))


def changes(conf, sv, env):
    """the answers of the commands that change a meeting or a task"""
    aluen = ("Mellersta Österbottens regionala delegation fr 29.1.2027 "
             "kl. 9.00")
    expect(conf, sv + ["cancel", "alueneuvottelukunta", "2027-01-29"],
           "inställt: " + aluen)
    expect(conf, ["cancel", "alueneuvottelukunta", "2027-01-29"],
           "Keski-Pohjanmaan alueneuvottelukunta pe 29.1.2027 klo 9.00 on "
           "jo peruttu", env=dict(env, LANG="fi_FI.UTF-8"))
    expect(conf, ["cancel", "--undo", "alueneuvottelukunta", "2027-01-29"],
           "återställt: " + aluen, env=env)
    expect(conf, ["cancel", "alueneuvottelukunta", "2027-01-29"],
           "peruttu: Keski-Pohjanmaan alueneuvottelukunta pe 29.1.2027 "
           "klo 9.00")
    # Kokkola's HYTE negotiation: the 2nd Tuesday of February 2027, 9.2.
    hyte = "Förhandling om främjande av välfärd och hälsa: Karleby stad"
    expect(conf, sv + ["move", "hyte-neuvottelu", "2027-02-09",
                       "2027-02-11", "--party", "kokkola"],
           "flyttat: %s ti 9.2.2027 kl. 13.00 -> to 11.2.2027 kl. 13.00"
           % hyte)
    expect(conf, sv + ["move", "--undo", "hyte-neuvottelu", "2027-02-09",
                       "--party", "kokkola"], "flytten ångrad: " + hyte)
    uid = "alueneuvottelukunta@keski-pohjanmaa.example"
    expect(conf, sv + ["add", "alueneuvottelukunta", "2027-02-26", "10:00"],
           "tillagt: %s fr 26.2.2027 kl. 10.00" % uid)
    expect(conf, sv + ["add", "--undo", "alueneuvottelukunta", "2027-02-26",
                       "10:00"],
           "tillägget ångrat: %s fr 26.2.2027 kl. 10.00" % uid)
    # Kannus's annual report is due on 30 June, a Wednesday in 2027
    task = ["kunta-vuosiraportti", "2027-06-30", "--party", "kannus"]
    expect(conf, sv + ["done"] + task,
           "gjord: kunta-vuosiraportti (kannus), förfallodag on 30.6.2027")
    expect(conf, sv + ["done"] + task, "kunta-vuosiraportti (kannus, "
           "on 30.6.2027) är redan registrerad som gjord")
    expect(conf, sv + ["done", "--undo"] + task, "inte gjord: "
           "kunta-vuosiraportti (kannus), förfallodag on 30.6.2027")
    expect(conf, ["done"] + task, "tehty: kunta-vuosiraportti (kannus), "
           "määräpäivä ke 30.6.2027")
    # one word per concept in Swedish: "gjord" for done, "översyn" for
    # the agreement's review
    expect(conf, ["done", "--undo"] + task, "ei tehty: kunta-vuosiraportti "
           "(kannus), määräpäivä ke 30.6.2027")
    for args, want in (
            (["done", "--undo"] + task, "cadencectl: inget att ångra: "
             "uppgiften 'kunta-vuosiraportti' för 'kannus' med förfallodag "
             "2027-06-30 är inte registrerad som gjord\n"),
            (["done", "review", "2027-06-30", "--party", "kannus"],
             "cadencectl: översynen gäller hela avtalet: utelämna --party\n")):
        rc, out, err = run(conf, *(sv + args))
        if rc == 0 or err != want:
            failures.append("%s: exit %d, %r, want %r" % (
                " ".join(args), rc, err, want))


def groups(conf, sv):
    """a group's series is named by the forum and the group (SPEC § 10.1),
    in the answers and in every language's feed; its UID stays
    <forum>.<group>@<domain>.  February 2027: the 2nd Tuesday is 9.2.;
    spread, Kokkola keeps it, Perhonjokilaakso (the second member) moves
    to Wednesday 10.2."""
    fi_name = "HYTE-neuvottelu: Perhonjokilaakso"
    sv_name = "Förhandling om främjande av välfärd och hälsa: Perho ådal"
    for args, start, name in (
            ([], "ke 10.2.2027 klo 13.00–16.00  ", fi_name + " (Kokkola)"),
            (sv, "on 10.2.2027 kl. 13.00–16.00  ", sv_name + " (Karleby)")):
        rc, out, err = run(conf, *args, "occurrences", "--from",
                           "2027-02-10", "--to", "2027-02-10")
        if rc != 0 or not any(l.startswith(start + name)
                              for l in out.splitlines()):
            failures.append("group series %s: exit %d, no %r in %r %r" % (
                args, rc, start + name, out, err))
    d = os.path.join(tmp, "export")
    rc, out, err = run(conf, "export", "--dir", d)
    uid = "hyte-neuvottelu.perhonjokilaakso@keski-pohjanmaa.example"
    for sub, name in (("", fi_name), ("sv", sv_name)):
        path = os.path.join(d, sub, "calendars", "forum",
                            "hyte-neuvottelu.ics")
        try:
            with open(path, encoding="utf-8") as f:
                lines = f.read().replace("\r\n ", "").splitlines()
        except OSError as e:
            failures.append("export %s: exit %d, %s" % (sub, rc, e))
            continue
        got, cur = set(), None
        for l in lines:
            if l.startswith("UID:"):
                cur = l[4:]
            elif l.startswith("SUMMARY:") and cur == uid:
                got.add(l[8:])
            elif l == "END:VEVENT":
                cur = None
        if got != {name}:
            failures.append("feed %s: SUMMARY of %s: %r, want %r" % (
                sub or "fi", uid, got, name))


def tokens(conf, sv):
    """token and audit in the reader's language (the audit's JSON keeps
    the store's words); by hand from po/sv.po"""
    rc, out, err = run(conf, "token", "add", "kokkola-hyte", "--party",
                       "kokkola")
    if rc != 0 or not out.startswith("cad_") or err != (
            "cadencectl: pääsytunnus 'kokkola-hyte' on luotu; se näytetään "
            "vain nyt: säilytä se tiedostossa, jota vain sen käyttäjä voi "
            "lukea\n"):
        failures.append("token add: exit %d, %r %r" % (rc, out, err))
    for args, want in (
            ([], "kokkola-hyte  foorumit: kaikki  osapuolet: kokkola  luotu "),
            (sv, "kokkola-hyte  forum: alla  parter: kokkola  skapad ")):
        rc, out, err = run(conf, *args, "token", "list")
        if rc != 0 or not out.startswith(want):
            failures.append("token list %s: exit %d, %r, want %r..." % (
                args, rc, out, want))
    expect(conf, sv + ["token", "revoke", "kokkola-hyte"],
           "token 'kokkola-hyte' har återkallats")
    rc, out, err = run(conf, "token", "revoke", "nosuch")
    if rc != 1 or err != "cadencectl: pääsytunnusta nimeltä 'nosuch' ei ole\n":
        failures.append("token revoke nosuch: exit %d, %r" % (rc, err))
    stamp = (r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d  "
             r"\S+ \(cadencectl\)  ")
    for args, words in (
            ([], ["pääsytunnus luotu  kokkola-hyte  ",
                  "pääsytunnus mitätöity  kokkola-hyte  ",
                  "peruttu  alueneuvottelukunta 2027-01-29",
                  "kirjaus tehdyksi peruttu  kunta-vuosiraportti"]),
            (sv, ["token skapad  kokkola-hyte  ",
                  "token återkallad  kokkola-hyte  ",
                  "inställt  alueneuvottelukunta 2027-01-29",
                  "registrering som gjord ångrad  kunta-vuosiraportti"])):
        rc, out, err = run(conf, *args, "audit")
        for w in words:
            if not re.search("^" + stamp + re.escape(w), out, re.M):
                failures.append("audit %s: exit %d, no %r in %r" % (
                    args, rc, w, out))


def lang_env(code):
    """the environment of a user whose shell names the language code"""
    name = {"fi": "fi_FI.UTF-8", "sv": "sv_FI.UTF-8", "en": "en_GB.UTF-8"}
    return dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG=name[code])


def raw(args, code):
    """cadencectl ARGS (no -c: usage errors come before the config) with
    LANG naming code"""
    r = subprocess.run([CTL] + args, capture_output=True, text=True,
                       timeout=60, env=lang_env(code))
    return r.returncode, r.stdout, r.stderr


# the synopsis's first line and the pointer to --help, by hand
SYNOPSIS = "cadencectl [-c FILE] [--today DATE] [--lang LANG] COMMAND [ARGS...]"
USAGE = {"fi": "käyttö: " + SYNOPSIS, "sv": "användning: " + SYNOPSIS,
         "en": "usage: " + SYNOPSIS}
MORE = {"fi": "Lisätietoja: cadencectl --help",
        "sv": "Mer information: cadencectl --help",
        "en": "Try 'cadencectl --help' for more."}


def usage_is(args, code, reason, shown=None):
    """exit 2, nothing on stdout, and on stderr the one-line reason, the
    synopsis and the pointer to --help, all in the language shown (LANG
    names code)"""
    rc, out, err = raw(args, code)
    shown = shown or code
    lines = err.splitlines()
    if (rc != 2 or out != "" or len(lines) != 3 or
            lines[0] != "cadencectl: " + reason or
            lines[1] != USAGE[shown] or lines[2] != MORE[shown]):
        failures.append("usage %s %s: exit %d, %r %r, want %r" % (
            code, " ".join(args), rc, out, err, reason))


# bad command lines: (arguments, the command the reason names or "",
# the exit status); 33 --forum is one more than token add takes
BAD = [
    ([], "", 2), (["frobnicate"], "frobnicate", 2),
    (["--frobnicate", "check"], "--frobnicate", 2), (["--today"], "", 2),
    (["--lang", "de", "next"], "'de'", 2), (["-c"], "-c", 2),
    (["--server", "https://127.0.0.1:1", "cancel"], "--token-file", 2),
    (["--server", "u", "--token-file", "f", "terminate"], "terminate", 2),
    (["next", "--frobnicate"], "next", 2), (["next", "-n"], "next", 2),
    (["check", "extra"], "check", 2),
    (["token", "add", "x"] + ["--forum", "f"] * 33, "token", 2),
    (["occurrences", "--from", "2026-01-01"], "occurrences", 2),
    (["holidays"], "holidays", 2), (["cancel", "f"], "cancel", 2),
    (["move", "f", "2026-01-01"], "move", 2),
    (["move", "--undo", "f"], "move --undo", 2),
    (["move", "f", "2026-01-01", "2026-01-02", "--reason", "r"], "move", 2),
    (["add", "f", "2026-01-01"], "add", 2), (["done", "t"], "done", 2),
    (["terminate"], "terminate", 2), (["terminate", "p"], "terminate", 2),
    (["terminate", "--list", "p"], "terminate --list", 2),
    (["terminate", "p", "--withdraw", "--json"], "terminate", 2),
    (["export", "--forum", "a", "--party", "b"], "export", 2),
    (["export", "--dir", "d", "--forum", "a"], "export", 2),
    (["export", "--dir", ""], "export", 2), (["token"], "token", 2),
    (["token", "list", "x"], "token list", 2), (["token", "add"], "token add", 2),
    (["token", "list", "--forum", "f"], "token list", 2),
    (["token", "revoke", "x", "--json"], "token revoke", 2),
    # not a usage error: a control character in an argument
    (["cancel", "f", "2026-01-01", "--reason", "a\x01"], "cancel", 1),
]


def usage():
    """cadencectl's usage errors in fi, sv and en (SPEC § 10.4): the
    language of --lang wherever it stands among the global options, else
    LANG; the texts below by hand"""
    usage_is(["--lang", "sv", "token"], "fi",
             "token: ange add, list eller revoke", "sv")
    usage_is(["cancel"], "sv", "cancel: ange FORUM DATE")
    usage_is(["cancel"], "fi", "cancel: anna FORUM DATE")
    usage_is(["--lang", "en", "cancel"], "sv", "cancel: FORUM DATE expected",
             "en")
    # --lang after the mistake still names the language of its report
    usage_is(["--frobnicate", "--lang", "sv", "check"], "en",
             "okänd flagga '--frobnicate'", "sv")
    usage_is(["export", "--forum", "a", "--party", "b"], "en",
             "export: give --forum or --party, not both")
    usage_is(["export", "--forum", "a", "--party", "b"], "fi",
             "export: anna --forum tai --party, ei molempia")
    usage_is(["--lang", "de", "next"], "sv", "okänt språk 'de' "
             "(fi, sv eller en)")
    usage_is(["next", "-n"], "fi", "next: valitsin '-n' tarvitsee arvon")
    usage_is(["--server", "u", "--token-file", "f", "terminate"], "en",
             "--server: only cancel, move, add and done go through the "
             "API, not 'terminate'")
    # no usage error stays English in Finnish or Swedish
    for args, names, status in BAD:
        got = {code: raw(args, code) for code in ("fi", "sv", "en")}
        first = {}
        for code, (rc, out, err) in got.items():
            lines = err.splitlines()
            first[code] = lines[0] if lines else ""
            if (rc != status or out != "" or
                    len(lines) != (3 if status == 2 else 1) or
                    not first[code].startswith("cadencectl: ") or
                    names not in first[code]):
                failures.append("%s %s: exit %d, %r %r" % (
                    code, args, rc, out, err))
        if len(set(first.values())) != 3:
            failures.append("%s: a reason is the same in two languages: %r"
                            % (args, first))


# lines of each language's --help, by hand
HELP_LINES = {
    "fi": ["komennot:", "valitsimet:",
           "  cancel FORUM DATE [--party ID] [--reason TEXT] [--undo]",
           "  -c FILE             asetustiedosto (oletus "
           "/etc/cadenced/cadenced.conf)",
           "  -h, --help          tämä ohje",
           "1 virheellinen syöte, 2 virheellinen komentorivi."],
    "sv": ["kommandon:", "flaggor:",
           "  cancel FORUM DATE [--party ID] [--reason TEXT] [--undo]",
           "  -c FILE             inställningsfilen (standard "
           "/etc/cadenced/cadenced.conf)",
           "  -h, --help          den här hjälpen",
           "indata, 2 felaktig kommandorad."],
    "en": ["commands:", "options:",
           "  cancel FORUM DATE [--party ID] [--reason TEXT] [--undo]",
           "  -c FILE             config file (default "
           "/etc/cadenced/cadenced.conf)",
           "  -h, --help          this help",
           "Dates are YYYY-MM-DD, times HH:MM.  Exit status: 0 ok, 1 bad "
           "input, 2 usage."],
}
COMMANDS = ("check forums occurrences next holidays deadlines compliance "
            "cancel move add done terminate export outbox wheel token "
            "audit").split()
SYNTAX = re.compile(r"^(-{1,2}[a-z][a-z-]*|[A-Z][A-Z-]*|\||(%s)(\|(%s))*)$"
                    % ("|".join(COMMANDS + ["add", "list", "revoke"]),
                       "|".join(COMMANDS)))


def syntax_only(line):
    """true when a line of --help is only commands, options and
    metavariables, the same in every language"""
    for t in line.split():
        t = t.strip("[],").rstrip(".").strip("[]")
        if t and t != "cadencectl" and not SYNTAX.match(t):
            return False
    return True


def helps():
    """cadencectl --help in fi, sv and en: every command and option in
    each, at most 80 columns, and no description left in English"""
    got = {}
    for args, code, shown in ((["--help"], "fi", "fi"),
                              (["--help"], "sv", "sv"),
                              (["-h"], "en", "en"),
                              (["--lang", "sv", "--help"], "fi", "sv"),
                              (["--help", "--lang", "en"], "sv", "en")):
        rc, out, err = raw(args, code)
        lines = out.splitlines()
        what = "%s --help %s" % (code, " ".join(args))
        if rc != 0 or err != "" or not lines or lines[0] != USAGE[shown]:
            failures.append("%s: exit %d, %r %r" % (what, rc, out[:200],
                                                    err))
            continue
        for want in HELP_LINES[shown]:
            if want not in lines:
                failures.append("%s: no line %r" % (what, want))
        for cmd in COMMANDS:
            if not any(re.match("  %s( |$)" % cmd, l) for l in lines):
                failures.append("%s: no command %s" % (what, cmd))
        for l in lines:
            if len(l) > 80:
                failures.append("%s: %d columns: %r" % (what, len(l), l))
        got[shown] = out
    if len(got) != 3:
        return
    opts = {code: set(re.findall(r"--[a-z][a-z-]*", out))
            for code, out in got.items()}
    if opts["fi"] != opts["en"] or opts["sv"] != opts["en"]:
        failures.append("--help options differ: %r" % opts)
    for code in ("fi", "sv"):
        same = set(got[code].splitlines()) & set(got["en"].splitlines())
        for l in sorted(same):
            if l.strip() and not syntax_only(l):
                failures.append("--help %s: English line %r" % (code, l))


def main():
    # the example: bilingual, and no twin is missing
    rc, out, err = run(CONF, "check")
    missing = [l for l in (out + err).splitlines() if "_sv'" in l]
    if rc != 0 or missing:
        failures.append("check %s: exit %d, %s" % (CONF, rc, missing))

    with open(CONF, encoding="utf-8") as f:
        text = f.read()
    conf = os.path.join(tmp, "k.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(re.sub(r'state_dir = "[^"]*";', 'state_dir = "state";',
                       text))
    sv = ["--lang", "sv"]
    # the last Friday of January 2027 (31.1. is a Sunday) at 9.00-12.00
    expect(conf, sv + ["next", "-n", "1"], "fr 29.1.2027 kl. 9.00–12.00  "
           "Mellersta Österbottens regionala delegation (Karleby)")
    expect(conf, sv + ["outbox"], "Utgående kallelser: inga.")
    expect(conf, sv + ["terminate", "kannus", "--noticed", "2026-11-01"],
           "uppsägning registrerad: Kannus stad (kannus), anmäld "
           "sö 1.11.2026, träder i kraft må 1.11.2027")
    expect(conf, sv + ["terminate", "--list"],
           "kannus  Kannus stad  anmäld sö 1.11.2026, i kraft må 1.11.2027")
    expect(conf, sv + ["terminate", "kannus", "--withdraw"],
           "uppsägning återkallad: Kannus stad (kannus)")
    # the language from the environment, as a user's shell gives it
    env = dict(os.environ, LANG="sv_FI.UTF-8", LC_ALL="", LC_MESSAGES="")
    expect(conf, ["outbox"], "Utgående kallelser: inga.", env=env)
    groups(conf, sv)
    changes(conf, sv, env)
    tokens(conf, sv)
    usage()
    helps()

    # a contact's name is a text key too: its missing twin is a warning
    kokkola = text.index('email = "hyte@kokkola.example"')
    twin = text.rindex('      name_sv = ', 0, kokkola)
    with open(conf, "w", encoding="utf-8") as f:
        f.write(re.sub(r'state_dir = "[^"]*";', 'state_dir = "state";',
                       text[:twin] + text[text.index("\n", twin) + 1:]))
    rc, out, err = run(conf, "check")
    if rc != 0 or ("osapuoli 'kokkola', yhteyshenkilö 1: 'name_sv' puuttuu "
                   "(kieli 'sv' on lueteltu)") not in out + err:
        failures.append("contact without name_sv: exit %d, %r" % (rc, out))


try:
    main()
finally:
    shutil.rmtree(tmp, ignore_errors=True)
for f in failures:
    print("%s: FAIL: %s" % (ME, f))
if failures:
    print("%s: %d failure(s)" % (ME, len(failures)))
    sys.exit(1)
print("%s: ok" % ME)
