/*
 * snapshot.c - build, publish and look up the immutable state that the
 * HTTP threads serve (see snapshot.h for the locking story).
 */
#include "snapshot.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "base/hash.h"
#include "body.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "render/feeds.h"
#include "render/flat.h"
#include "render/wheel.h"
#include "render/ical.h"
#include "log.h"
#include "metrics.h"
#include "store/outbox.h"
#include "render/output.h"
#include "page.h"
#include "store/reminder.h"
#include "sys.h"
#include "fault.h"

#define SNAPSHOT_FEED_MAX	(32u << 20) /* ceiling of one feed */

#define CT_ICS	"text/calendar; charset=utf-8"
#define CT_JSON	"application/json; charset=utf-8"
#define CT_HTML	"text/html; charset=utf-8"
#define CT_SVG	"image/svg+xml"

static const char *const snapshot_types[] = { CT_ICS, CT_JSON, CT_HTML, CT_SVG };

static pthread_mutex_t snapshot_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t snapshot_core_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *snapshot_current;
static unsigned snapshot_config_gen;

struct snapshot_config *
snapshot_config_new(struct cad_config *cfg)
{
	struct snapshot_config *c = cad_xcalloc(1, sizeof *c);

	c->cfg = cfg;
	atomic_init(&c->refs, 1);
	c->gen = ++snapshot_config_gen;
	return c;
}

void
snapshot_core_lock(void)
{
	pthread_mutex_lock(&snapshot_core_mtx);
}

void
snapshot_core_unlock(void)
{
	pthread_mutex_unlock(&snapshot_core_mtx);
}

void
snapshot_config_ref(struct snapshot_config *c)
{
	atomic_fetch_add(&c->refs, 1);
}

void
snapshot_config_unref(struct snapshot_config *c)
{
	if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	cad_config_free(c->cfg);
	free(c);
}

static void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nres; i++) {
		struct snapshot_res *r = &s->res[i];
		free(r->path);
		/* a connection still sending one keeps it until it is done */
		for (size_t k = 0; k < 2; k++)
			if (r->resp[k] != NULL)
				MHD_destroy_response(r->resp[k]);
	}
	free(s->res);
	body_store_put(s->bodies);
	cad_store_inputs_release(&s->in);
	snapshot_config_unref(s->conf);
	free(s);
}

void
snapshot_put(struct snapshot *s)
{
	if (s != NULL && atomic_fetch_sub(&s->refs, 1) == 1)
		snapshot_free(s);
}

struct snapshot *
snapshot_get(void)
{
	struct snapshot *s;

	pthread_mutex_lock(&snapshot_mtx);
	s = snapshot_current;
	if (s != NULL)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&snapshot_mtx);
	return s;
}

void
snapshot_get_ref(struct snapshot *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void
snapshot_publish(struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&snapshot_mtx);
	old = snapshot_current;
	snapshot_current = s;
	pthread_mutex_unlock(&snapshot_mtx);
	snapshot_put(old);
}

