"""integrity.py - input integrity and state that cannot vanish (issue 19).

Run by tests/e2e/integrity.sh: integrity.py CADENCECTL.  Writes only into
a temporary directory.  Every expected line number is the line of the
offending setting in the config written here (counted by hand below).
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

CTL = os.path.abspath(sys.argv[1])
RUN = peers.Run("integrity")
check = RUN.check
TMP = tempfile.mkdtemp(prefix="integrity.")

# line 1..9; the forum's name is on line 6, the party's on line 4
CONF = b"""timezone = "Europe/Helsinki";
domain = "example.org";
state_dir = "state";
parties = ( { id = "hva"; name = "%(party)s";
  email = "%(email)s"; } );
forums = ( { id = "foorumi"; name = "%(forum)s";
    convenor = "hva"; rrule = "FREQ=MONTHLY;BYDAY=2TU";
    time = "13:00"; duration = 60; } );
organizer = { name = "Koordinaattori"; email = "hyte@example.org"; };
"""


def conf(party=b"Hyvinvointialue", forum=b"Foorumi",
         email=b"kirjaamo@example.org", name="c.conf"):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(CONF % {b"party": party, b"forum": forum, b"email": email})
    return path


def ctl(*args, today="2026-11-23"):
    """(exit status, stdout bytes, stderr lines as text)"""
    p = subprocess.run([CTL, "--today", today] + list(args),
                       capture_output=True, cwd=TMP)
    return p.returncode, p.stdout, \
        p.stderr.decode("utf-8", "replace").splitlines()


def refused_config(what, path, line, reason):
    rc, _, err = ctl("-c", path, "check")
    want = "%s:%d: error:" % (path, line)
    check(rc == 1, "%s: check exit %d, expected 1" % (what, rc))
    check(any(e.startswith(want) and reason in e for e in err),
          "%s: no '%s ... %s' in %r" % (what, want, reason, err))


def refused_arg(what, args, reason, path):
    rc, out, err = ctl("-c", path, *args)
    check(rc == 1, "%s: exit %d, expected 1" % (what, rc))
    check(len(err) == 1 and reason in err[0],
          "%s: expected one line with '%s', got %r" % (what, reason, err))


def text_checks():
    # 0xff never occurs in UTF-8; "\xc3" alone is a cut "a with diaeresis"
    refused_config("0xff in a forum name", conf(forum=b"Foo\xffrumi"), 6,
                   "'name': virheellinen UTF-8 tavun 4 kohdalla")
    refused_config("a cut character", conf(party=b"Hyvinvointialue \xc3"), 4,
                   "virheellinen UTF-8 tavun 17 kohdalla")
    # an overlong "/" (0xc0 0xaf) and a UTF-16 surrogate (ED A0 80)
    refused_config("overlong", conf(forum=b"a\xc0\xafb"), 6, "virheellinen UTF-8")
    refused_config("surrogate", conf(forum=b"a\xed\xa0\x80"), 6,
                   "virheellinen UTF-8")
    # a raw BEL byte, and an ESC written as libconfig's "\x1b" escape
    refused_config("BEL", conf(forum=b"Foo\x07"), 6,
                   "ohjausmerkki U+0007 tavun 4 kohdalla")
    refused_config("ESC escape", conf(party=b"x\\x1b[2J"), 4,
                   "ohjausmerkki U+001B tavun 2 kohdalla")
    refused_config("C1 NEL", conf(forum=b"a\xc2\x85"), 6,
                   "ohjausmerkki U+0085")
    good = conf(forum="Sote-yhteistyöryhmä – Kainuu".encode())
    rc, _, err = ctl("-c", good, "check")
    check(rc == 0, "a valid non-ASCII name: check exit %d %r" % (rc, err))
    refused_arg("cancel --reason 0xff",
                ["cancel", "foorumi", "2026-12-08", "--reason", b"sairas\xff"],
                "cancel: --reason: virheellinen UTF-8 tavun 7 kohdalla", good)
    refused_arg("cancel --reason CR LF",
                ["cancel", "foorumi", "2026-12-08", "--reason",
                 "peruttu\r\nBCC: x"], "ohjausmerkki U+000D", good)
    refused_arg("forum id with ESC", ["next", "--forum", "\x1b[31m"],
                "next: --forum: ohjausmerkki U+001B tavun 1 kohdalla", good)
    rc, _, err = ctl("-c", good, "cancel", "foorumi", "2026-12-08",
                     "--reason", "Lomakausi – ei päätösvaltaa")
    check(rc == 0, "cancel with a valid reason: exit %d %r" % (rc, err))


def wheel_checks():
    # 300 "ä" (600 bytes) overflow the 512-byte meeting
    # title, the k "ö" move the cut; each must fall between characters
    for k in range(6):
        path = conf(forum=("ö" * k + "ä" * 300).encode(), name="w.conf")
        rc, svg, err = ctl("-c", path, "wheel", "--year", "2027")
        if not check(rc == 0, "wheel %d: exit %d %r" % (k, rc, err)):
            continue
        try:
            svg.decode("utf-8")
        except UnicodeDecodeError as e:
            check(False, "wheel %d: SVG not UTF-8: %s" % (k, e))
        p = subprocess.run(["xmllint", "--noout", "-"], input=svg,
                           capture_output=True)
        check(p.returncode == 0, "wheel %d: xmllint: %s" %
              (k, p.stderr.decode("utf-8", "replace")[:200]))


def address_checks():
    # RFC 5321 § 4.1.2 / 4.5.3.1: the party's email is on line 5
    for addr, reason in [
            (b"kirjaamo", "ei merkkiä '@'"),
            (b"kirjaamo@", "verkkotun"),
            (b"@hva.example", "tyhjä paikallinen osa"),
            (b"kirj..aamo@hva.example", "tyhjä pisteiden väli"),
            (b".kirjaamo@hva.example", "tyhjä pisteiden väli"),
            (b"kirjaamo@hva..example", "verkkotun"),
            (b"kirjaamo@-hva.example", "verkkotun"),
            (b"kirjaamo@hva_x.example", "verkkotun"),
            (b"kirja(amo@hva.example", "paikallisessa osassa on merkki"),
            (b"x" * 65 + b"@hva.example", "paikallinen osa yli 64 tavua"),
            (b"k@" + b"a" * 64 + b".example", "verkkotun"),
            (b"k@[300.1.2.3]", "virheellinen IP-osoite hakasulkeissa")]:
        refused_config("address %r" % addr[:30], conf(email=addr), 5,
                       reason)
    for addr in [b"kirjaamo@hva.example", b"o'brien+hyte@hva.example",
                 b"k@[192.0.2.1]", "kirjaamo@äänekoski.example".encode()]:
        rc, _, err = ctl("-c", conf(email=addr), "check")
        check(rc == 0, "address %r refused: %r" % (addr, err))


MAIL_CONF = """
smtp = { url = "smtp://127.0.0.1:%d"; };
invite = "convenors";
"""


def long_name_mail():
    """990-character display names (ASCII and not) and an IDN domain:
    the message arrives, no line over 998 octets (RFC 5322 § 2.1.1), the
    names decode back whole, the domain is in A-labels"""
    run = peers.Run("integrity", tmp_prefix="integrity-mail.")
    port = peers.free_port()
    try:
        run.start_sink(port)
        org = "O" * 990
        party = ("Kainuun hyvinvointialue " * 42)[:990].replace("K", "Ä")
        path = conf(party=party.encode(), email="kirjaamo@äänekoski.example"
                    .encode(), name="m.conf")
        with open(path, "r+", encoding="utf-8") as f:
            text = f.read().replace('"Koordinaattori"', '"%s"' % org)
            f.seek(0)
            f.write(text + MAIL_CONF % port)
            f.truncate()
        rc, _, err = ctl("-c", path, "outbox", "--deliver")
        check(rc == 0, "outbox --deliver: exit %d %r" % (rc, err))
        msgs = peers.poll_until(run.messages, 5)
        if not check(len(msgs) == 1, "long names: %d messages, expected 1"
                     % len(msgs)):
            return
        raw = msgs[0].as_bytes()
        long_lines = [len(x) for x in raw.split(b"\n") if len(x) > 998]
        check(not long_lines, "lines over 998 octets: %r" % long_lines)
        # an independent reader: the email package's RFC 2047 decoder
        # (its modern policy keeps the space between encoded-words in a
        # display name, which RFC 2047 § 6.2 says to drop)
        from email.header import decode_header, make_header
        from email.utils import parseaddr
        msg = msgs[0]
        name, _ = parseaddr(str(make_header(decode_header(msg["From"]))))
        check(name == org, "From display name not the organizer's 990 "
              "characters: %d %r" % (len(name), name[:20]))
        name, addr = parseaddr(str(make_header(decode_header(msg["To"]))))
        check(name == party, "To display name changed: %d %r"
              % (len(name), name[:40]))
        ace = "äänekoski.example".encode("idna").decode()
        check(addr == "kirjaamo@" + ace,
              "To %r, expected kirjaamo@%s" % (addr, ace))
    finally:
        run.stop_all()
        shutil.rmtree(run.tmp, ignore_errors=True)
        RUN.failures.extend(run.failures)


try:
    text_checks()
    wheel_checks()
    address_checks()
    long_name_mail()
finally:
    shutil.rmtree(TMP, ignore_errors=True)
if RUN.failures:
    print("integrity: %d failed" % len(RUN.failures))
    sys.exit(1)
print("integrity: ok")
