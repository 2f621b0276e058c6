#!/usr/bin/python3
"""kept.py CADENCED CADENCECTL CONF TODAY PORT DIR - the kept snapshot
(daemon/persist.h): a restart with nothing changed serves the documents
the last run kept, byte for byte with the same ETag and Last-Modified,
ready at once, and builds again behind them; a restart after a change to
what the documents are made of (the store, the config, the day) serves
the kept ones while it builds at once, and then what `cadencectl export`
makes of the new inputs, and so after another program (an upgrade); a
damaged file or one of another format builds first.
Run by kept.sh."""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time

CADENCED, CTL, CONF, TODAY, PORT, DIR = sys.argv[1:7]
PORT = int(PORT)
LOG = os.path.join(DIR, "cadenced.log")
KEPT = os.path.join(os.path.dirname(CONF), "state", "cadenced.snapshot")
ROOT = ["--allow-root"] if os.geteuid() == 0 else []
STAMPS = re.compile(rb"^(DTSTAMP|CREATED|LAST-MODIFIED):.*\r\n", re.M)
n = 0


def fail(msg):
    print("kept.py: FAIL: %s" % msg)
    sys.exit(1)


def ok(what):
    global n
    n += 1
    print("ok %d - %s" % (n, what))


def get(path):
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return (r.status, r.getheader("ETag"), r.getheader("Last-Modified"),
                r.read())
    finally:
        c.close()


def log_text():
    with open(LOG, errors="replace") as f:
        return f.read()


def wait_log(pattern, since, secs=60):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        if re.search(pattern, log_text()[since:]):
            return
        time.sleep(0.05)
    fail("no '%s' in the log within %d s" % (pattern, secs))


