#!/bin/sh
# plan_oracle.sh - `cadencectl occurrences --json` against an independent
# implementation of the planning rules of SPEC § 4 (tests/e2e/plan_oracle.py:
# its own libconfig reader, python-dateutil rrule, python3-holidays).
#
# Every etc/*.conf, tests/data/plan/*.conf and tests/data/minimal.conf, with
# --today 2026-11-23, over 2026-01-01..2036-12-31 (the window of the SPEC
# test) and over 2000-01-01..2036-12-31 (which also holds the first
# meetings of series that start before 2026: first_convenor, for_each).
# Each config is copied to a temporary folder with its own state_dir, so
# no override or termination from an earlier run can leak in.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
ORACLE=tests/e2e/plan_oracle.py
TODAY=2026-11-23

if [ ! -x "$CTL" ]; then
	echo "plan_oracle.sh: FAIL: no program '$CTL'"
	exit 1
fi
case $CTL in
/*) ;;
*) CTL=$(pwd)/$CTL ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/plan_oracle.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

n=0
set --
for f in etc/*.conf tests/data/plan/*.conf tests/data/minimal.conf; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	mkdir "$T/$n"
	c=$T/$n/$(basename "$f")
	# a fresh state_dir next to the copy ("var" is also the default)
	sed 's|^[[:space:]]*state_dir[[:space:]]*[=:].*$|state_dir = "var";|' \
	    "$f" >"$c" || exit 1
	set -- "$@" --name "$f" "$c"
done
if [ "$n" -eq 0 ]; then
	echo "plan_oracle.sh: FAIL: no config found"
	exit 1
fi

rc=0
for window in "2026-01-01 2036-12-31" "2000-01-01 2036-12-31"; do
	from=${window% *}
	to=${window#* }
	/usr/bin/python3 "$ORACLE" --ctl "$CTL" --today "$TODAY" \
	    --from "$from" --to "$to" "$@" || rc=1
done
if [ "$rc" -ne 0 ]; then
	echo "plan_oracle.sh: FAIL"
	exit 1
fi
echo "plan_oracle.sh: ok: $n configs agree with the oracle"
