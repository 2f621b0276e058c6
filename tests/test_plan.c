/*
 * test_plan.c - the planning engine (SPEC § 4) against hand-checked dates.
 *
 * The fixtures live in tests/data/plan/ and are read relative to the
 * repository root (make check runs the tests from there).  Every expected
 * date is derived in a comment next to the assertion: the weekday of the
 * date and the holiday that makes it a non-working day.  The weekdays
 * were double-checked with python's datetime (not with our own code).
 *
 * A series is shown as one line, occurrence by occurrence in date order:
 *	"2026-12-28 13:00 <2026-12-24"	moved (RECURRENCE-ID after '<')
 *	"2026-03-18 13:00 CANCELLED"	cancelled
 * so that an assertion reads like the calendar it checks.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render/output.h"
#include "model/plan.h"

#define DIR	"tests/data/plan/"
#define D(y, m, d) cad_days_from_civil((y), (m), (d))
#define HM(h, m) ((h) * 60 + (m))

/* the config at path, its diagnostics shown; path removed when `drop` */
static struct cad_config *
load_path(const char *path, bool drop)
{
	struct cad_config *cfg = NULL;
	struct cad_diag diag;

	cad_diag_init(&diag);
	int r = cad_config_load(path, &cfg, &diag);
	if (drop)
		(void)unlink(path);
	for (size_t i = 0; i < diag.n; i++)
		print_message("  diag: %s\n", diag.msgs[i]);
	cad_diag_release(&diag);
	assert_int_equal(r, 0);
	assert_non_null(cfg);
	return cfg;
}

static struct cad_config *
load(const char *name)
{
	char path[256];

	snprintf(path, sizeof path, DIR "%s", name);
	return load_path(path, false);
}

/* a config from text, through a temporary file (removed at once) */
static struct cad_config *
load_text(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];

	snprintf(path, sizeof path, "%s/test_plan.XXXXXX.conf",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return load_path(path, true);
}

static void
plan(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int from, int to, struct cad_plan *p)
{
	struct cad_error err = { "" };
	int r = cad_plan_range(cfg, ctx, from, to, p, &err);

	if (r != 0)
		print_message("  plan: %s\n", err.msg);
	assert_int_equal(r, 0);
}

/* index of the series with this uid; fails the test when missing */
static size_t
series_of(const struct cad_plan *p, const char *uid)
{
	for (size_t i = 0; i < p->nseries; i++)
		if (strcmp(p->series[i].uid, uid) == 0)
			return i;
	print_message("  no series '%s'\n", uid);
	fail();
	return 0;
}

static void
fmt_hm(int minutes, char out[static 8])
{
	snprintf(out, 8, "%02d:%02d", minutes / 60 % 24, minutes % 60);
}

/*
 * The occurrences of series uid as one line (see the top of the file).
 * Also checks the invariants every occurrence has: rid kept, moved set
 * exactly when the start differs from the RECURRENCE-ID.
 */
static void
assert_series(const struct cad_plan *p, const char *uid, const char *want)
{
	size_t s = series_of(p, uid);
	char line[4096], d[11], r[11], t[8];
	size_t len = 0;

	line[0] = '\0';
	for (size_t i = 0; i < p->nocc; i++) {
		const struct cad_occurrence *o = &p->occ[i];
		if (o->series != s)
			continue;
		cad_format_date(o->day, d);
		fmt_hm(o->time, t);
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "%s%s %s", len ? ", " : "", d, t);
		assert_true(len < sizeof line);
		if (o->day != o->rid_day || o->time != o->rid_time) {
			cad_format_date(o->rid_day, r);
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " <%s", r);
			assert_true(len < sizeof line);
			assert_int_not_equal(o->moved, CAD_MOVED_NONE);
		}
		if (o->status == CAD_CANCELLED)
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " CANCELLED");
		assert_true(len < sizeof line);
	}
	if (strcmp(line, want) != 0)
		print_message("  series %s\n  got:  %s\n  want: %s\n", uid,
		    line, want);
	assert_string_equal(line, want);
}

/* the one occurrence of series uid with this RECURRENCE-ID day */
static const struct cad_occurrence *
occ_by_rid(const struct cad_plan *p, const char *uid, int rid_day)
{
	size_t s = series_of(p, uid);

	for (size_t i = 0; i < p->nocc; i++)
		if (p->occ[i].series == s && p->occ[i].rid_day == rid_day)
			return &p->occ[i];
	return NULL;
}

/* a plan of one config over [from, to] with ctx; one series checked */
static void
check_one(const char *conf, const struct cad_plan_ctx *ctx, int from,
    int to, const char *uid, const char *want)
{
	struct cad_config *cfg = load(conf);
	struct cad_plan p;

	plan(cfg, ctx, from, to, &p);
	assert_series(&p, uid, want);
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static const struct cad_plan_ctx ctx2026 = { .today = 20454 /* 2026-01-01 */ };

/* --- on_holiday ----------------------------------------------------------- */

static void
plan__christmas_eve_next__moved_past_the_holidays(void **state)
{
	(void)state;
	/*
	 * 24, 25 and 26 December are holidays (jouluaatto, joulupäivä,
	 * tapaninpäivä), so the next working day is the 27th at the
	 * earliest, later when the 27th is a weekend:
	 *  2025: 24.12. is a Wednesday; 27.12. Sat, 28.12. Sun -> Mon 29.12.
	 *  2026: 24.12. is a Thursday; 27.12. Sun -> Mon 28.12.
	 *  2027: 24.12. is a Friday; 27.12. Mon is a working day -> 27.12.
	 * The time of day stays 13:00.
	 */
	check_one("holidays.conf", &ctx2026, D(2025, 1, 1), D(2027, 12, 31),
	    "joulu@test.example",
	    "2025-12-29 13:00 <2025-12-24, 2026-12-28 13:00 <2026-12-24, "
	    "2027-12-27 13:00 <2027-12-24");
}

static void
plan__christmas_eve_next__moved_kind_is_holiday(void **state)
{
	(void)state;
	struct cad_config *cfg = load("holidays.conf");
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2026, 1, 1), D(2026, 12, 31), &p);
	/* the 2026 one: rid Thu 24.12. 13:00, final Mon 28.12. 13:00 */
	const struct cad_occurrence *o = occ_by_rid(&p, "joulu@test.example",
	    D(2026, 12, 24));
	assert_non_null(o);
	assert_int_equal(o->rid_time, HM(13, 0));
	assert_int_equal(o->day, D(2026, 12, 28));
	assert_int_equal(o->time, HM(13, 0));
	assert_int_equal(o->duration, 60);
	assert_int_equal(o->moved, CAD_MOVED_HOLIDAY);
	assert_int_equal(o->status, CAD_CONFIRMED);
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__christmas_eve_previous__moved_to_the_23rd(void **state)
{
	(void)state;
	/*
	 * on_holiday = previous: the 23rd is a working day in each year
	 * (2025 Tue, 2026 Wed, 2027 Thu).
	 */
	check_one("holidays.conf", &ctx2026, D(2025, 1, 1), D(2027, 12, 31),
	    "joulu-edellinen@test.example",
	    "2025-12-23 13:00 <2025-12-24, 2026-12-23 13:00 <2026-12-24, "
	    "2027-12-23 13:00 <2027-12-24");
}

static void
plan__christmas_eve_skip__dropped(void **state)
{
	(void)state;
	/* on_holiday = skip: 24.12. is always a holiday, nothing is left */
	check_one("holidays.conf", &ctx2026, D(2025, 1, 1), D(2027, 12, 31),
	    "joulu-ohitus@test.example", "");
}

static void
plan__christmas_eve_keep__stays_on_the_holiday(void **state)
{
	(void)state;
	/* on_holiday = keep: the candidates as they are, not moved */
	check_one("holidays.conf", &ctx2026, D(2025, 1, 1), D(2027, 12, 31),
	    "joulu-pidetaan@test.example",
	    "2025-12-24 13:00, 2026-12-24 13:00, 2027-12-24 13:00");
}

static void
plan__good_friday_next__tuesday_after_easter(void **state)
{
	(void)state;
	/*
	 * FREQ=MONTHLY;BYDAY=1FR in the first half of 2026:
	 *  Fri 2.1. (1.1. is the holiday, the 2nd is not), Fri 6.2.,
	 *  Fri 6.3.;
	 *  Fri 3.4. is pitkäperjantai (Easter Sunday 5.4.2026): Sat 4.4.,
	 *  Sun 5.4., Mon 6.4. (2. pääsiäispäivä) -> Tue 7.4.;
	 *  Fri 1.5. is vappu -> Sat, Sun -> Mon 4.5.;
	 *  Fri 5.6.
	 */
	check_one("holidays.conf", &ctx2026, D(2026, 1, 1), D(2026, 6, 30),
	    "perjantai@test.example",
	    "2026-01-02 10:00, 2026-02-06 10:00, 2026-03-06 10:00, "
	    "2026-04-07 10:00 <2026-04-03, 2026-05-04 10:00 <2026-05-01, "
	    "2026-06-05 10:00");
}

