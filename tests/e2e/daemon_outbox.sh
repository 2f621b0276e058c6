#!/bin/sh
# daemon_outbox.sh - the running cadenced delivers invitations (SPEC § 6):
# CalDAV to a local Radicale, iMIP e-mail to a local SMTP sink (aiosmtpd),
# and CalDAV to a fake server that answers 500 first; exactly once, also
# across restarts, kill -9 and SIGTERM with a transfer in flight.  The
# checks are in tests/e2e/daemon_outbox.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=daemon_outbox.sh

for p in "$B/cadenced" "$B/cadencectl"; do
	if [ ! -x "$p" ]; then
		echo "$ME: FAIL: no program '$p'"
		exit 1
	fi
done
for m in radicale aiosmtpd icalendar; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "$ME: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done
exec /usr/bin/python3 tests/e2e/daemon_outbox.py "$B/cadenced" "$B/cadencectl"
