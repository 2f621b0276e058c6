#!/bin/sh
# cli.sh - cadencectl end to end, as a user sees it (SPEC § 3 and § 8):
# `check` on the example configs and on broken ones (FILE:LINE: error:),
# exit statuses 0 / 1 / 2, Finnish human output, cancel and move that
# persist across invocations, and JSON that a JSON parser accepts.
#
# Every expected value is derived by hand in the comment next to it (the
# calendar reasoning, or `grep -n` of the offending setting in a fixture),
# never taken from the program's own output.
#
# Run from the repository root by tests/run.sh; $B is the build directory.
# Nothing is written into the tree: every config that opens a database is
# first copied into a temporary directory, so its state_dir lands there.
B=${B:-build}
CTL="${B:-build}/cadencectl"
PY=/usr/bin/python3
DATA=tests/data

n=0
rc=0
last=""

if [ ! -x "$CTL" ]; then
	echo "cli.sh: FAIL: no program '$CTL' (build it first: make B=$B)"
	exit 1
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

# --- helpers -------------------------------------------------------------

fail() {
	echo "cli.sh: FAIL: $*"
	[ -z "$last" ] || echo "  command: $last (exit $rc)"
	if [ -s "$T/out" ]; then sed -n '1,15s/^/  stdout: /p' "$T/out"; fi
	if [ -s "$T/err" ]; then sed -n '1,15s/^/  stderr: /p' "$T/err"; fi
	exit 1
}

pass() { n=$((n + 1)); }

