#!/bin/sh
# deadlines.sh - the agreement deadlines and terminations through the CLI
# (SPEC §§ 7, 8): `deadlines` (human and --json), `terminate PARTY
# --noticed DATE`, `terminate --list`, `terminate PARTY --withdraw`, the
# lost-convenor warning of `check`, the terminated party gone from its
# meetings, and the exit statuses 1 (bad input) and 2 (usage).
#
# Works on a temporary copy of tests/data/deadline/agreement.conf (the
# database goes next to the copy).  Standing on 2026-04-01.
#
# Expected dates, by hand (agreement: effective 2023-06-01, terms
# 2021-08-01..2025-05-31, 2025-06-01..2029-05-31, 2029-06-01..2033-05-31,
# notice and renewal 12 months, review_by 2025-05-31 and 2027-05-31):
#   notice   2024-05-31, 2028-05-31, 2032-05-31 (term end - 12 months)
#   review   2025-05-31, 2027-05-31
#   renewal  2026-06-01, 2030-06-01 (not for the 2021 term: it began
#            before the agreement)
#   Kajaani's notice of 2026-03-15 takes effect 2027-03-15.
#   2026-04-01 -> 2026-06-01: 29 days left of April + 31 of May + 1 = 61.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
SRC=tests/data/deadline/agreement.conf
TODAY=2026-04-01

if [ ! -x "$CTL" ]; then
	echo "deadlines.sh: FAIL: no program '$CTL'"
	exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/deadlines.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
cp "$SRC" "$TMP/cadenced.conf" || exit 1
CONF=$TMP/cadenced.conf

fails=0
fail() {
	echo "deadlines.sh: FAIL: $*"
	fails=$((fails + 1))
}

# ctl ARGS...: runs cadencectl on the copy; output in $TMP/out, $TMP/err
ctl() {
	"$CTL" -c "$CONF" --today "$TODAY" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# expect_rc N WHAT ARGS...
expect_rc() {
	want=$1
	what=$2
	shift 2
	ctl "$@"
	if [ "$rc" -ne "$want" ]; then
		fail "$what: 'cadencectl $*' exited $rc, want $want: $(cat "$TMP/err")"
	elif [ "$want" -ne 0 ] && [ ! -s "$TMP/err" ]; then
		fail "$what: 'cadencectl $*' exited $rc without a reason"
	fi
}

# json_check PYTHON-EXPRESSION-ON-d WHAT: the last output as JSON
json_check() {
	/usr/bin/python3 - "$TMP/out" "$1" "$2" <<'EOF'
import json, sys
path, expr, what = sys.argv[1:4]
try:
    d = json.load(open(path, encoding="utf-8"))
except ValueError as e:
    print("deadlines.sh: FAIL: %s: not JSON: %s" % (what, e))
    sys.exit(1)
if not eval(expr):
    print("deadlines.sh: FAIL: %s: got %s" % (what, json.dumps(d, ensure_ascii=False)))
    sys.exit(1)
EOF
	[ $? -eq 0 ] || fails=$((fails + 1))
}

BASE='[("2024-05-31","notice"),("2025-05-31","review"),("2026-06-01","renewal"),("2027-05-31","review"),("2028-05-31","notice"),("2030-06-01","renewal"),("2032-05-31","notice")]'

# --- deadlines without terminations --------------------------------------
expect_rc 0 "deadlines --json" deadlines --json
json_check "[(x['date'], x['kind']) for x in d] == $BASE" "deadlines --json dates"
json_check "all(set(x) == {'date','kind','title','party'} and x['party'] is None and x['title'] for x in d)" \
	"deadlines --json keys"

expect_rc 0 "deadlines" deadlines
grep -q '^ma 1\.6\.2026 .*uusiminen .*Uusi sopimus valtuustokauden alettua .*(61 päivän päästä)$' "$TMP/out" ||
	fail "deadlines: no renewal line 'ma 1.6.2026 ... (61 päivän päästä)': $(cat "$TMP/out")"
grep -q '2024\|2025' "$TMP/out" &&
	fail "deadlines: past deadlines shown without --all: $(cat "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 5 ] ||
	fail "deadlines: want 5 lines from 2026-04-01 on, got $(cat "$TMP/out")"
expect_rc 0 "deadlines --all" deadlines --all
grep -q '^pe 31\.5\.2024 .*irtisanominen' "$TMP/out" ||
	fail "deadlines --all: no 'pe 31.5.2024' notice line: $(cat "$TMP/out")"
[ "$(wc -l <"$TMP/out")" -eq 7 ] ||
	fail "deadlines --all: want 7 lines, got $(cat "$TMP/out")"
# days since: 31.5.2025 -> 31.5.2026 is 365 days, 1.4. is 60 before it
# (29 of April + 31 of May); 31.5.2024 one year (365) earlier still
grep -q '^la 31\.5\.2025 .*(305 päivää sitten)$' "$TMP/out" ||
	fail "deadlines --all: no 'la 31.5.2025 ... (305 päivää sitten)': $(cat "$TMP/out")"
grep -q '^pe 31\.5\.2024 .*(670 päivää sitten)$' "$TMP/out" ||
	fail "deadlines --all: no 'pe 31.5.2024 ... (670 päivää sitten)': $(cat "$TMP/out")"
