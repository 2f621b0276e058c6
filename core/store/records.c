/*
 * records.c - what coordinators record, in the sqlite state: cancelled
 * and moved meetings (overrides), terminations, tasks done and extra
 * meetings, and cad_store_inputs(), which reads them all for the planner.
 * The tables are made by the migrations in store.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"

int
cad_store_put_override(struct cad_store *st, const struct cad_override *ov,
    struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO overrides "
	    "(uid, rid, kind, new_day, new_time, reason, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *stmt = NULL;
	char rid[CAD_RID_SIZE], nd[11], nt[CAD_STORE_TIME_SIZE];
	bool move = ov->kind == CAD_OVERRIDE_MOVE;
	int r;

	if (ov->uid == NULL) {
		cad_error_set(err, "override without a series uid");
		return -EINVAL;
	}
	if (!cad_store_valid_time(ov->rid_time) ||
	    (move && !cad_store_valid_time(ov->new_time))) {
		cad_error_set(err, "override for '%s': time of day out of "
		    "range", ov->uid);
		return -EINVAL;
	}
	cad_rid_format(ov->rid_day, ov->rid_time, rid);
	if (move) {
		cad_format_date(ov->new_day, nd);
		cad_store_format_time(ov->new_time, nt);
	}
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tttttti", ov->uid, rid,
	    move ? "move" : "cancel", move ? nd : NULL, move ? nt : NULL,
	    ov->reason, (int64_t)time(NULL))) != 0)
		return r;
	return cad_store_step_done(st, stmt, "store override", err);
}

int
cad_store_delete_override(struct cad_store *st, const char *uid,
    int rid_day, int rid_time, struct cad_error *err)
{
	static const char sql[] =
	    "DELETE FROM overrides WHERE uid = ?1 AND rid = ?2";
	sqlite3_stmt *stmt = NULL;
	char rid[CAD_RID_SIZE];
	int r;

	if (!cad_store_valid_time(rid_time)) {
		cad_error_set(err, "time of day out of range");
		return -EINVAL;
	}
	cad_rid_format(rid_day, rid_time, rid);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tt", uid, rid)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "delete override", err)) != 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no override for '%s' at %s", uid, rid);
		return -ENOENT;
	}
	return 0;
}

/* one overrides row into *ov (owned copies); -EIO on malformed data
   (cad_store_rows' row) */
static int
read_override(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_override *ov = elem;
	const char *uid = (const char *)sqlite3_column_text(stmt, 0);
	const char *rid = (const char *)sqlite3_column_text(stmt, 1);
	const char *kind = (const char *)sqlite3_column_text(stmt, 2);
	const char *nd = (const char *)sqlite3_column_text(stmt, 3);
	const char *nt = (const char *)sqlite3_column_text(stmt, 4);
	const char *reason = (const char *)sqlite3_column_text(stmt, 5);

	memset(ov, 0, sizeof *ov);
	if (uid == NULL || cad_rid_parse(rid, &ov->rid_day, &ov->rid_time) != 0)
		goto bad;
	if (kind != NULL && strcmp(kind, "cancel") == 0) {
		ov->kind = CAD_OVERRIDE_CANCEL;
		ov->new_day = ov->rid_day;
		ov->new_time = ov->rid_time;
	} else if (kind != NULL && strcmp(kind, "move") == 0) {
		ov->kind = CAD_OVERRIDE_MOVE;
		if (nd == NULL || nt == NULL ||
		    cad_parse_date(nd, &ov->new_day) != 0 ||
		    cad_parse_time(nt, &ov->new_time) != 0)
			goto bad;
	} else {
		goto bad;
	}
	ov->uid = cad_strdup(uid);
	ov->reason = cad_strdup(reason);
	return 1;
bad:
	cad_error_set(err, "malformed override in database: %s %s",
	    uid != NULL ? uid : "?", rid != NULL ? rid : "?");
	return -EIO;
}

static void
drop_override(void *elem)
{
	struct cad_override *e = elem;

	free(e->uid);
	free(e->reason);
}

int
cad_store_overrides(struct cad_store *st, struct cad_override **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT uid, rid, kind, new_day, new_time, reason "
	    "FROM overrides ORDER BY uid, rid";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_override, drop_override, &v, n,
	    "read overrides", err);
	*out = v;
	return r;
}

void
cad_overrides_free(struct cad_override *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		drop_override(&v[i]);
	free(v);
}

