#!/bin/sh
# daemon_http.sh - the real cadenced over HTTP (SPEC §§ 5, 9): every
# path of the table, content types, ETag/Last-Modified and 304s, HEAD,
# 404/405, the occurrences API against `cadencectl occurrences --json`,
# malformed requests (daemon_http_abuse.py), every feed byte for byte
# what `cadencectl export` writes (which feeds.sh reads with two
# iCalendar parsers), a cancel reaching the feed within 5 s and raising
# the SEQUENCE of that series only, SIGHUP with a broken and a fixed
# config, SIGTERM, and the same ETags after a restart (SEQUENCE never
# rises on a restart).
#
# Run from the repository root by tests/run.sh; $B is the build directory.
# The daemon listens on a free 127.0.0.1 port with its state in a
# temporary directory; everything it starts is killed on exit.
B=${B:-build}
D=$B/cadenced
CTL=$B/cadencectl
PY=/usr/bin/python3
SRC_CONF=etc/kainuu.conf
TODAY=2026-03-10
ME=daemon_http.sh
. tests/e2e/lib/daemon.sh

fail() {
	echo "$ME: FAIL: $*"
	if [ -f "$T/log" ]; then
		echo "--- daemon log (last 30 lines)"
		tail -n 30 "$T/log"
	fi
	exit 1
}

need_programs "$D" "$CTL"
command -v curl >/dev/null 2>&1 || { echo "$ME: FAIL: no curl"; exit 1; }

T=$(mktemp -d) || exit 1
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# the config: a copy of the example with our port and state directory
daemon_conf "$SRC_CONF" "$T/good.conf" state
cp "$T/good.conf" "$T/c.conf"
CONF=$T/c.conf
ctl() { "$CTL" -c "$CONF" --today "$TODAY" "$@"; }

start() { daemon_start "$CONF" "$TODAY" "$T/log" -v; }

# stop: SIGTERM, exit status 0 within 5 s
stop() {
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 50 ] || fail "still running 5 s after SIGTERM"
		sleep 0.1
	done
	wait "$pid"
	rc=$?
	pid=""
	[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM, want 0"
}

# get PATH [curl options...]: status in $code, body in $T/body,
# headers in $T/hdr
get() {
	p=$1
	shift
	rm -f "$T/body" "$T/hdr"
	: >"$T/hdr"
	code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" \
	    -w '%{http_code}' "$@" "$BASE$p") || code="curl-failed"
}
hdr() {
	sed -n "s/^$1: *//Ip" "$T/hdr" | tr -d '\r' | head -n 1
}
expect() {
	get "$@"
	[ "$code" = "$want" ] || fail "GET $1 $2 $3: status $code, want $want"
}
# check_ok PATH TYPE: 200, Content-Type TYPE, ETag, Last-Modified
check_ok() {
	want=200 expect "$1"
	ct=$(hdr Content-Type)
	case "$ct" in
	"$2"*) ;;
	*) fail "GET $1: Content-Type '$ct', want '$2'" ;;
	esac
	[ -n "$(hdr ETag)" ] || fail "GET $1: no ETag"
	[ -n "$(hdr Last-Modified)" ] || fail "GET $1: no Last-Modified"
	[ -s "$T/body" ] || fail "GET $1: empty body"
}

start

