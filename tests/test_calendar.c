/*
 * test_calendar.c - holidays, working days, blackouts and council terms
 * against hand-checked dates (almanac and weekday arithmetic).
 *
 * Configs are built by hand (zeroed, then the fields calendar.c reads),
 * so these tests do not depend on the config loader.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "model/calendar.h"

#define D(y, m, d) cad_days_from_civil((y), (m), (d))

/* "YYYY-MM-DD" of a day, for readable failure messages */
static void
assert_date(int day, const char *want)
{
	char s[11];

	cad_format_date(day, s);
	assert_string_equal(s, want);
}

static const char *
name_on(const struct cad_holiday *h, int n, int day)
{
	for (int i = 0; i < n; i++)
		if (h[i].day == day)
			return h[i].name;
	return NULL;
}

static void
easter__known_years__match_almanac(void **state)
{
	(void)state;
	/* Easter Sundays as printed in the Finnish almanac */
	assert_date(cad_easter(2026), "2026-04-05");
	assert_date(cad_easter(2025), "2025-04-20");
	assert_date(cad_easter(2000), "2000-04-23");
	assert_date(cad_easter(1991), "1991-03-31");
	/* 25.4. is the latest possible Easter, 2038 is the next such year */
	assert_date(cad_easter(2038), "2038-04-25");
	/* 23.3.2008: the earliest Easter of 1991-2100 */
	assert_date(cad_easter(2008), "2008-03-23");
	/* every Easter is a Sunday */
	for (int y = 1991; y <= 2100; y++)
		assert_int_equal(cad_weekday(cad_easter(y)), 6);
}

static void
fi_holidays__2026__fifteen_in_date_order(void **state)
{
	(void)state;
	struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];
	/*
	 * Easter 5.4.2026, so pitkäperjantai 3.4., 2. pääsiäispäivä 6.4.,
	 * helatorstai 5.4. + 39 = 14.5. (25 days to 30.4., 14 more),
	 * helluntaipäivä 14.5. + 10 = 24.5.  1.1.2026 is a Thursday:
	 * 19.6. is 169 days later (169 % 7 = 1) a Friday, 31.10. is 303
	 * days later (303 % 7 = 2) a Saturday.
	 */
	static const struct {
		int m, d;
		const char *name;
	} want[] = {
		{ 1, 1, "Uudenvuodenpäivä" },
		{ 1, 6, "Loppiainen" },
		{ 4, 3, "Pitkäperjantai" },
		{ 4, 5, "Pääsiäispäivä" },
		{ 4, 6, "2. pääsiäispäivä" },
		{ 5, 1, "Vappu" },
		{ 5, 14, "Helatorstai" },
		{ 5, 24, "Helluntaipäivä" },
		{ 6, 19, "Juhannusaatto" },
		{ 6, 20, "Juhannuspäivä" },
		{ 10, 31, "Pyhäinpäivä" },
		{ 12, 6, "Itsenäisyyspäivä" },
		{ 12, 24, "Jouluaatto" },
		{ 12, 25, "Joulupäivä" },
		{ 12, 26, "Tapaninpäivä" },
	};

	assert_int_equal(cad_fi_holidays(2026, h), 15);
	for (int i = 0; i < 15; i++) {
		assert_int_equal(h[i].day, D(2026, want[i].m, want[i].d));
		assert_string_equal(h[i].name, want[i].name);
	}
}

static void
fi_holidays__2025__midsummer_and_all_saints_move(void **state)
{
	(void)state;
	struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];
	int n = cad_fi_holidays(2025, h);

	/*
	 * 1.1.2025 is a Wednesday: 20.6. is 170 days later (170 % 7 = 2)
	 * a Friday, 1.11. is 304 days later (304 % 7 = 3) a Saturday.
	 */
	assert_int_equal(n, 15);
	assert_string_equal(name_on(h, n, D(2025, 6, 20)), "Juhannusaatto");
	assert_string_equal(name_on(h, n, D(2025, 6, 21)), "Juhannuspäivä");
	assert_string_equal(name_on(h, n, D(2025, 11, 1)), "Pyhäinpäivä");
	assert_null(name_on(h, n, D(2025, 10, 31)));
	assert_null(name_on(h, n, D(2025, 6, 19)));
	/* Easter 20.4.2025: pitkäperjantai 18.4., 2. pääsiäispäivä 21.4. */
	assert_string_equal(name_on(h, n, D(2025, 4, 18)), "Pitkäperjantai");
	assert_string_equal(name_on(h, n, D(2025, 4, 21)),
	    "2. pääsiäispäivä");
}