static int
res_cmp(const void *a, const void *b)
{
	const struct snapshot_res *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* bsearch's: the key, a path, against a resource */
static int
path_cmp(const void *key, const void *elem)
{
	const struct snapshot_res *r = elem;

	return strcmp(key, r->path);
}

struct snapshot_res *
snapshot_find(const struct snapshot *s, const char *path)
{
	if (s == NULL || s->nres == 0)
		return NULL;
	return bsearch(path, s->res, s->nres, sizeof *s->res, path_cmp);
}

/* resources of the snapshot being built */
struct build {
	struct snapshot *s;
	const struct snapshot *prev;
	size_t cap;
	int64_t now;
	unsigned renders;
	struct page_changes changes;	/* the audit, for the page */
};

static void build_dates(struct build *, struct snapshot_res *, int64_t);

/* a new, zeroed resource at the end of the snapshot's list */
static struct snapshot_res *
build_slot(struct build *bd)
{
	struct snapshot *s = bd->s;
	struct snapshot_res *r;

	if (s->nres == bd->cap) {
		bd->cap = bd->cap ? bd->cap * 2 : 16;
		s->res = cad_xreallocarray(s->res, bd->cap, sizeof *s->res);
	}
	r = &s->res[s->nres++];
	memset(r, 0, sizeof *r);
	return r;
}

/*
 * Adds a resource whose body is the n pieces pc, written to the body
 * store; takes path.  Its Last-Modified: the previous snapshot's when
 * the body is the same, now when it changed, else natural (the newest
 * LAST-MODIFIED of its series; now when unknown).  0 or -errno with err.
 */
/*
 * SIGTERM or SIGINT waiting (blocked in every thread, read by the main
 * loop's signalfd): a build at national scale takes seconds, and the
 * daemon must stop within 5 s (SPEC § 9).  A build given up has
 * written nothing (see snapshot_build), so stopping loses nothing.
 */
static bool
stop_pending(void)
{
	sigset_t set;

	if (sigpending(&set) != 0)
		return false;
	return sigismember(&set, SIGTERM) == 1 || sigismember(&set, SIGINT) == 1;
}

static int
build_put(struct build *bd, char *path, const char *type,
    const struct cad_ical_piece *pc, size_t n, int64_t natural, int flags,
    struct cad_error *err)
{
	struct snapshot_res *r;
	struct cad_etag et;
	int e;

	if (stop_pending()) {
		free(path);
		cad_error_set(err, "stopping");
		return -ECANCELED;
	}
	r = build_slot(bd);

	r->path = path;
	r->type = type;
	r->flags = flags;
	r->off = body_store_tell(bd->s->bodies);
	e = cad_etag_init(&et);
	for (size_t i = 0; e == 0 && i < n; i++) {
		e = body_store_write(bd->s->bodies, pc[i].data, pc[i].len);
		cad_etag_update(&et, pc[i].data, pc[i].len);
	}
	if (e != 0) {
		cad_etag_drop(&et);
		cad_error_set(err, "%s: %s", path, strerror(-e));
		return e;
	}
	r->len = (size_t)(body_store_tell(bd->s->bodies) - r->off);
	cad_etag_final(&et, r->etag);
	build_dates(bd, r, natural);
	return 0;
}

/* build_put of one buffer, which is emptied */
static int
build_add(struct build *bd, char *path, const char *type, struct cad_buf *body,
    int64_t natural, int flags, struct cad_error *err)
{
	struct cad_ical_piece pc = { body->data, body->len };
	int r = build_put(bd, path, type, &pc, 1, natural, flags, err);

	cad_buf_reset(body);
	return r;
}

/* Last-Modified of r, whose etag is known (see build_add) */
static void
build_dates(struct build *bd, struct snapshot_res *r, int64_t natural)
{
	const struct snapshot_res *old;

	old = snapshot_find(bd->prev, r->path);
	if (old != NULL && strcmp(old->etag, r->etag) == 0)
		r->last_modified = old->last_modified;
	else if (old != NULL || natural <= 0 || natural > bd->now)
		r->last_modified = bd->now;
	else
		r->last_modified = natural;
}

/*
 * A feed over the ceiling (a flat feed of a long horizon_days at
 * national scale) is left out, said once per build, and the other
 * feeds are served: one feed must not take every other one down.
 */
static int
build_too_large(const char *path, int r)
{
	if (r != -E2BIG)
		return r;
	log_warnx("%s is over %u MB and is not served; shorten horizon_days",
	    path, SNAPSHOT_FEED_MAX >> 20);
	return 0;
}

/* a feed from the set, whose series (and, for the flat feeds, whose
   occurrences) are rendered once for all feeds */
static int
build_feed(struct build *bd, struct cad_ical_set *set, char *path,
    const struct cad_feed *f, struct cad_error *err)
{
	int64_t natural;	/* the newest LAST-MODIFIED of its series */
	int64_t stamp = cad_feed_dtstamp(set, f, bd->now, &natural);
	struct cad_ical_doc doc;
	int r;

	r = f->flat ? cad_flat_doc(set, f->forum, f->party, f->name, stamp,
	    SNAPSHOT_FEED_MAX, &doc, err) : cad_ical_set_doc(set, f->forum,
	    f->party, f->name, stamp, SNAPSHOT_FEED_MAX, &doc, err);
	if (r != 0) {
		r = build_too_large(path, r);
		free(path);
		return r;
	}
	bd->renders++;
	r = build_put(bd, path, CT_ICS, doc.pieces, doc.npieces, natural,
	    RES_FEED | RES_CORS, err);
	cad_ical_doc_release(&doc);
	return r;
}

static uint64_t
inputs_hash(unsigned gen, int today, const struct cad_store_inputs *in)
{
	uint64_t h = CAD_FNV_OFFSET;

	h = cad_fnv_int(h, gen);
	h = cad_fnv_int(h, today);
	for (size_t i = 0; i < in->nov; i++) {
		const struct cad_override *o = &in->ov[i];
		h = cad_fnv_str(h, o->uid);
		h = cad_fnv_int(h, o->rid_day);
		h = cad_fnv_int(h, o->rid_time);
		h = cad_fnv_int(h, o->kind);
		h = cad_fnv_int(h, o->new_day);
		h = cad_fnv_int(h, o->new_time);
		h = cad_fnv_str(h, o->reason);
	}
	for (size_t i = 0; i < in->nterm; i++) {
		const struct cad_termination *t = &in->term[i];
		h = cad_fnv_str(h, t->party);
		h = cad_fnv_int(h, t->noticed);
		h = cad_fnv_int(h, t->effective);
	}
	for (size_t i = 0; i < in->ndone; i++) {
		h = cad_fnv_str(h, in->done[i].task);
		h = cad_fnv_str(h, in->done[i].party);
		h = cad_fnv_int(h, in->done[i].due);
	}
	for (size_t i = 0; i < in->nadditions; i++) {
		h = cad_fnv_str(h, in->additions[i].uid);
		h = cad_fnv_int(h, in->additions[i].day);
		h = cad_fnv_int(h, in->additions[i].time);
		h = cad_fnv_str(h, in->additions[i].reason);
	}
	return h;
}

int
snapshot_inputs_hash(const struct snapshot_config *conf, struct cad_store *st,
    int today, uint64_t *out, struct cad_error *err)
{
	struct cad_store_inputs in;
	int r;

	if ((r = cad_store_inputs(st, &in, err)) != 0)
		return r;
	*out = inputs_hash(conf->gen, today, &in);
	cad_store_inputs_release(&in);
	return 0;
}

/* "/<lang><path>", or "<path>" for the default language (lang "") */
static char *
lang_path(const char *lang, const char *path)
{
	return cad_asprintf("%s%s%s", *lang ? "/" : "", lang, path);
}

/* the feeds of SPEC § 5, § 7 and § 10.6 under /LANG (see below) */
static int
build_feeds(struct build *bd, const char *lang, struct cad_ical_set *set,
    const struct cad_deadline *dl, size_t ndl, struct cad_buf *b,
    struct cad_error *err)
{
	const struct cad_config *cfg = bd->s->cfg;
	struct cad_feed *feeds = NULL;
	size_t nfeeds = cad_feeds(cfg, &feeds);
	int64_t natural, stamp;
	int r = 0;

	for (size_t i = 0; r == 0 && i < nfeeds; i++) {
		const struct cad_feed *f = &feeds[i];
		char *full = cad_asprintf("%s%s/%s", *lang ? "/" : "", lang,
		    f->path);

		/* the series feeds are in the body store: their text goes
		   before the flat feeds' is made (a lower peak) */
		if (f->flat && i > 0 && !feeds[i - 1].flat)
			cad_ical_set_drop_text(set);
		if (!f->deadlines) {
			r = build_feed(bd, set, full, f, err);
			continue;
		}
		stamp = cad_feed_dtstamp(set, f, bd->now, &natural);
		r = cad_deadlines_ical(cfg, dl, ndl, f->name, stamp, b, err);
		if (r != 0) {
			r = build_too_large(full, r);
			cad_buf_reset(b);
			free(full);
			continue;
		}
		bd->renders++;
		r = build_add(bd, full, CT_ICS, b, natural, RES_FEED | RES_CORS,
		    err);
	}
	cad_feeds_free(feeds, nfeeds);
	return r;
}

/* /api/v1/compliance for the window (its warnings are the page's too)
   and /api/v1/deadlines */
static int
build_json(struct build *bd, const char *lang, const struct cad_deadline *dl,
    size_t ndl, struct cad_compliance **warn, size_t *nwarn,
    struct cad_buf *b, struct cad_error *err)
{
	struct snapshot *s = bd->s;
	int r;

	if ((r = cad_plan_compliance(s->cfg, &s->ctx, s->from, s->to, warn,
	    nwarn, err)) != 0)
		return r;
	if ((r = cad_json_compliance(b, s->cfg, *warn, *nwarn)) != 0) {
		cad_error_set(err, "compliance: %s", strerror(-r));
		return r;
	}
	if ((r = build_add(bd, lang_path(lang, "/api/v1/compliance"), CT_JSON,
	    b, 0, RES_CORS, err)) != 0)
		return r;
	if ((r = cad_deadlines_json(b, s->cfg, dl, ndl)) != 0) {
		cad_error_set(err, "deadlines: %s", strerror(-r));
		return r;
	}
	return build_add(bd, lang_path(lang, "/api/v1/deadlines"), CT_JSON, b,
	    0, RES_CORS, err);
}

/*
 * Everything people read, rendered in the calling thread's language
 * under /LANG (LANG "": the default language, at the root): the feeds
 * (all.ics, forum/<id>.ics, party/<id>.ics and deadlines.ics, SPEC § 5,
 * § 7), this year's wheel, the compliance and deadline JSON, the page
 * and the accessibility statement, all written to the body store.
 */
static int
build_readable(struct build *bd, const char *lang, const struct cad_plan *plan,
    const struct cad_series_state *states, struct cad_buf *b,
    struct cad_error *err)
{
	struct snapshot *s = bd->s;
	const struct cad_config *cfg = s->cfg;
	struct cad_compliance *warn = NULL;
	struct cad_deadline *dl = NULL;
	struct cad_ical_set *set = NULL;
	size_t nwarn = 0, ndl = 0;
	int r;

	/* every series' VEVENTs are rendered once, on first use, and
	   shared by all the feeds it appears in; the feeds are copied to
	   the body store, so the text goes right after them */
	if ((r = cad_ical_set_new(cfg, &s->ctx, plan, states, &set,
	    err)) != 0)
		goto out;
	if ((r = cad_deadlines(cfg, &s->ctx, &dl, &ndl, err)) != 0 ||
	    (r = cad_feeds_tasks(set, dl, ndl, bd->now, err)) != 0)
		goto out;
	r = build_feeds(bd, lang, set, dl, ndl, b, err);
	cad_ical_set_free(set);
	set = NULL;
	/* the set's text (MBs at national scale) goes back to the system
	   before the wheel and the page make their own peak */
	malloc_trim(0);
	if (r != 0)
		goto out;

	/* /vuosikello.svg: this year's wheel, from the window's plan (it
	   holds the whole year) and deadlines; other years per request */
	if ((r = cad_wheel_svg(cfg, plan, dl, ndl, NULL, cad_year_of(s->today),
	    s->today, b, err)) != 0)
		goto out;
	if ((r = build_add(bd, lang_path(lang, "/vuosikello.svg"), CT_SVG, b,
	    0, 0, err)) != 0)
		goto out;

	if ((r = build_json(bd, lang, dl, ndl, &warn, &nwarn, b, err)) != 0)
		goto out;

	/* the page and the accessibility statement */
	if ((r = page_render(b, cfg, plan, s->today, warn, nwarn, dl,
	    ndl, &bd->changes)) != 0) {
		cad_error_set(err, "page: %s", strerror(-r));
		goto out;
	}
	if ((r = build_add(bd, lang_path(lang, "/"), CT_HTML, b, 0, 0,
	    err)) != 0)
		goto out;
	if ((r = page_statement(b, cfg)) != 0) {
		cad_error_set(err, "page: %s", strerror(-r));
		goto out;
	}
	if ((r = build_add(bd, lang_path(lang, "/saavutettavuus"), CT_HTML, b,
	    0, 0, err)) != 0)
		goto out;
out:
	cad_ical_set_free(set);
	free(warn);
	cad_deadlines_free(dl, ndl);
	return r;
}

/*
 * SEQUENCE and LAST-MODIFIED move only when a series' content does;
 * what changed goes into the outbox, and the deadline reminders due by
 * today after it: all inside the caller's open transaction.
 */
static int
build_sync(struct snapshot *s, struct cad_store *st,
    const struct cad_plan *plan, const char (*hashes)[65],
    struct cad_series_state *states, int64_t now, struct cad_error *err)
{
	int enq = 0, r;

	if (cad_store_readonly(st)) {
		/* a full disk at start: the recorded SEQUENCEs, nothing
		   enqueued until the store can be written again */
		for (size_t i = 0; i < plan->nseries; i++)
			if ((r = cad_store_series_state(st,
			    plan->series[i].uid, now, &states[i], err)) != 0)
				return r;
		return 0;
	}
	if ((r = cad_outbox_sync_hashed(st, s->cfg, &s->ctx, plan, hashes,
	    states, now, &enq, err)) != 0)
		return r;
	s->enqueued = enq;
	if ((r = cad_reminders_sync(st, s->cfg, &s->ctx, s->today, now, &enq,
	    err)) != 0)
		return r;
	s->enqueued += enq;
	return 0;
}

/* everything people read, in each listed language: the default at
   /..., the others under /<lang>/... (SPEC § 10.4) */
static int
build_languages(struct build *bd, const struct cad_plan *plan,
    const struct cad_series_state *states, struct cad_error *err)
{
	const struct cad_config *cfg = bd->s->cfg;
	struct cad_buf b;
	int r = 0;

	cad_buf_init(&b, SNAPSHOT_FEED_MAX);
	for (size_t li = 0; r == 0 && li < cfg->nlangs; li++) {
		if (cad_lang_use(cfg->langs[li]) < 0 && li > 0)
			continue;	/* no locale: `check` says so */
		r = build_readable(bd, li == 0 ? "" :
		    cad_lang_code(cfg->langs[li]), plan, states, &b, err);
	}
	(void)cad_lang_use(cfg->langs[0]);
	if (r == 0)
		r = fault_at("render", err);
	cad_buf_release(&b);
	return r;
}

/*
 * The store's part of a build, in a transaction of its own that holds
 * sqlite's write lock only while it runs: the SEQUENCEs and outbox rows
 * are worked out once aside (rolled back) for the rendering, and again
 * when every document is ready, then committed only if they came out
 * the same (else something wrote to the store meanwhile: the build
 * fails, nothing is kept, and the next tick builds again).  Rendering
 * a national config takes seconds; a cadencectl change must not wait
 * for it.
 */
static int
build_store(struct snapshot *s, struct cad_store *st,
    const struct cad_plan *plan, const char (*hashes)[65],
    struct cad_series_state *states, bool keep, int64_t now,
    struct cad_error *err)
{
	struct cad_series_state *again = NULL;
	int r;

	if (cad_store_readonly(st))
		return keep ? 0 : build_sync(s, st, plan, hashes, states,
		    now, err);
	if ((r = cad_store_begin(st, err)) != 0)
		return r;
	if (!keep)
		r = build_sync(s, st, plan, hashes, states, now, err);
	else {
		again = cad_xcalloc(plan->nseries + 1, sizeof *again);
		r = build_sync(s, st, plan, hashes, again, now, err);
		for (size_t i = 0; r == 0 && i < plan->nseries; i++)
			if (again[i].sequence != states[i].sequence ||
			    again[i].last_modified != states[i].last_modified ||
			    again[i].created != states[i].created) {
				cad_error_set(err, "the series state changed "
				    "during the build; building again");
				r = -EAGAIN;
			}
		free(again);
	}
	/* what the documents were made of, as committed: the key of the
	   kept snapshot (persist.h); "" when unknown (nothing kept) */
	if (r == 0 && keep && cad_store_digest(st, s->store_digest,
	    err) != 0)
		s->store_digest[0] = '\0';
	if (r == 0 && keep && (r = fault_at("commit", err)) == 0 &&
	    (r = cad_store_commit(st, err)) == 0)
		return 0;
	cad_store_rollback(st);
	return r;
}

/* plans, works out the store's part and renders, under the core lock */
static int
build_core(struct build *bd, struct cad_store *st, struct cad_error *err)
{
	struct snapshot *s = bd->s;
	struct cad_series_state *states = NULL;
	struct cad_audit_entry *audit = NULL;
	char (*hashes)[65] = NULL;
	struct cad_plan plan, shown = { 0 };
	int r, from, to;

	memset(&plan, 0, sizeof plan);
	snapshot_core_lock();
	/* hashes, SEQUENCEs and mail start from the default language */
	(void)cad_lang_use(s->cfg->langs[0]);
	/* invitations and hashes: the series from their starts (ical.h) */
	cad_invite_window(s->cfg, &s->ctx, &from, &to);
	if ((r = cad_plan_range(s->cfg, &s->ctx, from, to, &plan,
	    err)) != 0 || (r = fault_at("plan", err)) != 0)
		goto out;
	states = cad_xcalloc(plan.nseries + 1, sizeof *states);
	hashes = cad_xcalloc(plan.nseries + 1, sizeof *hashes);
	cad_ical_series_hashes(s->cfg, &s->ctx, &plan, hashes);
	if ((r = build_store(s, st, &plan, (const char (*)[65])hashes, states,
	    false, bd->now, err)) != 0 ||
	    /* the page shows each meeting's last change */
	    (r = cad_audit_list(st, &audit, &bd->changes.n, err)) != 0)
		goto out;
	bd->changes.v = audit;
	/* the feeds, the page and the wheel show the publish window */
	cad_plan_view(&plan, s->from, s->to, &shown);
	s->nocc = shown.nocc;
	if ((r = build_languages(bd, &shown, states, err)) != 0)
		goto out;
	qsort(s->res, s->nres, sizeof *s->res, res_cmp);
	/* the bodies are all in the store: the series text goes */
	if ((r = body_store_seal(s->bodies, err)) == 0)
		r = build_store(s, st, &plan, (const char (*)[65])hashes,
		    states, true, bd->now, err);
out:
	cad_audit_entries_free(audit, bd->changes.n);
	bd->changes = (struct page_changes){ NULL, 0 };
	free(hashes);
	free(states);
	free(shown.occ);
	cad_plan_release(&plan);
	snapshot_core_unlock();
	return r;
}

/*
 * A build has no effect until it has succeeded: what it writes to the
 * store (SEQUENCEs, outbox rows, reminders) is committed only when
 * every document is rendered (build_store), and the caller publishes
 * the snapshot only then.  A build that fails at any step leaves the
 * store and the served bytes as they were.
 */
int
snapshot_new(struct snapshot_config *conf, struct cad_store *st, int today,
    int64_t now, const struct snapshot *prev, struct snapshot **out,
    struct cad_error *err)
{
	struct snapshot *s = cad_xcalloc(1, sizeof *s);
	int r;

	atomic_init(&s->refs, 1);
	snapshot_config_ref(conf);
	s->conf = conf;
	s->cfg = conf->cfg;
	s->today = today;
	cad_publish_window(s->cfg, today, &s->from, &s->to);
	s->built = now;
	if ((r = cad_store_inputs(st, &s->in, err)) != 0) {
		snapshot_free(s);
		return r;
	}
	s->ctx.today = today;
	cad_store_inputs_ctx(&s->in, today, &s->ctx);
	s->inputs_hash = inputs_hash(conf->gen, today, &s->in);
	s->data_modified = prev != NULL &&
	    prev->inputs_hash == s->inputs_hash ? prev->data_modified : now;
	*out = s;
	return 0;
}

const char *
snapshot_type(const char *type)
{
	for (size_t i = 0; i < sizeof snapshot_types /
	    sizeof snapshot_types[0]; i++)
		if (strcmp(type, snapshot_types[i]) == 0)
			return snapshot_types[i];
	return NULL;
}

int
snapshot_build(struct snapshot_config *conf, struct cad_store *st, int today,
    int64_t now, const struct snapshot *prev, struct snapshot **out,
    struct cad_error *err)
{
	struct snapshot *s = NULL;
	struct build bd = { .prev = prev, .now = now };
	uint64_t t0 = monotonic_usec();
	int r;

	if ((r = snapshot_new(conf, st, today, now, prev, &s, err)) != 0)
		goto out;
	bd.s = s;
	s->bodies = body_store_new();
	if ((r = build_core(&bd, st, err)) != 0)
		goto out;
	metrics_feed_renders(bd.renders);
	metrics_snapshot_built(s->nocc, now, monotonic_usec() - t0);
	*out = s;
	s = NULL;
out:
	snapshot_free(s);
	/* the build's text and libical's trees are freed but would stay
	   in the heap (RSS): given back to the system now */
	malloc_trim(0);
	return r;
}
