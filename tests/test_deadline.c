/*
 * test_deadline.c - the agreement's deadlines (SPEC § 7) and what a
 * termination does to the plan.
 *
 * Every expected date is worked out by hand in the comment above it;
 * weekdays were checked with a paper calendar (and python's datetime).
 * The fixture tests/data/deadline/agreement.conf is read relative to the
 * repository root, where make check runs the tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/config.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "model/plan.h"

#define CONF "tests/data/deadline/agreement.conf"

static int
day(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

static struct cad_config *
load(void)
{
	struct cad_diag diag;
	struct cad_config *cfg = NULL;

	cad_diag_init(&diag);
	int r = cad_config_load(CONF, &cfg, &diag);
	for (size_t i = 0; i < diag.n; i++)
		print_message("  diag: %s\n", diag.msgs[i]);
	cad_diag_release(&diag);
	assert_int_equal(r, 0);
	assert_non_null(cfg);
	return cfg;
}

/* a plan context holding one termination */
static const struct cad_plan_ctx *
ctx_of(const struct cad_termination *t)
{
	static struct cad_plan_ctx ctx;

	memset(&ctx, 0, sizeof ctx);
	ctx.terminations = t;
	ctx.nterminations = 1;
	return &ctx;
}

struct want {
	int day;
	enum cad_deadline_kind kind;
	int term;
	const char *party;
};

static void
expect_list(const struct cad_deadline *v, size_t n, const struct want *w,
    size_t nw)
{
	bool same = n == nw;

	for (size_t i = 0; same && i < nw; i++)
		same = v[i].day == w[i].day && v[i].kind == w[i].kind &&
		    v[i].term == w[i].term;
	for (size_t i = 0; !same && i < n; i++) {
		char date[11];
		cad_format_date(v[i].day, date);
		print_message("  got %s %s term %d %s\n", date,
		    cad_deadline_kind_name(v[i].kind), v[i].term,
		    v[i].party ? v[i].party : "-");
	}
	assert_int_equal(n, nw);
	for (size_t i = 0; i < nw; i++) {
		assert_int_equal(v[i].day, w[i].day);
		assert_int_equal(v[i].kind, w[i].kind);
		assert_int_equal(v[i].term, w[i].term);
		if (w[i].party)
			assert_string_equal(v[i].party, w[i].party);
		else
			assert_null(v[i].party);
		assert_non_null(v[i].title);
	}
}

/*
 * effective 2023-06-01; terms 2021-08-01..2025-05-31 (0),
 * 2025-06-01..2029-05-31 (1), 2029-06-01..2033-05-31 (2); notice and
 * renewal 12 months; review_by 2025-05-31, 2027-05-31.
 *   renewal: term 0 began 2021-08-01, before the agreement: none;
 *            term 1: 2025-06-01 + 12 months = 2026-06-01;
 *            term 2: 2029-06-01 + 12 months = 2030-06-01.
 *   notice:  term 0: 2025-05-31 - 12 months = 2024-05-31 (a notice on
 *            1.6.2024 would end it 1.6.2025, after the term);
 *            term 1: 2028-05-31; term 2: 2032-05-31.
 * In date order.
 */
static void
deadlines__effective_mid_term__hand_computed_list(void **state)
{
	(void)state;
	struct cad_config *cfg = load();
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	const struct want w[] = {
		{ day(2024, 5, 31), CAD_DEADLINE_NOTICE, 0, NULL },
		{ day(2025, 5, 31), CAD_DEADLINE_REVIEW, -1, NULL },
		{ day(2026, 6, 1), CAD_DEADLINE_RENEWAL, 1, NULL },
		{ day(2027, 5, 31), CAD_DEADLINE_REVIEW, -1, NULL },
		{ day(2028, 5, 31), CAD_DEADLINE_NOTICE, 1, NULL },
		{ day(2030, 6, 1), CAD_DEADLINE_RENEWAL, 2, NULL },
		{ day(2032, 5, 31), CAD_DEADLINE_NOTICE, 2, NULL },
	};

	assert_int_equal(cad_deadlines(cfg, NULL, &v, &n, &err), 0);
	expect_list(v, n, w, sizeof w / sizeof w[0]);
	assert_string_equal(v[1].title, "Sopimuksen tarkistus");
	assert_string_equal(v[2].title, "Uusi sopimus valtuustokauden alettua");
	assert_string_equal(v[0].title, "Viimeinen irtisanomispäivä "
	    "valtuustokauden lopussa päättyvälle sopimukselle");
	cad_deadlines_free(v, n);
	cad_config_free(cfg);
}

