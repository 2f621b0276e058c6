/*
 * store.c - the sqlite state in <state_dir>/cadenced.db.
 *
 * WAL journal, busy timeout, explicit transactions, every rc checked.
 * The schema grows by migrations: migrations[i] takes the database from
 * PRAGMA user_version i to i + 1 inside one BEGIN IMMEDIATE transaction
 * that also sets user_version, so a crash leaves either the old or the
 * new schema.  Values only ever reach SQL as bound parameters.
 *
 * Both the daemon and cadencectl open the database at the same time;
 * cad_store_changed() lets the daemon notice what cadencectl committed.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_int.h"
#include "store/store_guard.h"

#define STORE_DB_NAME	"cadenced.db"
#define STORE_BUSY_MS	5000
#define STORE_WAL_PAGES	64	/* checkpoint at 256 KiB of WAL (4 KiB pages) */

/* migrations[i]: schema version i -> i + 1.  Add new ones at the end. */
static const char *const migrations[] = {
	/* 1: overrides, terminations, per-series versions */
	"CREATE TABLE overrides ("
	"  uid TEXT NOT NULL,"
	"  rid TEXT NOT NULL,"		/* YYYY-MM-DDTHH:MM */
	"  kind TEXT NOT NULL CHECK (kind IN ('cancel', 'move')),"
	"  new_day TEXT,"		/* YYYY-MM-DD, move only */
	"  new_time TEXT,"		/* HH:MM, move only */
	"  reason TEXT,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (uid, rid));"
	"CREATE TABLE terminations ("
	"  party TEXT PRIMARY KEY,"
	"  noticed TEXT NOT NULL,"
	"  effective TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE series ("
	"  uid TEXT PRIMARY KEY,"
	"  hash TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  last_modified INTEGER NOT NULL);",
	/* 2: the outbox of invitations (SPEC § 6, core/store/outbox.h) */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  channel TEXT NOT NULL CHECK (channel IN ('caldav', 'smtp')),"
	"  target TEXT NOT NULL,"	/* resource URL or recipient address */
	"  uid TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('put', 'delete', 'invite', 'update', 'cancel', 'reminder')),"
	"  rid TEXT,"			/* YYYY-MM-DDTHH:MM: one instance */
	"  sequence INTEGER NOT NULL,"
	"  sender TEXT,"		/* SMTP envelope sender */
	"  payload BLOB NOT NULL,"	/* iCalendar object or MIME message */
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK (state IN ('pending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  created INTEGER NOT NULL,"
	"  due INTEGER NOT NULL,"	/* next attempt not before */
	"  done INTEGER);"		/* when sent or given up */
	"CREATE INDEX outbox_pending ON outbox (state, due);"
	"CREATE INDEX outbox_key ON outbox (uid, channel, target);"
	"CREATE TABLE outbox_peers ("	/* what each recipient was given */
	"  uid TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  cancelled TEXT NOT NULL DEFAULT '',"	/* RIDs, space-separated */
	"  name TEXT,"			/* the attendee's CN */
	"  summary TEXT,"
	"  dtstart TEXT,"		/* YYYY-MM-DDTHH:MM, local */
	"  PRIMARY KEY (uid, channel, target));"
	"CREATE TABLE caldav_etags ("
	"  url TEXT PRIMARY KEY,"
	"  etag TEXT NOT NULL);",
	/* 3: the deadline reminders handled (SPEC § 6, core/store/reminder.h) */
	"CREATE TABLE reminders ("
	"  kind TEXT NOT NULL,"		/* review | renewal | notice | ... */
	"  date TEXT NOT NULL,"		/* YYYY-MM-DD, the deadline */
	"  party TEXT NOT NULL DEFAULT '',"	/* '' when none */
	"  days_before INTEGER NOT NULL,"	/* the remind_days offset */
	"  state TEXT NOT NULL CHECK (state IN ('sent', 'skipped')),"
	"  recipients INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, date, party, days_before));",
	/* 4: tasks done, extra meetings (SPEC § 10.3); reminders keyed by
	   task too (two tasks of one owner may share a due day) */
	"CREATE TABLE tasks_done ("
	"  task TEXT NOT NULL,"
	"  party TEXT NOT NULL,"
	"  due TEXT NOT NULL,"		/* YYYY-MM-DD: the due day it fulfils */
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (task, party, due));"
	"CREATE TABLE additions ("
	"  uid TEXT NOT NULL,"		/* the series */
	"  start TEXT NOT NULL,"	/* YYYY-MM-DDTHH:MM, local */
	"  reason TEXT,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (uid, start));"
	"CREATE TABLE reminders4 ("
	"  kind TEXT NOT NULL,"
	"  task TEXT NOT NULL DEFAULT '',"	/* '' when not a task */
	"  date TEXT NOT NULL,"
	"  party TEXT NOT NULL DEFAULT '',"
	"  days_before INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('sent', 'skipped')),"
	"  recipients INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, task, date, party, days_before));"
	"INSERT INTO reminders4 (kind, date, party, days_before, state, "
	"  recipients, created) SELECT kind, date, party, days_before, state, "
	"  recipients, created FROM reminders;"
	"DROP TABLE reminders;"
	"ALTER TABLE reminders4 RENAME TO reminders;",
	/* 5: access tokens and the append-only audit (SPEC § 10.5,
	   core/store/token.h, core/store/audit.h) */
	"CREATE TABLE tokens ("
	"  name TEXT PRIMARY KEY,"
	"  hash TEXT NOT NULL UNIQUE,"	/* SHA-256 of the token, hex */
	"  forums TEXT NOT NULL DEFAULT '',"	/* ids, space-separated */
	"  parties TEXT NOT NULL DEFAULT '',"	/* '' = all */
	"  created INTEGER NOT NULL);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  time INTEGER NOT NULL,"	/* unix seconds */
	"  who TEXT NOT NULL,"		/* OS user or token name */
	"  address TEXT,"		/* the API client's address */
	"  via TEXT NOT NULL CHECK (via IN ('cli', 'api')),"
	"  action TEXT NOT NULL,"
	"  uid TEXT,"			/* the series, when a meeting */
	"  rid TEXT,"			/* YYYY-MM-DDTHH:MM */
	"  what TEXT NOT NULL,"
	"  before TEXT NOT NULL DEFAULT '',"
	"  after TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_meeting ON audit (uid, rid);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit is append-only'); END;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

struct cad_store {
	sqlite3 *db;
	int version;		/* schema version after migrations */
	int64_t own_writes;	/* commits made through this handle */
	int64_t data_version;	/* last PRAGMA data_version seen */
	int64_t others;		/* times data_version was seen to move */
	int depth;		/* cad_store_begin()s not yet ended */
	struct store_file file;	/* path, inode, marker: store_guard.c */
	bool readonly;		/* CAD_STORE_READONLY */
};

/* v with room for element nv; *cap is its size in elements */
static void *
grow(void *v, size_t nv, size_t *cap, size_t size)
{
	if (nv == *cap) {
		*cap = *cap != 0 ? *cap * 2 : 16;
		v = cad_xreallocarray(v, *cap, size);
	}
	return v;
}

/* sets err from the connection and maps the sqlite rc to -errno */
static int
store_fail(sqlite3 *db, int rc, const char *what, struct cad_error *err)
{
	cad_error_set(err, "%s: %s", what,
	    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static int
store_exec(sqlite3 *db, const char *sql, const char *what,
    struct cad_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_fail(db, rc, what, err);
	return 0;
}

static int
store_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **stmt,
    struct cad_error *err)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK) {
		*stmt = NULL;
		return store_fail(db, rc, "prepare", err);
	}
	return 0;
}

static int
bind_text(sqlite3 *db, sqlite3_stmt *stmt, int i, const char *s,
    struct cad_error *err)
{
	int rc = s != NULL ?
	    sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT) :
	    sqlite3_bind_null(stmt, i);

	if (rc != SQLITE_OK)
		return store_fail(db, rc, "bind", err);
	return 0;
}

