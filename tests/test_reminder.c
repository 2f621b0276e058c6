/*
 * test_reminder.c - deadline reminders (SPEC § 6 "Deadline reminders",
 * § 7): which reminder is enqueued on which day, once; the catch-up of
 * the latest missed one; recipients; the message.  Delivery is the
 * outbox's (tests/test_outbox.c, tests/e2e/reminders.sh end to end).
 *
 * The agreement: effective 2023-06-01, notice 12 months, one council
 * term 2025-06-01 .. 2029-05-31, remind_days [90, 30, 7].  Its deadlines
 * (SPEC § 7): the notice deadline 2029-05-31 - 12 months = 2028-05-31
 * (the example of core/model/deadline.h) and the renewal 2025-06-01 + 12
 * months = 2026-06-01, long past in every test below.
 *
 * Calendar, by hand: 2028 is a leap year; 1.1.2028 is a Saturday (1.1.2027
 * a Friday, 2027 has 365 days), 31.5.2028 is day 31+29+31+30+31 = 152 of
 * the year, (152 - 1) mod 7 = 4 days after a Saturday: a Wednesday
 * ("ke 31.5.2028").  Reminder days: 31.5. - 7 = 24.5.; 31.5. - 30 = 1.5.;
 * 31.5. - 90 = 1.5. - 60 = 1.4. - 30 (April) - 30 = 2.3. (March has 31).
 * 9.5.2028 is 22 days before 31.5., 25.5.2028 is 6 days before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/reminder.h"

#include "b64.h"
#include "tmpdir.h"

static int
D(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

/* 11:00 UTC of a day: 14:00 in Helsinki in summer */
static int64_t
noon(int day)
{
	return (int64_t)day * 86400 + 11 * 3600;
}

static struct cad_party parties[] = {
	{ .id = "hva", .name = "Kainuun hyvinvointialue",
	    .email = "kirjaamo@hva.example" },
	{ .id = "kajaani", .name = "Kajaanin kaupunki",
	    .email = "kirjaamo@kajaani.example" },
	{ .id = "sotkamo", .name = "Sotkamon kunta", .email = NULL },
};
static struct cad_term terms[1];
static int remind_days[] = { 90, 30, 7 };

struct fixture {
	char tmp[64];
	struct cad_store *st;
	struct cad_config cfg;
	int notify[3];
	struct cad_termination term[1];
	struct cad_plan_ctx ctx;
};

static int
store_new(struct fixture *f)
{
	struct cad_error err = { "" };

	strcpy(f->tmp, "/tmp/test_reminder.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	return cad_store_open(f->tmp, &f->st, &err);
}

static void
store_free(struct fixture *f)
{
	cad_store_close(f->st);
	f->st = NULL;
	tmpdir_remove(f->tmp);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL || store_new(f) != 0)
		return -1;
	terms[0] = (struct cad_term){ D(2025, 6, 1), D(2029, 5, 31) };
	f->cfg.timezone = "Europe/Helsinki";
	f->cfg.domain = "kainuu.example";
	f->cfg.base_url = "http://127.0.0.1:8080/";
	f->cfg.organizer_name = "Hyte-koordinaattori";
	f->cfg.organizer_email = "hyte@kainuu.example";
	f->cfg.parties = parties;
	f->cfg.nparties = 3;
	f->cfg.terms = terms;
	f->cfg.nterms = 1;
	f->cfg.smtp = (struct cad_server){ .present = true,
	    .url = "smtp://127.0.0.1:9", .user = "", .password_file = "" };
	f->cfg.agreement = (struct cad_agreement){ .present = true,
	    .title = "Strateginen yhteistyösopimus",
	    .effective = D(2023, 6, 1), .notice_months = 12,
	    .renew_within_months = 12, .remind_days = remind_days,
	    .nremind_days = 3, .notify = f->notify, .nnotify = 1 };
	f->notify[0] = 0;		/* hva */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_free(f);
	free(f);
	return 0;
}

