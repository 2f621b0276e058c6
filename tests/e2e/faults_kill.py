"""faults_kill.py - kill -9 against a delivering cadenced (issue 19).

Run by `make faults`: faults_kill.py CADENCED CADENCECTL [KILLS].  For
each delay of the SMTP sink (0, 50 and 300 ms between taking a message
and its 250 reply, as a slow server that has committed the message
does), a fresh state directory and sink, then KILLS rounds (30): four
`cadencectl cancel`s (four iMIP CANCELs to send), a random wait of 0 to
delay + 300 ms, kill -9 of the daemon, a restart.  At the end the daemon
runs until the outbox is empty.  Prints per delay: messages received,
distinct (by Message-ID), duplicated (copies beyond the first) and lost
(outbox rows sent or pending whose Message-ID never arrived) -- the table
of docs/RELIABILITY.md.  Exit 1 when anything was lost or a message came
more than once per kill that could have hit it.

The sink is aiosmtpd's Controller in this process on 127.0.0.1 and a
free port; the daemon's HTTP port is free too; all is stopped at the end.
"""

import asyncio
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aiosmtpd.controller import Controller  # noqa: E402
import peers  # noqa: E402

DAEMON = os.path.abspath(sys.argv[1])
CTL = os.path.abspath(sys.argv[2])
KILLS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
DELAYS_MS = (0, 50, 300)
TODAY = "2026-11-23"
MSGID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.M | re.I)

CONF = """timezone = "Europe/Helsinki";
domain = "kill.example";
state_dir = "state";
horizon_days = 400;
http = { listen = "127.0.0.1:%(http)d"; };
organizer = { name = "Koordinaattori"; email = "hyte@kill.example"; };
parties = ( { id = "hva"; name = "Hyvinvointialue";
  email = "kirjaamo@kill.example"; } );
forums = ( { id = "foorumi"; name = "Foorumi"; convenor = "hva";
    rrule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH"; start = "2026-11-30";
    time = "13:00"; duration = 60; } );
smtp = { url = "smtp://127.0.0.1:%(smtp)d"; };
"""


class Sink:
    """takes the message, waits delay, then answers 250"""

    def __init__(self, delay):
        self.delay = delay
        self.ids = []

    async def handle_DATA(self, server, session, envelope):
        m = MSGID.search(envelope.original_content or envelope.content)
        self.ids.append(m.group(1).decode() if m else "?")
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"


def meeting_days(tmp):
    """the days of the forum's planned meetings (holidays moved)"""
    out = subprocess.run([CTL, "-c", "c.conf", "--today", TODAY,
                          "occurrences", "--from", "2026-11-30", "--to",
                          "2027-12-31", "--json"], cwd=tmp, check=True,
                         capture_output=True, text=True).stdout
    return iter([o["start"][:10] for o in json.loads(out)])


def expected_ids(db):
    con = sqlite3.connect(db)
    ids, states = set(), {}
    for payload, state in con.execute(
            "SELECT payload, state FROM outbox WHERE channel = 'smtp'"):
        m = MSGID.search(bytes(payload))
        if m:
            ids.add(m.group(1).decode())
        states[state] = states.get(state, 0) + 1
    con.close()
    return ids, states


def pending(db):
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM outbox WHERE state = 'pending'")\
        .fetchone()[0]
    con.close()
    return n


def one_delay(delay_ms, rng):
    tmp = tempfile.mkdtemp(prefix="faults-kill.")
    sink = Sink(delay_ms / 1000.0)
    ctl = Controller(sink, hostname="127.0.0.1", port=peers.free_port())
    ctl.start()
    port = peers.free_port()
    with open(os.path.join(tmp, "c.conf"), "w") as f:
        f.write(CONF % {"http": port, "smtp": ctl.port})
    log = open(os.path.join(tmp, "log"), "a")
    db = os.path.join(tmp, "state", "cadenced.db")
    base = "http://127.0.0.1:%d" % port
    run = peers.Run("faults_kill")
    days = meeting_days(tmp)

    def start():
        p = subprocess.Popen([DAEMON, "-c", "c.conf", "--today", TODAY] +
                             peers.ROOT_OPT, cwd=tmp, stdout=log, stderr=log)
        run.wait_healthz(p, base)
        return p

    p = None
    try:
        p = start()
        for _ in range(KILLS):
            for _ in range(4):
                subprocess.run([CTL, "-c", "c.conf", "--today", TODAY,
                                "cancel", "foorumi", next(days)], cwd=tmp,
                               stdout=subprocess.DEVNULL, check=True)
            time.sleep(rng.uniform(0, (delay_ms + 300) / 1000.0))
            p.send_signal(signal.SIGKILL)
            p.wait()
            p = start()
        # no more kills: until the outbox is empty
        peers.poll_until(lambda: pending(db) == 0, 120, 0.2)
        time.sleep(delay_ms / 1000.0 + 0.5)
        p.send_signal(signal.SIGTERM)
        p.wait(10)
        want, states = expected_ids(db)
    finally:
        if p is not None and p.poll() is None:
            p.kill()        # an exception: no daemon left behind
            p.wait()
        ctl.stop()
        log.close()
    got = sink.ids
    distinct = set(got)
    dup = len(got) - len(distinct)
    lost = len(want - distinct)
    worst = max((got.count(i) for i in distinct), default=0)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"delay": delay_ms, "received": len(got),
            "distinct": len(distinct), "duplicated": dup, "lost": lost,
            "worst": worst, "rows": sum(states.values()),
            "states": states}


def main():
    seed = int(os.environ.get("FAULTS_SEED", time.time()))
    rng = random.Random(seed)
    print("faults_kill: %d kills per delay, seed %d" % (KILLS, seed))
    print("| SMTP delay | kills | received | distinct | duplicated | lost "
          "| most copies of one |")
    print("|---|---|---|---|---|---|---|")
    bad = False
    for d in DELAYS_MS:
        r = one_delay(d, rng)
        print("| %d ms | %d | %d | %d | %d | %d | %d |" % (
            d, KILLS, r["received"], r["distinct"], r["duplicated"],
            r["lost"], r["worst"]), flush=True)
        if r["lost"] or r["duplicated"] > KILLS:
            bad = True
        if r["states"].get("pending") or r["states"].get("failed"):
            print("faults_kill: rows left: %r" % r["states"])
            bad = True
    print("faults_kill: %s" % ("FAIL" if bad else "ok"))
    return 1 if bad else 0


sys.exit(main())
