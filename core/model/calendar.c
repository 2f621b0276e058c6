/*
 * calendar.c - Finnish holidays, working days, blackouts and council terms
 * (SPEC § 4).
 *
 * Everything here is a pure function of the config and the day.  The one
 * piece of static state is a small cache of the built-in holidays keyed
 * by year: those depend on the year alone, never on a config, so two
 * configs can share it safely (it is not thread-safe, nor need it be).
 */
#include "model/calendar.h"

#include "base/lang.h"

#include <stddef.h>

#define EXTRA_NAME N_("Lisävapaapäivä")

/*
 * The built-in holidays in SPEC order; the sort below is stable, so when
 * two fall on the same date (vappu and helatorstai in 2008) this order
 * decides which comes first.
 */
enum {
	FI_UUDENVUODENPAIVA,
	FI_LOPPIAINEN,
	FI_PITKAPERJANTAI,
	FI_PAASIAISPAIVA,
	FI_2_PAASIAISPAIVA,
	FI_VAPPU,
	FI_HELATORSTAI,
	FI_HELLUNTAIPAIVA,
	FI_JUHANNUSAATTO,
	FI_JUHANNUSPAIVA,
	FI_PYHAINPAIVA,
	FI_ITSENAISYYSPAIVA,
	FI_JOULUAATTO,
	FI_JOULUPAIVA,
	FI_TAPANINPAIVA,
	FI_COUNT
};

static const char *const fi_names[FI_COUNT] = {
	[FI_UUDENVUODENPAIVA] = N_("Uudenvuodenpäivä"),
	[FI_LOPPIAINEN] = N_("Loppiainen"),
	[FI_PITKAPERJANTAI] = N_("Pitkäperjantai"),
	[FI_PAASIAISPAIVA] = N_("Pääsiäispäivä"),
	[FI_2_PAASIAISPAIVA] = N_("2. pääsiäispäivä"),
	[FI_VAPPU] = N_("Vappu"),
	[FI_HELATORSTAI] = N_("Helatorstai"),
	[FI_HELLUNTAIPAIVA] = N_("Helluntaipäivä"),
	[FI_JUHANNUSAATTO] = N_("Juhannusaatto"),
	[FI_JUHANNUSPAIVA] = N_("Juhannuspäivä"),
	[FI_PYHAINPAIVA] = N_("Pyhäinpäivä"),
	[FI_ITSENAISYYSPAIVA] = N_("Itsenäisyyspäivä"),
	[FI_JOULUAATTO] = N_("Jouluaatto"),
	[FI_JOULUPAIVA] = N_("Joulupäivä"),
	[FI_TAPANINPAIVA] = N_("Tapaninpäivä"),
};

/*
 * Anonymous Gregorian algorithm (Meeus, "Astronomical Algorithms", after
 * the 1876 Nature correspondent); valid for every Gregorian year.
 */
int
cad_easter(int y)
{
	int a = y % 19;
	int b = y / 100;
	int c = y % 100;
	int d = b / 4;
	int e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4;
	int k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;

	return cad_days_from_civil(y, month, day);
}

/* the first day on or after first that is weekday wday (0 = Monday) */
static int
first_weekday_from(int first, int wday)
{
	return first + (wday - cad_weekday(first) + 7) % 7;
}

static void
sort_holidays(struct cad_holiday *h, int n)
{
	/* insertion sort: tiny arrays, and stable */
	for (int i = 1; i < n; i++) {
		struct cad_holiday t = h[i];
		int j = i;
		while (j > 0 && h[j - 1].day > t.day) {
			h[j] = h[j - 1];
			j--;
		}
		h[j] = t;
	}
}

int
cad_fi_holidays(int y, struct cad_holiday out[CAD_FI_HOLIDAYS_MAX])
{
	int e = cad_easter(y);
	int day[FI_COUNT];

	day[FI_UUDENVUODENPAIVA] = cad_days_from_civil(y, 1, 1);
	day[FI_LOPPIAINEN] = cad_days_from_civil(y, 1, 6);
	day[FI_PITKAPERJANTAI] = e - 2;
	day[FI_PAASIAISPAIVA] = e;
	day[FI_2_PAASIAISPAIVA] = e + 1;
	day[FI_VAPPU] = cad_days_from_civil(y, 5, 1);
	day[FI_HELATORSTAI] = e + 39;
	day[FI_HELLUNTAIPAIVA] = e + 49;
	/* the Friday 19.-25.6 and the Saturday after it */
	day[FI_JUHANNUSAATTO] =
	    first_weekday_from(cad_days_from_civil(y, 6, 19), 4);
	day[FI_JUHANNUSPAIVA] = day[FI_JUHANNUSAATTO] + 1;
	/* the Saturday 31.10.-6.11. */
	day[FI_PYHAINPAIVA] =
	    first_weekday_from(cad_days_from_civil(y, 10, 31), 5);
	day[FI_ITSENAISYYSPAIVA] = cad_days_from_civil(y, 12, 6);
	day[FI_JOULUAATTO] = cad_days_from_civil(y, 12, 24);
	day[FI_JOULUPAIVA] = cad_days_from_civil(y, 12, 25);
	day[FI_TAPANINPAIVA] = cad_days_from_civil(y, 12, 26);

	for (int i = 0; i < FI_COUNT; i++) {
		out[i].day = day[i];
		out[i].name = fi_names[i];
	}
	sort_holidays(out, FI_COUNT);
	return FI_COUNT;
}

