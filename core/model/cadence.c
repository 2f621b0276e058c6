/*
 * cadence.c - a forum's cadence in words for people (cad_config_cadence
 * of config.h), in the thread's language: "vuosittain, lokakuun 2.
 * tiistai", "årligen, 2:a tisdagen i oktober".
 */
#include "model/config.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the words of the cadence phrases (cad_config_cadence), translated */
static const char *const month_of[12] = {
	NC_("month, genitive (lokakuun 2. tiistai)", "tammikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "helmikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "maaliskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "huhtikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "toukokuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "kesäkuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "heinäkuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "elokuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "syyskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "lokakuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "marraskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "joulukuun"),
};
static const char *const month_in[12] = {
	NC_("in a month", "tammikuussa"), NC_("in a month", "helmikuussa"),
	NC_("in a month", "maaliskuussa"), NC_("in a month", "huhtikuussa"),
	NC_("in a month", "toukokuussa"), NC_("in a month", "kesäkuussa"),
	NC_("in a month", "heinäkuussa"), NC_("in a month", "elokuussa"),
	NC_("in a month", "syyskuussa"), NC_("in a month", "lokakuussa"),
	NC_("in a month", "marraskuussa"), NC_("in a month", "joulukuussa"),
};
/* the months of a list but the last, which takes month_of: "helmi-, touko-
   ja syyskuun" (Swedish and English: the month's name) */
static const char *const month_stem[12] = {
	NC_("month, first part of a compound (helmi- ja toukokuun)", "tammi-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "helmi-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)",
	    "maalis-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "huhti-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "touko-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "kesä-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "heinä-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "elo-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "syys-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "loka-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)",
	    "marras-"),
	NC_("month, first part of a compound (helmi- ja toukokuun)", "joulu-"),
};
/* how often a rule of 2..6 listed months meets: "neljästi vuodessa" */
static const char *const times_a_year[5] = {
	NC_("times a year", "kahdesti vuodessa"),
	NC_("times a year", "kolmesti vuodessa"),
	NC_("times a year", "neljästi vuodessa"),
	NC_("times a year", "viidesti vuodessa"),
	NC_("times a year", "kuudesti vuodessa"),
};
static const char *const weekday_name[] = {
	NC_("weekday after an ordinal (2. tiistai)", "maanantai"),
	NC_("weekday after an ordinal (2. tiistai)", "tiistai"),
	NC_("weekday after an ordinal (2. tiistai)", "keskiviikko"),
	NC_("weekday after an ordinal (2. tiistai)", "torstai"),
	NC_("weekday after an ordinal (2. tiistai)", "perjantai"),
	NC_("weekday after an ordinal (2. tiistai)", "lauantai"),
	NC_("weekday after an ordinal (2. tiistai)", "sunnuntai"),
};
static const char *const weekday_adverb[] = {
	NC_("every weekday", "maanantaisin"),
	NC_("every weekday", "tiistaisin"),
	NC_("every weekday", "keskiviikkoisin"),
	NC_("every weekday", "torstaisin"),
	NC_("every weekday", "perjantaisin"),
	NC_("every weekday", "lauantaisin"),
	NC_("every weekday", "sunnuntaisin"),
};
static const char *const ordinal[5] = {
	NC_("ordinal of a weekday in a month", "1."),
	NC_("ordinal of a weekday in a month", "2."),
	NC_("ordinal of a weekday in a month", "3."),
	NC_("ordinal of a weekday in a month", "4."),
	NC_("ordinal of a weekday in a month", "5."),
};
/* libical's weekday (1 = Sunday) to ours (0 = Monday) */
static int
ical_wday(short day)
{
	int w = (int)icalrecurrencetype_day_day_of_week(day);
	return w == ICAL_NO_WEEKDAY ? -1 : (w + 5) % 7;
}