static void
plan__good_friday_previous__maundy_thursday(void **state)
{
	(void)state;
	/*
	 * on_holiday = previous: Good Friday 3.4.2026 -> Thu 2.4.; vappu
	 * Fri 1.5.2026 -> Thu 30.4. (neither is a holiday).
	 */
	check_one("holidays.conf", &ctx2026, D(2026, 3, 1), D(2026, 5, 31),
	    "perjantai-edellinen@test.example",
	    "2026-03-06 10:00, 2026-04-02 10:00 <2026-04-03, "
	    "2026-04-30 10:00 <2026-05-01");
}

static void
plan__juhannusaatto__moved_to_monday(void **state)
{
	(void)state;
	/*
	 * The rule picks the Friday 19.-25.6., i.e. juhannusaatto:
	 *  2026: Fri 19.6.; Sat 20.6. juhannuspäivä, Sun 21.6. -> Mon 22.6.
	 *  2027: Fri 25.6.; Sat 26.6. juhannuspäivä, Sun 27.6. -> Mon 28.6.
	 */
	check_one("holidays.conf", &ctx2026, D(2026, 1, 1), D(2027, 12, 31),
	    "juhannus@test.example",
	    "2026-06-22 09:00 <2026-06-19, 2027-06-28 09:00 <2027-06-25");
}

static void
plan__extra_holiday__moved_like_a_holiday(void **state)
{
	(void)state;
	/*
	 * FREQ=MONTHLY;BYDAY=2FR from 1.3.2026: Fri 13.3. is an
	 * extra_holidays day -> Sat, Sun -> Mon 16.3.; Fri 10.4. is an
	 * ordinary working day (Easter was the week before).
	 */
	check_one("holidays.conf", &ctx2026, D(2026, 3, 1), D(2026, 4, 30),
	    "lisavapaa@test.example",
	    "2026-03-16 09:00 <2026-03-13, 2026-04-10 09:00");
}

/* --- a move onto a day the series already has ----------------------------- */

static void
plan__move_onto_own_day__dropped(void **state)
{
	(void)state;
	/*
	 * FREQ=WEEKLY;BYDAY=TH,FR, on_holiday = next.  Thu 14.5.2026 is
	 * helatorstai (Easter 5.4. + 39): next is Fri 15.5., which the
	 * series already has -> the moved one is dropped.
	 */
	check_one("dedup.conf", &ctx2026, D(2026, 5, 11), D(2026, 5, 17),
	    "to-pe@test.example", "2026-05-15 10:00");
	/* with previous it goes to Wed 13.5., a day the series lacks */
	check_one("dedup.conf", &ctx2026, D(2026, 5, 11), D(2026, 5, 17),
	    "to-pe-edellinen@test.example",
	    "2026-05-13 10:00 <2026-05-14, 2026-05-15 10:00");
	/* previous: Good Friday 3.4. -> Thu 2.4., already had -> dropped */
	check_one("dedup.conf", &ctx2026, D(2026, 3, 30), D(2026, 4, 5),
	    "to-pe-edellinen@test.example", "2026-04-02 10:00");
	/* next: Good Friday 3.4. -> Tue 7.4. (Mon 6.4. is a holiday) */
	check_one("dedup.conf", &ctx2026, D(2026, 3, 30), D(2026, 4, 7),
	    "to-pe@test.example",
	    "2026-04-02 10:00, 2026-04-07 10:00 <2026-04-03");
}

static void
plan__two_moves_onto_one_day__second_dropped(void **state)
{
	(void)state;
	/*
	 * Thu 24.12.2026 and Fri 25.12.2026 both move to Mon 28.12. (26th
	 * Sat, 27th Sun): the first keeps it, the second is dropped.
	 * Thu 31.12. is a working day.  Fri 1.1.2027 moves to Mon 4.1.,
	 * outside the range.
	 */
	check_one("dedup.conf", &ctx2026, D(2026, 12, 21), D(2026, 12, 31),
	    "to-pe@test.example",
	    "2026-12-28 10:00 <2026-12-24, 2026-12-31 10:00");
}

/* --- blackouts ------------------------------------------------------------ */

static void
plan__july_blackout__monthly_meeting_dropped(void **state)
{
	(void)state;
	/*
	 * FREQ=MONTHLY;BYDAY=2WE: Wed 10.6., Wed 8.7., Wed 12.8.2026; the
	 * global blackout 07-01..07-31 drops July (not moved).
	 */
	check_one("blackouts.conf", &ctx2026, D(2026, 6, 1), D(2026, 8, 31),
	    "tyoryhma@test.example", "2026-06-10 13:00, 2026-08-12 13:00");
}

static void
plan__forum_blackout_over_new_year__dropped(void **state)
{
	(void)state;
	/*
	 * Mondays from 1.12.2026: 7.12., 14.12., 21.12., 28.12., 4.1.2027,
	 * 11.1.2027.  The forum's blackout 12-20..01-06 wraps over New
	 * Year and drops 21.12., 28.12. and 4.1.
	 */
	check_one("blackouts.conf", &ctx2026, D(2026, 12, 1),
	    D(2027, 1, 11), "talvi@test.example",
	    "2026-12-07 08:30, 2026-12-14 08:30, 2027-01-11 08:30");
}

static void
plan__holiday_move__skips_blacked_out_days(void **state)
{
	(void)state;
	/*
	 * 19.12.2026 is a Saturday.  The next working days 21.-31.12. and
	 * 2.-5.1.2027 are inside the forum's blackout 12-20..01-06 (and
	 * 24.-26.12., 1.1., 6.1. are holidays), so the meeting moves to
	 * Thu 7.1.2027.
	 */
	check_one("blackouts.conf", &ctx2026, D(2026, 12, 1), D(2027, 1, 31),
	    "lauantai@test.example", "2027-01-07 10:00 <2026-12-19");
}

static void
plan__holiday_move_over_long_blackout__not_dropped(void **state)
{
	(void)state;
	/*
	 * The rule picks juhannusaatto.  2026: Fri 19.6. is a holiday and
	 * the forum's summer break 06-20..08-31 follows it, so the next
	 * working day that is not blacked out is Tue 1.9.2026, 74 days
	 * later -- on_holiday = next has no distance limit in the SPEC.
	 * 2027: Fri 25.6. lies inside the break itself -> dropped.
	 */
	check_one("blackouts.conf", &ctx2026, D(2026, 1, 1), D(2027, 12, 31),
	    "kesatauko@test.example", "2026-09-01 09:00 <2026-06-19");
	/* the range is by final date: only September 2026 sees it */
	check_one("blackouts.conf", &ctx2026, D(2026, 9, 1), D(2026, 9, 1),
	    "kesatauko@test.example", "2026-09-01 09:00 <2026-06-19");
	check_one("blackouts.conf", &ctx2026, D(2026, 6, 1), D(2026, 8, 31),
	    "kesatauko@test.example", "");
}

/* --- candidates: DTSTART and the default start ---------------------------- */

static void
plan__dtstart_not_in_rule__not_an_occurrence(void **state)
{
	(void)state;
	/*
	 * start 1.1.2026 is a Thursday, not a 2nd Wednesday: the first
	 * occurrence is Wed 14.1. (Wednesdays of January 2026: 7, 14).
	 */
	check_one("dtstart.conf", &ctx2026, D(2025, 12, 1), D(2026, 2, 28),
	    "ei-osu@test.example", "2026-01-14 13:00, 2026-02-11 13:00");
	/* start 11.2.2026 is itself the 2nd Wednesday: it counts */
	check_one("dtstart.conf", &ctx2026, D(2026, 1, 1), D(2026, 3, 31),
	    "osuu@test.example", "2026-02-11 13:00, 2026-03-11 13:00");
	/* weekly on Mondays from Thu 1.1.2026: Mon 5.1., Mon 12.1. */
	check_one("dtstart.conf", &ctx2026, D(2026, 1, 1), D(2026, 1, 12),
	    "viikko@test.example", "2026-01-05 08:00, 2026-01-12 08:00");
	/* COUNT=2 counts only rule instances: 14.1. and 11.2., no more */
	check_one("dtstart.conf", &ctx2026, D(2026, 1, 1), D(2026, 12, 31),
	    "kaksi@test.example", "2026-01-14 13:00, 2026-02-11 13:00");
}

