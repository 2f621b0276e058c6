/*
 * snapshot.h - everything the HTTP side serves, built in one go by the
 * main loop and then never changed: the config in force, the overrides
 * and terminations read from the store, today, and every feed, the page
 * and the compliance list rendered into memory with their ETag and
 * Last-Modified.
 *
 * Concurrency: the main thread builds a new snapshot while requests
 * keep using the old one, then publishes it with one pointer swap under
 * a mutex.  A request takes a reference (snapshot_get) and drops it when
 * its response has been sent (snapshot_put); the last reference frees
 * the snapshot.  Nothing in a published snapshot is ever written, so
 * requests never wait for planning or for each other.
 */
#ifndef DAEMON_SNAPSHOT_H
#define DAEMON_SNAPSHOT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"
#include "model/config.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"

/* a loaded config, shared by every snapshot built from it */
struct snapshot_config {
	struct cad_config *cfg;
	atomic_int refs;
	unsigned gen;		/* bumps with every (re)load */
};

/* takes ownership of cfg; refs = 1 */
struct snapshot_config *snapshot_config_new(struct cad_config *cfg);
void snapshot_config_ref(struct snapshot_config *c);
void snapshot_config_unref(struct snapshot_config *c);

enum {
	RES_FEED = 1 << 0,	/* Cache-Control: max-age=300 */
	RES_CORS = 1 << 1,	/* Access-Control-Allow-Origin: * */
};

struct MHD_Response;
struct body_store;

/* one pre-rendered response body */
struct snapshot_res {
	char *path;		/* "/calendars/all.ics" */
	const char *type;	/* Content-Type */
	uint64_t off;		/* the body: len bytes at off in s->bodies */
	size_t len;
	char etag[CAD_ETAG_SIZE];	/* strong, with the quotes */
	int64_t last_modified;	/* unix seconds */
	int flags;
	/* the responses, 200 with the body and 304 without, made by the
	   first request that needs one (daemon/http.c) and queued for
	   every later one; destroyed with the snapshot */
	struct MHD_Response *_Atomic resp[2];
};

struct snapshot {
	atomic_int refs;
	struct snapshot_config *conf;
	const struct cad_config *cfg;	/* conf->cfg */
	int today;
	int from, to;			/* the published window */
	struct cad_store_inputs in;	/* overrides, terminations, ... */
	struct cad_plan_ctx ctx;	/* points at the above */
	struct snapshot_res *res;	/* sorted by path */
	struct body_store *bodies;	/* every res' body (daemon/body.h) */
	size_t nres;
	size_t nocc;			/* occurrences in the window */
	int64_t built;
	/* when the inputs (config, today, store) last changed: the
	   Last-Modified of computed API answers */
	int64_t data_modified;
	uint64_t inputs_hash;
	int enqueued;			/* outbox rows this build added */
	/* the store's digest (cad_store_digest) when the build committed,
	   "" when unknown; "kept" when restored from the state directory */
	char store_digest[65];
};

/*
 * Builds a snapshot for today from conf and the store: plans the window
 * today - 365 .. today + horizon_days, syncs every series' hash into the
 * store (so SEQUENCE rises only on real change) and enqueues the
 * invitations and deadline reminders of what changed, in the outbox
 * (cad_outbox_sync, cad_reminders_sync; s->enqueued tells how many),
 * and renders everything.  prev (may be NULL) lends unchanged resources
 * their Last-Modified.  0 or -errno with err.  Main thread only: the
 * store is not for the HTTP threads.
 */
int snapshot_build(struct snapshot_config *conf, struct cad_store *st,
    int today, int64_t now, const struct snapshot *prev,
    struct snapshot **out, struct cad_error *err);

/*
 * A snapshot without documents (no body store yet) for today from conf
 * and the store's inputs, as snapshot_build starts one: for a kept
 * snapshot's documents (persist.h).  0 or -errno with err.
 */
int snapshot_new(struct snapshot_config *conf, struct cad_store *st,
    int today, int64_t now, const struct snapshot *prev,
    struct snapshot **out, struct cad_error *err);
/* the snapshot's own copy of Content-Type type, NULL if none has it */
const char *snapshot_type(const char *type);

/*
 * The inputs_hash a snapshot_build from conf, st and today would have
 * now (reads only the overrides and terminations): lets the main loop
 * tell cadencectl's changes from the outbox's own writes, which move
 * cad_store_changed too.  0 or -errno with err.
 */
int snapshot_inputs_hash(const struct snapshot_config *conf,
    struct cad_store *st, int today, uint64_t *out, struct cad_error *err);

/* makes s the current one (takes the caller's reference) */
void snapshot_publish(struct snapshot *s);
/* a reference to the current snapshot, NULL before the first build */
struct snapshot *snapshot_get(void);
/* one more reference to s, which the caller already holds */
void snapshot_get_ref(struct snapshot *s);
void snapshot_put(struct snapshot *s);

/* the resource at path or NULL; not const: its resp[] are filled in by
   the requests (atomically), nothing else of it ever changes */
struct snapshot_res *snapshot_find(const struct snapshot *s, const char *path);

/*
 * The core lock: libical's time zone and recurrence code is not
 * documented as thread-safe, so everything that plans or renders with
 * the core (snapshot_build, the per-request API answers) holds it.
 */
void snapshot_core_lock(void);
void snapshot_core_unlock(void);

#endif
