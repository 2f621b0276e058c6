#!/bin/sh
# hostile_load.sh - cadenced under load and abuse (issue 8): wrk with 256
# connections on the feeds for LOAD_SECONDS (default 60) while other
# clients (tests/e2e/faults_hostile.py) hold slowloris connections and
# send malformed requests.  Asserts: no failed request among wrk's
# (no non-2xx/3xx answer, no socket error), the daemon alive and
# answering, RSS flat (VmRSS at start and end), no file-descriptor
# growth (/proc/PID/fd before and after).  Prints a summary.
#
# Started by `make load`, NOT by `make check`: tests/run.sh runs every
# tests/e2e/*.sh, so without CADENCE_LOAD=1 this only says it is skipped.
# Everything binds or targets 127.0.0.1 (the slow clients come from
# 127.0.0.2-4); everything started is killed on exit.
#
# Environment: B (build directory), LOAD_SECONDS (60), LOAD_CONNECTIONS
# (256), LOAD_SLOW (slowloris sockets, 96), LOAD_RSS_SLACK_KB (16384:
# the growth of VmRSS from the warmed-up start that still counts flat).
B=${B:-build}
ME=hostile_load.sh
SECONDS_=${LOAD_SECONDS:-60}
CONNS=${LOAD_CONNECTIONS:-256}
SLOW=${LOAD_SLOW:-96}
RSS_SLACK=${LOAD_RSS_SLACK_KB:-16384}
PY=/usr/bin/python3

if [ "${CADENCE_LOAD:-}" != 1 ]; then
	echo "$ME: skipped (run it with make load)"
	exit 0
fi

fail() { echo "$ME: FAIL: $*"; exit 1; }
. tests/e2e/lib/daemon.sh

need_programs "$B/cadenced"
if ! command -v wrk >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y wrk >/dev/null 2>&1 ||
		    { apt-get update >/dev/null 2>&1 &&
		    apt-get install -y wrk >/dev/null 2>&1; }
	fi
	command -v wrk >/dev/null 2>&1 || fail "wrk is not installed (apt-get install wrk)"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/cadenced-load.XXXXXX") || exit 1
pid=
hpid=
cleanup() {
	[ -z "$hpid" ] || kill "$hpid" 2>/dev/null
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -z "$pid" ] || wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

daemon_conf etc/kainuu.conf "$T/k.conf" "$T/state"
daemon_start "$T/k.conf" 2026-11-23 "$T/log"

# wrk goes round the feeds
cat >"$T/feeds.lua" <<'EOF'
local paths = {
	"/calendars/all.ics",
	"/calendars/forum/kuntaneuvottelu.ics",
	"/calendars/party/sotkamo.ics",
	"/calendars/deadlines.ics",
}
local n = 0
request = function()
	n = n + 1
	return wrk.format("GET", paths[(n % #paths) + 1])
end
EOF

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
fds() { ls "/proc/$pid/fd" | wc -l; }

# warm up (allocator arenas, threads, the feeds' pages), then measure
wrk -t2 -c"$CONNS" -d5s --timeout 5s -s "$T/feeds.lua" "$BASE" \
    >"$T/warm" 2>&1 || fail "wrk (warm-up) failed: $(cat "$T/warm")"
# the warm-up's connections are closed by the daemon's idle timeout or
# at once; wait for the fd count to settle
sleep 1
fd0=$(fds)
rss0=$(rss)

$PY tests/e2e/faults_hostile.py "$PORT" "$SECONDS_" "$SLOW" \
    >"$T/hostile" 2>&1 &
hpid=$!
wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --timeout 5s --latency \
    -s "$T/feeds.lua" "$BASE" >"$T/wrk" 2>&1
wrc=$?
wait "$hpid"
hrc=$?
hpid=
kill -0 "$pid" 2>/dev/null || fail "cadenced died under load"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz")
feed=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    "$BASE/calendars/all.ics")

# every connection gone: the fd count must come back (idle timeout 10 s)
i=0
while [ "$(fds)" -gt "$fd0" ] && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
fd1=$(fds)
rss1=$(rss)

sed 's/^/  /' "$T/wrk"
sed 's/^/  /' "$T/hostile"
req=$(awk '/requests in/ { print $1 }' "$T/wrk")
rps=$(awk '/^Requests\/sec:/ { print $2 }' "$T/wrk")
non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$T/wrk")
sockerr=$(grep 'Socket errors' "$T/wrk" | sed 's/^ *//')
p99=$(awk '$1 == "99%" { print $2 }' "$T/wrk")

echo "$ME: summary: ${SECONDS_} s, wrk $CONNS connections: ${req:-?} requests, ${rps:-?}/s, p99 ${p99:-?}; non-2xx/3xx ${non2xx:-0}; ${sockerr:-socket errors: none}"
echo "$ME: summary: VmRSS ${rss0} kB at start, ${rss1} kB at end; fds $fd0 before, $fd1 after; /healthz $code, feed $feed after"

bad=0
[ "$wrc" -eq 0 ] || { echo "$ME: FAIL: wrk exit status $wrc"; bad=1; }
[ -z "$non2xx" ] || { echo "$ME: FAIL: $non2xx non-2xx/3xx answers"; bad=1; }
[ -z "$sockerr" ] || { echo "$ME: FAIL: $sockerr"; bad=1; }
[ "$hrc" -eq 0 ] || { echo "$ME: FAIL: malformed requests went unanswered"; bad=1; }
[ "$code" = 200 ] && [ "$feed" = 200 ] ||
    { echo "$ME: FAIL: /healthz $code, feed $feed after the load"; bad=1; }
[ "$rss1" -le $((rss0 + RSS_SLACK)) ] ||
    { echo "$ME: FAIL: VmRSS grew from $rss0 to $rss1 kB"; bad=1; }
[ "$fd1" -le "$fd0" ] ||
    { echo "$ME: FAIL: descriptors grew from $fd0 to $fd1"; bad=1; }
[ "$bad" -eq 0 ] || exit 1
echo "$ME: ok"
