#!/bin/sh
# window_move.sh - moving the publish window (a later --today, across
# 1 January) sends no invitation when nothing a recipient sees has
# changed (issue 19 item 2); a real change still does.  The checks, with
# Radicale and an SMTP sink, are in tests/e2e/window_move.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=window_move.sh

if [ ! -x "$B/cadencectl" ]; then
	echo "$ME: FAIL: no program '$B/cadencectl'"
	exit 1
fi
for m in aiosmtpd icalendar radicale recurring_ical_events; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "$ME: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done
exec /usr/bin/python3 tests/e2e/window_move.py "$B/cadencectl"