/*
 * Kajaani's notice given 2026-03-15 with a 12-month notice period takes
 * effect 2027-03-15: between the 2026-06-01 renewal and the 2027-05-31
 * review.
 */
static void
deadlines__termination__effective_day_with_party(void **state)
{
	(void)state;
	struct cad_config *cfg = load();
	struct cad_termination t = { "kajaani", 0, 0 };
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;

	t.noticed = day(2026, 3, 15);
	t.effective = day(2027, 3, 15);
	assert_int_equal(cad_deadlines(cfg, ctx_of(&t), &v, &n, &err), 0);
	assert_int_equal(n, 8);
	assert_int_equal(v[2].day, day(2026, 6, 1));
	assert_int_equal(v[3].day, day(2027, 3, 15));
	assert_int_equal(v[3].kind, CAD_DEADLINE_TERMINATION);
	assert_string_equal(v[3].party, "kajaani");
	assert_int_equal(v[3].noticed, day(2026, 3, 15));
	assert_string_equal(v[3].title,
	    "Irtisanominen astuu voimaan: Kajaanin kaupunki");
	assert_int_equal(v[4].day, day(2027, 5, 31));
	cad_deadlines_free(v, n);
	cad_config_free(cfg);
}

/* a config made by hand: one agreement, the given terms */
static void
hand_config(struct cad_config *cfg, struct cad_term *terms, size_t nterms,
    int effective, int notice, int renew)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->domain = "x.example";
	cfg->timezone = "Europe/Helsinki";
	cfg->terms = terms;
	cfg->nterms = nterms;
	cfg->agreement.present = true;
	cfg->agreement.title = "Sopimus";
	cfg->agreement.effective = effective;
	cfg->agreement.notice_months = notice;
	cfg->agreement.renew_within_months = renew;
}

/*
 * Month ends, notice 12 and renewal 1 month; effective 2020-01-01:
 *   term 2027-01-31..2029-02-28:
 *     renewal 31.1.2027 + 1 month: February 2027 has 28 days, so
 *       2027-02-28;
 *     notice: 29.2.2028 + 12 months = 29.2.2029, which does not exist,
 *       clamps to 28.2.2029 = the term's end, so a notice on 29.2.2028
 *       still ends the agreement with the term; 1.3.2028 would not
 *       (1.3.2029).  Last day 2028-02-29, not 2028-02-28.
 */
static void
deadlines__month_end_notice_12__leap_day_is_last(void **state)
{
	(void)state;
	struct cad_term terms[] = {
		{ day(2027, 1, 31), day(2029, 2, 28) },
	};
	struct cad_config cfg;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	const struct want w[] = {
		{ day(2027, 2, 28), CAD_DEADLINE_RENEWAL, 0, NULL },
		{ day(2028, 2, 29), CAD_DEADLINE_NOTICE, 0, NULL },
	};

	hand_config(&cfg, terms, 1, day(2020, 1, 1), 12, 1);
	assert_int_equal(cad_deadlines(&cfg, NULL, &v, &n, &err), 0);
	expect_list(v, n, w, 2);
	cad_deadlines_free(v, n);
}

