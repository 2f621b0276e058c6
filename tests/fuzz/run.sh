#!/bin/sh
# libFuzzer targets with ASan + UBSan (`make fuzz`, FUZZ_SECONDS each).
#
# Builds the core and net/ (and, for fuzz_http_route, the daemon minus
# main.c, state.c and reload.c) with clang
# -fsanitize=fuzzer-no-link,address,undefined into $FB (default
# build-fuzz/, never the Makefile's build dirs), links every
# tests/fuzz/fuzz_*.c target, replays tests/fuzz/regress/<target>/ and
# then fuzzes each target for FUZZ_SECONDS on a temporary copy of
# tests/fuzz/corpus/<target>/ (the repository stays clean).  Crash
# inputs land in $FB/artifacts/<target>/.  Prints per target the
# executions, the coverage (cov:) and the crashes; exit 1 when any
# target crashed.
#
# Environment: FUZZ_SECONDS (60), FUZZ_TARGETS (all, space-separated
# names like "fuzz_rrule"), FB (build-fuzz), CLANG (clang),
# FUZZ_SKIP_PENDING=1 (skip the known findings of tests/fuzz/pending/).
set -u
cd "$(dirname "$0")/../.." || exit 2

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FB=${FB:-build-fuzz}
CLANG=${CLANG:-clang}
PKGS="libical libconfig sqlite3 libcurl libmicrohttpd libsystemd libidn2
nettle gnutls jansson"

# --- the compiler ------------------------------------------------------
have_fuzzer() {
	command -v "$CLANG" >/dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)'\
'{ (void)d; (void)n; return 0; }\n' > "$FB/probe.c"
	"$CLANG" -fsanitize=fuzzer,address,undefined -o "$FB/probe" \
	    "$FB/probe.c" >/dev/null 2>&1
}
mkdir -p "$FB"
if ! have_fuzzer; then
	if [ "$(id -u)" = 0 ]; then
		echo "fuzz: installing clang and its libFuzzer runtime"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q clang libclang-rt-14-dev >/dev/null
	fi
	if ! have_fuzzer; then
		echo "fuzz: clang with libFuzzer is missing" \
		    "(apt-get install clang libclang-rt-14-dev)" >&2
		exit 2
	fi
fi

# --- build -------------------------------------------------------------
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all \
-fno-omit-frame-pointer"
CFLAGS_F="-std=c11 -g -O1 -D_GNU_SOURCE -Icore -I. \
$(pkg-config --cflags $PKGS) $SAN -fsanitize=fuzzer-no-link \
-Wall -Wextra -Wno-unused-parameter"
LIBS_F="$(pkg-config --libs $PKGS) -lunistring -lm"

