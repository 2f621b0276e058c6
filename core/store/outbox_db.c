/*
 * outbox_db.c - the engine's own tables in the sqlite state: the series
 * (hash, SEQUENCE), the outbox rows and what each peer was given, CalDAV
 * ETags and the deadline reminders handled.  The text of the typed state
 * (channel, kind, state) lives here and nowhere else.  outbox.c decides
 * what goes into these rows; the tables are made by the migrations in
 * store.c.
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
#include "model/deadline.h"

/* uid's row of the series table: *found, its state into *s and *same
   when hash (may be NULL) is its hash */
static int
series_read(struct cad_store *st, const char *uid, const char *hash,
    struct cad_series_state *s, bool *found, bool *same,
    struct cad_error *err)
{
	static const char sel[] =
	    "SELECT hash, sequence, created, last_modified FROM series "
	    "WHERE uid = ?1";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	*found = *same = false;
	if ((r = cad_store_stmt(st, &stmt, sel, err, "t", uid)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(stmt, 0);
		*found = true;
		*same = old != NULL && hash != NULL && strcmp(old, hash) == 0;
		s->sequence = sqlite3_column_int(stmt, 1);
		s->created = sqlite3_column_int64(stmt, 2);
		s->last_modified = sqlite3_column_int64(stmt, 3);
	} else if (rc != SQLITE_DONE)
		r = cad_store_fail(st, rc, "read series", err);
	sqlite3_finalize(stmt);
	return r;
}

/* uid's row written: inserted (found false) or updated */
static int
series_write(struct cad_store *st, const char *uid, const char *hash,
    const struct cad_series_state *s, bool found, struct cad_error *err)
{
	static const char ins[] =
	    "INSERT INTO series (uid, hash, sequence, created, last_modified) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)";
	static const char upd[] =
	    "UPDATE series SET hash = ?2, sequence = ?3, last_modified = ?5 "
	    "WHERE uid = ?1";
	sqlite3_stmt *stmt = NULL;
	int r;

	/* ?4 only appears in the INSERT; binding it is harmless */
	if ((r = cad_store_stmt(st, &stmt, found ? upd : ins, err, "ttiii",
	    uid, hash, (int64_t)s->sequence, s->created,
	    s->last_modified)) != 0)
		return r;
	return cad_store_step_done(st, stmt, "write series", err);
}

int
cad_store_series_state(struct cad_store *st, const char *uid, int64_t now,
    struct cad_series_state *out, struct cad_error *err)
{
	bool found, same;

	out->sequence = 0;
	out->created = out->last_modified = now;
	return series_read(st, uid, NULL, out, &found, &same, err);
}

int
cad_store_series_sync(struct cad_store *st, const char *uid,
    const char *hash, int64_t now, struct cad_series_state *out,
    struct cad_error *err)
{
	struct cad_series_state s = { 0, now, now };
	bool found, same, begun = false;
	int r;