static int
bind_int64(sqlite3 *db, sqlite3_stmt *stmt, int i, int64_t v,
    struct cad_error *err)
{
	int rc = sqlite3_bind_int64(stmt, i, v);

	if (rc != SQLITE_OK)
		return store_fail(db, rc, "bind", err);
	return 0;
}

/* one-row pragma read, e.g. user_version or data_version */
static int
store_pragma_int(sqlite3 *db, const char *sql, int64_t *out,
    struct cad_error *err)
{
	sqlite3_stmt *stmt;
	int r, rc;

	if ((r = store_prepare(db, sql, &stmt, err)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		r = 0;
	} else {
		r = store_fail(db, rc, sql, err);
	}
	sqlite3_finalize(stmt);
	return r;
}

/* buffers are roomier than the text so the compiler sees no truncation */
#define TIME_SIZE	16

static bool
valid_time(int time_of_day)
{
	return time_of_day >= 0 && time_of_day < 24 * 60;
}

static void
format_time(int time_of_day, char out[static TIME_SIZE])
{
	snprintf(out, TIME_SIZE, "%02d:%02d", time_of_day / 60,
	    time_of_day % 60);
}

/* mkdir -p with mode for every directory created */
static int
make_dirs(const char *path, mode_t mode, struct cad_error *err)
{
	char buf[PATH_MAX];
	struct stat sb;
	size_t len;

	if (cad_strlcpy(buf, path, sizeof buf) >= sizeof buf) {
		cad_error_set(err, "state directory name too long: %s", path);
		return -ENAMETOOLONG;
	}
	len = strlen(buf);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		int e = mkdir(buf, mode) != 0 ? errno : 0;
		/* an existing parent may say EACCES or EROFS, not EEXIST */
		if (e != 0 && e != EEXIST &&
		    !(stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))) {
			cad_error_set(err, "cannot create '%s': %s", buf,
			    strerror(e));
			return -e;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	if (stat(buf, &sb) != 0) {
		int e = errno;
		cad_error_set(err, "cannot open '%s': %s", buf, strerror(e));
		return -e;
	}
	if (!S_ISDIR(sb.st_mode)) {
		cad_error_set(err, "'%s' is not a directory", buf);
		return -ENOTDIR;
	}
	return 0;
}

/* runs migrations[from] in its own transaction, unless another process
   already did while we waited for the write lock */
static int
store_migrate_one(sqlite3 *db, int from, struct cad_error *err)
{
	char sql[64];
	int64_t v;
	int r;

	if ((r = store_exec(db, "BEGIN IMMEDIATE", "begin migration",
	    err)) != 0)
		return r;
	if ((r = store_pragma_int(db, "PRAGMA user_version", &v, err)) != 0)
		goto out;
	if (v != from)
		goto out;	/* someone else migrated meanwhile */
	if ((r = store_exec(db, migrations[from], "migration", err)) != 0)
		goto out;
	/* PRAGMA takes no parameters; the value is our own loop counter */
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", from + 1);
	if ((r = store_exec(db, sql, "set user_version", err)) != 0)
		goto out;
	r = store_exec(db, "COMMIT", "commit migration", err);
out:
	if (r != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static int
store_migrate(struct cad_store *st, struct cad_error *err)
{
	int64_t v;
	int r;

	for (;;) {
		if ((r = store_pragma_int(st->db, "PRAGMA user_version", &v,
		    err)) != 0)
			return r;
		if (v > NMIGRATIONS || v < 0) {
			cad_error_set(err, "database schema %lld is newer than "
			    "this program (%d)", (long long)v, NMIGRATIONS);
			return -EIO;
		}
		if (v == NMIGRATIONS)
			break;
		if ((r = store_migrate_one(st->db, (int)v, err)) != 0)
			return r;
	}
	st->version = (int)v;
	return 0;
}

/*
 * The WAL's room on disk.  sqlite's default checkpoints only at 1000
 * pages (4 MiB of WAL for a database of a few hundred KiB) and never
 * shrinks the file, so a small state_dir filled up with the WAL alone:
 * the checkpoint that finally ran could not grow the database file, the
 * WAL could not restart, and every commit failed "database or disk is
 * full" (tests/e2e/faults.sh, sqlite-busy on a 4 MiB tmpfs).  Now the
 * commit that takes the WAL past STORE_WAL_PAGES pages checkpoints it
 * and cuts the file to nothing (TRUNCATE: it waits, within the busy
 * timeout, for the readers of older snapshots).  The commit has been
 * made already: a checkpoint kept from finishing is left to the next.
 * journal_size_limit 0 cuts a WAL restarted in place after its first
 * commit too.  Either way the next commits append, so a full disk
 * refuses them rather than letting some through into old WAL space.
 */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)arg;
	if (pages >= STORE_WAL_PAGES)
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return SQLITE_OK;
}

static int
store_wal_bound(sqlite3 *db, struct cad_error *err)
{
	(void)sqlite3_wal_hook(db, store_wal_hook, NULL);
	return store_exec(db, "PRAGMA journal_size_limit = 0",
	    "journal_size_limit", err);
}

static int
store_setup(struct cad_store *st, struct cad_error *err)
{
	sqlite3_stmt *stmt = NULL;
	const unsigned char *mode;
	int r, rc;

	rc = sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (rc != SQLITE_OK)
		return store_fail(st->db, rc, "busy_timeout", err);

	if ((r = store_prepare(st->db, "PRAGMA journal_mode = WAL", &stmt,
	    err)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		r = store_fail(st->db, rc, "journal_mode", err);
		goto out;
	}
	mode = sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
		cad_error_set(err, "journal_mode: cannot switch to WAL (%s)",
		    mode != NULL ? (const char *)mode : "?");
		r = -EIO;
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;

	/* FULL: every commit is synced (one fsync of the WAL), so a
	   delivery recorded as sent stays recorded even after a power
	   loss; NORMAL could lose the last commits and resend them */
	if ((r = store_exec(st->db, "PRAGMA synchronous = FULL",
	    "synchronous", err)) != 0)
		goto out;
	if ((r = store_exec(st->db, "PRAGMA foreign_keys = ON",
	    "foreign_keys", err)) != 0)
		goto out;
	if ((r = store_wal_bound(st->db, err)) != 0)
		goto out;
	if ((r = store_migrate(st, err)) != 0)
		goto out;
	r = store_pragma_int(st->db, "PRAGMA data_version",
	    &st->data_version, err);
out:
	sqlite3_finalize(stmt);
	return r;
}

/* CAD_STORE_READONLY: no journal switch, no migration, no write */
static int
store_setup_readonly(struct cad_store *st, struct cad_error *err)
{
	int64_t v;
	int r;

	if ((r = store_pragma_int(st->db, "PRAGMA user_version", &v,
	    err)) != 0)
		return r;
	if (v != NMIGRATIONS) {
		cad_error_set(err, "database schema %lld, this program needs "
		    "%d: cannot migrate it read-only", (long long)v,
		    NMIGRATIONS);
		return -EIO;
	}
	st->version = (int)v;
	return store_pragma_int(st->db, "PRAGMA data_version",
	    &st->data_version, err);
}

/* "file:PATH?immutable=1" with '%', '?' and '#' of PATH escaped */
static char *
immutable_uri(const char *path)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	(void)cad_buf_puts(&b, "file:");
	for (const char *p = path; *p; p++)
		(void)(strchr("%?#", *p) != NULL ?
		    cad_buf_printf(&b, "%%%02X", (unsigned char)*p) :
		    cad_buf_add(&b, p, 1));
	(void)cad_buf_puts(&b, "?immutable=1");
	return cad_buf_steal(&b);
}

bool
cad_store_readonly(const struct cad_store *st)
{
	return st->readonly;
}

int
cad_store_open(const char *state_dir, struct cad_store **out,
    struct cad_error *err)
{
	return cad_store_open_flags(state_dir, 0, out, err);
}

int
cad_store_open_flags(const char *state_dir, unsigned flags,
    struct cad_store **out, struct cad_error *err)
{
	struct cad_store *st = NULL;
	bool reset = flags & CAD_STORE_RESET;
	int r, rc;