# newer than the object: its source or any header of core/ and daemon/
stale() {
	[ ! -f "$2" ] && return 0
	[ "$1" -nt "$2" ] && return 0
	for h in core/*/*.h net/*.h daemon/*.h; do
		[ "$h" -nt "$2" ] && return 0
	done
	return 1
}

mkdir -p "$FB/core/base" "$FB/core/model" "$FB/core/render" \
    "$FB/core/store" "$FB/net" "$FB/tests/fuzz"
objs=""
for c in core/*/*.c net/*.c; do
	o="$FB/${c%.c}.o"
	if stale "$c" "$o"; then
		echo "fuzz: cc $c"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS_F -c -o "$o" "$c" || exit 2
	fi
	objs="$objs $o"
done
rm -f "$FB/libcadence-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$FB/libcadence-fuzz.a" $objs || exit 2

# the daemon but its main thread's lifecycle (main.c, state.c, reload.c)
mkdir -p "$FB/daemon"
dobjs=""
for c in daemon/*.c; do
	case $c in daemon/main.c|daemon/state.c|daemon/reload.c) continue ;; esac
	o="$FB/${c%.c}.o"
	if stale "$c" "$o"; then
		echo "fuzz: cc $c"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS_F -Idaemon -c -o "$o" "$c" || exit 2
	fi
	dobjs="$dobjs $o"
done
rm -f "$FB/libdaemon-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$FB/libdaemon-fuzz.a" $dobjs || exit 2

all=""
for t in tests/fuzz/fuzz_*.c; do
	n=$(basename "$t" .c)
	all="$all $n"
done
targets=${FUZZ_TARGETS:-$all}
# FUZZ_SKIP_PENDING=1: targets skip the inputs of tests/fuzz/pending/
# findings (where they know how), to look for other things meanwhile
skip=""
[ "${FUZZ_SKIP_PENDING:-0}" = 1 ] && skip="-DFUZZ_SKIP_PENDING"
for n in $targets; do
	echo "fuzz: link $n"
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS_F -fsanitize=fuzzer -DCAD_FUZZ_MAIN $skip \
	    -o "$FB/$n" "tests/fuzz/$n.c" tests/fuzz/common.c \
	    "$FB/libdaemon-fuzz.a" \
	    "$FB/libcadence-fuzz.a" \
	    $LIBS_F || exit 2
done

# --- run ---------------------------------------------------------------
max_len() {
	case $1 in
	fuzz_config)	echo 16384 ;;
	fuzz_rrule)	echo 512 ;;
	fuzz_ical)	echo 16384 ;;
	fuzz_http_route) echo 1024 ;;
	fuzz_api_change) echo 10240 ;;	# past the 8 KiB limit
	*)		echo 4096 ;;
	esac
}

# fuzz_ical: libical's ring of temporary buffers makes every input look
# like a leak to libFuzzer, which then scans the heap after each one (6x
# slower).  fuzz_rrule: libical takes seconds to give up on an impossible
# rule (FREQ=MONTHLY;BYDAY=6WE, see pending/fuzz_rrule/), twice per input.
extra_flags() {
	case $1 in
	fuzz_ical)	echo "-detect_leaks=0 -timeout=10" ;;
	fuzz_rrule)	echo "-timeout=30" ;;
	*)		echo "-timeout=10" ;;
	esac
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadfuzz-run.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summary=""
for n in $targets; do
	art="$FB/artifacts/$n"
	mkdir -p "$art" "$tmp/$n"
	crashes=0

	# known crash inputs first: each must run clean now
	if [ -d "tests/fuzz/regress/$n" ] &&
	    [ -n "$(ls -A "tests/fuzz/regress/$n" 2>/dev/null)" ]; then
		if ! "$FB/$n" "tests/fuzz/regress/$n"/* \
		    > "$tmp/$n.regress.log" 2>&1; then
			echo "fuzz: $n: a tests/fuzz/regress input fails:"
			tail -n 40 "$tmp/$n.regress.log"
			crashes=$((crashes + 1))
		fi
	fi

	if [ -d "tests/fuzz/corpus/$n" ]; then
		cp -R "tests/fuzz/corpus/$n/." "$tmp/$n/"
	fi
	dict=""
	[ -f "tests/fuzz/$n.dict" ] && dict="-dict=tests/fuzz/$n.dict"
	before=$(ls "$art" | wc -l)
	echo "fuzz: $n for ${FUZZ_SECONDS}s"
	# shellcheck disable=SC2086
	"$FB/$n" -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$n")" \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/" $dict $(extra_flags "$n") "$tmp/$n" \
	    > "$tmp/$n.log" 2>&1
	rc=$?
	after=$(ls "$art" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$tmp/$n.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$tmp/$n.log" | tail -n 1 |
	    sed 's/cov: //')
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		crashes=$((crashes + after - before))
		[ "$crashes" -gt 0 ] || crashes=1
		echo "fuzz: $n: CRASH (exit $rc), artifacts in $art/"
		grep -A 30 '^==[0-9]*==ERROR\|runtime error\|^SUMMARY' \
		    "$tmp/$n.log" | head -n 60
		cp "$tmp/$n.log" "$art/last-run.log"
	fi
	[ "$crashes" -gt 0 ] && failed=1
	line=$(printf '%-18s executions %-10s cov %-6s crashes %s' "$n" \
	    "${execs:-?}" "${cov:-?}" "$crashes")
	echo "fuzz: $line"
	summary="$summary$line
"
done

echo "== fuzz summary (${FUZZ_SECONDS}s per target)"
printf '%s' "$summary"
exit "$failed"