/* runs the sync on day today; the number of rows enqueued */
static int
sync_on(struct fixture *f, int today)
{
	struct cad_error err = { "" };
	int n = -1, r;

	f->ctx.today = today;
	r = cad_reminders_sync(f->st, &f->cfg, &f->ctx, today, noon(today),
	    &n, &err);
	if (r != 0)
		fail_msg("cad_reminders_sync: %d %s", r, err.msg);
	return n;
}

struct rows {
	struct cad_outbox_entry *v;
	size_t n;
};

static struct rows
rows(struct fixture *f)
{
	struct cad_error err = { "" };
	struct rows l = { NULL, 0 };

	assert_int_equal(cad_store_outbox_list(f->st, true, &l.v, &l.n, &err),
	    0);
	return l;
}

static void
rows_free(struct rows l)
{
	cad_outbox_entries_free(l.v, l.n);
}

struct recs {
	struct cad_reminder_record *v;
	size_t n;
};

static struct recs
recs(struct fixture *f)
{
	struct cad_error err = { "" };
	struct recs l = { NULL, 0 };

	assert_int_equal(cad_store_reminders(f->st, &l.v, &l.n, &err), 0);
	return l;
}

/* the state recorded for (kind, day, offset): "sent", "skipped", or
   NULL when none */
static const char *
rec_state(struct recs l, enum cad_deadline_kind kind, int day, int offset)
{
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].kind == kind && l.v[i].day == day &&
		    l.v[i].days_before == offset)
			return l.v[i].state == CAD_REMINDER_SENT ? "sent" :
			    l.v[i].state == CAD_REMINDER_SKIPPED ? "skipped" :
			    "?";
	return NULL;
}

/* ---------------------------------------------------------------- */

static void
reminders_sync__22_days_before__only_the_30_day_reminder(void **state)
{
	struct fixture *f = *state;
	int dl = D(2028, 5, 31);
	struct rows l;
	struct recs r;

	/* 9.5.: the 90-day (2.3.) and 30-day (1.5.) days have come, the
	   7-day one (24.5.) not; the latest, 30, is sent */
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].channel, CAD_CHANNEL_SMTP);
	assert_int_equal(l.v[0].kind, CAD_KIND_REMINDER);
	assert_string_equal(l.v[0].target, "kirjaamo@hva.example");
	assert_string_equal(l.v[0].sender, "hyte@kainuu.example");
	/* the deadline's UID in deadlines.ics (core/model/deadline.h) */
	assert_string_equal(l.v[0].uid, "notice-2028-05-31@kainuu.example");
	assert_int_equal(l.v[0].sequence, 30);
	assert_int_equal(l.v[0].state, CAD_STATE_PENDING);
	assert_int_equal(l.v[0].due, noon(D(2028, 5, 9)));
	rows_free(l);

	r = recs(f);
	assert_int_equal(r.n, 2);
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 30), "sent");
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 90), "skipped");
	assert_null(rec_state(r, CAD_DEADLINE_NOTICE, dl, 7));
	cad_reminder_records_free(r.v, r.n);
}

static void
reminders_sync__same_day_again__nothing(void **state)
{
	struct fixture *f = *state;
	struct rows l;

	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 0);
	/* the next day too: 30 is still the latest, already sent */
	assert_int_equal(sync_on(f, D(2028, 5, 10)), 0);
	l = rows(f);
	assert_int_equal(l.n, 1);
	rows_free(l);
}

static void
reminders_sync__6_days_before_after_30__the_7_day_reminder(void **state)
{
	struct fixture *f = *state;
	int dl = D(2028, 5, 31);
	struct rows l;
	struct recs r;

	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	/* 25.5.: the 7-day day (24.5.) has passed, the deadline is ahead */
	assert_int_equal(sync_on(f, D(2028, 5, 25)), 1);
	assert_int_equal(sync_on(f, D(2028, 5, 25)), 0);
	l = rows(f);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].sequence, 30);
	assert_int_equal(l.v[1].sequence, 7);
	rows_free(l);
	r = recs(f);
	assert_int_equal(r.n, 3);
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 7), "sent");
	cad_reminder_records_free(r.v, r.n);
}