# the renewal of 1.6.2026 the day before and on the day
TODAY=2026-05-31
expect_rc 0 "deadlines the day before" deadlines
grep -q '^ma 1\.6\.2026 .*uusiminen .*(huomenna)$' "$TMP/out" ||
	fail "deadlines on 31.5.2026: the renewal not '(huomenna)': $(cat "$TMP/out")"
TODAY=2026-06-01
expect_rc 0 "deadlines on the day" deadlines
grep -q '^ma 1\.6\.2026 .*uusiminen .*(tänään)$' "$TMP/out" ||
	fail "deadlines on 1.6.2026: the renewal not '(tänään)': $(cat "$TMP/out")"
TODAY=2026-04-01

expect_rc 0 "check before" check
grep -q "koollekutsuja" "$TMP/out" && fail "check: a lost convenor without a termination"

# --- terminate ------------------------------------------------------------
expect_rc 0 "terminate" terminate kajaani --noticed 2026-03-15
grep -q 'ma 15\.3\.2027' "$TMP/out" ||
	fail "terminate: effective day 'ma 15.3.2027' not shown: $(cat "$TMP/out")"
grep -q "tyoryhma" "$TMP/out" ||
	fail "terminate: the forum kajaani convenes not named: $(cat "$TMP/out")"

expect_rc 0 "terminate --list --json" terminate --list --json
json_check "d == [{'party': 'kajaani', 'noticed': '2026-03-15', 'effective': '2027-03-15'}]" \
	"terminate --list --json"
expect_rc 0 "terminate --list" terminate --list
grep -q '^kajaani .*15\.3\.2026.*15\.3\.2027' "$TMP/out" ||
	fail "terminate --list: $(cat "$TMP/out")"

expect_rc 0 "deadlines --json after terminate" deadlines --json
WITH='[("2024-05-31","notice",None),("2025-05-31","review",None),("2026-06-01","renewal",None),("2027-03-15","termination","kajaani"),("2027-05-31","review",None),("2028-05-31","notice",None),("2030-06-01","renewal",None),("2032-05-31","notice",None)]'
json_check "[(x['date'], x['kind'], x['party']) for x in d] == $WITH" \
	"deadlines --json with the termination"
json_check "[x['title'] for x in d if x['kind'] == 'termination'] == ['Irtisanominen astuu voimaan: Kajaanin kaupunki']" \
	"termination title"
expect_rc 0 "deadlines after terminate" deadlines
grep -q '^ma 15\.3\.2027 .*eroaminen .*Kajaanin kaupunki' "$TMP/out" ||
	fail "deadlines: no termination line: $(cat "$TMP/out")"

expect_rc 0 "check with termination" check
grep -q "foorumi 'tyoryhma': koollekutsuja 'kajaani' irtautuu sopimuksesta 2027-03-15" "$TMP/out" ||
	fail "check: no lost-convenor warning: $(cat "$TMP/out")"

# Kajaani's meetings of 2027: only before 2027-03-15 (neuvottelu on
# 10 February among them), none after
expect_rc 0 "occurrences --party" occurrences --from 2027-01-01 --to 2027-12-31 --party kajaani --json
json_check "d and all(x['start'][:10] < '2027-03-15' for x in d) and any(x['uid'].startswith('neuvottelu.kajaani@') and x['start'][:10] == '2027-02-10' for x in d)" \
	"kajaani's 2027 meetings end before 2027-03-15"

# --- withdraw ---------------------------------------------------------------
expect_rc 0 "withdraw" terminate kajaani --withdraw
expect_rc 0 "deadlines --json after withdraw" deadlines --json
json_check "[(x['date'], x['kind']) for x in d] == $BASE" "deadlines --json after withdraw"
expect_rc 0 "check after withdraw" check
grep -q "koollekutsuja" "$TMP/out" && fail "check: lost convenor after withdraw: $(cat "$TMP/out")"
expect_rc 0 "terminate --list --json after withdraw" terminate --list --json
json_check "d == []" "terminate --list --json after withdraw"

# --- bad input: 1 -----------------------------------------------------------
expect_rc 1 "withdraw again" terminate kajaani --withdraw
expect_rc 1 "unknown party" terminate nobody --noticed 2026-03-15
expect_rc 1 "impossible date" terminate kajaani --noticed 2026-02-30
expect_rc 1 "not a date" terminate kajaani --noticed 15.3.2026
expect_rc 1 "notice after today" terminate kajaani --noticed 2026-04-02
expect_rc 1 "notice before the agreement" terminate kajaani --noticed 2023-05-31
expect_rc 0 "terminate --list --json after refusals" terminate --list --json
json_check "d == []" "refused notices were not stored"

# --- usage: 2 ---------------------------------------------------------------
expect_rc 2 "terminate alone" terminate
expect_rc 2 "terminate without action" terminate kajaani
expect_rc 2 "--noticed without date" terminate kajaani --noticed
expect_rc 2 "--noticed and --withdraw" terminate kajaani --noticed 2026-03-15 --withdraw
expect_rc 2 "--list with party" terminate --list kajaani
expect_rc 2 "--json without --list" terminate kajaani --noticed 2026-03-15 --json
expect_rc 2 "two parties" terminate kajaani sotkamo --noticed 2026-03-15
expect_rc 2 "deadlines unknown option" deadlines --bogus
expect_rc 2 "deadlines argument" deadlines 2026

if [ "$fails" -ne 0 ]; then
	echo "deadlines.sh: FAIL: $fails checks failed"
	exit 1
fi
echo "deadlines.sh: ok"