static void
plan__no_start__begins_on_january_1st_of_today(void **state)
{
	(void)state;
	struct cad_plan_ctx ctx = { .today = D(2026, 6, 15) };

	/* today 15.6.2026: the series starts 1.1.2026; nothing in 2025 */
	check_one("dtstart.conf", &ctx, D(2025, 1, 1), D(2026, 3, 31),
	    "oletus@test.example",
	    "2026-01-14 13:00, 2026-02-11 13:00, 2026-03-11 13:00");
	/*
	 * today 1.3.2027: starts 1.1.2027, so 2026 is empty; January
	 * 2027 begins on a Friday, its Wednesdays are 6 and 13 -> 13.1.,
	 * February: Wed 3, 10 -> 10.2.
	 */
	ctx.today = D(2027, 3, 1);
	check_one("dtstart.conf", &ctx, D(2026, 1, 1), D(2027, 2, 28),
	    "oletus@test.example", "2027-01-13 13:00, 2027-02-10 13:00");
}

/* --- per_term ------------------------------------------------------------- */

static void
plan__per_term_shortened_term__one_per_term(void **state)
{
	(void)state;
	/*
	 * Terms 1.8.2021-31.5.2025 (shortened) and 1.6.2025-31.5.2029.
	 * year 1, October, 2nd Tuesday:
	 *  term 1: October 2021 begins on a Friday, Tuesdays 5, 12 -> 12.10.
	 *  term 2: October 2025 begins on a Wednesday, Tuesdays 7, 14
	 *          -> 14.10.2025
	 */
	check_one("terms.conf", &ctx2026, D(2021, 1, 1), D(2030, 12, 31),
	    "strateginen@test.example",
	    "2021-10-12 12:00, 2025-10-14 12:00");
	/*
	 * year 4, June, 1st Monday:
	 *  term 1: year 4 is 1.8.2024-31.7.2025, its June is June 2025,
	 *          after the shortened term's end 31.5.2025 -> none;
	 *  term 2: year 4 is 1.6.2028-31.5.2029: June 2028 begins on a
	 *          Thursday -> Mon 5.6.2028.
	 */
	check_one("terms.conf", &ctx2026, D(2021, 1, 1), D(2030, 12, 31),
	    "neljas-vuosi@test.example", "2028-06-05 12:00");
	/*
	 * year 4, May, last Friday (week = -1):
	 *  term 1: May 2025 ends on a Saturday -> Fri 30.5.2025, inside
	 *          the term (it ends 31.5.);
	 *  term 2: May 2029 ends on a Thursday -> Fri 25.5.2029.
	 */
	check_one("terms.conf", &ctx2026, D(2021, 1, 1), D(2030, 12, 31),
	    "viimeinen@test.example", "2025-05-30 10:00, 2029-05-25 10:00");
}

static void
plan__per_term_no_start__only_terms_from_this_year(void **state)
{
	(void)state;
	struct cad_plan_ctx ctx = { .today = D(2025, 3, 1) };

	/* start = 1.1.2025: the 2021 meeting is before it, 14.10.2025 not */
	check_one("terms.conf", &ctx, D(2021, 1, 1), D(2030, 12, 31),
	    "oletus@test.example", "2025-10-14 12:00");
	/* start = 1.1.2026: both terms' October meetings are before it */
	ctx.today = D(2026, 3, 1);
	check_one("terms.conf", &ctx, D(2021, 1, 1), D(2030, 12, 31),
	    "oletus@test.example", "");
}

/*
 * Council terms that start mid-month (SPEC § 4: year N of a term = the
 * 12 months from term start + 12(N-1) months).  Terms 15.6.2021-14.6.2025
 * and 15.6.2025-10.6.2029 (the second shortened by a few days).
 */
static const char midmonth_conf[] =
    "timezone = \"Europe/Helsinki\"; domain = \"test.example\";\n"
    "council_terms = ( { start = \"2021-06-15\"; end = \"2025-06-14\"; },\n"
    "  { start = \"2025-06-15\"; end = \"2029-06-10\"; } );\n"
    "parties = ( { id = \"hva\"; name = \"Hyvinvointialue\"; } );\n"
    "forums = (\n"
    "  { id = \"v1\"; name = \"V1\"; convenor = \"hva\";\n"
    "    per_term = { year = 1; month = 6; weekday = \"TU\"; week = 1; };\n"
    "    start = \"2020-01-01\"; time = \"12:00\"; duration = 60; },\n"
    "  { id = \"v3\"; name = \"V3\"; convenor = \"hva\";\n"
    "    per_term = { year = 3; month = 6; weekday = \"TU\"; week = 1; };\n"
    "    start = \"2020-01-01\"; time = \"12:00\"; duration = 60; },\n"
    "  { id = \"v1w3\"; name = \"V1W3\"; convenor = \"hva\";\n"
    "    per_term = { year = 1; month = 6; weekday = \"TU\"; week = 3; };\n"
    "    start = \"2020-01-01\"; time = \"12:00\"; duration = 60; },\n"
    "  { id = \"v4w2\"; name = \"V4W2\"; convenor = \"hva\";\n"
    "    per_term = { year = 4; month = 6; weekday = \"TU\"; week = 2; };\n"
    "    start = \"2020-01-01\"; time = \"12:00\"; duration = 60; }\n"
    ");\n";

