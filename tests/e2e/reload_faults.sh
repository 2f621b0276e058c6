#!/bin/sh
# reload_faults.sh - a reload or a rebuild that fails at any step changes
# nothing (issue #11): a new TLS pair that cannot be read and a new
# state_dir whose database cannot be opened are refused (a broken config:
# daemon_http.sh; a password file open to others: daemon_outbox.py); the
# daemon built with its failure points ($B/cadenced-faults,
# daemon/fault.h) fails at "plan", "render" and "commit" in turn; after each failure the served bytes (feeds, page,
# JSON, with their ETags) and what the build writes to the store (series
# SEQUENCEs and hashes, outbox rows and what each recipient was given,
# reminders) are exactly as before.  Then the same reload without a
# fault takes effect, and a cancel whose rebuild failed is published and
# sent once the fault is gone: nothing was lost.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
ME=reload_faults.sh

. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced-faults" "$B/cadencectl"

T=$(mktemp -d /tmp/cadenced-reload.XXXXXX) || exit 1
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -z "$pid" ] || wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() {
	echo "$ME: FAIL: $*"
	[ ! -f "$T/log" ] || sed 's/^/  log: /' "$T/log" | tail -15
	exit 1
}
n=0
ok() { n=$((n + 1)); }

mkdir "$T/state"
daemon_conf etc/kainuu.conf "$T/c.conf" "$T/state"
# mail to the convenors through a port nobody listens on: the outbox
# rows the builds write stay there (their attempts are not compared)
cat >>"$T/c.conf" <<EOF
smtp = { url = "smtp://127.0.0.1:$(free_port)"; };
EOF
CTL="$B/cadencectl -c $T/c.conf --today 2026-02-02"
DOCS="/calendars/all.ics /calendars/forum/hytetu-tyoryhma.ics
/calendars/party/kajaani.ics /calendars/deadlines.ics / /vuosikello.svg
/api/v1/compliance /api/v1/deadlines"

# served: every document's status, ETag and SHA-256, one line each
served() {
	for p in $DOCS; do
		printf '%s ' "$p"
		curl -s -D "$T/h" -o "$T/body" --max-time 10 "$BASE$p" ||
		    echo "no answer"
		sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/h" | tr -d '\r\n'
		printf ' %s\n' "$(sha256sum <"$T/body" | cut -c1-64)"
	done
}

# store: what builds write, read while the daemon runs (WAL)
store() {
	/usr/bin/python3 - "$T/state/cadenced.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for q in ("SELECT uid, hash, sequence, created, last_modified FROM series",
          "SELECT id, channel, target, uid, kind, rid, sequence, sender, "
          "hex(payload), created FROM outbox",
          "SELECT * FROM outbox_peers", "SELECT * FROM reminders"):
    for row in sorted(db.execute(q + " ORDER BY 1, 2, 3"), key=repr):
        print(q.split()[-1], row)
EOF
}

metric() {
	curl -s --max-time 5 "$BASE/metrics" |
	    sed -n "s/^cadenced_config_reloads_total{result=\"$1\"} //p"
}

# wait_for CMD...: until CMD succeeds, at most 10 s
wait_for() {
	_i=0
	until "$@"; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || return 1
		sleep 0.1
	done
}
has_rows() { [ "$(store | grep -c '^outbox ')" -gt 0 ]; }

CADENCE_FAULT_FILE=$T/fault
export CADENCE_FAULT_FILE
B_SAVED=$B
daemon_start_faults() {
	# lib/daemon.sh starts $B/cadenced: point it at the fault build
	mkdir -p "$T/bin"
	ln -sf "$(cd "$B_SAVED" && pwd)/cadenced-faults" "$T/bin/cadenced"
	B=$T/bin daemon_start "$T/c.conf" 2026-02-02 "$T/log"
	B=$B_SAVED
}
daemon_start_faults
wait_for has_rows || fail "the first build wrote no outbox rows"
served >"$T/served0"
store >"$T/store0"
grep -q "^/calendars/all.ics \"" "$T/served0" ||
    fail "no ETag on all.ics: $(head -1 "$T/served0")"

# the new config moves the working group from 13:00 to 14:00: a changed
# feed, a raised SEQUENCE, an invitation with it to its convenor
sed -i '/id = "hytetu-tyoryhma"/,/time = /s/time = "13:00"/time = "14:00"/' \
    "$T/c.conf"
grep -q 'time = "14:00"' "$T/c.conf" || fail "cannot change the config"

