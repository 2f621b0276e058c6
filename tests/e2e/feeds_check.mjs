// feeds_check.mjs - the exported feeds expanded by Mozilla's ical.js
// (tests/e2e/icaljs), a second RFC 5545 implementation next to
// feeds_check.py's python3-icalendar.
//
//	node feeds_check.mjs EXPORTDIR...
//
// Each EXPORTDIR holds calendars/... (from `cadencectl export --dir`) and
// expected.json (written by feeds_check.py from `cadencectl occurrences
// --json`): {"from", "to", "feeds": {"calendars/all.ics": [[uid, rid,
// start, end, status], ...]}} with UTC times.  Every feed is expanded
// with ical.js, using only the feed's own VTIMEZONE (ical.js knows no
// IANA zones, so a wrong VTIMEZONE shows up as wrong UTC times), and the
// set of (uid, recurrence-id, start, end, status) must equal the
// expected one, cancelled and moved instances included.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const PROG = 'feeds_check.mjs';
const require = createRequire(new URL('./icaljs/package.json',
    import.meta.url));
let ICAL;
try {
	ICAL = require('ical.js');
} catch (e) {
	console.log(`${PROG}: FAIL: cannot load ical.js (npm ci in ` +
	    `tests/e2e/icaljs): ${e.message}`);
	process.exit(1);
}

const MAX_INSTANCES = 100000;	// per series: the loop is bounded
const LAST_YEAR = 2100;
let failures = 0;

function fail(where, msg) {
	failures++;
	console.log(`  ${where}: ${msg}`);
}

function utc(t) {
	// ICAL.Time -> "2026-02-03T07:00:00Z" through the time's own zone
	if (t.isDate)
		throw new Error(`all-day time ${t.toString()}`);
	if (t.zone === ICAL.Timezone.localTimezone)
		throw new Error(`floating or unknown zone: ${t.toString()}`);
	return new Date(t.toUnixTime() * 1000).toISOString()
	    .replace('.000Z', 'Z');
}

function expand(where, text) {
	const vcal = new ICAL.Component(ICAL.parse(text));
	const out = [];

	ICAL.TimezoneService.reset();
	const zones = vcal.getAllSubcomponents('vtimezone');
	if (zones.length !== 1)
		fail(where, `${zones.length} VTIMEZONEs, want 1`);
	for (const z of zones)
		ICAL.TimezoneService.register(z);

	const masters = new Map();
	const exceptions = [];
	for (const c of vcal.getAllSubcomponents('vevent')) {
		// exceptions: [] - by default ical.js relates every
		// RECURRENCE-ID VEVENT of the calendar to each master, of any
		// UID (it expects one object per UID, as in CalDAV); a feed
		// holds many, so they are related by UID below
		const ev = new ICAL.Event(c, { strictExceptions: true,
		    exceptions: [] });
		if (ev.isRecurrenceException())
			exceptions.push(ev);
		else if (masters.has(ev.uid))
			fail(where, `${ev.uid}: two master VEVENTs`);
		else
			masters.set(ev.uid, ev);
	}
	for (const ex of exceptions) {
		const m = masters.get(ex.uid);
		if (m === undefined)
			fail(where, `${ex.uid}: RECURRENCE-ID ` +
			    `${ex.recurrenceId} without a master`);
		else
			m.relateException(ex);
	}

	for (const [uid, ev] of masters) {
		// a party feed ends with its tasks' all-day deadlines (SPEC
		// 10.3), checked against deadlines --json by feeds_check.py
		if (uid.startsWith('task-') && ev.startDate.isDate)
			continue;
		const it = ev.iterator();
		let n = 0, next;
		while ((next = it.next()) && next.year <= LAST_YEAR) {
			if (++n > MAX_INSTANCES) {
				fail(where, `${uid}: more than ${MAX_INSTANCES} ` +
				    'instances');
				break;
			}
			const d = ev.getOccurrenceDetails(next);
			const st = d.item.component.getFirstPropertyValue('status');
			try {
				out.push([uid, utc(d.recurrenceId),
				    utc(d.startDate), utc(d.endDate),
				    (st || 'CONFIRMED').toUpperCase()]);
			} catch (e) {
				fail(where, `${uid}: ${e.message}`);
			}
		}
	}
	ICAL.TimezoneService.reset();
	return out;
}

function checkDir(dir) {
	const exp = JSON.parse(readFileSync(path.join(dir, 'expected.json'),
	    'utf8'));
	let nfeeds = 0, ninst = 0;

	for (const [rel, want] of Object.entries(exp.feeds)) {
		const where = `${path.basename(dir)}:${rel}`;
		let got;
		try {
			got = expand(where, readFileSync(path.join(dir, rel),
			    'utf8'));
		} catch (e) {
			fail(where, `ical.js: ${e.message}`);
			continue;
		}
		const key = (t) => JSON.stringify(t);
		const gs = new Set(got.map(key)), ws = new Set(want.map(key));
		if (gs.size !== got.length)
			fail(where, 'duplicate instances after expansion');
		for (const k of [...ws].sort())
			if (!gs.has(k))
				fail(where, `missing from the feed: ${k}`);
		for (const k of [...gs].sort())
			if (!ws.has(k))
				fail(where, `in the feed, not in occurrences ` +
				    `--json: ${k}`);
		nfeeds++;
		ninst += got.length;
	}
	console.log(`  ${dir}: ${nfeeds} feeds, ${ninst} instances (ical.js)`);
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
	console.log(`usage: node ${PROG} EXPORTDIR...`);
	process.exit(2);
}
for (const d of dirs) {
	try {
		checkDir(d);
	} catch (e) {
		fail(d, e.message);
	}
}
if (failures) {
	console.log(`${PROG}: FAIL: ${failures} problems`);
	process.exit(1);
}
const ver = JSON.parse(readFileSync(require.resolve(
	    'ical.js/package.json'), 'utf8')).version;
console.log(`${PROG}: ok: ical.js ${ver} agrees in ` +
    `${dirs.length} exports`);
