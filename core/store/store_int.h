/*
 * store_int.h - the statement helpers of store.c, for the other modules
 * of core/store that keep their own tables (token.c, audit.c).  Nothing
 * outside core/store includes it.
 */
#ifndef CAD_STORE_INT_H
#define CAD_STORE_INT_H

#include <sqlite3.h>

#include "store/store.h"

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
/* a copy of the column's text, NULL for NULL */
char *cad_store_col_strdup(sqlite3_stmt *stmt, int i);

#endif