# --- every path of SPEC § 5 ------------------------------------------
ctl forums --json >"$T/forums.json" || fail "cadencectl forums failed"
FORUMS=$($PY -c 'import json, sys
print(" ".join(f["id"] for f in json.load(open(sys.argv[1]))))' \
    "$T/forums.json") || fail "cannot read the forum ids"
# party ids straight from the config's parties = ( ... ); list
PARTIES=$($PY -c 'import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
t = re.sub(r"#[^\n]*", "", t)
m = re.search(r"\bparties\s*=\s*\((.*?)\n\s*\)\s*;", t, re.S)
print(" ".join(re.findall(r"\bid\s*=\s*\"([^\"]+)\"", m.group(1))))' \
    "$CONF") || fail "cannot read the party ids"
[ -n "$FORUMS" ] && [ -n "$PARTIES" ] || fail "no forums or parties"

ICS="text/calendar; charset=utf-8"
JSON="application/json"
check_ok / "text/html; charset=utf-8"
check_ok /calendars/all.ics "$ICS"
for f in $FORUMS; do check_ok "/calendars/forum/$f.ics" "$ICS"; done
for p in $PARTIES; do check_ok "/calendars/party/$p.ics" "$ICS"; done
check_ok /calendars/deadlines.ics "$ICS"
check_ok "/api/v1/occurrences?from=2026-01-01&to=2026-12-31" "$JSON"
check_ok /api/v1/deadlines "$JSON"
check_ok /api/v1/compliance "$JSON"
check_ok "/api/v1/holidays?year=2026" "$JSON"
check_ok /healthz "text/plain"
[ "$(cat "$T/body")" = ok ] || fail "/healthz body is not 'ok'"
check_ok /metrics "text/plain; version=0.0.4"
grep -q '^cadenced_http_requests_total{code="200"} [1-9]' "$T/body" ||
    fail "/metrics has no request counter"
check_ok "/vuosikello.svg?year=2026" "image/svg+xml"

# the daemon serves byte for byte what `cadencectl export --dir` writes
# from the same state, so tests/e2e/feeds.sh's checks with two iCalendar
# parsers (python-icalendar + recurring-ical-events, ical.js) hold for
# the served feeds too
ctl export --dir "$T/exp" || fail "cadencectl export --dir failed"
series=$(echo all.ics; for x in $FORUMS; do echo "forum/$x.ics"; done; \
    for x in $PARTIES; do echo "party/$x.ics"; done)
# the flat feeds (SPEC 10.6) too
for f in deadlines.ics $series $(for x in $series; do echo "flat/$x"; done)
do
	want=200 expect "/calendars/$f"
	cmp -s "$T/body" "$T/exp/calendars/$f" ||
	    fail "/calendars/$f differs from cadencectl export"
done
# the page links every feed, webcal:// and http://
get /
for f in $FORUMS; do
	grep -q "webcal://127.0.0.1:$PORT/calendars/forum/$f.ics" "$T/body" ||
	    fail "the page has no webcal link to forum '$f'"
done
for p in $PARTIES; do
	grep -q "$BASE/calendars/party/$p.ics" "$T/body" ||
	    fail "the page has no http link to party '$p'"
done
for f in $FORUMS; do
	grep -q "$BASE/calendars/flat/forum/$f.ics\">Yksinkertaisille" \
	    "$T/body" || fail "the page has no flat feed link to forum '$f'"
done
grep -q "https\?://[^\"]*\.\(css\|js\|png\|woff\)" "$T/body" &&
    fail "the page loads external resources"

# --- conditional requests, HEAD --------------------------------------
get /calendars/all.ics
ETAG=$(hdr ETag)
LM=$(hdr Last-Modified)
want=304 expect /calendars/all.ics -H "If-None-Match: $ETAG"
[ "$(hdr ETag)" = "$ETAG" ] || fail "304 without the same ETag"
[ ! -s "$T/body" ] || fail "304 with a body"
want=304 expect /calendars/all.ics -H "If-None-Match: \"x\", $ETAG"
want=304 expect /calendars/all.ics -H "If-None-Match: W/$ETAG"
want=304 expect /calendars/all.ics -H "If-None-Match: *"
want=200 expect /calendars/all.ics -H 'If-None-Match: "nope"'
want=304 expect /calendars/all.ics -H "If-Modified-Since: $LM"
want=200 expect /calendars/all.ics \
    -H "If-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT"
# If-None-Match wins over If-Modified-Since
want=200 expect /calendars/all.ics -H 'If-None-Match: "nope"' \
    -H "If-Modified-Since: $LM"
want=304 expect / -H "If-None-Match: $(curl -s -o /dev/null -D - \
    "$BASE/" | sed -n 's/^ETag: *//Ip' | tr -d '\r')"
# a query string on a feed path changes nothing
get "/calendars/all.ics?x=1&y=../../etc"
[ "$code" = 200 ] && [ "$(hdr ETag)" = "$ETAG" ] ||
    fail "a query string changed /calendars/all.ics ($code)"
# (curl -I writes the headers as the "body"; daemon_http_abuse.py checks
# on a bare socket that no byte follows them)
want=200 expect /calendars/all.ics -I
[ "$(tr -d '\r' <"$T/body" | sed '1,/^$/d' | wc -c)" -eq 0 ] ||
    fail "HEAD with a body"
[ "$(hdr ETag)" = "$ETAG" ] || fail "HEAD: another ETag"

# --- errors ------------------------------------------------------------
want=404 expect /calendars/forum/no-such-forum.ics
want=404 expect /calendars/party/no-such-party.ics
want=404 expect /calendars/nothing.ics
want=404 expect /no/such/path
want=404 expect /calendars/../etc/passwd --path-as-is
want=404 expect /calendars/%2e%2e/etc/passwd --path-as-is
want=404 expect /calendars/%2E%2E/%2E%2E/etc/passwd --path-as-is
want=404 expect /calendars/forum/..%2Fall.ics --path-as-is
want=404 expect /%2e%2e/%2e%2e/etc/passwd --path-as-is
want=404 expect /calendars/all.ics%00.txt --path-as-is
for m in POST PUT DELETE PATCH OPTIONS; do
	want=405 expect /calendars/all.ics -X "$m"
	[ "$(hdr Allow)" = "GET, HEAD" ] ||
	    fail "$m: Allow '$(hdr Allow)', want 'GET, HEAD'"
done
want=405 expect / --data-binary 'x=1'

# --- the API -----------------------------------------------------------
for q in "" "from=2026-01-01" "to=2026-01-01" "from=2026-02-30&to=2026-03-01" \
    "from=2026-1-1&to=2026-03-01" "from=yesterday&to=2026-03-01" \
    "from=2026-03-01&to=2026-01-01" "from=2000-01-01&to=2030-01-01" \
    "from=2026-01-01T00:00&to=2026-03-01"; do
	want=400 expect "/api/v1/occurrences?$q"
	case "$(hdr Content-Type)" in $JSON*) ;;
	*) fail "400 for '$q' is not JSON" ;; esac