static void
fi_holidays__every_year__rules_of_spec_hold(void **state)
{
	(void)state;
	struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];

	for (int y = 1991; y <= 2100; y++) {
		int n = cad_fi_holidays(y, h);
		assert_int_equal(n, 15);
		for (int i = 0; i < n; i++) {
			assert_int_equal(cad_year_of(h[i].day), y);
			if (i > 0)
				assert_true(h[i - 1].day <= h[i].day);
		}
		for (int i = 0; i < n; i++) {
			int m, d, wd = cad_weekday(h[i].day);
			cad_civil_from_days(h[i].day, NULL, &m, &d);
			if (strcmp(h[i].name, "Juhannusaatto") == 0) {
				/* the Friday 19.-25.6. */
				assert_int_equal(wd, 4);
				assert_int_equal(m, 6);
				assert_true(d >= 19 && d <= 25);
			} else if (strcmp(h[i].name, "Juhannuspäivä") == 0) {
				assert_int_equal(wd, 5);
				assert_int_equal(m, 6);
				assert_true(d >= 20 && d <= 26);
			} else if (strcmp(h[i].name, "Pyhäinpäivä") == 0) {
				/* the Saturday 31.10.-6.11. */
				assert_int_equal(wd, 5);
				assert_true((m == 10 && d == 31) ||
				    (m == 11 && d <= 6));
			}
		}
	}
}

static void
fi_holidays__2008_ascension_on_may_day__both_listed(void **state)
{
	(void)state;
	struct cad_holiday h[CAD_FI_HOLIDAYS_MAX];
	/* Easter 23.3.2008 + 39 = 1.5.2008 (8 days to 31.3., 30 in April) */
	int n = cad_fi_holidays(2008, h);

	assert_int_equal(n, 15);
	int i = 0;
	while (i < n && h[i].day != D(2008, 5, 1))
		i++;
	assert_true(i + 1 < n);
	assert_string_equal(h[i].name, "Vappu");
	assert_int_equal(h[i + 1].day, D(2008, 5, 1));
	assert_string_equal(h[i + 1].name, "Helatorstai");
}

static void
calendar_holidays__extra_days__added_sorted_and_deduplicated(void **state)
{
	(void)state;
	/* 24.12. is already jouluaatto; 7.1.2027 is in another year */
	int extra[] = { D(2026, 3, 20), D(2026, 12, 24), D(2026, 12, 31),
		D(2027, 1, 7) };
	struct cad_config cfg;
	struct cad_holiday h[32];

	memset(&cfg, 0, sizeof(cfg));
	cfg.holidays_fi = true;
	cfg.extra_holidays = extra;
	cfg.nextra_holidays = 4;

	int n = cad_calendar_holidays(&cfg, 2026, h, 32);
	assert_int_equal(n, 17);
	for (int i = 1; i < n; i++)
		assert_true(h[i - 1].day < h[i].day);
	assert_string_equal(name_on(h, n, D(2026, 3, 20)), "Lisävapaapäivä");
	assert_string_equal(name_on(h, n, D(2026, 12, 24)), "Jouluaatto");
	assert_int_equal(h[n - 1].day, D(2026, 12, 31));
	assert_string_equal(h[n - 1].name, "Lisävapaapäivä");
	/* 20.3. lies between loppiainen 6.1. and pitkäperjantai 3.4. */
	assert_int_equal(h[2].day, D(2026, 3, 20));

	/* 2027: only the extra day of 2027 joins the 15 built-ins */
	n = cad_calendar_holidays(&cfg, 2027, h, 32);
	assert_int_equal(n, 16);
	assert_string_equal(name_on(h, n, D(2027, 1, 7)), "Lisävapaapäivä");
}

