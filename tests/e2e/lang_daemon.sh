#!/bin/sh
# lang_daemon.sh - every language's tree from the daemon and from
# `cadencectl export --dir` (SPEC § 10.4), on etc/pohjanmaa.conf: Swedish
# is the default (at / and /sv/), Finnish is listed (at /fi/).
#
# What a reader would notice: each language's feed expands (python
# icalendar + recurring_ical_events, not our code) to the same meetings
# with the same UIDs as the default one; the Finnish feed says the
# Finnish twins ("Hyte-neuvottelu", "Vaasan kaupunki") and none of the
# Swedish names that have one; the API answers ?lang=; export --dir
# writes the same bytes the daemon serves under every prefix.
B=${B:-build}
PY=/usr/bin/python3
ME=lang_daemon.sh
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}
. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced" "$B/cadencectl"
need_pymods icalendar recurring_ical_events
daemon_test_init
fail() { echo "$ME: FAIL: $*"; tail -n 20 "$T/log" 2>/dev/null; exit 1; }
ok() { n=$((n + 1)); }
TODAY=2026-12-03

daemon_conf etc/pohjanmaa.conf "$T/p.conf" state
daemon_start "$T/p.conf" $TODAY "$T/log"

get() {	# get PATH FILE: 200 or FAIL
	c=$(curl -s -o "$2" -w '%{http_code}' "$BASE$1")
	[ "$c" = 200 ] || fail "GET $1: $c, not 200"
}
for f in all.ics forum/vhf-forhandling.ics party/vasa.ics deadlines.ics; do
	get "/calendars/$f" "$T/root.ics"
	get "/sv/calendars/$f" "$T/sv.ics"
	get "/fi/calendars/$f" "$T/fi.ics"
	cmp -s "$T/root.ics" "$T/sv.ics" ||
	    fail "/calendars/$f and /sv/calendars/$f differ (sv is the default)"
	ok
	# the same meetings, UIDs and times, in both languages
	$PY tests/e2e/same_occurrences.py "$T/sv.ics" "$T/fi.ics" "$f" ||
	    fail "$f: languages disagree"
	ok
done

get /fi/calendars/all.ics "$T/fi.ics"
get /calendars/all.ics "$T/sv.ics"
unfold() { $PY -c 'import sys; print(sys.stdin.read().replace("\r\n ", ""))'; }
unfold <"$T/fi.ics" >"$T/fi.txt"
unfold <"$T/sv.ics" >"$T/sv.txt"
for w in "SUMMARY:Hyte-neuvottelu: Vaasan kaupunki" \
    "X-WR-CALNAME:Pohjanmaan hyvinvointialueen ja kuntien strateginen yhteistyösopimus: kaikki kokoukset" \
    "Koollekutsuja: Pohjanmaan hyvinvointialue" \
    "Kalenteri: $BASE/fi/calendars/forum/vhf-forhandling.ics"; do
	grep -qF -- "$w" "$T/fi.txt" || fail "Finnish feed lacks '$w'"; ok
done
for w in "Förhandling om främjande" "Vasa stad" "Österbottens välfärdsområde" \
    "Sammankallare"; do
	grep -qF -- "$w" "$T/fi.txt" && fail "Finnish feed has '$w'"; ok
done
for w in "SUMMARY:Förhandling om främjande av välfärd och hälsa: Vasa stad" \
    "Sammankallare: Österbottens välfärdsområde" \
    "X-WR-CALNAME:Strategiskt samarbetsavtal mellan Österbottens välfärdsområde och kommunerna: alla möten"; do
	grep -qF -- "$w" "$T/sv.txt" || fail "Swedish feed lacks '$w'"; ok
done

# the API in a language, and a language the config does not list
get "/api/v1/deadlines?lang=fi" "$T/dl.json"
grep -q '"title": "Viimeinen irtisanomispäivä' "$T/dl.json" ||
    fail "deadlines ?lang=fi not in Finnish"; ok
get "/api/v1/deadlines" "$T/dl.json"
grep -q '"title": "Sista dag för uppsägning' "$T/dl.json" ||
    fail "deadlines not in Swedish by default"; ok
get "/api/v1/occurrences?from=2027-04-01&to=2027-04-30&lang=fi" "$T/o.json"
grep -q '"summary": "Hyte-neuvottelu: Mustasaaren kunta"' "$T/o.json" ||
    fail "occurrences ?lang=fi not in Finnish"; ok