static void
reminders_sync__fresh_store_6_days_before__latest_caught_up_rest_skipped(
    void **state)
{
	struct fixture *f = *state;
	int dl = D(2028, 5, 31);
	struct rows l;
	struct recs r;

	/* down over 2.3., 1.5. and 24.5.: only the latest (7) is sent */
	assert_int_equal(sync_on(f, D(2028, 5, 25)), 1);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].sequence, 7);
	rows_free(l);
	r = recs(f);
	assert_int_equal(r.n, 3);
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 7), "sent");
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 30), "skipped");
	assert_string_equal(rec_state(r, CAD_DEADLINE_NOTICE, dl, 90), "skipped");
	cad_reminder_records_free(r.v, r.n);
	assert_int_equal(sync_on(f, D(2028, 5, 30)), 0);
}

static void
reminders_sync__on_the_reminder_day__sent_that_day(void **state)
{
	struct fixture *f = *state;
	struct rows l;

	/* 1.3.: one day before the 90-day day, nothing; 2.3.: the 90 */
	assert_int_equal(sync_on(f, D(2028, 3, 1)), 0);
	assert_int_equal(sync_on(f, D(2028, 3, 2)), 1);
	assert_int_equal(sync_on(f, D(2028, 4, 30)), 0);
	assert_int_equal(sync_on(f, D(2028, 5, 1)), 1);
	assert_int_equal(sync_on(f, D(2028, 5, 24)), 1);
	l = rows(f);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].sequence, 90);
	assert_int_equal(l.v[1].sequence, 30);
	assert_int_equal(l.v[2].sequence, 7);
	rows_free(l);
}

static void
reminders_sync__deadline_past_or_today__nothing(void **state)
{
	struct fixture *f = *state;
	struct recs r;

	/* 1.6.2028: the deadline 31.5. is past; 31.5. itself: no longer
	   ahead, and no offset 0 is configured */
	assert_int_equal(sync_on(f, D(2028, 6, 1)), 0);
	assert_int_equal(sync_on(f, D(2028, 5, 31)), 0);
	r = recs(f);
	assert_int_equal(r.n, 0);
	cad_reminder_records_free(r.v, r.n);
}

static void
reminders_sync__offset_zero__sent_on_the_day(void **state)
{
	struct fixture *f = *state;
	int zero[] = { 0 };
	struct rows l;

	f->cfg.agreement.remind_days = zero;
	f->cfg.agreement.nremind_days = 1;
	assert_int_equal(sync_on(f, D(2028, 5, 30)), 0);
	assert_int_equal(sync_on(f, D(2028, 5, 31)), 1);
	assert_int_equal(sync_on(f, D(2028, 5, 31)), 0);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].sequence, 0);
	rows_free(l);
}

static void
reminders_sync__party_without_email__skipped(void **state)
{
	struct fixture *f = *state;
	struct rows l;
	struct recs r;

	/* only sotkamo, which has no address: nothing, nothing recorded
	   (the reminder can still be caught up once there is an address) */
	f->notify[0] = 2;
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 0);
	r = recs(f);
	assert_int_equal(r.n, 0);
	cad_reminder_records_free(r.v, r.n);
	/* sotkamo and kajaani: kajaani's row only */
	f->notify[1] = 1;
	f->cfg.agreement.nnotify = 2;
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].target, "kirjaamo@kajaani.example");
	rows_free(l);
}

static void
reminders_sync__two_notify_parties__two_rows(void **state)
{
	struct fixture *f = *state;
	struct rows l;
	struct recs r;

	f->notify[1] = 1;
	f->cfg.agreement.nnotify = 2;
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 2);
	l = rows(f);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].target, "kirjaamo@hva.example");
	assert_string_equal(l.v[1].target, "kirjaamo@kajaani.example");
	assert_string_equal(l.v[0].uid, l.v[1].uid);
	assert_int_equal(l.v[0].sequence, 30);
	assert_int_equal(l.v[1].sequence, 30);
	/* each to its own recipient */
	assert_non_null(strstr(l.v[0].payload, "\r\nTo: "));
	assert_non_null(strstr(l.v[0].payload, "<kirjaamo@hva.example>"));
	assert_non_null(strstr(l.v[1].payload, "<kirjaamo@kajaani.example>"));
	rows_free(l);
	r = recs(f);
	assert_int_equal(r.n, 2);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].state == CAD_REMINDER_SENT)
			assert_int_equal(r.v[i].recipients, 2);
	cad_reminder_records_free(r.v, r.n);
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 0);
}

