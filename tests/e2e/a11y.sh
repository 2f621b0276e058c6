#!/bin/sh
# a11y.sh - the page, the year's table, /saavutettavuus and the
# vuosikello for people (issue 15), for every example config etc/*.conf
# and for a generated config with 24 forums: axe-core (WCAG 2.0/2.1 A
# and AA) with 0 violations, reflow at 320 CSS px and 200 % zoom, the
# keyboard, the SVG (A4, no text cut, 3:1 non-text contrast, distinct
# forum marks, dates in the legend) in Debian's chromium through
# puppeteer-core (tests/e2e/a11y/check.mjs, npm packages from the
# committed package-lock.json); xmllint on both wheels; and the printed
# page (PDF from chromium, read with pdftotext): the agreement's
# appendix, without subscribe instructions and without "tänään".
# KEEP=DIR keeps the PDFs, PNGs (pdftoppm) and screenshots there.
B=${B:-build}
PY=/usr/bin/python3
ME=a11y.sh
HERE=tests/e2e/a11y
. tests/e2e/lib/daemon.sh
TODAY=2026-11-23
T=$(mktemp -d) || exit 1
pid=""
pids=""
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "$ME: FAIL: $*"; tail -n 20 "$T/log" 2>/dev/null; exit 1; }

need_programs "$B/cadenced" "$B/cadencectl" /usr/bin/chromium
for p in node xmllint pdftotext pdftoppm pdfinfo; do
	command -v $p >/dev/null 2>&1 ||
	    fail "no $p (scripts/install-deps.sh installs it)"
done
if [ ! -f "$HERE/node_modules/puppeteer-core/package.json" ] ||
    [ ! -f "$HERE/node_modules/axe-core/package.json" ]; then
	command -v npm >/dev/null 2>&1 || fail "no npm to install axe-core"
	echo "$ME: installing axe-core and puppeteer-core into $HERE"
	(cd "$HERE" && PUPPETEER_SKIP_DOWNLOAD=1 timeout 300 npm ci \
	    --no-audit --no-fund --loglevel=error) || fail "npm ci in $HERE"
fi

# one daemon per config, all at once: one browser checks them all
$PY "$HERE/gen_forums.py" "$T/suuri-24.conf" 24 || fail "gen_forums.py"
sites=""
names=""
for conf in ${A11Y_CONFIGS:-etc/*.conf "$T/suuri-24.conf"}; do
	name=$(basename "$conf" .conf)
	mkdir "$T/$name" || fail "mkdir"
	daemon_conf "$conf" "$T/$name/c.conf" state
	daemon_start "$T/$name/c.conf" "$TODAY" "$T/log"
	pids="$pids $pid"
	for q in "" "?print=1"; do
		curl -sf "$BASE/vuosikello.svg$q" >"$T/$name/w.svg" ||
		    fail "$name: GET /vuosikello.svg$q"
		xmllint --noout "$T/$name/w.svg" ||
		    fail "$name: vuosikello.svg$q is not well-formed"
	done
	grep -q 'class="today"' "$T/$name/w.svg" &&
	    fail "$name: today in print"
	curl -sf "$BASE/" >"$T/$name/page.html" || fail "$name: GET /"
	sites="$sites $name=$BASE"
	names="$names $name"
done
status=0
timeout 900 node "$HERE/check.mjs" "$T" $sites || status=1

# the printed page: the agreement's appendix
for name in $names; do
	pdf=$T/$name/$name.pdf
	[ -s "$pdf" ] || { status=1; continue; }
	pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
	pdftotext -layout "$pdf" "$T/$name/print.txt" || fail "pdftotext"
	# the words of the page's language (etc/pohjanmaa.conf is Swedish)
	if grep -q '<html lang="sv"' "$T/$name/page.html" 2>/dev/null; then
		set -- "i dag" "Så prenumererar" "webcal" "Prenumerera i" \
		    "Kommande möten" -- "Forum" "Rytm" \
		    "Året 2026 månad för månad" "December 2026"
	else
		set -- "tänään" "Näin tilaat" "webcal" "Tilaa kalenteriin" \
		    "Seuraavat kokoukset" -- "Foorumit" "Rytmi" \
		    "Vuosi 2026 kuukausittain" "Joulukuu 2026"
	fi
	for bad in "$@"; do
		[ "$bad" = -- ] && break
		shift
		if grep -q "$bad" "$T/$name/print.txt"; then
			echo "$ME: FAIL: $name: \"$bad\" in the printed page"
			status=1
		fi
	done
	shift
	for want in "$@"; do
		grep -q "$want" "$T/$name/print.txt" || {
			echo "$ME: FAIL: $name: no \"$want\" in the printed page"
			status=1
		}
	done
	echo "$ME: $name: printed page: $pages A4 pages"
	if [ -n "$KEEP" ]; then
		mkdir -p "$KEEP"
		pdftoppm -r 60 -png "$pdf" "$KEEP/$name-print"
		cp "$pdf" "$T/$name/$name-360.png" "$KEEP/"
		cp "$T/$name/w.svg" "$KEEP/$name-print.svg"
	fi
done
[ "$status" = 0 ] || exit 1
echo "$ME: ok: $(echo $names | wc -w) configs"
