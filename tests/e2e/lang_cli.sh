#!/bin/sh
# lang_cli.sh - the CLI's answers in Swedish on the bilingual
# etc/keski-pohjanmaa.conf (SPEC § 10.4); the checks are in
# tests/e2e/lang_cli.py.  Run from the repository root by tests/run.sh.
B=${B:-build}
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}
[ -x "$B/cadencectl" ] || { echo "lang_cli.sh: FAIL: no $B/cadencectl"; exit 1; }
exec /usr/bin/python3 tests/e2e/lang_cli.py "$B/cadencectl"