static void
calendar_holidays__no_fi__only_extra_days(void **state)
{
	(void)state;
	int extra[] = { D(2026, 12, 24), D(2026, 12, 31) };
	struct cad_config cfg;
	struct cad_holiday h[8];

	memset(&cfg, 0, sizeof(cfg));
	cfg.extra_holidays = extra;
	cfg.nextra_holidays = 2;

	int n = cad_calendar_holidays(&cfg, 2026, h, 8);
	assert_int_equal(n, 2);
	assert_int_equal(h[0].day, D(2026, 12, 24));
	assert_string_equal(h[0].name, "Lisävapaapäivä");
	assert_int_equal(h[1].day, D(2026, 12, 31));
}

static void
calendar_holidays__small_array__extra_days_dropped(void **state)
{
	(void)state;
	int extra[] = { D(2026, 3, 20), D(2026, 12, 31) };
	struct cad_config cfg;
	struct cad_holiday h[16];

	memset(&cfg, 0, sizeof(cfg));
	cfg.holidays_fi = true;
	cfg.extra_holidays = extra;
	cfg.nextra_holidays = 2;

	/* room for the 15 built-ins and one extra: the later one goes */
	int n = cad_calendar_holidays(&cfg, 2026, h, 16);
	assert_int_equal(n, 16);
	assert_string_equal(name_on(h, n, D(2026, 3, 20)), "Lisävapaapäivä");
	assert_null(name_on(h, n, D(2026, 12, 31)));
	assert_int_equal(cad_calendar_holidays(&cfg, 2026, h, 0), 0);
}

static void
holiday_name__fi_and_extra__named(void **state)
{
	(void)state;
	int extra[] = { D(2026, 12, 31) };
	struct cad_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.holidays_fi = true;
	cfg.extra_holidays = extra;
	cfg.nextra_holidays = 1;

	assert_string_equal(cad_calendar_holiday_name(&cfg, D(2026, 12, 24)),
	    "Jouluaatto");
	assert_string_equal(cad_calendar_holiday_name(&cfg, D(2026, 12, 31)),
	    "Lisävapaapäivä");
	assert_string_equal(cad_calendar_holiday_name(&cfg, D(2026, 5, 14)),
	    "Helatorstai");
	assert_null(cad_calendar_holiday_name(&cfg, D(2026, 12, 28)));
	/* a weekend that is no holiday has no name */
	assert_null(cad_calendar_holiday_name(&cfg, D(2026, 12, 27)));
}

static void
is_working_day__christmas_2026__only_monday_after_works(void **state)
{
	(void)state;
	int extra[] = { D(2026, 12, 31) };
	struct cad_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.holidays_fi = true;
	cfg.extra_holidays = extra;
	cfg.nextra_holidays = 1;

	/* 24.12.2026 is a Thursday, but jouluaatto */
	assert_int_equal(cad_weekday(D(2026, 12, 24)), 3);
	assert_false(cad_is_working_day(&cfg, D(2026, 12, 24)));
	assert_false(cad_is_working_day(&cfg, D(2026, 12, 25)));
	/* 26.-27.12.2026 are Saturday and Sunday */
	assert_false(cad_is_working_day(&cfg, D(2026, 12, 26)));
	assert_false(cad_is_working_day(&cfg, D(2026, 12, 27)));
	/* Monday 28.12.2026 is an ordinary working day */
	assert_int_equal(cad_weekday(D(2026, 12, 28)), 0);
	assert_true(cad_is_working_day(&cfg, D(2026, 12, 28)));
	/* Thursday 31.12.2026 is an extra holiday */
	assert_false(cad_is_working_day(&cfg, D(2026, 12, 31)));
	assert_true(cad_is_working_day(&cfg, D(2026, 12, 30)));
	/* Friday 19.6.2026 juhannusaatto, Tuesday 6.1.2026 loppiainen */
	assert_false(cad_is_working_day(&cfg, D(2026, 6, 19)));
	assert_false(cad_is_working_day(&cfg, D(2026, 1, 6)));
	assert_true(cad_is_working_day(&cfg, D(2026, 1, 5)));
	/* Friday 3.4. and Monday 6.4.2026 (Easter), Thursday 14.5. */
	assert_false(cad_is_working_day(&cfg, D(2026, 4, 3)));
	assert_false(cad_is_working_day(&cfg, D(2026, 4, 6)));
	assert_false(cad_is_working_day(&cfg, D(2026, 5, 14)));
	assert_true(cad_is_working_day(&cfg, D(2026, 4, 7)));
}

