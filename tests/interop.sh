#!/bin/sh
# interop.sh - the calendar readers' matrix of SPEC § 10.6 (`make
# interop`, run by CI; minutes, so not part of `make check`): for every
# example config etc/*.conf, tests/e2e/interop.py cancels and moves
# meetings, reads every exported feed with python icalendar +
# recurring-ical-events, vobject, ical.js 2.x, node-ical, khal and
# calcurse (flat feeds), checks every feed, CalDAV object and iMIP
# calendar with libical's icalrestriction_check ($B/tests/ical_restrict),
# and has Xandikos and Radicale take the CalDAV objects.
# $B is the build directory.
B=${B:-build}
CTL=$B/cadencectl
RESTRICT=$B/tests/ical_restrict
TODAY=2026-02-16
NPMDIR=tests/e2e/interop

fail() {
	echo "interop.sh: FAIL: $*"
	exit 1
}

[ -x "$CTL" ] || fail "no program '$CTL'"
[ -x "$RESTRICT" ] || fail "no program '$RESTRICT' (make tests)"
for p in node khal calcurse xandikos; do
	command -v $p >/dev/null 2>&1 ||
		fail "no $p (sh scripts/install-deps.sh)"
done
/usr/bin/python3 -c 'import vobject, icalendar, recurring_ical_events' ||
	fail "no python3-vobject / python3-icalendar"

# ical.js 2.x and node-ical from the committed package-lock.json
if [ ! -f "$NPMDIR/node_modules/node-ical/package.json" ] ||
    [ ! -f "$NPMDIR/node_modules/ical.js/package.json" ]; then
	command -v npm >/dev/null 2>&1 || fail "no npm"
	echo "interop.sh: installing ical.js and node-ical into $NPMDIR"
	(cd "$NPMDIR" && timeout 300 npm ci --no-audit --no-fund \
	    --loglevel=error) || fail "npm ci in $NPMDIR failed"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadenced-interop.XXXXXX") ||
	fail "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT INT TERM
ctl=$(cd "$(dirname "$CTL")" && pwd)/$(basename "$CTL")
restrict=$(cd "$(dirname "$RESTRICT")" && pwd)/$(basename "$RESTRICT")
status=0
n=0
for conf in etc/*.conf; do
	[ -f "$conf" ] || continue
	name=$(basename "$conf" .conf)
	dir=$tmp/$name
	mkdir "$dir" || fail "cannot make '$dir'"
	sed 's|^[[:space:]]*state_dir[[:space:]]*=.*;|state_dir = "var";|' \
	    "$conf" >"$dir/$name.conf" || fail "cannot copy '$conf'"
	echo "interop.sh: $conf (--today $TODAY)"
	if /usr/bin/python3 tests/e2e/interop.py "$ctl" "$restrict" \
	    "$dir/$name.conf" "$TODAY" "$dir"; then
		n=$((n + 1))
	else
		status=1
	fi
done
[ "$status" -eq 0 ] || fail "see above"
[ "$n" -gt 0 ] || fail "no etc/*.conf"
echo "interop.sh: ok: $n configs; every reader sees the meetings of" \
    "occurrences --json"