static void
reminders_sync__terminated_party__none(void **state)
{
	struct fixture *f = *state;
	struct rows l;

	/* kajaani gave notice 1.3.2027, effective 1.3.2028 (12 months):
	   gone by 9.5.2028.  Its termination deadline 1.3.2028 is past. */
	f->notify[1] = 1;
	f->cfg.agreement.nnotify = 2;
	f->term[0] = (struct cad_termination){ .party = "kajaani",
	    .noticed = D(2027, 3, 1), .effective = D(2028, 3, 1) };
	f->ctx.terminations = f->term;
	f->ctx.nterminations = 1;
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].target, "kirjaamo@hva.example");
	rows_free(l);
}

static void
reminders_sync__termination_deadline__reminded_with_party(void **state)
{
	struct fixture *f = *state;
	int eff = D(2028, 9, 1);
	struct rows l;
	struct recs r;

	/* kajaani's notice 1.9.2027 takes effect 1.9.2028: its 7-day
	   reminder is due 25.8.2028, sent on 26.8. (still ahead); the
	   agreement's notice deadline 31.5.2028 is past by then */
	f->term[0] = (struct cad_termination){ .party = "kajaani",
	    .noticed = D(2027, 9, 1), .effective = eff };
	f->ctx.terminations = f->term;
	f->ctx.nterminations = 1;
	assert_int_equal(sync_on(f, D(2028, 8, 26)), 1);
	l = rows(f);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].uid,
	    "termination-2028-09-01-kajaani@kainuu.example");
	assert_int_equal(l.v[0].sequence, 7);
	rows_free(l);
	r = recs(f);
	assert_int_equal(r.n, 3);
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(r.v[i].kind, CAD_DEADLINE_TERMINATION);
		assert_string_equal(r.v[i].party, "kajaani");
	}
	cad_reminder_records_free(r.v, r.n);
}

static void
reminders_sync__no_smtp__nothing(void **state)
{
	struct fixture *f = *state;
	struct recs r;

	f->cfg.smtp.present = false;
	assert_int_equal(sync_on(f, D(2028, 5, 9)), 0);
	r = recs(f);
	assert_int_equal(r.n, 0);
	cad_reminder_records_free(r.v, r.n);
}

/* ---------------------------------------------------------------- */
/* the message */

/* the Subject: header's encoded-words decoded */
static char *
subject_of(const char *msg)
{
	const char *p = strstr(msg, "\r\nSubject: "), *end;
	char *out;
	size_t o = 0;

	assert_non_null(p);
	p += strlen("\r\nSubject: ");
	end = strstr(p, "\r\n");
	while (end != NULL && end[2] == ' ')	/* folded */
		end = strstr(end + 2, "\r\n");
	assert_non_null(end);
	out = calloc(1, (size_t)(end - p) + 1);
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL && p < end) {
		const char *q = strstr(p + 10, "?=");
		o += b64_decode(p + 10, (size_t)(q - p - 10), out + o);
		p = q + 2;
	}
	return out;
}

/* the decoded text/plain part */
static char *
text_of(const char *msg)
{
	const char *p = strstr(msg, "Content-Type: text/plain; charset=utf-8"
	    "\r\nContent-Transfer-Encoding: base64\r\n\r\n"), *end;
	char *out;

	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	end = strstr(p, "\r\n--");
	assert_non_null(end);
	out = calloc(1, (size_t)(end - p) + 1);
	b64_decode(p, (size_t)(end - p), out);
	return out;
}

/* CRLF as a space */
static char *
flatten(const char *s)
{
	char *out = calloc(1, strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == '\r')
			continue;
		*o++ = *s == '\n' ? ' ' : *s;
	}
	return out;
}

