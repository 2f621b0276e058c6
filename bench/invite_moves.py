#!/usr/bin/python3
"""invite_moves.py - what the publish window moving on costs in
invitations at national scale (issue 19 item 2; BENCHMARKS.md).

    invite_moves.py CADENCECTL [TODAY...]

Writes the national config (bench/gen_national.py, horizon 550) with a
CalDAV and an SMTP peer on a closed port, then stands on each TODAY in
turn (default 2026-06-01 2026-12-31 2027-01-01 2027-06-01 2027-07-10
2028-07-10): `cadencectl --today TODAY outbox --deliver`, after which
every row is marked sent as a peer that took it would.  Prints per
step the series whose invitation hash changed, the outbox rows and
payload bytes added, and the CPU seconds (user + sys) of the run.
"""
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DAYS = ["2026-06-01", "2026-12-31", "2027-01-01", "2027-06-01",
        "2027-07-10", "2028-07-10"]


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ctl = os.path.abspath(sys.argv[1])
    days = sys.argv[2:] or DAYS
    tmp = tempfile.mkdtemp(prefix="invite-moves.")
    conf = os.path.join(tmp, "cadenced.conf")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_national.py"),
                    conf], check=True)
    with open(conf, "a", encoding="utf-8") as f:
        f.write('caldav = { url = "http://127.0.0.1:1/hyte/kokoukset/"; '
                'user = "hyte"; password_file = "caldav.pass"; };\n'
                'smtp = { url = "smtp://127.0.0.1:1"; };\n')
    pw = os.path.join(tmp, "caldav.pass")
    with open(pw, "w") as f:
        f.write("salasana\n")
    os.chmod(pw, 0o600)
    db = None
    hashes = {}
    print("%-10s %8s %6s %10s %7s" % ("today", "changed", "rows", "bytes",
                                       "cpu s"))
    for today in days:
        c0 = cpu()
        subprocess.run([ctl, "-c", conf, "--today", today, "outbox",
                        "--deliver"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        spent = cpu() - c0
        if db is None:
            state = os.path.join(tmp, "state")
            name = [n for n in os.listdir(state) if n.endswith(".db")][0]
            db = sqlite3.connect(os.path.join(state, name))
        now = dict(db.execute("SELECT uid, hash FROM series"))
        changed = sum(1 for u, h in now.items() if hashes.get(u) != h)
        hashes = now
        rows, size = db.execute(
            "SELECT count(*), coalesce(sum(length(payload)), 0) FROM outbox "
            "WHERE state != 'sent' AND kind != 'reminder'").fetchone()
        db.execute("UPDATE outbox SET state = 'sent', attempts = attempts + 1,"
                   " done = ? WHERE state != 'sent'", (int(time.time()),))
        db.commit()
        print("%-10s %8d %6d %10d %7.2f" % (today, changed, rows, size, spent))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
