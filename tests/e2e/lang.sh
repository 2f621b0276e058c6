#!/bin/sh
# lang.sh - output languages (SPEC § 10.4) through the CLI, and the
# message catalogues.
#
# tests/data/lang/bilingual.conf lists fi and sv; "foorumi" has Swedish
# twins of its name and location, "tyoryhma" has none (a check warning).
# Expected texts by hand: 10.2.2026 is a Tuesday (1.1.2026 is a Thursday,
# 40 days earlier); Finnish "ti 10.2.2026 klo 13.00", Finland-Swedish
# "ti 10.2.2026 kl. 13.00", English "Tue 10 Feb 2026 13:00".  Easter 2026
# is 5.4, so the Swedish holiday names fall on the dates listed below.
B=${B:-build}
CTL=${CADENCECTL:-$B/cadencectl}
export CADENCE_LOCALEDIR=${CADENCE_LOCALEDIR:-$PWD/$B/locale}
ME=lang.sh
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lang.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
cp tests/data/lang/bilingual.conf "$TMP/c.conf" || exit 1
C=$TMP/c.conf
fails=0
n=0
fail() { echo "$ME: FAIL: $*"; fails=$((fails + 1)); }
ok() { n=$((n + 1)); }
# ctl ARGS...: output in $TMP/out and $TMP/err, status in $rc
ctl() { "$CTL" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
has() {	# has FILE TEXT WHAT
	if grep -qF -- "$2" "$TMP/$1"; then ok; else
		fail "$3: no '$2' in:"; sed 's/^/  /' "$TMP/$1"; fi
}
hasnt() {
	if grep -qF -- "$2" "$TMP/$1"; then fail "$3: '$2' in output"
	else ok; fi
}
status() { if [ "$rc" = "$1" ]; then ok; else
	fail "$2: exit $rc, not $1"; sed 's/^/  /' "$TMP/err"; fi; }

# --- dates, times and twins in each language ------------------------------
ctl -c "$C" --today 2026-01-15 --lang fi next -n 2
status 0 "next --lang fi"
has out "ti 10.2.2026 klo 13.00–15.00  Yhteistyöfoorumi (Kokkola)" "fi"
has out "ti 10.3.2026 klo 9.30–10.30  Työryhmä" "fi: hours without a zero"
ctl -c "$C" --today 2026-01-15 --lang sv next -n 2
status 0 "next --lang sv"
has out "ti 10.2.2026 kl. 13.00–15.00  Samarbetsforum (Karleby)" "sv"
# no twin: the default language's name
has out "ti 10.3.2026 kl. 9.30–10.30  Työryhmä" "sv: fallback to fi"
ctl -c "$C" --today 2026-01-15 --lang en next -n 1
status 0 "next --lang en"
# en is not listed: English dates, the default language's texts
has out "Tue 10 Feb 2026 13:00–15:00  Yhteistyöfoorumi (Kokkola)" "en"

# --- the language from the environment -------------------------------------
LANG=sv_FI.UTF-8 LC_ALL= LC_MESSAGES= ctl -c "$C" --today 2026-01-15 next -n 1
has out "ti 10.2.2026 kl. 13.00" "LANG=sv_FI.UTF-8"
LC_ALL= LC_MESSAGES=sv_SE.UTF-8 LANG=fi_FI.UTF-8 ctl -c "$C" --today 2026-01-15 next -n 1
has out "Samarbetsforum" "LC_MESSAGES before LANG"
# en is not among the config's languages: the default
LANG=en_GB.UTF-8 LC_ALL= LC_MESSAGES= ctl -c "$C" --today 2026-01-15 next -n 1
has out "ti 10.2.2026 klo 13.00" "LANG=en_GB.UTF-8, en not listed"
# --lang wins over the environment
LANG=sv_FI.UTF-8 ctl -c "$C" --today 2026-01-15 --lang fi next -n 1
has out "Yhteistyöfoorumi" "--lang over LANG"

# --- holiday names ---------------------------------------------------------
ctl -c "$C" --lang sv holidays --year 2026
status 0 "holidays --lang sv"
for x in "to 1.1.2026 Nyårsdagen" "ti 6.1.2026 Trettondagen" \
    "fr 3.4.2026 Långfredagen" "sö 5.4.2026 Påskdagen" \
    "må 6.4.2026 Annandag påsk" "fr 1.5.2026 Första maj" \
    "to 14.5.2026 Kristi himmelsfärdsdag" "sö 24.5.2026 Pingstdagen" \
    "fr 19.6.2026 Midsommarafton" "lö 20.6.2026 Midsommardagen" \
    "lö 31.10.2026 Alla helgons dag" "sö 6.12.2026 Självständighetsdagen" \
    "to 24.12.2026 Julafton" "fr 25.12.2026 Juldagen" \
    "lö 26.12.2026 Annandag jul"; do
	tr -s ' ' <"$TMP/out" >"$TMP/squeezed"
	has squeezed "$x" "Swedish holiday"
done
ctl -c "$C" --lang sv holidays --year 2026 --json
has out '{"date": "2026-06-19", "name": "Midsommarafton"}' "holidays --json sv"

# --- bad input ---------------------------------------------------------------
# a usage error, in the language of LANG (the config is not read yet)
LANG=fi_FI.UTF-8 LC_ALL= LC_MESSAGES= ctl -c "$C" --lang de next
status 2 "--lang de"
has err "cadencectl: tuntematon kieli 'de' (fi, sv tai en)" "--lang de"
LANG=en_GB.UTF-8 LC_ALL= LC_MESSAGES= ctl -c "$C" --lang de next
has err "cadencectl: unknown language 'de' (fi, sv or en)" "--lang de, en"
ctl -c "$C" --today 2026-01-15 check
status 0 "check with a missing twin"
line=$(grep -n 'name = "Työryhmä"' "$C" | cut -d: -f1)
has err "$C:$line: warning: foorumi 'tyoryhma': 'name_sv' puuttuu" "missing twin"
sed 's/languages = \[ "fi", "sv" \];/languages = [ "fi" ];/' "$C" >"$TMP/bad1.conf"
ctl -c "$TMP/bad1.conf" check
status 1 "a twin of an unlisted language"
line=$(grep -n 'name_sv = "Samarbetsforum"' "$TMP/bad1.conf" | cut -d: -f1)
has err "$TMP/bad1.conf:$line: error: foorumi 'foorumi': 'name_sv' on annettu, mutta kieli 'sv' ei ole luettelossa 'languages'" "unlisted twin"
sed 's/languages = \[ "fi", "sv" \];/languages = [ "fi", "de" ];/' "$C" >"$TMP/bad2.conf"
ctl -c "$TMP/bad2.conf" check
status 1 "unknown language"
has err "error: tuntematon kieli 'de'" "unknown language"
sed 's/name_sv = "Karleby stad";/name_sv = "";/' "$C" >"$TMP/bad3.conf"
ctl -c "$TMP/bad3.conf" check
status 1 "an empty twin"
has err "'name_sv' pitää olla ei-tyhjä merkkijono" "empty twin"
sed 's/name_sv = "Karleby stad";/nimi_sv = "Karleby stad";/' "$C" >"$TMP/bad4.conf"
ctl -c "$TMP/bad4.conf" check
status 1 "a twin of no text key"
has err "tuntematon avain 'nimi_sv'" "twin of no key"

# --- check in the reader's language (issue 15) -------------------------------
# A broken file: its errors in the language asked for, --lang or LANG (the
# file's languages are not known); "error:" stays for scripts.
line=$(grep -n 'name_sv = "Samarbetsforum"' "$TMP/bad1.conf" | cut -d: -f1)
ctl -c "$TMP/bad1.conf" --lang sv check
status 1 "check --lang sv of a broken file"
has err "$TMP/bad1.conf:$line: error: forum 'foorumi': 'name_sv' är angiven men språket 'sv' finns inte i 'languages'" \
    "check --lang sv: the error in Swedish"
hasnt err "kieli" "check --lang sv: no Finnish"
env -u LC_ALL -u LC_MESSAGES LANG=sv_SE.UTF-8 "$CTL" -c "$TMP/bad2.conf" \
    check >"$TMP/out" 2>"$TMP/err"
rc=$?
status 1 "LANG=sv_SE.UTF-8 check of a broken file"
has err "error: okänt språk 'de' (fi, sv eller en)" "LANG=sv_SE.UTF-8 check"
# A good file, fi and sv: the summary and the warnings in Swedish; two
# forums (foorumi, tyoryhma) and two parties (hva, kokkola)
line=$(grep -n 'name = "Työryhmä"' "$C" | cut -d: -f1)
ctl -c "$C" --today 2026-01-15 --lang sv check
status 0 "check --lang sv"
has out "$C: ok: 2 forum, 2 parter, " "check --lang sv: the summary"
has err "$C:$line: warning: forum 'tyoryhma': 'name_sv' saknas (språket 'sv' finns i listan); texten på fi visas" \
    "check --lang sv: the warning"
# LANG names English, which the file does not list: the output is in its
# first language, Finnish, and so are the warnings of the file
env -u LC_ALL -u LC_MESSAGES LANG=en_GB.UTF-8 "$CTL" -c "$C" \
    --today 2026-01-15 check >"$TMP/out" 2>"$TMP/err"
rc=$?
status 0 "LANG=en_GB.UTF-8 check of a fi+sv file"
has out "$C: ok: 2 foorumia, 2 osapuolta, " "LANG=en_GB.UTF-8: the summary"
has err "$C:$line: warning: foorumi 'tyoryhma': 'name_sv' puuttuu" \
    "LANG=en_GB.UTF-8: the warning in the output's language"

# --- task deadlines in each language (SPEC § 10.3) --------------------------
# "raportti" is due on 30.6. every year for kokkola: 30.6.2026 is a Tuesday
# (10.2.2026 is one, 140 days = 20 weeks earlier), 29 days after 1.6.2026.
ctl -c "$C" --today 2026-06-01 --lang sv deadlines
status 0 "deadlines --lang sv"
has out "ti 30.6.2026   uppgift        Årsrapport till fullmäktige: Karleby stad  (om 29 dagar)" \
    "task deadline in Swedish"
ctl -c "$C" --today 2026-06-01 --lang en deadlines
has out "task           Vuosiraportti valtuustolle: Kokkolan kaupunki  (in 29 days)" \
    "task deadline in English"
ctl -c "$C" done raportti 2026-06-30
status 0 "done raportti"
ctl -c "$C" --today 2026-06-01 --lang sv deadlines
has out "Karleby stad  (om 29 dagar)  gjord" "a done task in Swedish"
ctl -c "$C" --today 2026-06-01 export --dir "$TMP/export"
status 0 "export"
# the Swedish deadlines.ics, its folded lines unfolded (RFC 5545 3.1)
awk '{ sub(/\r$/, "") } /^ / { printf "%s", substr($0, 2); next }
    NR > 1 { print "" } { printf "%s", $0 } END { print "" }' \
    "$TMP/export/sv/calendars/deadlines.ics" >"$TMP/sv.ics"
has sv.ics "DESCRIPTION:Karleby stad: Årsrapport till fullmäktige – 612/2021 6 § klar senast denna dag (varje år)." \
    "task description in Swedish"
ctl -c "$C" --today 2026-06-01 --lang sv done raportti 2026-06-30 --undo
status 0 "done --undo"

# --- the catalogues: valid, and every message translated ----------------------
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
    --keyword=C_:1c,2 --keyword=NC_:1c,2 -o "$TMP/now.pot" \
    core/*/*.c daemon/*.c cli/*.c 2>"$TMP/err" || fail "xgettext"
for l in $(cat po/LINGUAS); do
	if msgfmt --check -o /dev/null "po/$l.po" 2>"$TMP/err"; then ok; else
		fail "msgfmt --check po/$l.po"; cat "$TMP/err"; fi
	# every message of the source, translated (msgcmp counts an empty
	# or fuzzy msgstr as missing)
	if msgcmp "po/$l.po" "$TMP/now.pot" 2>"$TMP/err"; then ok; else
		fail "po/$l.po lacks translations (make update-po, then" \
		    "translate):"; head -20 "$TMP/err"; fi
done

if [ "$fails" -gt 0 ]; then
	echo "$ME: $fails failed, $n passed"
	exit 1
fi
echo "$ME: ok: $n assertions"