# run ARGS...: cadencectl with ARGS; stdout in $T/out, stderr in $T/err
run() {
	last="cadencectl $*"
	"$CTL" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# expect_rc STATUS WHAT
expect_rc() {
	[ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1"
	pass
}

# expect_out TEXT WHAT / expect_err TEXT WHAT: a fixed string is present
expect_out() {
	grep -qF -- "$1" "$T/out" || fail "$2: stdout lacks '$1'"
	pass
}
expect_err() {
	grep -qF -- "$1" "$T/err" || fail "$2: stderr lacks '$1'"
	pass
}
expect_no_out() {
	if grep -qF -- "$1" "$T/out"; then fail "$2: stdout has '$1'"; fi
	pass
}

# expect_line FILE REGEX WHAT: some line of out/err matches (grep -E)
expect_line() {
	grep -qE -- "$2" "$T/$1" || fail "$3: no line of $1 matches /$2/"
	pass
}

# expect_nlines FILE COUNT WHAT
expect_nlines() {
	got=$(wc -l <"$T/$1" | tr -d ' ')
	[ "$got" -eq "$2" ] || fail "$3: $1 has $got lines, expected $2"
	pass
}

# expect_empty FILE WHAT
expect_empty() {
	[ -s "$T/$1" ] && fail "$2: $1 is not empty"
	pass
}

# one_line_reason TEXT WHAT: exit 1, nothing on stdout, one line on stderr
one_line_reason() {
	expect_rc 1 "$2"
	expect_empty out "$2"
	expect_nlines err 1 "$2"
	expect_err "$1" "$2"
}

# usage_error WHAT: exit 2, the usage on stderr, nothing on stdout
usage_error() {
	expect_rc 2 "$1"
	expect_empty out "$1"
	# the synopsis, in any language (lang_cli.py checks the words)
	expect_err "cadencectl [-c FILE]" "$1"
}

# json_ok WHAT: stdout parses as JSON (an independent parser)
json_ok() {
	$PY -m json.tool "$T/out" >/dev/null 2>"$T/json.err" ||
	    fail "$1: stdout is not JSON: $(head -1 "$T/json.err")"
	pass
}

# json_is EXPR EXPECTED WHAT: EXPR (Python, the parsed stdout is d) has
# the value EXPECTED, compared as JSON text
json_is() {
	got=$($PY -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps(eval(sys.argv[2]), ensure_ascii=False))' \
	    "$T/out" "$1" 2>&1) || fail "$3: cannot evaluate $1: $got"
	[ "$got" = "$2" ] || fail "$3: $1 is $got, expected $2"
	pass
}

# line_of FILE TEXT: the number of the one line of FILE holding TEXT
# (runs in $(...): on failure it prints the reason and returns 1)
line_of() {
	c=$(grep -cF -- "$2" "$1")
	if [ "$c" -ne 1 ]; then
		echo "fixture $1: '$2' is on $c lines, expected 1"
		return 1
	fi
	grep -nF -- "$2" "$1" | cut -d: -f1
}

# --- check: the example configs -----------------------------------------
#
# Copied into $T/etc so that their state_dir "../run/<name>" becomes
# $T/run/<name>.  One config per seed in ../shared/seeds/ (000-004).

mkdir -p "$T/etc" "$T/run"
for name in kainuu kuntaliitto-malli kanta-hame pohjois-karjala \
    keski-pohjanmaa; do
	[ -f "etc/$name.conf" ] ||
	    fail "example config etc/$name.conf is missing"
	pass
done
for f in etc/*.conf; do
	name=$(basename "$f" .conf)
	grep -qF "state_dir = \"../run/$name\";" "$f" ||
	    fail "$f: state_dir is not \"../run/$name\" (its state must" \
	    "go to the repository's run/ folder)"
	pass
	cp "$f" "$T/etc/$name.conf"
	# 2026-06-01: one year back and 550 days ahead are both inside the
	# council terms; every legal minimum is met in the examples, and
	# their tasks start on 2026-06-01 (nothing overdue yet)
	run -c "$T/etc/$name.conf" --today 2026-06-01 check
	expect_rc 0 "check $f"
	expect_empty err "check $f"
	expect_out "$T/etc/$name.conf: ok:" "check $f"
	if [ "$name" = kanta-hame ]; then
		# seed 002: content review "by spring 2025 at the latest"
		# (review_by 2025-05-31), agreement effective 2023: passed
		# unmet, until recorded done
		expect_out "warning: Sopimuksen tarkistus: määräaika la 31.5.2025 on ohitettu" \
		    "check $f warns of the passed review"
		[ "$(grep -c 'warning:' "$T/out")" -eq 1 ] ||
		    fail "check $f: expected exactly one warning"
		run -c "$T/etc/$name.conf" done review 2025-05-31
		expect_rc 0 "done review 2025-05-31 ($f)"
		run -c "$T/etc/$name.conf" --today 2026-06-01 check
	fi
	expect_no_out "warning:" "check $f has no compliance warnings"
	[ -d "$T/run/$name" ] ||
	    fail "check $f: no state directory $T/run/$name"
	pass
done

# --- check: broken configs -----------------------------------------------
#
# FILE|TEXT|MESSAGE: TEXT is on the offending line (its number found with
# grep -n), MESSAGE is part of the error.  Each file has exactly one error.

while IFS='|' read -r f text msg; do
	[ -n "$f" ] || continue
	last=""
	line=$(line_of "$f" "$text") || fail "$line"
	run -c "$f" check
	what="check $f ($msg)"
	expect_rc 1 "$what"
	expect_no_out ": ok:" "$what"
	expect_err "$f:$line: error:" "$what"
	grep -F -- "$f:$line: error:" "$T/err" | grep -qF -- "$msg" ||
	    fail "$what: the error on line $line does not say '$msg'"
	pass
	[ "$(grep -c ': error:' "$T/err")" -eq 1 ] ||
	    fail "$what: expected exactly one error"
	pass
done <<EOF
$DATA/config/unknown_party.conf|"kajaani" ]|tuntematon osapuoli 'kajaani'
$DATA/cli/unknown_for_each.conf|"sotkamo" ]|tuntematon osapuoli 'sotkamo'
$DATA/config/bad_rrule.conf|BYDAY=2XX|virheellinen rrule
$DATA/config/hourly_rrule.conf|FREQ=HOURLY|FREQ
$DATA/config/bad_time.conf|time = "25:61"|'25:61'
$DATA/config/negative_duration.conf|duration = -30|duration
$DATA/config/wrong_type.conf|duration = "60"|duration
$DATA/config/unknown_tz.conf|Europe/Helsinkx|Europe/Helsinkx
$DATA/config/unknown_key_top.conf|horizon = 365|'horizon'
$DATA/config/unknown_key_forum.conf|colour = "red"|'colour'
$DATA/config/duplicate_id.conf|"Kajaani again"|'kajaani'
$DATA/cli/duplicate_forum.conf|"Toinen foorumi"|'foorumi'
$DATA/config/bad_date.conf|"2026-02-30"|2026-02-30
$DATA/cli/leap_day.conf|start = "2026-02-29"|2026-02-29
$DATA/cli/bad_blackout.conf|"02-30"|02-30
$DATA/config/syntax.conf|time = 13:00|syntaksivirhe
$DATA/config/overlapping_terms.conf|"2029-05-01"|päällekkäin
$DATA/config/rrule_and_per_term.conf|per_term =|per_term
$DATA/config/spread_without_for_each.conf|spread = true|for_each
$DATA/config/caldav_without_organizer.conf|caldav =|organizer
EOF

# A file with several errors reports every one, each on its own line.
while IFS='|' read -r f count texts; do
	[ -n "$f" ] || continue
	run -c "$f" check
	expect_rc 1 "check $f (several errors)"
	expect_no_out ": ok:" "check $f (several errors)"
	[ "$(grep -c ': error:' "$T/err")" -eq "$count" ] ||
	    fail "check $f: expected $count errors"
	pass
	rest=$texts
	while [ -n "$rest" ]; do
		text=${rest%%;;*}
		if [ "$text" = "$rest" ]; then rest=""; else rest=${rest#*;;}; fi
		last=""
		line=$(line_of "$f" "$text") || fail "$line"
		expect_err "$f:$line: error:" "check $f: error for '$text'"
	done
done <<EOF
$DATA/config/many_errors.conf|4|port = 8080;;"kirjaamo.example";;"hvaa";;"later"
$DATA/cli/several_errors.conf|5|horizon_days = 0;;phone =;;"XX";;"9.00";;"liitto"
EOF

# A forum without a convenor: said once (it was said twice, by the string
# reader and by the party reader), in Finnish, on the forum's line; with
# the missing top-level settings and the forum's time and duration.
printf 'forums = ( { id = "x"; name = "X"; rrule = "FREQ=WEEKLY"; } );\n' \
    >"$T/noconvenor.conf"
run -c "$T/noconvenor.conf" check
expect_rc 1 "check of a forum without convenor"
expect_err "$T/noconvenor.conf:1: error: foorumi 'x': 'convenor' puuttuu" \
    "check of a forum without convenor"
[ "$(grep -c "'convenor'" "$T/err")" -eq 1 ] ||
    fail "check of a forum without convenor: 'convenor' said $(grep -c "'convenor'" "$T/err") times"
pass
expect_nlines err 6 "check of a forum without convenor (timezone, domain, parties, convenor, time, duration)"

# A file without settings has no line numbers to give: FILE: error: for
# each of the four required settings (SPEC § 3: timezone, domain,
# parties, forums).
f=$DATA/config/empty.conf
run -c "$f" check
expect_rc 1 "check $f"
for key in timezone domain parties forums; do
	expect_line err "^$f: error: .*'$key'" "check $f: '$key' is missing"
done

# good.conf is valid (copied: its state_dir "var" goes to $T/good/var).
# Standing on 1.6.2026 its strateginen-foorumi (per_term, 2nd Tuesday of
# October in the term's 1st year, minimum = "term") has no 'start', so
# it starts on 1.1.2026, the first day of the current year (SPEC § 4).
# The term 1.6.2025-31.5.2029 has its candidate in October 2025, before
# that start: no meeting in the term, one warning at the forum's line.
# The term 2021-2025 ended before the window (1.6.2025 .. 6.7.2027,
# horizon 400 days) and 2029-2033 starts after it.  hytetu-foorumi
# (minimum = "year", from 1.1.2026) meets in October 2026 and 2027.
# Its agreement (effective 2023-06-01, renew_within_months = 9) was due
# for renewal on 1.6.2025 + 9 months = 1.3.2026 (SPEC § 10.3): passed
# unmet, a second warning at the agreement's line.  Its review_by
# 2025-05-31 has passed too, but the later 2027-03-31 replaces it.
mkdir -p "$T/good"
G=$T/good/good.conf
cp "$DATA/config/good.conf" "$G"
last=""
gline=$(line_of "$G" 'id = "strateginen-foorumi"') || fail "$gline"
aline=$(line_of "$G" 'agreement = {') || fail "$aline"
run -c "$G" --today 2026-06-01 check
expect_rc 0 "check good.conf (a warning does not fail it)"
expect_out "$G: ok:" "check good.conf"
expect_out "$G:$gline: warning:" "check good.conf warns at the forum"
expect_out "$G:$aline: warning: Uusi sopimus valtuustokauden alettua: määräaika su 1.3.2026 on ohitettu" \
    "check good.conf warns of the passed renewal"
[ "$(grep -c 'warning:' "$T/out")" -eq 2 ] ||
    fail "check good.conf: expected exactly two warnings"
pass

f=$T/no-such-file.conf
run -c "$f" check
one_line_reason "$f" "check on a missing file"

# --- usage errors: exit 2 ------------------------------------------------

M=$T/minimal/minimal.conf
mkdir -p "$T/minimal"
cp "$DATA/minimal.conf" "$M"

run -c "$M"
usage_error "no command"
run -c "$M" frobnicate
usage_error "unknown command"
run --frobnicate -c "$M" check
usage_error "unknown global option"
run -c "$M" next --frobnicate
usage_error "unknown command option"
run -c
usage_error "-c without its argument"
run -c "$M" --today
usage_error "--today without its argument"
run -c "$M" occurrences --from 2026-01-01
usage_error "occurrences without --to"
run -c "$M" holidays
usage_error "holidays without --year"
run -c "$M" cancel foorumi
usage_error "cancel without DATE"
run -c "$M" move foorumi 2026-10-13
usage_error "move without NEW-DATE"
run -c "$M" check extra-argument
usage_error "check with an extra argument"

# --help and -h: exit 0, the usage on stdout, every command of SPEC § 8
for opt in --help -h; do
	run "$opt"
	expect_rc 0 "$opt"
	expect_out "cadencectl [-c FILE]" "$opt"
	for cmd in check forums occurrences next holidays deadlines cancel \
	    move terminate export outbox compliance wheel; do
		expect_line out "^ +$cmd( |\$)" "$opt lists '$cmd'"
	done
done

# --- bad input: exit 1 with a one-line reason ----------------------------

# 2026 is not a leap year and February never has 30 days
run -c "$M" occurrences --from 2026-02-30 --to 2026-03-31
one_line_reason "2026-02-30" "occurrences --from 2026-02-30"
run -c "$M" occurrences --from 2026-01-01 --to 2026-13-01
one_line_reason "2026-13-01" "occurrences --to 2026-13-01"
run -c "$M" occurrences --from 2026-03-01 --to 2026-02-01
one_line_reason "2026-03-01" "occurrences --from after --to"
run -c "$M" next --forum nope
one_line_reason "tuntematon foorumi 'nope'" "next --forum nope"
run -c "$M" next --party nope
one_line_reason "tuntematon osapuoli 'nope'" "next --party nope"
run -c "$M" occurrences --from 2026-01-01 --to 2026-12-31 --forum nope
one_line_reason "tuntematon foorumi 'nope'" "occurrences --forum nope"
run -c "$M" cancel nope 2026-10-13
one_line_reason "tuntematon foorumi 'nope'" "cancel of an unknown forum"
run -c "$M" cancel foorumi 2026-02-30
one_line_reason "2026-02-30" "cancel on an impossible date"
# holidays --year: the years the holiday rules hold for (SPEC § 4:
# 1991-2100), as the API's /api/v1/holidays and wheel --year
run -c "$M" holidays --year 1066
one_line_reason "1066" "holidays --year out of range"
expect_err "cadencectl: --year '1066' ei ole vuosi väliltä 1991–2100" \
    "holidays --year names the holiday rules' years"
run -c "$M" --lang sv holidays --year 2101
one_line_reason "är inte ett år mellan 1991 och 2100" "holidays --year, sv"
run -c "$M" --lang en holidays --year 1990
one_line_reason "'1990' is not a year between 1991 and 2100" \
    "holidays --year, en"
run -c "$M" holidays --year 1900
one_line_reason "'1900' ei ole vuosi väliltä 1991–2100" \
    "holidays --year 1900: before the rules, refused"
# the first and the last year: Easter 1991 was 31.3., so pitkäperjantai
# 29.3.; 1.6.1991 was a Saturday, so juhannusaatto the Friday 21.6.;
# Easter 2100 is 28.3., pitkäperjantai 26.3.
run -c "$M" holidays --year 1991 --json
expect_rc 0 "holidays --year 1991, the first year"
json_is '[h["date"] for h in d if h["date"] in ("1991-03-29", "1991-06-21")]' \
    '["1991-03-29", "1991-06-21"]' "holidays --year 1991 --json"
run -c "$M" holidays --year 2100
expect_rc 0 "holidays --year 2100, the last year"
expect_out "pe 26.3.2100" "holidays --year 2100: pitkäperjantai"
run -c "$M" move foorumi 2026-10-13 2026-10-32
one_line_reason "2026-10-32" "move to an impossible date"
run -c "$M" move foorumi 2026-10-13 2026-10-20 25:61
one_line_reason "25:61" "move to an impossible time"

# --- Finnish human output ------------------------------------------------
#
# minimal.conf: "foorumi", FREQ=YEARLY;BYMONTH=10;BYDAY=2TU at 13:00 for
# 60 minutes.  1.1.2026 is a Thursday; 1.10.2026 is 273 days later
# (31+28+31+30+31+30+31+31+30), 273 = 39 * 7, so also a Thursday: the
# Tuesdays of October 2026 are 6 and 13, the 2nd is ti 13.10.2026.
# 2026 has 365 days, so 1.1.2027 is a Friday and so is 1.10.2027: the
# Tuesdays are 5 and 12, the 2nd is ti 12.10.2027.  Neither is a holiday.

run -c "$M" --today 2026-01-01 next -n 1
expect_rc 0 "next -n 1"
expect_nlines out 1 "next -n 1"
expect_line out "^ti 13\.10\.2026 klo 13\.00.*14\.00 .*Foorumi" "next -n 1"

run -c "$M" occurrences --from 2026-01-01 --to 2027-12-31
expect_rc 0 "occurrences 2026-2027"
expect_nlines out 2 "occurrences 2026-2027"
expect_line out "^ti 13\.10\.2026 klo 13\.00.*Foorumi" "occurrences 2026"
expect_line out "^ti 12\.10\.2027 klo 13\.00.*Foorumi" "occurrences 2027"

# from and to are inclusive dates (SPEC § 4)
run -c "$M" occurrences --from 2026-10-13 --to 2026-10-13
expect_rc 0 "occurrences on one day"
expect_nlines out 1 "occurrences --from = --to = the meeting's day"
run -c "$M" occurrences --from 2026-10-14 --to 2027-10-11
expect_rc 0 "occurrences between two meetings"
expect_empty out "occurrences between two meetings"

# Kainuu: Kainuun Hytetu -yhteistyöfoorumi, 2nd Tuesday of October at
# 13:00 for 180 minutes, in Kajaani: ti 13.10.2026 klo 13.00-16.00.
K=$T/etc/kainuu.conf
run -c "$K" --today 2026-01-01 next -n 1 --forum hytetu-foorumi
expect_rc 0 "kainuu next hytetu-foorumi"
expect_line out \
    "^ti 13\.10\.2026 klo 13\.00.*16\.00 .*Kainuun Hytetu -yhteistyöfoorumi.*Kajaani" \
    "kainuu next hytetu-foorumi"

# Kainuu kuntaneuvottelu: for_each over the eight municipalities in list
# order, spread, FREQ=YEARLY;BYMONTH=2;BYDAY=1TU at 09:00 for 120
# minutes.  1.2.2026 is a Sunday (1.1. Thursday + 31 days), so every
# member's candidate is ti 3.2.2026.  Kajaani keeps it; Sotkamo moves to
# ke 4.2., Kuhmo to to 5.2., Suomussalmi to pe 6.2.; Hyrynsalmi to the
# next working day, ma 9.2.2026.  (The hour may be written 09.00 or 9.00.)
run -c "$K" --today 2026-01-01 next -n 1 --forum kuntaneuvottelu \
    --party hyrynsalmi
expect_rc 0 "kainuu next kuntaneuvottelu hyrynsalmi"
expect_nlines out 1 "kainuu next kuntaneuvottelu hyrynsalmi"
expect_line out "^ma 9\.2\.2026 klo 0?9\.00.*11\.00 .*Hyrynsalmen kunta" \
    "kainuu next kuntaneuvottelu hyrynsalmi (spread)"

# --- JSON ------------------------------------------------------------------

run -c "$M" --today 2026-01-01 occurrences --from 2026-01-01 \
    --to 2027-12-31 --json
expect_rc 0 "occurrences --json"
json_ok "occurrences --json"
json_is 'len(d)' '2' "occurrences --json"
# UID <forum id>@<domain>; October 2026 is summer time (EEST, +03:00:
# daylight saving ends on the last Sunday of October, 25.10.2026)
json_is 'd[0]["uid"]' '"foorumi@example.org"' "occurrences --json uid"
json_is 'd[0]["forum"]' '"foorumi"' "occurrences --json forum"
json_is 'd[0]["party"]' 'null' "occurrences --json party"
json_is 'd[0]["convenor"]' '"hva"' "occurrences --json convenor"
json_is 'd[0]["recurrence_id"]' '"2026-10-13T13:00:00+03:00"' \
    "occurrences --json recurrence_id"
json_is 'd[0]["start"]' '"2026-10-13T13:00:00+03:00"' \
    "occurrences --json start"
json_is 'd[0]["end"]' '"2026-10-13T14:00:00+03:00"' "occurrences --json end"
json_is 'd[0]["status"]' '"CONFIRMED"' "occurrences --json status"
json_is 'd[0]["moved_from"]' 'null' "occurrences --json moved_from"
json_is 'd[1]["start"]' '"2027-10-12T13:00:00+03:00"' \
    "occurrences --json 2027"

run -c "$M" --today 2026-01-01 next -n 3 --json
expect_rc 0 "next --json"
json_ok "next --json"
json_is 'len(d)' '3' "next -n 3 --json"
# the third: 1.1.2028 is a Saturday (2027 has 365 days); 2028 is a leap
# year, so 1.10.2028 is 274 days later = 39 weeks + 1 day, a Sunday: the
# Tuesdays of October 2028 are 3 and 10
json_is 'd[2]["start"]' '"2028-10-10T13:00:00+03:00"' "next -n 3 --json"

run -c "$M" forums --json
expect_rc 0 "forums --json"
json_ok "forums --json"
json_is '[(f["id"], f["convenor"], f["for_each"]) for f in d]' \
    '[["foorumi", "hva", []]]' "forums --json"

run -c "$K" forums --json
expect_rc 0 "kainuu forums --json"
json_ok "kainuu forums --json"
json_is '[f["id"] for f in d]' \
    '["hytetu-foorumi", "kuntaneuvottelu", "hytetu-tyoryhma", "perhekeskus-johtoryhma"]' \
    "kainuu forums --json"
json_is 'len(d[1]["for_each"])' '8' "kainuu kuntaneuvottelu for_each"

# FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU meets four times a year, not
# monthly: the months as one compound, the last in genitive
run -c "$K" forums
expect_rc 0 "kainuu forums"
expect_out "rytmi: neljästi vuodessa: helmi-, touko-, syys- ja marraskuun 3. tiistai" \
    "kainuu forums perhekeskus-johtoryhma"

# Easter 2026 is 5.4. (pitkäperjantai 3.4.); juhannusaatto is the Friday
# 19-25.6.: 1.6.2026 is a Monday, so Friday 19.6.  15 holidays (§ 4).
run -c "$M" holidays --year 2026 --json
expect_rc 0 "holidays --json"
json_ok "holidays --json"
json_is 'len(d)' '15' "holidays --year 2026 --json"
json_is '[h["date"] for h in d if h["date"] in ("2026-04-03", "2026-06-19")]' \
    '["2026-04-03", "2026-06-19"]' "holidays --year 2026 --json"

run -c "$K" --today 2026-06-01 compliance --json
expect_rc 0 "kainuu compliance --json"
json_ok "kainuu compliance --json"
json_is 'd' '[]' "kainuu compliance --json"

# Kainuu agreement: notice 12 months, renewal 12 months after each term
# that starts after 1.6.2023.  Renewal: 1.6.2025 + 12 months =
# 2026-06-01; notice for the term ending 31.5.2029: 2028-05-31.
run -c "$K" --today 2026-01-01 deadlines --json
expect_rc 0 "kainuu deadlines --json"
json_ok "kainuu deadlines --json"
json_is '[x["kind"] for x in d if x["date"] == "2026-06-01"]' \
    '["renewal"]' "kainuu deadlines --json renewal"
json_is '[x["kind"] for x in d if x["date"] == "2028-05-31"]' \
    '["notice"]' "kainuu deadlines --json notice"

# --- cancel and move persist across invocations ------------------------
#
# The minimal config's state_dir defaults to "var" next to the config:
# $T/minimal/var.  Each command below is a separate process.

run -c "$M" cancel foorumi 2026-10-13 --reason "Päällekkäinen kokous"
expect_rc 0 "cancel foorumi 2026-10-13"
[ -d "$T/minimal/var" ] || fail "cancel: no state in $T/minimal/var"
pass

run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31 --json
expect_rc 0 "occurrences --json after cancel"
json_ok "occurrences --json after cancel"
json_is '[(o["start"], o["status"]) for o in d]' \
    '[["2026-10-13T13:00:00+03:00", "CANCELLED"]]' \
    "cancel shows as CANCELLED in occurrences --json"

run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31
expect_rc 0 "occurrences after cancel"
expect_out "Päällekkäinen kokous" "the reason of the cancellation is shown"

# next lists only confirmed meetings: the 2027 one comes first
run -c "$M" --today 2026-01-01 next -n 1
expect_rc 0 "next after cancel"
expect_line out "^ti 12\.10\.2027 klo 13\.00" "next skips the cancelled"

run -c "$M" cancel foorumi 2026-10-13
expect_rc 0 "cancelling again is harmless"

run -c "$M" cancel foorumi 2026-10-13 --undo
expect_rc 0 "cancel --undo"
run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31 --json
json_ok "occurrences --json after cancel --undo"
json_is '[(o["start"], o["status"]) for o in d]' \
    '[["2026-10-13T13:00:00+03:00", "CONFIRMED"]]' \
    "cancel --undo restores"

run -c "$M" cancel foorumi 2026-10-13 --undo
expect_rc 1 "cancel --undo of a meeting that is not cancelled"

# 14.10.2026 is a Wednesday: the forum has no meeting then
run -c "$M" cancel foorumi 2026-10-14
one_line_reason "2026-10-14" "cancelling a date without a meeting"
run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31 --json
json_is '[o["status"] for o in d]' '["CONFIRMED"]' \
    "a failed cancel changes nothing"

# move to ti 27.10.2026 at 09:30: after 25.10. it is winter time (EET,
# +02:00); the meeting keeps its 60 minutes; its RECURRENCE-ID and
# moved_from stay the original 13.10. 13:00 in summer time
run -c "$M" move foorumi 2026-10-13 2026-10-27 09:30
expect_rc 0 "move foorumi 2026-10-13 2026-10-27 09:30"
run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31 --json
expect_rc 0 "occurrences --json after move"
json_ok "occurrences --json after move"
json_is 'len(d)' '1' "move: still one meeting in October"
json_is 'd[0]["start"]' '"2026-10-27T09:30:00+02:00"' "move: new start"
json_is 'd[0]["end"]' '"2026-10-27T10:30:00+02:00"' "move: same duration"
json_is 'd[0]["recurrence_id"]' '"2026-10-13T13:00:00+03:00"' \
    "move: recurrence_id stays"
json_is 'd[0]["moved_from"]' '"2026-10-13T13:00:00+03:00"' \
    "move: moved_from is the original start"
json_is 'd[0]["status"]' '"CONFIRMED"' "move: still confirmed"

# the range is by the (final) start date: 13.10. no longer has it
run -c "$M" occurrences --from 2026-10-13 --to 2026-10-13 --json
json_is 'd' '[]' "move: the original day is empty"

run -c "$M" --today 2026-10-01 next -n 1
expect_rc 0 "next after move"
expect_line out "^ti 27\.10\.2026 klo 0?9\.30.*10\.30" "next shows the move"
expect_out "13.10.2026" "next tells where the meeting came from"

# undo by the original date
run -c "$M" move foorumi 2026-10-13 --undo
expect_rc 0 "move --undo"
run -c "$M" occurrences --from 2026-10-01 --to 2026-10-31 --json
json_is '[(o["start"], o["moved_from"]) for o in d]' \
    '[["2026-10-13T13:00:00+03:00", null]]' "move --undo restores"

# for_each: one member's meeting needs --party; cancelling Sotkamo's ke
# 4.2.2026 (derived above) leaves the others where they were, since
# overrides are applied last (SPEC § 4): Kuhmo stays on to 5.2.
run -c "$K" cancel kuntaneuvottelu 2026-02-04
one_line_reason "--party" "cancel of a for_each forum without --party"
run -c "$K" cancel kuntaneuvottelu 2026-02-04 --party sotkamo
expect_rc 0 "cancel kuntaneuvottelu --party sotkamo"
run -c "$K" occurrences --from 2026-02-01 --to 2026-02-28 \
    --forum kuntaneuvottelu --json
expect_rc 0 "kainuu occurrences --json after cancel"
json_ok "kainuu occurrences --json after cancel"
json_is '[o["status"] for o in d if o["party"] == "sotkamo"]' \
    '["CANCELLED"]' "sotkamo's meeting is cancelled"
json_is '[o["uid"] for o in d if o["party"] == "sotkamo"]' \
    '["kuntaneuvottelu.sotkamo@kainuu.example"]' "for_each member uid"
json_is '[o["start"] for o in d if o["party"] == "kuhmo"]' \
    '["2026-02-05T09:00:00+02:00"]' "kuhmo keeps its day"
json_is '[o["status"] for o in d if o["party"] != "sotkamo"]' \
    '["CONFIRMED", "CONFIRMED", "CONFIRMED", "CONFIRMED", "CONFIRMED", "CONFIRMED", "CONFIRMED"]' \
    "the other members stay confirmed"

# --- compliance after a cancellation ----------------------------------
#
# minimum.conf: the same forum from 1.1.2026 with minimum = "year".
# Standing on 1.6.2026 the window is 1.6.2025 .. 3.12.2027 (550 days):
# 2025 is before the start, 2027 has ti 12.10.2027.  Cancelling ti
# 13.10.2026 leaves 2026 without a confirmed meeting: one warning, printed
# by check at the forum's line, and the exit status stays 0.
mkdir -p "$T/minimum"
Q=$T/minimum/minimum.conf
cp "$DATA/cli/minimum.conf" "$Q"
last=""
fline=$(line_of "$Q" 'id = "foorumi"') || fail "$fline"
run -c "$Q" --today 2026-06-01 check
expect_rc 0 "check minimum.conf"
expect_no_out "warning:" "check minimum.conf before the cancel"
run -c "$Q" cancel foorumi 2026-10-13
expect_rc 0 "cancel minimum.conf 2026-10-13"
run -c "$Q" --today 2026-06-01 check
expect_rc 0 "check with a compliance warning still exits 0"
expect_out "$Q:$fline: warning:" "check warns at the forum's line"
[ "$(grep -c 'warning:' "$T/out")" -eq 1 ] ||
    fail "check minimum.conf: expected exactly one warning"
pass
expect_out "2026" "the warning names the year"
run -c "$Q" --today 2026-06-01 compliance --json
expect_rc 0 "compliance --json"
json_ok "compliance --json"
json_is 'len(d)' '1' "compliance --json: one warning"

# --- per_year (SPEC § 10.1) ---------------------------------------------
#
# per_year.conf meets on the 2nd Tuesday of March and October from
# 1.1.2026, per_year = [ 2, 3 ].  1.1.2026 is a Thursday: 1.3.2026 (59
# days on) a Sunday -> 10.3.2026; 1.10.2026 (273 days on) a Thursday ->
# 13.10.2026.  Standing on 1.6.2026 (window to 3.12.2027): cancelling
# 13.10.2026 leaves 2026 one meeting (< 2); adding 4.5. and 8.6.2027 gives
# 2027 four (> 3).  Each is a warning naming the count and the range.
mkdir -p "$T/per_year"
PYC=$T/per_year/per_year.conf
cp "$DATA/cli/per_year.conf" "$PYC"
last=""
run -c "$PYC" --today 2026-06-01 compliance --json
json_is 'd' '[]' "per_year: two a year, no warning"
run -c "$PYC" cancel foorumi 2026-10-13
expect_rc 0 "per_year: cancel 2026-10-13"
run -c "$PYC" add foorumi 2027-05-04 13:00
expect_rc 0 "per_year: add 2027-05-04"
run -c "$PYC" add foorumi 2027-06-08 13:00
expect_rc 0 "per_year: add 2027-06-08"
run -c "$PYC" --today 2026-06-01 compliance --json
json_is '[(x["kind"], x["from"], x["count"], x["min"], x["max"]) for x in d]' \
    '[["per_year", "2026-01-01", 1, 2, 3], ["per_year", "2027-01-01", 4, 2, 3]]' \
    "per_year: 2026 below, 2027 above the range"
pyline=$(line_of "$PYC" 'id = "foorumi"') || fail "$pyline"
run -c "$PYC" --today 2026-06-01 check
expect_rc 0 "per_year: check exits 0"
expect_out "$PYC:$pyline: warning: Foorumi: vahvistettuja kokouksia vuonna 2026: 1, sopimuksen mukaan 2–3 vuodessa" \
    "per_year: check names the count and the range"
expect_out "vuonna 2027: 4, sopimuksen mukaan 2–3 vuodessa" \
    "per_year: the year above the range"

# --- tasks: done and add (SPEC § 10.3) -------------------------------------
#
# tests/data/task/tasks.conf derives its due days by hand: "raportti" is
# due on 30.6. every year from 2024 for kajaani and sotkamo.  The forum
# meets on the 2nd Tuesday of October: 13.10.2026.  Ti 21.4.2026 is a
# working day (Easter 2026 is 5.4.) with no meeting; Helsinki is on
# summer time then (+03:00).
mkdir -p "$T/task"
TK=$T/task/tasks.conf
cp "$DATA/task/tasks.conf" "$TK"
last=""
run -c "$TK" --today 2026-06-01 deadlines --json
expect_rc 0 "tasks: deadlines --json"
json_ok "tasks: deadlines --json"
json_is '[x for x in d if x.get("task") == "raportti" and x["date"] == "2026-06-30"]' \
    '[{"date": "2026-06-30", "kind": "task", "title": "Vuosiraportti valtuustolle: Kajaanin kaupunki", "party": "kajaani", "task": "raportti", "done": false}, {"date": "2026-06-30", "kind": "task", "title": "Vuosiraportti valtuustolle: Sotkamon kunta", "party": "sotkamo", "task": "raportti", "done": false}]' \
    "tasks: one deadline per owner"
run -c "$TK" --today 2026-06-01 deadlines
expect_line out '^ti 30\.6\.2026 +tehtävä +Vuosiraportti valtuustolle: Sotkamon kunta +\(29 päivän päästä\)$' \
    "tasks: deadlines in Finnish"

run -c "$TK" done raportti 2026-06-30
one_line_reason "tehtävällä 'raportti' on 2 omistajaa: anna --party" \
    "done without --party"
run -c "$TK" done raportti 2026-06-29 --party sotkamo
one_line_reason "tehtävän 'raportti' määräpäivä ei ole 2026-06-29 (lähin määräpäivä on 2026-06-30)" \
    "done on a day that is not a due day"
run -c "$TK" done raportti 2026-06-30 --party hva
one_line_reason "osapuoli 'hva' ei ole tehtävän 'raportti' omistaja" \
    "done by a non-owner"
run -c "$TK" done nosuch 2026-06-30
one_line_reason "tuntematon tehtävä 'nosuch'" "done of an unknown task"
run -c "$TK" done raportti 2026-13-01 --party sotkamo
one_line_reason "päivä '2026-13-01' ei ole päivämäärä (VVVV-KK-PP)" \
    "done with a bad date"
run -c "$TK" done raportti
usage_error "done without DATE"
run -c "$TK" done raportti 2026-06-30 --party sotkamo --reason x
usage_error "done --reason"

# overdue from 1.7.2026: both owners' 30.6.2026 reports, until done
run -c "$TK" --today 2026-07-01 compliance --json
expect_rc 0 "tasks: compliance --json"
json_is '[(x["kind"], x["task"], x["party"], x["to"]) for x in d if x["from"] == "2026-06-30"]' \
    '[["overdue", "raportti", "kajaani", "2026-06-30"], ["overdue", "raportti", "sotkamo", "2026-06-30"]]' \
    "tasks: overdue before done"
run -c "$TK" --today 2026-07-01 compliance
expect_out "Vuosiraportti valtuustolle: Sotkamon kunta: myöhässä, määräpäivä oli ti 30.6.2026" \
    "tasks: compliance in Finnish"
run -c "$TK" done raportti 2026-06-30 --party sotkamo
expect_rc 0 "done raportti 2026-06-30 --party sotkamo"
expect_out "tehty: raportti (sotkamo), määräpäivä ti 30.6.2026" "done output"
run -c "$TK" done raportti 2026-06-30 --party sotkamo
expect_rc 0 "done twice"
expect_out "on jo kirjattu tehdyksi" "done twice says so"
run -c "$TK" --today 2026-07-01 compliance --json
json_is '[(x["task"], x["party"]) for x in d if x["from"] == "2026-06-30"]' \
    '[["raportti", "kajaani"]]' "tasks: only kajaani overdue after done"
run -c "$TK" --today 2026-07-01 check
expect_rc 0 "check with overdue tasks exits 0"
tline=$(line_of "$TK" 'id = "raportti"') || fail "$tline"
expect_out "$TK:$tline: warning: Vuosiraportti valtuustolle: Kajaanin kaupunki: myöhässä" \
    "check warns at the task's line"
run -c "$TK" --today 2026-06-01 deadlines --json
json_is '[x["party"] for x in d if x.get("task") == "raportti" and x["date"] == "2026-06-30" and x["done"]]' \
    '["sotkamo"]' "deadlines --json: done is true"
run -c "$TK" done raportti 2026-06-30 --party sotkamo --undo
expect_rc 0 "done --undo"
run -c "$TK" done raportti 2026-06-30 --party sotkamo --undo
one_line_reason "tehtävää 'raportti' (osapuoli 'sotkamo', määräpäivä 2026-06-30) ei ole kirjattu tehdyksi" \
    "done --undo twice"

# add: a one-off meeting, kept as given, in the feed as an RDATE
run -c "$TK" add foorumi 2026-04-21 09:00 --reason "Ylimääräinen kokous"
expect_rc 0 "add foorumi 2026-04-21 09:00"
expect_out "lisätty: foorumi@tehtavat.example ti 21.4.2026 klo 9.00" "add output"
run -c "$TK" occurrences --from 2026-04-01 --to 2026-10-31 --json
json_is '[o["start"] for o in d]' \
    '["2026-04-21T09:00:00+03:00", "2026-10-13T13:00:00+03:00"]' \
    "add: the extra meeting is planned"
run -c "$TK" --today 2026-06-01 export --forum foorumi
expect_out "RDATE;TZID=Europe/Helsinki:20260421T090000" "add: published as an RDATE"
run -c "$TK" add foorumi 2026-04-21 09:00
one_line_reason "'foorumi@tehtavat.example' kokoontuu jo 2026-04-21 klo 09:00" \
    "add twice"
run -c "$TK" add foorumi 2026-10-13 13:00
one_line_reason "'foorumi@tehtavat.example' kokoontuu jo 2026-10-13 klo 13:00" \
    "add on a rule's meeting"
run -c "$TK" add foorumi 2026-04-22 25:00
one_line_reason "kellonaika '25:00' ei ole muotoa HH:MM" "add with a bad time"
run -c "$TK" add nosuch 2026-04-22 09:00
one_line_reason "tuntematon foorumi 'nosuch'" "add to an unknown forum"
run -c "$TK" add foorumi 2026-04-22 09:00 --party kajaani
one_line_reason "foorumilla 'foorumi' ei ole osapuolikohtaisia kokouksia: jätä --party pois" \
    "add --party to a forum without for_each"
run -c "$TK" add foorumi 2026-04-22
usage_error "add without TIME"
run -c "$TK" add foorumi 2026-04-21 09:00 --undo
expect_rc 0 "add --undo"
expect_out "lisäys peruttu: foorumi@tehtavat.example" "add --undo output"
run -c "$TK" occurrences --from 2026-04-01 --to 2026-10-31 --json
json_is '[o["start"] for o in d]' '["2026-10-13T13:00:00+03:00"]' \
    "add --undo: gone"
run -c "$TK" add foorumi 2026-04-21 09:00 --undo
one_line_reason "sarjalla 'foorumi@tehtavat.example' ei ole lisättyä kokousta 2026-04-21 klo 09:00" \
    "add --undo twice"

echo "cli.sh: ok: $n assertions"