/*
 * Notice 1 month, renewal 12; effective 2020-01-01:
 *   term 2028-02-29..2029-04-30:
 *     renewal 29.2.2028 + 12 months: no 29.2.2029, so 2029-02-28;
 *     notice: 31.3.2029 + 1 month = 31.4, clamped to 30.4 = the end;
 *       1.4.2029 + 1 month = 1.5.2029 is too late: 2029-03-31.
 */
static void
deadlines__month_end_notice_1__last_of_earlier_month(void **state)
{
	(void)state;
	struct cad_term terms[] = {
		{ day(2028, 2, 29), day(2029, 4, 30) },
	};
	struct cad_config cfg;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	const struct want w[] = {
		{ day(2029, 2, 28), CAD_DEADLINE_RENEWAL, 0, NULL },
		{ day(2029, 3, 31), CAD_DEADLINE_NOTICE, 0, NULL },
	};

	hand_config(&cfg, terms, 1, day(2020, 1, 1), 1, 12);
	assert_int_equal(cad_deadlines(&cfg, NULL, &v, &n, &err), 0);
	expect_list(v, n, w, 2);
	cad_deadlines_free(v, n);
}

/*
 * SPEC: renewal only for a term that starts *after* `effective`.  An
 * agreement signed on the term's first day (2025-06-01) is that term's
 * agreement: no renewal for it, one for the next (2029-06-01 + 6 months
 * = 2029-12-01).  A term that ended before the agreement took effect
 * (2021-08-01..2025-05-31) gets no notice day either: the agreement
 * can't end with it.  Notice 6 months: 2029-05-31 - 6 = 2028-11-30
 * (November has 30 days; 30.11 + 6 months = 30.5.2029 and 1.12.2028 +
 * 6 = 1.6.2029, too late, so 2028-11-30); 2033-05-31 - 6 = 2032-11-30.
 */
static void
deadlines__term_starting_on_effective__no_renewal(void **state)
{
	(void)state;
	struct cad_term terms[] = {
		{ day(2021, 8, 1), day(2025, 5, 31) },
		{ day(2025, 6, 1), day(2029, 5, 31) },
		{ day(2029, 6, 1), day(2033, 5, 31) },
	};
	struct cad_config cfg;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	const struct want w[] = {
		{ day(2028, 11, 30), CAD_DEADLINE_NOTICE, 1, NULL },
		{ day(2029, 12, 1), CAD_DEADLINE_RENEWAL, 2, NULL },
		{ day(2032, 11, 30), CAD_DEADLINE_NOTICE, 2, NULL },
	};

	hand_config(&cfg, terms, 3, day(2025, 6, 1), 6, 6);
	assert_int_equal(cad_deadlines(&cfg, NULL, &v, &n, &err), 0);
	expect_list(v, n, w, 3);
	cad_deadlines_free(v, n);
}

/* no agreement block: nothing to review, renew or give notice of, but a
   recorded termination still takes effect (party unknown to the config:
   its id stands for its name) */
static void
deadlines__no_agreement__only_terminations(void **state)
{
	(void)state;
	struct cad_term terms[] = {
		{ day(2025, 6, 1), day(2029, 5, 31) },
	};
	struct cad_termination t = { "vanha", 0, 0 };
	struct cad_config cfg;
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;

	hand_config(&cfg, terms, 1, day(2020, 1, 1), 12, 12);
	cfg.agreement.present = false;
	t.noticed = day(2026, 1, 2);
	t.effective = day(2027, 1, 2);
	assert_int_equal(cad_deadlines(&cfg, ctx_of(&t), &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].kind, CAD_DEADLINE_TERMINATION);
	assert_int_equal(v[0].day, day(2027, 1, 2));
	assert_string_equal(v[0].title, "Irtisanominen astuu voimaan: vanha");
	cad_deadlines_free(v, n);
}

