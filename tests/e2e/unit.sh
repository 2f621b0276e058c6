#!/bin/sh
# unit.sh - systemd/cadenced.service (SPEC § 9): `systemd-analyze verify`
# finds nothing wrong with it, and `systemd-analyze security --offline=yes`
# rates its overall exposure at 2.0 or less ("OK").
#
# verify wants every ExecStart= binary to exist, and the daemon is not
# installed here, so a copy of the unit with ExecStart= pointing at an
# existing program is verified (the rest of the unit is unchanged).
# Skips (exit 0) when systemd-analyze is missing or too old for --offline.
#
# Run from the repository root by tests/run.sh.
UNIT=systemd/cadenced.service
MAX_EXPOSURE=2.0

if [ ! -f "$UNIT" ]; then
	echo "unit.sh: FAIL: no unit '$UNIT'"
	exit 1
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "unit.sh: SKIP: systemd-analyze is not installed" \
	    "(apt-get install systemd)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/unit.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# --- the unit's own promises ------------------------------------------------
for want in 'Type=notify' 'WatchdogSec=' 'ExecReload=/bin/kill -HUP $MAINPID' \
    'StateDirectory=cadenced' 'ProtectSystem=strict' 'DynamicUser=yes' \
    'Documentation=man:cadenced(8)'; do
	if ! grep -qF "$want" "$UNIT"; then
		echo "unit.sh: FAIL: $UNIT lacks '$want'"
		fail=1
	fi
done

# --- systemd-analyze security --offline ------------------------------------
out=$(systemd-analyze security --offline=yes "$UNIT" 2>&1)
rc=$?
if printf '%s\n' "$out" | grep -qi 'unrecognized option\|unknown option'; then
	echo "unit.sh: SKIP: systemd-analyze $(systemd-analyze --version |
	    sed -n '1s/^systemd //p') has no 'security --offline'"
	exit 0
fi
level=$(printf '%s\n' "$out" |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9.]*\).*/\1/p' |
    tail -n 1)
if [ -z "$level" ]; then
	echo "unit.sh: FAIL: no exposure level in the output of" \
	    "'systemd-analyze security --offline=yes $UNIT' (status $rc):"
	printf '%s\n' "$out" | tail -n 20
	fail=1
elif awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l + 0 <= m + 0) }'
then
	echo "unit.sh: exposure $level (at most $MAX_EXPOSURE)"
else
	echo "unit.sh: FAIL: exposure $level is above $MAX_EXPOSURE:"
	printf '%s\n' "$out" | grep '✗'
	fail=1
fi

# --- systemd-analyze verify ------------------------------------------------
# The unit's name matters to verify, so the copy keeps it.
mkdir "$tmp/units"
exe=$(command -v true)
sed "s|^ExecStart=[^ ]*|ExecStart=$exe|" "$UNIT" > "$tmp/units/cadenced.service"
# A unit that cannot be wrong tells whether verify works here at all (it
# needs a little of a running system; some containers lack it).
printf '[Service]\nExecStart=%s\n' "$exe" > "$tmp/units/control.service"
if ! systemd-analyze verify --man=no "$tmp/units/control.service" \
    >"$tmp/control.out" 2>&1 || [ -s "$tmp/control.out" ]; then
	echo "unit.sh: verify skipped: it fails here even on a trivial unit:"
	sed 's/^/  /' "$tmp/control.out" | head -n 5
elif out=$(systemd-analyze verify --man=no \
    "$tmp/units/cadenced.service" 2>&1) && [ -z "$out" ]; then
	echo "unit.sh: systemd-analyze verify: ok"
else
	echo "unit.sh: FAIL: systemd-analyze verify:"
	printf '%s\n' "$out"
	fail=1
fi

[ "$fail" -eq 0 ] && echo "unit.sh: ok"
exit "$fail"