static void
plan__per_term_mid_month_term__month_inside_the_terms_year(void **state)
{
	(void)state;
	struct cad_config *cfg = load_text(midmonth_conf);
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2020, 1, 1), D(2031, 12, 31), &p);
	/*
	 * year 1, June, 1st Tuesday:
	 *  term 1: year 1 = 15.6.2021-14.6.2022.  June 2021 begins on a
	 *          Tuesday -> 1.6.2021, before the year; June 2022 begins on
	 *          a Wednesday -> Tue 7.6.2022, inside.
	 *  term 2: year 1 = 15.6.2025-14.6.2026.  June 2025 begins on a
	 *          Sunday -> 3.6.2025, before; June 2026 begins on a Monday
	 *          -> Tue 2.6.2026.
	 */
	assert_series(&p, "v1@test.example",
	    "2022-06-07 12:00, 2026-06-02 12:00");
	/*
	 * year 3, June, 1st Tuesday:
	 *  term 1: year 3 = 15.6.2023-14.6.2024.  June 2023 begins on a
	 *          Thursday -> 6.6.2023, before; June 2024 begins on a
	 *          Saturday -> Tue 4.6.2024.
	 *  term 2: year 3 = 15.6.2027-14.6.2028.  June 2027 begins on a
	 *          Tuesday -> 1.6.2027, before the year (not in it, though
	 *          it is June of the year the span begins in); June 2028
	 *          begins on a Thursday -> Tue 6.6.2028.
	 */
	assert_series(&p, "v3@test.example",
	    "2024-06-04 12:00, 2028-06-06 12:00");
	/*
	 * year 1, June, 3rd Tuesday: the June the year begins in counts
	 * when the date is on or after the 15th:
	 *  term 1: June 2021 Tuesdays 1, 8, 15 -> 15.6.2021 (the term's
	 *          first day); (June 2022: 7, 14, 21 -> 21.6., after the
	 *          year);
	 *  term 2: June 2025 Tuesdays 3, 10, 17 -> 17.6.2025.
	 */
	assert_series(&p, "v1w3@test.example",
	    "2021-06-15 12:00, 2025-06-17 12:00");
	/*
	 * year 4, June, 2nd Tuesday:
	 *  term 1: year 4 = 15.6.2024-14.6.2025.  June 2024: Tuesdays 4, 11
	 *          -> 11.6., before; June 2025: 3, 10 -> Tue 10.6.2025,
	 *          inside the year and the term (ends 14.6.2025).
	 *  term 2: year 4 = 15.6.2028-14.6.2029.  June 2028: 6, 13 -> before;
	 *          June 2029 begins on a Friday: 5, 12 -> 12.6.2029, inside
	 *          the year but after the term's end 10.6.2029 -> none.
	 */
	assert_series(&p, "v4w2@test.example", "2025-06-10 12:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__per_term_month_twice_in_year__earlier_one(void **state)
{
	(void)state;
	/*
	 * A term from Tue 10.6.2025: year 1 = 10.6.2025-9.6.2026 holds two
	 * pieces of June.  2nd Tuesday: June 2025 (begins on a Sunday)
	 * Tuesdays 3, 10 -> 10.6.2025, inside; June 2026 (begins on a
	 * Monday) Tuesdays 2, 9 -> 9.6.2026, also inside.  SPEC § 4 gives
	 * one candidate per term: the first, 10.6.2025.
	 */
	struct cad_config *cfg = load_text(
	    "timezone = \"Europe/Helsinki\"; domain = \"test.example\";\n"
	    "council_terms = ( { start = \"2025-06-10\"; "
	    "end = \"2029-06-09\"; } );\n"
	    "parties = ( { id = \"hva\"; name = \"Hyvinvointialue\"; } );\n"
	    "forums = ( { id = \"f\"; name = \"F\"; convenor = \"hva\";\n"
	    "  per_term = { year = 1; month = 6; weekday = \"TU\"; "
	    "week = 2; };\n"
	    "  start = \"2020-01-01\"; time = \"12:00\"; duration = 60; } );\n");
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2020, 1, 1), D(2031, 12, 31), &p);
	assert_series(&p, "f@test.example", "2025-06-10 12:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__no_candidate_at_all__empty_plan_one_series(void **state)
{
	(void)state;
	struct cad_config *cfg = load("empty.conf");
	struct cad_plan_ctx ctx = { .today = D(2026, 5, 1) };
	struct cad_compliance *w = NULL;
	size_t n = 1;
	struct cad_plan p;

	/*
	 * The one term 1.8.2021-31.5.2025 had its meeting on 12.10.2021,
	 * before the default start 1.1.2026: nothing is planned, and the
	 * term ended before the series began, so it is not a warning.
	 */
	plan(cfg, &ctx, D(2020, 1, 1), D(2030, 12, 31), &p);
	assert_int_equal(p.nseries, 1);
	assert_string_equal(p.series[0].uid, "strateginen@test.example");
	assert_int_equal(p.nocc, 0);
	cad_plan_release(&p);
	assert_int_equal(cad_plan_compliance(cfg, &ctx, D(2020, 1, 1),
	    D(2030, 12, 31), &w, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(w);
	cad_config_free(cfg);
}

/* --- for_each, spread, terminations --------------------------------------- */

static void
plan__eight_municipalities_spread__distinct_days(void **state)
{
	(void)state;
	struct cad_config *cfg = load("spread.conf");
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2026, 1, 1), D(2026, 12, 31), &p);
	/*
	 * The candidate is Mon 16.2.2026 for all eight, in for_each order:
	 *  hyrynsalmi   the first member keeps Mon 16.2.
	 *  kajaani      its ski holiday 02-16..02-22 drops the candidate
	 *  kuhmo        16.2. taken -> Tue 17.2.
	 *  paltamo      -> Wed 18.2.
	 *  puolanka     -> Thu 19.2.
	 *  ristijarvi   -> Fri 20.2.
	 *  sotkamo      21.-22.2. weekend, 23.2.-1.3. its ski holiday
	 *               (02-23..03-01) -> Mon 2.3.
	 *  suomussalmi  17.-20.2. taken, 21.-22.2. weekend -> Mon 23.2.
	 */
	assert_series(&p, "kuntaneuvottelu.hyrynsalmi@kainuu.example",
	    "2026-02-16 09:00");
	assert_series(&p, "kuntaneuvottelu.kajaani@kainuu.example", "");
	assert_series(&p, "kuntaneuvottelu.kuhmo@kainuu.example",
	    "2026-02-17 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.paltamo@kainuu.example",
	    "2026-02-18 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.puolanka@kainuu.example",
	    "2026-02-19 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.ristijarvi@kainuu.example",
	    "2026-02-20 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.sotkamo@kainuu.example",
	    "2026-03-02 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.suomussalmi@kainuu.example",
	    "2026-02-23 09:00 <2026-02-16");
	/* the member series in for_each order, party set, convenor hva */
	size_t s = series_of(&p, "kuntaneuvottelu.hyrynsalmi@kainuu.example");
	for (size_t m = 0; m < 8; m++) {
		assert_int_equal(p.series[s + m].forum, 0);
		assert_int_equal(p.series[s + m].party, (int)m + 1);
		assert_int_equal(p.series[s + m].convenor, 0);
		assert_false(p.series[s + m].first);
	}
	const struct cad_occurrence *o = occ_by_rid(&p,
	    "kuntaneuvottelu.kuhmo@kainuu.example", D(2026, 2, 16));
	assert_non_null(o);
	assert_int_equal(o->moved, CAD_MOVED_SPREAD);
	/* without spread all share the day, kajaani still blacked out */
	assert_series(&p, "rinnakkain.hyrynsalmi@kainuu.example",
	    "2026-02-16 13:00");
	assert_series(&p, "rinnakkain.kajaani@kainuu.example", "");
	assert_series(&p, "rinnakkain.sotkamo@kainuu.example",
	    "2026-02-16 13:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__terminated_member__dropped_from_effective_day(void **state)
{
	(void)state;
	struct cad_config *cfg = load("spread.conf");
	struct cad_termination t = { .party = "kuhmo",
		.noticed = D(2026, 1, 1), .effective = D(2027, 1, 1) };
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1),
		.terminations = &t, .nterminations = 1 };
	struct cad_plan p;

	plan(cfg, &ctx, D(2026, 1, 1), D(2027, 12, 31), &p);
	/*
	 * kuhmo leaves on 1.1.2027: its 2026 meeting (Tue 17.2., as
	 * above) stays, 2027 has none, and its day is free for the others.
	 * 2027: the candidate 16.2. is a Tuesday.
	 *  hyrynsalmi Tue 16.2.; kajaani blacked out; kuhmo gone;
	 *  paltamo Wed 17.2.; puolanka Thu 18.2.; ristijarvi Fri 19.2.;
	 *  sotkamo: 20.-21.2. weekend -> Mon 22.2. (its ski holiday
	 *  begins 23.2.); suomussalmi -> Tue 23.2.
	 */
	assert_series(&p, "kuntaneuvottelu.kuhmo@kainuu.example",
	    "2026-02-17 09:00 <2026-02-16");
	assert_series(&p, "kuntaneuvottelu.hyrynsalmi@kainuu.example",
	    "2026-02-16 09:00, 2027-02-16 09:00");
	assert_series(&p, "kuntaneuvottelu.paltamo@kainuu.example",
	    "2026-02-18 09:00 <2026-02-16, 2027-02-17 09:00 <2027-02-16");
	assert_series(&p, "kuntaneuvottelu.puolanka@kainuu.example",
	    "2026-02-19 09:00 <2026-02-16, 2027-02-18 09:00 <2027-02-16");
	assert_series(&p, "kuntaneuvottelu.ristijarvi@kainuu.example",
	    "2026-02-20 09:00 <2026-02-16, 2027-02-19 09:00 <2027-02-16");
	assert_series(&p, "kuntaneuvottelu.sotkamo@kainuu.example",
	    "2026-03-02 09:00 <2026-02-16, 2027-02-22 09:00 <2027-02-16");
	assert_series(&p, "kuntaneuvottelu.suomussalmi@kainuu.example",
	    "2026-02-23 09:00 <2026-02-16, 2027-02-23 09:00 <2027-02-16");

	/* involves: kuhmo in its own 2026 meeting, not in others' */
	int kuhmo = cad_config_party(cfg, "kuhmo");
	int hva = cad_config_party(cfg, "hva");
	const struct cad_occurrence *o = occ_by_rid(&p,
	    "kuntaneuvottelu.kuhmo@kainuu.example", D(2026, 2, 16));
	assert_non_null(o);
	assert_true(cad_plan_involves(cfg, &ctx, &p, o, kuhmo));
	assert_true(cad_plan_involves(cfg, &ctx, &p, o, hva));
	assert_false(cad_plan_involves(cfg, &ctx, &p, o,
	    cad_config_party(cfg, "kajaani")));
	o = occ_by_rid(&p, "kuntaneuvottelu.paltamo@kainuu.example",
	    D(2026, 2, 16));
	assert_non_null(o);
	assert_false(cad_plan_involves(cfg, &ctx, &p, o, kuhmo));
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/* --- first_convenor and UIDs ---------------------------------------------- */

static void
plan__first_convenor__first_meeting_own_series(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2026, 1, 1), D(2028, 12, 31), &p);
	/*
	 * FREQ=YEARLY;BYMONTH=10;BYDAY=2TU from 1.1.2026: October 2026
	 * begins on a Thursday (Tuesdays 6, 13) -> 13.10.2026; October
	 * 2027 on a Friday (5, 12) -> 12.10.2027; October 2028 on a
	 * Sunday (3, 10) -> 10.10.2028.  The first one is kajaani's.
	 */
	assert_series(&p, "hytetu-foorumi.first@kainuu.example",
	    "2026-10-13 13:00");
	assert_series(&p, "hytetu-foorumi@kainuu.example",
	    "2027-10-12 13:00, 2028-10-10 13:00");
	size_t s = series_of(&p, "hytetu-foorumi@kainuu.example");
	size_t f = series_of(&p, "hytetu-foorumi.first@kainuu.example");
	int hva = cad_config_party(cfg, "hva");
	int kajaani = cad_config_party(cfg, "kajaani");
	assert_true(p.series[f].first);
	assert_false(p.series[s].first);
	assert_int_equal(p.series[f].convenor, kajaani);
	assert_int_equal(p.series[s].convenor, hva);
	assert_int_equal(p.series[f].party, -1);
	assert_int_equal(p.series[s].party, -1);
	/* the first meeting is still the first when the range starts later */
	cad_plan_release(&p);
	plan(cfg, &ctx2026, D(2027, 1, 1), D(2027, 12, 31), &p);
	assert_series(&p, "hytetu-foorumi.first@kainuu.example", "");
	assert_series(&p, "hytetu-foorumi@kainuu.example", "2027-10-12 13:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__uids__forum_and_member_at_domain(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_plan p;

	/* series exist even without an occurrence in the range */
	plan(cfg, &ctx2026, D(2026, 1, 1), D(2026, 1, 2), &p);
	assert_int_equal(p.nocc, 0);
	assert_int_equal(p.nseries, 5);
	assert_string_equal(p.series[0].uid, "hytetu-foorumi@kainuu.example");
	assert_string_equal(p.series[1].uid,
	    "hytetu-foorumi.first@kainuu.example");
	assert_string_equal(p.series[2].uid, "hytetu-tyoryhma@kainuu.example");
	assert_string_equal(p.series[3].uid,
	    "kuntaneuvottelu.kajaani@kainuu.example");
	assert_string_equal(p.series[4].uid,
	    "kuntaneuvottelu.sotkamo@kainuu.example");
	assert_int_equal(p.series[3].party, cad_config_party(cfg, "kajaani"));
	assert_int_equal(p.series[4].party, cad_config_party(cfg, "sotkamo"));
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/* --- DST ------------------------------------------------------------------ */

static void
plan__dst_change__local_time_kept(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_plan p;
	char s[32];

	plan(cfg, &ctx2026, D(2026, 3, 1), D(2026, 4, 30), &p);
	/*
	 * FREQ=MONTHLY;BYDAY=3WE: Wed 18.3.2026 and Wed 15.4.2026.  Summer
	 * time begins on the last Sunday of March (29.3.2026), so 13:00 is
	 * +02:00 before and +03:00 after -- still 13:00 local.
	 */
	assert_series(&p, "hytetu-tyoryhma@kainuu.example",
	    "2026-03-18 13:00, 2026-04-15 13:00");
	const struct cad_occurrence *o = occ_by_rid(&p,
	    "hytetu-tyoryhma@kainuu.example", D(2026, 3, 18));
	assert_non_null(o);
	cad_format_rfc3339(cfg->timezone, o->day, o->time, s);
	assert_string_equal(s, "2026-03-18T13:00:00+02:00");
	o = occ_by_rid(&p, "hytetu-tyoryhma@kainuu.example", D(2026, 4, 15));
	assert_non_null(o);
	cad_format_rfc3339(cfg->timezone, o->day, o->time, s);
	assert_string_equal(s, "2026-04-15T13:00:00+03:00");
	cad_plan_release(&p);

	/* autumn: 21.10. (+03:00); summer time ends Sun 25.10.; 18.11. */
	plan(cfg, &ctx2026, D(2026, 10, 1), D(2026, 11, 30), &p);
	assert_series(&p, "hytetu-tyoryhma@kainuu.example",
	    "2026-10-21 13:00, 2026-11-18 13:00");
	o = occ_by_rid(&p, "hytetu-tyoryhma@kainuu.example", D(2026, 10, 21));
	assert_non_null(o);
	cad_format_rfc3339(cfg->timezone, o->day, o->time, s);
	assert_string_equal(s, "2026-10-21T13:00:00+03:00");
	o = occ_by_rid(&p, "hytetu-tyoryhma@kainuu.example", D(2026, 11, 18));
	assert_non_null(o);
	cad_format_rfc3339(cfg->timezone, o->day, o->time, s);
	assert_string_equal(s, "2026-11-18T13:00:00+02:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/*
 * Meetings at night on the DST-change days, as JSON (SPEC § 5: RFC 3339
 * with the local offset).  Helsinki 2026: summer time from Sun 29.3.
 * (03:00 -> 04:00 local, 01:00Z) to Sun 25.10. (04:00 -> 03:00 local,
 * 01:00Z); RFC 5545 3.3.5 reads a skipped local time with the offset
 * before the gap and a repeated one as the first of the two.
 */
static const char dst_conf[] =
    "timezone = \"Europe/Helsinki\"; domain = \"test.example\";\n"
    "parties = ( { id = \"hva\"; name = \"Hyvinvointialue\"; } );\n"
    "forums = (\n"
    "  { id = \"pitka\"; name = \"Pitkä\"; convenor = \"hva\";\n"
    "    rrule = \"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\"; start = "
    "\"2026-01-01\";\n"
    "    time = \"01:00\"; duration = 240; on_holiday = \"keep\"; }\n"
    ");\n";

/* a config with one forum at time in zone tz */
static const char dst_bad_conf[] =
    "timezone = \"%s\"; domain = \"test.example\";\n"
    "parties = ( { id = \"hva\"; name = \"Hyvinvointialue\"; } );\n"
    "forums = (\n"
    "  { id = \"yo\"; name = \"Yö\"; convenor = \"hva\";\n"
    "    rrule = \"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\"; start = "
    "\"2026-01-01\";\n"
    "    time = \"%s\"; duration = 60; }\n"
    ");\n";

/* loading dst_bad_conf with tz and time fails with a message holding
   want */
static void
refused(const char *tz, const char *time, const char *want)
{
	char text[1024], path[256];
	struct cad_config *cfg = NULL;
	struct cad_diag diag;
	const char *tmp = getenv("TMPDIR");
	bool found = false;

	snprintf(text, sizeof text, dst_bad_conf, tz, time);
	snprintf(path, sizeof path, "%s/test_plan.XXXXXX.conf",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	cad_diag_init(&diag);
	assert_true(cad_config_load(path, &cfg, &diag) != 0);
	(void)unlink(path);
	for (size_t i = 0; i < diag.n; i++)
		found |= strstr(diag.msgs[i], want) != NULL;
	if (!found && diag.n > 0)
		print_message("  diag: %s\n", diag.msgs[0]);
	assert_true(found);
	cad_diag_release(&diag);
	assert_null(cfg);
}

/*
 * A meeting time that a DST change skips or repeats is refused with the
 * reason (SPEC § 10.6: readers disagree about it by an hour): 03:30 in
 * Helsinki (clocks 03:00 -> 04:00 on the last Sunday of March);
 * 01:45 at Lord Howe Island, whose half-hour change repeats 01:30-02:00
 * in April and skips 02:00-02:30 in October.  02:30 in Helsinki is fine.
 */
static void
config__dst_skipped_or_repeated_time__refused(void **state)
{
	(void)state;
	refused("Europe/Helsinki", "03:30", "time '03:30' ei ole olemassa "
	    "aikavyöhykkeellä Europe/Helsinki päivinä, joina kelloja "
	    "siirretään eteenpäin (esim. 29.3.2026)");
	refused("Australia/Lord_Howe", "01:45", "time '01:45' toistuu "
	    "kahdesti aikavyöhykkeellä Australia/Lord_Howe päivinä, joina "
	    "kelloja siirretään taaksepäin");
	refused("Australia/Lord_Howe", "02:15", "ei ole olemassa");
	cad_config_free(load_text("timezone = \"Europe/Helsinki\"; "
	    "domain = \"t.example\"; parties = ( { id = \"a\"; name = "
	    "\"A\"; } ); forums = ( { id = \"f\"; name = \"F\"; "
	    "convenor = \"a\"; rrule = \"FREQ=YEARLY\"; time = \"02:30\"; "
	    "duration = 60; } );\n"));
}

/* the JSON object of the only 2026 occurrence of series uid */
static void
json_of(const struct cad_config *cfg, const struct cad_plan *p,
    const char *uid, struct cad_buf *b)
{
	size_t s = series_of(p, uid);
	const struct cad_occurrence *o = NULL;

	for (size_t i = 0; i < p->nocc; i++)
		if (p->occ[i].series == s) {
			assert_null(o);
			o = &p->occ[i];
		}
	assert_non_null(o);
	cad_buf_reset(b);
	assert_int_equal(cad_json_occurrence(b, cfg, p, o), 0);
}

static void
assert_contains(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		print_message("  in:   %s\n  want: %s\n", s, want);
	assert_non_null(strstr(s, want));
}

static void
json__dst_night_meetings__rfc5545_offsets_and_elapsed_end(void **state)
{
	(void)state;
	struct cad_config *cfg = load_text(dst_conf);
	struct cad_plan p;
	struct cad_buf b;

	cad_buf_init(&b, 0);
	plan(cfg, &ctx2026, D(2026, 1, 1), D(2026, 12, 31), &p);
	/* a start that a DST change skips or repeats is refused by the
	   config (config__dst_skipped_or_repeated_time__refused); a meeting
	   that spans the change lasts its elapsed minutes */
	/* 01:00+02:00 = 28.3. 23:00Z; + 240 min = 03:00Z = 06:00+03:00 */
	json_of(cfg, &p, "pitka@test.example", &b);
	assert_contains(b.data, "\"start\": \"2026-03-29T01:00:00+02:00\"");
	assert_contains(b.data, "\"end\": \"2026-03-29T06:00:00+03:00\"");
	cad_buf_release(&b);
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/* --- overrides ------------------------------------------------------------ */

static char uid_tr[] = "hytetu-tyoryhma@kainuu.example";
static char uid_kaj[] = "kuntaneuvottelu.kajaani@kainuu.example";
static char reason_sick[] = "Sairastumisia";

/*
 * hytetu-tyoryhma (3rd Wednesday, 13:00) in 2026: 21.1., 18.2., 18.3.,
 * 15.4., 20.5., 17.6., 15.7., 19.8., 16.9., 21.10., 18.11., 16.12.
 * (weekdays checked with python; kainuu.conf has no blackouts).
 */
static const struct cad_override kainuu_ov[] = {
	{ uid_tr, 20530 /* 2026-03-18 */, 780, CAD_OVERRIDE_CANCEL, 0, 0,
	  reason_sick },
	{ uid_tr, 20558 /* 2026-04-15 */, 780, CAD_OVERRIDE_MOVE,
	  20559 /* 2026-04-16 */, 870 /* 14:30 */, NULL },
	{ uid_tr, 20593 /* 2026-05-20 */, 780, CAD_OVERRIDE_MOVE,
	  20572 /* 2026-04-29 */, 600 /* 10:00 */, NULL },
	{ uid_tr, 20803 /* 2026-12-16 */, 780, CAD_OVERRIDE_MOVE,
	  20823 /* 2027-01-05 */, 780, NULL },
	/* no such instance (a Thursday): ignored */
	{ uid_tr, 20531 /* 2026-03-19 */, 780, CAD_OVERRIDE_CANCEL, 0, 0,
	  NULL },
	/* a for_each member: Tue 10.3.2026 09:00 -> Wed 11.3. 12:00 */
	{ uid_kaj, 20522 /* 2026-03-10 */, 540, CAD_OVERRIDE_MOVE,
	  20523 /* 2026-03-11 */, 720, NULL },
};

static void
override_days__constants__match_the_calendar(void **state)
{
	(void)state;
	/* the day numbers above, spelled out once */
	assert_int_equal(kainuu_ov[0].rid_day, D(2026, 3, 18));
	assert_int_equal(kainuu_ov[1].rid_day, D(2026, 4, 15));
	assert_int_equal(kainuu_ov[1].new_day, D(2026, 4, 16));
	assert_int_equal(kainuu_ov[2].rid_day, D(2026, 5, 20));
	assert_int_equal(kainuu_ov[2].new_day, D(2026, 4, 29));
	assert_int_equal(kainuu_ov[3].rid_day, D(2026, 12, 16));
	assert_int_equal(kainuu_ov[3].new_day, D(2027, 1, 5));
	assert_int_equal(kainuu_ov[4].rid_day, D(2026, 3, 19));
	assert_int_equal(kainuu_ov[5].rid_day, D(2026, 3, 10));
	assert_int_equal(kainuu_ov[5].new_day, D(2026, 3, 11));
	assert_int_equal(ctx2026.today, D(2026, 1, 1));
}

static void
plan__overrides__cancel_kept_and_move_applied_last(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1),
		.overrides = kainuu_ov,
		.noverrides = sizeof kainuu_ov / sizeof kainuu_ov[0] };
	struct cad_plan p;

	plan(cfg, &ctx, D(2026, 3, 1), D(2026, 5, 31), &p);
	/*
	 * March: 18.3. cancelled but kept.  April: 15.4. moved to Thu
	 * 16.4. 14:30; 20.5. moved into April, Wed 29.4. 10:00.  May:
	 * nothing left (its one meeting went to April).
	 */
	assert_series(&p, "hytetu-tyoryhma@kainuu.example",
	    "2026-03-18 13:00 CANCELLED, 2026-04-16 14:30 <2026-04-15, "
	    "2026-04-29 10:00 <2026-05-20");
	const struct cad_occurrence *o = occ_by_rid(&p, uid_tr,
	    D(2026, 3, 18));
	assert_non_null(o);
	assert_int_equal(o->status, CAD_CANCELLED);
	assert_string_equal(o->reason, "Sairastumisia");
	o = occ_by_rid(&p, uid_tr, D(2026, 4, 15));
	assert_non_null(o);
	assert_int_equal(o->moved, CAD_MOVED_PERSON);
	assert_int_equal(o->rid_time, HM(13, 0));
	assert_int_equal(o->status, CAD_CONFIRMED);
	/* the member series: 10.3.2026 is a Tuesday, moved by a person */
	assert_series(&p, "kuntaneuvottelu.kajaani@kainuu.example",
	    "2026-03-11 12:00 <2026-03-10");
	assert_series(&p, "kuntaneuvottelu.sotkamo@kainuu.example",
	    "2026-03-10 09:00");
	cad_plan_release(&p);

	/* only May: the moved-away 20.5. is not there */
	plan(cfg, &ctx, D(2026, 5, 1), D(2026, 5, 31), &p);
	assert_series(&p, "hytetu-tyoryhma@kainuu.example", "");
	cad_plan_release(&p);

	/*
	 * December 2026 - January 2027: 16.12. went to Tue 5.1.2027; the
	 * January 2027 3rd Wednesday: January 2027 begins on a Friday,
	 * Wednesdays 6, 13, 20 -> 20.1.
	 */
	plan(cfg, &ctx, D(2026, 12, 1), D(2027, 1, 31), &p);
	assert_series(&p, "hytetu-tyoryhma@kainuu.example",
	    "2027-01-05 13:00 <2026-12-16, 2027-01-20 13:00");
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
plan__override_on_rule_moved__uses_original_rid(void **state)
{
	(void)state;
	struct cad_config *cfg = load("holidays.conf");
	char uid[] = "perjantai@test.example";
	/* Good Friday 3.4.2026 10:00 (rule-moved to Tue 7.4.): cancelled;
	   vappu 1.5. (rule-moved to Mon 4.5.) moved by hand to Wed 6.5. */
	struct cad_override ov[] = {
		{ uid, D(2026, 4, 3), HM(10, 0), CAD_OVERRIDE_CANCEL, 0, 0,
		  NULL },
		{ uid, D(2026, 5, 1), HM(10, 0), CAD_OVERRIDE_MOVE,
		  D(2026, 5, 6), HM(10, 0), NULL },
	};
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1),
		.overrides = ov, .noverrides = 2 };
	struct cad_plan p;

	plan(cfg, &ctx, D(2026, 4, 1), D(2026, 5, 31), &p);
	assert_series(&p, "perjantai@test.example",
	    "2026-04-07 10:00 <2026-04-03 CANCELLED, "
	    "2026-05-06 10:00 <2026-05-01");
	const struct cad_occurrence *o = occ_by_rid(&p, uid, D(2026, 5, 1));
	assert_non_null(o);
	assert_int_equal(o->moved, CAD_MOVED_PERSON);
	assert_null(o->reason);
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/* --- ranges --------------------------------------------------------------- */

static void
plan__range__inclusive_by_final_start_date(void **state)
{
	(void)state;
	/* Christmas Eve 2026 (Thu) is held on Mon 28.12. (see above) */
	check_one("holidays.conf", &ctx2026, D(2026, 12, 28), D(2026, 12, 28),
	    "joulu@test.example", "2026-12-28 13:00 <2026-12-24");
	/* its RECURRENCE-ID day alone is not enough */
	check_one("holidays.conf", &ctx2026, D(2026, 12, 24), D(2026, 12, 27),
	    "joulu@test.example", "");
	check_one("holidays.conf", &ctx2026, D(2026, 12, 29), D(2026, 12, 31),
	    "joulu@test.example", "");
	/* a move back into the range: vappu 2026 with previous -> 30.4. */
	check_one("holidays.conf", &ctx2026, D(2026, 4, 30), D(2026, 4, 30),
	    "perjantai-edellinen@test.example",
	    "2026-04-30 10:00 <2026-05-01");
}

static void
plan__occurrences__sorted_by_start(void **state)
{
	(void)state;
	struct cad_config *cfg = load("spread.conf");
	struct cad_plan p;

	plan(cfg, &ctx2026, D(2026, 1, 1), D(2027, 12, 31), &p);
	assert_true(p.nocc > 0);
	for (size_t i = 1; i < p.nocc; i++) {
		const struct cad_occurrence *a = &p.occ[i - 1], *b = &p.occ[i];
		assert_true(a->day < b->day || (a->day == b->day &&
		    (a->time < b->time || (a->time == b->time &&
		    strcmp(p.series[a->series].uid,
		    p.series[b->series].uid) < 0))));
	}
	cad_plan_release(&p);
	cad_config_free(cfg);
}

/* --- legal minimum -------------------------------------------------------- */

static const struct cad_compliance *
find_warning(const struct cad_compliance *w, size_t n, int forum, int party,
    int from)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].forum == forum && w[i].party == party &&
		    w[i].from == from)
			return &w[i];
	return NULL;
}

/* the warnings of cad_plan_compliance over [from, to] (to free), which
   must succeed */
static struct cad_compliance *
compliance(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int from, int to, size_t *n)
{
	struct cad_compliance *w = NULL;
	struct cad_error err = { "" };
	int r = cad_plan_compliance(cfg, ctx, from, to, &w, n, &err);

	if (r != 0)
		print_message("  compliance: %s\n", err.msg);
	assert_int_equal(r, 0);
	return w;
}

static void
compliance__blacked_out_member__year_warning(void **state)
{
	(void)state;
	struct cad_config *cfg = load("spread.conf");
	struct cad_compliance *w = NULL;
	size_t n = 0;

	/*
	 * kajaani's only candidate of 2026 (16.2.) lies in its ski holiday,
	 * so 2026 has no CONFIRMED meeting for it: one warning, for the
	 * whole calendar year.  The others all meet in February/March.
	 */
	w = compliance(cfg, &ctx2026, D(2026, 1, 1), D(2026, 12, 31), &n);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].forum, cad_config_forum(cfg, "kuntaneuvottelu"));
	assert_int_equal(w[0].party, cad_config_party(cfg, "kajaani"));
	assert_int_equal(w[0].kind, CAD_COMPLIANCE_YEAR);
	assert_int_equal(w[0].from, D(2026, 1, 1));
	assert_int_equal(w[0].to, D(2026, 12, 31));
	free(w);

	/* a window inside the year still judges the whole year */
	w = compliance(cfg, &ctx2026, D(2026, 6, 1), D(2026, 6, 30), &n);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].from, D(2026, 1, 1));
	free(w);

	/* 2025 is before the series start 1.1.2026: nothing to warn */
	w = compliance(cfg, &ctx2026, D(2025, 1, 1), D(2025, 12, 31), &n);
	assert_int_equal(n, 0);
	free(w);
	cad_config_free(cfg);
}