	if (uid == NULL || hash == NULL) {
		cad_error_set(err, "series sync without uid or hash");
		return -EINVAL;
	}
	/* inside the caller's transaction (cad_store_begin) it joins it */
	if (sqlite3_get_autocommit(st->db)) {
		if ((r = cad_store_exec(st, "BEGIN IMMEDIATE",
		    "begin series sync", err)) != 0)
			return r;
		begun = true;
	}
	if ((r = series_read(st, uid, hash, &s, &found, &same, err)) != 0)
		goto out;
	if (found && !same) {
		s.sequence++;
		s.last_modified = now;
	}
	if (!same && (r = series_write(st, uid, hash, &s, found, err)) != 0)
		goto out;
	if (begun && (r = cad_store_exec(st, "COMMIT", "commit series sync",
	    err)) != 0)
		goto out;
	begun = false;
	if (out != NULL)
		*out = s;
out:
	if (begun)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

int
cad_store_series_gone(struct cad_store *st, const char *uid, int64_t now,
    struct cad_series_state *out, struct cad_error *err)
{
	static const char upd[] =
	    "UPDATE series SET hash = '', sequence = sequence + 1, "
	    "last_modified = ?2 WHERE uid = ?1";
	static const char sel[] =
	    "SELECT sequence, created, last_modified FROM series "
	    "WHERE uid = ?1";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	if ((r = cad_store_stmt(st, &stmt, upd, err, "ti", uid, now)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "series gone", err)) != 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no series '%s'", uid);
		return -ENOENT;
	}
	if ((r = cad_store_stmt(st, &stmt, sel, err, "t", uid)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (out != NULL) {
			out->sequence = sqlite3_column_int(stmt, 0);
			out->created = sqlite3_column_int64(stmt, 1);
			out->last_modified = sqlite3_column_int64(stmt, 2);
		}
	} else {
		r = cad_store_fail(st, rc, "read series", err);
	}
	sqlite3_finalize(stmt);
	return r;
}

/* ---- the text of the typed state (only here and in the database) ---- */

static const char *const channel_names[] = {
	[CAD_CHANNEL_CALDAV] = "caldav",
	[CAD_CHANNEL_SMTP] = "smtp",
};
static const char *const kind_names[] = {
	[CAD_KIND_PUT] = "put",
	[CAD_KIND_DELETE] = "delete",
	[CAD_KIND_INVITE] = "invite",
	[CAD_KIND_UPDATE] = "update",
	[CAD_KIND_CANCEL] = "cancel",
	[CAD_KIND_REMINDER] = "reminder",
};
static const char *const state_names[] = {
	[CAD_STATE_PENDING] = "pending",
	[CAD_STATE_SENT] = "sent",
	[CAD_STATE_FAILED] = "failed",
};
static const char *const reminder_state_names[] = {
	[CAD_REMINDER_SENT] = "sent",
	[CAD_REMINDER_SKIPPED] = "skipped",
};

const char *
cad_channel_name(enum cad_channel c)
{
	return CAD_STORE_NAME(channel_names, c);
}

const char *
cad_outbox_kind_name(enum cad_outbox_kind k)
{
	return CAD_STORE_NAME(kind_names, k);
}

const char *
cad_outbox_state_name(enum cad_outbox_state st)
{
	return CAD_STORE_NAME(state_names, st);
}

/* the index of column i's text in tab, or -1 (not ours) */
#define COL_ENUM(stmt, i, tab) \
	CAD_STORE_INDEX(tab, (const char *)sqlite3_column_text(stmt, i))

/* a deadline kind by its model name (cad_deadline_kind_name), or -1 */
static int
col_deadline_kind(sqlite3_stmt *stmt, int i)
{
	const char *t = (const char *)sqlite3_column_text(stmt, i);

	for (int k = CAD_DEADLINE_REVIEW; t != NULL &&
	    k <= CAD_DEADLINE_TASK; k++)
		if (strcmp(t, cad_deadline_kind_name(k)) == 0)
			return k;
	return -1;
}

int
cad_store_series_raise(struct cad_store *st, const char *uid, int sequence,
    struct cad_error *err)
{
	static const char upd[] =
	    "UPDATE series SET sequence = ?2 WHERE uid = ?1 AND sequence < ?2";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, upd, err, "ti", uid,
	    (int64_t)sequence)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "raise series sequence",
	    err)) != 0)
		return r;
	return 0;
}

int
cad_store_outbox_add(struct cad_store *st, const struct cad_outbox_row *e,
    int64_t *id, struct cad_error *err)
{
	static const char sql[] =
	    "INSERT INTO outbox (channel, target, uid, kind, rid, sequence, "
	    "sender, payload, state, attempts, created, due) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', 0, ?9, ?10)";
	sqlite3_stmt *stmt = NULL;
	int r;

	if (e->target == NULL || e->uid == NULL) {
		cad_error_set(err, "outbox entry without channel, target, "
		    "uid or kind");
		return -EINVAL;
	}
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tttttitbii",
	    cad_channel_name(e->channel), e->target, e->uid,
	    cad_outbox_kind_name(e->kind), e->rid,
	    (int64_t)e->sequence, e->sender, e->payload, e->payload_len,
	    e->created, e->due)) != 0)
		return r;
	if ((r = cad_store_step_done(st, stmt, "add to outbox", err)) != 0)
		return r;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
cad_store_outbox_supersede(struct cad_store *st, const char *uid,
    enum cad_channel ch, const char *target, unsigned kinds,
    bool *invite, struct cad_error *err)
{
	static const char sel[] =
	    "SELECT count(*) FROM outbox WHERE uid = ?1 AND channel = ?2 "
	    "AND target = ?3 AND kind = 'invite' AND state <> 'sent'";
	static const char del[] =
	    "DELETE FROM outbox WHERE uid = ?1 AND channel = ?2 "
	    "AND target = ?3 AND kind = ?4 AND state <> 'sent'";
	const char *channel = cad_channel_name(ch);
	sqlite3_stmt *stmt = NULL;
	bool has_invite = (kinds & CAD_KIND_BIT(CAD_KIND_INVITE)) != 0;
	int r, rc;

	if (invite != NULL)
		*invite = false;
	if (has_invite && invite != NULL) {
		if ((r = cad_store_stmt(st, &stmt, sel, err, "ttt", uid,
		    channel, target)) != 0)
			return r;
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW) {
			r = cad_store_fail(st, rc, "read outbox", err);
			sqlite3_finalize(stmt);
			return r;
		}
		*invite = sqlite3_column_int(stmt, 0) > 0;
		sqlite3_finalize(stmt);
	}
	for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0];
	    k++) {
		if ((kinds & CAD_KIND_BIT(k)) == 0)
			continue;
		if ((r = cad_store_stmt(st, &stmt, del, err, "tttt", uid,
		    channel, target, kind_names[k])) != 0 ||
		    (r = cad_store_step_done(st, stmt, "supersede", err)) != 0)
			return r;
	}
	return 0;
}

