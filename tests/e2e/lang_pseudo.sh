#!/bin/sh
# lang_pseudo.sh - every word people read in Swedish comes from the
# message catalogue or the config, none written into the output in
# Finnish (SPEC § 10.4): a pseudo-translated catalogue installed as the
# Swedish one, then the page, wheel, JSON, cadencectl and mail in
# Swedish.  The checks are in tests/e2e/lang_pseudo.py.
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=lang_pseudo.sh
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}
for p in "$B/cadencectl" "$B/cadenced"; do
	[ -x "$p" ] || { echo "$ME: FAIL: no program '$p'"; exit 1; }
done
command -v msgfmt >/dev/null || { echo "$ME: FAIL: no msgfmt"; exit 1; }
/usr/bin/python3 -c "import aiosmtpd, babel, icalendar" 2>/dev/null || {
	echo "$ME: FAIL: /usr/bin/python3 lacks aiosmtpd, babel or icalendar"
	exit 1
}
exec /usr/bin/python3 tests/e2e/lang_pseudo.py "$B/cadencectl" "$B/cadenced"