static void
compliance__cancelled_and_terminated__only_missing_years(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	char uid[] = "hytetu-foorumi@kainuu.example";
	/* 12.10.2027 (2nd Tuesday of October 2027) cancelled */
	struct cad_override ov = { uid, D(2027, 10, 12), HM(13, 0),
		CAD_OVERRIDE_CANCEL, 0, 0, NULL };
	/* sotkamo gave notice on 1.1.2026, leaves on 1.1.2027 */
	struct cad_termination t = { .party = "sotkamo",
		.noticed = D(2026, 1, 1), .effective = D(2027, 1, 1) };
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1), .overrides = &ov,
		.noverrides = 1, .terminations = &t, .nterminations = 1 };
	struct cad_compliance *w = NULL;
	size_t n = 0;

	w = compliance(cfg, &ctx, D(2026, 1, 1), D(2027, 12, 31), &n);
	/*
	 * hytetu-foorumi: 2026 has the first-convenor meeting 13.10.2026
	 * (it counts for the forum); 2027's only meeting is cancelled ->
	 * a 2027 warning.  hytetu-tyoryhma meets monthly.  kuntaneuvottelu:
	 * kajaani meets 10.3. both years; sotkamo met 10.3.2026 and is gone
	 * in 2027 -> no warning for it.
	 */
	int fo = cad_config_forum(cfg, "hytetu-foorumi");
	for (size_t i = 0; i < n; i++)
		print_message("  warning: forum %d party %d from %d\n",
		    w[i].forum, w[i].party, w[i].from);
	assert_int_equal(n, 1);
	assert_non_null(find_warning(w, n, fo, -1, D(2027, 1, 1)));
	assert_int_equal(w[0].to, D(2027, 12, 31));
	assert_int_equal(w[0].kind, CAD_COMPLIANCE_YEAR);
	free(w);
	cad_config_free(cfg);
}