#define OUTBOX_COLS \
	"id, channel, target, uid, kind, rid, sequence, sender, state, " \
	"attempts, last_error, created, due, done"

/* false (e untouched) for a row whose channel, kind or state is not
   one of ours */
static bool
read_entry(sqlite3_stmt *stmt, struct cad_outbox_entry *e, bool payload)
{
	int ch = COL_ENUM(stmt, 1, channel_names);
	int kind = COL_ENUM(stmt, 4, kind_names);
	int state = COL_ENUM(stmt, 8, state_names);

	if (ch < 0 || kind < 0 || state < 0)
		return false;
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(stmt, 0);
	e->channel = (enum cad_channel)ch;
	e->target = cad_store_col_strdup(stmt, 2);
	e->uid = cad_store_col_strdup(stmt, 3);
	e->kind = (enum cad_outbox_kind)kind;
	e->rid = cad_store_col_strdup(stmt, 5);
	e->sequence = sqlite3_column_int(stmt, 6);
	e->sender = cad_store_col_strdup(stmt, 7);
	e->state = (enum cad_outbox_state)state;
	e->attempts = sqlite3_column_int(stmt, 9);
	e->last_error = cad_store_col_strdup(stmt, 10);
	e->created = sqlite3_column_int64(stmt, 11);
	e->due = sqlite3_column_int64(stmt, 12);
	e->done = sqlite3_column_int64(stmt, 13);
	if (payload) {
		const void *p = sqlite3_column_blob(stmt, 14);
		size_t len = (size_t)sqlite3_column_bytes(stmt, 14);
		e->payload = cad_xcalloc(len + 1, 1);
		if (len > 0)
			memcpy(e->payload, p, len);
		e->payload_len = len;
	}
	return true;
}

static int
read_entries(struct cad_store *st, sqlite3_stmt *stmt, bool payload,
    struct cad_outbox_entry **out, size_t *n, struct cad_error *err)
{
	struct cad_outbox_entry *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = cad_store_grow(v, nv, &cap, sizeof *v);
		memset(&v[nv], 0, sizeof v[nv]);
		if (read_entry(stmt, &v[nv], payload))
			nv++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_outbox_entries_free(v, nv);
		return cad_store_fail(st, rc, "read outbox", err);
	}
	*out = v;
	*n = nv;
	return 0;
}

int
cad_store_outbox_list(struct cad_store *st, bool with_payload,
    struct cad_outbox_entry **out, size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT " OUTBOX_COLS ", payload FROM outbox ORDER BY id";
	static const char sql_np[] =
	    "SELECT " OUTBOX_COLS " FROM outbox ORDER BY id";
	sqlite3_stmt *stmt = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = cad_store_stmt(st, &stmt, with_payload ? sql : sql_np, err,
	    "")) != 0)
		return r;
	return read_entries(st, stmt, with_payload, out, n, err);
}

int
cad_store_outbox_due(struct cad_store *st, int64_t now, size_t limit,
    struct cad_outbox_entry **out, size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT " OUTBOX_COLS ", payload FROM outbox o "
	    "WHERE state = 'pending' AND due <= ?1 AND NOT EXISTS ("
	    "  SELECT 1 FROM outbox p WHERE p.state = 'pending' AND "
	    "  p.uid = o.uid AND p.channel = o.channel AND "
	    "  p.target = o.target AND p.id < o.id) "
	    "ORDER BY id LIMIT ?2";
	sqlite3_stmt *stmt = NULL;
	int r;

	*out = NULL;
	*n = 0;
	if ((r = cad_store_stmt(st, &stmt, sql, err, "ii", now,
	    (int64_t)limit)) != 0)
		return r;
	return read_entries(st, stmt, true, out, n, err);
}

