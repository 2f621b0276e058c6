#!/bin/sh
# integrity.sh - input integrity (issue 19): invalid UTF-8 and control
# characters refused in the config (FILE:LINE: error:) and on the command
# line (one line, exit 1); the wheel cuts long titles between characters;
# `check` refuses addresses that are not RFC 5321 addr-specs; a state
# directory whose database became empty is refused.  The checks are in
# tests/e2e/integrity.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
for p in "$B/cadencectl"; do
	if [ ! -x "$p" ]; then
		echo "integrity.sh: FAIL: no program '$p' (build it first)"
		exit 1
	fi
done
exec /usr/bin/python3 tests/e2e/integrity.py "$B/cadencectl"
