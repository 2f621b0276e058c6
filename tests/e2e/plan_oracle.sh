#!/bin/sh
# plan_oracle.sh - `cadencectl occurrences --json` against an independent
# implementation of the planning rules of SPEC § 4 (tests/e2e/plan_oracle.py:
# its own libconfig reader, python-dateutil rrule, python3-holidays).
#
# 1. Every etc/*.conf, tests/data/plan/*.conf and tests/data/minimal.conf,
#    with --today 2026-11-23, over 2026-01-01..2036-12-31 and over
#    2000-01-01..2036-12-31 (which also holds the first meetings of series
#    that start before 2026: first_convenor, for_each spread history).
#    Each config is copied to a temporary folder with its own state_dir,
#    so no override or termination from an earlier run can leak in.
# 2. PLAN_ORACLE_FUZZ (default 100) random configs with a fixed seed
#    (PLAN_ORACLE_SEED, default 1) that use every rule of SPEC § 4:
#    rrule kinds, COUNT/UNTIL, per_term, blackouts that wrap, forum and
#    party blackouts, extra_holidays, next/previous/skip/keep, for_each
#    with spread, first_convenor, other time zones, default start.
#    Strict by default (PLAN_ORACLE_STRICT=0 turns it off): also
#    mid-month council terms and meetings at night on DST-change days --
#    a local time that DST skips gets the offset before the gap and a
#    repeated one the first offset (RFC 5545 3.3.5), a meeting ends after
#    its duration in elapsed minutes (240 minutes from 01:00 on the
#    spring-forward day end at 06:00+03:00), and per_term's month is the
#    one within the 12 months of the term's year (term from 2025-06-15,
#    year 3, June, 1st Tuesday: 2028-06-06, not 2027-06-01).
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
ORACLE=tests/e2e/plan_oracle.py
TODAY=2026-11-23
FUZZ=${PLAN_ORACLE_FUZZ:-100}
SEED=${PLAN_ORACLE_SEED:-1}

if [ ! -x "$CTL" ]; then
	echo "plan_oracle.sh: FAIL: no program '$CTL'"
	exit 1
fi
case $CTL in
/*) ;;
*) CTL=$(pwd)/$CTL ;;
esac
for m in dateutil holidays zoneinfo; do
	if ! /usr/bin/python3 -c "import $m" 2>/dev/null; then
		echo "plan_oracle.sh: FAIL: /usr/bin/python3 cannot import $m"
		exit 1
	fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/plan_oracle.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' HUP INT TERM

n=0
set --
for f in etc/*.conf tests/data/plan/*.conf tests/data/minimal.conf; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	mkdir "$T/$n" || exit 1
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
	/usr/bin/python3 "$ORACLE" --ctl "$CTL" --today "$TODAY" \
	    --from "${window% *}" --to "${window#* }" "$@" || rc=1
done

strict=
[ "${PLAN_ORACLE_STRICT:-1}" = 1 ] && strict=--strict
if [ "$FUZZ" -gt 0 ]; then
	TMPDIR=$T /usr/bin/python3 "$ORACLE" --ctl "$CTL" --fuzz "$FUZZ" \
	    --seed "$SEED" $strict --from 2020-01-01 --to 2036-12-31 || rc=1
fi

if [ "$rc" -ne 0 ]; then
	echo "plan_oracle.sh: FAIL"
	exit 1
fi
echo "plan_oracle.sh: ok: $n configs and $FUZZ random ones agree with" \
    "the oracle"