static const char per_year_conf[] =
    "timezone = \"Europe/Helsinki\"; domain = \"test.example\";\n"
    "parties = ( { id = \"hva\"; name = \"Hyvinvointialue\"; } );\n"
    "forums = (\n"
    "  { id = \"tyoryhma\"; name = \"Työryhmä\"; convenor = \"hva\";\n"
    "    legal_basis = \"612/2021 6 §\"; per_year = [ 3, 4 ];\n"
    "    rrule = \"FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU\";\n"
    "    start = \"2026-01-01\"; time = \"13:00\"; duration = 90; },\n"
    "  { id = \"syksy\"; name = \"Syksy\"; convenor = \"hva\";\n"
    "    per_year = [ 3, 4 ];\n"
    "    rrule = \"FREQ=MONTHLY;BYMONTH=2,5,9,11;BYDAY=3TU\";\n"
    "    start = \"2026-09-01\"; time = \"13:00\"; duration = 90; }\n"
    ");\n";

static void
compliance__per_year__years_outside_the_range(void **state)
{
	(void)state;
	struct cad_config *cfg = load_text(per_year_conf);
	char uid[] = "tyoryhma@test.example";
	/*
	 * The rule meets 4 times a year (3rd Tuesday of February, May,
	 * September, November).  1.1.2027 is a Friday, so 1.2.2027 a Monday
	 * and 16.2.2027 the 3rd Tuesday; 1.1.2028 is a Saturday, 1.2.2028
	 * (31 days on) a Tuesday -> 15.2.2028; 1.5.2028 (121 days on, leap
	 * year) a Monday -> 16.5.2028.
	 *   2026: 4, 2027: 4 - 1 cancelled = 3 (inside [3, 4]),
	 *   2028: 4 - 2 cancelled = 2 (< 3), 2029: 4 + 1 added = 5 (> 4).
	 * syksy starts 1.9.2026: 2026 has only 15.9. and 17.11. (2), a year
	 * it does not cover whole, so no warning; 2027-2029 have 4 each.
	 */
	struct cad_override ov[] = {
		{ uid, D(2027, 2, 16), HM(13, 0), CAD_OVERRIDE_CANCEL, 0, 0,
		    NULL },
		{ uid, D(2028, 2, 15), HM(13, 0), CAD_OVERRIDE_CANCEL, 0, 0,
		    NULL },
		{ uid, D(2028, 5, 16), HM(13, 0), CAD_OVERRIDE_CANCEL, 0, 0,
		    NULL },
	};
	struct cad_addition add = { uid, D(2029, 6, 5), HM(12, 0), NULL };
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1), .overrides = ov,
		.noverrides = 3, .additions = &add, .nadditions = 1 };
	struct cad_buf b;
	size_t n = 0;
	struct cad_compliance *w = compliance(cfg, &ctx, D(2026, 1, 1),
	    D(2029, 12, 31), &n);

	assert_int_equal(n, 2);
	assert_int_equal(w[0].kind, CAD_COMPLIANCE_PER_YEAR);
	assert_int_equal(w[0].from, D(2028, 1, 1));
	assert_int_equal(w[0].to, D(2028, 12, 31));
	assert_int_equal(w[0].count, 2);
	assert_int_equal(w[1].kind, CAD_COMPLIANCE_PER_YEAR);
	assert_int_equal(w[1].from, D(2029, 1, 1));
	assert_int_equal(w[1].count, 5);
	char *m = cad_compliance_message(cfg, &w[0]);
	assert_string_equal(m, "Työryhmä: vahvistettuja kokouksia vuonna "
	    "2028: 2, sopimuksen mukaan 3–4 vuodessa (612/2021 6 §)");
	free(m);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_json_compliance(&b, cfg, w, n), 0);
	assert_non_null(strstr(b.data, "\"forum\": \"tyoryhma\", \"party\": "
	    "null, \"kind\": \"per_year\", \"from\": \"2029-01-01\", \"to\": "
	    "\"2029-12-31\", \"count\": 5, \"min\": 3, \"max\": 4, "));
	cad_buf_release(&b);
	free(w);
	cad_config_free(cfg);
}