done
want=404 expect "/api/v1/occurrences?from=2026-01-01&to=2026-02-01&forum=nope"
want=404 expect "/api/v1/occurrences?from=2026-01-01&to=2026-02-01&party=nope"
for q in "" "year=1990" "year=2101" "year=abc" "year=2026x"; do
	want=400 expect "/api/v1/holidays?$q"
done
# the reasons name the ranges (SPEC § 4's holidays: 1991-2100), in the
# config's language (Kainuu: Finnish only)
want=400 expect "/api/v1/holidays?year=1990"
[ "$(cat "$T/body")" = '{"error": "year pitää olla vuosi 1991–2100"}' ] ||
    fail "holidays?year=1990: body '$(cat "$T/body")'"
want=400 expect "/api/v1/occurrences?from=1899-12-31&to=1900-01-31"
[ "$(cat "$T/body")" = '{"error": "from ja to pitää olla päiviä '\
'YYYY-MM-DD vuosilta 1900–2199"}' ] ||
    fail "occurrences from 1899: body '$(cat "$T/body")'"
want=200 expect "/api/v1/occurrences?from=2199-12-01&to=2199-12-31"
want=400 expect "/vuosikello.svg?year=2101"
[ "$(cat "$T/body")" = "year pitää olla vuosi 1991–2100" ] ||
    fail "vuosikello.svg?year=2101: body '$(cat "$T/body")'"