static void
is_working_day__two_configs__answers_kept_apart(void **state)
{
	(void)state;
	struct cad_config fi, plain;

	memset(&fi, 0, sizeof(fi));
	memset(&plain, 0, sizeof(plain));
	fi.holidays_fi = true;

	/* the same day, alternately, must not leak between configs */
	for (int i = 0; i < 3; i++) {
		assert_false(cad_is_working_day(&fi, D(2026, 12, 24)));
		assert_true(cad_is_working_day(&plain, D(2026, 12, 24)));
	}
	/*
	 * 2026 and 2034 share a slot of the holiday cache (both are 2 mod
	 * 8); asking about them in turn must still give each its own.
	 * Easter 2034 is 9.4., so pitkäperjantai 7.4.2034 (a Friday).
	 */
	for (int i = 0; i < 3; i++) {
		assert_false(cad_is_working_day(&fi, D(2026, 4, 3)));
		assert_false(cad_is_working_day(&fi, D(2034, 4, 7)));
		assert_true(cad_is_working_day(&fi, D(2034, 4, 3)));
	}
	/* without holidays = "FI" only the weekend is off */
	assert_false(cad_is_working_day(&plain, D(2026, 12, 26)));
}

static void
in_blackouts__normal_and_wrapping_ranges__inclusive(void **state)
{
	(void)state;
	struct cad_blackout summer = { .from_md = 701, .to_md = 731 };
	struct cad_blackout yule = { .from_md = 1220, .to_md = 106 };

	assert_true(cad_in_blackouts(&summer, 1, D(2026, 7, 1)));
	assert_true(cad_in_blackouts(&summer, 1, D(2026, 7, 31)));
	assert_false(cad_in_blackouts(&summer, 1, D(2026, 6, 30)));
	assert_false(cad_in_blackouts(&summer, 1, D(2026, 8, 1)));

	/* 12-20..01-06 covers both ends of the turn of the year */
	assert_true(cad_in_blackouts(&yule, 1, D(2026, 12, 20)));
	assert_true(cad_in_blackouts(&yule, 1, D(2026, 12, 31)));
	assert_true(cad_in_blackouts(&yule, 1, D(2027, 1, 1)));
	assert_true(cad_in_blackouts(&yule, 1, D(2027, 1, 6)));
	assert_false(cad_in_blackouts(&yule, 1, D(2027, 1, 7)));
	assert_false(cad_in_blackouts(&yule, 1, D(2026, 12, 19)));
	assert_false(cad_in_blackouts(&yule, 1, D(2026, 7, 15)));

	struct cad_blackout both[] = { summer, yule };
	assert_true(cad_in_blackouts(both, 2, D(2026, 7, 15)));
	assert_true(cad_in_blackouts(both, 2, D(2026, 1, 2)));
	assert_false(cad_in_blackouts(both, 2, D(2026, 2, 2)));
	assert_false(cad_in_blackouts(NULL, 0, D(2026, 7, 15)));
}

