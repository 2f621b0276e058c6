#!/bin/sh
# lang_mail.sh - invitations and reminders in the recipient party's
# language (SPEC § 10.4): `cadencectl outbox --deliver` against a local
# Radicale and SMTP sink (aiosmtpd), both on 127.0.0.1 and free ports.
# A Swedish-language party gets Swedish subject, text and SUMMARY, a
# Finnish one Finnish.  The checks are in tests/e2e/lang_mail.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=lang_mail.sh
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}

[ -x "$B/cadencectl" ] || { echo "$ME: FAIL: no program '$B/cadencectl'"; exit 1; }
/usr/bin/python3 -c "import radicale, aiosmtpd, icalendar" 2>/dev/null || {
	echo "$ME: FAIL: /usr/bin/python3 lacks radicale, aiosmtpd or icalendar"
	exit 1
}
exec /usr/bin/python3 tests/e2e/lang_mail.py "$B/cadencectl"
