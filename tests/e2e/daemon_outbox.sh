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

. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl"
need_pymods radicale aiosmtpd icalendar
exec /usr/bin/python3 tests/e2e/daemon_outbox.py "$B/cadenced" "$B/cadencectl"
