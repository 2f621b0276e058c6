/* test_store.c - the sqlite state: schema, WAL, round trips, two handles */
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

#include <sqlite3.h>

#include "store/store.h"
#include "tmpdir.h"

/* each test gets its own fresh directory; state_dir lies below it */
struct fixture {
	char tmp[64];
	char state[128];
	char db[160];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (f == NULL)
		return -1;
	strcpy(f->tmp, "/tmp/test_store.XXXXXX");
	if (mkdtemp(f->tmp) == NULL) {
		free(f);
		return -1;
	}
	/* two missing levels: open must create the parents too */
	snprintf(f->state, sizeof f->state, "%s/var/lib", f->tmp);
	snprintf(f->db, sizeof f->db, "%s/cadenced.db", f->state);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	tmpdir_remove(f->tmp);
	free(f);
	return 0;
}

static struct cad_store *
open_ok(const struct fixture *f)
{
	struct cad_store *st = NULL;
	struct cad_error err = { "" };
	int r = cad_store_open(f->state, &st, &err);

	if (r != 0)
		fail_msg("cad_store_open: %d %s", r, err.msg);
	assert_non_null(st);
	return st;
}

static int
day(int y, int m, int d)
{
	return cad_days_from_civil(y, m, d);
}

static void
store_open__missing_state_dir__creates_dir_and_db(void **state)
{
	struct fixture *f = *state;
	struct stat sb;

	umask(022);
	assert_int_not_equal(stat(f->state, &sb), 0);
	struct cad_store *st = open_ok(f);

	/* the admin sees a private directory: rwxr-x--- */
	assert_int_equal(stat(f->state, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0750);
	assert_int_equal(stat(f->db, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	cad_store_close(st);
}

static void
store_open__fresh_db__user_version_is_schema_and_wal(void **state)
{
	struct fixture *f = *state;
	struct cad_store *st = open_ok(f);
	sqlite3 *db;
	sqlite3_stmt *stmt;

	/* four migrations exist today: 1 overrides, terminations, series;
	   2 the outbox (core/store/outbox.h); 3 reminders (core/store/reminder.h);
	   4 tasks done, extra meetings, reminders keyed by task */
	assert_int_equal(cad_store_version(st), 5);

	/* an independent connection sees the same: the settings are on disk */
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 5);
	sqlite3_finalize(stmt);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0),
	    "wal");
	sqlite3_finalize(stmt);
	/* the three tables of migration 1 */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "sqlite_master WHERE type = 'table' AND name IN "
	    "('overrides', 'terminations', 'series')", -1, &stmt, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 3);
	sqlite3_finalize(stmt);
	/* and the two of migration 4 */
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM "
	    "sqlite_master WHERE type = 'table' AND name IN "
	    "('tasks_done', 'additions')", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 2);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	cad_store_close(st);

	/* reopening an up-to-date database keeps the version */
	st = open_ok(f);
	assert_int_equal(cad_store_version(st), 5);
	cad_store_close(st);
}

static void
store_overrides__put_twice_same_rid__replaced_and_survives_reopen(
    void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_override *v;
	size_t n;

	/* cancel the 10.2.2026 13:00 meeting, and one 3.3. 09:30 elsewhere */
	struct cad_override c = {
		.uid = "hytetu-tyoryhma@kainuu.example",
		.rid_day = day(2026, 2, 10), .rid_time = 13 * 60,
		.kind = CAD_OVERRIDE_CANCEL, .reason = "Hiihtoloma",
	};
	struct cad_override other = {
		.uid = "kuntaneuvottelu.kajaani@kainuu.example",
		.rid_day = day(2026, 3, 3), .rid_time = 9 * 60 + 30,
		.kind = CAD_OVERRIDE_CANCEL, .reason = NULL,
	};
	assert_int_equal(cad_store_put_override(st, &c, &err), 0);
	assert_int_equal(cad_store_put_override(st, &other, &err), 0);

	/* the coordinator changes her mind: move it to 12.2. 14:15 instead */
	struct cad_override m = {
		.uid = "hytetu-tyoryhma@kainuu.example",
		.rid_day = day(2026, 2, 10), .rid_time = 13 * 60,
		.kind = CAD_OVERRIDE_MOVE,
		.new_day = day(2026, 2, 12), .new_time = 14 * 60 + 15,
		.reason = NULL,
	};
	assert_int_equal(cad_store_put_override(st, &m, &err), 0);
	cad_store_close(st);

	st = open_ok(f);
	assert_int_equal(cad_store_overrides(st, &v, &n, &err), 0);
	assert_int_equal(n, 2);		/* replaced, not added */
	/* ordered by uid: "hytetu..." < "kuntaneuvottelu..." */
	assert_string_equal(v[0].uid, "hytetu-tyoryhma@kainuu.example");
	assert_int_equal(v[0].rid_day, day(2026, 2, 10));
	assert_int_equal(v[0].rid_time, 780);
	assert_int_equal(v[0].kind, CAD_OVERRIDE_MOVE);
	assert_int_equal(v[0].new_day, day(2026, 2, 12));
	assert_int_equal(v[0].new_time, 855);	/* 14*60 + 15 */
	assert_null(v[0].reason);
	assert_string_equal(v[1].uid,
	    "kuntaneuvottelu.kajaani@kainuu.example");
	assert_int_equal(v[1].rid_day, day(2026, 3, 3));
	assert_int_equal(v[1].rid_time, 570);	/* 9*60 + 30 */
	assert_int_equal(v[1].kind, CAD_OVERRIDE_CANCEL);
	assert_null(v[1].reason);
	cad_overrides_free(v, n);
	cad_store_close(st);
}

