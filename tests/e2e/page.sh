#!/bin/sh
# page.sh - the page at / as a browser shows it (issue: vuosikello): the
# daemon serves the page with this year's wheel, the wheel of another
# year on request, and headless Chromium renders the page to a PNG
# that is not blank and that shows the wheel (the SVG's colours).
B=${B:-build}
PY=/usr/bin/python3
ME=page.sh
. tests/e2e/lib/daemon.sh
T=$(mktemp -d) || exit 1
pid=""
n=0
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	[ -n "$KEEP" ] && cp "$T"/*.png /tmp/ 2>/dev/null; rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fail() { echo "$ME: FAIL: $*"; tail -n 20 "$T/log" 2>/dev/null; exit 1; }
ok() { n=$((n + 1)); }

daemon_conf etc/kainuu.conf "$T/k.conf" state
daemon_start "$T/k.conf" 2026-11-23 "$T/log"

curl -sf "$BASE/" >"$T/page.html" || fail "GET /"
grep -q 'src="/vuosikello.svg"' "$T/page.html" || fail "no wheel on the page"
grep -q 'vuosikello.svg?year=2025' "$T/page.html" &&
    grep -q 'vuosikello.svg?year=2027' "$T/page.html" ||
    fail "no links to the previous and next year"; ok

# this year's wheel is the CLI's, byte for byte; other years on request
curl -sf -D "$T/h" "$BASE/vuosikello.svg" >"$T/this.svg" || fail "GET wheel"
grep -qi '^content-type: image/svg+xml' "$T/h" || fail "wheel content type"
"$B/cadencectl" -c "$T/k.conf" --today 2026-11-23 wheel >"$T/cli.svg"
cmp -s "$T/this.svg" "$T/cli.svg" || fail "daemon and CLI wheels differ"; ok
curl -sf "$BASE/vuosikello.svg?year=2027" >"$T/next.svg" || fail "2027 wheel"
xmllint --noout "$T/next.svg" || fail "2027 wheel not XML"
grep -q '>2027<' "$T/next.svg" || fail "2027 wheel is not of 2027"; ok
# the print wheel: the CLI's --print, without today; the page links it
curl -sf "$BASE/vuosikello.svg?print=1" >"$T/print.svg" || fail "print wheel"
"$B/cadencectl" -c "$T/k.conf" --today 2026-11-23 wheel --print >"$T/cp.svg"
cmp -s "$T/print.svg" "$T/cp.svg" || fail "daemon and CLI print wheels differ"
grep -q 'tänään' "$T/this.svg" || fail "no today on the screen wheel"
grep -q 'tänään\|class="today"' "$T/print.svg" && fail "today in print"
grep -q 'href="/vuosikello.svg?print=1"' "$T/page.html" ||
    fail "no print link on the page"; ok
# where each forum meets (etc/kainuu.conf): kuntakohtainen neuvottelu at
# each member's own place (location = "member"), the working group in
# turn at the nine places of its location_rotation
grep -q '<dt>Paikka</dt><dd>kunkin osapuolen omissa tiloissa</dd>' \
    "$T/page.html" || fail "no place of a location = member forum"
grep -q '<dt>Paikka</dt><dd>vuorotellen: Kajaani, hyvinvointialueen '\
'hallintorakennus; Kajaanin kaupungintalo; Sotkamon kunnantalo; ' "$T/page.html" ||
    fail "no places of the rotation"
[ "$(grep -c '<dt>Paikka</dt>' "$T/page.html")" = 4 ] ||
    fail "not one place per forum"; ok
c=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/saavutettavuus")
[ "$c" = 200 ] || fail "/saavutettavuus gave $c"; ok
for q in year=1990 year=abc year=20277 print=2 print=yes; do
	c=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/vuosikello.svg?$q")
	[ "$c" = 400 ] || fail "vuosikello.svg?$q gave $c, not 400"
done; ok

if command -v chromium >/dev/null 2>&1; then
	(cd "$T" && HOME="$T" timeout 90 chromium --headless --no-sandbox \
	    --disable-gpu --no-first-run --disable-background-networking \
	    --screenshot="$T/page.png" --window-size=1000,4200 \
	    "$BASE/" >/dev/null 2>&1) || fail "chromium failed"
	$PY - "$T/page.png" <<'PYEOF' || fail "page rendering is blank or has no wheel"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
colours = dict((c, n) for n, c in im.getcolors(maxcolors=1 << 22))
dark = sum(n for (r, g, b), n in colours.items() if r + g + b < 200)
# the wheel's month band (#f4f7fb) and the forums' Okabe-Ito colours
wheel = [c for c in ((0xf4, 0xf7, 0xfb), (0x00, 0x72, 0xB2),
                     (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73))
         if colours.get(c, 0) > 20]
print(f"page.sh: png {im.size[0]}x{im.size[1]}, {len(colours)} colours, "
      f"{dark} dark pixels, wheel colours {len(wheel)}/4")
assert dark > 5000 and len(wheel) >= 3
PYEOF
	ok
else
	echo "$ME: chromium missing, rendering not checked"
fi
echo "$ME: ok: $n checks"
