/*
 * test_outbox.c - the durable outbox (SPEC § 6): what a planning pass
 * enqueues (new series, unchanged replan, cancelled instance, move,
 * series gone, terminated party), superseding, the retry policy and the
 * row states in the store.  Delivery over the network is tested end to
 * end by tests/e2e/outbox.sh.
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
#include <unistd.h>

#include <curl/curl.h>

#include "net/deliver.h"
#include "store/outbox.h"
#include "tmpdir.h"

#define NOW		(20494LL * 86400 + 11 * 3600)	/* 2026-02-10 11Z */

static struct cad_party parties[] = {
	{ .id = "hva", .name = "Kainuun hyvinvointialue",
	    .email = "kirjaamo@hva.example" },
	{ .id = "kajaani", .name = "Kajaanin kaupunki",
	    .email = "kirjaamo@kajaani.example" },
	{ .id = "sotkamo", .name = "Sotkamon kunta",
	    .email = "kirjaamo@sotkamo.example" },
};
static int participants[] = { 0, 1, 2 };
static struct cad_forum forums[] = {
	{ .id = "hytetu-foorumi", .name = "Kainuun Hytetu -yhteistyöfoorumi",
	    .legal_basis = "612/2021 6–7 §", .location = "Kajaani",
	    .convenor = 0, .first_convenor = -1, .participants = participants,
	    .nparticipants = 3, .rrule = "FREQ=YEARLY;BYMONTH=10;BYDAY=2TU",
	    .time = 13 * 60, .duration = 180 },
	{ .id = "tyoryhma", .name = "Alueellinen työryhmä", .convenor = 0,
	    .first_convenor = -1, .rrule = "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=3",
	    .time = 9 * 60, .duration = 60 },
};
static struct cad_series series[] = {
	{ .uid = "hytetu-foorumi@kainuu.example", .forum = 0, .party = -1,
	    .group = -1,
	    .convenor = 0 },
	{ .uid = "tyoryhma@kainuu.example", .forum = 1, .party = -1,
	    .group = -1,
	    .convenor = 0 },
};

struct fixture {
	char tmp[64];
	struct cad_store *st;
	struct cad_config cfg;
	struct cad_occurrence occ[9];
	struct cad_plan plan;
	struct cad_plan_ctx ctx;
};

static int
D(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

/*
 * Hytetu: 2nd Tuesday of October 13:00: 13.10.2026 and 12.10.2027 (1.10.
 * is a Thursday / a Friday).  Työryhmä 3.3. 9:00: 3.3.2026 is a Tuesday,
 * 3.3.2027 a Wednesday.
 */
static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct cad_error err = { "" };
	int t = 13 * 60;

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/test_outbox.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	if (cad_store_open(f->tmp, &f->st, &err) != 0)
		return -1;
	f->cfg.timezone = "Europe/Helsinki";
	f->cfg.domain = "kainuu.example";
	f->cfg.base_url = "http://127.0.0.1:8080/";
	f->cfg.organizer_name = "Hyte-koordinaattori";
	f->cfg.organizer_email = "hyte@kainuu.example";
	f->cfg.parties = parties;
	f->cfg.nparties = 3;
	f->cfg.forums = forums;
	f->cfg.nforums = 2;
	f->cfg.invite = CAD_INVITE_CONVENORS;
	/* the loader gives each forum the global invite unless it has its
	   own; the tests set the forums' */
	forums[0].invite = forums[1].invite = CAD_INVITE_CONVENORS;
	f->cfg.caldav = (struct cad_server){ .present = true,
	    .url = "http://127.0.0.1:9/cal/", .user = "", .password_file = "" };
	f->cfg.smtp = (struct cad_server){ .present = true,
	    .url = "smtp://127.0.0.1:9", .user = "", .password_file = "" };
	f->occ[0] = (struct cad_occurrence){ .series = 0,
	    .rid_day = D(2026, 10, 13), .rid_time = t, .day = D(2026, 10, 13),
	    .time = t, .duration = 180 };
	f->occ[1] = (struct cad_occurrence){ .series = 0,
	    .rid_day = D(2027, 10, 12), .rid_time = t, .day = D(2027, 10, 12),
	    .time = t, .duration = 180 };
	f->occ[2] = (struct cad_occurrence){ .series = 1,
	    .rid_day = D(2026, 3, 3), .rid_time = 540, .day = D(2026, 3, 3),
	    .time = 540, .duration = 60 };
	f->occ[3] = (struct cad_occurrence){ .series = 1,
	    .rid_day = D(2027, 3, 3), .rid_time = 540, .day = D(2027, 3, 3),
	    .time = 540, .duration = 60 };
	f->plan.series = series;
	f->plan.nseries = 2;
	f->plan.occ = f->occ;
	f->plan.nocc = 4;
	f->ctx.today = D(2026, 2, 10);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	cad_store_close(f->st);
	tmpdir_remove(f->tmp);
	free(f);
	return 0;
}

