#!/bin/sh
# daemon_swap.sh - snapshots swapped (SIGHUP, a cancel) while slow
# clients download a national-scale all.ics: every download whole and
# the bytes it started with, the old bodies released when the last one
# ends, a clean exit (under SANITIZE=1: no leak, no use after free).
# See daemon_swap.py.  Run from the repository root by tests/run.sh.
B=${B:-build}
ME=daemon_swap.sh
PY=/usr/bin/python3
TODAY=2026-03-10
. tests/e2e/lib/daemon.sh

fail() {
	echo "$ME: FAIL: $*"
	exit 1
}

need_programs "$B/cadenced" "$B/cadencectl"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

PORT=$(free_port) || fail "no free port"
# about 5 MB of all.ics: more than the socket buffers between a slow
# client and the daemon hold, so the downloads stay in flight
$PY bench/gen_national.py "$T/c.conf" --port "$PORT" --horizon 1500 ||
    fail "bench/gen_national.py"
sed -i "s|^state_dir = .*|state_dir = \"$T/state\";|" "$T/c.conf"
$PY tests/e2e/daemon_swap.py "$B/cadenced" "$B/cadencectl" "$T/c.conf" \
    "$TODAY" "$PORT" || exit 1
