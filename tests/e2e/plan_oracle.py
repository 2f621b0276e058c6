#!/usr/bin/python3
"""plan_oracle.py - an independent implementation of the planning rules of
SPEC § 4, for tests/e2e/plan_oracle.sh.

Nothing here comes from the C code: the config is read by a small
libconfig-subset parser below, candidates come from python-dateutil's
rrule, holidays from python3-holidays (holidays.Finland), and every rule
is written from the text of SPEC § 4 (the one number SPEC lacks, the
two-year limit of a move, is the engine's documented choice).

  plan_oracle.py [--today D] --from D --to D CONFIG
      print the occurrences as `cadencectl occurrences --json` would
  plan_oracle.py --ctl CADENCECTL [--today D] --from D --to D CONFIG...
      run cadencectl on every CONFIG over the same window and compare;
      exit 1 with the first differences when they disagree
  plan_oracle.py --ctl CADENCECTL --fuzz N [--seed S] [--strict] --from D
      --to D
      the same on N random configs (every feature of SPEC § 4; --strict
      adds mid-month council terms and night-time meetings on DST days)

How the rules are read (SPEC § 4; where SPEC is silent or ambiguous the
choice is marked *):
  - working day: Mon-Fri, not a holiday (holidays = "FI", the default;
    "none" turns them off), not in extra_holidays;
  - candidates: dateutil rrule from DTSTART = start + time (local, naive);
    dateutil yields DTSTART only when the rule produces it, and COUNT and
    UNTIL count and stop as in dateutil (a UTC UNTIL is an instant, a
    floating or DATE UNTIL a local wall-clock time);
  - per_term: per council term, the week-th weekday (week -1 = last) of
    month in the term's year-th year, year N = [term start + 12(N-1)
    months, term start + 12N months).  *The date must fall inside that
    span (for a term that starts on the 1st this is simply "the month in
    that year") *and inside the term; *a candidate before `start` is not
    planned; *no week-th weekday (week 5) means no candidate;
  - start defaults to January 1 of the --today year;
  - blackouts (global + the forum's own + for a for_each member that
    party's; MM-DD inclusive, to < from wraps over New Year) drop a
    candidate by its original date;
  - on_holiday next/previous: the nearest following/preceding working day
    that is not blacked out (same blackout set); skip drops, keep keeps;
    a move keeps the time of day; *a move searches at most 732 days
    (MAX_SHIFT, the engine's documented limit; SPEC names none), else
    the meeting is dropped;
  - *duplicate dates: a moved occurrence is dropped when its new date is
    the date of an unmoved occurrence of the same series, or of a moved
    one with an earlier candidate (the earlier candidate keeps the day);
  - for_each: one series per party in list order; spread: an occurrence
    on a day used by an earlier member moves forward to the next working,
    non-blacked-out (member's set) day that no earlier member uses, within
    732 days; the same duplicate rule applies to that move;
  - first_convenor: the first final occurrence of the series (the earliest
    after all drops and moves) is its own series <forum>.first@<domain>,
    convened by first_convenor;
  - moved_from = the original candidate start (= recurrence_id) when the
    date moved by a rule, else null; status CONFIRMED (no overrides: the
    test runs on a fresh state_dir);
SPEC § 10.1/10.2 (the second edition):
  - a blackout { week = N; } is Monday-Sunday of ISO week N of every year
    (datetime's isocalendar());
  - groups: a group id in for_each is one series <forum>.<group>@<domain>
    (party null) whose blackouts are every member's; in participants it
    stands for its members;
  - the blackouts of every participant count for the forum too unless it
    says party_blackouts = false;
  - convenor = "member": each for_each party convenes its own series;
  - extra dates: one occurrence per series (every series with for_each)
    at the given date and time (default: the forum's), never moved or
    dropped; *one at the RECURRENCE-ID of a rule candidate adds nothing;
    *an extra is never the first_convenor's meeting;
  - first_scope = "term": per council term, the first rule occurrence
    whose final date is in the term is series
    <forum>.first-<term start year>@<domain>;
  - moved = "holiday" / "spread" / null (*a meeting moved by both rules
    says "holiday", the first to move it);
  - location: location_rotation[k mod n] for the k-th rule candidate from
    start (k counts every candidate, dropped or not; an extra has none),
    the member party's location with location = "member", else the
    forum's location.
  - *local times that a DST change skips or repeats get the offset RFC
    5545 3.3.5 gives them (the one before the gap; the first of the two),
    i.e. zoneinfo's fold=0; *end = start + duration as elapsed minutes.
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys

from dateutil import rrule as du_rrule
from zoneinfo import ZoneInfo

try:
    import holidays as pyholidays
except ImportError:  # pragma: no cover
    sys.exit("plan_oracle: /usr/bin/python3 cannot import holidays "
             "(apt-get install python3-holidays)")


# --- a libconfig subset --------------------------------------------------

class ConfigSyntaxError(Exception):
    pass


_TOKEN = re.compile(r'''
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<float>[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?
        |[-+]?[0-9]+[eE][-+]?[0-9]+)
  | (?P<hex>0[xX][0-9A-Fa-f]+L{0,2})
  | (?P<int>[-+]?[0-9]+L{0,2})
  | (?P<bool>(?i:true|false)(?![-A-Za-z0-9_*]))
  | (?P<name>[A-Za-z*][-A-Za-z0-9_*]*)
  | (?P<punct>[=:;,{}()\[\]])
''', re.VERBOSE | re.DOTALL)

_ESC = {'"': '"', '\\': '\\', 'n': '\n', 't': '\t', 'r': '\r', 'f': '\f',
        'a': '\a', 'b': '\b', 'v': '\v'}


def _unquote(s):
    out = []
    i = 1
    while i < len(s) - 1:
        c = s[i]
        if c == '\\':
            n = s[i + 1]
            if n == 'x':
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append(_ESC.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return ''.join(out)


def _tokenize(text):
    toks = []
    pos = 0
    line = 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ConfigSyntaxError("line %d: cannot read %r"
                                    % (line, text[pos:pos + 20]))
        kind = m.lastgroup
        val = m.group()
        if kind not in ('ws', 'comment'):
            toks.append((kind, val, line))
        line += val.count('\n')
        pos = m.end()
    toks.append(('eof', '', line))
    return toks


class _Parser:
    def __init__(self, text):
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def expect(self, val):
        t = self.take()
        if t[1] != val:
            raise ConfigSyntaxError("line %d: expected %r, got %r"
                                    % (t[2], val, t[1]))

    def settings(self, end):
        group = {}
        while self.peek()[1] != end and self.peek()[0] != 'eof':
            kind, name, line = self.take()
            if kind != 'name':
                raise ConfigSyntaxError("line %d: expected a name, got %r"
                                        % (line, name))
            t = self.take()
            if t[1] not in ('=', ':'):
                raise ConfigSyntaxError("line %d: expected '=' after %s"
                                        % (t[2], name))
            if name in group:
                raise ConfigSyntaxError("line %d: duplicate %s"
                                        % (line, name))
            group[name] = self.value()
            if self.peek()[1] in (';', ','):
                self.take()
        if end == 'eof':
            if self.peek()[0] != 'eof':
                raise ConfigSyntaxError("line %d: unexpected %r"
                                        % (self.peek()[2], self.peek()[1]))
        else:
            self.expect(end)
        return group

    def seq(self, end):
        out = []
        if self.peek()[1] == end:
            self.take()
            return out
        while True:
            out.append(self.value())
            t = self.take()
            if t[1] == end:
                return out
            if t[1] != ',':
                raise ConfigSyntaxError("line %d: expected ',' or %r"
                                        % (t[2], end))

    def value(self):
        kind, val, line = self.take()
        if kind == 'punct' and val == '{':
            return self.settings('}')
        if kind == 'punct' and val == '(':
            return self.seq(')')
        if kind == 'punct' and val == '[':
            return self.seq(']')
        if kind == 'string':
            s = _unquote(val)
            while self.peek()[0] == 'string':    # "a" "b" concatenates
                s += _unquote(self.take()[1])
            return s
        if kind == 'bool':
            return val.lower() == 'true'
        if kind == 'hex':
            return int(val.rstrip('L'), 16)
        if kind == 'int':
            return int(val.rstrip('L'))
        if kind == 'float':
            return float(val)
        raise ConfigSyntaxError("line %d: unexpected %r" % (line, val))


def parse_libconfig(text):
    """libconfig text -> dict (groups), list (lists and arrays), str,
    int, float, bool."""
    return _Parser(text).settings('eof')


# --- calendar --------------------------------------------------------------

def parse_date(s):
    return dt.date(*map(int, s.split('-')))


def parse_md(s):
    m, d = s.split('-')
    return int(m) * 100 + int(d)


class Blackouts:
    def __init__(self, lists):
        self.ranges = []
        self.weeks = set()
        for lst in lists:
            for b in lst or ():
                if 'week' in b:
                    self.weeks.add(b['week'])
                else:
                    self.ranges.append((parse_md(b['from']),
                                        parse_md(b['to'])))

    def __contains__(self, day):
        if day.isocalendar()[1] in self.weeks:
            return True
        md = day.month * 100 + day.day
        for a, b in self.ranges:
            if a <= b:
                if a <= md <= b:
                    return True
            elif md >= a or md <= b:    # wraps over New Year
                return True
        return False


def finnish_holidays(first, last):
    """SPEC § 4's list: python3-holidays' Finland plus, where the library
    lacks them, the two eves SPEC names (0.10.1 has both already)."""
    out = set(pyholidays.Finland(years=range(first, last + 1)).keys())
    for y in range(first, last + 1):
        out.add(dt.date(y, 12, 24))                  # jouluaatto
        for d in range(19, 26):                      # juhannusaatto
            if dt.date(y, 6, d).weekday() == 4:
                out.add(dt.date(y, 6, d))
    return out


# --- planning ----------------------------------------------------------------

WEEKDAYS = {'MO': 0, 'TU': 1, 'WE': 2, 'TH': 3, 'FR': 4, 'SA': 5, 'SU': 6}
# SPEC § 4 names no limit for a move ("the next working day that is not
# blacked out"); the engine documents two years (a meeting that would move
# further is dropped: only when nearly every day is blacked out), and so
# does the oracle
MAX_SHIFT = 2 * 366


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(1)).day
    return dt.date(y, m, min(d.day, last))


def nth_weekday(y, m, wday, week):
    days = []
    d = dt.date(y, m, 1)
    while d.month == m:
        if d.weekday() == wday:
            days.append(d)
        d += dt.timedelta(1)
    if week == -1:
        return days[-1]
    if 1 <= week <= len(days):
        return days[week - 1]
    return None


class Plan:
    def __init__(self, cfg, today):
        self.cfg = cfg
        self.today = today
        self.domain = cfg['domain']
        self.tz = ZoneInfo(cfg['timezone'])
        self.parties = {p['id']: p for p in cfg['parties']}
        self.extra = {parse_date(s) for s in cfg.get('extra_holidays', [])}
        self.fi = cfg.get('holidays', 'FI') == 'FI'
        self.holidays = set()
        self.terms = sorted((parse_date(t['start']), parse_date(t['end']))
                            for t in cfg.get('council_terms', []))

    def working(self, d):
        return d.weekday() < 5 and d not in self.holidays \
            and d not in self.extra

    def candidates(self, f, until):
        """naive local datetimes from the forum's start to `until`"""
        start = (parse_date(f['start']) if 'start' in f
                 else dt.date(self.today.year, 1, 1))
        hh, mm = map(int, f['time'].split(':'))
        tod = dt.time(hh, mm)
        if 'per_term' in f:
            p = f['per_term']
            out = []
            for ts, te in self.terms:
                lo = add_months(ts, 12 * (p['year'] - 1))
                hi = add_months(ts, 12 * p['year'])
                for y in (lo.year, lo.year + 1):
                    d = nth_weekday(y, p['month'], WEEKDAYS[p['weekday']],
                                    p['week'])
                    if d is not None and lo <= d < hi and ts <= d <= te \
                            and start <= d <= until:
                        out.append(dt.datetime.combine(d, tod))
            return sorted(out)
        dtstart = dt.datetime.combine(start, tod)
        # a UTC UNTIL (RFC 5545's form for a zoned DTSTART) is compared as
        # an instant: dateutil wants an aware DTSTART for it
        if re.search(r'UNTIL=[0-9T]+Z', f['rrule'].upper()):
            dtstart = dtstart.replace(tzinfo=self.tz)
        rule = du_rrule.rrulestr(f['rrule'], dtstart=dtstart)
        end = dt.datetime.combine(until, dt.time(23, 59),
                                  tzinfo=dtstart.tzinfo)
        return [c.replace(tzinfo=None)
                for c in rule.between(dtstart, end, inc=True)]

    def shift(self, d, step, ok):
        """the first day d + k*step, 1 <= k <= MAX_SHIFT, that is ok"""
        for _ in range(MAX_SHIFT):
            d += dt.timedelta(step)
            if ok(d):
                return d
        return None

    def series(self, f, bl, until):
        """[(rid, final date, moved)] of one series, sorted by date"""
        mode = f.get('on_holiday', 'next')
        kept = []
        for k, c in enumerate(self.candidates(f, until)):
            d = c.date()
            if d in bl:
                continue
            if self.working(d) or mode == 'keep':
                kept.append((c, d, None, k))
            elif mode == 'skip':
                continue
            else:
                nd = self.shift(d, 1 if mode == 'next' else -1,
                                lambda x: self.working(x) and x not in bl)
                if nd is not None:
                    kept.append((c, nd, 'holiday', k))
        unmoved = {d for _c, d, m, _k in kept if not m}
        seen = set()
        out = []
        for c, d, m, k in kept:
            if m and (d in unmoved or d in seen):
                continue
            seen.add(d)
            out.append((c, d, m, k))
        out.sort(key=lambda o: (o[1], o[0]))
        return out

    def spread(self, occ, bl, used):
        """moves occurrences off the days in `used` (earlier members)"""
        dates = {}
        for _c, d, _m, _k in occ:
            dates[d] = dates.get(d, 0) + 1
        out = []
        for c, d, m, k in occ:
            if d in used:
                nd = self.shift(d, 1, lambda x: self.working(x)
                                and x not in bl and x not in used)
                dates[d] -= 1
                if nd is None or dates.get(nd, 0) > 0:
                    continue        # lands on a day the series has
                dates[nd] = 1
                d, m = nd, m or 'spread'
            out.append((c, d, m, k))
        return out

    def members(self, ident):
        """the parties a party or group id stands for"""
        for g in self.cfg.get('groups', []):
            if g['id'] == ident:
                return list(g['members'])
        return [ident]

    def extras(self, f, occ):
        """occ with f's extra dates (k = None), kept as given"""
        rids = {c for c, _d, _m, _k in occ}
        out = list(occ)
        for e in f.get('extra', []):
            hh, mm = map(int, e.get('time', f['time']).split(':'))
            c = dt.datetime.combine(parse_date(e['date']), dt.time(hh, mm))
            if c not in rids:
                rids.add(c)
                out.append((c, c.date(), None, None))
        return out

    def location(self, f, pid, k):
        rot = f.get('location_rotation')
        if rot:
            return rot[k % len(rot)] if k is not None else None
        if f.get('location') == 'member':
            return self.parties[pid].get('location') if pid else None
        return f.get('location')

    def plan(self, frm, to):
        # every candidate that a move (at most MAX_SHIFT days) can bring
        # into the window, or that can take a day from one in it
        until = to + dt.timedelta(MAX_SHIFT + 400)
        first_year = min([self.today.year, frm.year]
                         + [parse_date(f['start']).year
                            for f in self.cfg['forums'] if 'start' in f]
                         + [t[0].year for t in self.terms])
        if self.fi:
            self.holidays = finnish_holidays(first_year - 3, until.year + 1)
        glob = self.cfg.get('blackouts', [])
        result = []
        for f in self.cfg['forums']:
            fb = [f.get('blackouts', [])]
            if f.get('party_blackouts', True):
                for ident in f.get('participants', []):
                    fb += [self.parties[p].get('blackouts', [])
                           for p in self.members(ident)]
            if f.get('for_each'):
                result += self.plan_members(f, [glob] + fb, until)
                continue
            occ = self.series(f, Blackouts([glob] + fb), until)
            uid = '%s@%s' % (f['id'], self.domain)
            first = []
            if f.get('first_convenor') and f.get('first_scope') == 'term':
                for ts, te in self.terms:
                    inside = [o for o in occ if ts <= o[1] <= te]
                    if inside:
                        first.append(('%s.first-%d@%s' % (
                            f['id'], ts.year, self.domain), inside[0]))
            elif f.get('first_convenor') and occ:
                first.append(('%s.first@%s' % (f['id'], self.domain),
                              occ[0]))
            for fuid, o in first:
                result.append(self.occ(f, fuid, None, f['first_convenor'],
                                       o))
                occ.remove(o)
            result += [self.occ(f, uid, None, f['convenor'], o)
                       for o in self.extras(f, occ)]
        result = [o for o in result if frm <= o['_day'] <= to]
        result.sort(key=lambda o: (o['start'], o['uid']))
        for o in result:
            del o['_day']
        return result

    def plan_members(self, f, lists, until):
        out, used = [], set()
        for ident in f['for_each']:
            mem = self.members(ident)
            bl = Blackouts(lists + [self.parties[p].get('blackouts', [])
                                    for p in mem])
            occ = self.series(f, bl, until)
            if f.get('spread', False):
                occ = self.spread(occ, bl, used)
                used |= {d for _c, d, _m, _k in occ}
            pid = ident if ident in self.parties else None
            conv = pid if f['convenor'] == 'member' else f['convenor']
            uid = '%s.%s@%s' % (f['id'], ident, self.domain)
            out += [self.occ(f, uid, pid, conv, o)
                    for o in self.extras(f, occ)]
        return out

    def rfc3339(self, naive):
        a = naive.replace(tzinfo=self.tz)
        return a.isoformat()

    def occ(self, f, uid, party, convenor, o):
        c, d, moved, k = o
        start = dt.datetime.combine(d, c.time()).replace(tzinfo=self.tz)
        end = (start.astimezone(dt.timezone.utc)
               + dt.timedelta(minutes=f['duration'])).astimezone(self.tz)
        return {
            'uid': uid,
            'recurrence_id': self.rfc3339(c),
            'forum': f['id'],
            'party': party,
            'start': start.isoformat(),
            'end': end.isoformat(),
            'status': 'CONFIRMED',
            'moved_from': self.rfc3339(c) if moved else None,
            'moved': moved,
            'location': self.location(f, party, k),
            'convenor': convenor,
            '_day': d,
        }