static int
plan_sync(struct fixture *f, struct cad_series_state *states, int64_t now)
{
	struct cad_error err = { "" };
	int n = -1, r;

	r = cad_outbox_sync(f->st, &f->cfg, &f->ctx, &f->plan, states, now,
	    &n, &err);
	if (r != 0)
		fail_msg("cad_outbox_sync: %d %s", r, err.msg);
	return n;
}

struct list {
	struct cad_outbox_entry *v;
	size_t n;
};

static struct list
list(struct fixture *f)
{
	struct list l = { NULL, 0 };
	struct cad_error err = { "" };

	assert_int_equal(cad_store_outbox_list(f->st, true, &l.v, &l.n, &err),
	    0);
	return l;
}

/* entries of uid + channel (+ kind, NULL = any) */
static size_t
count(const struct list *l, const char *uid, const char *channel,
    const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].uid, uid) == 0 &&
		    strcmp(cad_channel_name(l->v[i].channel), channel) == 0 &&
		    (kind == NULL ||
		    strcmp(cad_outbox_kind_name(l->v[i].kind), kind) == 0))
			n++;
	return n;
}

static const struct cad_outbox_entry *
find(const struct list *l, const char *uid, const char *channel,
    const char *kind)
{
	for (size_t i = l->n; i-- > 0; )
		if (strcmp(l->v[i].uid, uid) == 0 &&
		    strcmp(cad_channel_name(l->v[i].channel), channel) == 0 &&
		    strcmp(cad_outbox_kind_name(l->v[i].kind), kind) == 0)
			return &l->v[i];
	return NULL;
}

static void
mark_all_sent(struct fixture *f)
{
	struct list l = list(f);
	struct cad_error err = { "" };

	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].state == CAD_STATE_PENDING)
			assert_int_equal(cad_store_outbox_finish(f->st,
			    l.v[i].id, CAD_STATE_SENT, NULL, NOW, NOW, &err), 0);
	cad_outbox_entries_free(l.v, l.n);
}

#define H "hytetu-foorumi@kainuu.example"
#define T "tyoryhma@kainuu.example"

