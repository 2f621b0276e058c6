// check.mjs OUTDIR NAME=BASE... - the page, the year's table, the
// accessibility statement and the vuosikello of each running cadenced at
// BASE, in one Debian chromium driven by puppeteer-core:
//   - axe-core, WCAG 2.0 and 2.1 A and AA rules: 0 violations on / and
//     /saavutettavuus, at 1280 and 320 CSS px;
//   - reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px nor at
//     200 % zoom of a 1280 px window (640 CSS px at device scale 2);
//   - keyboard: the first Tab reaches a visible skip link, Enter moves
//     focus into <main>, every later Tab stop shows a focus outline;
//   - the wheel links to its text equivalent, 12 month tables;
//   - print: OUTDIR/NAME/NAME.pdf (A4) for the shell to read, and
//     OUTDIR/NAME/NAME-360.png, the page on a 360 px phone;
//   - the SVG (print and screen): A4, role="img", xml:lang, <title> and
//     <desc>; every <text> inside the picture; 3:1 contrast of holidays,
//     hatching, ring lines and mark outlines against white (computed
//     here from the SVG's colours); forum colour+shape pairs distinct;
//     every meeting's date in its forum's legend entry; no "today" in
//     print.
// Prints one line per finding and exits 1 on any.
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"),
  "utf8");
const [OUTDIR, ...SITES] = process.argv.slice(2);
let BASE, OUT, NAME;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
let failures = 0;
let checks = 0;
let allfailures = 0;
const fail = (msg) => { failures++; console.log(`a11y ${NAME}: FAIL: ${msg}`); };
const ok = () => { checks++; };

// WCAG 2.x relative luminance and contrast ratio
function luminance(hex) {
  const m = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a colour: ${hex}`);
  let h = m[1];
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  const ch = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate((tags) =>
    window.axe.run(document, { runOnly: { type: "tag", values: tags } }),
  TAGS);
  for (const v of res.violations)
    fail(`${label}: axe ${v.id} (${v.impact}): ${v.help}: ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
  if (res.violations.length === 0) ok();
  return res.passes.length;
}

async function reflow(page, url, width, scale, label) {
  await page.setViewport({ width, height: 800, deviceScaleFactor: scale });
  await page.goto(url, { waitUntil: "load" });
  const w = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
  }));
  if (w.scroll > w.view)
    fail(`${label}: scrolls sideways: ${w.scroll} px content in ${w.view} px`);
  else ok();
  return w;
}

// Tab through the page: skip link first and visible, Enter into main,
// every stop with an outline
async function keyboard(page, url) {
  await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load" });
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    const r = e.getBoundingClientRect();
    const cs = getComputedStyle(e);
    return { tag: e.tagName, cls: e.className, id: e.id,
      text: (e.textContent || "").trim().slice(0, 40),
      visible: r.width > 0 && r.height > 0 && r.right > 0 && r.left <
        window.innerWidth,
      outline: cs.outlineStyle !== "none" &&
        parseFloat(cs.outlineWidth) >= 2 };
  });
  await page.keyboard.press("Tab");
  let f = await focused();
  if (f.cls !== "skip" || !f.visible || !f.outline)
    fail(`first Tab: ${JSON.stringify(f)}, not a visible skip link`);
  else ok();
  await page.keyboard.press("Enter");
  f = await focused();
  if (f.id !== "sisalto") fail(`skip link led to ${JSON.stringify(f)}`);
  else ok();
  let stops = 0;
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    f = await focused();
    if (f.tag === "BODY") break;
    stops++;
    if (!f.outline) { fail(`no visible focus on ${JSON.stringify(f)}`); break; }
  }
  if (stops < 5) fail(`only ${stops} Tab stops after the skip link`);
  else ok();
  return stops;
}

// the year's tables hold every meeting, holiday and deadline of the year
// that the JSON API lists (the wheel's text equivalent is complete)
async function year_table(page) {
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll("#vuosi tbody tr")].filter((tr) =>
      tr.querySelector("th")).map((tr) => ({
      when: tr.querySelector("th").textContent,
      what: tr.querySelector("td").textContent,
      kind: tr.querySelector("td:last-child").textContent })));
  const y = /(\d{4})/.exec(await page.$eval("#vuosi h2",
    (h) => h.textContent))[1];
  // the kinds in the page's language (etc/pohjanmaa.conf is Swedish)
  const lang = await page.$eval("html", (h) => h.lang);
  const kinds = { fi: ["kokous", "pyhäpäivä", "määräaika"],
    sv: ["möte", "helgdag", "tidsfrist"],
    en: ["meeting", "holiday", "deadline"] }[lang] ||
    ["kokous", "pyhäpäivä", "määräaika"];
  const api = async (q) => (await fetch(BASE + q)).json();
  const fi = (iso) => { const [yy, mm, dd] = iso.slice(0, 10).split("-");
    return `${+dd}.${+mm}.${yy}`; };
  const want = {
    [kinds[0]]: (await api(`/api/v1/occurrences?from=${y}-01-01&to=${y}-12-31`))
      .map((o) => [fi(o.start), o.summary]),
    [kinds[1]]: (await api(`/api/v1/holidays?year=${y}`))
      .map((h) => [fi(h.date), h.name]),
    [kinds[2]]: (await api("/api/v1/deadlines"))
      .filter((d) => d.date.startsWith(y)).map((d) => [fi(d.date), d.title]),
  };
  for (const [kind, list] of Object.entries(want)) {
    const got = rows.filter((r) => r.kind === kind);
    if (got.length !== list.length)
      fail(`year table: ${got.length} rows of ${kind}, the API has ` +
        `${list.length}`);
    // by date: the text is in the config's first language, the API's in
    // Finnish (a Swedish-first config shows the difference)
    const lost = list.filter(([d]) => !got.some((r) => r.when.includes(d)));
    if (lost.length)
      fail(`year table: no row for ${kind} ${lost[0].join(" ")}` +
        (lost.length > 1 ? ` and ${lost.length - 1} more` : ""));
    else ok();
  }
}