def start(binary=CADENCED, today=TODAY):
    """the daemon, its log offset, once /calendars/all.ics answers 200"""
    since = len(log_text()) if os.path.exists(LOG) else 0
    p = subprocess.Popen([binary, "-c", CONF, "--today", today, "-v"] + ROOT,
                         stdout=open(LOG, "a"), stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        if p.poll() is not None:
            fail("cadenced exited at start")
        try:
            if get("/calendars/all.ics")[0] == 200:
                return p, since
        except OSError:
            pass
        time.sleep(0.02)
    fail("no /calendars/all.ics within 60 s")


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        fail("cadenced did not stop within 10 s")
    if p.returncode != 0:   # e.g. a leak found under SANITIZE=1
        print(log_text()[-3000:])
        fail("cadenced exited %d after SIGTERM" % p.returncode)


def export(today=TODAY):
    d = os.path.join(DIR, "export")
    shutil.rmtree(d, ignore_errors=True)
    subprocess.run([CTL, "-c", CONF, "--today", today, "export", "--dir", d],
                   check=True, stdout=subprocess.DEVNULL)
    files = {}
    for top, _, names in os.walk(os.path.join(d, "calendars")):
        for name in names:
            full = os.path.join(top, name)
            with open(full, "rb") as f:
                files["/" + os.path.relpath(full, d)] = f.read()
    return files


PAGES = ["/", "/saavutettavuus", "/vuosikello.svg", "/api/v1/compliance",
         "/api/v1/deadlines"]


def fetch(paths):
    return {p: get(p) for p in paths}


def same_as_export(docs, files, what):
    for path, body in files.items():
        st, _, _, got = docs[path] if path in docs else get(path)
        if st != 200 or STAMPS.sub(b"", got) != STAMPS.sub(b"", body):
            fail("%s: %s is not what cadencectl export makes" % (what, path))
    ok("%s: the %d feeds are cadencectl export's" % (what, len(files)))


def stale_then_built(since, files, what):
    """served the kept documents, made of other inputs, until the build
    that started at once published what export makes of the new ones"""
    text = log_text()[since:]
    if not re.search(r"documents kept in .*, made of other inputs", text):
        fail("%s: the kept documents were not served while building" % what)
    wait_log(r"published \d+ meetings, \d+ documents \(start, ", since)
    text = log_text()[since:]
    if text.index("made of other inputs") > text.index("published "):
        fail("%s: built before the kept documents were served" % what)
    same_as_export(fetch(PAGES + sorted(files)), files, what)


def kept_again(p, since):
    """the build after the start: kept anew when the key moved"""
    wait_log(r"\bkept \d+ documents in ", since)
    stop(p)


def bodies_from_file(p, since, paths, first, what):
    """the bodies read from the kept file, no longer from memory (a
    memfd as large as the file): the same documents"""
    wait_log(r"bodies of the \d+ documents are read from .*"
             r"cadenced\.snapshot", since)
    with open("/proc/%d/maps" % p.pid) as f:
        maps = f.read()
    if "memfd:cadenced-bodies" in maps or "cadenced.snapshot" not in maps:
        fail("%s: the bodies are not read from the kept file" % what)
    if fetch(paths) != first:
        fail("%s: the documents changed when read from the kept file"
             % what)
    ok("%s: the bodies read from the kept file, the same documents" % what)


def main():
    files = export()
    paths = PAGES + sorted(files)

    # 1. a first start builds, serves and keeps its documents
    p, since = start()
    if "serving the" in log_text()[since:]:
        fail("a first start served kept documents")
    first = fetch(paths)
    same_as_export(first, files, "first start")
    bodies_from_file(p, since, paths, first, "first start")
    kept_again(p, since)
    if not os.path.exists(KEPT):
        fail("nothing kept in %s" % KEPT)
    ok("the documents are kept in the state directory")

    # 2. a restart with nothing changed serves them, then builds again
    p, since = start()
    if "documents kept in" not in log_text()[since:]:
        fail("a restart with nothing changed did not serve the kept ones")
    st, _, _, _ = get("/healthz")
    if st != 200:
        fail("/healthz %d while serving the kept documents" % st)
    if fetch(paths) != first:
        fail("the kept documents differ from the first start's")
    ok("restart: the kept documents, same bytes, ETag, Last-Modified")
    wait_log(r"rebuilt, unchanged \(start\)", since)
    if fetch(paths) != first:
        fail("the build after the restart changed the documents")
    ok("the build behind them made the same documents")
    bodies_from_file(p, since, paths, first, "restart")
    stop(p)

    # 3. a damaged file is not served
    with open(KEPT, "r+b") as f:
        f.seek(300)
        b = f.read(1)
        f.seek(300)
        f.write(bytes([b[0] ^ 0x55]))
    p, since = start()
    if "not served (damaged)" not in log_text()[since:]:
        fail("a damaged kept file was not refused")
    same_as_export(fetch(paths), files, "damaged kept file")
    kept_again(p, since)

    # 4. a change to the store while stopped: built first
    nxt = subprocess.run([CTL, "-c", CONF, "--today", TODAY, "next", "-n",
                          "1", "--json"], check=True, capture_output=True,
                         text=True).stdout
    forum = re.search(r'"forum": "([^"]+)"', nxt).group(1)
    day = re.search(r'"start": "(\d{4}-\d\d-\d\d)', nxt).group(1)
    subprocess.run([CTL, "-c", CONF, "--today", TODAY, "cancel", forum, day,
                    "--reason", "kept.py"], check=True,
                   stdout=subprocess.DEVNULL)
    files2 = export()
    if files2["/calendars/all.ics"] == files["/calendars/all.ics"]:
        fail("the cancel changed nothing in all.ics")
    p, since = start()
    stale_then_built(since, files2, "after a cancel")
    kept_again(p, since)

    # 5. a changed config, another day: the same
    with open(CONF, encoding="utf-8") as f:
        text = f.read()
    with open(CONF, "w", encoding="utf-8") as f:
        f.write(text.replace('name = "', 'name = "Uusi ', 1))
    files3 = export()
    p, since = start()
    stale_then_built(since, files3, "after a config change")
    kept_again(p, since)
    day2 = "2026-03-11"
    files4 = export(today=day2)
    p, since = start(today=day2)
    stale_then_built(since, files4, "another day")
    kept_again(p, since)
    # 6. another program (an upgrade): the kept documents while it
    # builds, then its own, kept anew for its next start
    copy = os.path.join(DIR, "cadenced-copy")
    shutil.copy2(CADENCED, copy)
    p, since = start(binary=copy, today=day2)
    if not re.search(r"kept in .* were made by another program "
                     r"\(.*cadenced-copy is not one of its files\)",
                     log_text()[since:]):
        fail("another executable: the kept file's program not named")
    stale_then_built(since, files4, "another executable")
    kept_again(p, since)
    p, since = start(binary=copy, today=day2)
    if ("made by another program" in log_text()[since:] or
            "made of other inputs" in log_text()[since:]):
        fail("another executable: its own kept file was not taken as its")
    wait_log(r"rebuilt, unchanged \(start\)", since)
    ok("another executable: its own kept documents at its next start")
    stop(p)
    with open(KEPT, "r+b") as f:
        f.seek(6)
        f.write(b"1")
    p, since = start()
    if "documents kept in" in log_text()[since:]:
        fail("a kept file of another format was served")
    if "not a kept snapshot of this version" not in log_text()[since:]:
        fail("a kept file of another format: no reason given")
    same_as_export(fetch(paths), files3, "another format")
    ok("a kept file of another format: built first")
    stop(p)
    print("1..%d" % n)


main()
