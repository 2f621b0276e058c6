/*
 * store.h - the sqlite state in state_dir/cadenced.db: overrides,
 * terminations, per-series content hash and SEQUENCE.  WAL, busy
 * timeout, migrations by PRAGMA user_version.  Shared by the daemon and
 * cadencectl (both may have it open at once).
 */
#ifndef CAD_STORE_H
#define CAD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "util.h"

struct cad_store;

/* creates state_dir (0750) and the database when missing */
int cad_store_open(const char *state_dir, struct cad_store **out,
    struct cad_error *err);
void cad_store_close(struct cad_store *st);

/* the current schema version after migrations */
int cad_store_version(struct cad_store *st);

/* overrides: one per (uid, rid); a new one replaces the old */
int cad_store_put_override(struct cad_store *st,
    const struct cad_override *ov, struct cad_error *err);
int cad_store_delete_override(struct cad_store *st, const char *uid,
    int rid_day, int rid_time, struct cad_error *err);
int cad_store_overrides(struct cad_store *st, struct cad_override **out,
    size_t *n, struct cad_error *err);
void cad_overrides_free(struct cad_override *v, size_t n);

/* terminations: one per party; withdraw deletes it */
int cad_store_put_termination(struct cad_store *st,
    const struct cad_termination *t, struct cad_error *err);
/* -ENOENT when the party has none */
int cad_store_withdraw_termination(struct cad_store *st, const char *party,
    struct cad_error *err);
int cad_store_terminations(struct cad_store *st,
    struct cad_termination **out, size_t *n, struct cad_error *err);
void cad_terminations_free(struct cad_termination *v, size_t n);

/*
 * Per-series version: when hash differs from the stored one (or none is
 * stored), SEQUENCE is raised (starting at 0) and LAST-MODIFIED set to
 * now; the result is written back.  Same hash: nothing changes.
 */
struct cad_series_state {
	int sequence;
	int64_t last_modified;	/* unix seconds */
	int64_t created;
};
int cad_store_series_sync(struct cad_store *st, const char *uid,
    const char *hash, int64_t now, struct cad_series_state *out,
    struct cad_error *err);

/* a counter that changes whenever a writer committed (PRAGMA data_version
   combined with our own writes); lets the daemon notice cadencectl */
int cad_store_changed(struct cad_store *st, int64_t *version);

#endif