async function page_checks(browser) {
  const page = await browser.newPage();
  // the page's Content-Security-Policy forbids scripts; axe is one
  await page.setBypassCSP(true);
  const stats = {};
  for (const p of ["/", "/saavutettavuus"]) {
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    const resp = await page.goto(BASE + p, { waitUntil: "load" });
    if (resp.status() !== 200) fail(`${p}: HTTP ${resp.status()}`);
    stats[p] = await axe(page, `${p} at 1280 px`);
    await reflow(page, BASE + p, 320, 1, `${p} at 320 px`);
    await axe(page, `${p} at 320 px`);
    await reflow(page, BASE + p, 640, 2, `${p} at 200 % zoom`);
  }
  stats.tabs = await keyboard(page, BASE + "/");

  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
  await page.goto(BASE + "/", { waitUntil: "load" });
  const year = await page.evaluate(() => ({
    link: !!document.querySelector('#vuosikello a[href="#vuosi"]'),
    months: [...document.querySelectorAll("#vuosi table.month caption")]
      .map((c) => c.textContent),
    rows: document.querySelectorAll("#vuosi tbody th[scope=row]").length,
    statement: !!document.querySelector('a[href="/saavutettavuus"]'),
  }));
  if (!year.link) fail("the wheel does not link to #vuosi"); else ok();
  if (year.months.length !== 12) fail(`${year.months.length} month tables`);
  else ok();
  if (!year.statement) fail("no link to /saavutettavuus"); else ok();
  stats.rows = year.rows;
  await year_table(page);

  // 360 px screenshot and the printed page
  await page.setViewport({ width: 360, height: 780, deviceScaleFactor: 1 });
  await page.goto(BASE + "/", { waitUntil: "load" });
  await page.screenshot({ path: path.join(OUT, `${NAME}-360.png`),
    fullPage: false });
  await page.emulateMediaType("print");
  await page.goto(BASE + "/", { waitUntil: "networkidle0" });
  await page.pdf({ path: path.join(OUT, `${NAME}.pdf`), format: "A4",
    printBackground: true, preferCSSPageSize: true });
  await page.close();
  return stats;
}