/*
 * The JSON of a year's meetings into a buffer with a ceiling: one byte
 * short of the whole answer is an error (never a cut-off array), a
 * ceiling hit midway too; exactly enough is the same text as unbounded.
 */
static void
json_occurrences__past_the_ceiling__error_not_truncated(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_plan p;
	struct cad_buf all, b;

	plan(cfg, &ctx2026, D(2026, 1, 1), D(2026, 12, 31), &p);
	cad_buf_init(&all, 0);
	assert_int_equal(cad_json_occurrences(&all, cfg, &ctx2026, &p, -1,
	    -1), 0);
	assert_true(all.len > 1000);
	assert_int_equal(all.data[all.len - 2], ']');
	cad_buf_init(&b, all.len - 1);
	assert_int_equal(cad_json_occurrences(&b, cfg, &ctx2026, &p, -1, -1),
	    -E2BIG);
	assert_int_equal(cad_buf_error(&b), -E2BIG);
	assert_null(cad_buf_steal(&b));
	cad_buf_init(&b, all.len / 2);
	assert_int_equal(cad_json_occurrences(&b, cfg, &ctx2026, &p, -1, -1),
	    -E2BIG);
	assert_null(cad_buf_steal(&b));
	cad_buf_init(&b, all.len);
	assert_int_equal(cad_json_occurrences(&b, cfg, &ctx2026, &p, -1, -1),
	    0);
	assert_string_equal(b.data, all.data);
	cad_buf_release(&b);
	cad_buf_release(&all);
	cad_plan_release(&p);
	cad_config_free(cfg);
}

