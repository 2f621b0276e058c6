#!/bin/sh
# http_limits.sh - the HTTP limits of cadenced(8) under attack (issue 19):
# a request line with ~900 query parameters is answered 414 at once (it
# hung 10 s), and slowloris from four addresses neither fills the
# connection slots nor delays /healthz.  The checks are in
# tests/e2e/http_limits.py.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
if [ ! -x "$B/cadenced" ]; then
	echo "http_limits.sh: FAIL: no program '$B/cadenced' (build it first)"
	exit 1
fi
exec /usr/bin/python3 tests/e2e/http_limits.py "$B/cadenced"
