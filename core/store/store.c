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


void *
cad_store_grow(void *v, size_t nv, size_t *cap, size_t size)
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

bool
cad_store_valid_time(int time_of_day)
{
	return time_of_day >= 0 && time_of_day < 24 * 60;
}

void
cad_store_format_time(int time_of_day,
    char out[static CAD_STORE_TIME_SIZE])
{
	snprintf(out, CAD_STORE_TIME_SIZE, "%02d:%02d", time_of_day / 60,
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
	cad_buf_puts(&b, "file:");
	for (const char *p = path; *p; p++)
		if (strchr("%?#", *p) != NULL)
			cad_buf_printf(&b, "%%%02X", (unsigned char)*p);
		else
			cad_buf_add(&b, p, 1);
	cad_buf_puts(&b, "?immutable=1");
	return cad_buf_xsteal(&b);
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

/* BEGIN IMMEDIATE or BEGIN DEFERRED, or inside an open one a savepoint,
   ended with it */
static int
store_begin(struct cad_store *st, const char *begin, struct cad_error *err)
{
	int r;

	r = store_exec(st->db, st->depth == 0 ? begin : "SAVEPOINT nested",
	    "begin", err);
	if (r == 0)
		st->depth++;
	return r;
}

int
cad_store_begin(struct cad_store *st, struct cad_error *err)
{
	return store_begin(st, "BEGIN IMMEDIATE", err);
}

int
cad_store_begin_read(struct cad_store *st, struct cad_error *err)
{
	return store_begin(st, "BEGIN DEFERRED", err);
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

/* steps a statement that returns no rows and finalizes it */
int
cad_store_step_done(struct cad_store *st, sqlite3_stmt *stmt,
    const char *what, struct cad_error *err)
{
	int rc = sqlite3_step(stmt), r = 0;

	if (rc != SQLITE_DONE)
		r = store_fail(st->db, rc, what, err);
	else if (sqlite3_changes(st->db) > 0)
		st->own_writes++;	/* only what was really written */
	sqlite3_finalize(stmt);
	return r;
}

char *
cad_store_col_strdup(sqlite3_stmt *stmt, int i)
{
	const char *s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? cad_strdup(s) : NULL;
}

/* ---------------------------------------------------------------- */
/* for the other modules of core/store (store_int.h) */

int
cad_store_rows(struct cad_store *st, const char *sql, size_t size,
    int (*row)(sqlite3_stmt *stmt, void *elem, struct cad_error *err),
    void (*drop)(void *elem), void **v, size_t *n, const char *what,
    struct cad_error *err)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int r, rc;

	*v = NULL;
	*n = 0;
	if ((r = cad_store_stmt(st, &stmt, sql, err, "")) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*v = cad_store_grow(*v, *n, &cap, size);
		void *e = (char *)*v + *n * size;
		memset(e, 0, size);
		if ((r = row(stmt, e, err)) < 0) {
			drop(e);	/* what it read before it failed */
			break;
		}
		if (r > 0)
			(*n)++;
	}
	if (r >= 0 && rc != SQLITE_DONE)
		r = cad_store_fail(st, rc, what, err);
	sqlite3_finalize(stmt);
	if (r < 0) {
		for (size_t i = 0; i < *n; i++)
			drop((char *)*v + i * size);
		free(*v);
		*v = NULL;
		*n = 0;
		return r;
	}
	return 0;
}

int
cad_store_exec(struct cad_store *st, const char *sql, const char *what,
    struct cad_error *err)
{
	return store_exec(st->db, sql, what, err);
}

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
cad_store_fail(struct cad_store *st, int rc, const char *what,
    struct cad_error *err)
{
	return store_fail(st->db, rc, what, err);
}


const char *
cad_store_name_of(const char *const *tab, size_t n, size_t v)
{
	return v < n && tab[v] != NULL ? tab[v] : "?";
}

int
cad_store_index_of(const char *const *tab, size_t n, const char *t)
{
	for (size_t k = 0; t != NULL && k < n; k++)
		if (tab[k] != NULL && strcmp(t, tab[k]) == 0)
			return (int)k;
	return -1;
}
