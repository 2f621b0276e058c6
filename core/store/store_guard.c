/*
 * store_guard.c - the database cannot vanish unnoticed (issue 19).
 *
 * A state directory that ever held a database keeps a marker file next
 * to it (cadenced.db.created).  Where the marker is, a missing database
 * or an empty one (zero length, or no schema: user_version 0) is refused
 * instead of silently starting from nothing, unless the caller was told
 * to reset the state.  While open, the path must still name the file
 * opened (same device and inode: not deleted, not replaced by a copy)
 * and, on a deep check, pass PRAGMA quick_check; once that fails, the
 * connection is made query_only, so nothing is written to a file that
 * nobody else reads any more.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_guard.h"

#define MARKER_SUFFIX	".created"
#define MARKER_TEXT	"A cadenced database was created in this directory.\n" \
	"While this file is here, cadenced and cadencectl refuse to start\n" \
	"from an empty or missing database; see --reset-state in cadenced(8).\n"

void
store_file_init(struct store_file *f, const char *state_dir,
    const char *db_name)
{
	memset(f, 0, sizeof *f);
	f->path = cad_asprintf("%s/%s", state_dir, db_name);
	f->marker = cad_asprintf("%s%s", f->path, MARKER_SUFFIX);
}

void
store_file_release(struct store_file *f)
{
	free(f->path);
	free(f->marker);
	memset(f, 0, sizeof *f);
}

static bool
marked(const struct store_file *f)
{
	return access(f->marker, F_OK) == 0;
}

int
store_guard_flags(const struct store_file *f, bool reset)
{
	int flags = SQLITE_OPEN_READWRITE;
	if (reset || !marked(f))
		flags |= SQLITE_OPEN_CREATE;
	return flags;
}

static const char refuse[] = "refusing to start from nothing (every "
    "cancel and move would be lost, everyone invited again): restore it "
    "from a backup, or start cadenced once with --reset-state";

void
store_guard_missing(const struct store_file *f, struct cad_error *err)
{
	if (marked(f) && access(f->path, F_OK) != 0)
		cad_error_set(err, "'%s' is missing but '%s' says one was "
		    "there; %s", f->path, f->marker, refuse);
}

int
store_guard_empty(sqlite3 *db, const struct store_file *f, bool reset,
    struct cad_error *err)
{
	sqlite3_stmt *stmt = NULL;
	struct stat sb;
	long long v = -1;

	if (reset || !marked(f))
		return 0;
	if (stat(f->path, &sb) == 0 && sb.st_size == 0) {
		cad_error_set(err, "'%s' is empty (0 bytes) but held a "
		    "database; %s", f->path, refuse);
		return -ENODATA;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) ==
	    SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (v == 0) {
		cad_error_set(err, "'%s' has no tables but held a database; "
		    "%s", f->path, refuse);
		return -ENODATA;
	}
	return 0;		/* other errors: the store's setup tells */
}

int
store_guard_opened(struct store_file *f, struct cad_error *err)
{
	struct stat sb;
	int fd;

	if (stat(f->path, &sb) != 0) {
		cad_error_set(err, "'%s': %s", f->path, strerror(errno));
		return -errno;
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	if (marked(f))
		return 0;
	/* best effort: a read-only directory keeps working without it */
	fd = open(f->marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd >= 0) {
		if (write(fd, MARKER_TEXT, sizeof MARKER_TEXT - 1) < 0)
			(void)unlink(f->marker);
		close(fd);
	}
	return 0;
}

/* "ok", or the first problem PRAGMA quick_check names */
static int
quick_check(sqlite3 *db, const struct store_file *f, struct cad_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	/* WAL keeps the page cache while the WAL index stays the same:
	   read the file itself, it may have been overwritten */
	(void)sqlite3_db_release_memory(db);
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt,
	    NULL);
	const unsigned char *t = NULL;

	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		t = sqlite3_column_text(stmt, 0);
	if (t != NULL && strcmp((const char *)t, "ok") == 0) {
		sqlite3_finalize(stmt);
		return 0;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		sqlite3_finalize(stmt);
		return 0;		/* a writer: try again later */
	}
	cad_error_set(err, "'%s' is damaged (quick_check: %s)", f->path,
	    t != NULL ? (const char *)t : sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return -EIO;
}

int
store_guard_verify(sqlite3 *db, struct store_file *f, bool deep,
    struct cad_error *err)
{
	struct stat sb;
	int r = 0;

	if (f->broken) {
		*err = f->why;
		return -EIO;
	}
	if (stat(f->path, &sb) != 0) {
		if (errno != ENOENT)
			return 0;	/* EACCES, ...: nothing to tell */
		cad_error_set(err, "'%s' was deleted while open: nothing more "
		    "is written; restore it and restart cadenced", f->path);
		r = -ENOENT;
	} else if (sb.st_dev != f->dev || sb.st_ino != f->ino) {
		cad_error_set(err, "'%s' was replaced by another file while "
		    "open (inode %llu, opened %llu): nothing more is written "
		    "to the old one; SIGHUP or restart cadenced to use the "
		    "new one",
		    f->path, (unsigned long long)sb.st_ino,
		    (unsigned long long)f->ino);
		r = -ESTALE;
	} else if (deep) {
		r = quick_check(db, f, err);
	}
	if (r != 0) {
		f->broken = true;
		f->why = *err;
		(void)sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL,
		    NULL);
	}
	return r;
}