# same answer as cadencectl for the published window and filters
F1=${FORUMS%% *}
P1=${PARTIES%% *}
for args in "from=2025-03-10&to=2027-09-10" \
    "from=2025-03-10&to=2027-09-10&forum=$F1" \
    "from=2026-01-01&to=2026-12-31&party=$P1" \
    "from=2030-01-01&to=2031-12-31"; do
	want=200 expect "/api/v1/occurrences?$args"
	set -- $(echo "$args" | tr '&=' '  ')
	cargs=""
	while [ $# -ge 2 ]; do cargs="$cargs --$1 $2"; shift 2; done
	# shellcheck disable=SC2086
	ctl occurrences $cargs --json >"$T/ctl.json" ||
	    fail "cadencectl occurrences$cargs failed"
	$PY -c 'import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
if a != b:
    print("API %d occurrences, cadencectl %d" % (len(a), len(b)))
    sys.exit(1)
if not a:
    print("no occurrences at all")
    sys.exit(1)' "$T/body" "$T/ctl.json" ||
	    fail "/api/v1/occurrences?$args differs from cadencectl$cargs"
done
want=200 expect "/api/v1/holidays?year=2026"
n=$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' \
    "$T/body")
[ "$n" = 15 ] || fail "/api/v1/holidays?year=2026 has $n entries, want 15"

# --- malformed requests ------------------------------------------------
$PY tests/e2e/daemon_http_abuse.py "$PORT" /calendars/all.ics ||
    fail "malformed requests"
kill -0 "$pid" 2>/dev/null || fail "cadenced died under malformed requests"
want=200 expect /healthz

# --- cadencectl cancel reaches the forum feed within 5 s -------------
# the first confirmed single-series meeting from today on
ctl occurrences --from "$TODAY" --to 2027-03-10 --json >"$T/next.json" ||
    fail "cadencectl occurrences failed"
set -- $($PY -c 'import json, sys
for o in json.load(open(sys.argv[1])):
    if o["status"] == "CONFIRMED" and o["party"] is None:
        print(o["forum"], o["start"][:10])
        break' "$T/next.json")
[ $# -eq 2 ] || fail "no meeting to cancel"
CF=$1
CD=$2
get /calendars/all.ics
cp "$T/body" "$T/all-before.ics"
get "/calendars/forum/$CF.ics"
FETAG=$(hdr ETag)
grep -q "STATUS:CANCELLED" "$T/body" &&
    fail "/calendars/forum/$CF.ics has STATUS:CANCELLED before the cancel"
ctl cancel "$CF" "$CD" --reason "testi" >/dev/null ||
    fail "cadencectl cancel $CF $CD failed"
i=0
while :; do
	get "/calendars/forum/$CF.ics"
	if [ "$(hdr ETag)" != "$FETAG" ] &&
	    grep -q "STATUS:CANCELLED" "$T/body"; then
		break
	fi
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the cancel of $CF $CD not in the feed after 5 s"
	sleep 0.1
done
cp "$T/body" "$T/cancelled.ics"
# only the changed series' SEQUENCE rose, by one
get /calendars/all.ics
$PY - "$T/all-before.ics" "$T/body" "$CF" <<'EOF' || fail "SEQUENCE after cancel"
import re, sys
def seqs(path):
    t = open(path, encoding="utf-8").read().replace("\r\n ", "")
    out = {}
    for ev in t.split("BEGIN:VEVENT")[1:]:
        if "RECURRENCE-ID" in ev:
            continue
        uid = re.search(r"^UID:(.*?)\r?$", ev, re.M).group(1)
        out[uid] = int(re.search(r"^SEQUENCE:(\d+)", ev, re.M).group(1))
    return out
a, b = seqs(sys.argv[1]), seqs(sys.argv[2])
assert a.keys() == b.keys(), (a.keys(), b.keys())
changed = {u for u in a if a[u] != b[u]}
want = {sys.argv[3] + "@kainuu.example"}
assert changed == want, "changed %s, want %s" % (changed, want)
u = want.pop()
assert b[u] == a[u] + 1, (a[u], b[u])
EOF

# --- SIGHUP: a broken config is refused, a good one applies ----------
printf 'no_such_key = 1;\n' >>"$CONF"
kill -HUP "$pid"
i=0
until curl -s --max-time 2 "$BASE/metrics" |
    grep -q 'cadenced_config_reloads_total{result="failure"} 1'; do
	i=$((i + 1))
	[ $i -lt 50 ] || fail "no failed reload counted 5 s after SIGHUP"
	sleep 0.1
done
grep -q "c\.conf:[0-9][0-9]*: error: " "$T/log" ||
    fail "the broken config's FILE:LINE error is not in the log"
kill -0 "$pid" 2>/dev/null || fail "cadenced died on a broken config"
get "/calendars/forum/$CF.ics"
[ "$code" = 200 ] && cmp -s "$T/body" "$T/cancelled.ics" ||
    fail "the feed changed after a refused reload"

# the good config with the forum renamed: the new name, a higher SEQUENCE
$PY - "$T/good.conf" "$CF" >"$CONF" <<'EOF' || fail "cannot rename forum"
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'id\s*=\s*"%s"\s*;' % re.escape(sys.argv[2]), t)
n = re.compile(r'(\bname\s*=\s*"[^"]*)(")').search(t, m.end())
sys.stdout.write(t[:n.start()] + n.group(1) + " (uusi nimi)" + n.group(2)
                 + t[n.end():])
EOF
kill -HUP "$pid"
i=0
while :; do
	get "/calendars/forum/$CF.ics"
	grep -q "(uusi nimi)" "$T/body" && break
	i=$((i + 1))
	[ $i -lt 50 ] || fail "the renamed forum not in the feed 5 s after SIGHUP"
	sleep 0.1
done
$PY - "$T/cancelled.ics" "$T/body" "$CF" <<'EOF' || fail "SEQUENCE"
import re, sys
def seq(path):
    t = open(path, encoding="utf-8").read().replace("\r\n ", "")
    for ev in t.split("BEGIN:VEVENT")[1:]:
        if "RECURRENCE-ID" in ev:
            continue
        if re.search(r"^UID:%s@" % re.escape(sys.argv[3]), ev, re.M):
            return int(re.search(r"^SEQUENCE:(\d+)", ev, re.M).group(1))
    sys.exit("no master VEVENT for %s in %s" % (sys.argv[3], path))
a, b = seq(sys.argv[1]), seq(sys.argv[2])
if b <= a:
    sys.exit("SEQUENCE %d after the rename, %d before" % (b, a))
EOF
curl -s "$BASE/metrics" |
    grep -q 'cadenced_config_reloads_total{result="success"} 1' ||
    fail "the good reload is not counted"

# --- SIGTERM; a restart republishes the same bytes --------------------
get /calendars/all.ics
ETAG=$(hdr ETag)
get /calendars/all.ics
cp "$T/body" "$T/all-before.ics"
get "/calendars/forum/$CF.ics"
FETAG=$(hdr ETag)
stop
start
get /calendars/all.ics
[ "$(hdr ETag)" = "$ETAG" ] || fail "all.ics has another ETag after a restart"
get "/calendars/forum/$CF.ics"
[ "$(hdr ETag)" = "$FETAG" ] ||
    fail "forum/$CF.ics has another ETag after a restart"
stop

# --- systemd: READY=1, WATCHDOG=1, STOPPING=1 ------------------------
$PY tests/e2e/daemon_notify.py "$D" "$CONF" "$TODAY" "$PORT" ||
    fail "sd_notify"

# --- the command line; a broken config at start: errors, exit 1 -------
"$D" -h >"$T/out" 2>&1 || fail "cadenced -h: exit status $?"
grep -q "^usage: cadenced" "$T/out" || fail "cadenced -h: no usage"
"$D" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ] || fail "cadenced --no-such-option: exit status not 2"
"$D" -c "$CONF" --today 2026-02-30 >/dev/null 2>&1
[ $? -eq 2 ] || fail "cadenced --today 2026-02-30: exit status not 2"
printf 'no_such_key = 1;\n' >>"$CONF"
"$D" -c "$CONF" --today "$TODAY" $ROOT_OPT >"$T/out" 2>&1 &
bpid=$!
i=0
while kill -0 "$bpid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { kill -KILL "$bpid"; fail "broken config: runs"; }
	sleep 0.1
done
wait "$bpid"
rc=$?
[ $rc -eq 1 ] || fail "broken config at start: exit status $rc, want 1"
grep -q "c\.conf:[0-9][0-9]*: error: tuntematon avain 'no_such_key'" "$T/out" ||
    fail "broken config at start: no FILE:LINE error ($(cat "$T/out"))"
cat "$T/out" >>"$T/log"

# a sanitizer build reports into the log and may still exit 0
grep -q "runtime error:\|Sanitizer" "$T/log" &&
    fail "sanitizer reports in the daemon's log"
echo "$ME: ok: $(echo $FORUMS | wc -w) forums, $(echo $PARTIES | wc -w)" \
    "parties, conditional requests, errors, API = cadencectl," \
    "malformed requests, cancel, reloads, restart, sd_notify, bad config"
