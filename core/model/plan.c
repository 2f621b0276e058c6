/*
 * plan.c - the planning engine (SPEC § 4).
 *
 * config + overrides + terminations -> occurrences, all in local wall-clock
 * time (day numbers and minutes after midnight), so a daylight-saving
 * change never shifts a 13:00 meeting: the offset is output's business.
 *
 * Per forum: candidates (RRULE or per_term) from the series start up to
 * the asked `to` plus a margin, then blackouts, holidays (on_holiday),
 * terminations, for_each spread, the first-convenor split, and last the
 * overrides.  Planning always begins at the series start, so a sub-range
 * is exactly the full plan filtered.
 *
 * RRULE expansion.  libical parses and validates the rule
 * (icalrecurrencetype_from_string), but the instances are generated here
 * by a port of python-dateutil's rrule._iter: libical 3.0.16's iterator
 * disagrees with dateutil (the reference the SPEC names) on several rule
 * kinds -- BYWEEKNO (wrong days, e.g. a Tuesday for BYDAY=MO), WEEKLY with
 * BYSETPOS (ignored), YEARLY with BYMONTHDAY or BYMONTHDAY+BYDAY but no
 * BYMONTH (only DTSTART's month), YEARLY with BYMONTH+BYYEARDAY (refused).
 * The port follows dateutil's period-by-period algorithm, so DTSTART
 * counts only when the rule produces it, and COUNT and UNTIL count and
 * stop the way dateutil does.  Frequencies below DAILY are refused.
 */
#include "model/plan.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "model/calendar.h"
#include "model/task.h"

/*
 * How far a holiday or spread move may go before the meeting is dropped.
 * The SPEC sets no limit ("the next working day that is not blacked
 * out"), and a summer break from juhannus to the end of August already
 * needs 74 days; two years is only ever reached when nearly every day of
 * the year is blacked out, and it keeps such a config from looping.
 */
#define MOVE_MAX	(2 * 366)
/* candidates are planned this far past `to`, so moves back into the
   range and "the series already has that day" checks see them */
#define MARGIN		(MOVE_MAX + 2)
#define NOEFFECT	INT_MAX
/* 9999-12-31: nothing is planned after it */
#define MAXDAY		2932896

/* --- a parsed RRULE, dateutil style ------------------------------------- */

enum { RR_DAILY = 3, RR_WEEKLY, RR_MONTHLY, RR_YEARLY };

struct nwday {
	int wday;		/* 0 = Monday */
	int n;			/* +-1..53 */
};

struct rrule {
	int freq;
	int interval;
	int wkst;
	int count;		/* -1: none */
	bool has_until;
	long long until;	/* local seconds: day * 86400 + s */
	bool bymonth[13];
	bool has_bymonth;
	int bymonthday[32];
	int nbymonthday;
	int bynmonthday[32];
	int nbynmonthday;
	int byyearday[ICAL_BY_YEARDAY_SIZE];
	int nbyyearday;
	int byweekno[ICAL_BY_WEEKNO_SIZE];
	int nbyweekno;
	bool byweekday[7];
	bool has_byweekday;
	struct nwday bynweekday[ICAL_BY_DAY_SIZE];
	int nbynweekday;
	int bysetpos[ICAL_BY_SETPOS_SIZE];
	int nbysetpos;
	int times[24 * 60];	/* seconds of day, sorted, unique */
	int ntimes;
};

/* the candidate list of one series */
struct cand {
	int rid_day;
	int rid_time;
	int day;
	int time;
	enum cad_moved moved;
	int k;			/* index among the rule's candidates from
				   start (location_rotation); -1: extra */
	bool added;		/* a stored extra meeting (cadencectl add) */
};

struct cvec {
	struct cand *v;
	size_t n;
	size_t cap;
};

static void
cvec_push(struct cvec *c, int day, int time)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = cad_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n] = (struct cand){ day, time, day, time, CAD_MOVED_NONE,
		(int)c->n, false };
	c->n++;
}

struct ivec {
	int *v;
	size_t n;
	size_t cap;
};

static void
ivec_push(struct ivec *a, int x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = cad_xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = x;
}

