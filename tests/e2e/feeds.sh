#!/bin/sh
# feeds.sh - the iCalendar feeds (SPEC § 5) written by `cadencectl export
# --dir`, for every example config etc/*.conf, against `cadencectl
# occurrences --json`, expanded by two independent RFC 5545
# implementations: python3-icalendar + recurring_ical_events
# (feeds_check.py, which also drives cadencectl: cancel, move, export,
# re-export, second move, and checks the format and SEQUENCEs) and
# Mozilla's ical.js (feeds_check.mjs, from tests/e2e/icaljs).
#
# Run from the repository root by tests/run.sh; $B is the build directory.
# CADENCECTL may point at another binary taking the same arguments.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
TODAY=2026-02-16		# a Monday; the window is 2025-02-16 .. + horizon
HERE=tests/e2e
ICALJS=$HERE/icaljs

fail() {
	echo "feeds.sh: FAIL: $*"
	exit 1
}

[ -x "$CTL" ] || fail "no program '$CTL'"
[ -x /usr/bin/python3 ] || fail "no /usr/bin/python3"
command -v node >/dev/null 2>&1 || fail "no node (apt-get install nodejs)"

# ical.js from the committed package.json + package-lock.json
if [ ! -f "$ICALJS/node_modules/ical.js/package.json" ]; then
	command -v npm >/dev/null 2>&1 || fail "no npm to install ical.js"
	echo "feeds.sh: installing ical.js into $ICALJS/node_modules"
	(cd "$ICALJS" && timeout 300 npm ci --no-audit --no-fund \
	    --loglevel=error) || fail "npm ci in $ICALJS failed"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadenced-feeds.XXXXXX") ||
	fail "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT INT TERM

ctl=$(cd "$(dirname "$CTL")" && pwd)/$(basename "$CTL")
status=0
n=0
for conf in etc/*.conf; do
	[ -f "$conf" ] || continue
	name=$(basename "$conf" .conf)
	dir=$tmp/$name
	mkdir "$dir" || fail "cannot make '$dir'"
	# a private copy: the database goes to $dir/var, not the real one
	sed 's|^[[:space:]]*state_dir[[:space:]]*=.*;|state_dir = "var";|' \
	    "$conf" >"$dir/$name.conf" || fail "cannot copy '$conf'"
	grep -q '^state_dir = "var";$' "$dir/$name.conf" ||
		fail "$conf: no state_dir line to redirect"
	echo "feeds.sh: $conf (--today $TODAY)"
	if ! /usr/bin/python3 "$HERE/feeds_check.py" "$ctl" \
	    "$dir/$name.conf" "$TODAY" "$dir"; then
		status=1
		continue
	fi
	if ! TZ=UTC node "$HERE/feeds_check.mjs" "$dir/export1" \
	    "$dir/export3"; then
		status=1
		continue
	fi
	n=$((n + 1))
done
[ "$status" -eq 0 ] || fail "see above"
[ "$n" -gt 0 ] || fail "no etc/*.conf"
echo "feeds.sh: ok: $n configs, feeds agree with occurrences --json" \
    "(python3-icalendar and ical.js)"