static int
count_by(const short *a, int size)
{
	int n = 0;
	while (n < size && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/*
 * The cadence in words, in the thread's language (base/lang.h).  Finnish
 * "vuosittain, lokakuun 2. tiistai"; each pattern is one message, so a
 * translation may order its parts as its language needs ("2:a tisdagen i
 * oktober", "2nd Tuesday of October").
 */

/* "2. tiistai", "viimeinen tiistai"; false for what we don't phrase */
static bool
nth_weekday(char *out, size_t len, int pos, int wday)
{
	if (wday < 0 || wday > 6)
		return false;
	if (pos == -1)
		/* TRANSLATORS: the last given weekday of a month */
		snprintf(out, len, C_("cadence", "viimeinen %s"),
		    cad_nc(weekday_name[wday]));
	else if (pos >= 1 && pos <= 5)
		/* TRANSLATORS: an ordinal and a weekday: "2. tiistai" */
		snprintf(out, len, C_("cadence", "%1$s %2$s"),
		    cad_nc(ordinal[pos - 1]), cad_nc(weekday_name[wday]));
	else
		return false;
	return true;
}

/* "1. päivä", "viimeinen päivä"; false for what we don't phrase */
static bool
nth_day(char *out, size_t len, int mday)
{
	if (mday == -1)
		snprintf(out, len, "%s", C_("cadence", "viimeinen päivä"));
	else if (mday > 0)
		/* TRANSLATORS: a day of a month: "1. päivä" */
		snprintf(out, len, C_("cadence", "%d. päivä"), mday);
	else
		return false;
	return true;
}

/* "helmikuussa, toukokuussa ja syyskuussa" */
static void
put_months_in(struct cad_buf *b, const short *months, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			cad_buf_puts(b, i == n - 1 ? C_("list", " ja ") : ", ");
		cad_buf_puts(b, cad_nc(month_in[months[i] - 1]));
	}
}

/* "helmi-, touko- ja syyskuun" (sv "februari, maj och september") */
static void
put_months_of(struct cad_buf *b, const short *months, int n)
{
	for (int i = 0; i < n - 1; i++) {
		if (i > 0)
			cad_buf_puts(b, ", ");
		cad_buf_puts(b, cad_nc(month_stem[months[i] - 1]));
	}
	if (n > 1)
		cad_buf_puts(b, C_("list", " ja "));
	cad_buf_puts(b, cad_nc(month_of[months[n - 1] - 1]));
}

/* "vuosittain", "joka 2. kuukausi"; false for other frequencies */
static bool
put_frequency(struct cad_buf *b, const struct icalrecurrencetype *r)
{
	bool every = r->interval <= 1;

	switch (r->freq) {
	case ICAL_YEARLY_RECURRENCE:
		cad_buf_printf(b, every ? C_("cadence", "vuosittain") :
		    C_("cadence", "joka %d. vuosi"), r->interval);
		return true;
	case ICAL_MONTHLY_RECURRENCE:
		cad_buf_printf(b, every ?
		    C_("cadence", "kuukausittain") :
		    C_("cadence", "joka %d. kuukausi"), r->interval);
		return true;
	case ICAL_WEEKLY_RECURRENCE:
		cad_buf_printf(b, every ? C_("cadence", "viikoittain") :
		    C_("cadence", "joka %d. viikko"), r->interval);
		return true;
	case ICAL_DAILY_RECURRENCE:
		cad_buf_printf(b, every ? C_("cadence", "päivittäin") :
		    C_("cadence", "joka %d. päivä"), r->interval);
		return true;
	default:
		return false;
	}
}

/* ", tiistaisin ja torstaisin", with the months first when listed */
static void
put_weekdays(struct cad_buf *b, const struct icalrecurrencetype *r,
    int nday, int nmonth)
{
	cad_buf_puts(b, ", ");
	if (nmonth > 0) {
		put_months_in(b, r->by_month, nmonth);
		cad_buf_puts(b, " ");
	}
	for (int i = 0; i < nday; i++) {
		if (i > 0)
			cad_buf_puts(b, i == nday - 1 ? C_("list", " ja ") :
			    ", ");
		cad_buf_puts(b, cad_nc(weekday_adverb[ical_wday(
		    r->by_day[i])]));
	}
}

/* the day of the month of a rule with one BYDAY or one BYMONTHDAY */
static bool
rule_day(char *out, size_t len, const struct icalrecurrencetype *r,
    int nday)
{
	if (nday == 1)
		return nth_weekday(out, len,
		    icalrecurrencetype_day_position(r->by_day[0]),
		    ical_wday(r->by_day[0]));
	return nth_day(out, len, r->by_month_day[0]);
}

/*
 * A rule meeting in 2+ listed months a year (MONTHLY or YEARLY, interval 1)
 * on one day of each: "neljästi vuodessa: helmi-, touko-, syys- ja
 * marraskuun 3. tiistai"; with no day (the start date's day of the month)
 * "kahdesti vuodessa: helmikuussa ja elokuussa".  false for a day we don't
 * phrase.
 */
static bool
put_times_a_year(struct cad_buf *b, const struct icalrecurrencetype *r,
    int nday, int nmday, int nmonth)
{
	char times[64], day[64];
	struct cad_buf mb;
	char *months;
	bool ok = true, listed[13] = { false };
	short in_order[12];

	for (int i = 0; i < nmonth; i++)	/* in calendar order, once */
		listed[r->by_month[i]] = true;
	nmonth = 0;
	for (short m = 1; m <= 12; m++)
		if (listed[m])
			in_order[nmonth++] = m;
	if (nmonth < 2)
		return false;
	if (nmonth <= 6)
		snprintf(times, sizeof times, "%s",
		    cad_nc(times_a_year[nmonth - 2]));
	else
		/* TRANSLATORS: how often a rule of 7+ listed months meets */
		snprintf(times, sizeof times, C_("cadence",
		    "%d kertaa vuodessa"), nmonth);
	cad_buf_init(&mb, 0);
	if (nday == 0 && nmday == 0) {
		put_months_in(&mb, in_order, nmonth);
		months = cad_buf_xsteal(&mb);
		/* TRANSLATORS: how often and the months:
		   "kahdesti vuodessa: helmikuussa ja elokuussa" */
		cad_buf_printf(b, C_("cadence", "%1$s: %2$s"), times,
		    months);
	} else {
		ok = rule_day(day, sizeof day, r, nday);
		put_months_of(&mb, in_order, nmonth);
		months = cad_buf_xsteal(&mb);
		/* TRANSLATORS: how often, the months (the last in genitive,
		   the others their first part: helmi-, touko- ja syyskuun)
		   and the day: "kolmesti vuodessa: helmi-, touko- ja
		   syyskuun 3. tiistai" */
		cad_buf_printf(b, C_("cadence", "%1$s: %2$s %3$s"), times,
		    months, day);
	}
	free(months);
	return ok;
}

static bool
phrase_rrule(struct cad_buf *b, const char *rule)
{
	struct icalrecurrencetype r;
	char day[64];
	bool ok = false;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (icalerrno != ICAL_NO_ERROR)
		goto out;
	int nday = count_by(r.by_day, ICAL_BY_DAY_SIZE);
	int nmday = count_by(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
	int nmonth = count_by(r.by_month, ICAL_BY_MONTH_SIZE);
	if (count_by(r.by_year_day, ICAL_BY_YEARDAY_SIZE) ||
	    count_by(r.by_week_no, ICAL_BY_WEEKNO_SIZE) ||
	    count_by(r.by_set_pos, ICAL_BY_SETPOS_SIZE) ||
	    r.rscale != NULL || nmday > 1 || (nday > 0 && nmday > 0))
		goto out;
	for (int i = 0; i < nmonth; i++)
		if (r.by_month[i] < 1 || r.by_month[i] > 12)
			goto out;
	bool plain_days = true;	/* BYDAY without ordinals */
	for (int i = 0; i < nday; i++)
		plain_days = plain_days &&
		    icalrecurrencetype_day_position(r.by_day[i]) == 0 &&
		    ical_wday(r.by_day[i]) >= 0;

	if (r.count == 1) {		/* a one-off, FREQ does not matter */
		cad_buf_puts(b, C_("cadence", "kertaluonteinen"));
		ok = true;
		goto out;
	}
	if ((r.freq == ICAL_MONTHLY_RECURRENCE ||
	    r.freq == ICAL_YEARLY_RECURRENCE) && r.interval <= 1 &&
	    nmonth > 1 && nday <= 1 && !(nday == 1 && plain_days)) {
		ok = put_times_a_year(b, &r, nday, nmday, nmonth);
		goto out;
	}
	if (!put_frequency(b, &r))
		goto out;
	if (nday == 0 && nmday == 0 && nmonth == 0) {
		ok = true;		/* the start date sets the day */
	} else if (nday > 0 && plain_days &&
	    r.freq != ICAL_YEARLY_RECURRENCE) {
		put_weekdays(b, &r, nday, nmonth);
		ok = true;
	} else if (r.freq == ICAL_YEARLY_RECURRENCE && nmonth == 1 &&
	    (nday == 1 || nmday == 1)) {
		ok = rule_day(day, sizeof day, &r, nday);
		/* TRANSLATORS: a month (genitive) and a day in it:
		   ", lokakuun 2. tiistai", ", helmikuun 1. päivä" */
		cad_buf_printf(b, C_("cadence", ", %1$s %2$s"),
		    cad_nc(month_of[r.by_month[0] - 1]), day);
	} else if ((r.freq == ICAL_MONTHLY_RECURRENCE ||
	    (r.freq == ICAL_YEARLY_RECURRENCE && nmonth > 1)) &&
	    (nday == 1 || nmday == 1)) {
		ok = rule_day(day, sizeof day, &r, nday);
		cad_buf_puts(b, ", ");
		if (nmonth > 0) {
			put_months_in(b, r.by_month, nmonth);
			cad_buf_puts(b, ", ");
		}
		/* TRANSLATORS: a day of every month: "kuun 2. keskiviikko" */
		cad_buf_printf(b, C_("cadence", "kuun %s"), day);
	} else if (nday == 0 && nmday == 0 && nmonth > 0 &&
	    r.freq == ICAL_MONTHLY_RECURRENCE) {
		cad_buf_puts(b, ", ");
		put_months_in(b, r.by_month, nmonth);
		ok = true;
	}
out:
	if (r.rscale != NULL)
		icalmemory_free_buffer(r.rscale);
	icalerror_clear_errno();
	return ok;
}

char *
cad_config_cadence(const struct cad_config *cfg, const struct cad_forum *f)
{
	struct cad_buf b;
	char day[64];

	(void)cfg;
	cad_buf_init(&b, 0);
	if (f->has_per_term) {
		const struct cad_per_term *p = &f->per_term;
		if (!nth_weekday(day, sizeof day, p->week, p->weekday))
			snprintf(day, sizeof day, "?");
		/* TRANSLATORS: the year of the council term, a month
		   (genitive) and a day in it */
		cad_buf_printf(&b, C_("cadence", "kerran valtuustokaudessa: "
		    "kauden %1$d. vuoden %2$s %3$s"), p->year,
		    cad_nc(month_of[p->month >= 1 && p->month <= 12 ?
		    p->month - 1 : 0]), day);
	} else if (f->rrule != NULL && !phrase_rrule(&b, f->rrule)) {
		cad_buf_reset(&b);
		cad_buf_printf(&b, "RRULE: %s", f->rrule);
	}
	return cad_buf_xsteal(&b);
}