def plan_file(path, today, frm, to):
    with open(path, encoding='utf-8') as fp:
        cfg = parse_libconfig(fp.read())
    return Plan(cfg, today).plan(frm, to)


# --- comparison ----------------------------------------------------------

FIELDS = ('uid', 'recurrence_id', 'forum', 'party', 'start', 'end',
          'status', 'moved_from', 'moved', 'location', 'convenor')
MAX_SHOWN = 12


def key(o):
    return (o.get('uid'), o.get('recurrence_id'))


def compare(name, got, want):
    """list of readable differences, first MAX_SHOWN only"""
    diffs = []
    g = {}
    for o in got:
        if key(o) in g:
            diffs.append("%s: duplicate %s %s in cadencectl output"
                         % (name, o.get('uid'), o.get('recurrence_id')))
        g[key(o)] = o
    w = {key(o): o for o in want}
    for k in sorted(set(g) | set(w), key=lambda k: (
            (w.get(k) or g.get(k)).get('start') or '', k)):
        if k not in g:
            o = w[k]
            diffs.append("%s: missing %s rid %s: oracle has start %s "
                         "moved_from %s" % (name, k[0], k[1], o['start'],
                                            json.dumps(o['moved_from'])))
        elif k not in w:
            o = g[k]
            diffs.append("%s: extra %s rid %s: cadencectl has start %s "
                         "moved_from %s" % (name, k[0], k[1],
                                            o.get('start'),
                                            json.dumps(o.get('moved_from'))))
        else:
            bad = ["%s cadencectl %s, oracle %s"
                   % (fld, json.dumps(g[k].get(fld)), json.dumps(w[k][fld]))
                   for fld in FIELDS if g[k].get(fld) != w[k][fld]]
            if bad:
                diffs.append("%s: %s rid %s: %s"
                             % (name, k[0], k[1], "; ".join(bad)))
    return diffs