	*out = NULL;
	if ((r = make_dirs(state_dir, 0750, err)) != 0)
		return r;
	st = cad_xcalloc(1, sizeof *st);
	store_file_init(&st->file, state_dir, STORE_DB_NAME);
	st->readonly = flags & CAD_STORE_READONLY;
	if (st->readonly) {
		char *uri = immutable_uri(st->file.path);
		rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_URI, NULL);
		free(uri);
	} else
		rc = sqlite3_open_v2(st->file.path, &st->db,
		    store_guard_flags(&st->file, reset), NULL);
	if (rc != SQLITE_OK) {
		cad_error_set(err, "cannot open '%s': %s", st->file.path,
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
		store_guard_missing(&st->file, err);
		r = (rc & 0xff) == SQLITE_BUSY ? -EBUSY : -EIO;
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if ((r = store_guard_empty(st->db, &st->file, reset, err)) != 0 ||
	    (r = st->readonly ? store_setup_readonly(st, err) :
	    store_setup(st, err)) != 0 ||
	    (r = store_guard_opened(&st->file, err)) != 0)
		goto out;
	*out = st;
	st = NULL;
out:
	cad_store_close(st);
	return r;
}

int
cad_store_verify(struct cad_store *st, bool deep, struct cad_error *err)
{
	return store_guard_verify(st->db, &st->file, deep, err);
}

void
cad_store_close(struct cad_store *st)
{
	if (st == NULL)
		return;
	/* all statements are finalized by their users; close cannot be busy */
	sqlite3_close(st->db);
	store_file_release(&st->file);
	free(st);
}

int
cad_store_version(struct cad_store *st)
{
	return st->version;
}

int
cad_store_put_override(struct cad_store *st, const struct cad_override *ov,
    struct cad_error *err)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO overrides "
	    "(uid, rid, kind, new_day, new_time, reason, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *stmt = NULL;
	char rid[CAD_RID_SIZE], nd[11], nt[TIME_SIZE];
	bool move = ov->kind == CAD_OVERRIDE_MOVE;
	int r, rc;

	if (ov->uid == NULL) {
		cad_error_set(err, "override without a series uid");
		return -EINVAL;
	}
	if (!valid_time(ov->rid_time) || (move && !valid_time(ov->new_time))) {
		cad_error_set(err, "override for '%s': time of day out of "
		    "range", ov->uid);
		return -EINVAL;
	}
	cad_rid_format(ov->rid_day, ov->rid_time, rid);
	if (move) {
		cad_format_date(ov->new_day, nd);
		format_time(ov->new_time, nt);
	}
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	if ((r = bind_text(st->db, stmt, 1, ov->uid, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 2, rid, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 3, move ? "move" : "cancel",
	    err)) != 0 ||
	    (r = bind_text(st->db, stmt, 4, move ? nd : NULL, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 5, move ? nt : NULL, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 6, ov->reason, err)) != 0 ||
	    (r = bind_int64(st->db, stmt, 7, (int64_t)time(NULL), err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "store override", err);
		goto out;
	}
	st->own_writes++;
	r = 0;
out:
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_delete_override(struct cad_store *st, const char *uid,
    int rid_day, int rid_time, struct cad_error *err)
{
	static const char sql[] =
	    "DELETE FROM overrides WHERE uid = ?1 AND rid = ?2";
	sqlite3_stmt *stmt = NULL;
	char rid[CAD_RID_SIZE];
	int r, rc;

	if (!valid_time(rid_time)) {
		cad_error_set(err, "time of day out of range");
		return -EINVAL;
	}
	cad_rid_format(rid_day, rid_time, rid);
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	if ((r = bind_text(st->db, stmt, 1, uid, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 2, rid, err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "delete override", err);
		goto out;
	}
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no override for '%s' at %s", uid, rid);
		r = -ENOENT;
		goto out;
	}
	st->own_writes++;
	r = 0;
out:
	sqlite3_finalize(stmt);
	return r;
}

/* one overrides row into *ov (owned copies); -EIO on malformed data */
static int
read_override(sqlite3_stmt *stmt, struct cad_override *ov,
    struct cad_error *err)
{
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
	return 0;
bad:
	cad_error_set(err, "malformed override in database: %s %s",
	    uid != NULL ? uid : "?", rid != NULL ? rid : "?");
	return -EIO;
}

int
cad_store_overrides(struct cad_store *st, struct cad_override **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT uid, rid, kind, new_day, new_time, reason "
	    "FROM overrides ORDER BY uid, rid";
	sqlite3_stmt *stmt = NULL;
	struct cad_override *v = NULL;
	size_t nv = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = grow(v, nv, &cap, sizeof *v);
		if ((r = read_override(stmt, &v[nv], err)) != 0)
			goto out;
		nv++;
	}
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "read overrides", err);
		goto out;
	}
	*out = v;
	*n = nv;
	v = NULL;
	nv = 0;
	r = 0;
out:
	cad_overrides_free(v, nv);
	sqlite3_finalize(stmt);
	return r;
}