// the SVG at url, checked in the browser
async function wheel_checks(browser, url, print) {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 1200, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: "load" });
  const svg = await page.evaluate(() => {
    const s = document.documentElement;
    const box = s.getBoundingClientRect();
    const outside = [];
    for (const t of s.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 ||
          r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        outside.push(t.textContent);
    }
    const attr = (sel, a) => [...s.querySelectorAll(sel)]
      .map((e) => e.getAttribute(a)).filter((v) => v && v[0] === "#");
    const legend = [...s.querySelectorAll(".legend-forum")].map((g) => {
      // a shape is its number of corners and the direction of its first
      // corner from the centre, modulo the symmetry: a square and a
      // diamond, or a triangle up and one down, differ
      const m = g.firstElementChild;
      let sig = "circle";
      if (m.tagName !== "circle") {
        const xy = m.getAttribute("d").match(/-?[\d.]+/g).map(Number);
        const n = xy.length / 2;
        let cx = 0, cy = 0;
        for (let i = 0; i < n; i++) { cx += xy[2 * i] / n; cy += xy[2 * i + 1] / n; }
        const a = Math.atan2(xy[0] - cx, cy - xy[1]) * 180 / Math.PI;
        sig = `${n}-gon at ${Math.round((((a % (360 / n)) + 360) % (360 / n)))}`;
      }
      return { pair: `${m.getAttribute("fill")} ${sig}`,
        text: [...g.querySelectorAll("text")].map((t) => t.textContent)
          .join(" ") };
    });
    const meetings = [...s.querySelectorAll("g.meeting > title")]
      .map((t) => t.textContent);
    const idref = (s.getAttribute("aria-labelledby") || "").split(/\s+/)
      .filter((id) => id && document.getElementById(id));
    return {
      width: s.getAttribute("width"), height: s.getAttribute("height"),
      role: s.getAttribute("role"),
      lang: s.getAttributeNS("http://www.w3.org/XML/1998/namespace", "lang"),
      title: s.querySelector(":scope > title")?.textContent,
      desc: s.querySelector(":scope > desc")?.textContent,
      idref: idref.length, texts: s.querySelectorAll("text").length,
      outside, legend, meetings,
      today: s.querySelectorAll(".today").length +
        (s.textContent.includes("tänään") ? 1 : 0),
      holiday: attr(".holiday", "fill"),
      hatch: attr("#hatch line", "stroke"),
      hatchbg: attr("#hatch rect", "fill"),
      rings: attr("g.ring > circle", "stroke"),
      marks: attr("g.meeting > :not(title)", "stroke"),
    };
  });
  const label = print ? "print wheel" : "wheel";
  if (svg.width !== "210mm" || svg.height !== "297mm")
    fail(`${label}: ${svg.width} x ${svg.height}, not A4`); else ok();
  if (svg.role !== "img" || !/^(fi|sv|en)$/.test(svg.lang) || !svg.title ||
    !svg.desc ||
      svg.idref !== 2)
    fail(`${label}: role ${svg.role}, xml:lang ${svg.lang}, title ` +
      `${svg.title}, desc ${!!svg.desc}, labelledby ${svg.idref}`);
  else ok();
  if (svg.outside.length)
    fail(`${label}: ${svg.outside.length} texts cut: ` +
      svg.outside.slice(0, 3).join(" | "));
  else ok();
  if (print && svg.today) fail(`${label}: "today" in the print wheel`);
  else ok();
  const groups = { holiday: svg.holiday, hatch: svg.hatch,
    "ring line": svg.rings, "mark outline": svg.marks };
  let low = Infinity;
  for (const [what, cs] of Object.entries(groups)) {
    if (cs.length === 0 && what !== "hatch") continue;
    if (cs.length === 0) { fail(`${label}: no hatching`); continue; }
    for (const c of new Set(cs)) {
      const bg = what === "hatch" ? svg.hatchbg[0] : "#ffffff";
      const r = contrast(c, bg);
      low = Math.min(low, r);
      if (r < 3) fail(`${label}: ${what} ${c} on ${bg}: ${r.toFixed(2)}:1`);
    }
  }
  ok();
  const pairs = new Set(svg.legend.map((l) => l.pair));
  if (pairs.size !== svg.legend.length)
    fail(`${label}: ${svg.legend.length} forums, ${pairs.size} colour+shape ` +
      "pairs");
  else ok();
  // every meeting's date (d.m.) in its forum's legend entry
  let missing = 0;
  for (const t of svg.meetings) {
    const [when, title] = t.split(" – ");
    const forum = title.replace(
      / \((siirretty|alun perin|flyttat|moved).*\)$/, "");
    const m = /(\d+)\.(\d+)\.\d{4}/.exec(when);
    const e = svg.legend.find((l) => l.text.replace(/^\d+\. /, "")
      .startsWith(forum + " "));
    const at = e ? e.text.search(/(Kokoukset|Möten|Meetings) \d{4}:/) : -1;
    const dates = at >= 0 ? e.text.slice(at) : "";
    if (!m || !dates.includes(` ${m[1]}.${m[2]}.`)) {
      if (missing++ < 3) fail(`${label}: "${t}" has no date in the legend`);
    }
  }
  if (!missing) ok();
  await page.close();
  return { texts: svg.texts, forums: svg.legend.length,
    meetings: svg.meetings.length, contrast: low.toFixed(2) };
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  userDataDir: fs.mkdtempSync(path.join(OUTDIR, "chromium-")),
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--font-render-hinting=none"],
});
for (const site of SITES) {
  NAME = site.slice(0, site.indexOf("="));
  BASE = site.slice(site.indexOf("=") + 1);
  OUT = path.join(OUTDIR, NAME);
  failures = checks = 0;
  try {
    const s = await page_checks(browser);
    const w = await wheel_checks(browser, BASE + "/vuosikello.svg", false);
    const p = await wheel_checks(browser, BASE + "/vuosikello.svg?print=1",
      true);
    console.log(`a11y ${NAME}: axe rules passed on / ${s["/"]}, on the ` +
      `statement ${s["/saavutettavuus"]}; ${s.tabs} Tab stops; ${s.rows} ` +
      `rows in the year's tables; wheel: ${w.forums} forums, ${w.meetings} ` +
      `marks, ${w.texts} texts inside, lowest non-text contrast ` +
      `${w.contrast}:1; print wheel ${p.texts} texts`);
  } catch (e) {
    fail(`${e.stack || e}`);
  }
  console.log(`a11y ${NAME}: ${checks} checks, ${failures} failed`);
  allfailures += failures;
}
await browser.close();
process.exit(allfailures ? 1 : 0);
