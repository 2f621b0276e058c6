#!/bin/sh
# api_write.sh - tokens, POST /api/v1/changes, the audit and the daemon's
# own HTTPS (SPEC § 10.5) against a local Radicale and SMTP sink; the
# checks are in tests/e2e/api_write.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=api_write.sh
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}

. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl" /usr/bin/openssl /usr/bin/curl
need_pymods radicale aiosmtpd icalendar
exec /usr/bin/python3 tests/e2e/api_write.py "$B/cadenced" "$B/cadencectl"