static void
outbox_sync__new_series__one_row_per_channel_and_recipient(void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];
	struct list l;

	/* 2 series x (1 CalDAV object + 1 mail to the convenor hva) */
	assert_int_equal(plan_sync(f, st, NOW), 4);
	l = list(f);
	assert_int_equal(l.n, 4);
	assert_int_equal(count(&l, H, "caldav", "put"), 1);
	assert_int_equal(count(&l, H, "smtp", "invite"), 1);
	assert_int_equal(count(&l, T, "caldav", "put"), 1);
	assert_int_equal(count(&l, T, "smtp", "invite"), 1);
	const struct cad_outbox_entry *e = find(&l, H, "caldav", "put");
	assert_string_equal(e->target,
	    "http://127.0.0.1:9/cal/hytetu-foorumi@kainuu.example.ics");
	assert_int_equal(e->state, CAD_STATE_PENDING);
	assert_int_equal(e->attempts, 0);
	assert_null(e->last_error);
	assert_int_equal(e->sequence, 0);
	assert_non_null(strstr(e->payload, "BEGIN:VCALENDAR\r\n"));
	assert_null(strstr(e->payload, "METHOD:"));
	/* both channels: the CalDAV copy tells servers not to schedule */
	assert_non_null(strstr(e->payload, "SCHEDULE-AGENT=CLIENT"));
	e = find(&l, H, "smtp", "invite");
	assert_string_equal(e->target, "kirjaamo@hva.example");
	assert_string_equal(e->sender, "hyte@kainuu.example");
	assert_non_null(strstr(e->payload, "method=REQUEST"));
	assert_int_equal(st[0].sequence, 0);
	cad_outbox_entries_free(l.v, l.n);
}

static void
outbox_sync__unchanged_replan__nothing_enqueued(void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];

	assert_int_equal(plan_sync(f, st, NOW), 4);
	/* a restart an hour later with the same plan */
	assert_int_equal(plan_sync(f, st, NOW + 3600), 0);
	mark_all_sent(f);
	assert_int_equal(plan_sync(f, st, NOW + 7200), 0);
	assert_int_equal(st[0].sequence, 0);
}

/*
 * The publish window moving on (issue 19 item 2).  Standing on 10.2.2026
 * with horizon_days 0 the publish window ends 31.12.2026 and the
 * invitations' 31.12.2030 (ical.h), so the plan reaches 2030 with its
 * exceptions: Hytetu 10.10.2028 (1.10. a Sunday), none in 2029 (say, a
 * blackout: 9.10.2029 excluded), 8.10.2030 (1.10. a Tuesday); työryhmä
 * 3.3.2028 a Friday (2028 is a leap year: + 366 days from a Wednesday),
 * 3.3.2029 a Saturday moved to Monday 5.3., 3.3.2030 a Sunday moved to
 * Monday 4.3.  They are sent with the first invitation; standing on
 * 1.1.2028 and 1.1.2029 (the publish window's end reaching 2028 and
 * 2029) nothing anyone sees has changed, so nothing is sent and SEQUENCE
 * stays; the rule has no COUNT that the window would have moved.
 */
static void
outbox_sync__window_moves_on__nothing_enqueued(void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];
	struct list l;

	f->occ[4] = f->occ[5] = f->occ[1];
	f->occ[4].rid_day = f->occ[4].day = D(2028, 10, 10);
	f->occ[5].rid_day = f->occ[5].day = D(2030, 10, 8);
	f->occ[6] = f->occ[7] = f->occ[8] = f->occ[3];
	f->occ[6].rid_day = f->occ[6].day = D(2028, 3, 3);
	f->occ[7].rid_day = D(2029, 3, 3);
	f->occ[7].day = D(2029, 3, 5);
	f->occ[7].moved = CAD_MOVED_HOLIDAY;
	f->occ[8].rid_day = D(2030, 3, 3);
	f->occ[8].day = D(2030, 3, 4);
	f->occ[8].moved = CAD_MOVED_HOLIDAY;
	f->plan.nocc = 9;
	assert_int_equal(plan_sync(f, st, NOW), 4);
	l = list(f);
	const struct cad_outbox_entry *e = find(&l, H, "caldav", "put");
	assert_non_null(strstr(e->payload, "\r\nRRULE:FREQ=YEARLY;"));
	assert_null(strstr(e->payload, "COUNT="));
	assert_non_null(strstr(e->payload,
	    "\r\nEXDATE;TZID=Europe/Helsinki:20291009T130000\r\n"));
	e = find(&l, T, "caldav", "put");
	assert_non_null(strstr(e->payload,
	    "\r\nRECURRENCE-ID;TZID=Europe/Helsinki:20290303T090000\r\n"));
	assert_non_null(strstr(e->payload,
	    "\r\nDTSTART;TZID=Europe/Helsinki:20290305T090000\r\n"));
	assert_non_null(strstr(e->payload,
	    "\r\nDTSTART;TZID=Europe/Helsinki:20300304T090000\r\n"));
	cad_outbox_entries_free(l.v, l.n);
	mark_all_sent(f);

	f->ctx.today = D(2028, 1, 1);
	assert_int_equal(plan_sync(f, st, NOW + 86400 * 690), 0);
	f->ctx.today = D(2029, 1, 1);
	assert_int_equal(plan_sync(f, st, NOW + 86400 * 1056), 0);
	assert_int_equal(st[0].sequence, 0);
	assert_int_equal(st[1].sequence, 0);
}