static void
compliance__shortened_term__term_warnings(void **state)
{
	(void)state;
	struct cad_config *cfg = load("terms.conf");
	char uid[] = "strateginen@test.example";
	/* the 2025-2029 term's only meeting, 14.10.2025, is cancelled */
	struct cad_override ov = { uid, D(2025, 10, 14), HM(12, 0),
		CAD_OVERRIDE_CANCEL, 0, 0, NULL };
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1), .overrides = &ov,
		.noverrides = 1 };
	struct cad_compliance *w = NULL;
	size_t n = 0;

	w = compliance(cfg, &ctx, D(2021, 8, 1), D(2029, 5, 31), &n);
	/*
	 * strateginen: term 1 has 12.10.2021, term 2's meeting is
	 * cancelled -> warning 1.6.2025-31.5.2029.  neljas-vuosi: the
	 * shortened term 1 has no June of its 4th year -> warning
	 * 1.8.2021-31.5.2025; term 2 has 5.6.2028.
	 */
	assert_int_equal(n, 2);
	const struct cad_compliance *x = find_warning(w, n,
	    cad_config_forum(cfg, "strateginen"), -1, D(2025, 6, 1));
	assert_non_null(x);
	assert_int_equal(x->kind, CAD_COMPLIANCE_TERM);
	assert_int_equal(x->to, D(2029, 5, 31));
	x = find_warning(w, n, cad_config_forum(cfg, "neljas-vuosi"), -1,
	    D(2021, 8, 1));
	assert_non_null(x);
	assert_int_equal(x->kind, CAD_COMPLIANCE_TERM);
	assert_int_equal(x->to, D(2025, 5, 31));
	free(w);
	cad_config_free(cfg);
}

/* --- lost convenors ------------------------------------------------------- */

static void
lost_convenors__first_convenor_terminated__one_warning(void **state)
{
	(void)state;
	struct cad_config *cfg = load("kainuu.conf");
	struct cad_termination t = { .party = "kajaani",
		.noticed = D(2026, 1, 1), .effective = D(2027, 1, 1) };
	struct cad_plan_ctx ctx = { .today = D(2026, 1, 1),
		.terminations = &t, .nterminations = 1 };
	struct cad_diag diag;

	cad_diag_init(&diag);
	assert_int_equal(cad_plan_lost_convenors(cfg, &ctx, &diag), 0);
	/* kajaani convenes only hytetu-foorumi's first meeting */
	assert_int_equal(diag.n, 1);
	assert_int_equal(diag.nwarnings, 1);
	assert_non_null(strstr(diag.msgs[0], "'hytetu-foorumi'"));
	assert_non_null(strstr(diag.msgs[0], "2027-01-01"));
	cad_diag_release(&diag);
	cad_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(override_days__constants__match_the_calendar),
		cmocka_unit_test(
		    plan__christmas_eve_next__moved_past_the_holidays),
		cmocka_unit_test(
		    plan__christmas_eve_next__moved_kind_is_holiday),
		cmocka_unit_test(
		    plan__christmas_eve_previous__moved_to_the_23rd),
		cmocka_unit_test(plan__christmas_eve_skip__dropped),
		cmocka_unit_test(
		    plan__christmas_eve_keep__stays_on_the_holiday),
		cmocka_unit_test(plan__good_friday_next__tuesday_after_easter),
		cmocka_unit_test(plan__good_friday_previous__maundy_thursday),
		cmocka_unit_test(plan__juhannusaatto__moved_to_monday),
		cmocka_unit_test(plan__extra_holiday__moved_like_a_holiday),
		cmocka_unit_test(plan__move_onto_own_day__dropped),
		cmocka_unit_test(plan__two_moves_onto_one_day__second_dropped),
		cmocka_unit_test(plan__july_blackout__monthly_meeting_dropped),
		cmocka_unit_test(plan__forum_blackout_over_new_year__dropped),
		cmocka_unit_test(plan__holiday_move__skips_blacked_out_days),
		cmocka_unit_test(
		    plan__holiday_move_over_long_blackout__not_dropped),
		cmocka_unit_test(plan__dtstart_not_in_rule__not_an_occurrence),
		cmocka_unit_test(
		    plan__no_start__begins_on_january_1st_of_today),
		cmocka_unit_test(plan__per_term_shortened_term__one_per_term),
		cmocka_unit_test(
		    plan__per_term_no_start__only_terms_from_this_year),
		cmocka_unit_test(
		    plan__per_term_mid_month_term__month_inside_the_terms_year),
		cmocka_unit_test(
		    plan__per_term_month_twice_in_year__earlier_one),
		cmocka_unit_test(
		    plan__no_candidate_at_all__empty_plan_one_series),
		cmocka_unit_test(
		    plan__eight_municipalities_spread__distinct_days),
		cmocka_unit_test(
		    plan__terminated_member__dropped_from_effective_day),
		cmocka_unit_test(
		    plan__first_convenor__first_meeting_own_series),
		cmocka_unit_test(plan__uids__forum_and_member_at_domain),
		cmocka_unit_test(plan__dst_change__local_time_kept),
		cmocka_unit_test(
		    json__dst_night_meetings__rfc5545_offsets_and_elapsed_end),
		cmocka_unit_test(
		    config__dst_skipped_or_repeated_time__refused),
		cmocka_unit_test(
		    plan__overrides__cancel_kept_and_move_applied_last),
		cmocka_unit_test(
		    plan__override_on_rule_moved__uses_original_rid),
		cmocka_unit_test(plan__range__inclusive_by_final_start_date),
		cmocka_unit_test(plan__occurrences__sorted_by_start),
		cmocka_unit_test(
		    compliance__blacked_out_member__year_warning),
		cmocka_unit_test(
		    compliance__cancelled_and_terminated__only_missing_years),
		cmocka_unit_test(compliance__shortened_term__term_warnings),
		cmocka_unit_test(
		    json_occurrences__past_the_ceiling__error_not_truncated),
		cmocka_unit_test(compliance__per_year__years_outside_the_range),
		cmocka_unit_test(
		    lost_convenors__first_convenor_terminated__one_warning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