static bool
ivec_has(const struct ivec *a, int x)	/* a sorted */
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->v[mid] == x)
			return true;
		if (a->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Python's floor division and modulo */
static int
fdiv(int a, int b)
{
	int q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
fmod_(int a, int b)
{
	return a - fdiv(a, b) * b;
}

static int
wd_from_ical(int w)		/* libical SUNDAY=1..SATURDAY=7 -> Monday 0 */
{
	return (w + 5) % 7;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

#define FOR_ICAL(arr, i) \
	for (int i = 0; i < (int)(sizeof(arr) / sizeof((arr)[0])) && \
	    (arr)[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)

/*
 * Parses `text` with libical and sets up the dateutil view of it for
 * DTSTART = day ds at dsec seconds.  tz (may be NULL) converts a UTC
 * UNTIL to local wall-clock time.
 */
static int
rrule_parse(const char *text, int ds, int dsec, icaltimezone *tz,
    struct rrule *r, struct cad_error *err)
{
	struct icalrecurrencetype ir;
	int y, m, d;

	memset(r, 0, sizeof *r);
	icalerror_clear_errno();
	ir = icalrecurrencetype_from_string(text);
	if (ir.freq == ICAL_NO_RECURRENCE) {
		cad_error_set(err, "bad rrule '%s': %s", text,
		    icalerror_strerror(icalerrno));
		return -EINVAL;
	}
	if (ir.rscale != NULL) {
		icalmemory_free_buffer(ir.rscale);
		cad_error_set(err, "rrule '%s': RSCALE is not supported", text);
		return -EINVAL;
	}
	if (ir.freq < ICAL_DAILY_RECURRENCE) {
		cad_error_set(err, "rrule '%s': FREQ below DAILY is not "
		    "supported", text);
		return -EINVAL;
	}
	r->freq = ir.freq;
	r->interval = ir.interval > 0 ? ir.interval : 1;
	r->wkst = ir.week_start == ICAL_NO_WEEKDAY ? 0 :
	    wd_from_ical(ir.week_start);
	r->count = ir.count > 0 ? ir.count : -1;
	if (!icaltime_is_null_time(ir.until)) {
		struct icaltimetype u = ir.until;
		if (!u.is_date && icaltime_is_utc(u) && tz != NULL)
			u = icaltime_convert_to_zone(u, tz);
		r->has_until = true;
		r->until = (long long)cad_days_from_civil(u.year, u.month,
		    u.day) * 86400;
		if (!u.is_date)
			r->until += u.hour * 3600 + u.minute * 60 + u.second;
	}

	bool any_month = false, any_mday = false, any_yday = false;
	bool any_wno = false, any_wday = false;
	FOR_ICAL(ir.by_month, i) {
		int mo = icalrecurrencetype_month_month(ir.by_month[i]);
		if (mo >= 1 && mo <= 12)
			r->bymonth[mo] = true;
		any_month = true;
	}
	FOR_ICAL(ir.by_month_day, i) {
		int v = ir.by_month_day[i];
		any_mday = true;
		if (v > 0 && r->nbymonthday < 32)
			r->bymonthday[r->nbymonthday++] = v;
		else if (v < 0 && r->nbynmonthday < 32)
			r->bynmonthday[r->nbynmonthday++] = v;
	}
	FOR_ICAL(ir.by_year_day, i) {
		any_yday = true;
		r->byyearday[r->nbyyearday++] = ir.by_year_day[i];
	}
	FOR_ICAL(ir.by_week_no, i) {
		any_wno = true;
		r->byweekno[r->nbyweekno++] = ir.by_week_no[i];
	}
	FOR_ICAL(ir.by_day, i) {
		int w = wd_from_ical(
		    icalrecurrencetype_day_day_of_week(ir.by_day[i]));
		int n = icalrecurrencetype_day_position(ir.by_day[i]);
		any_wday = true;
		/* dateutil: ordinals only count for MONTHLY and YEARLY */
		if (n == 0 || r->freq < RR_MONTHLY) {
			r->byweekday[w] = true;
			r->has_byweekday = true;
		} else {
			r->bynweekday[r->nbynweekday++] = (struct nwday){ w, n };
		}
	}
	FOR_ICAL(ir.by_set_pos, i)
		r->bysetpos[r->nbysetpos++] = ir.by_set_pos[i];

	/* dateutil's defaults from DTSTART */
	cad_civil_from_days(ds, &y, &m, &d);
	if (!any_wno && !any_yday && !any_mday && !any_wday) {
		if (r->freq == RR_YEARLY) {
			if (!any_month)
				r->bymonth[m] = any_month = true;
			r->bymonthday[r->nbymonthday++] = d;
		} else if (r->freq == RR_MONTHLY) {
			r->bymonthday[r->nbymonthday++] = d;
		} else if (r->freq == RR_WEEKLY) {
			r->byweekday[cad_weekday(ds)] = true;
			r->has_byweekday = true;
		}
	}
	r->has_bymonth = any_month;

	/* the time set: BYHOUR x BYMINUTE x BYSECOND, defaults from DTSTART */
	int hours[24], nh = 0, mins[60], nm = 0, secs[61], ns = 0;
	FOR_ICAL(ir.by_hour, i)
		if (ir.by_hour[i] >= 0 && ir.by_hour[i] < 24 && nh < 24)
			hours[nh++] = ir.by_hour[i];
	FOR_ICAL(ir.by_minute, i)
		if (ir.by_minute[i] >= 0 && ir.by_minute[i] < 60 && nm < 60)
			mins[nm++] = ir.by_minute[i];
	FOR_ICAL(ir.by_second, i)
		if (ir.by_second[i] >= 0 && ir.by_second[i] < 60 && ns < 60)
			secs[ns++] = ir.by_second[i];
	if (nh == 0)
		hours[nh++] = dsec / 3600;
	if (nm == 0)
		mins[nm++] = dsec / 60 % 60;
	if (ns == 0)
		secs[ns++] = dsec % 60;
	/* our times are whole minutes: BYSECOND only orders, never adds */
	for (int a = 0; a < nh; a++)
		for (int b = 0; b < nm; b++) {
			int t = hours[a] * 3600 + mins[b] * 60 + secs[0];
			if (r->ntimes < 24 * 60)
				r->times[r->ntimes++] = t;
		}
	qsort(r->times, (size_t)r->ntimes, sizeof r->times[0], cmp_int);
	int k = 0;
	for (int i = 0; i < r->ntimes; i++)
		if (k == 0 || r->times[k - 1] != r->times[i])
			r->times[k++] = r->times[i];
	r->ntimes = k;
	return 0;
}

/* per-year masks that depend on the year (dateutil's _iterinfo) */
struct yinfo {
	int year;
	int jan1;
	int yearlen;
	int nextyearlen;
	unsigned char wno[366 + 7];	/* BYWEEKNO */
	int nw_key;			/* year * 13 + month of nwd */
	unsigned char nwd[366 + 7];	/* ordinal BYDAY */
};

static void
yinfo_weekno(const struct rrule *r, struct yinfo *yi)
{
	int yw = cad_weekday(yi->jan1);
	int wkst = r->wkst;
	int no1wkst, firstwkst, wyearlen;

	memset(yi->wno, 0, sizeof yi->wno);
	no1wkst = firstwkst = fmod_(7 - yw + wkst, 7);
	if (no1wkst >= 4) {
		no1wkst = 0;
		wyearlen = yi->yearlen + fmod_(yw - wkst, 7);
	} else {
		wyearlen = yi->yearlen - no1wkst;
	}
	int numweeks = wyearlen / 7 + (wyearlen % 7) / 4;
	for (int k = 0; k < r->nbyweekno; k++) {
		int n = r->byweekno[k], i;
		if (n < 0)
			n += numweeks + 1;
		if (!(n > 0 && n <= numweeks))
			continue;
		if (n > 1) {
			i = no1wkst + (n - 1) * 7;
			if (no1wkst != firstwkst)
				i -= 7 - firstwkst;
		} else {
			i = no1wkst;
		}
		for (int j = 0; j < 7 && i < 366 + 7; j++) {
			yi->wno[i++] = 1;
			if (cad_weekday(yi->jan1 + i) == wkst)
				break;
		}
	}
	bool has1 = false, hasm1 = false;
	for (int k = 0; k < r->nbyweekno; k++) {
		has1 |= r->byweekno[k] == 1;
		hasm1 |= r->byweekno[k] == -1;
	}
	if (has1) {
		/* week number 1 of next year as well */
		int i = no1wkst + numweeks * 7;
		if (no1wkst != firstwkst)
			i -= 7 - firstwkst;
		if (i < yi->yearlen) {
			for (int j = 0; j < 7 && i < 366 + 7; j++) {
				yi->wno[i++] = 1;
				if (cad_weekday(yi->jan1 + i) == wkst)
					break;
			}
		}
	}
	if (no1wkst) {
		/* the last week number of last year as well */
		int lnumweeks;
		if (!hasm1) {
			int lyw = cad_weekday(cad_days_from_civil(yi->year - 1,
			    1, 1));
			int lno1wkst = fmod_(7 - lyw + wkst, 7);
			int lyearlen = 365 + is_leap(yi->year - 1);
			if (lno1wkst >= 4)
				lnumweeks = 52 + (lyearlen +
				    fmod_(lyw - wkst, 7)) % 7 / 4;
			else	/* sic: dateutil uses this year's length */
				lnumweeks = 52 + (yi->yearlen - no1wkst) % 7 /
				    4;
		} else {
			lnumweeks = -1;
		}
		bool in = false;
		for (int k = 0; k < r->nbyweekno; k++)
			in |= r->byweekno[k] == lnumweeks;
		if (in)
			for (int i = 0; i < no1wkst; i++)
				yi->wno[i] = 1;
	}
}

static void
yinfo_set(const struct rrule *r, struct yinfo *yi, int year)
{
	if (yi->year == year)
		return;
	yi->year = year;
	yi->jan1 = cad_days_from_civil(year, 1, 1);
	yi->yearlen = 365 + is_leap(year);
	yi->nextyearlen = 365 + is_leap(year + 1);
	yi->nw_key = -1;
	if (r->nbyweekno > 0)
		yinfo_weekno(r, yi);
}

/* ordinal BYDAY days of a year (YEARLY) or of one month (MONTHLY) */
static void
yinfo_nweekday(const struct rrule *r, struct yinfo *yi, int month)
{
	int key = r->freq == RR_YEARLY ? yi->year * 13 :
	    yi->year * 13 + month;

	if (r->nbynweekday == 0 || yi->nw_key == key)
		return;
	yi->nw_key = key;
	memset(yi->nwd, 0, sizeof yi->nwd);
	int ranges[12][2], nr = 0;
	if (r->freq == RR_YEARLY) {
		if (r->has_bymonth) {
			for (int mo = 1; mo <= 12; mo++) {
				if (!r->bymonth[mo])
					continue;
				int a = cad_days_from_civil(yi->year, mo, 1) -
				    yi->jan1;
				ranges[nr][0] = a;
				ranges[nr][1] = a +
				    cad_days_in_month(yi->year, mo);
				nr++;
			}
		} else {
			ranges[0][0] = 0;
			ranges[0][1] = yi->yearlen;
			nr = 1;
		}
	} else {
		int a = cad_days_from_civil(yi->year, month, 1) - yi->jan1;
		ranges[0][0] = a;
		ranges[0][1] = a + cad_days_in_month(yi->year, month);
		nr = 1;
	}
	for (int k = 0; k < nr; k++) {
		int first = ranges[k][0], last = ranges[k][1] - 1;
		for (int j = 0; j < r->nbynweekday; j++) {
			int wday = r->bynweekday[j].wday;
			int n = r->bynweekday[j].n, i;
			if (n < 0) {
				i = last + (n + 1) * 7;
				i -= fmod_(cad_weekday(yi->jan1 + i) - wday, 7);
			} else {
				i = first + (n - 1) * 7;
				i += fmod_(7 - cad_weekday(yi->jan1 + i) + wday,
				    7);
			}
			if (first <= i && i <= last)
				yi->nwd[i] = 1;
		}
	}
}

static bool
in_list(const int *v, int n, int x)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* dateutil's filter: day index i of the iteration year stays */
static bool
rr_keep(const struct rrule *r, const struct yinfo *yi, int i)
{
	int day = yi->jan1 + i, y, m, d;

	cad_civil_from_days(day, &y, &m, &d);
	if (r->has_bymonth && !r->bymonth[m])
		return false;
	if (r->nbyweekno > 0 && !yi->wno[i])
		return false;
	if (r->has_byweekday && !r->byweekday[cad_weekday(day)])
		return false;
	if (r->nbynweekday > 0 && (r->freq == RR_YEARLY ||
	    r->freq == RR_MONTHLY) && !yi->nwd[i])
		return false;
	if (r->nbymonthday + r->nbynmonthday > 0 &&
	    !in_list(r->bymonthday, r->nbymonthday, d) &&
	    !in_list(r->bynmonthday, r->nbynmonthday,
	    d - cad_days_in_month(y, m) - 1))
		return false;
	if (r->nbyyearday > 0) {
		if (i < yi->yearlen) {
			if (!in_list(r->byyearday, r->nbyyearday, i + 1) &&
			    !in_list(r->byyearday, r->nbyyearday,
			    -yi->yearlen + i))
				return false;
		} else if (!in_list(r->byyearday, r->nbyyearday,
		    i + 1 - yi->yearlen) &&
		    !in_list(r->byyearday, r->nbyyearday,
		    -yi->nextyearlen + i - yi->yearlen)) {
			return false;
		}
	}
	return true;
}

/*
 * Expands r from DTSTART (ds, dsec) and appends every instance on or
 * before day `limit` to out, as dateutil would produce them.
 */
static void
rr_expand(const struct rrule *r, int ds, int dsec, int limit,
    struct cvec *out)
{
	struct yinfo *yi = cad_xcalloc(1, sizeof *yi);
	int *set = cad_xreallocarray(NULL, 366 + 7, sizeof *set);
	long long start = (long long)ds * 86400 + dsec;
	int count = r->count;
	int year, month, cur = ds;

	yi->year = INT_MIN;
	cad_civil_from_days(ds, &year, &month, NULL);
	for (;;) {
		int n = 0, pstart;

		if (r->freq == RR_YEARLY) {
			yinfo_set(r, yi, year);
			pstart = yi->jan1;
			yinfo_nweekday(r, yi, 1);
			/* only the BYMONTH months can pass the filter */
			for (int mo = 1; mo <= 12; mo++) {
				if (r->has_bymonth && !r->bymonth[mo])
					continue;
				int a = cad_days_from_civil(year, mo, 1) -
				    yi->jan1;
				int b = a + cad_days_in_month(year, mo);
				for (int i = a; i < b; i++)
					if (rr_keep(r, yi, i))
						set[n++] = i;
			}
		} else if (r->freq == RR_MONTHLY) {
			yinfo_set(r, yi, year);
			pstart = cad_days_from_civil(year, month, 1);
			yinfo_nweekday(r, yi, month);
			int a = pstart - yi->jan1;
			int b = a + cad_days_in_month(year, month);
			for (int i = a; i < b; i++)
				if (rr_keep(r, yi, i))
					set[n++] = i;
		} else {
			yinfo_set(r, yi, cad_year_of(cur));
			pstart = cur;
			int i = cur - yi->jan1;
			if (r->freq == RR_DAILY) {
				if (rr_keep(r, yi, i))
					set[n++] = i;
			} else {
				/* dateutil: from the current day to the end
				   of its week */
				for (int j = 0; j < 7; j++) {
					if (rr_keep(r, yi, i))
						set[n++] = i;
					i++;
					if (cad_weekday(yi->jan1 + i) == r->wkst)
						break;
				}
			}
		}
		if (pstart > limit)
			break;

		if (r->nbysetpos > 0) {
			/* at most one instance per BYSETPOS value */
			long long pos[ICAL_BY_SETPOS_SIZE];
			int np = 0;
			for (int k = 0; k < r->nbysetpos; k++) {
				int p = r->bysetpos[k], dp, tp;
				if (p < 0) {
					dp = fdiv(p, r->ntimes);
					tp = fmod_(p, r->ntimes);
				} else {
					dp = fdiv(p - 1, r->ntimes);
					tp = fmod_(p - 1, r->ntimes);
				}
				if (dp < 0)
					dp += n;
				if (dp < 0 || dp >= n)
					continue;
				long long v = (long long)(yi->jan1 + set[dp]) *
				    86400 + r->times[tp];
				bool dup = false;
				for (int q = 0; q < np && !dup; q++)
					dup = pos[q] == v;
				if (!dup)
					pos[np++] = v;
			}
			/* sort (few values) */
			for (int a = 1; a < np; a++)
				for (int b = a; b > 0 && pos[b - 1] > pos[b];
				    b--) {
					long long t = pos[b];
					pos[b] = pos[b - 1];
					pos[b - 1] = t;
				}
			for (int k = 0; k < np; k++) {
				long long v = pos[k];
				if (r->has_until && v > r->until)
					goto done;
				if (v < start)
					continue;
				if (count >= 0 && --count < 0)
					goto done;
				if (v / 86400 > limit)
					goto done;
				cvec_push(out, (int)(v / 86400),
				    (int)(v % 86400) / 60);
			}
		} else {
			for (int k = 0; k < n; k++) {
				int day = yi->jan1 + set[k];
				for (int t = 0; t < r->ntimes; t++) {
					long long v = (long long)day * 86400 +
					    r->times[t];
					if (r->has_until && v > r->until)
						goto done;
					if (v < start)
						continue;
					if (count >= 0 && --count < 0)
						goto done;
					if (day > limit)
						goto done;
					cvec_push(out, day, r->times[t] / 60);
				}
			}
		}
		if (count == 0)
			break;

		/* the next period */
		if (r->freq == RR_YEARLY) {
			year += r->interval;
		} else if (r->freq == RR_MONTHLY) {
			int idx = year * 12 + (month - 1) + r->interval;
			year = idx / 12;
			month = idx % 12 + 1;
		} else if (r->freq == RR_WEEKLY) {
			int wd = cad_weekday(cur);
			if (r->wkst > wd)
				cur += -(wd + 1 + (6 - r->wkst)) +
				    r->interval * 7;
			else
				cur += -(wd - r->wkst) + r->interval * 7;
		} else {
			cur += r->interval;
		}
		if (year > 9999 || cur > limit + 400)
			break;
	}
done:
	free(set);
	free(yi);
}

/* --- per_term ------------------------------------------------------------ */

/* the week-th (-1 = last) weekday wd of month m of year y, or CAD_NODAY */
static int
nth_weekday(int y, int m, int wd, int week)
{
	if (week > 0) {
		int first = cad_days_from_civil(y, m, 1);
		int day = first + (wd - cad_weekday(first) + 7) % 7 +
		    7 * (week - 1);
		return day - first < cad_days_in_month(y, m) ? day : CAD_NODAY;
	}
	int last = cad_days_from_civil(y, m, cad_days_in_month(y, m));
	return last - (cad_weekday(last) - wd + 7) % 7;
}

/*
 * SPEC § 4: the week-th weekday of month in the term's year-th year,
 * year N = [term start + 12(N-1) months, term start + 12N months).  For
 * a term that starts on the 1st that is simply the month inside the
 * span; for one that starts mid-month the month is cut in two (June
 * 15-30 of one year, June 1-14 of the next), and the candidate is the
 * week-th weekday of either June that lies inside the span -- the
 * earlier one when both do (one candidate per term).  A date outside
 * the term, before `start`, or no week-th weekday at all: none.
 */
static void
per_term_expand(const struct cad_config *cfg, const struct cad_forum *f,
    int start, int limit, struct cvec *out)
{
	const struct cad_per_term *pt = &f->per_term;

	for (size_t t = 0; t < cfg->nterms; t++) {
		const struct cad_term *term = &cfg->terms[t];
		int lo = cad_add_months(term->start, 12 * (pt->year - 1));
		int hi = cad_add_months(term->start, 12 * pt->year);
		int y0, day = CAD_NODAY;

		cad_civil_from_days(lo, &y0, NULL, NULL);
		for (int y = y0; y <= y0 + 1 && day == CAD_NODAY; y++) {
			int d = nth_weekday(y, pt->month, pt->weekday,
			    pt->week);
			if (d != CAD_NODAY && d >= lo && d < hi)
				day = d;
		}
		if (day == CAD_NODAY || day < term->start ||
		    day > term->end || day < start || day > limit)
			continue;
		cvec_push(out, day, f->time);
	}
}

/* --- helpers ------------------------------------------------------------- */

int
cad_plan_forum_start(const struct cad_forum *f,
    const struct cad_plan_ctx *ctx)
{
	if (f->start != CAD_NODAY)
		return f->start;
	return cad_days_from_civil(cad_year_of(ctx->today), 1, 1);
}

int
cad_plan_party_effective(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int p)
{
	int eff = NOEFFECT;

	if (ctx == NULL || p < 0 || (size_t)p >= cfg->nparties)
		return NOEFFECT;
	for (size_t i = 0; i < ctx->nterminations; i++) {
		const struct cad_termination *t = &ctx->terminations[i];
		if (t->party != NULL && strcmp(t->party, cfg->parties[p].id) ==
		    0 && t->effective < eff)
			eff = t->effective;
	}
	return eff;
}

static bool
usable_day(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, int day)
{
	return cad_is_working_day(cfg, day) &&
	    !cad_is_blacked_out(cfg, f, member, day);
}

/*
 * Blackouts and on_holiday for one series' candidates, in place.  A
 * candidate moved onto a day the series already has is dropped.
 */
static void
apply_holidays(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, struct cvec *c)
{
	struct ivec fixed = { 0 };
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (cad_is_blacked_out(cfg, f, member, x.rid_day))
			continue;
		if (!cad_is_working_day(cfg, x.rid_day)) {
			int step;
			if (f->on_holiday == CAD_HOLIDAY_SKIP)
				continue;
			if (f->on_holiday != CAD_HOLIDAY_KEEP) {
				step = f->on_holiday == CAD_HOLIDAY_PREVIOUS ?
				    -1 : 1;
				int d = x.rid_day + step, s;
				for (s = 1; s <= MOVE_MAX &&
				    !usable_day(cfg, f, member, d); s++)
					d += step;
				if (s > MOVE_MAX)
					continue;
				x.day = d;
				x.moved = CAD_MOVED_HOLIDAY;
			}
		}
		if (x.moved == CAD_MOVED_NONE)
			ivec_push(&fixed, x.day);
		c->v[k++] = x;
	}
	c->n = k;
	/* fixed is sorted: candidates come in date order */
	k = 0;
	int last_moved = CAD_NODAY;
	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (x.moved != CAD_MOVED_NONE) {
			/* moves keep the order, so only the previous move
			   can share the day */
			if (ivec_has(&fixed, x.day) || x.day == last_moved)
				continue;
			last_moved = x.day;
		}
		c->v[k++] = x;
	}
	c->n = k;
	free(fixed.v);
}

/*
 * for_each spread: a day an earlier member uses (`used`, sorted) moves
 * to the next working, non-blacked-out day no earlier member uses.
 */
static void
apply_spread(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, const struct ivec *used, struct cvec *c)
{
	struct ivec own = { 0 };
	size_t k = 0;
	int last_moved = CAD_NODAY;

	for (size_t i = 0; i < c->n; i++)
		if (!ivec_has(used, c->v[i].day))
			ivec_push(&own, c->v[i].day);
	if (own.n > 1)	/* own.v is NULL when empty: no qsort(NULL, 0) */
		qsort(own.v, own.n, sizeof *own.v, cmp_int);
	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (ivec_has(used, x.day)) {
			int d = x.day + 1, s;
			for (s = 1; s <= MOVE_MAX &&
			    (!usable_day(cfg, f, member, d) ||
			    ivec_has(used, d)); s++)
				d++;
			if (s > MOVE_MAX)
				continue;
			/* landed on a day the series already has */
			if (ivec_has(&own, d) || d == last_moved)
				continue;
			last_moved = d;
			x.day = d;
			if (x.moved == CAD_MOVED_NONE)
				x.moved = CAD_MOVED_SPREAD;
		}
		c->v[k++] = x;
	}
	c->n = k;
	free(own.v);
}

/* --- the plan ------------------------------------------------------------ */

struct pbuild {
	struct cad_plan *plan;
	size_t scap;
	struct cad_occurrence *occ;
	size_t nocc;
	size_t ocap;
	size_t *seg_start;	/* per series: its occurrences, rid order */
	size_t *seg_n;
};

static size_t
add_series(struct pbuild *pb, char *uid, int forum,
    const struct cad_unit *member, bool first, int convenor)
{
	struct cad_plan *p = pb->plan;

	if (p->nseries == pb->scap) {
		pb->scap = pb->scap ? pb->scap * 2 : 32;
		p->series = cad_xreallocarray(p->series, pb->scap,
		    sizeof *p->series);
		pb->seg_start = cad_xreallocarray(pb->seg_start, pb->scap,
		    sizeof *pb->seg_start);
		pb->seg_n = cad_xreallocarray(pb->seg_n, pb->scap,
		    sizeof *pb->seg_n);
	}
	p->series[p->nseries] = (struct cad_series){ uid, forum,
		member != NULL ? member->party : -1,
		member != NULL ? member->group : -1, first, convenor };
	pb->seg_start[p->nseries] = 0;
	pb->seg_n[p->nseries] = 0;
	return p->nseries++;
}

static void
add_occ(struct pbuild *pb, size_t series, const struct cand *x,
    int duration, const char *location)
{
	if (pb->nocc == pb->ocap) {
		pb->ocap = pb->ocap ? pb->ocap * 2 : 256;
		pb->occ = cad_xreallocarray(pb->occ, pb->ocap, sizeof *pb->occ);
	}
	if (pb->seg_n[series] == 0)
		pb->seg_start[series] = pb->nocc;
	pb->seg_n[series]++;
	pb->occ[pb->nocc++] = (struct cad_occurrence){
		.series = series, .rid_day = x->rid_day, .rid_time = x->rid_time,
		.day = x->day, .time = x->time, .duration = duration,
		.status = CAD_CONFIRMED, .moved = x->moved, .reason = NULL,
		.added = x->added,
		.location = location,
	};
}

/* overrides sorted by uid for lookups */
static int
cmp_ovp(const void *a, const void *b)
{
	const struct cad_override *x = *(const struct cad_override *const *)a;
	const struct cad_override *y = *(const struct cad_override *const *)b;
	int c = strcmp(x->uid, y->uid);
	if (c != 0)
		return c;
	return (x > y) - (x < y);	/* keep the given order */
}

static size_t
ov_first(const struct cad_override **ov, size_t n, const char *uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ov[mid]->uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* the candidate horizon of a series: `to` + MARGIN, or further when a
   person moved a later instance into the range */
static int
series_limit(const struct cad_override **ov, size_t nov, const char *uid,
    int to, int limit)
{
	for (size_t i = ov_first(ov, nov, uid); i < nov &&
	    strcmp(ov[i]->uid, uid) == 0; i++)
		if (ov[i]->kind == CAD_OVERRIDE_MOVE && ov[i]->new_day <= to &&
		    ov[i]->rid_day < MAXDAY && ov[i]->rid_day + MARGIN > limit)
			limit = ov[i]->rid_day + MARGIN;
	return limit;
}

static int
merge_used(struct ivec *used, const struct cvec *c)
{
	for (size_t i = 0; i < c->n; i++)
		ivec_push(used, c->v[i].day);
	if (used->n > 1)
		qsort(used->v, used->n, sizeof *used->v, cmp_int);
	return 0;
}

/* the place of candidate x of a series of f (member: its unit or NULL) */
static const char *
occ_location(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, const struct cand *x)
{
	if (f->nlocation_rotation > 0)
		return x->k >= 0 ? f->location_rotation[(size_t)x->k %
		    f->nlocation_rotation] : NULL;
	if (f->location_member && member != NULL && member->party >= 0)
		return cfg->parties[member->party].location;
	return f->location;
}

/* RECURRENCE-ID order; at one RECURRENCE-ID the rule's candidate, then
   a config `extra`, then a stored addition */
static int
cmp_cand_rid(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int rx = x->k >= 0 ? 0 : x->added ? 2 : 1;
	int ry = y->k >= 0 ? 0 : y->added ? 2 : 1;

	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	if (x->rid_time != y->rid_time)
		return x->rid_time < y->rid_time ? -1 : 1;
	return (rx > ry) - (rx < ry);
}

/*
 * The one-off meetings of series uid of forum f into c: f's `extra`
 * dates (SPEC 10.1) and the meetings stored by cadencectl add (SPEC
 * 10.3), both kept as given (no rule moves or drops them), those before
 * `eff` (a member's termination) only.  c stays in RECURRENCE-ID order;
 * one at a RECURRENCE-ID the series has already is left out.
 */
static void
add_extras(const struct cad_plan_ctx *ctx, const struct cad_forum *f,
    const char *uid, int eff, struct cvec *c)
{
	size_t n0 = c->n, k = 0;

	for (size_t i = 0; i < f->nextra; i++) {
		if (f->extra[i].day >= eff)
			continue;
		cvec_push(c, f->extra[i].day, f->extra[i].time);
		c->v[c->n - 1].k = -1;
	}
	for (size_t i = 0; i < ctx->nadditions; i++) {
		const struct cad_addition *x = &ctx->additions[i];
		if (x->uid == NULL || strcmp(x->uid, uid) != 0 ||
		    x->day >= eff)
			continue;
		cvec_push(c, x->day, x->time);
		c->v[c->n - 1].k = -1;
		c->v[c->n - 1].added = true;
	}
	if (c->n == n0)
		return;
	qsort(c->v, c->n, sizeof *c->v, cmp_cand_rid);
	for (size_t i = 0; i < c->n; i++)
		if (k == 0 || c->v[k - 1].rid_day != c->v[i].rid_day ||
		    c->v[k - 1].rid_time != c->v[i].rid_time)
			c->v[k++] = c->v[i];
	c->n = k;
}

/* the series of forum fi, in config order; returns how many */
static size_t
forum_series(const struct cad_config *cfg, size_t fi, struct pbuild *pb)
{
	const struct cad_forum *f = &cfg->forums[fi];
	size_t n0 = pb->plan->nseries;

	if (f->nfor_each > 0) {
		for (size_t m = 0; m < f->nfor_each; m++) {
			const struct cad_unit *u = &f->for_each[m];
			add_series(pb, cad_asprintf("%s.%s@%s", f->id,
			    cad_config_unit_id(cfg, u), cfg->domain),
			    (int)fi, u, false, f->convenor_member ?
			    u->party : f->convenor);
		}
		return pb->plan->nseries - n0;
	}
	add_series(pb, cad_asprintf("%s@%s", f->id, cfg->domain), (int)fi,
	    NULL, false, f->convenor);
	if (f->first_convenor >= 0 && f->first_scope == CAD_FIRST_SERIES)
		add_series(pb, cad_asprintf("%s.first@%s", f->id,
		    cfg->domain), (int)fi, NULL, true, f->first_convenor);
	for (size_t t = 0; f->first_convenor >= 0 &&
	    f->first_scope == CAD_FIRST_TERM && t < cfg->nterms; t++)
		add_series(pb, cad_asprintf("%s.first-%d@%s", f->id,
		    cad_year_of(cfg->terms[t].start), cfg->domain), (int)fi,
		    NULL, true, f->first_convenor);
	return pb->plan->nseries - n0;
}

/*
 * A single series: the first_convenor's meetings (the first rule
 * meeting ever, or of every council term) go to the .first series, the
 * rest to the forum's; each series' occurrences are added in order.
 */
static void
plan_single(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_forum *f, size_t s0, size_t nser, struct cvec *c,
    struct pbuild *pb)
{
	size_t *to;
	bool any = false;

	apply_holidays(cfg, f, NULL, c);
	add_extras(ctx, f, pb->plan->series[s0].uid, NOEFFECT, c);
	to = cad_xcalloc(c->n + 1, sizeof *to);
	for (size_t i = 0; i < c->n; i++) {
		to[i] = s0;
		if (f->first_convenor < 0 || c->v[i].k < 0)
			continue;
		if (f->first_scope == CAD_FIRST_SERIES) {
			if (!any)
				to[i] = s0 + 1;
			any = true;
			continue;
		}
		int t = cad_term_of(cfg, c->v[i].day);
		size_t st = s0 + 1 + (size_t)t;
		if (t >= 0 && st < s0 + nser && pb->seg_n[st] == 0) {
			to[i] = st;
			pb->seg_n[st] = 1;	/* taken; reset below */
		}
	}
	for (size_t s = s0 + 1; s < s0 + nser; s++)
		pb->seg_n[s] = 0;
	for (size_t s = s0; s < s0 + nser; s++)
		for (size_t i = 0; i < c->n; i++)
			if (to[i] == s)
				add_occ(pb, s, &c->v[i], f->duration,
				    occ_location(cfg, f, NULL, &c->v[i]));
	free(to);
}

static int
plan_forum(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    size_t fi, int to, const struct cad_override **ov, size_t nov,
    icaltimezone *tz, struct pbuild *pb, struct cad_error *err)
{
	const struct cad_forum *f = &cfg->forums[fi];
	struct cad_plan *p = pb->plan;
	size_t first_series = p->nseries;
	size_t nser = forum_series(cfg, fi, pb);
	int start = cad_plan_forum_start(f, ctx);
	int limit = to + MARGIN;
	struct cvec base = { 0 }, c = { 0 };
	struct ivec used = { 0 };
	struct rrule *rr = NULL;
	int r = 0;

	for (size_t s = first_series; s < p->nseries; s++)
		limit = series_limit(ov, nov, p->series[s].uid, to, limit);

	/* candidates, shared by every series of the forum */
	if (f->has_per_term || f->rrule == NULL) {
		if (f->has_per_term)
			per_term_expand(cfg, f, start, limit, &base);
	} else {
		rr = cad_xcalloc(1, sizeof *rr);
		r = rrule_parse(f->rrule, start, f->time * 60, tz, rr, err);
		if (r < 0) {
			char msg[sizeof err->msg];
			if (err != NULL) {
				cad_strlcpy(msg, err->msg, sizeof msg);
				cad_error_set(err, "forum '%s': %s", f->id,
				    msg);
			}
			goto out;
		}
		rr_expand(rr, start, f->time * 60, limit, &base);
	}

	if (f->nfor_each == 0) {
		c.v = cad_xreallocarray(NULL, base.n ? base.n : 1, sizeof *c.v);
		if (base.n > 0)	/* base.v is NULL when empty */
			memcpy(c.v, base.v, base.n * sizeof *c.v);
		c.n = c.cap = base.n;
		plan_single(cfg, ctx, f, first_series, nser, &c, pb);
	} else {
		for (size_t m = 0; m < nser; m++) {
			const struct cad_unit *u = &f->for_each[m];
			int eff = cad_plan_party_effective(cfg, ctx, u->party);
			c.n = 0;
			for (size_t i = 0; i < base.n; i++) {
				cvec_push(&c, 0, 0);
				c.v[c.n - 1] = base.v[i];
			}
			apply_holidays(cfg, f, u, &c);
			if (f->spread && m > 0)
				apply_spread(cfg, f, u, &used, &c);
			/* a terminated member has nothing from its day on */
			size_t k = 0;
			for (size_t i = 0; i < c.n; i++)
				if (c.v[i].day < eff)
					c.v[k++] = c.v[i];
			c.n = k;
			if (f->spread && m + 1 < nser)
				merge_used(&used, &c);
			add_extras(ctx, f, p->series[first_series + m].uid,
			    eff, &c);
			for (size_t i = 0; i < c.n; i++)
				add_occ(pb, first_series + m, &c.v[i],
				    f->duration, occ_location(cfg, f, u,
				    &c.v[i]));
		}
	}
out:
	free(rr);
	free(base.v);
	free(c.v);
	free(used.v);
	return r;
}

const char *
cad_moved_code(enum cad_moved m)
{
	switch (m) {
	case CAD_MOVED_HOLIDAY:
		return "holiday";
	case CAD_MOVED_SPREAD:
		return "spread";
	case CAD_MOVED_PERSON:
		return "person";
	default:
		return NULL;
	}
}

/* finds the occurrence of series s with the given RECURRENCE-ID */
static struct cad_occurrence *
find_rid(struct pbuild *pb, size_t s, int rid_day, int rid_time)
{
	struct cad_occurrence *v = pb->occ + pb->seg_start[s];
	size_t lo = 0, hi = pb->seg_n[s];

	/* a series' occurrences are in RECURRENCE-ID order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].rid_day == rid_day && v[mid].rid_time == rid_time)
			return &v[mid];
		if (v[mid].rid_day < rid_day || (v[mid].rid_day == rid_day &&
		    v[mid].rid_time < rid_time))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_occ(const void *a, const void *b, void *arg)
{
	const struct cad_occurrence *x = a, *y = b;
	const size_t *rank = arg;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->series != y->series)
		return rank[x->series] < rank[y->series] ? -1 : 1;
	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	return (x->rid_time > y->rid_time) - (x->rid_time < y->rid_time);
}

static int
cmp_uid(const void *a, const void *b, void *arg)
{
	const struct cad_series *s = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return strcmp(s[x].uid, s[y].uid);
}

/* overrides last: a person's cancel or move; one for an instance the
   plan does not have is ignored */
static void
apply_overrides(struct pbuild *pb, const struct cad_override **ov, size_t nov)
{
	const struct cad_plan *out = pb->plan;

	for (size_t s = 0; s < out->nseries && nov > 0; s++) {
		const char *uid = out->series[s].uid;
		for (size_t i = ov_first(ov, nov, uid); i < nov &&
		    strcmp(ov[i]->uid, uid) == 0; i++) {
			struct cad_occurrence *o = find_rid(pb, s,
			    ov[i]->rid_day, ov[i]->rid_time);
			if (o == NULL)
				continue;
			if (ov[i]->kind == CAD_OVERRIDE_CANCEL) {
				o->status = CAD_CANCELLED;
				o->reason = ov[i]->reason;
			} else {
				o->day = ov[i]->new_day;
				o->time = ov[i]->new_time;
				o->moved = CAD_MOVED_PERSON;
			}
		}
	}
}

int
cad_plan_range(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int from, int to, struct cad_plan *out, struct cad_error *err)
{
	static const struct cad_plan_ctx noctx;
	struct pbuild pb = { 0 };
	const struct cad_override **ov = NULL;
	size_t nov = 0, *order = NULL, *rank = NULL;
	icaltimezone *tz = NULL;
	int r = 0;

	memset(out, 0, sizeof *out);
	if (ctx == NULL)
		ctx = &noctx;
	if (to > MAXDAY)
		to = MAXDAY;
	pb.plan = out;
	if (cfg->timezone != NULL)
		tz = icaltimezone_get_builtin_timezone(cfg->timezone);

	if (ctx->noverrides > 0) {
		ov = cad_xreallocarray(NULL, ctx->noverrides, sizeof *ov);
		for (size_t i = 0; i < ctx->noverrides; i++)
			if (ctx->overrides[i].uid != NULL)
				ov[nov++] = &ctx->overrides[i];
		qsort(ov, nov, sizeof *ov, cmp_ovp);
	}

	for (size_t fi = 0; fi < cfg->nforums; fi++) {
		r = plan_forum(cfg, ctx, fi, to, ov, nov, tz, &pb, err);
		if (r < 0)
			goto out;
	}

	apply_overrides(&pb, ov, nov);

	/* the range, by final start date; sorted by (day, time, uid) */
	size_t k = 0;
	for (size_t i = 0; i < pb.nocc; i++)
		if (pb.occ[i].day >= from && pb.occ[i].day <= to)
			pb.occ[k++] = pb.occ[i];
	pb.nocc = k;
	order = cad_xreallocarray(NULL, out->nseries + 1, sizeof *order);
	rank = cad_xreallocarray(NULL, out->nseries + 1, sizeof *rank);
	for (size_t s = 0; s < out->nseries; s++)
		order[s] = s;
	qsort_r(order, out->nseries, sizeof *order, cmp_uid, out->series);
	for (size_t s = 0; s < out->nseries; s++)
		rank[order[s]] = s;
	if (pb.nocc > 1)
		qsort_r(pb.occ, pb.nocc, sizeof *pb.occ, cmp_occ, rank);
	out->occ = pb.occ;
	out->nocc = pb.nocc;
	pb.occ = NULL;
out:
	if (r < 0) {
		free(pb.occ);
		cad_plan_release(out);
	}
	free(pb.seg_start);
	free(pb.seg_n);
	free(ov);
	free(order);
	free(rank);
	return r;
}

void
cad_plan_release(struct cad_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nseries; i++)
		free(plan->series[i].uid);
	free(plan->series);
	free(plan->occ);
	memset(plan, 0, sizeof *plan);
}

bool
cad_plan_involves(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_occurrence *o, int p)
{
	if (o->series >= plan->nseries || p < 0)
		return false;
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &cfg->forums[s->forum];

	if (o->day >= cad_plan_party_effective(cfg, ctx, p))
		return false;
	if (s->convenor == p || s->party == p)
		return true;
	for (size_t i = 0; i < f->nparticipants; i++)
		if (f->participants[i] == p)
			return true;
	return false;
}
