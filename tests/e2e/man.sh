#!/bin/sh
# man.sh - the man pages (SPEC § 9):
#  - cadenced(8), cadencectl(1) and cadenced.conf(5) are clean under
#    `mandoc -T lint -W warning` (no output at all);
#  - every command in cadencectl's command table (cli/cadencectl.c) is an
#    entry of cadencectl(1), and every long option of its usage() is there;
#  - every key that core/model/config*.c accept (its keys[] lists) is an entry
#    of cadenced.conf(5);
#  - the example configuration in cadenced.conf(5) passes
#    `cadencectl check` (when $B/cadencectl is built).
# Skips (exit 0) only when mandoc is missing.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
PAGES="man/cadenced.8 man/cadencectl.1 man/cadenced.conf.5"

if ! command -v mandoc >/dev/null 2>&1; then
	echo "man.sh: SKIP: mandoc is not installed (apt-get install mandoc)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

bad() {
	echo "man.sh: FAIL: $*"
	fail=1
}

# --- lint -------------------------------------------------------------------
for m in $PAGES; do
	if [ ! -f "$m" ]; then
		bad "no page '$m'"
		continue
	fi
	out=$(mandoc -T lint -W warning "$m" 2>&1)
	if [ -n "$out" ]; then
		bad "mandoc -T lint -W warning $m:"
		printf '%s\n' "$out"
	fi
done

# --- cadencectl(1): every command and option --------------------------------
# The entries of the page: ".It Cm name ..." or ".It Xo" then ".Cm name".
awk '/^\.It Xo$/ { xo = 1; next }
     xo && /^\.Cm / { print $2 }
     /^\.It Cm / { print $3 }
     { xo = 0 }' man/cadencectl.1 | sort -u > "$tmp/documented"
# The table: { "name", cmd_name },
sed -n 's/^[[:space:]]*{ "\([a-z][a-z-]*\)", cmd_[a-z_]* },.*/\1/p' \
    cli/cadencectl.c | sort -u > "$tmp/commands"
if [ ! -s "$tmp/commands" ]; then
	bad "found no command table in cli/cadencectl.c"
fi
for cmd in $(cat "$tmp/commands"); do
	grep -qx "$cmd" "$tmp/documented" ||
	    bad "command '$cmd' is not documented in cadencectl.1"
done
# The long options of --help, "--json" and friends, each as "Fl -json".
sed -n '/--help begins/,/--help ends/p' cli/cadencectl.c |
    grep -o -- '--[a-z][a-z-]*' | sort -u > "$tmp/options"
if [ ! -s "$tmp/options" ]; then
	bad "found no options in the --help of cli/cadencectl.c"
fi
for opt in $(cat "$tmp/options"); do
	grep -q -- "Fl -${opt#--}\( \|$\)" man/cadencectl.1 ||
	    bad "option '$opt' is not documented in cadencectl.1"
done
for opt in "Fl c Ar file" "Fl -today Ar YYYY-MM-DD" "Fl h"; do
	grep -q -- "^\.Op $opt\$" man/cadencectl.1 ||
	    bad "SYNOPSIS of cadencectl.1 lacks '.Op $opt'"
done

# --- cadenced.conf(5): every accepted key -----------------------------------
# config*.c list the keys of each group as
#	static const char *const keys[] = { "a", "b",
#		"c", NULL };
awk '/keys\[\] = \{/ { on = 1 }
     on { s = $0
	  while (match(s, /"[a-z_]+"/)) {
		print substr(s, RSTART + 1, RLENGTH - 2)
		s = substr(s, RSTART + RLENGTH)
	  } }
     on && /NULL \};/ { on = 0 }' core/model/config*.c | sort -u > "$tmp/keys"
n=$(wc -l < "$tmp/keys")
if [ "$n" -lt 20 ]; then
	bad "found only $n config keys in core/model/config.c"
fi
for k in $(cat "$tmp/keys"); do
	grep -Eq "(^\.| )Ic $k( |\$)" man/cadenced.conf.5 ||
	    bad "config key '$k' is not documented in cadenced.conf.5"
done

# --- cadenced.conf(5): the example is a valid configuration -----------------
# The first literal display of EXAMPLES, with mandoc's escapes undone and
# state_dir moved into the scratch directory.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' man/cadenced.conf.5 |
    sed -n '/^\.Bd -literal/,/^\.Ed/{/^\.Bd/d;/^\.Ed/q;p;}' |
    sed -e 's/\\(:a/ä/g' -e 's/\\(:o/ö/g' -e 's/\\(en/–/g' \
	-e 's/\\(sc/§/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' \
	-e "s|^state_dir = .*|state_dir = \"$tmp/state\";|" \
    > "$tmp/example.conf"
if ! grep -q '^forums = (' "$tmp/example.conf"; then
	bad "no example configuration in EXAMPLES of cadenced.conf.5"
elif grep -n '\\' "$tmp/example.conf"; then
	bad "an escape in the example of cadenced.conf.5 is not undone here"
elif [ ! -x "$CTL" ]; then
	echo "man.sh: example not checked: no program '$CTL'"
elif ! "$CTL" -c "$tmp/example.conf" --today 2026-06-01 check \
    > "$tmp/check.out" 2>&1; then
	bad "the example of cadenced.conf.5 fails 'cadencectl check':"
	cat "$tmp/check.out"
elif ! grep -q ': ok: 4 foorumia, 3 osapuolta' "$tmp/check.out"; then
	bad "unexpected 'cadencectl check' of the example:"
	cat "$tmp/check.out"
fi

[ "$fail" -eq 0 ] && echo "man.sh: ok: $(wc -l < "$tmp/commands") commands," \
    "$(wc -l < "$tmp/keys") config keys"
exit "$fail"