static void
reminder_mail__notice_22_days_before__finnish_subject_and_text(
    void **state)
{
	struct fixture *f = *state;
	struct rows l;
	char *subject, *text, *flat;
	const char *m;

	assert_int_equal(sync_on(f, D(2028, 5, 9)), 1);
	l = rows(f);
	m = l.v[0].payload;
	/* RFC 5322 / MIME headers, From the organizer, To the party */
	assert_non_null(strstr(m, "From: \"Hyte-koordinaattori\" "
	    "<hyte@kainuu.example>\r\n"));
	/* "Kainuun hyvinvointialue" is plain ASCII: quoted */
	assert_non_null(strstr(m, "To: \"Kainuun hyvinvointialue\" "
	    "<kirjaamo@hva.example>\r\n"));
	assert_non_null(strstr(m, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(strstr(m, "\r\nMessage-ID: <"));
	/* 9.5.2028 11:00 UTC is 14:00 in Helsinki (EEST, +0300); 9.5.2028
	   is 22 days before a Wednesday: a Tuesday */
	assert_non_null(strstr(m, "\r\nDate: Tue, 9 May 2028 14:00:00 "
	    "+0300\r\n"));
	assert_non_null(strstr(m, "Content-Type: text/plain; "
	    "charset=utf-8"));
	assert_non_null(strstr(m, "filename=\"maaraaika.ics\""));
	/* every line CRLF, none over 998 octets (RFC 5322 2.1.1) */
	for (const char *p = m; *p; p++) {
		if (*p == '\n')
			assert_true(p > m && p[-1] == '\r');
	}

	subject = subject_of(m);
	/* the title of the notice deadline (core/model/deadline.c), the date and
	   the days left: 31.5. - 9.5. = 22 */
	assert_string_equal(subject, "Muistutus: Viimeinen "
	    "irtisanomispäivä valtuustokauden lopussa päättyvälle "
	    "sopimukselle 31.5.2028 (22 päivän päästä)");
	text = text_of(m);
	assert_non_null(strstr(text, "Sopimus: Strateginen "
	    "yhteistyösopimus\r\n"));
	assert_non_null(strstr(text, "Määräaika: ke 31.5.2028\r\n"));
	assert_non_null(strstr(text, "Aikaa jäljellä: 22 päivää\r\n"));
	/* what to do, as one line (the text is wrapped at 72): a written
	   notice (SPEC § 1: "in writing") with 12 months' notice */
	flat = flatten(text);
	assert_non_null(strstr(flat, "kirjallisen irtisanomisilmoituksen"));
	assert_non_null(strstr(flat, "12 kuukautta"));
	/* the calendar's "on this day" reads as the date in a mail */
	assert_null(strstr(flat, "tänä päivänä"));
	assert_non_null(strstr(flat, "viimeistään 31.5.2028"));
	free(flat);
	free(subject);
	free(text);
	rows_free(l);
}

static void
reminder_subject__one_and_zero_days__tomorrow_and_today(void **state)
{
	struct cad_deadline d = { .day = D(2028, 5, 31),
		.kind = CAD_DEADLINE_REVIEW, .title = "Sopimuksen tarkistus",
		.term = -1, .noticed = CAD_NODAY };
	struct cad_config cfg = { 0 };	/* Finnish only, no twins */
	char *s;

	(void)state;
	s = cad_reminder_subject(&cfg, &d, 1);
	assert_string_equal(s, "Muistutus: Sopimuksen tarkistus 31.5.2028 "
	    "(huomenna)");
	free(s);
	s = cad_reminder_subject(&cfg, &d, 0);
	assert_string_equal(s, "Muistutus: Sopimuksen tarkistus 31.5.2028 "
	    "(tänään)");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    reminders_sync__22_days_before__only_the_30_day_reminder,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__same_day_again__nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__6_days_before_after_30__the_7_day_reminder,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__fresh_store_6_days_before__latest_caught_up_rest_skipped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__on_the_reminder_day__sent_that_day,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__deadline_past_or_today__nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__offset_zero__sent_on_the_day,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__party_without_email__skipped,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__two_notify_parties__two_rows,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__terminated_party__none, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__termination_deadline__reminded_with_party,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminders_sync__no_smtp__nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    reminder_mail__notice_22_days_before__finnish_subject_and_text,
		    setup, teardown),
		cmocka_unit_test(
		    reminder_subject__one_and_zero_days__tomorrow_and_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