/* SPEC § 7 JSON: {"date","kind","title","party"}, party null when none */
static void
deadlines_json__two_deadlines__spec_shape(void **state)
{
	(void)state;
	struct cad_deadline v[2] = {
		{ day(2026, 6, 1), CAD_DEADLINE_RENEWAL, "Uusi \"sopimus\"",
		    NULL, 1, CAD_NODAY, -1, false },
		{ day(2027, 3, 15), CAD_DEADLINE_TERMINATION,
		    "Irtisanominen astuu voimaan: Kajaanin kaupunki",
		    "kajaani", -1, 0, -1, false },
	};
	struct cad_config cfg;
	struct cad_buf b;

	memset(&cfg, 0, sizeof cfg);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_deadlines_json(&b, &cfg, v, 2), 0);
	assert_string_equal(b.data, "[\n"
	    "  {\"date\": \"2026-06-01\", \"kind\": \"renewal\", "
	    "\"title\": \"Uusi \\\"sopimus\\\"\", \"party\": null},\n"
	    "  {\"date\": \"2027-03-15\", \"kind\": \"termination\", "
	    "\"title\": \"Irtisanominen astuu voimaan: Kajaanin kaupunki\", "
	    "\"party\": \"kajaani\"}\n"
	    "]\n");
	cad_buf_reset(&b);
	assert_int_equal(cad_deadlines_json(&b, &cfg, NULL, 0), 0);
	assert_string_equal(b.data, "[]\n");
	cad_buf_release(&b);
}

static void
terminations_json__one__party_noticed_effective(void **state)
{
	(void)state;
	struct cad_termination t = { "kajaani", 0, 0 };
	struct cad_buf b;

	t.noticed = day(2026, 3, 15);
	t.effective = day(2027, 3, 15);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_terminations_json(&b, &t, 1), 0);
	assert_string_equal(b.data, "[\n  {\"party\": \"kajaani\", "
	    "\"noticed\": \"2026-03-15\", \"effective\": \"2027-03-15\"}\n]\n");
	cad_buf_release(&b);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/*
 * The feed: 8 all-day events (7 + the termination), each with 3 alarms
 * (remind_days 90, 30, 7, in days, never weeks), DTEND the next day,
 * UIDs <kind>-<date>[-<party>]@<domain>; CRLF lines of at most 75
 * octets.  DTSTAMP 1768046400 = 2026-01-10T12:00:00Z (20463 days *
 * 86400 + 12 h; 2026-01-10 is day 20463 since 1970-01-01).
 */