void
cad_overrides_free(struct cad_override *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].uid);
		free(v[i].reason);
	}
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
	int r, rc;

	if (t->party == NULL) {
		cad_error_set(err, "termination without a party");
		return -EINVAL;
	}
	cad_format_date(t->noticed, noticed);
	cad_format_date(t->effective, effective);
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	if ((r = bind_text(st->db, stmt, 1, t->party, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 2, noticed, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 3, effective, err)) != 0 ||
	    (r = bind_int64(st->db, stmt, 4, (int64_t)time(NULL), err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "store termination", err);
		goto out;
	}
	st->own_writes++;
	r = 0;
out:
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_withdraw_termination(struct cad_store *st, const char *party,
    struct cad_error *err)
{
	static const char sql[] = "DELETE FROM terminations WHERE party = ?1";
	sqlite3_stmt *stmt = NULL;
	int r, rc;

	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	if ((r = bind_text(st->db, stmt, 1, party, err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "withdraw termination", err);
		goto out;
	}
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no termination for '%s'",
		    party != NULL ? party : "?");
		r = -ENOENT;
		goto out;
	}
	st->own_writes++;
	r = 0;
out:
	sqlite3_finalize(stmt);
	return r;
}

int
cad_store_terminations(struct cad_store *st, struct cad_termination **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT party, noticed, effective FROM terminations "
	    "ORDER BY party";
	sqlite3_stmt *stmt = NULL;
	struct cad_termination *v = NULL;
	size_t nv = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *party = (const char *)sqlite3_column_text(stmt, 0);
		const char *no = (const char *)sqlite3_column_text(stmt, 1);
		const char *ef = (const char *)sqlite3_column_text(stmt, 2);
		struct cad_termination t = { 0 };

		if (party == NULL || no == NULL || ef == NULL ||
		    cad_parse_date(no, &t.noticed) != 0 ||
		    cad_parse_date(ef, &t.effective) != 0) {
			cad_error_set(err, "malformed termination in "
			    "database: %s", party != NULL ? party : "?");
			r = -EIO;
			goto out;
		}
		v = grow(v, nv, &cap, sizeof *v);
		t.party = cad_strdup(party);
		v[nv++] = t;
	}
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "read terminations", err);
		goto out;
	}
	*out = v;
	*n = nv;
	v = NULL;
	nv = 0;
	r = 0;
