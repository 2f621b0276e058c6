// interop_read.mjs - calendar readers of node.js for tests/e2e/interop.py
// (SPEC § 10.6): every FILE expanded the way their users expand a
// subscribed feed, printed as JSON {FILE: [[uid, start, end, status],
// ...]} with UTC times.
//
//	TZ=Europe/Helsinki node interop_read.mjs icaljs|nodeical FROM TO FILE...
//
// icaljs: Mozilla ical.js 2.x (tests/e2e/interop/package.json), the feed's
// own VTIMEZONE registered, RECURRENCE-ID VEVENTs related to the master
// of the same UID (ical.js expects one object per UID, as in CalDAV).
// nodeical: node-ical, with rrule.between() over FROM..TO, the local-time
// correction from node-ical's README and its exdate / recurrences maps
// (keyed by the ISO date).  node-ical reads no RDATE.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('./interop/package.json',
    import.meta.url));
const [reader, fromArg, toArg, ...files] = process.argv.slice(2);
const FROM = new Date(`${fromArg}T00:00:00Z`);
const TO = new Date(`${toArg}T23:59:59Z`);

function iso(d) {
	return new Date(d).toISOString().replace('.000Z', 'Z');
}

async function icaljs() {
	const ICAL = (await import(require.resolve('ical.js'))).default;
	return (text) => {
		const vcal = new ICAL.Component(ICAL.parse(text));
		const out = [];
		ICAL.TimezoneService.reset();
		for (const z of vcal.getAllSubcomponents('vtimezone'))
			ICAL.TimezoneService.register(z);
		const masters = new Map(), exceptions = [];
		for (const c of vcal.getAllSubcomponents('vevent')) {
			const ev = new ICAL.Event(c, { strictExceptions: true,
			    exceptions: [] });
			if (ev.isRecurrenceException())
				exceptions.push(ev);
			else
				masters.set(ev.uid, ev);
		}
		for (const ex of exceptions)
			masters.get(ex.uid)?.relateException(ex);
		for (const [uid, ev] of masters) {
			const it = ev.iterator();
			let next, n = 0;
			while ((next = it.next()) && n++ < 100000) {
				const d = ev.getOccurrenceDetails(next);
				if (d.startDate.toJSDate() > TO)
					break;
				const st = d.item.component
				    .getFirstPropertyValue('status');
				out.push([uid, iso(d.startDate.toJSDate()),
				    iso(d.endDate.toJSDate()),
				    (st || 'CONFIRMED').toUpperCase()]);
			}
		}
		ICAL.TimezoneService.reset();
		return out;
	};
}

async function nodeical() {
	const ical = require('node-ical');
	const moment = require('moment-timezone');
	return (text) => {
		const out = [];
		const data = ical.sync.parseICS(text);
		const status = (e) => (e.status || 'CONFIRMED').toUpperCase();
		for (const ev of Object.values(data)) {
			if (ev.type !== 'VEVENT')
				continue;
			if (!ev.rrule) {
				out.push([ev.uid, iso(ev.start), iso(ev.end),
				    status(ev)]);
				continue;
			}
			const dur = ev.end - ev.start;
			for (let date of ev.rrule.between(FROM, TO, true)) {
				if (ev.rrule.origOptions.tzid) {
					// node-ical's README: rrule gives local
					// times as UTC; shift by the zone's offset
					const tz = moment.tz.zone(moment.tz.guess());
					const off = tz.utcOffset(date);
					date = moment(date).add(off, 'minutes')
					    .toDate();
				}
				const key = date.toISOString().slice(0, 10);
				if (ev.exdate && ev.exdate[key])
					continue;
				const o = ev.recurrences && ev.recurrences[key];
				if (o)
					out.push([ev.uid, iso(o.start), iso(o.end),
					    status(o)]);
				else
					out.push([ev.uid, iso(date),
					    iso(date.getTime() + dur), status(ev)]);
			}
		}
		return out;
	};
}

const readers = { icaljs, nodeical };
if (!readers[reader] || files.length === 0) {
	console.error('usage: node interop_read.mjs icaljs|nodeical FROM TO ' +
	    'FILE...');
	process.exit(2);
}
const read = await readers[reader]();
const result = {};
for (const f of files) {
	try {
		result[f] = read(readFileSync(f, 'utf8'));
	} catch (e) {
		result[f] = { error: String(e && e.message || e) };
	}
}
process.stdout.write(JSON.stringify(result));