static void
deadlines_ical__agreement__all_day_events_with_alarms(void **state)
{
	(void)state;
	struct cad_config *cfg = load();
	struct cad_termination t = { "kajaani", 0, 0 };
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	struct cad_buf b;
	size_t n = 0;

	t.noticed = day(2026, 3, 15);
	t.effective = day(2027, 3, 15);
	assert_int_equal(day(2026, 1, 10), 20463);
	assert_int_equal(cad_deadlines(cfg, ctx_of(&t), &v, &n, &err), 0);
	cad_buf_init(&b, 0);
	assert_int_equal(cad_deadlines_ical(cfg, v, n, NULL, 1768046400, &b,
	    &err), 0);
	const char *s = b.data;
	assert_non_null(strstr(s, "BEGIN:VCALENDAR\r\n"));
	assert_non_null(strstr(s, "\r\nMETHOD:PUBLISH\r\n"));
	assert_non_null(strstr(s, "\r\nPRODID:"));
	assert_non_null(strstr(s, "\r\nNAME:Strateginen yhteistyösopimus: "
	    "määräajat\r\n"));
	assert_non_null(strstr(s, "\r\nX-WR-CALNAME:Strateginen "
	    "yhteistyösopimus: määräajat\r\n"));
	assert_non_null(strstr(s,
	    "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
	assert_non_null(strstr(s, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));
	assert_int_equal(count(s, "BEGIN:VEVENT\r\n"), 8);
	assert_int_equal(count(s, "BEGIN:VALARM\r\n"), 24);
	assert_int_equal(count(s, "TRIGGER:-P90D\r\n"), 8);
	assert_int_equal(count(s, "TRIGGER:-P30D\r\n"), 8);
	assert_int_equal(count(s, "TRIGGER:-P7D\r\n"), 8);
	assert_int_equal(count(s, "ACTION:DISPLAY\r\n"), 24);
	assert_int_equal(count(s, "SEQUENCE:0\r\n"), 8);
	assert_int_equal(count(s, "DTSTAMP:20260110T120000Z\r\n"), 8);
	assert_non_null(strstr(s, "\r\nUID:renewal-2026-06-01@sopimus.example"
	    "\r\n"));
	assert_non_null(strstr(s, "\r\nDTSTART;VALUE=DATE:20260601\r\n"
	    "DTEND;VALUE=DATE:20260602\r\n"));
	assert_non_null(strstr(s, "\r\nUID:termination-2027-03-15-kajaani@"
	    "sopimus.example\r\n"));
	assert_non_null(strstr(s, "\r\nDTSTART;VALUE=DATE:20270315\r\n"
	    "DTEND;VALUE=DATE:20270316\r\n"));
	/* 2028-05-31 + 1 day crosses the month */
	assert_non_null(strstr(s, "\r\nDTSTART;VALUE=DATE:20280531\r\n"
	    "DTEND;VALUE=DATE:20280601\r\n"));
	assert_null(strstr(s, "VTIMEZONE"));

	/* CRLF only, 75 octets a line, folds start with a space */
	size_t lines = 0;
	for (const char *p = s; *p; lines++) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 75);
		assert_null(memchr(p, '\n', (size_t)(e - p)));
		p = e + 2;
	}
	assert_true(lines > 100);
	assert_non_null(strstr(s, "END:VCALENDAR\r\n"));
	cad_buf_release(&b);
	cad_deadlines_free(v, n);
	cad_config_free(cfg);
}

/* the days of the occurrences of series uid, in order */
static size_t
series_days(const struct cad_plan *plan, const char *uid, int *out,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->nocc; i++)
		if (strcmp(plan->series[plan->occ[i].series].uid, uid) == 0 &&
		    n < max)
			out[n++] = plan->occ[i].day;
	return n;
}

/*
 * Kajaani's notice 2026-03-15 takes effect 2027-03-15.  neuvottelu meets
 * each party every 10 February (2026 Tue, 2027 Wed, 2028 Thu, all
 * working days): Kajaani keeps 2026 and 2027 (before its day) and loses
 * 2028; Sotkamo keeps all three.
 */
static void
plan__termination__for_each_member_dropped_from_its_day(void **state)
{
	(void)state;
	struct cad_config *cfg = load();
	struct cad_termination t = { "kajaani", 0, 0 };
	struct cad_plan_ctx ctx = { 0 };
	struct cad_error err = { "" };
	struct cad_plan plan;
	int d[8];

	t.noticed = day(2026, 3, 15);
	t.effective = day(2027, 3, 15);
	ctx.today = day(2026, 1, 10);
	ctx.terminations = &t;
	ctx.nterminations = 1;
	assert_int_equal(cad_plan_range(cfg, &ctx, day(2026, 1, 1),
	    day(2028, 12, 31), &plan, &err), 0);
	assert_int_equal(series_days(&plan, "neuvottelu.kajaani@"
	    "sopimus.example", d, 8), 2);
	assert_int_equal(d[0], day(2026, 2, 10));
	assert_int_equal(d[1], day(2027, 2, 10));
	assert_int_equal(series_days(&plan, "neuvottelu.sotkamo@"
	    "sopimus.example", d, 8), 3);
	assert_int_equal(d[2], day(2028, 2, 10));
	cad_plan_release(&plan);

	/* withdrawn: Kajaani meets in 2028 again */
	ctx.nterminations = 0;
	assert_int_equal(cad_plan_range(cfg, &ctx, day(2026, 1, 1),
	    day(2028, 12, 31), &plan, &err), 0);
	assert_int_equal(series_days(&plan, "neuvottelu.kajaani@"
	    "sopimus.example", d, 8), 3);
	cad_plan_release(&plan);
	cad_config_free(cfg);
}