c=$(curl -s -o "$T/e" -w '%{http_code}' "$BASE/api/v1/deadlines?lang=en")
[ "$c" = 400 ] || fail "?lang=en (not listed): $c, not 400"; ok
[ "$(cat "$T/e")" = '{"error": "lang måste vara ett av konfigurationens '\
'språk (languages)"}' ] || fail "?lang=en: reason '$(cat "$T/e")'"; ok
# a refused request says why in the request's language: Swedish by
# default here, Finnish with ?lang=fi (the JSON reasons and the wheel's)
refused() {	# refused PATH WANT: 400 with the body WANT
	c=$(curl -s -o "$T/e" -w '%{http_code}' "$BASE$1")
	[ "$c" = 400 ] || fail "GET $1: $c, not 400"
	[ "$(cat "$T/e")" = "$2" ] || fail "GET $1: reason '$(cat "$T/e")'"
	ok
}
refused "/api/v1/holidays?year=1990" \
    '{"error": "year måste vara ett år 1991–2100"}'
refused "/api/v1/holidays?year=1990&lang=fi" \
    '{"error": "year pitää olla vuosi 1991–2100"}'
refused "/api/v1/occurrences?from=2027-05-01&to=2027-04-01" \
    '{"error": "from är senare än to"}'
refused "/api/v1/occurrences?from=2027-05-01&to=2027-04-01&lang=fi" \
    '{"error": "from on myöhemmin kuin to"}'
refused "/api/v1/occurrences?to=2027-04-01" \
    '{"error": "from och to (YYYY-MM-DD) är obligatoriska"}'
refused "/vuosikello.svg?year=2101" "year måste vara ett år 1991–2100"
refused "/fi/vuosikello.svg?print=2" "print pitää olla 0 tai 1"
c=$(curl -s -o "$T/e" -w '%{http_code}' \
    "$BASE/api/v1/occurrences?from=2027-04-01&to=2027-04-30&forum=x")
[ "$c" = 404 ] && [ "$(cat "$T/e")" = '{"error": "okänt forum"}' ] ||
    fail "unknown forum: $c '$(cat "$T/e")'"; ok
c=$(curl -s -o "$T/e" -w '%{http_code}' "$BASE/en/calendars/all.ics")
[ "$c" = 404 ] || fail "/en/ (not listed): $c, not 404"; ok
[ "$(cat "$T/e")" = "hittades inte" ] || fail "404: '$(cat "$T/e")'"; ok
c=$(curl -s -o "$T/e" -w '%{http_code}' "$BASE/fi/calendars/party/x.ics")
[ "$c" = 404 ] && [ "$(cat "$T/e")" = "ei löydy" ] ||
    fail "/fi/ 404: $c '$(cat "$T/e")'"; ok

# export --dir: the same bytes under every prefix
"$B/cadencectl" -c "$T/p.conf" --today $TODAY export --dir "$T/x" ||
    fail "export --dir"
for p in calendars/all.ics sv/calendars/all.ics fi/calendars/all.ics \
    fi/calendars/party/vasa.ics fi/calendars/deadlines.ics; do
	get "/$p" "$T/served"
	cmp -s "$T/served" "$T/x/$p" || fail "export $p differs from GET /$p"
	ok
done
# the Swedish page and wheel as Chromium shows them: no Finnish text that
# has a Swedish twin (the config's *_fi values, and every message of the
# catalogue whose Swedish differs), and the language switch to Finnish
if command -v chromium >/dev/null 2>&1; then
	chromium_dump "$BASE/" "$T/sv.html"
	chromium_dump "$BASE/vuosikello.svg" "$T/sv.svg"
	chromium_dump "$BASE/saavutettavuus" "$T/sv-stmt.html"
	grep -q '<html lang="sv"' "$T/sv.html" || fail "page is not lang=sv"; ok
	grep -q 'href="/fi/" hreflang="fi" lang="fi"' "$T/sv.html" ||
	    fail "no link to the Finnish page"; ok
	grep -q 'xml:lang="sv"' "$T/sv.svg" || fail "wheel is not xml:lang=sv"
	ok
	$PY tests/e2e/no_finnish.py "$T/p.conf" \
	    "$B/locale/sv/LC_MESSAGES/cadenced.mo" \
	    "$T/sv.html" "$T/sv.svg" "$T/sv-stmt.html" ||
	    fail "Finnish text on the Swedish page or wheel"
	ok
else
	echo "$ME: chromium missing, the rendered page not checked"
fi
echo "$ME: ok: $n assertions"