int
cad_store_outbox_next_due(struct cad_store *st, int64_t *due,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT min(due) FROM outbox WHERE state = 'pending'";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "")) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*due = sqlite3_column_type(stmt, 0) == SQLITE_NULL ?
		    INT64_MAX : sqlite3_column_int64(stmt, 0);
	} else {
		r = cad_store_fail(st, rc, "read outbox", err);
	}
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_outbox_counts(struct cad_store *st, struct cad_outbox_counts *out,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT state, count(*) FROM outbox GROUP BY state";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	memset(out, 0, sizeof *out);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "")) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int state = COL_ENUM(stmt, 0, state_names);
		size_t k = (size_t)sqlite3_column_int64(stmt, 1);
		if (state == CAD_STATE_PENDING)
			out->pending += k;
		else if (state == CAD_STATE_SENT)
			out->sent += k;
		else
			out->failed += k;
	}
	if (rc != SQLITE_DONE)
		r = cad_store_fail(st, rc, "count outbox", err);
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_outbox_finish(struct cad_store *st, int64_t id,
    enum cad_outbox_state state, const char *error, int64_t due, int64_t now,
    struct cad_error *err)
{
	static const char sql[] =
	    "UPDATE outbox SET state = ?2, last_error = ?3, "
	    "attempts = attempts + 1, due = ?4, "
	    "done = CASE WHEN ?2 = 'pending' THEN NULL ELSE ?5 END "
	    "WHERE id = ?1";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "ittii", id,
	    cad_outbox_state_name(state), error, due, now)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "record delivery", err)) != 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no outbox entry %lld", (long long)id);
		return -ENOENT;
	}
	return 0;
}

int
cad_store_outbox_retry(struct cad_store *st, int64_t now, int *n,
    struct cad_error *err)
{
	static const char sql[] =
	    "UPDATE outbox SET state = 'pending', due = ?1, done = NULL "
	    "WHERE state = 'failed' OR (state = 'pending' AND due > ?1)";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "i", now)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "retry outbox", err)) != 0)
		return r;
	if (n != NULL)
		*n = sqlite3_changes(st->db);
	return 0;
}

void
cad_outbox_entry_release(struct cad_outbox_entry *e)
{
	free(e->target);
	free(e->uid);
	free(e->rid);
	free(e->sender);
	free(e->payload);
	free(e->last_error);
	memset(e, 0, sizeof *e);
}

void
cad_outbox_entries_free(struct cad_outbox_entry *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		cad_outbox_entry_release(&v[i]);
	free(v);
}

int
cad_store_peers(struct cad_store *st, const char *uid,
    struct cad_outbox_peer **out, size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT uid, channel, target, hash, cancelled, name, summary, "
	    "dtstart FROM outbox_peers WHERE ?1 IS NULL OR uid = ?1 "
	    "ORDER BY uid, channel, target";
	sqlite3_stmt *stmt = NULL;
	struct cad_outbox_peer *v = NULL;
	size_t nv = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = cad_store_stmt(st, &stmt, sql, err, "t", uid)) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = cad_store_grow(v, nv, &cap, sizeof *v);
		int ch = COL_ENUM(stmt, 1, channel_names);
		if (ch < 0)
			continue;	/* not ours */
		struct cad_outbox_peer *p = &v[nv++];
		p->uid = cad_store_col_strdup(stmt, 0);
		p->channel = (enum cad_channel)ch;
		p->target = cad_store_col_strdup(stmt, 2);
		p->hash = cad_store_col_strdup(stmt, 3);
		p->cancelled = cad_store_col_strdup(stmt, 4);
		p->name = cad_store_col_strdup(stmt, 5);
		p->summary = cad_store_col_strdup(stmt, 6);
		p->dtstart = cad_store_col_strdup(stmt, 7);
		if (p->cancelled == NULL)
			p->cancelled = cad_strdup("");
		if (p->hash == NULL)
			p->hash = cad_strdup("");
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_outbox_peers_free(v, nv);
		return cad_store_fail(st, rc, "read outbox peers", err);
	}
	*out = v;
	*n = nv;
	return 0;
}

int
cad_store_peer_put(struct cad_store *st, const struct cad_peer_row *p,
    struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO outbox_peers (uid, channel, target, hash, "
	    "cancelled, name, summary, dtstart) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "tttttttt", p->uid,
	    cad_channel_name(p->channel), p->target, p->hash != NULL ? p->hash : "",
	    p->cancelled != NULL ? p->cancelled : "", p->name, p->summary,
	    p->dtstart)) != 0)
		return r;
	return cad_store_step_done(st, stmt, "store outbox peer", err);
}