# refused before any build: a TLS pair that cannot be read, a state_dir
# whose database cannot be opened (under a plain file)
fails=0
cp "$T/c.conf" "$T/c.good"
: >"$T/afile"
for step in tls store; do
	case $step in
	tls) sed -i "s|base_url = |tls_cert = \"$T/none.pem\"; \
tls_key = \"$T/none.key\"; base_url = |" "$T/c.conf"
	     grep -q 'tls_key = ' "$T/c.conf" || fail "cannot name a TLS pair" ;;
	store) sed -i "s|^state_dir = .*|state_dir = \"$T/afile/state\";|" \
	     "$T/c.conf"
	     grep -q "afile/state" "$T/c.conf" || fail "cannot move state_dir" ;;
	esac
	kill -HUP "$pid"
	fails=$((fails + 1))
	wait_for sh -c "[ \"\$(curl -s --max-time 5 $BASE/metrics |
	    sed -n 's/^cadenced_config_reloads_total{result=\"failure\"} //p')\" \
	    = $fails ]" || fail "a reload failing at $step was not refused"
	served >"$T/served"
	cmp -s "$T/served0" "$T/served" ||
	    fail "served bytes changed by a reload failing at $step:
$(diff "$T/served0" "$T/served")"
	ok
	store >"$T/store"
	cmp -s "$T/store0" "$T/store" ||
	    fail "the store changed by a reload failing at $step:
$(diff "$T/store0" "$T/store" | head -5)"
	ok
	kill -0 "$pid" 2>/dev/null || fail "cadenced exited"
	case $step in
	tls) why="error: cannot open '$T/none.pem'" ;;
	store) why="cannot open the database in '$T/afile/state'" ;;
	esac
	grep -qF "$why" "$T/log" || fail "the log does not say: $why"
	cp "$T/c.good" "$T/c.conf"
done
for point in plan render commit; do
	echo "$point" >"$T/fault"
	kill -HUP "$pid"
	fails=$((fails + 1))
	wait_for sh -c "[ \"\$(curl -s --max-time 5 $BASE/metrics |
	    sed -n 's/^cadenced_config_reloads_total{result=\"failure\"} //p')\" \
	    = $fails ]" || fail "a reload failing at $point was not refused"
	grep -q "injected fault at $point" "$T/log" ||
	    fail "the log does not say the build failed at $point"
	served >"$T/served"
	cmp -s "$T/served0" "$T/served" ||
	    fail "served bytes changed by a reload failing at $point:
$(diff "$T/served0" "$T/served")"
	ok
	store >"$T/store"
	cmp -s "$T/store0" "$T/store" ||
	    fail "the store changed by a reload failing at $point:
$(diff "$T/store0" "$T/store" | head -5)"
	ok
	kill -0 "$pid" 2>/dev/null || fail "cadenced exited"
done

# no fault: the same reload takes effect
rm -f "$T/fault"
kill -HUP "$pid"
wait_for sh -c "[ \"\$(curl -s --max-time 5 $BASE/metrics |
    sed -n 's/^cadenced_config_reloads_total{result=\"success\"} //p')\" \
    = 1 ]" || fail "the reload without a fault did not take effect"
curl -s "$BASE/calendars/forum/hytetu-tyoryhma.ics" |
    grep -q "^DTSTART;TZID=Europe/Helsinki:[0-9]*T140000" ||
    fail "the feed does not have the new time 14:00"
ok
store >"$T/store1"
before=$(grep "^series ('hytetu-tyoryhma@" "$T/store0" | cut -d, -f3 | tr -d ' ')
after=$(grep "^series ('hytetu-tyoryhma@" "$T/store1" | cut -d, -f3 | tr -d ' ')
[ -n "$before" ] && [ "$after" -gt "$before" ] ||
    fail "SEQUENCE of the working group '$before' -> '$after'"
ok
grep -Eq "^outbox \(.*, 'hytetu-tyoryhma@kainuu.example', '(invite|update)', None, $after," \
    "$T/store1" || fail "no invitation with SEQUENCE $after in the outbox"
ok

# a change whose rebuild fails is kept and published once it can be
echo render >"$T/fault"
served >"$T/served1"
$CTL cancel hytetu-tyoryhma 2026-03-11 --reason "testi" >/dev/null 2>&1 ||
    fail "cadencectl cancel failed"
wait_for grep -q "cannot rebuild the feeds" "$T/log" ||
    fail "the rebuild after the cancel did not fail"
served >"$T/served2"
cmp -s "$T/served1" "$T/served2" || fail "served bytes changed by a failed rebuild"
store | grep -q "^outbox (.*'hytetu-tyoryhma@kainuu.example', 'cancel'" &&
    fail "a failed rebuild wrote the cancel to the outbox"
ok
rm -f "$T/fault"
wait_for sh -c "curl -s $BASE/calendars/forum/hytetu-tyoryhma.ics |
    grep -q '^STATUS:CANCELLED'" ||
    fail "the cancel was not published after the fault went"
c=$(store | grep -c "^outbox (.*'hytetu-tyoryhma@kainuu.example', 'cancel'")
[ "$c" -ge 1 ] || fail "the cancel is not in the outbox after the fault went"
ok

kill "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "cadenced exited $rc on SIGTERM"
echo "$ME: ok: $n assertions (tls, store, plan, render, commit)"