static void
store_overrides__stored_text__is_iso_date_and_time(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	sqlite3 *db;
	sqlite3_stmt *stmt;

	struct cad_override m = {
		.uid = "x@d", .rid_day = day(2026, 2, 10), .rid_time = 13 * 60,
		.kind = CAD_OVERRIDE_MOVE,
		.new_day = day(2026, 2, 12), .new_time = 9 * 60 + 5,
		.reason = "Sali varattu",
	};
	assert_int_equal(cad_store_put_override(st, &m, &err), 0);

	/* someone reading the db with sqlite3(1) sees readable values */
	assert_int_equal(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rid, kind, new_day, "
	    "new_time, reason FROM overrides", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(stmt, 0), "2026-02-10T13:00");
	assert_string_equal(sqlite3_column_text(stmt, 1), "move");
	assert_string_equal(sqlite3_column_text(stmt, 2), "2026-02-12");
	assert_string_equal(sqlite3_column_text(stmt, 3), "09:05");
	assert_string_equal(sqlite3_column_text(stmt, 4), "Sali varattu");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	cad_store_close(st);
}

static void
store_delete_override__missing_and_present__enoent_then_gone(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_override *v;
	size_t n;

	assert_int_equal(cad_store_delete_override(st, "x@d",
	    day(2026, 2, 10), 780, &err), -ENOENT);

	struct cad_override c = {
		.uid = "x@d", .rid_day = day(2026, 2, 10), .rid_time = 780,
		.kind = CAD_OVERRIDE_CANCEL,
	};
	assert_int_equal(cad_store_put_override(st, &c, &err), 0);
	/* same day, other time: not that override */
	assert_int_equal(cad_store_delete_override(st, "x@d",
	    day(2026, 2, 10), 781, &err), -ENOENT);
	assert_int_equal(cad_store_delete_override(st, "x@d",
	    day(2026, 2, 10), 780, &err), 0);
	assert_int_equal(cad_store_overrides(st, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	cad_overrides_free(v, n);
	assert_int_equal(cad_store_delete_override(st, "x@d",
	    day(2026, 2, 10), 780, &err), -ENOENT);
	cad_store_close(st);
}

static void
store_terminations__put_list_withdraw__round_trip(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_termination *v;
	size_t n;

	/* notice 15.3.2026 + 12 months = effective 15.3.2027 */
	struct cad_termination t1 = {
		.party = "sotkamo", .noticed = day(2026, 3, 15),
		.effective = day(2027, 3, 15),
	};
	struct cad_termination t2 = {
		.party = "kajaani", .noticed = day(2026, 1, 31),
		.effective = day(2027, 1, 31),
	};
	assert_int_equal(cad_store_put_termination(st, &t1, &err), 0);
	assert_int_equal(cad_store_put_termination(st, &t2, &err), 0);
	/* a corrected notice for sotkamo replaces the first */
	t1.noticed = day(2026, 3, 16);
	t1.effective = day(2027, 3, 16);
	assert_int_equal(cad_store_put_termination(st, &t1, &err), 0);
	cad_store_close(st);

	st = open_ok(f);
	assert_int_equal(cad_store_terminations(st, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].party, "kajaani");
	assert_int_equal(v[0].noticed, day(2026, 1, 31));
	assert_int_equal(v[0].effective, day(2027, 1, 31));
	assert_string_equal(v[1].party, "sotkamo");
	assert_int_equal(v[1].noticed, day(2026, 3, 16));
	assert_int_equal(v[1].effective, day(2027, 3, 16));
	cad_terminations_free(v, n);

	assert_int_equal(cad_store_withdraw_termination(st, "kajaani", &err),
	    0);
	assert_int_equal(cad_store_withdraw_termination(st, "kajaani", &err),
	    -ENOENT);
	assert_int_equal(cad_store_withdraw_termination(st, "hva", &err),
	    -ENOENT);
	assert_int_equal(cad_store_terminations(st, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].party, "sotkamo");
	cad_terminations_free(v, n);
	cad_store_close(st);
}

static void
store_series_sync__hash_changes__sequence_and_last_modified_follow(
    void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_series_state s;
	const char *uid = "hytetu-foorumi@kainuu.example";

	/* first sight: SEQUENCE 0, created = last modified = now */
	assert_int_equal(cad_store_series_sync(st, uid, "aaa", 1000, &s,
	    &err), 0);
	assert_int_equal(s.sequence, 0);
	assert_int_equal(s.created, 1000);
	assert_int_equal(s.last_modified, 1000);

	/* same content later: calendars must not see a change */
	assert_int_equal(cad_store_series_sync(st, uid, "aaa", 2000, &s,
	    &err), 0);
	assert_int_equal(s.sequence, 0);
	assert_int_equal(s.created, 1000);
	assert_int_equal(s.last_modified, 1000);

	/* changed content: SEQUENCE 1, LAST-MODIFIED the time of the change */
	assert_int_equal(cad_store_series_sync(st, uid, "bbb", 3000, &s,
	    &err), 0);
	assert_int_equal(s.sequence, 1);
	assert_int_equal(s.created, 1000);
	assert_int_equal(s.last_modified, 3000);

	/* another series is independent */
	assert_int_equal(cad_store_series_sync(st, "other@kainuu.example",
	    "bbb", 3500, &s, &err), 0);
	assert_int_equal(s.sequence, 0);
	assert_int_equal(s.last_modified, 3500);
	cad_store_close(st);

	/* a restarted daemon continues where it was */
	st = open_ok(f);
	assert_int_equal(cad_store_series_sync(st, uid, "bbb", 4000, &s,
	    &err), 0);
	assert_int_equal(s.sequence, 1);
	assert_int_equal(s.last_modified, 3000);
	assert_int_equal(cad_store_series_sync(st, uid, "ccc", 5000, &s,
	    &err), 0);
	assert_int_equal(s.sequence, 2);
	assert_int_equal(s.created, 1000);
	assert_int_equal(s.last_modified, 5000);
	cad_store_close(st);
}

static void
store_changed__write_through_other_handle__version_differs(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *daemon = open_ok(f);
	struct cad_store *ctl = open_ok(f);
	int64_t v0, v1, v2, v3;

	assert_int_equal(cad_store_changed(daemon, &v0), 0);
	/* nothing happened: polling again must not report a change */
	assert_int_equal(cad_store_changed(daemon, &v1), 0);
	assert_true(v0 == v1);

	/* cadencectl cancel ... */
	struct cad_override c = {
		.uid = "x@d", .rid_day = day(2026, 2, 10), .rid_time = 780,
		.kind = CAD_OVERRIDE_CANCEL,
	};
	assert_int_equal(cad_store_put_override(ctl, &c, &err), 0);
	assert_int_equal(cad_store_changed(daemon, &v2), 0);
	assert_true(v2 != v1);
	/* ... and the daemon sees the override itself, too */
	struct cad_override *v;
	size_t n;
	assert_int_equal(cad_store_overrides(daemon, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	cad_overrides_free(v, n);

	/* cadencectl terminate ... */
	struct cad_termination t = {
		.party = "kajaani", .noticed = day(2026, 1, 31),
		.effective = day(2027, 1, 31),
	};
	assert_int_equal(cad_store_put_termination(ctl, &t, &err), 0);
	assert_int_equal(cad_store_changed(daemon, &v3), 0);
	assert_true(v3 != v2);

	/* the daemon's own write also counts on its own handle */
	int64_t own0, own1;
	assert_int_equal(cad_store_changed(daemon, &own0), 0);
	assert_int_equal(cad_store_delete_override(daemon, "x@d",
	    day(2026, 2, 10), 780, &err), 0);
	assert_int_equal(cad_store_changed(daemon, &own1), 0);
	assert_true(own1 != own0);

	cad_store_close(ctl);
	cad_store_close(daemon);
}

static void
store_commit__transaction_without_writes__version_unchanged(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	int64_t v0, v1, v2;
	bool invite = true;
	const unsigned kinds = CAD_KIND_BIT(CAD_KIND_INVITE) |
	    CAD_KIND_BIT(CAD_KIND_UPDATE);

	assert_int_equal(cad_store_changed(st, &v0), 0);
	/* a planning pass that finds nothing to do: BEGIN, a supersede
	   that removes nothing, COMMIT */
	assert_int_equal(cad_store_begin(st, &err), 0);
	assert_int_equal(cad_store_outbox_supersede(st, "x@d",
	    CAD_CHANNEL_SMTP, "a@example.org", kinds, &invite, &err), 0);
	assert_false(invite);
	assert_int_equal(cad_store_commit(st, &err), 0);
	assert_int_equal(cad_store_changed(st, &v1), 0);
	assert_true(v1 == v0);

	/* a transaction that writes does count */
	struct cad_outbox_row e = {
		.channel = CAD_CHANNEL_SMTP, .target = "a@example.org",
		.uid = "x@d", .kind = CAD_KIND_INVITE, .created = 1, .due = 1,
	};
	assert_int_equal(cad_store_begin(st, &err), 0);
	assert_int_equal(cad_store_outbox_add(st, &e, NULL, &err), 0);
	assert_int_equal(cad_store_commit(st, &err), 0);
	assert_int_equal(cad_store_changed(st, &v2), 0);
	assert_true(v2 != v1);
	cad_store_close(st);
}

static void
store_outbox_counts__one_of_each_state__counted_by_state(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_outbox_counts c;
	int64_t id[4];

	assert_int_equal(cad_store_outbox_counts(st, &c, &err), 0);
	assert_true(c.pending == 0 && c.sent == 0 && c.failed == 0);
	for (int i = 0; i < 4; i++) {
		struct cad_outbox_row e = {
			.channel = CAD_CHANNEL_SMTP, .target = "a@example.org",
			.uid = "x@d", .kind = CAD_KIND_CANCEL, .created = i,
			.due = i,
		};
		assert_int_equal(cad_store_outbox_add(st, &e, &id[i], &err),
		    0);
	}
	/* four rows: one sent, one failed, one retried (still pending),
	   one untouched: 2 pending, 1 sent, 1 failed */
	assert_int_equal(cad_store_outbox_finish(st, id[0], CAD_STATE_SENT,
	    NULL, 0, 10, &err), 0);
	assert_int_equal(cad_store_outbox_finish(st, id[1], CAD_STATE_FAILED,
	    "550", 0, 10, &err), 0);
	assert_int_equal(cad_store_outbox_finish(st, id[2], CAD_STATE_PENDING,
	    "421", 40, 10, &err), 0);
	assert_int_equal(cad_store_outbox_counts(st, &c, &err), 0);
	assert_int_equal(c.pending, 2);
	assert_int_equal(c.sent, 1);
	assert_int_equal(c.failed, 1);
	cad_store_close(st);
}

/* the typed state is text in the database (what an operator reads with
   sqlite3), and the database refuses text the program does not know */
static void
store_outbox__typed_state__text_in_db_unknown_text_refused(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = open_ok(f);
	struct cad_outbox_entry *v = NULL;
	size_t n = 0;
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t id;
	struct cad_outbox_row e = {
		.channel = CAD_CHANNEL_CALDAV, .target = "http://x/y.ics",
		.uid = "x@d", .kind = CAD_KIND_DELETE, .created = 1, .due = 1,
	};

	assert_int_equal(cad_store_outbox_add(st, &e, &id, &err), 0);
	assert_int_equal(cad_store_outbox_finish(st, id, CAD_STATE_FAILED,
	    "404", 0, 2, &err), 0);
	cad_store_close(st);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT channel || ' ' || "
	    "kind || ' ' || state FROM outbox", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0),
	    "caldav delete failed");
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO outbox (channel, "
	    "target, uid, kind, sequence, payload, state, attempts, created, "
	    "due) VALUES ('smtp', 't', 'u', 'put', 0, '', 'pending', 0, 1, 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO outbox (channel, "
	    "target, uid, kind, sequence, payload, state, attempts, created, "
	    "due) VALUES ('pigeon', 't', 'u', 'put', 0, '', 'pending', 0, 1, "
	    "1)", NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(db);
	st = open_ok(f);
	assert_int_equal(cad_store_outbox_list(st, false, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].channel, CAD_CHANNEL_CALDAV);
	assert_int_equal(v[0].kind, CAD_KIND_DELETE);
	assert_int_equal(v[0].state, CAD_STATE_FAILED);
	assert_int_equal(v[1].channel, CAD_CHANNEL_SMTP);
	assert_int_equal(v[1].kind, CAD_KIND_PUT);
	assert_int_equal(v[1].state, CAD_STATE_PENDING);
	cad_outbox_entries_free(v, n);
	cad_store_close(st);
}

static void
store_open__newer_schema__refused_with_message(void **state)
{
	struct fixture *f = *state;
	struct cad_error err = { "" };
	struct cad_store *st = (struct cad_store *)&err;	/* poison */
	sqlite3 *db;

	/* a database written by a future version of the program */
	char parent[sizeof f->state];
	snprintf(parent, sizeof parent, "%s/var", f->tmp);
	assert_int_equal(mkdir(parent, 0750), 0);
	assert_int_equal(mkdir(f->state, 0750), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(cad_store_open(f->state, &st, &err), -EIO);
	assert_null(st);
	assert_non_null(strstr(err.msg, "schema 99"));
	assert_non_null(strstr(err.msg, "newer"));

	/* and it was left untouched */
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	sqlite3_stmt *stmt;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 99);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void
store_close__null__no_crash(void **state)
{
	(void)state;
	cad_store_close(NULL);
}

/* the kept snapshot's store key (daemon/persist.h): moves with what the
   documents are made of, not with a delivery's bookkeeping */
static void
digest__override_and_series_move_it__caldav_etag_does_not(void **state)
{
	struct fixture *f = *state;
	struct cad_store *st = open_ok(f);
	struct cad_error err = { "" };
	struct cad_series_state ss;
	char a[65], b[65], c[65], d[65], e[65];
	struct cad_override cancel = {
		.uid = "hytetu-tyoryhma@kainuu.example",
		.rid_day = day(2026, 2, 10), .rid_time = 13 * 60,
		.kind = CAD_OVERRIDE_CANCEL, .reason = NULL,
	};

	assert_int_equal(cad_store_digest(st, a, &err), 0);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(cad_store_digest(st, b, &err), 0);
	assert_string_equal(a, b);
	assert_int_equal(cad_store_set_etag(st, "http://dav.example/x.ics",
	    "\"1\"", &err), 0);
	assert_int_equal(cad_store_digest(st, b, &err), 0);
	assert_string_equal(a, b);
	assert_int_equal(cad_store_put_override(st, &cancel, &err), 0);
	assert_int_equal(cad_store_digest(st, c, &err), 0);
	assert_string_not_equal(a, c);
	assert_int_equal(cad_store_series_sync(st, cancel.uid, "h1", 1000,
	    &ss, &err), 0);
	assert_int_equal(cad_store_digest(st, d, &err), 0);
	assert_string_not_equal(c, d);
	/* the same hash again: nothing written, the same digest */
	assert_int_equal(cad_store_series_sync(st, cancel.uid, "h1", 2000,
	    &ss, &err), 0);
	assert_int_equal(cad_store_digest(st, e, &err), 0);
	assert_string_equal(d, e);
	cad_store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    digest__override_and_series_move_it__caldav_etag_does_not,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_open__missing_state_dir__creates_dir_and_db,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_open__fresh_db__user_version_is_schema_and_wal,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_overrides__put_twice_same_rid__replaced_and_survives_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_overrides__stored_text__is_iso_date_and_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_delete_override__missing_and_present__enoent_then_gone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_terminations__put_list_withdraw__round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_series_sync__hash_changes__sequence_and_last_modified_follow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_changed__write_through_other_handle__version_differs,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_commit__transaction_without_writes__version_unchanged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_outbox_counts__one_of_each_state__counted_by_state,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_outbox__typed_state__text_in_db_unknown_text_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_open__newer_schema__refused_with_message,
		    setup, teardown),
		cmocka_unit_test(store_close__null__no_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
