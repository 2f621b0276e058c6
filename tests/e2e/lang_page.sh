#!/bin/sh
# lang_page.sh - the Swedish page and wheel of a county whose default
# language is Finnish (SPEC § 10.4): etc/keski-pohjanmaa.conf at /sv/.
#
# What a reader would notice: each Swedish feed expands to the same
# meetings with the same UIDs as the Finnish one (tests/e2e/
# same_occurrences.py); Chromium's rendering of /sv/ and
# /sv/vuosikello.svg says the Swedish names and none of the Finnish texts
# that have a Swedish twin, of the config or the catalogue
# (tests/e2e/no_finnish.py); its flat-feed links say so in Swedish and
# lead to the Swedish flat feeds.  And a forum that meets at each member's
# place (location = "member") lists each meeting's place in the reader's
# language: "Karleby stadshus" at /sv/, "Kokkolan kaupungintalo" at /.
B=${B:-build}
PY=/usr/bin/python3
ME=lang_page.sh
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}
. tests/e2e/lib/daemon.sh
need_programs "$B/cadenced"
need_pymods icalendar recurring_ical_events
daemon_test_init
fail() { echo "$ME: FAIL: $*"; tail -n 20 "$T/log" 2>/dev/null; exit 1; }
ok() { n=$((n + 1)); }
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""; }

# --- the member's place, in each language -------------------------------
cat >"$T/m.conf" <<'EOF'
languages = [ "fi", "sv" ];
timezone = "Europe/Helsinki"; domain = "paikka.example";
state_dir = "x"; horizon_days = 400; holidays = "FI";
http = { listen = "127.0.0.1:1"; base_url = "http://127.0.0.1:1/"; };
organizer = { name = "Hyte"; name_sv = "Hyte"; email = "hyte@paikka.example"; };
parties = (
  { id = "hva"; name = "Hyvinvointialue"; name_sv = "Välfärdsområde";
    email = "k@hva.example"; },
  { id = "kokkola"; name = "Kokkolan kaupunki"; name_sv = "Karleby stad";
    location = "Kokkolan kaupungintalo"; location_sv = "Karleby stadshus";
    email = "k@kokkola.example"; },
  { id = "veteli"; name = "Vetelin kunta"; name_sv = "Vetil kommun";
    location = "Vetelin kunnantalo"; location_sv = "Vetils kommungård";
    email = "k@veteli.example"; }
);
forums = (
  { id = "neuvottelu"; name = "Neuvottelu"; name_sv = "Förhandling";
    convenor = "hva"; for_each = [ "kokkola", "veteli" ];
    location = "member";
    rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU";
    start = "2026-01-01"; time = "13:00"; duration = 120; }
);
invite = "convenors";
EOF
daemon_conf "$T/m.conf" "$T/member.conf" state-m
daemon_start "$T/member.conf" 2026-06-01 "$T/log"
curl -sf -o "$T/m-sv.html" "$BASE/sv/" || fail "GET /sv/"
curl -sf -o "$T/m-fi.html" "$BASE/" || fail "GET /"
stop
# 13.10.2026 is the 2nd Tuesday of October (1.10. is a Thursday)
for w in "ti 13.10.2026 kl. 13.00 – Karleby stad, Karleby stadshus" \
    "ti 13.10.2026 kl. 13.00 – Vetil kommun, Vetils kommungård"; do
	grep -qF -- "$w" "$T/m-sv.html" || fail "/sv/ lacks '$w'"; ok
done
grep -qF "kaupungintalo" "$T/m-sv.html" && fail "/sv/ has the Finnish place"
ok
for w in "ti 13.10.2026 klo 13.00 – Kokkolan kaupunki, Kokkolan kaupungintalo" \
    "ti 13.10.2026 klo 13.00 – Vetelin kunta, Vetelin kunnantalo"; do
	grep -qF -- "$w" "$T/m-fi.html" || fail "/ lacks '$w'"; ok
done

# --- Keski-Pohjanmaa: the Swedish feeds, page and wheel ------------------
daemon_conf etc/keski-pohjanmaa.conf "$T/k.conf" state-k
daemon_start "$T/k.conf" 2026-12-03 "$T/log"
# each Swedish feed expands (python icalendar + recurring_ical_events, not
# our code) to the same meetings, UIDs and times as the Finnish one
for f in all.ics forum/hyte-neuvottelu.ics party/kokkola.ics deadlines.ics; do
	curl -sf -o "$T/fi.ics" "$BASE/calendars/$f" || fail "GET /calendars/$f"
	curl -sf -o "$T/sv.ics" "$BASE/sv/calendars/$f" ||
	    fail "GET /sv/calendars/$f"
	$PY tests/e2e/same_occurrences.py "$T/fi.ics" "$T/sv.ics" "$f" ||
	    fail "$f: languages disagree"
	ok
done
# the page's flat-feed links (SPEC § 10.6: flat feeds under /<lang>/ too)
# lead to the Swedish flat feed and say so in Swedish
curl -sf -o "$T/k-sv.html" "$BASE/sv/" || fail "GET /sv/"
grep -o '<a class="flat" href="[^"]*">[^<]*</a>' "$T/k-sv.html" >"$T/flat"
[ -s "$T/flat" ] || fail "/sv/ has no flat-feed link"
events=0
while IFS= read -r a; do
	case $a in
	*"href=\"$BASE/sv/calendars/flat/"*".ics\">För enkla kalenderprogram</a>")
		;;
	*) fail "/sv/'s flat link is not Swedish: $a" ;;
	esac
	u=${a#*href=\"}; u=${u%%\"*}
	curl -sf -o "$T/flat.ics" "$u" || fail "GET $u"
	grep -q '^BEGIN:VCALENDAR' "$T/flat.ics" || fail "$u: no calendar"
	grep -q '^BEGIN:VEVENT' "$T/flat.ics" && events=$((events + 1))
	awk '/^BEGIN:VEVENT/ { e = 1 } /^END:VEVENT/ { e = 0 }
	    e && /^(RRULE|RDATE|EXDATE|RECURRENCE-ID)/ { x = 1 }
	    END { exit !x }' "$T/flat.ics" && fail "$u is not flat"
	ok
done <"$T/flat"
# (a past one-off forum's flat feed has none)
[ "$events" -gt 3 ] || fail "only $events Swedish flat feeds have events"
if ! command -v chromium >/dev/null 2>&1; then
	echo "$ME: chromium missing, the rendered page not checked"
	echo "$ME: ok: $n assertions"
	exit 0
fi
chromium_dump "$BASE/sv/" "$T/sv.html"
chromium_dump "$BASE/sv/vuosikello.svg" "$T/sv.svg"
chromium_dump "$BASE/" "$T/fi.html"
stop
grep -q '<html lang="sv"' "$T/sv.html" || fail "/sv/ is not lang=sv"; ok
grep -q 'xml:lang="sv"' "$T/sv.svg" || fail "the wheel is not xml:lang=sv"
ok
grep -q "Mellersta Österbottens regionala delegation" "$T/sv.html" ||
    fail "/sv/ lacks the forum's Swedish name"; ok
grep -q "Keski-Pohjanmaan alueneuvottelukunta" "$T/fi.html" ||
    fail "/ lacks the forum's Finnish name"; ok
$PY tests/e2e/no_finnish.py etc/keski-pohjanmaa.conf \
    "$B/locale/sv/LC_MESSAGES/cadenced.mo" "$T/sv.html" "$T/sv.svg" ||
    fail "Finnish text on the Swedish page or wheel"
ok
echo "$ME: ok: $n assertions"
