#!/bin/sh
# outbox.sh - invitations end to end (SPEC § 6): `cadencectl outbox
# --deliver` against a local Radicale (CalDAV) and a local SMTP sink
# (aiosmtpd), both on 127.0.0.1 and free ports.  The checks are in
# tests/e2e/outbox_e2e.py (python3-icalendar reads what was sent); then
# tests/e2e/invite_e2e.py: invitations reach the right people (SPEC
# § 10.1: contacts in roles, co-convenors, per-member convenors, groups)
# and a renamed, added or removed contact only that person.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}

if [ ! -x "$CTL" ]; then
	echo "outbox.sh: FAIL: no program '$CTL'"
	exit 1
fi
for m in radicale aiosmtpd icalendar; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "outbox.sh: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done
/usr/bin/python3 tests/e2e/outbox_e2e.py "$CTL" || exit 1
exec /usr/bin/python3 tests/e2e/invite_e2e.py "$CTL"
