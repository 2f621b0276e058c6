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

if [ ! -x "$B/cadencectl" ]; then
	echo "$ME: FAIL: no program '$B/cadencectl'"
	exit 1
fi
for m in radicale aiosmtpd icalendar; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "$ME: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done
exec /usr/bin/python3 tests/e2e/lang_mail.py "$B/cadencectl"
