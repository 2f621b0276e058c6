#!/bin/sh
# api_done.sh - tasks recorded done from outside the server and in the
# audit (SPEC §§ 10.3, 10.5): POST /api/v1/changes {"action": "done"},
# cadencectl --server done, local done and terminate audited, reminders
# stopped; the checks are in tests/e2e/api_done.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=api_done.sh

. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl" /usr/bin/curl
need_pymods aiosmtpd icalendar
exec /usr/bin/python3 tests/e2e/api_done.py "$B/cadenced" "$B/cadencectl"