out:
	cad_terminations_free(v, nv);
	sqlite3_finalize(stmt);
	return r;
}

void
cad_terminations_free(struct cad_termination *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i].party);
	free(v);
}

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
	if ((r = store_prepare(st->db, sel, &stmt, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 1, uid, err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(stmt, 0);
		*found = true;
		*same = old != NULL && hash != NULL && strcmp(old, hash) == 0;
		s->sequence = sqlite3_column_int(stmt, 1);
		s->created = sqlite3_column_int64(stmt, 2);
		s->last_modified = sqlite3_column_int64(stmt, 3);
	} else if (rc != SQLITE_DONE)
		r = store_fail(st->db, rc, "read series", err);
out:
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
	int r, rc;

	if ((r = store_prepare(st->db, found ? upd : ins, &stmt, err)) != 0)
		goto out;
	if ((r = bind_text(st->db, stmt, 1, uid, err)) != 0 ||
	    (r = bind_text(st->db, stmt, 2, hash, err)) != 0 ||
	    (r = bind_int64(st->db, stmt, 3, s->sequence, err)) != 0 ||
	    (r = bind_int64(st->db, stmt, 5, s->last_modified, err)) != 0)
		goto out;
	/* ?4 only appears in the INSERT */
	if (!found && (r = bind_int64(st->db, stmt, 4, s->created, err)) != 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		r = store_fail(st->db, rc, "write series", err);
	else
		st->own_writes++;
out:
	sqlite3_finalize(stmt);
	return r;
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
		if ((r = store_exec(st->db, "BEGIN IMMEDIATE",
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
	if (begun && (r = store_exec(st->db, "COMMIT", "commit series sync",
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
cad_store_changed(struct cad_store *st, int64_t *version)
{
	int64_t dv;
	int r;

	/* data_version moves only on other connections' commits */
	if ((r = store_pragma_int(st->db, "PRAGMA data_version", &dv,
	    NULL)) != 0)
		return r;
	if (dv != st->data_version) {
		st->data_version = dv;
		st->others++;
	}
	*version = st->others + st->own_writes;
	return 0;
}

/* ---------------------------------------------------------------- */
/* transactions and the outbox */

int
cad_store_begin(struct cad_store *st, struct cad_error *err)
{
	int r;

	/* inside an open one: a savepoint, ended with it */
	r = store_exec(st->db, st->depth == 0 ? "BEGIN IMMEDIATE" :
	    "SAVEPOINT nested", "begin", err);
	if (r == 0)
		st->depth++;
	return r;
}

int
cad_store_commit(struct cad_store *st, struct cad_error *err)
{
	int r;

	if (st->depth == 0) {
		cad_error_set(err, "commit without a transaction");
		return -EINVAL;
	}
	/* the writes in the transaction have counted themselves */
	r = store_exec(st->db, st->depth == 1 ? "COMMIT" :
	    "RELEASE SAVEPOINT nested", "commit", err);
	if (r == 0)
		st->depth--;
	return r;
}

void
cad_store_rollback(struct cad_store *st)
{
	if (st->depth > 1) {
		sqlite3_exec(st->db, "ROLLBACK TO SAVEPOINT nested; "
		    "RELEASE SAVEPOINT nested", NULL, NULL, NULL);
		st->depth--;
		return;
	}
	st->depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Prepares sql and binds the arguments that fmt lists, one letter each:
 * 't' text (const char *, NULL binds NULL), 'i' int64_t, 'b' blob
 * (const char *, size_t).
 */
static int
store_vstmt(sqlite3 *db, sqlite3_stmt **stmt, const char *sql,
    struct cad_error *err, const char *fmt, va_list ap)
{
	int i, r, rc = SQLITE_OK;

	if ((r = store_prepare(db, sql, stmt, err)) != 0)
		return r;
	for (i = 1; fmt[i - 1] != '\0' && rc == SQLITE_OK; i++) {
		switch (fmt[i - 1]) {
		case 't': {
			const char *s = va_arg(ap, const char *);
			rc = s != NULL ? sqlite3_bind_text(*stmt, i, s, -1,
			    SQLITE_TRANSIENT) : sqlite3_bind_null(*stmt, i);
			break;
		}
		case 'i':
			rc = sqlite3_bind_int64(*stmt, i, va_arg(ap, int64_t));
			break;
		case 'b': {
			const char *p = va_arg(ap, const char *);
			size_t len = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(*stmt, i, p != NULL ? p : "",
			    len, SQLITE_TRANSIENT);
			break;
		}
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	if (rc != SQLITE_OK) {
		r = store_fail(db, rc, "bind", err);
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return r;
	}
	return 0;
}

static int
store_stmt(sqlite3 *db, sqlite3_stmt **stmt, const char *sql,
    struct cad_error *err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = store_vstmt(db, stmt, sql, err, fmt, ap);
	va_end(ap);
	return r;
}

/* steps a statement that returns no rows and finalizes it */
static int
store_done(struct cad_store *st, sqlite3_stmt *stmt, const char *what,
    struct cad_error *err)
{
	int rc = sqlite3_step(stmt), r = 0;

	if (rc != SQLITE_DONE)
		r = store_fail(st->db, rc, what, err);
	else if (sqlite3_changes(st->db) > 0)
		st->own_writes++;	/* only what was really written */
	sqlite3_finalize(stmt);
	return r;
}

static char *
col_strdup(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? cad_strdup(s) : NULL;
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

	if ((r = store_stmt(st->db, &stmt, upd, err, "ti", uid, now)) != 0 ||
	    (r = store_done(st, stmt, "series gone", err)) != 0)
		return r;
	if (sqlite3_changes(st->db) == 0) {
		cad_error_set(err, "no series '%s'", uid);
		return -ENOENT;
	}
	if ((r = store_stmt(st->db, &stmt, sel, err, "t", uid)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		if (out != NULL) {
			out->sequence = sqlite3_column_int(stmt, 0);
			out->created = sqlite3_column_int64(stmt, 1);
			out->last_modified = sqlite3_column_int64(stmt, 2);
		}
	} else {
		r = store_fail(st->db, rc, "read series", err);
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
#define NAME_OF(tab, v) \
	((size_t)(v) < sizeof tab / sizeof tab[0] ? tab[v] : "?")

const char *
cad_channel_name(enum cad_channel c)
{
	return NAME_OF(channel_names, c);
}

const char *
cad_outbox_kind_name(enum cad_outbox_kind k)
{
	return NAME_OF(kind_names, k);
}

const char *
cad_outbox_state_name(enum cad_outbox_state st)
{
	return NAME_OF(state_names, st);
}

/* the index of column i's text in tab[0..n), or -1 (not ours) */
static int
col_enum(sqlite3_stmt *stmt, int i, const char *const *tab, size_t n)
{
	const char *t = (const char *)sqlite3_column_text(stmt, i);

	for (size_t k = 0; t != NULL && k < n; k++)
		if (strcmp(t, tab[k]) == 0)
			return (int)k;
	return -1;
}
#define COL_ENUM(stmt, i, tab) \
	col_enum(stmt, i, tab, sizeof tab / sizeof tab[0])

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

	if ((r = store_stmt(st->db, &stmt, upd, err, "ti", uid,
	    (int64_t)sequence)) != 0 ||
	    (r = store_done(st, stmt, "raise series sequence", err)) != 0)
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "tttttitbii",
	    cad_channel_name(e->channel), e->target, e->uid,
	    cad_outbox_kind_name(e->kind), e->rid,
	    (int64_t)e->sequence, e->sender, e->payload, e->payload_len,
	    e->created, e->due)) != 0)
		return r;
	if ((r = store_done(st, stmt, "add to outbox", err)) != 0)
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
		if ((r = store_stmt(st->db, &stmt, sel, err, "ttt", uid,
		    channel, target)) != 0)
			return r;
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW) {
			r = store_fail(st->db, rc, "read outbox", err);
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
		if ((r = store_stmt(st->db, &stmt, del, err, "tttt", uid,
		    channel, target, kind_names[k])) != 0 ||
		    (r = store_done(st, stmt, "supersede", err)) != 0)
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
	e->target = col_strdup(stmt, 2);
	e->uid = col_strdup(stmt, 3);
	e->kind = (enum cad_outbox_kind)kind;
	e->rid = col_strdup(stmt, 5);
	e->sequence = sqlite3_column_int(stmt, 6);
	e->sender = col_strdup(stmt, 7);
	e->state = (enum cad_outbox_state)state;
	e->attempts = sqlite3_column_int(stmt, 9);
	e->last_error = col_strdup(stmt, 10);
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
		v = grow(v, nv, &cap, sizeof *v);
		memset(&v[nv], 0, sizeof v[nv]);
		if (read_entry(stmt, &v[nv], payload))
			nv++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_outbox_entries_free(v, nv);
		return store_fail(st->db, rc, "read outbox", err);
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
	if ((r = store_stmt(st->db, &stmt, with_payload ? sql : sql_np, err,
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "ii", now,
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

	if ((r = store_stmt(st->db, &stmt, sql, err, "")) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*due = sqlite3_column_type(stmt, 0) == SQLITE_NULL ?
		    INT64_MAX : sqlite3_column_int64(stmt, 0);
	} else {
		r = store_fail(st->db, rc, "read outbox", err);
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "")) != 0)
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
		r = store_fail(st->db, rc, "count outbox", err);
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

	if ((r = store_stmt(st->db, &stmt, sql, err, "ittii", id,
	    cad_outbox_state_name(state), error, due, now)) != 0 ||
	    (r = store_done(st, stmt, "record delivery", err)) != 0)
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

	if ((r = store_stmt(st->db, &stmt, sql, err, "i", now)) != 0 ||
	    (r = store_done(st, stmt, "retry outbox", err)) != 0)
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "t", uid)) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = grow(v, nv, &cap, sizeof *v);
		int ch = COL_ENUM(stmt, 1, channel_names);
		if (ch < 0)
			continue;	/* not ours */
		struct cad_outbox_peer *p = &v[nv++];
		p->uid = col_strdup(stmt, 0);
		p->channel = (enum cad_channel)ch;
		p->target = col_strdup(stmt, 2);
		p->hash = col_strdup(stmt, 3);
		p->cancelled = col_strdup(stmt, 4);
		p->name = col_strdup(stmt, 5);
		p->summary = col_strdup(stmt, 6);
		p->dtstart = col_strdup(stmt, 7);
		if (p->cancelled == NULL)
			p->cancelled = cad_strdup("");
		if (p->hash == NULL)
			p->hash = cad_strdup("");
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_outbox_peers_free(v, nv);
		return store_fail(st->db, rc, "read outbox peers", err);
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

	if ((r = store_stmt(st->db, &stmt, sql, err, "tttttttt", p->uid,
	    cad_channel_name(p->channel), p->target, p->hash != NULL ? p->hash : "",
	    p->cancelled != NULL ? p->cancelled : "", p->name, p->summary,
	    p->dtstart)) != 0)
		return r;
	return store_done(st, stmt, "store outbox peer", err);
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

	if ((r = store_stmt(st->db, &stmt, sql, err, "ttt", uid,
	    cad_channel_name(channel), target)) != 0)
		return r;
	return store_done(st, stmt, "delete outbox peer", err);
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "t", url)) != 0)
		return r;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*etag = col_strdup(stmt, 0);
	else if (rc != SQLITE_DONE)
		r = store_fail(st->db, rc, "read etag", err);
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
		r = store_stmt(st->db, &stmt, put, err, "tt", url, etag);
	else
		r = store_stmt(st->db, &stmt, del, err, "t", url);
	if (r != 0)
		return r;
	return store_done(st, stmt, "store etag", err);
}

/* ---------------------------------------------------------------- */
/* deadline reminders */

int
cad_store_reminder_put(struct cad_store *st,
    const struct cad_reminder_record *rec, struct cad_error *err)
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "tttitiit",
	    cad_deadline_kind_name(rec->kind),
	    date, rec->party != NULL ? rec->party : "",
	    (int64_t)rec->days_before,
	    NAME_OF(reminder_state_names, rec->state), (int64_t)rec->recipients,
	    rec->created, rec->task != NULL ? rec->task : "")) != 0)
		return r;
	return store_done(st, stmt, "record reminder", err);
}

int
cad_store_reminders(struct cad_store *st, struct cad_reminder_record **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT kind, date, party, days_before, state, recipients, created, "
	    "task FROM reminders "
	    "ORDER BY date, kind, task, party, days_before DESC";
	struct cad_reminder_record *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t cnt = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct cad_reminder_record *e;
		const char *date = (const char *)sqlite3_column_text(stmt, 1);
		const char *party = (const char *)sqlite3_column_text(stmt, 2);
		int state = COL_ENUM(stmt, 4, reminder_state_names);
		int kind = col_deadline_kind(stmt, 0);
		int day;

		if (date == NULL || cad_parse_date(date, &day) != 0 ||
		    state < 0 || kind < 0)
			continue;	/* not ours: ignore it */
		v = grow(v, cnt, &cap, sizeof *v);
		e = &v[cnt++];
		memset(e, 0, sizeof *e);
		e->kind = (enum cad_deadline_kind)kind;
		e->day = day;
		e->party = party != NULL && *party ? cad_strdup(party) : NULL;
		e->days_before = sqlite3_column_int(stmt, 3);
		e->state = (enum cad_reminder_state)state;
		e->recipients = sqlite3_column_int(stmt, 5);
		e->created = sqlite3_column_int64(stmt, 6);
		const char *task = (const char *)sqlite3_column_text(stmt, 7);
		e->task = task != NULL && *task ? cad_strdup(task) : NULL;
	}
	if (rc != SQLITE_DONE) {
		r = store_fail(st->db, rc, "read reminders", err);
		sqlite3_finalize(stmt);
		cad_reminder_records_free(v, cnt);
		return r;
	}
	sqlite3_finalize(stmt);
	*out = v;
	*n = cnt;
	return 0;
}

void
cad_reminder_records_free(struct cad_reminder_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].task);
		free(v[i].party);
	}
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
	if ((r = store_stmt(st->db, &stmt, sql, err, "ttti", task, party, due,
	    now)) != 0)
		return r;
	return store_done(st, stmt, "record task done", err);
}

