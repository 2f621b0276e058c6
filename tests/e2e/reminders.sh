#!/bin/sh
# reminders.sh - deadline reminders end to end (SPEC § 6 "Deadline
# reminders", § 7): `cadencectl outbox --deliver` and the running
# cadenced e-mail the agreement's notify parties through a local SMTP
# sink (aiosmtpd on 127.0.0.1, a free port), once per deadline and
# offset, catching up only the latest missed one.  The checks are in
# tests/e2e/reminders.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=reminders.sh

if [ ! -x "$B/cadencectl" ]; then
	echo "$ME: FAIL: no program '$B/cadencectl'"
	exit 1
fi
for m in aiosmtpd icalendar; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "$ME: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done
# the daemon part runs when the daemon is built
exec /usr/bin/python3 tests/e2e/reminders.py "$B/cadencectl" "$B/cadenced"
