/*
 * store_int.h - the handle and the statement helpers of store.c, for the
 * other modules of core/store that keep their own tables (records.c,
 * outbox_db.c, token.c, audit.c).  Nothing outside core/store includes it.
 */
#ifndef CAD_STORE_INT_H
#define CAD_STORE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_guard.h"

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

/*
 * The store's enum <-> text, over a table of names indexed by the enum
 * (a NULL entry has no text): the name of v, or "?"; the index of t, or
 * -1 (not ours, or NULL).
 */
const char *cad_store_name_of(const char *const *tab, size_t n, size_t v);
int cad_store_index_of(const char *const *tab, size_t n, const char *t);
#define CAD_STORE_NAME(tab, v) \
	cad_store_name_of(tab, sizeof tab / sizeof tab[0], (size_t)(v))
#define CAD_STORE_INDEX(tab, t) \
	cad_store_index_of(tab, sizeof tab / sizeof tab[0], t)

/* "HH:MM" with room to spare, so the compiler sees no truncation */
#define CAD_STORE_TIME_SIZE	16

/*
 * Prepares sql and binds the arguments that fmt lists, one letter each:
 * 't' text (const char *, NULL binds NULL), 'i' int64_t, 'b' blob
 * (const char *, size_t).
 */
int cad_store_stmt(struct cad_store *st, sqlite3_stmt **stmt,
    const char *sql, struct cad_error *err, const char *fmt, ...);
/* steps a statement that returns no rows and finalizes it */
int cad_store_step_done(struct cad_store *st, sqlite3_stmt *stmt,
    const char *what, struct cad_error *err);
/* err from the connection; the sqlite rc as -errno */
int cad_store_fail(struct cad_store *st, int rc, const char *what,
    struct cad_error *err);
/*
 * Runs sql (no parameters) and reads each row into a new zeroed element
 * of size bytes of *v with row(): 1 keeps the element, 0 skips the row
 * (not ours; row allocated nothing), < 0 fails with err.  On failure
 * every element read, the failing one too, is dropped (drop frees what
 * one owns, and takes an element only partly read), *v is NULL and *n 0.
 */
int cad_store_rows(struct cad_store *st, const char *sql, size_t size,
    int (*row)(sqlite3_stmt *stmt, void *elem, struct cad_error *err),
    void (*drop)(void *elem), void **v, size_t *n, const char *what,
    struct cad_error *err);
/* a copy of the column's text, NULL for NULL */
char *cad_store_col_strdup(sqlite3_stmt *stmt, int i);
/* runs sql that returns no rows (BEGIN, COMMIT, ...) */
int cad_store_exec(struct cad_store *st, const char *sql, const char *what,
    struct cad_error *err);
/* v with room for element nv; *cap is its size in elements */
void *cad_store_grow(void *v, size_t nv, size_t *cap, size_t size);
/* a time of day in minutes, 0..1439 */
bool cad_store_valid_time(int time_of_day);
void cad_store_format_time(int time_of_day,
    char out[static CAD_STORE_TIME_SIZE]);

#endif
