/*
 * rrule.c - RRULE expansion (SPEC § 4), a port of python-dateutil's
 * rrule._iter.
 *
 * libical parses and validates the rule (icalrecurrencetype_from_string),
 * but the instances are generated here: libical 3.0.16's iterator
 * disagrees with dateutil (the reference the SPEC names) on several rule
 * kinds -- BYWEEKNO (wrong days, e.g. a Tuesday for BYDAY=MO), WEEKLY with
 * BYSETPOS (ignored), YEARLY with BYMONTHDAY or BYMONTHDAY+BYDAY but no
 * BYMONTH (only DTSTART's month), YEARLY with BYMONTH+BYYEARDAY (refused).
 * The port follows dateutil's period-by-period algorithm, so DTSTART
 * counts only when the rule produces it, and COUNT and UNTIL count and
 * stop the way dateutil does.  Frequencies below DAILY are refused.
 * Everything is local wall-clock time: day numbers and seconds of day.
 */
#include "model/rrule.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"

enum { RR_DAILY = 3, RR_WEEKLY, RR_MONTHLY, RR_YEARLY };

struct nwday {
	int wday;		/* 0 = Monday */
	int n;			/* +-1..53 */
};

struct cad_rrule {
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

/* BYMONTH .. BYSETPOS into r; *any: whether a BYxxx that stops
   dateutil's defaults from DTSTART was given (bit 0: BYMONTH) */
static void
rrule_by(const struct icalrecurrencetype *ir, struct cad_rrule *r,
    unsigned *any)
{
	FOR_ICAL(ir->by_month, i) {
		int mo = icalrecurrencetype_month_month(ir->by_month[i]);
		if (mo >= 1 && mo <= 12)
			r->bymonth[mo] = true;
		*any |= 1;
	}
	FOR_ICAL(ir->by_month_day, i) {
		int v = ir->by_month_day[i];
		*any |= 2;
		if (v > 0 && r->nbymonthday < 32)
			r->bymonthday[r->nbymonthday++] = v;
		else if (v < 0 && r->nbynmonthday < 32)
			r->bynmonthday[r->nbynmonthday++] = v;
	}
	FOR_ICAL(ir->by_year_day, i) {
		*any |= 2;
		r->byyearday[r->nbyyearday++] = ir->by_year_day[i];
	}
	FOR_ICAL(ir->by_week_no, i) {
		*any |= 2;
		r->byweekno[r->nbyweekno++] = ir->by_week_no[i];
	}
	FOR_ICAL(ir->by_day, i) {
		int w = wd_from_ical(
		    icalrecurrencetype_day_day_of_week(ir->by_day[i]));
		int n = icalrecurrencetype_day_position(ir->by_day[i]);
		*any |= 2;
		/* dateutil: ordinals only count for MONTHLY and YEARLY */
		if (n == 0 || r->freq < RR_MONTHLY) {
			r->byweekday[w] = true;
			r->has_byweekday = true;
		} else {
			r->bynweekday[r->nbynweekday++] =
			    (struct nwday){ w, n };
		}
	}
	FOR_ICAL(ir->by_set_pos, i)
		r->bysetpos[r->nbysetpos++] = ir->by_set_pos[i];
}

/* dateutil's defaults from DTSTART (day ds) when no BYxxx but BYMONTH,
   BYHOUR.. was given */
static void
rrule_defaults(struct cad_rrule *r, int ds, unsigned any)
{
	int y, m, d;

	cad_civil_from_days(ds, &y, &m, &d);
	if ((any & 2) == 0) {
		if (r->freq == RR_YEARLY) {
			if ((any & 1) == 0) {
				r->bymonth[m] = true;
				any |= 1;
			}
			r->bymonthday[r->nbymonthday++] = d;
		} else if (r->freq == RR_MONTHLY) {
			r->bymonthday[r->nbymonthday++] = d;
		} else if (r->freq == RR_WEEKLY) {
			r->byweekday[cad_weekday(ds)] = true;
			r->has_byweekday = true;
		}
	}
	r->has_bymonth = (any & 1) != 0;
}

/* the time set: BYHOUR x BYMINUTE x BYSECOND, defaults from DTSTART's
   dsec seconds of day */
static void
rrule_times(const struct icalrecurrencetype *ir, struct cad_rrule *r,
    int dsec)
{
	int hours[24], nh = 0, mins[60], nm = 0, secs[61], ns = 0;

	FOR_ICAL(ir->by_hour, i)
		if (ir->by_hour[i] >= 0 && ir->by_hour[i] < 24 && nh < 24)
			hours[nh++] = ir->by_hour[i];
	FOR_ICAL(ir->by_minute, i)
		if (ir->by_minute[i] >= 0 && ir->by_minute[i] < 60 && nm < 60)
			mins[nm++] = ir->by_minute[i];
	FOR_ICAL(ir->by_second, i)
		if (ir->by_second[i] >= 0 && ir->by_second[i] < 60 && ns < 60)
			secs[ns++] = ir->by_second[i];
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
}

/* FREQ, INTERVAL, WKST, COUNT, UNTIL; tz (may be NULL) converts a UTC
   UNTIL to local wall-clock time */
static void
rrule_limits(const struct icalrecurrencetype *ir, icaltimezone *tz,
    struct cad_rrule *r)
{
	r->freq = ir->freq;
	r->interval = ir->interval > 0 ? ir->interval : 1;
	r->wkst = ir->week_start == ICAL_NO_WEEKDAY ? 0 :
	    wd_from_ical(ir->week_start);
	r->count = ir->count > 0 ? ir->count : -1;
	if (!icaltime_is_null_time(ir->until)) {
		struct icaltimetype u = ir->until;
		if (!u.is_date && icaltime_is_utc(u) && tz != NULL)
			u = icaltime_convert_to_zone(u, tz);
		r->has_until = true;
		r->until = (long long)cad_days_from_civil(u.year, u.month,
		    u.day) * 86400;
		if (!u.is_date)
			r->until += u.hour * 3600 + u.minute * 60 + u.second;
	}
}

int
cad_rrule_parse(const char *text, int ds, int dsec, icaltimezone *tz,
    struct cad_rrule **out, struct cad_error *err)
{
	struct icalrecurrencetype ir;
	struct cad_rrule *r;
	unsigned any = 0;

