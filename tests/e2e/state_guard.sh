#!/bin/sh
# state_guard.sh - state that cannot vanish (issue 19): the database
# replaced, deleted or overwritten under a running cadenced turns
# /healthz red with the reason and nothing is written elsewhere; a state
# directory whose database became empty or went missing is refused by
# cadenced and cadencectl unless cadenced is given --reset-state; a full
# disk at start (a tmpfs, as root) serves the last state read-only and
# recovers when space returns.  The checks are in tests/e2e/state_guard.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
for p in "$B/cadenced" "$B/cadencectl"; do
	if [ ! -x "$p" ]; then
		echo "state_guard.sh: FAIL: no program '$p' (build it first)"
		exit 1
	fi
done
exec /usr/bin/python3 tests/e2e/state_guard.py "$B/cadenced" "$B/cadencectl"