int
cad_store_put_termination(struct cad_store *st,
    const struct cad_termination *t, struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO terminations "
	    "(party, noticed, effective, created) VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *stmt = NULL;
	char noticed[11], effective[11];
	int r;

	if (t->party == NULL) {
		cad_error_set(err, "termination without a party");
		return -EINVAL;
	}
	cad_format_date(t->noticed, noticed);
	cad_format_date(t->effective, effective);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "ttti", t->party,
	    noticed, effective, (int64_t)time(NULL))) != 0)
		return r;
	return cad_store_step_done(st, stmt, "store termination", err);
}

int
cad_store_withdraw_termination(struct cad_store *st, const char *party,
    struct cad_error *err)
{
	static const char sql[] = "DELETE FROM terminations WHERE party = ?1";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "t", party)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "withdraw termination",
	    err)) != 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no termination for '%s'",
		    party != NULL ? party : "?");
		return -ENOENT;
	}
	return 0;
}

/* one terminations row (cad_store_rows' row); -EIO on malformed data */
static int
read_termination(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_termination *t = elem;
	const char *party = (const char *)sqlite3_column_text(stmt, 0);
	const char *no = (const char *)sqlite3_column_text(stmt, 1);
	const char *ef = (const char *)sqlite3_column_text(stmt, 2);

	if (party == NULL || no == NULL || ef == NULL ||
	    cad_parse_date(no, &t->noticed) != 0 ||
	    cad_parse_date(ef, &t->effective) != 0) {
		cad_error_set(err, "malformed termination in database: %s",
		    party != NULL ? party : "?");
		return -EIO;
	}
	t->party = cad_strdup(party);
	return 1;
}

static void
drop_termination(void *elem)
{
	struct cad_termination *e = elem;

	free(e->party);
}

int
cad_store_terminations(struct cad_store *st, struct cad_termination **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT party, noticed, effective FROM terminations "
	    "ORDER BY party";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_termination, drop_termination, &v, n,
	    "read terminations", err);
	*out = v;
	return r;
}

void
cad_terminations_free(struct cad_termination *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		drop_termination(&v[i]);
	free(v);
}

/* ---------------------------------------------------------------- */
/* tasks done and extra meetings (SPEC § 10.3) */

int
cad_store_put_done(struct cad_store *st, const char *task, const char *party,
    int due_day, int64_t now, struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO tasks_done (task, party, due, created) "
	    "VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *stmt = NULL;
	char due[11];
	int r;

	if (task == NULL || party == NULL || due_day == CAD_NODAY) {
		cad_error_set(err, "done record without task, party or day");
		return -EINVAL;
	}
	cad_format_date(due_day, due);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "ttti", task, party, due,
	    now)) != 0)
		return r;
	return cad_store_step_done(st, stmt, "record task done", err);
}

/* runs a DELETE; -ENOENT (with err) when it removed nothing */
static int
store_delete(struct cad_store *st, sqlite3_stmt *stmt, const char *what,
    struct cad_error *err)
{
	int r = cad_store_step_done(st, stmt, what, err);

	if (r == 0 && sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "nothing to undo");
		return -ENOENT;
	}
	return r;
}

int
cad_store_delete_done(struct cad_store *st, const char *task,
    const char *party, int due, struct cad_error *err)
{
	static const char sql[] =
	    "DELETE FROM tasks_done WHERE task = ?1 AND party = ?2 AND "
	    "due = ?3";
	sqlite3_stmt *stmt = NULL;
	char date[11];
	int r;

	cad_format_date(due, date);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "ttt", task, party,
	    date)) != 0)
		return r;
	return store_delete(st, stmt, "undo task done", err);
}

/* one tasks_done row (cad_store_rows' row); 0 for one not ours */
static int
read_done(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_task_done *d = elem;
	const char *due = (const char *)sqlite3_column_text(stmt, 2);

	(void)err;
	if (due == NULL || cad_parse_date(due, &d->due) != 0 ||
	    sqlite3_column_text(stmt, 0) == NULL ||
	    sqlite3_column_text(stmt, 1) == NULL)
		return 0;
	d->task = cad_store_col_strdup(stmt, 0);
	d->party = cad_store_col_strdup(stmt, 1);
	d->created = sqlite3_column_int64(stmt, 3);
	return 1;
}

static void
drop_done(void *elem)
{
	struct cad_task_done *e = elem;

	free(e->task);
	free(e->party);
}

int
cad_store_done(struct cad_store *st, struct cad_task_done **out, size_t *n,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT task, party, due, created FROM tasks_done "
	    "ORDER BY due, task, party";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_done, drop_done, &v, n,
	    "read tasks done", err);
	*out = v;
	return r;
}

