#!/bin/sh
# The vuosikello (cadencectl wheel): well-formed, self-contained SVG with
# every forum and month, one mark per occurrence of the year, cancelled
# meetings drawn hollow, and a rendering in headless Chromium that is
# not blank.
set -eu
B=${B:-build}
CTL="$PWD/$B/cadencectl"
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
fail() { echo "wheel.sh: FAIL: $*" >&2; exit 1; }
ok() { n=$((n + 1)); }

sed 's|^state_dir *=.*|state_dir = "state";|' etc/kainuu.conf >"$tmp/k.conf"
ctl() { "$CTL" -c "$tmp/k.conf" --today 2026-11-23 "$@"; }

ctl wheel --year 2026 >"$tmp/w.svg" || fail "wheel exit status $?"
xmllint --noout "$tmp/w.svg" || fail "not well-formed XML"; ok
grep -q 'href=\|@import\|<script' "$tmp/w.svg" &&
    fail "SVG refers to something outside itself"; ok

for m in tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu \
    elokuu syyskuu lokakuu marraskuu joulukuu; do
	grep -q ">$m<" "$tmp/w.svg" || fail "month $m missing"; ok
done
ctl forums --json | $PY -c '
import json, sys
for f in json.load(sys.stdin): print(f["name"])' >"$tmp/names"
while IFS= read -r name; do
	grep -qF "$name" "$tmp/w.svg" || fail "forum '$name' missing"; ok
done <"$tmp/names"

# one mark per occurrence of the year, as `occurrences` counts them
count_occ() {
	ctl occurrences --from 2026-01-01 --to 2026-12-31 --json "$@" |
	    $PY -c 'import json, sys; print(len(json.load(sys.stdin)))'
}
count_marks() { grep -c "$1" "$2" || true; }
want=$(count_occ)
[ "$want" -gt 20 ] || fail "only $want occurrences in 2026?"
got=$(count_marks '<g class="meeting ' "$tmp/w.svg")
[ "$got" = "$want" ] || fail "$got meeting marks, $want occurrences"; ok
[ "$(count_marks 'meeting cancelled' "$tmp/w.svg")" = 0 ] ||
    fail "cancelled marks before anything was cancelled"; ok

# cancel one meeting: exactly one hollow mark, the rest filled
first=$(ctl occurrences --from 2026-03-01 --to 2026-12-31 --forum \
    hytetu-tyoryhma --json | $PY -c '
import json, sys; print(json.load(sys.stdin)[0]["start"][:10])')
ctl cancel hytetu-tyoryhma "$first" --reason "testi" >/dev/null ||
    fail "cancel $first"
ctl wheel --year 2026 >"$tmp/c.svg"
[ "$(count_marks '<g class="meeting ' "$tmp/c.svg")" = "$want" ] ||
    fail "a cancelled meeting must stay on the wheel"; ok
[ "$(count_marks 'meeting cancelled' "$tmp/c.svg")" = 1 ] ||
    fail "not exactly one cancelled mark"; ok
$PY - "$tmp/c.svg" <<'PYEOF' || fail "cancelled mark not drawn differently"
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
fills = {}
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    cls = g.get("class", "")
    if not cls.startswith("meeting "):
        continue
    shape = [e for e in g if not e.tag.endswith("title")][0]
    title = g.find("s:title", ns).text
    fills.setdefault(cls.split()[1], []).append((shape.get("fill"), title))
c = fills["cancelled"]
assert len(c) == 1 and c[0][0] == "#ffffff", c
assert "PERUTTU" in c[0][1], c
assert all(f != "#ffffff" for f, _ in fills["confirmed"])
assert all(t.split()[0] in ("ma", "ti", "ke", "to", "pe") for _, t in
           fills["confirmed"]), "title does not start with a weekday"
PYEOF
ok

# --forum draws only that forum
ctl wheel --year 2026 --forum kuntaneuvottelu >"$tmp/f.svg"
[ "$(count_marks '<g class="meeting ' "$tmp/f.svg")" = \
    "$(count_occ --forum kuntaneuvottelu)" ] || fail "--forum count"; ok
[ "$(count_marks 'class="ring"' "$tmp/f.svg")" = 1 ] || fail "--forum rings"
ok

# bad input
set +e
ctl wheel --year 1900 >/dev/null 2>"$tmp/err"; [ $? = 1 ] || fail "year 1900"
grep -qxF "cadencectl: --year '1900' ei ole vuosi väliltä 1991–2100" \
    "$tmp/err" || fail "year 1900: the reason names 1991–2100"
ctl --lang en wheel --year 2101 >/dev/null 2>"$tmp/err"
grep -qxF "cadencectl: --year '2101' is not a year between 1991 and 2100" \
    "$tmp/err" || fail "year 2101: the reason in English"
ctl wheel --forum nosuch >/dev/null 2>&1; [ $? = 1 ] || fail "unknown forum"
ctl wheel --colour red >/dev/null 2>&1; [ $? = 2 ] || fail "unknown option"
set -e
ok

# Chromium draws it, and the drawing is not blank
if command -v chromium >/dev/null 2>&1; then
	(cd "$tmp" && timeout 60 chromium --headless --no-sandbox \
	    --disable-gpu --no-first-run --disable-background-networking \
	    --screenshot="$tmp/w.png" --window-size=800,1131 \
	    "file://$tmp/w.svg" >/dev/null 2>&1) || fail "chromium failed"
	$PY - "$tmp/w.png" <<'PYEOF' || fail "rendered wheel is blank"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
colours = im.getcolors(maxcolors=1 << 20)
dark = sum(n for n, (r, g, b) in colours if r + g + b < 200)
print(f"wheel.sh: png {im.size[0]}x{im.size[1]}, {len(colours)} colours, "
      f"{dark} dark pixels")
assert len(colours) > 50 and dark > 2000
PYEOF
	ok
else
	echo "wheel.sh: chromium missing, rendering not checked"
fi
echo "wheel.sh: ok: $n assertions"
