#!/bin/sh
# kept.sh - the snapshot kept in the state directory (daemon/persist.h):
# served at a restart with nothing changed, refused when the store, the
# config, the day or the program changed or the file is damaged.  See
# kept.py.  Run from the repository root by tests/run.sh.
B=${B:-build}
ME=kept.sh
fail() { echo "$ME: FAIL: $*"; exit 1; }
. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl"
daemon_test_init
mkdir "$T/k" || exit 1
daemon_conf etc/kainuu.conf "$T/k/c.conf" "$T/k/state"
/usr/bin/python3 tests/e2e/kept.py "$B/cadenced" "$B/cadencectl" \
    "$T/k/c.conf" 2026-03-10 "$PORT" "$T" || exit 1