static void
outbox_sync__invite_participants__every_party_once(void **state)
{
	struct fixture *f = *state;
	struct list l;

	forums[0].invite = forums[1].invite = CAD_INVITE_PARTICIPANTS;
	/* Hytetu: hva (convenor, also a participant: once), kajaani,
	   sotkamo; työryhmä has no participants: hva only */
	assert_int_equal(plan_sync(f, NULL, NOW), 2 + 3 + 1);
	l = list(f);
	assert_int_equal(count(&l, H, "smtp", "invite"), 3);
	const struct cad_outbox_entry *e = find(&l, H, "caldav", "put");
	assert_non_null(strstr(e->payload, "ROLE=CHAIR"));
	assert_non_null(strstr(e->payload, "ROLE=REQ-PARTICIPANT"));
	cad_outbox_entries_free(l.v, l.n);
}

static void
outbox_sync__terminated_party__no_invitation_then_cancel(void **state)
{
	struct fixture *f = *state;
	struct cad_termination term = { .party = "sotkamo",
		.noticed = D(2025, 2, 1), .effective = D(2026, 2, 1) };
	struct list l;

	forums[0].invite = forums[1].invite = CAD_INVITE_PARTICIPANTS;
	assert_int_equal(plan_sync(f, NULL, NOW), 6);
	mark_all_sent(f);
	/* sotkamo's notice took effect on 1.2.2026, before today 10.2. */
	f->ctx.terminations = &term;
	f->ctx.nterminations = 1;
	plan_sync(f, NULL, NOW + 60);
	l = list(f);
	const struct cad_outbox_entry *e = find(&l, H, "smtp", "cancel");
	assert_non_null(e);
	assert_string_equal(e->target, "kirjaamo@sotkamo.example");
	assert_null(e->rid);
	assert_non_null(strstr(e->payload, "method=CANCEL"));
	/* nobody else hears of it; nothing more next time */
	assert_int_equal(count(&l, H, "smtp", NULL), 3 + 1);
	cad_outbox_entries_free(l.v, l.n);
	assert_int_equal(plan_sync(f, NULL, NOW + 120), 0);
}

static void
outbox_sync__instance_cancelled__cancel_kept_caldav_superseded(
    void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];
	struct list l;

	assert_int_equal(plan_sync(f, st, NOW), 4);
	/* nothing sent yet; then 12.10.2027 is cancelled */
	f->occ[1].status = CAD_CANCELLED;
	f->occ[1].reason = "Testi";
	plan_sync(f, st, NOW + 60);
	assert_int_equal(st[0].sequence, 1);
	l = list(f);
	/* the newer CalDAV object replaced the unsent one */
	assert_int_equal(count(&l, H, "caldav", NULL), 1);
	assert_int_equal(find(&l, H, "caldav", "put")->sequence, 1);
	/* the unsent invitation stays, the CANCEL comes after it, and no
	   REQUEST: the cancellation is the only change */
	assert_int_equal(count(&l, H, "smtp", "invite"), 1);
	assert_int_equal(count(&l, H, "smtp", "update"), 0);
	const struct cad_outbox_entry *c = find(&l, H, "smtp", "cancel");
	assert_non_null(c);
	assert_string_equal(c->rid, "2027-10-12T13:00");
	assert_int_equal(c->sequence, 1);
	assert_true(c->id > find(&l, H, "smtp", "invite")->id);
	/* the other series did not change */
	assert_int_equal(count(&l, T, "caldav", NULL), 1);
	assert_int_equal(count(&l, T, "smtp", NULL), 1);
	cad_outbox_entries_free(l.v, l.n);
	assert_int_equal(plan_sync(f, st, NOW + 120), 0);
}