def run_ctl(ctl, conf, today, frm, to):
    # texts (location) in the config's default language, the plain keys
    with open(conf, encoding='utf-8') as fp:
        langs = parse_libconfig(fp.read()).get('languages') or ['fi']
    cmd = [ctl, '-c', conf, '--today', today.isoformat(), '--lang', langs[0],
           'occurrences', '--from', frm.isoformat(), '--to', to.isoformat(),
           '--json']
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                           p.stderr.decode('utf-8', 'replace').strip()))
    return json.loads(p.stdout.decode('utf-8'))


# --- random configs ----------------------------------------------------------

FUZZ_ZONES = ['Europe/Helsinki'] * 4 + ['Europe/London', 'America/New_York',
                                        'Australia/Sydney', 'Asia/Kolkata']


def dst_safe(zone, hh, mm):
    """hh:mm exists exactly once on every day of 2026 in zone"""
    z = ZoneInfo(zone)
    d = dt.datetime(2026, 1, 1, hh, mm)
    for _ in range(365):
        a, b = d.replace(tzinfo=z, fold=0), d.replace(tzinfo=z, fold=1)
        if a.utcoffset() != b.utcoffset():
            return False
        d += dt.timedelta(1)
    return True


def fuzz_config(rnd, strict):
    """a random valid config that uses every planning feature of SPEC § 4
    and § 10.1/10.2 (groups, participants' and week blackouts, extra dates,
    convenor/location "member", location_rotation, first_scope "term");
    without `strict` only council terms that start on the 1st and meeting
    times of 07:00-18:45 (where the known disagreements lie: see
    plan_oracle.sh)"""
    wd = list(WEEKDAYS)

    def blackouts():
        out = []
        for _ in range(rnd.randint(0, 2)):
            if rnd.random() < 0.5:          # a week or so
                m, d = rnd.randint(1, 12), rnd.randint(1, 20)
                e = min(28, d + rnd.randint(0, 8))
                out.append((m, d, m, e))
            else:                           # anything, may wrap
                out.append((rnd.randint(1, 12), rnd.randint(1, 29),
                            rnd.randint(1, 12), rnd.randint(1, 29)))
        weeks = ['{ week = %d; }' % rnd.randint(1, 53)
                 for _ in range(rnd.randint(0, 1))]
        return '( %s )' % ', '.join(
            ['{ from = "%02d-%02d"; to = "%02d-%02d"; reason = "x"; }' % b
             for b in out] + weeks)

    def rrule():
        c = rnd.randint(0, 16)
        n = rnd.choice([1, 2, 3, 4, -1])
        r = [
            lambda: 'FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s'
                    % (rnd.randint(1, 12), n, rnd.choice(wd)),
            lambda: 'FREQ=MONTHLY;BYDAY=%d%s' % (n, rnd.choice(wd[:5])),
            lambda: 'FREQ=WEEKLY;INTERVAL=%d;BYDAY=%s'
                    % (rnd.randint(1, 4), rnd.choice(wd)),
            lambda: 'FREQ=DAILY;INTERVAL=%d' % rnd.randint(1, 9),
            lambda: 'FREQ=MONTHLY;BYMONTHDAY=%d'
                    % rnd.choice([1, 6, 15, 24, 25, 26, 31, -1]),
            lambda: 'FREQ=YEARLY;BYMONTH=%d;BYMONTHDAY=%d' % rnd.choice(
                [(1, 1), (1, 6), (5, 1), (12, 24), (12, 6), (6, 19),
                 (6, 20), (2, 29), (11, 1), (7, 15)]),
            lambda: 'FREQ=YEARLY',
            lambda: 'FREQ=MONTHLY;BYMONTH=%s;BYDAY=%d%s' % (
                ','.join(map(str, sorted(rnd.sample(range(1, 13), 3)))),
                rnd.randint(1, 5), rnd.choice(wd)),
            lambda: 'FREQ=MONTHLY;INTERVAL=2;BYDAY=%s;BYSETPOS=%d' % (
                rnd.choice(['MO,TU,WE,TH,FR', 'SA,SU', 'FR']),
                rnd.choice([1, -1, 2])),
            lambda: 'FREQ=WEEKLY;BYDAY=%s' % ','.join(rnd.sample(wd, 2)),
            lambda: 'FREQ=YEARLY;BYWEEKNO=%d;BYDAY=%s' % (
                rnd.choice([1, 9, 10, 20, 52, 53, -1]), rnd.choice(wd)),
            lambda: 'FREQ=YEARLY;BYYEARDAY=%d'
                    % rnd.choice([1, 60, 100, -1, 366, 200]),
            lambda: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=%d'
                    % rnd.choice([1, 2, -1, -2, 5]),
            lambda: 'FREQ=WEEKLY;INTERVAL=2;WKST=%s;BYDAY=%s' % (
                rnd.choice(wd), ','.join(rnd.sample(wd, 2))),
            lambda: 'FREQ=YEARLY;INTERVAL=%d;BYMONTH=%d;BYMONTHDAY=%d' % (
                rnd.randint(1, 3), rnd.randint(1, 12), rnd.randint(1, 28)),
            lambda: 'FREQ=DAILY;BYMONTH=%d;BYDAY=%s'
                    % (rnd.randint(1, 12), rnd.choice(wd)),
            lambda: 'FREQ=MONTHLY;BYMONTHDAY=%d,%d;BYDAY=%s' % (
                rnd.randint(1, 31), rnd.randint(-31, -1), rnd.choice(wd)),
        ][c]()
        x = rnd.random()
        day = '20%02d%02d%02d' % (rnd.randint(26, 34), rnd.randint(1, 12),
                                  rnd.randint(1, 28))
        if x < 0.10:
            r += ';UNTIL=%sT%02d%02d00Z' % (day, rnd.randint(0, 23),
                                            rnd.choice([0, 30]))
        elif x < 0.15:
            r += ';UNTIL=' + day
        elif x < 0.20:
            r += ';UNTIL=%sT%02d0000' % (day, rnd.randint(0, 23))
        elif x < 0.35:
            r += ';COUNT=%d' % rnd.randint(1, 30)
        return r

    parties = ['p%d' % i for i in range(6)]
    zone = rnd.choice(FUZZ_ZONES)
    L = ['timezone = "%s"; domain = "fuzz.example";' % zone]
    if rnd.random() < 0.2:
        L.append('holidays = "none";')
    L.append('extra_holidays = [ %s ];' % ', '.join(
        '"20%02d-%02d-%02d"' % (rnd.randint(20, 36), rnd.randint(1, 12),
                                rnd.randint(1, 28))
        for _ in range(rnd.randint(0, 6))))
    L.append('blackouts = %s;' % blackouts())
    d = 15 if strict and rnd.random() < 0.3 else 1
    L.append('council_terms = ( %s );' % ', '.join(
        '{ start = "%d-%02d-%02d"; end = "%s"; }'
        % (y, 6 if y > 2021 else 8, d,
           (dt.date(y + 4, 6, d) - dt.timedelta(1)).isoformat())
        for y in (2021, 2025, 2029, 2033)))
    L.append('parties = ( %s );' % ',\n  '.join(
        '{ id = "%s"; name = "P %s"; location = "Talo %s"; blackouts = %s; }'
        % (p, p, p, blackouts()) for p in parties))
    groups = ['g0', 'g1']
    L.append('groups = ( { id = "g0"; name = "G0"; members = [ "p4", "p5" ]; '
             '}, { id = "g1"; name = "G1"; members = [ "p1", "p2" ]; } );')
    forums = []
    for i in range(rnd.randint(2, 5)):
        f = ['id = "f%d"' % i, 'name = "F%d"' % i,
             'convenor = "%s"' % rnd.choice(parties)]
        if rnd.random() < 0.2:
            f.append('per_term = { year = %d; month = %d; weekday = "%s"; '
                     'week = %d; }' % (rnd.randint(1, 4), rnd.randint(1, 12),
                                       rnd.choice(wd),
                                       rnd.choice([1, 2, 3, 4, 5, -1])))
        else:
            f.append('rrule = "%s"' % rrule())
        if rnd.random() < 0.8:
            f.append('start = "20%02d-%02d-%02d"' % (
                rnd.randint(22, 30), rnd.randint(1, 12), rnd.randint(1, 28)))
        # night times next to a DST change; a time that the change skips
        # or repeats is refused by the config (SPEC 10.6), a meeting
        # that spans it is not
        hours = list(range(7, 19)) + ([0, 1, 2, 3, 23] if strict else [])
        while True:
            hm = (rnd.choice(hours), rnd.choice([0, 15, 30, 45]))
            if dst_safe(zone, *hm):
                break
        f.append('time = "%02d:%02d"' % hm)
        f.append('duration = %d' % rnd.choice([30, 60, 120, 240]))
        if rnd.random() < 0.8:
            f.append('on_holiday = "%s"' % rnd.choice(
                ['next', 'previous', 'skip', 'keep']))
        if rnd.random() < 0.3:
            f.append('blackouts = %s' % blackouts())
        if rnd.random() < 0.4:
            f.append('participants = [ %s ]' % ', '.join(
                '"%s"' % p for p in rnd.sample(parties + groups,
                                                rnd.randint(1, 3))))
            if rnd.random() < 0.3:
                f.append('party_blackouts = false')
        if rnd.random() < 0.3:
            f.append('extra = ( %s )' % ', '.join(
                '{ date = "20%02d-%02d-%02d"; %s}' % (
                    rnd.randint(24, 34), rnd.randint(1, 12),
                    rnd.randint(1, 28), rnd.choice(
                        ['', 'time = "%02d:30"; ' % rnd.randint(7, 18)]))
                for _ in range(rnd.randint(1, 3))))
        r = rnd.random()
        loc = rnd.random()
        if r < 0.4:
            plain = rnd.random() < 0.5
            pool = parties if plain else parties + groups
            f.append('for_each = [ %s ]' % ', '.join(
                '"%s"' % p for p in rnd.sample(pool, rnd.randint(1, 5))))
            if rnd.random() < 0.8:
                f.append('spread = true')
            if plain and rnd.random() < 0.5:
                f[2] = 'convenor = "member"'
            if plain and loc < 0.4:
                f.append('location = "member"')
        elif r < 0.6:
            f.append('first_convenor = "%s"' % rnd.choice(parties))
            if rnd.random() < 0.5:
                f.append('first_scope = "term"')
        if loc >= 0.4 and loc < 0.7:
            f.append('location_rotation = [ %s ]' % ', '.join(
                '"Paikka %d"' % j for j in range(rnd.randint(1, 4))))
        elif loc >= 0.7:
            f.append('location = "Sali"')
        forums.append('{ ' + '; '.join(f) + '; }')
    L.append('forums = (\n  %s\n);' % ',\n  '.join(forums))
    return '\n'.join(L) + '\n'


