"""same_occurrences.py A B LABEL - the iCalendar files A and B (one
feed in two languages) expand to the same meetings: UIDs, starts and
STATUS, 2023-2028, with python icalendar + recurring_ical_events (not
our code).  Run by tests/e2e/lang_daemon.sh and lang_page.sh (SPEC § 10.4:
UIDs are the same in every language).
"""
import datetime
import sys

import icalendar
import recurring_ical_events


def occ(path):
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    evs = recurring_ical_events.of(cal).between(
        datetime.date(2023, 1, 1), datetime.date(2029, 1, 1))
    return sorted((str(e["UID"]), e["DTSTART"].dt.isoformat(),
                   str(e.get("STATUS", ""))) for e in evs)


a, b = occ(sys.argv[1]), occ(sys.argv[2])
if a != b or not a:
    print("%s: %d occurrences, %d in the other language; first "
          "differences: %s" % (sys.argv[3], len(a), len(b),
                               sorted(set(a) ^ set(b))[:3]))
    sys.exit(1)
print("  %s: %d occurrences alike in both languages" % (sys.argv[3], len(a)))