void
cad_task_done_free(struct cad_task_done *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		drop_done(&v[i]);
	free(v);
}

int
cad_store_put_addition(struct cad_store *st, const struct cad_addition *x,
    int64_t now, struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO additions (uid, start, reason, created) "
	    "VALUES (?1, ?2, ?3, ?4)";
	sqlite3_stmt *stmt = NULL;
	char start[CAD_RID_SIZE];
	int r;

	if (x->uid == NULL || x->day == CAD_NODAY ||
	    !cad_store_valid_time(x->time)) {
		cad_error_set(err, "extra meeting without series, day or time");
		return -EINVAL;
	}
	cad_rid_format(x->day, x->time, start);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "ttti", x->uid, start,
	    x->reason, now)) != 0)
		return r;
	return cad_store_step_done(st, stmt, "store extra meeting", err);
}

int
cad_store_delete_addition(struct cad_store *st, const char *uid, int day,
    int time_of_day, struct cad_error *err)
{
	static const char sql[] =
	    "DELETE FROM additions WHERE uid = ?1 AND start = ?2";
	sqlite3_stmt *stmt = NULL;
	char start[CAD_RID_SIZE];
	int r;

	if (!cad_store_valid_time(time_of_day)) {
		cad_error_set(err, "bad time of day");
		return -EINVAL;
	}
	cad_rid_format(day, time_of_day, start);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tt", uid, start)) != 0)
		return r;
	return store_delete(st, stmt, "remove extra meeting", err);
}

/* one additions row (cad_store_rows' row); 0 for one not ours */
static int
read_addition(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_addition *x = elem;
	const char *start = (const char *)sqlite3_column_text(stmt, 1);

	(void)err;
	if (start == NULL || sqlite3_column_text(stmt, 0) == NULL ||
	    cad_rid_parse(start, &x->day, &x->time) != 0)
		return 0;
	x->uid = cad_store_col_strdup(stmt, 0);
	x->reason = cad_store_col_strdup(stmt, 2);
	return 1;
}

static void
drop_addition(void *elem)
{
	struct cad_addition *e = elem;

	free(e->uid);
	free(e->reason);
}

int
cad_store_additions(struct cad_store *st, struct cad_addition **out, size_t *n,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT uid, start, reason FROM additions ORDER BY uid, start";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_addition, drop_addition, &v, n,
	    "read extra meetings", err);
	*out = v;
	return r;
}

void
cad_additions_free(struct cad_addition *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		drop_addition(&v[i]);
	free(v);
}

/* ---------------------------------------------------------------- */
/* the planner's inputs */

int
cad_store_inputs(struct cad_store *st, struct cad_store_inputs *in,
    struct cad_error *err)
{
	int r;

	memset(in, 0, sizeof *in);
	if ((r = cad_store_overrides(st, &in->ov, &in->nov, err)) != 0 ||
	    (r = cad_store_terminations(st, &in->term, &in->nterm,
	    err)) != 0 ||
	    (r = cad_store_done(st, &in->done, &in->ndone, err)) != 0 ||
	    (r = cad_store_additions(st, &in->additions, &in->nadditions,
	    err)) != 0)
		cad_store_inputs_release(in);
	return r;
}

int
cad_store_inputs_read(struct cad_store *st, struct cad_store_inputs *in,
    char digest[static 65], struct cad_error *err)
{
	int r;

	memset(in, 0, sizeof *in);
	if ((r = cad_store_begin_read(st, err)) != 0)
		return r;
	if ((r = cad_store_inputs(st, in, err)) == 0 &&
	    (r = cad_store_inputs_digest(st, digest, err)) == 0 &&
	    (r = cad_store_commit(st, err)) == 0)
		return 0;
	cad_store_inputs_release(in);
	cad_store_rollback(st);
	return r;
}

void
cad_store_inputs_release(struct cad_store_inputs *in)
{
	cad_overrides_free(in->ov, in->nov);
	cad_terminations_free(in->term, in->nterm);
	cad_task_done_free(in->done, in->ndone);
	cad_additions_free(in->additions, in->nadditions);
	memset(in, 0, sizeof *in);
}

void
cad_store_inputs_ctx(const struct cad_store_inputs *in, int today,
    struct cad_plan_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->today = today;
	ctx->overrides = in->ov;
	ctx->noverrides = in->nov;
	ctx->terminations = in->term;
	ctx->nterminations = in->nterm;
	ctx->done = in->done;
	ctx->ndone = in->ndone;
	ctx->additions = in->additions;
	ctx->nadditions = in->nadditions;
}