int
cad_store_peer_delete(struct cad_store *st, const char *uid,
    enum cad_channel channel, const char *target, struct cad_error *err)
{
	static const char sql[] =
	    "DELETE FROM outbox_peers WHERE uid = ?1 AND channel = ?2 "
	    "AND target = ?3";
	sqlite3_stmt *stmt = NULL;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "ttt", uid,
	    cad_channel_name(channel), target)) != 0)
		return r;
	return cad_store_step_done(st, stmt, "delete outbox peer", err);
}

void
cad_outbox_peers_free(struct cad_outbox_peer *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].uid);
		free(v[i].target);
		free(v[i].hash);
		free(v[i].cancelled);
		free(v[i].name);
		free(v[i].summary);
		free(v[i].dtstart);
	}
	free(v);
}

int
cad_store_etag(struct cad_store *st, const char *url, char **etag,
    struct cad_error *err)
{
	static const char sql[] = "SELECT etag FROM caldav_etags WHERE url = ?1";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	*etag = NULL;
	if ((r = cad_store_stmt(st, &stmt, sql, err, "t", url)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*etag = cad_store_col_strdup(stmt, 0);
	else if (rc != SQLITE_DONE)
		r = cad_store_fail(st, rc, "read etag", err);
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_set_etag(struct cad_store *st, const char *url, const char *etag,
    struct cad_error *err)
{
	static const char put[] =
	    "INSERT OR REPLACE INTO caldav_etags (url, etag) VALUES (?1, ?2)";
	static const char del[] = "DELETE FROM caldav_etags WHERE url = ?1";
	sqlite3_stmt *stmt = NULL;
	int r;

	if (etag != NULL)
		r = cad_store_stmt(st, &stmt, put, err, "tt", url, etag);
	else
		r = cad_store_stmt(st, &stmt, del, err, "t", url);
	if (r != 0)
		return r;
	return cad_store_step_done(st, stmt, "store etag", err);
}

/* ---------------------------------------------------------------- */
/* deadline reminders */

int
cad_store_reminder_put(struct cad_store *st,
    const struct cad_reminder_row *rec, struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO reminders (kind, date, party, days_before, "
	    "state, recipients, created, task) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *stmt = NULL;
	char date[11];
	int r;

	if (rec->day == CAD_NODAY || rec->days_before < 0) {
		cad_error_set(err, "reminder without date or offset");
		return -EINVAL;
	}
	cad_format_date(rec->day, date);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tttitiit",
	    cad_deadline_kind_name(rec->kind),
	    date, rec->party != NULL ? rec->party : "",
	    (int64_t)rec->days_before,
	    CAD_STORE_NAME(reminder_state_names, rec->state), (int64_t)rec->recipients,
	    rec->created, rec->task != NULL ? rec->task : "")) != 0)
		return r;
	return cad_store_step_done(st, stmt, "record reminder", err);
}

/* one reminders row (cad_store_rows' row); 0 for one not ours */
static int
read_reminder(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_reminder_record *e = elem;
	const char *date = (const char *)sqlite3_column_text(stmt, 1);
	const char *party = (const char *)sqlite3_column_text(stmt, 2);
	const char *task = (const char *)sqlite3_column_text(stmt, 7);
	int state = COL_ENUM(stmt, 4, reminder_state_names);
	int kind = col_deadline_kind(stmt, 0);

	(void)err;
	if (date == NULL || cad_parse_date(date, &e->day) != 0 ||
	    state < 0 || kind < 0)
		return 0;
	e->kind = (enum cad_deadline_kind)kind;
	e->party = party != NULL && *party ? cad_strdup(party) : NULL;
	e->days_before = sqlite3_column_int(stmt, 3);
	e->state = (enum cad_reminder_state)state;
	e->recipients = sqlite3_column_int(stmt, 5);
	e->created = sqlite3_column_int64(stmt, 6);
	e->task = task != NULL && *task ? cad_strdup(task) : NULL;
	return 1;
}

static void
drop_reminder(void *elem)
{
	struct cad_reminder_record *e = elem;

	free(e->task);
	free(e->party);
}

int
cad_store_reminders(struct cad_store *st, struct cad_reminder_record **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT kind, date, party, days_before, state, recipients, "
	    "created, task FROM reminders "
	    "ORDER BY date, kind, task, party, days_before DESC";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_reminder, drop_reminder, &v, n,
	    "read reminders", err);
	*out = v;
	return r;
}

void
cad_reminder_records_free(struct cad_reminder_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		drop_reminder(&v[i]);
	free(v);
}
