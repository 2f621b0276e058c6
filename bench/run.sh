#!/bin/sh
# bench/run.sh - `make bench`: serving, planning, memory and start-up
# figures (BENCHMARKS.md).  Never part of `make check`.
#
#	B=build sh bench/run.sh
#
# B is the build directory holding cadenced and cadencectl (default
# "build").  Installs missing Debian packages when run as root
# (bench/install-deps.sh).  Loopback only; every server it starts is
# stopped on exit.  The output is also kept in $B/bench.log.
set -eu

B=${B:-build}
export B
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."

sh bench/install-deps.sh
for t in wrk pkg-config; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "bench: $t is missing (run bench/install-deps.sh as root)" >&2;
	      exit 1; }
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] ||
    { echo "bench: nginx is missing (bench/install-deps.sh)" >&2; exit 1; }
PATH=$PATH:/usr/sbin
export PATH
for p in "$B/cadenced" "$B/cadencectl"; do
	[ -x "$p" ] || { echo "bench: $p is missing: make B=$B" >&2; exit 1; }
done

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cadenced-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT
trap 'exit 130' INT TERM
# nginx's workers may run as another user: let them read the feeds
chmod 755 "$BENCH_TMP"
export BENCH_TMP

BENCH_FLOOR=$BENCH_TMP/floor
${CC:-cc} -O2 -Wall -Wextra -o "$BENCH_FLOOR" bench/floor.c \
    $(pkg-config --cflags --libs libical)
export BENCH_FLOOR

# a missed goal is a finding, not a failure: bench.py exits non-zero
# only when a measurement could not be made
{ /usr/bin/python3 bench/bench.py 2>&1; echo $? >"$BENCH_TMP/rc"; } |
    tee "$B/bench.log"
exit "$(cat "$BENCH_TMP/rc" 2>/dev/null || echo 1)"