static void
outbox_sync__cancel_and_move_together__cancel_then_update(void **state)
{
	struct fixture *f = *state;
	struct list l;

	assert_int_equal(plan_sync(f, NULL, NOW), 4);
	mark_all_sent(f);
	/* in one pass 12.10.2027 is cancelled and 13.10.2026 moves to
	   Wednesday 14.10.2026: the move is a change beyond the
	   cancellation, so the convenor gets the CANCEL and a REQUEST;
	   CalDAV one new object: 3 rows */
	f->occ[1].status = CAD_CANCELLED;
	f->occ[1].reason = "Testi";
	f->occ[0].day = D(2026, 10, 14);
	f->occ[0].moved = CAD_MOVED_PERSON;
	struct cad_series_state st[2];
	assert_int_equal(plan_sync(f, st, NOW + 60), 3);
	l = list(f);
	const struct cad_outbox_entry *c = find(&l, H, "smtp", "cancel");
	const struct cad_outbox_entry *u = find(&l, H, "smtp", "update");
	const struct cad_outbox_entry *put = find(&l, H, "caldav", "put");
	assert_non_null(c);
	assert_non_null(u);
	assert_string_equal(c->rid, "2027-10-12T13:00");
	assert_true(c->id < u->id);
	assert_int_equal(put->state, CAD_STATE_PENDING);
	/* SEQUENCE per change, not per batch (SPEC 10.6): the invitation
	   was 0, the CANCEL 1, the REQUEST 2, and the object and the feeds
	   (the series state) 2 as well */
	assert_int_equal(c->sequence, 1);
	assert_int_equal(u->sequence, 2);
	assert_int_equal(put->sequence, 2);
	assert_int_equal(st[0].sequence, 2);
	assert_non_null(strstr(put->payload, "SEQUENCE:2\r\n"));
	cad_outbox_entries_free(l.v, l.n);
	/* nothing more to say, the SEQUENCE stays */
	assert_int_equal(plan_sync(f, st, NOW + 120), 0);
	assert_int_equal(st[0].sequence, 2);
}

static void
outbox_sync__moved_twice_before_sending__one_request_kept_as_invite(
    void **state)
{
	struct fixture *f = *state;
	struct list l;

	assert_int_equal(plan_sync(f, NULL, NOW), 4);
	f->occ[2].day = D(2026, 3, 4);
	f->occ[2].moved = CAD_MOVED_PERSON;
	assert_int_equal(plan_sync(f, NULL, NOW + 60), 2);
	f->occ[2].day = D(2026, 3, 5);
	assert_int_equal(plan_sync(f, NULL, NOW + 120), 2);
	l = list(f);
	/* one object and one REQUEST left, still "Kutsu" (never sent) */
	assert_int_equal(count(&l, T, "caldav", NULL), 1);
	assert_int_equal(count(&l, T, "smtp", NULL), 1);
	assert_int_equal(count(&l, T, "smtp", "invite"), 1);
	cad_outbox_entries_free(l.v, l.n);

	/* once sent, the next move is an update */
	mark_all_sent(f);
	f->occ[2].day = D(2026, 3, 6);
	assert_int_equal(plan_sync(f, NULL, NOW + 180), 2);
	l = list(f);
	assert_int_equal(count(&l, T, "smtp", "update"), 1);
	assert_int_equal(find(&l, T, "smtp", "update")->state,
	    CAD_STATE_PENDING);
	cad_outbox_entries_free(l.v, l.n);
}

