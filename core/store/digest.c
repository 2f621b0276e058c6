/*
 * digest.c - a digest of the tables a snapshot is made from (store.h,
 * cad_store_digest).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/hash.h"
#include "store_int.h"

/*
 * What the daemon's documents are made of besides the config and the
 * day: the overrides, terminations, tasks done and extra meetings, the
 * series' SEQUENCE and stamps, and the audit (the page shows each
 * meeting's last change).  Not the outbox, the reminders handled, the
 * tokens or the CalDAV ETags: they change nothing that is served.
 */
static const char *const digest_tables[] = {
	"overrides", "terminations", "series", "tasks_done", "additions",
	"audit",
};

/* every row of one table, every column with its type */
static int
digest_table(struct cad_store *st, struct cad_sha256 *h, const char *table,
    struct cad_error *err)
{
	char sql[96];
	sqlite3_stmt *stmt;
	int rc, r;

	snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY rowid", table);
	if ((r = cad_store_stmt(st, &stmt, sql, err, "")) != 0)
		return r;
	cad_sha256_update_field(h, table, strlen(table));
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int n = sqlite3_column_count(stmt);

		cad_sha256_update(h, "\n", 1);
		for (int i = 0; i < n; i++) {
			int type = sqlite3_column_type(stmt, i);
			const void *p = sqlite3_column_blob(stmt, i);
			size_t len = (size_t)sqlite3_column_bytes(stmt, i);

			cad_sha256_update(h, &type, sizeof type);
			cad_sha256_update_field(h, p, len);
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cad_store_fail(st, rc, table, err);
}

/* the planner's inputs: what cad_store_inputs reads */
static const char *const input_tables[] = {
	"overrides", "terminations", "tasks_done", "additions",
};

static int
digest_tables_of(struct cad_store *st, const char *const *tables, size_t n,
    char out[static 65], struct cad_error *err)
{
	struct cad_sha256 h;
	int r = 0;

	cad_sha256_init(&h);
	cad_sha256_update(&h, &st->version, sizeof st->version);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = digest_table(st, &h, tables[i], err);
	cad_sha256_final_hex(&h, out);
	return r;
}

int
cad_store_digest(struct cad_store *st, char out[static 65],
    struct cad_error *err)
{
	return digest_tables_of(st, digest_tables, sizeof digest_tables /
	    sizeof digest_tables[0], out, err);
}

int
cad_store_inputs_digest(struct cad_store *st, char out[static 65],
    struct cad_error *err)
{
	return digest_tables_of(st, input_tables, sizeof input_tables /
	    sizeof input_tables[0], out, err);
}