static const struct cad_occurrence *
find_occ(const struct cad_plan *plan, const char *uid, int dayno)
{
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].day == dayno &&
		    strcmp(plan->series[plan->occ[i].series].uid, uid) == 0)
			return &plan->occ[i];
	return NULL;
}

/*
 * The same notice and the forums with participants: foorumi meets on the
 * 2nd Tuesday of October (2026-10-13, 2027-10-12), tyoryhma on the 15th
 * (2027-02-15 and 2027-03-15 are Mondays, not holidays).  Kajaani takes
 * part up to 2027-03-14: in 2026-10-13 and 2027-02-15, not in
 * 2027-03-15 (its effective day) nor 2027-10-12.  The meetings stay in
 * the plan for the others.
 */
static void
plan__termination__participant_kept_before_dropped_after(void **state)
{
	(void)state;
	struct cad_config *cfg = load();
	struct cad_termination t = { "kajaani", 0, 0 };
	struct cad_plan_ctx ctx = { 0 };
	struct cad_error err = { "" };
	struct cad_plan plan;
	const struct cad_occurrence *o;
	int kaj = cad_config_party(cfg, "kajaani");
	int sot = cad_config_party(cfg, "sotkamo");

	t.noticed = day(2026, 3, 15);
	t.effective = day(2027, 3, 15);
	ctx.today = day(2026, 1, 10);
	ctx.terminations = &t;
	ctx.nterminations = 1;
	assert_true(kaj >= 0 && sot >= 0);
	assert_int_equal(cad_plan_range(cfg, &ctx, day(2026, 1, 1),
	    day(2028, 12, 31), &plan, &err), 0);

	o = find_occ(&plan, "foorumi@sopimus.example", day(2026, 10, 13));
	assert_non_null(o);
	assert_true(cad_plan_involves(cfg, &ctx, &plan, o, kaj));
	assert_true(cad_plan_involves(cfg, &ctx, &plan, o, sot));
	o = find_occ(&plan, "foorumi@sopimus.example", day(2027, 10, 12));
	assert_non_null(o);
	assert_false(cad_plan_involves(cfg, &ctx, &plan, o, kaj));
	assert_true(cad_plan_involves(cfg, &ctx, &plan, o, sot));

	o = find_occ(&plan, "tyoryhma@sopimus.example", day(2027, 2, 15));
	assert_non_null(o);
	assert_true(cad_plan_involves(cfg, &ctx, &plan, o, kaj));
	o = find_occ(&plan, "tyoryhma@sopimus.example", day(2027, 3, 15));
	assert_non_null(o);
	assert_false(cad_plan_involves(cfg, &ctx, &plan, o, kaj));
	assert_true(cad_plan_involves(cfg, &ctx, &plan, o, sot));
	cad_plan_release(&plan);
	cad_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    deadlines__effective_mid_term__hand_computed_list),
		cmocka_unit_test(
		    deadlines__termination__effective_day_with_party),
		cmocka_unit_test(
		    deadlines__month_end_notice_12__leap_day_is_last),
		cmocka_unit_test(
		    deadlines__month_end_notice_1__last_of_earlier_month),
		cmocka_unit_test(
		    deadlines__term_starting_on_effective__no_renewal),
		cmocka_unit_test(deadlines__no_agreement__only_terminations),
		cmocka_unit_test(deadlines_json__two_deadlines__spec_shape),
		cmocka_unit_test(
		    terminations_json__one__party_noticed_effective),
		cmocka_unit_test(
		    deadlines_ical__agreement__all_day_events_with_alarms),
		cmocka_unit_test(
		    plan__termination__for_each_member_dropped_from_its_day),
		cmocka_unit_test(
		    plan__termination__participant_kept_before_dropped_after),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
