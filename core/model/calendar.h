/*
 * calendar.h - Finnish holidays, working days, blackouts, council terms
 * (SPEC § 4).  Pure functions of the config; no I/O.
 */
#ifndef CAD_CALENDAR_H
#define CAD_CALENDAR_H

#include <stdbool.h>

#include "model/config.h"

struct cad_holiday {
	int day;		/* day number */
	const char *name;	/* message id (Finnish): show it as _(name) */
};

/* Gregorian Easter Sunday of year y, as a day number */
int cad_easter(int y);

/*
 * The built-in Finnish holidays of year y, sorted by date; returns the
 * count (15).  out must hold CAD_FI_HOLIDAYS_MAX entries.
 */
#define CAD_FI_HOLIDAYS_MAX 16
int cad_fi_holidays(int y, struct cad_holiday out[CAD_FI_HOLIDAYS_MAX]);

/*
 * The holidays of year y under cfg: the built-in ones when holidays_fi,
 * plus extra_holidays (named "Lisävapaapäivä").  Sorted; returns the
 * count, at most max (extra ones beyond max are dropped).
 */
int cad_calendar_holidays(const struct cad_config *cfg, int y,
    struct cad_holiday *out, int max);

/* NULL when day is not a holiday under cfg, else its name */
const char *cad_calendar_holiday_name(const struct cad_config *cfg, int day);

/* Monday-Friday and not a holiday (built-in or extra) */
bool cad_is_working_day(const struct cad_config *cfg, int day);

/* day falls in one of the blackouts (MM-DD ranges, wrapping allowed) */
bool cad_in_blackouts(const struct cad_blackout *b, size_t n, int day);

/*
 * day is blacked out for a series of forum f whose for_each member is
 * `member` (a party or a group; NULL for a forum's single series): the
 * global, the forum's and the member's (each group member's) blackouts,
 * and unless f->party_blackouts is false those of f's participants
 * (SPEC 10.2).  Blackouts are MM-DD ranges or ISO weeks.
 */
bool cad_is_blacked_out(const struct cad_config *cfg,
    const struct cad_forum *f, const struct cad_unit *member, int day);

/* index of the council term containing day, or -1 */
int cad_term_of(const struct cad_config *cfg, int day);

#endif