/* runs a DELETE; -ENOENT (with err) when it removed nothing */
static int
store_delete(struct cad_store *st, sqlite3_stmt *stmt, const char *what,
    struct cad_error *err)
{
	int r = store_done(st, stmt, what, err);

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
	if ((r = store_stmt(st->db, &stmt, sql, err, "ttt", task, party,
	    date)) != 0)
		return r;
	return store_delete(st, stmt, "undo task done", err);
}

int
cad_store_done(struct cad_store *st, struct cad_task_done **out, size_t *n,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT task, party, due, created FROM tasks_done "
	    "ORDER BY due, task, party";
	struct cad_task_done *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t cnt = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *due = (const char *)sqlite3_column_text(stmt, 2);
		struct cad_task_done d = { 0 };

		if (due == NULL || cad_parse_date(due, &d.due) != 0 ||
		    sqlite3_column_text(stmt, 0) == NULL ||
		    sqlite3_column_text(stmt, 1) == NULL)
			continue;	/* not ours: ignore it */
		d.task = col_strdup(stmt, 0);
		d.party = col_strdup(stmt, 1);
		d.created = sqlite3_column_int64(stmt, 3);
		v = grow(v, cnt, &cap, sizeof *v);
		v[cnt++] = d;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_task_done_free(v, cnt);
		return store_fail(st->db, rc, "read tasks done", err);
	}
	*out = v;
	*n = cnt;
	return 0;
}