/*
 * Direct-mapped cache of cad_fi_holidays() by year: planning loops ask
 * about the same few years over and over.  Per thread: the daemon plans
 * on several HTTP threads at once, and a shared slot could be refilled
 * for another year while a reader walks it.
 */
#define FI_CACHE_SLOTS 8

struct fi_year {
	bool valid;
	int year;
	int n;
	struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];
};

static _Thread_local struct fi_year fi_cache[FI_CACHE_SLOTS];

static const struct fi_year *
fi_year_get(int y)
{
	struct fi_year *c = &fi_cache[(unsigned)y % FI_CACHE_SLOTS];

	if (!c->valid || c->year != y) {
		c->n = cad_fi_holidays(y, c->h);
		c->year = y;
		c->valid = true;
	}
	return c;
}

static const char *
fi_holiday_name(int day)
{
	const struct fi_year *c = fi_year_get(cad_year_of(day));

	for (int i = 0; i < c->n; i++)
		if (c->h[i].day == day)
			return c->h[i].name;
	return NULL;
}

/* extra_holidays is sorted (config.h), so binary search */
static bool
is_extra_holiday(const struct cad_config *cfg, int day)
{
	size_t lo = 0, hi = cfg->nextra_holidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int v = cfg->extra_holidays[mid];
		if (v == day)
			return true;
		if (v < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int
cad_calendar_holidays(const struct cad_config *cfg, int y,
    struct cad_holiday *out, int max)
{
	int n = 0;

	if (max <= 0)
		return 0;
	if (cfg->holidays_fi) {
		const struct fi_year *c = fi_year_get(y);
		for (int i = 0; i < c->n && n < max; i++)
			out[n++] = c->h[i];
	}
	/*
	 * extra_holidays is sorted, so when out fills up it is the latest
	 * extra days that are dropped.  A day that is already in out (a
	 * built-in holiday, or the same extra day listed twice) keeps the
	 * entry it has.
	 */
	for (size_t i = 0; i < cfg->nextra_holidays && n < max; i++) {
		int d = cfg->extra_holidays[i];
		bool dup = false;

		if (cad_year_of(d) != y)
			continue;
		for (int j = 0; j < n && !dup; j++)
			dup = out[j].day == d;
		if (dup)
			continue;
		out[n].day = d;
		out[n].name = EXTRA_NAME;
		n++;
	}
	sort_holidays(out, n);
	return n;
}

const char *
cad_calendar_holiday_name(const struct cad_config *cfg, int day)
{
	if (cfg->holidays_fi) {
		const char *name = fi_holiday_name(day);
		if (name != NULL)
			return name;
	}
	return is_extra_holiday(cfg, day) ? EXTRA_NAME : NULL;
}

bool
cad_is_working_day(const struct cad_config *cfg, int day)
{
	if (cad_weekday(day) >= 5)
		return false;
	return cad_calendar_holiday_name(cfg, day) == NULL;
}

/* the ISO 8601 week number of day (1..53) */
static int
iso_week(int day)
{
	int thursday = day - cad_weekday(day) + 3;
	int y = cad_year_of(thursday);
	return (thursday - cad_days_from_civil(y, 1, 1)) / 7 + 1;
}

/* md (month * 100 + day) or ISO week wk falls in one of the blackouts */
static bool
in_blackouts_md(const struct cad_blackout *b, size_t n, int md, int wk)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i].week > 0) {
			if (b[i].week == wk)
				return true;
		} else if (b[i].from_md <= b[i].to_md) {
			if (md >= b[i].from_md && md <= b[i].to_md)
				return true;
		} else if (md >= b[i].from_md || md <= b[i].to_md) {
			/* wraps over New Year, e.g. 12-20..01-06 */
			return true;
		}
	}
	return false;
}

static int
month_day(int day)
{
	int m, d;

	cad_civil_from_days(day, NULL, &m, &d);
	return m * 100 + d;
}

bool
cad_in_blackouts(const struct cad_blackout *b, size_t n, int day)
{
	return n > 0 && in_blackouts_md(b, n, month_day(day), iso_week(day));
}

/* the planning loops ask this for every day they try: one date
   conversion for the three lists */
static bool
in_party_blackouts(const struct cad_config *cfg, const int *ps, size_t n,
    int md, int wk)
{
	for (size_t i = 0; i < n; i++) {
		const struct cad_party *p = &cfg->parties[ps[i]];
		if (in_blackouts_md(p->blackouts, p->nblackouts, md, wk))
			return true;
	}
	return false;
}

bool
cad_is_blacked_out(const struct cad_config *cfg,
    const struct cad_forum *f, const struct cad_unit *member, int day)
{
	int md = month_day(day), wk = iso_week(day);
	const int *ps;
	size_t np;

	if (in_blackouts_md(cfg->blackouts, cfg->nblackouts, md, wk) ||
	    (f != NULL && in_blackouts_md(f->blackouts, f->nblackouts, md,
	    wk)))
		return true;
	if (member != NULL) {
		np = cad_config_unit_parties(cfg, member, &ps);
		if (in_party_blackouts(cfg, ps, np, md, wk))
			return true;
	}
	return f != NULL && f->party_blackouts &&
	    in_party_blackouts(cfg, f->participants, f->nparticipants, md, wk);
}

int
cad_term_of(const struct cad_config *cfg, int day)
{
	for (size_t i = 0; i < cfg->nterms; i++)
		if (day >= cfg->terms[i].start && day <= cfg->terms[i].end)
			return (int)i;
	return -1;
}