def fuzz(ctl, n, seed, strict, frm, to):
    import random
    import tempfile
    rnd = random.Random(seed)
    failed = 0
    total = 0
    with tempfile.TemporaryDirectory(prefix='plan_oracle.') as tmp:
        for i in range(n):
            text = fuzz_config(rnd, strict)
            today = dt.date(2020, 1, 1) + dt.timedelta(rnd.randint(0, 4000))
            # every other config over a random window: a sub-range must be
            # the full plan filtered (moves into and out of the edges)
            lo, hi = frm, to
            if i % 2:
                lo = frm + dt.timedelta(rnd.randint(0, (to - frm).days))
                hi = min(to, lo + dt.timedelta(rnd.choice([0, 1, 40, 400,
                                                           2000])))
            conf = os.path.join(tmp, 'fuzz%d.conf' % i)
            with open(conf, 'w', encoding='utf-8') as fp:
                fp.write(text)
            name = 'random config %d (seed %d, --today %s)' % (i, seed,
                                                              today)
            try:
                want = Plan(parse_libconfig(text), today).plan(lo, hi)
                got = run_ctl(ctl, conf, today, lo, hi)
            except (OSError, ValueError, KeyError, RuntimeError,
                    ConfigSyntaxError, subprocess.TimeoutExpired) as e:
                print("plan_oracle: FAIL: %s: %s" % (name, e))
                diffs = ['']
            else:
                total += len(want)
                diffs = compare('fuzz%d' % i, got, want)
                if diffs:
                    print("plan_oracle: FAIL: %s %s..%s: %d differences; "
                          "the first:" % (name, lo, hi, len(diffs)))
                    for d in diffs[:MAX_SHOWN]:
                        print("  " + d)
            if diffs:
                failed += 1
                if failed == 1:
                    print("  the config:")
                    print("    " + text.replace("\n", "\n    "))
                if failed >= 3:
                    print("plan_oracle: (stopping after 3 failing configs)")
                    break
    if failed:
        return 1
    print("plan_oracle: ok: %d random configs (seed %d%s), windows in "
          "%s..%s, %d occurrences agree"
          % (n, seed, ', strict' if strict else '', frm, to, total))
    return 0


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ctl', help='compare with this cadencectl')
    ap.add_argument('--today', default=dt.date.today().isoformat())
    ap.add_argument('--from', dest='frm', required=True)
    ap.add_argument('--to', required=True)
    ap.add_argument('--name', action='append', default=[],
                    help='display name of the n-th CONFIG')
    ap.add_argument('--fuzz', type=int, metavar='N',
                    help='compare on N random configs instead')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--strict', action='store_true',
                    help='random configs also with mid-month council '
                    'terms and night-time meetings (DST changes)')
    ap.add_argument('config', nargs='*')
    a = ap.parse_intermixed_args(argv)
    today, frm, to = map(parse_date, (a.today, a.frm, a.to))
    if a.fuzz is not None:
        if a.ctl is None:
            ap.error('--fuzz needs --ctl')
        return fuzz(a.ctl, a.fuzz, a.seed, a.strict, frm, to)
    if not a.config:
        ap.error('no CONFIG')
    if a.ctl is None:
        out = plan_file(a.config[0], today, frm, to)
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    failed = 0
    total = 0
    for i, conf in enumerate(a.config):
        name = a.name[i] if i < len(a.name) else conf
        try:
            want = plan_file(conf, today, frm, to)
            got = run_ctl(a.ctl, conf, today, frm, to)
        except (OSError, ValueError, KeyError, RuntimeError,
                ConfigSyntaxError, subprocess.TimeoutExpired) as e:
            print("plan_oracle: FAIL: %s: %s" % (name, e))
            failed += 1
            continue
        total += len(want)
        diffs = compare(name, got, want)
        if diffs:
            failed += 1
            print("plan_oracle: FAIL: %s %s..%s: %d differences "
                  "(cadencectl %d occurrences, oracle %d); the first:"
                  % (name, frm, to, len(diffs), len(got), len(want)))
            for d in diffs[:MAX_SHOWN]:
                print("  " + d)
    if failed:
        return 1
    print("plan_oracle: ok: %d configs, %s..%s, %d occurrences agree"
          % (len(a.config), frm, to, total))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