void
cad_task_done_free(struct cad_task_done *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].task);
		free(v[i].party);
	}
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

	if (x->uid == NULL || x->day == CAD_NODAY || !valid_time(x->time)) {
		cad_error_set(err, "extra meeting without series, day or time");
		return -EINVAL;
	}
	cad_rid_format(x->day, x->time, start);
	if ((r = store_stmt(st->db, &stmt, sql, err, "ttti", x->uid, start,
	    x->reason, now)) != 0)
		return r;
	return store_done(st, stmt, "store extra meeting", err);
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

	if (!valid_time(time_of_day)) {
		cad_error_set(err, "bad time of day");
		return -EINVAL;
	}
	cad_rid_format(day, time_of_day, start);
	if ((r = store_stmt(st->db, &stmt, sql, err, "tt", uid, start)) != 0)
		return r;
	return store_delete(st, stmt, "remove extra meeting", err);
}

int
cad_store_additions(struct cad_store *st, struct cad_addition **out, size_t *n,
    struct cad_error *err)
{
	static const char sql[] =
	    "SELECT uid, start, reason FROM additions ORDER BY uid, start";
	struct cad_addition *v = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t cnt = 0, cap = 0;
	int r, rc;

	*out = NULL;
	*n = 0;
	if ((r = store_prepare(st->db, sql, &stmt, err)) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *start = (const char *)sqlite3_column_text(stmt, 1);
		struct cad_addition x = { 0 };

		if (start == NULL || sqlite3_column_text(stmt, 0) == NULL ||
		    cad_rid_parse(start, &x.day, &x.time) != 0)
			continue;	/* not ours: ignore it */
		x.uid = col_strdup(stmt, 0);
		x.reason = col_strdup(stmt, 2);
		v = grow(v, cnt, &cap, sizeof *v);
		v[cnt++] = x;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		cad_additions_free(v, cnt);
		return store_fail(st->db, rc, "read extra meetings", err);
	}
	*out = v;
	*n = cnt;
	return 0;
}

void
cad_additions_free(struct cad_addition *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].uid);
		free(v[i].reason);
	}
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

/* ---------------------------------------------------------------- */
/* for the other modules of core/store (store_int.h) */

int
cad_store_stmt(struct cad_store *st, sqlite3_stmt **stmt, const char *sql,
    struct cad_error *err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = store_vstmt(st->db, stmt, sql, err, fmt, ap);
	va_end(ap);
	return r;
}

int
cad_store_step_done(struct cad_store *st, sqlite3_stmt *stmt,
    const char *what, struct cad_error *err)
{
	return store_done(st, stmt, what, err);
}

int
cad_store_fail(struct cad_store *st, int rc, const char *what,
    struct cad_error *err)
{
	return store_fail(st->db, rc, what, err);
}

char *
cad_store_col_strdup(sqlite3_stmt *stmt, int i)
{
	return col_strdup(stmt, i);
}
