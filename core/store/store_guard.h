/*
 * store_guard.h - inside the store only: the checks that keep the
 * database from vanishing unnoticed (store_guard.c).  The public side is
 * cad_store_open_flags() and cad_store_verify() in store.h.
 */
#ifndef CAD_STORE_GUARD_H
#define CAD_STORE_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "base/util.h"

/* what the guard remembers of the file it opened */
struct store_file {
	char *path;		/* state_dir/cadenced.db */
	char *marker;		/* state_dir/cadenced.db.created */
	dev_t dev;
	ino_t ino;
	bool broken;		/* verify failed: writes refused for good */
	struct cad_error why;	/* ... and why */
};

void store_file_init(struct store_file *f, const char *state_dir,
    const char *db_name);
void store_file_release(struct store_file *f);
/* the sqlite open flags: no CREATE where a database was and is gone */
int store_guard_flags(const struct store_file *f, bool reset);
/* an error when sqlite could not open a database that should be there */
void store_guard_missing(const struct store_file *f, struct cad_error *err);
/* 0, or -ENODATA when the directory held a database and this one is
   empty (zero length or no schema); before anything is written */
int store_guard_empty(sqlite3 *db, const struct store_file *f, bool reset,
    struct cad_error *err);
/* after a good open: device and inode, and the marker file */
int store_guard_opened(struct store_file *f, struct cad_error *err);
/* the file at path is still the one opened, and (deep) sound */
int store_guard_verify(sqlite3 *db, struct store_file *f, bool deep,
    struct cad_error *err);

#endif