static void
outbox_sync__series_gone__delete_and_cancel_with_higher_sequence(
    void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];
	struct list l;

	assert_int_equal(plan_sync(f, st, NOW), 4);
	mark_all_sent(f);
	/* the työryhmä leaves the config */
	f->plan.nseries = 1;
	f->plan.nocc = 2;
	assert_int_equal(plan_sync(f, st, NOW + 60), 2);
	l = list(f);
	const struct cad_outbox_entry *d = find(&l, T, "caldav", "delete");
	const struct cad_outbox_entry *c = find(&l, T, "smtp", "cancel");
	assert_non_null(d);
	assert_non_null(c);
	assert_null(c->rid);
	assert_int_equal(c->sequence, 1);	/* 0 when it was sent */
	assert_non_null(strstr(c->payload, "method=CANCEL"));
	cad_outbox_entries_free(l.v, l.n);
	assert_int_equal(plan_sync(f, st, NOW + 120), 0);
}

static void
outbox_sync__no_channels__only_series_state(void **state)
{
	struct fixture *f = *state;
	struct cad_series_state st[2];

	f->cfg.caldav.present = false;
	f->cfg.smtp.present = false;
	assert_int_equal(plan_sync(f, st, NOW), 0);
	assert_int_equal(st[1].sequence, 0);
	assert_int_equal(st[1].created, NOW);
}

static void
outbox_backoff__fixed_seed__within_equal_jitter_bounds_and_capped(
    void **state)
{
	uint64_t rng = 12345;
	int64_t lo_seen = INT64_MAX, hi_seen = 0;

	(void)state;
	for (int a = 1; a <= 30; a++) {
		/* 30 s doubled per failed attempt, at most one hour */
		int64_t d = 30;
		for (int i = 1; i < a && d < 3600; i++)
			d *= 2;
		if (d > 3600)
			d = 3600;
		for (int k = 0; k < 50; k++) {
			int64_t b = cad_outbox_backoff(a, &rng);
			assert_true(b >= d / 2);
			assert_true(b <= d);
			if (a == 1) {
				assert_true(b >= 15 && b <= 30);
				if (b < lo_seen)
					lo_seen = b;
				if (b > hi_seen)
					hi_seen = b;
			}
			if (a >= 8)	/* 30 * 2^7 = 3840 > 3600 */
				assert_true(b >= 1800 && b <= 3600);
		}
	}
	/* it is jittered, not a constant */
	assert_true(lo_seen < hi_seen);
	/* the same seed gives the same schedule */
	uint64_t r1 = 7, r2 = 7;
	for (int a = 1; a < 10; a++)
		assert_int_equal(cad_outbox_backoff(a, &r1),
		    cad_outbox_backoff(a, &r2));
}

static void
outbox_classify__replies__retry_or_fail_as_documented(void **state)
{
	(void)state;
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 201),
	    CAD_OUTBOX_DONE);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 204),
	    CAD_OUTBOX_DONE);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 503),
	    CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 429),
	    CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 412),
	    CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 404),
	    CAD_OUTBOX_FAIL);
	assert_int_equal(cad_outbox_classify(false, CURLE_OK, 401),
	    CAD_OUTBOX_FAIL);
	assert_int_equal(cad_outbox_classify(false, CURLE_COULDNT_CONNECT, 0),
	    CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(false, CURLE_OPERATION_TIMEDOUT,
	    0), CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(true, CURLE_OK, 250),
	    CAD_OUTBOX_DONE);
	assert_int_equal(cad_outbox_classify(true, CURLE_SEND_ERROR, 451),
	    CAD_OUTBOX_RETRY);
	assert_int_equal(cad_outbox_classify(true, CURLE_SEND_ERROR, 550),
	    CAD_OUTBOX_FAIL);
	assert_int_equal(cad_outbox_classify(true, CURLE_LOGIN_DENIED, 535),
	    CAD_OUTBOX_FAIL);
	assert_int_equal(cad_outbox_classify(true, CURLE_COULDNT_CONNECT, 0),
	    CAD_OUTBOX_RETRY);
}

