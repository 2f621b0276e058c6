#!/usr/bin/python3
"""rie.py - the Python baseline of the planning benchmark.

    rie.py FROM TO FILE.ics|DIR ...

Parses each iCalendar file (a DIR: every *.ics in it) with icalendar and
expands it with recurring-ical-events over [FROM, TO] (inclusive dates),
one calendar at a time.  Prints "<instances> <seconds>": the time spent
parsing and expanding, measured in-process with a monotonic clock (the
interpreter's start and the imports are left out).
"""
import datetime
import glob
import os
import sys
import time

import icalendar
import recurring_ical_events


def main():
    start = datetime.date.fromisoformat(sys.argv[1])
    stop = datetime.date.fromisoformat(sys.argv[2]) + datetime.timedelta(1)
    files = []
    for a in sys.argv[3:]:
        files += sorted(glob.glob(os.path.join(a, "*.ics"))) \
            if os.path.isdir(a) else [a]
    t0 = time.monotonic()
    n = 0
    for p in files:
        with open(p, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        n += len(recurring_ical_events.of(cal).between(start, stop))
    print(n, "%.6f" % (time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
