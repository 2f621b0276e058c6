# lib/daemon.sh - shell helpers for the end-to-end tests that run the
# real cadenced.  Sourced, not run: tests/run.sh runs tests/e2e/*.sh,
# which does not match this subfolder.
#
#	. tests/e2e/lib/daemon.sh
#
# The caller sets B (the build directory) and ME (its name in messages)
# and, before daemon_conf or daemon_start, defines fail() (print, exit 1).
# Everything binds 127.0.0.1 on a free port; every wait is bounded.

# cadenced refuses root without --allow-root (CI runs as root)
ROOT_OPT=
[ "$(id -u)" != 0 ] || ROOT_OPT=--allow-root

# need_programs PATH...: each is an executable, or FAIL and exit 1
need_programs() {
	for _p in "$@"; do
		if [ ! -x "$_p" ]; then
			echo "$ME: FAIL: no program '$_p'"
			exit 1
		fi
	done
}

# need_pymods MODULE...: /usr/bin/python3 imports each, or FAIL and exit 1
need_pymods() {
	for _m in "$@"; do
		if ! /usr/bin/python3 -c "import $_m" 2>/dev/null; then
			echo "$ME: FAIL: /usr/bin/python3 cannot import $_m"
			exit 1
		fi
	done
}

# free_port: print a TCP port on 127.0.0.1 that is free just now
free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# daemon_conf SRC DST STATE: pick a free port into PORT, set BASE, and
# write DST, a copy of the config SRC with state_dir STATE and http.listen
# and http.base_url on that port; fail when the copy does not say so
daemon_conf() {
	PORT=$(free_port) || fail "no free port"
	BASE="http://127.0.0.1:$PORT"
	sed -e "s|^state_dir = .*|state_dir = \"$3\";|" \
	    -e "s|listen = \"[^\"]*\"|listen = \"127.0.0.1:$PORT\"|" \
	    -e "s|base_url = \"[^\"]*\"|base_url = \"$BASE/\"|" \
	    "$1" >"$2" || fail "cannot write $2"
	grep -q "^state_dir = \"$3\";" "$2" &&
	    grep -q "listen = \"127.0.0.1:$PORT\"" "$2" &&
	    grep -q "base_url = \"$BASE/\"" "$2" ||
	    fail "cannot rewrite state_dir and http.listen of $1"
}

# daemon_test_init: a test's frame: $T, a directory removed at exit with
# the daemon of $pid killed; n = 0, for the test's ok() to count
daemon_test_init() {
	T=$(mktemp -d) || exit 1
	pid=""
	n=0
	trap daemon_test_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

daemon_test_cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}

# chromium_dump URL FILE: the document headless Chromium built from URL
# (after its styles and scripts) into FILE, with $T as its home; fail
# when Chromium fails or gives nothing
chromium_dump() {
	(cd "$T" && HOME="$T" timeout 90 chromium --headless --no-sandbox \
	    --disable-gpu --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$T/chrome" --dump-dom "$1" >"$2" 2>/dev/null) ||
	    fail "chromium --dump-dom $1"
	[ -s "$2" ] || fail "chromium --dump-dom $1: nothing"
}

# daemon_start CONF TODAY LOG [OPTION...]: start $B/cadenced in the
# background (its pid in pid, output appended to LOG) and wait until
# $BASE/healthz answers, at most 10 s; fail when it exits or does not
daemon_start() {
	_conf=$1 _today=$2 _log=$3
	shift 3
	"$B/cadenced" -c "$_conf" --today "$_today" $ROOT_OPT "$@" \
	    >>"$_log" 2>&1 &
	pid=$!
	_i=0
	until curl -s -o /dev/null --max-time 1 "$BASE/healthz"; do
		kill -0 "$pid" 2>/dev/null || fail "cadenced exited at start"
		_i=$((_i + 1))
		[ $_i -lt 100 ] || fail "no /healthz within 10 s"
		sleep 0.1
	done
}