static void
store_outbox__attempts__pending_backoff_retry_sent_failed(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_outbox_entry *v;
	size_t n;
	int64_t next;
	int k;

	assert_int_equal(plan_sync(f, NULL, NOW), 4);
	/* the oldest row of each uid + channel + target is due */
	assert_int_equal(cad_store_outbox_due(f->st, NOW, 10, &v, &n, &err),
	    0);
	assert_int_equal(n, 4);
	int64_t id = v[0].id;
	cad_outbox_entries_free(v, n);

	/* a failed attempt: pending, one attempt, backed off */
	assert_int_equal(cad_store_outbox_finish(f->st, id, CAD_STATE_PENDING,
	    "HTTP 503 from x", NOW + 60, NOW, &err), 0);
	assert_int_equal(cad_store_outbox_due(f->st, NOW, 10, &v, &n, &err),
	    0);
	assert_int_equal(n, 3);
	cad_outbox_entries_free(v, n);
	struct list l = list(f);
	assert_int_equal(l.v[0].attempts, 1);
	assert_string_equal(l.v[0].last_error, "HTTP 503 from x");
	assert_int_equal(l.v[0].state, CAD_STATE_PENDING);
	cad_outbox_entries_free(l.v, l.n);
	assert_int_equal(cad_store_outbox_next_due(f->st, &next, &err), 0);
	assert_int_equal(next, NOW);	/* the three others */

	/* --retry makes it due now */
	assert_int_equal(cad_store_outbox_retry(f->st, NOW, &k, &err), 0);
	assert_int_equal(k, 1);
	assert_int_equal(cad_store_outbox_due(f->st, NOW, 10, &v, &n, &err),
	    0);
	assert_int_equal(n, 4);
	cad_outbox_entries_free(v, n);

	/* permanent failure, then retried and sent */
	assert_int_equal(cad_store_outbox_finish(f->st, id, CAD_STATE_FAILED,
	    "HTTP 403 from x", NOW, NOW, &err), 0);
	assert_int_equal(cad_store_outbox_retry(f->st, NOW, &k, &err), 0);
	assert_int_equal(k, 1);
	assert_int_equal(cad_store_outbox_finish(f->st, id, CAD_STATE_SENT, NULL, NOW,
	    NOW + 5, &err), 0);
	l = list(f);
	assert_int_equal(l.v[0].state, CAD_STATE_SENT);
	assert_int_equal(l.v[0].attempts, 3);
	assert_null(l.v[0].last_error);
	assert_int_equal(l.v[0].done, NOW + 5);
	cad_outbox_entries_free(l.v, l.n);
	/* an entry superseded meanwhile */
	assert_int_equal(cad_store_outbox_finish(f->st, 9999, CAD_STATE_SENT, NULL,
	    NOW, NOW, &err), -ENOENT);
}

static void
store_outbox_due__second_row_same_recipient__waits_for_first(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_outbox_entry *v;
	size_t n;

	assert_int_equal(plan_sync(f, NULL, NOW), 4);
	mark_all_sent(f);
	/* a cancelled instance (only a CANCEL), then a move (a REQUEST
	   after it), both for the same recipient */
	f->occ[3].status = CAD_CANCELLED;
	plan_sync(f, NULL, NOW + 10);
	f->occ[2].day = D(2026, 3, 5);
	f->occ[2].moved = CAD_MOVED_PERSON;
	plan_sync(f, NULL, NOW + 20);
	assert_int_equal(cad_store_outbox_due(f->st, NOW + 30, 10, &v, &n,
	    &err), 0);
	/* due: the CalDAV put and the CANCEL; the REQUEST waits for it */
	size_t smtp = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].channel == CAD_CHANNEL_SMTP) {
			smtp++;
			assert_int_equal(v[i].kind, CAD_KIND_CANCEL);
		}
	assert_int_equal(smtp, 1);
	cad_outbox_entries_free(v, n);
}