	*out = NULL;
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
	r = cad_xcalloc(1, sizeof *r);
	rrule_limits(&ir, tz, r);
	rrule_by(&ir, r, &any);
	rrule_defaults(r, ds, any);
	rrule_times(&ir, r, dsec);
	*out = r;
	return 0;
}

void
cad_rrule_free(struct cad_rrule *r)
{
	free(r);
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
yinfo_weekno(const struct cad_rrule *r, struct yinfo *yi)
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
yinfo_set(const struct cad_rrule *r, struct yinfo *yi, int year)
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
yinfo_nweekday(const struct cad_rrule *r, struct yinfo *yi, int month)
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
rr_keep(const struct cad_rrule *r, const struct yinfo *yi, int i)
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

/* an expansion under way */
struct rr_iter {
	const struct cad_rrule *r;
	struct yinfo *yi;
	int *set;		/* day indexes (of yi's year) of the period */
	long long start;	/* DTSTART, local seconds */
	int count;		/* instances left, -1: no COUNT */
	int limit;		/* the last day wanted */
	void (*emit)(void *arg, int day, int time);
	void *arg;
};

/* the days of the period that starts in year/month (YEARLY, MONTHLY) or
   on day cur (WEEKLY, DAILY) into it->set; their number, and the first
   day of the period into *pstart */
static int
rr_period(struct rr_iter *it, int year, int month, int cur, int *pstart)
{
	const struct cad_rrule *r = it->r;
	struct yinfo *yi = it->yi;
	int n = 0, a, b;

	yinfo_set(r, yi, r->freq >= RR_MONTHLY ? year : cad_year_of(cur));
	if (r->freq == RR_YEARLY) {
		*pstart = yi->jan1;
		yinfo_nweekday(r, yi, 1);
		/* only the BYMONTH months can pass the filter */
		for (int mo = 1; mo <= 12; mo++) {
			if (r->has_bymonth && !r->bymonth[mo])
				continue;
			a = cad_days_from_civil(year, mo, 1) - yi->jan1;
			b = a + cad_days_in_month(year, mo);
			for (int i = a; i < b; i++)
				if (rr_keep(r, yi, i))
					it->set[n++] = i;
		}
		return n;
	}
	if (r->freq == RR_MONTHLY) {
		*pstart = cad_days_from_civil(year, month, 1);
		yinfo_nweekday(r, yi, month);
		a = *pstart - yi->jan1;
		b = a + cad_days_in_month(year, month);
		for (int i = a; i < b; i++)
			if (rr_keep(r, yi, i))
				it->set[n++] = i;
		return n;
	}
	*pstart = cur;
	int i = cur - yi->jan1;
	/* DAILY: the day; WEEKLY (dateutil): to the end of its week */
	for (int j = 0; j < (r->freq == RR_DAILY ? 1 : 7); j++) {
		if (rr_keep(r, yi, i))
			it->set[n++] = i;
		i++;
		if (cad_weekday(yi->jan1 + i) == r->wkst)
			break;
	}
	return n;
}

/* one instance at day + sec: false when the expansion ends there */
static bool
rr_emit(struct rr_iter *it, int day, int sec)
{
	long long v = (long long)day * 86400 + sec;

	if (it->r->has_until && v > it->r->until)
		return false;
	if (v < it->start)
		return true;
	if (it->count >= 0 && --it->count < 0)
		return false;
	if (day > it->limit)
		return false;
	it->emit(it->arg, day, sec / 60);
	return true;
}

/* BYSETPOS: at most one instance per value, in time order, out of the
   n days of the period; false when the expansion ends */
static bool
rr_emit_setpos(struct rr_iter *it, int n)
{
	const struct cad_rrule *r = it->r;
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
		long long v = (long long)(it->yi->jan1 + it->set[dp]) *
		    86400 + r->times[tp];
		bool dup = false;
		for (int q = 0; q < np && !dup; q++)
			dup = pos[q] == v;
		if (!dup)
			pos[np++] = v;
	}
	/* sort (few values) */
	for (int a = 1; a < np; a++)
		for (int b = a; b > 0 && pos[b - 1] > pos[b]; b--) {
			long long t = pos[b];
			pos[b] = pos[b - 1];
			pos[b - 1] = t;
		}
	for (int k = 0; k < np; k++) {
		int day = (int)(pos[k] / 86400), sec = (int)(pos[k] % 86400);
		if (sec < 0) {		/* a day before 1970 */
			day--;
			sec += 86400;
		}
		if (!rr_emit(it, day, sec))
			return false;
	}
	return true;
}

void
cad_rrule_expand(const struct cad_rrule *r, int ds, int dsec, int limit,
    void (*emit)(void *arg, int day, int time), void *arg)
{
	struct rr_iter it = { r, NULL, NULL, (long long)ds * 86400 + dsec,
		r->count, limit, emit, arg };
	int year, month, cur = ds;

	it.yi = cad_xcalloc(1, sizeof *it.yi);
	it.set = cad_xreallocarray(NULL, 366 + 7, sizeof *it.set);
	it.yi->year = INT_MIN;
	cad_civil_from_days(ds, &year, &month, NULL);
	for (;;) {
		int pstart, n = rr_period(&it, year, month, cur, &pstart);
		bool more = true;

		if (pstart > limit)
			break;
		if (r->nbysetpos > 0)
			more = rr_emit_setpos(&it, n);
		for (int k = 0; r->nbysetpos == 0 && more && k < n; k++)
			for (int t = 0; more && t < r->ntimes; t++)
				more = rr_emit(&it, it.yi->jan1 + it.set[k],
				    r->times[t]);
		if (!more || it.count == 0)
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
	free(it.set);
	free(it.yi);
}