static void
is_blacked_out__global_forum_and_member__each_counts(void **state)
{
	(void)state;
	struct cad_blackout global = { .from_md = 701, .to_md = 731,
		.reason = "Kesälomakausi" };
	struct cad_blackout ski = { .from_md = 302, .to_md = 308,
		.reason = "Hiihtoloma" };
	struct cad_blackout yule = { .from_md = 1220, .to_md = 106 };
	struct cad_party parties[2];
	struct cad_forum forum;
	struct cad_config cfg;
	/* for_each members (SPEC 10.1 units); NULL: the forum's series */
	const struct cad_unit hva = { 0, -1 }, kajaani = { 1, -1 };

	memset(parties, 0, sizeof(parties));
	memset(&forum, 0, sizeof(forum));
	memset(&cfg, 0, sizeof(cfg));
	parties[0].id = "hva";
	parties[1].id = "kajaani";
	parties[1].blackouts = &ski;	/* Kajaani's ski holiday week */
	parties[1].nblackouts = 1;
	forum.blackouts = &yule;
	forum.nblackouts = 1;
	cfg.blackouts = &global;
	cfg.nblackouts = 1;
	cfg.parties = parties;
	cfg.nparties = 2;

	/* global: for every series */
	assert_true(cad_is_blacked_out(&cfg, &forum, NULL, D(2026, 7, 10)));
	assert_true(cad_is_blacked_out(&cfg, &forum, &hva, D(2026, 7, 10)));
	/* the forum's own, wrapping over New Year */
	assert_true(cad_is_blacked_out(&cfg, &forum, NULL, D(2027, 1, 4)));
	assert_false(cad_is_blacked_out(&cfg, NULL, NULL, D(2027, 1, 4)));
	/* the ski week only for Kajaani's member series */
	assert_true(cad_is_blacked_out(&cfg, &forum, &kajaani, D(2026, 3, 4)));
	assert_true(cad_is_blacked_out(&cfg, &forum, &kajaani, D(2026, 3, 8)));
	assert_false(cad_is_blacked_out(&cfg, &forum, &kajaani, D(2026, 3, 9)));
	assert_false(cad_is_blacked_out(&cfg, &forum, &hva, D(2026, 3, 4)));
	assert_false(cad_is_blacked_out(&cfg, &forum, NULL, D(2026, 3, 4)));
	/* an ordinary day is free for everyone */
	assert_false(cad_is_blacked_out(&cfg, &forum, &kajaani, D(2026, 2, 10)));
}

static void
term_of__term_boundaries__inclusive(void **state)
{
	(void)state;
	struct cad_term terms[] = {
		{ D(2021, 8, 1), D(2025, 5, 31) },
		{ D(2025, 6, 1), D(2029, 5, 31) },
	};
	struct cad_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(cad_term_of(&cfg, D(2026, 1, 1)), -1);
	cfg.terms = terms;
	cfg.nterms = 2;

	assert_int_equal(cad_term_of(&cfg, D(2021, 7, 31)), -1);
	assert_int_equal(cad_term_of(&cfg, D(2021, 8, 1)), 0);
	assert_int_equal(cad_term_of(&cfg, D(2025, 5, 31)), 0);
	assert_int_equal(cad_term_of(&cfg, D(2025, 6, 1)), 1);
	assert_int_equal(cad_term_of(&cfg, D(2026, 10, 13)), 1);
	assert_int_equal(cad_term_of(&cfg, D(2029, 5, 31)), 1);
	assert_int_equal(cad_term_of(&cfg, D(2029, 6, 1)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(easter__known_years__match_almanac),
		cmocka_unit_test(fi_holidays__2026__fifteen_in_date_order),
		cmocka_unit_test(
		    fi_holidays__2025__midsummer_and_all_saints_move),
		cmocka_unit_test(fi_holidays__every_year__rules_of_spec_hold),
		cmocka_unit_test(
		    fi_holidays__2008_ascension_on_may_day__both_listed),
		cmocka_unit_test(
		    calendar_holidays__extra_days__added_sorted_and_deduplicated),
		cmocka_unit_test(calendar_holidays__no_fi__only_extra_days),
		cmocka_unit_test(
		    calendar_holidays__small_array__extra_days_dropped),
		cmocka_unit_test(holiday_name__fi_and_extra__named),
		cmocka_unit_test(
		    is_working_day__christmas_2026__only_monday_after_works),
		cmocka_unit_test(
		    is_working_day__two_configs__answers_kept_apart),
		cmocka_unit_test(
		    in_blackouts__normal_and_wrapping_ranges__inclusive),
		cmocka_unit_test(
		    is_blacked_out__global_forum_and_member__each_counts),
		cmocka_unit_test(term_of__term_boundaries__inclusive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