static void
outbox_worker_new__group_readable_password__refused(void **state)
{
	struct fixture *f = *state;
	struct cad_outbox_worker *w = NULL;
	struct cad_error err = { "" };
	char path[128];
	FILE *fp;

	snprintf(path, sizeof path, "%s/pass", f->tmp);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("secret\n", fp);
	fclose(fp);
	assert_int_equal(chmod(path, 0640), 0);
	f->cfg.caldav.user = "hyte";
	f->cfg.caldav.password_file = path;
	assert_int_equal(cad_outbox_worker_new(f->st, &f->cfg, &w, &err),
	    -EPERM);
	assert_null(w);
	assert_non_null(strstr(err.msg, path));
	assert_null(strstr(err.msg, "secret"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(cad_outbox_worker_new(f->st, &f->cfg, &w, &err), 0);
	cad_outbox_worker_free(w);
}

/* a FIFO as the password file: refused at once, not waited on (a read
   of a FIFO without a writer would block the daemon forever) */
static void
outbox_worker_new__fifo_or_symlink_password__refused(void **state)
{
	struct fixture *f = *state;
	struct cad_outbox_worker *w = NULL;
	struct cad_error err = { "" };
	char fifo[128], real[128], link[128];
	FILE *fp;

	snprintf(fifo, sizeof fifo, "%s/fifo", f->tmp);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	f->cfg.caldav.user = "hyte";
	f->cfg.caldav.password_file = fifo;
	assert_int_equal(cad_outbox_worker_new(f->st, &f->cfg, &w, &err),
	    -EINVAL);
	assert_null(w);
	assert_non_null(strstr(err.msg, "not a regular file"));

	/* a symbolic link to a good file is not followed */
	snprintf(real, sizeof real, "%s/real", f->tmp);
	snprintf(link, sizeof link, "%s/link", f->tmp);
	assert_non_null(fp = fopen(real, "w"));
	fputs("secret\n", fp);
	fclose(fp);
	assert_int_equal(chmod(real, 0600), 0);
	assert_int_equal(symlink(real, link), 0);
	f->cfg.caldav.password_file = link;
	assert_int_equal(cad_outbox_worker_new(f->st, &f->cfg, &w, &err),
	    -ELOOP);
	assert_null(w);
	assert_non_null(strstr(err.msg, "symbolic link"));
	f->cfg.caldav.password_file = real;
	assert_int_equal(cad_outbox_worker_new(f->st, &f->cfg, &w, &err), 0);
	cad_outbox_worker_free(w);
}

int
main(void)
{
#define T_(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T_(outbox_sync__new_series__one_row_per_channel_and_recipient),
		T_(outbox_sync__unchanged_replan__nothing_enqueued),
		T_(outbox_sync__window_moves_on__nothing_enqueued),
		T_(outbox_sync__invite_participants__every_party_once),
		T_(outbox_sync__terminated_party__no_invitation_then_cancel),
		T_(outbox_sync__instance_cancelled__cancel_kept_caldav_superseded),
		T_(outbox_sync__cancel_and_move_together__cancel_then_update),
		T_(outbox_sync__moved_twice_before_sending__one_request_kept_as_invite),
		T_(outbox_sync__series_gone__delete_and_cancel_with_higher_sequence),
		T_(outbox_sync__no_channels__only_series_state),
		T_(outbox_backoff__fixed_seed__within_equal_jitter_bounds_and_capped),
		T_(outbox_classify__replies__retry_or_fail_as_documented),
		T_(store_outbox__attempts__pending_backoff_retry_sent_failed),
		T_(store_outbox_due__second_row_same_recipient__waits_for_first),
		T_(outbox_worker_new__group_readable_password__refused),
		T_(outbox_worker_new__fifo_or_symlink_password__refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
