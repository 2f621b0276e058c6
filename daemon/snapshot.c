/*
 * snapshot.c - build, publish and look up the immutable state that the
 * HTTP threads serve (see snapshot.h for the locking story).
 */
#include "snapshot.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deadline.h"
#include "wheel.h"
#include "ical.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "output.h"
#include "page.h"
#include "reminder.h"

#define SNAPSHOT_FEED_MAX	(32u << 20) /* ceiling of one feed */

#define CT_ICS	"text/calendar; charset=utf-8"
#define CT_JSON	"application/json; charset=utf-8"
#define CT_HTML	"text/html; charset=utf-8"
#define CT_SVG	"image/svg+xml"

static pthread_mutex_t snapshot_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t snapshot_core_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *snapshot_current;
static unsigned snapshot_config_gen;

/* FNV-1a, 64 bits */
#define FNV_OFFSET	0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
fnv_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= FNV_PRIME;
	}
	return h;
}

static uint64_t
fnv_str(uint64_t h, const char *s)
{
	/* the NUL too, so that ("ab","c") and ("a","bc") differ */
	return s == NULL ? fnv_add(h, "\xff", 1) : fnv_add(h, s, strlen(s) + 1);
}

static uint64_t
fnv_int(uint64_t h, long long v)
{
	return fnv_add(h, &v, sizeof v);
}

void
snapshot_etag(const void *body, size_t len, char out[static 48])
{
	/* two independent 64-bit hashes and the length: a collision would
	   need all three to agree */
	uint64_t a = fnv_add(FNV_OFFSET, body, len);
	uint64_t b = fnv_add(0x84222325cbf29ce4ULL, body, len);

	snprintf(out, 48, "\"%016llx%016llx-%zx\"", (unsigned long long)a,
	    (unsigned long long)b, len);
}

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

static uint64_t
monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
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
		free(s->res[i].path);
		free(s->res[i].body);
	}
	free(s->res);
	cad_overrides_free(s->overrides, s->noverrides);
	cad_terminations_free(s->terminations, s->nterminations);
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

const struct snapshot_res *
snapshot_find(const struct snapshot *s, const char *path)
{
	struct snapshot_res key = { .path = (char *)path };

	if (s == NULL || s->nres == 0)
		return NULL;
	return bsearch(&key, s->res, s->nres, sizeof *s->res, res_cmp);
}

/* resources of the snapshot being built */
struct build {
	struct snapshot *s;
	const struct snapshot *prev;
	size_t cap;
	int64_t now;
	unsigned renders;
};

/*
 * Adds a resource, stealing body.  Its Last-Modified: the previous
 * snapshot's when the body is the same, now when it changed, else
 * natural (the newest LAST-MODIFIED of its series; now when unknown).
 */
static void
build_add(struct build *bd, char *path, const char *type, struct cad_buf *body,
    int64_t natural, int flags)
{
	struct snapshot *s = bd->s;
	struct snapshot_res *r;
	const struct snapshot_res *old;

	if (s->nres == bd->cap) {
		bd->cap = bd->cap ? bd->cap * 2 : 16;
		s->res = cad_xreallocarray(s->res, bd->cap, sizeof *s->res);
	}
	r = &s->res[s->nres++];
	memset(r, 0, sizeof *r);
	r->path = path;
	r->type = type;
	r->len = body->len;
	r->body = cad_buf_steal(body);
	if (r->body == NULL)
		r->body = cad_strdup("");
	r->flags = flags;
	snapshot_etag(r->body, r->len, r->etag);
	old = snapshot_find(bd->prev, path);
	if (old != NULL && strcmp(old->etag, r->etag) == 0)
		r->last_modified = old->last_modified;
	else if (old != NULL || natural <= 0 || natural > bd->now)
		r->last_modified = bd->now;
	else
		r->last_modified = natural;
}

/* the newest LAST-MODIFIED of the series marked in `in` (0: none) */
static int64_t
newest(const struct cad_plan *plan, const struct cad_series_state *states,
    const bool *in)
{
	int64_t lm = 0;

	for (size_t i = 0; i < plan->nseries; i++)
		if (in[i] && states[i].last_modified > lm)
			lm = states[i].last_modified;
	return lm;
}

static int
build_feed(struct build *bd, const struct cad_plan *plan,
    const struct cad_series_state *states, char *path, const char *name,
    int forum, int party, int64_t natural, struct cad_error *err)
{
	const struct snapshot *s = bd->s;
	struct cad_buf b;
	int r;

	cad_buf_init(&b, SNAPSHOT_FEED_MAX);
	/* DTSTAMP = the feed's own Last-Modified, so that an unchanged
	   feed renders to the same bytes (and ETag) after a restart */
	r = cad_ical_feed(s->cfg, &s->ctx, plan, states, forum, party, name,
	    natural > 0 ? natural : bd->now, &b, err);
	if (r != 0) {
		cad_buf_release(&b);
		free(path);
		return r;
	}
	bd->renders++;
	build_add(bd, path, CT_ICS, &b, natural, RES_FEED | RES_CORS);
	return 0;
}

static uint64_t
inputs_hash(unsigned gen, int today, const struct cad_override *ov,
    size_t nov, const struct cad_termination *tm, size_t ntm)
{
	uint64_t h = FNV_OFFSET;

	h = fnv_int(h, gen);
	h = fnv_int(h, today);
	for (size_t i = 0; i < nov; i++) {
		const struct cad_override *o = &ov[i];
		h = fnv_str(h, o->uid);
		h = fnv_int(h, o->rid_day);
		h = fnv_int(h, o->rid_time);
		h = fnv_int(h, o->kind);
		h = fnv_int(h, o->new_day);
		h = fnv_int(h, o->new_time);
		h = fnv_str(h, o->reason);
	}
	for (size_t i = 0; i < ntm; i++) {
		const struct cad_termination *t = &tm[i];
		h = fnv_str(h, t->party);
		h = fnv_int(h, t->noticed);
		h = fnv_int(h, t->effective);
	}
	return h;
}

int
snapshot_inputs_hash(const struct snapshot_config *conf, struct cad_store *st,
    int today, uint64_t *out, struct cad_error *err)
{
	struct cad_override *ov = NULL;
	struct cad_termination *tm = NULL;
	size_t nov = 0, ntm = 0;
	int r;

	if ((r = cad_store_overrides(st, &ov, &nov, err)) != 0)
		return r;
	if ((r = cad_store_terminations(st, &tm, &ntm, err)) != 0) {
		cad_overrides_free(ov, nov);
		return r;
	}
	*out = inputs_hash(conf->gen, today, ov, nov, tm, ntm);
	cad_overrides_free(ov, nov);
	cad_terminations_free(tm, ntm);
	return 0;
}

int
snapshot_build(struct snapshot_config *conf, struct cad_store *st, int today,
    int64_t now, const struct snapshot *prev, struct snapshot **out,
    struct cad_error *err)
{
	const struct cad_config *cfg = conf->cfg;
	struct snapshot *s = cad_xcalloc(1, sizeof *s);
	struct build bd = { .s = s, .prev = prev, .now = now };
	struct cad_plan plan;
	struct cad_series_state *states = NULL;
	struct cad_compliance *warn = NULL;
	struct cad_deadline *dl = NULL;
	size_t nwarn = 0, ndl = 0;
	int64_t natural;
	bool *in = NULL;
	struct cad_buf b;
	const char *title;
	char *name;
	uint64_t t0 = monotonic_usec();
	int enq = 0, r;

	snapshot_core_lock();
	memset(&plan, 0, sizeof plan);
	cad_buf_init(&b, SNAPSHOT_FEED_MAX);
	atomic_init(&s->refs, 1);
	snapshot_config_ref(conf);
	s->conf = conf;
	s->cfg = cfg;
	s->today = today;
	cad_publish_window(cfg, today, &s->from, &s->to);
	s->built = now;

	if ((r = cad_store_overrides(st, &s->overrides, &s->noverrides,
	    err)) != 0)
		goto out;
	if ((r = cad_store_terminations(st, &s->terminations,
	    &s->nterminations, err)) != 0)
		goto out;
	s->ctx.today = today;
	s->ctx.overrides = s->overrides;
	s->ctx.noverrides = s->noverrides;
	s->ctx.terminations = s->terminations;
	s->ctx.nterminations = s->nterminations;
	s->inputs_hash = inputs_hash(conf->gen, today, s->overrides,
	    s->noverrides, s->terminations, s->nterminations);
	s->data_modified = prev != NULL &&
	    prev->inputs_hash == s->inputs_hash ? prev->data_modified : now;

	if ((r = cad_plan_range(cfg, &s->ctx, s->from, s->to, &plan,
	    err)) != 0)
		goto out;
	s->nocc = plan.nocc;

	/* SEQUENCE and LAST-MODIFIED move only when a series' content
	   does; what changed goes into the outbox in the same transaction,
	   and the deadline reminders due by today after it */
	states = cad_xcalloc(plan.nseries + 1, sizeof *states);
	in = cad_xcalloc(plan.nseries + 1, sizeof *in);
	if ((r = cad_outbox_sync(st, cfg, &s->ctx, &plan, states, now,
	    &enq, err)) != 0)
		goto out;
	s->enqueued = enq;
	if ((r = cad_reminders_sync(st, cfg, &s->ctx, today, now, &enq,
	    err)) != 0)
		goto out;
	s->enqueued += enq;

	/* /calendars/all.ics */
	for (size_t i = 0; i < plan.nseries; i++)
		in[i] = true;
	title = cfg->agreement.present && cfg->agreement.title != NULL ?
	    cfg->agreement.title : "Yhteistyöfoorumit";
	name = cad_asprintf("%s: kaikki kokoukset", title);
	r = build_feed(&bd, &plan, states, cad_strdup("/calendars/all.ics"),
	    name, -1, -1, newest(&plan, states, in), err);
	free(name);
	if (r != 0)
		goto out;

	/* /calendars/forum/<id>.ics: every series of the forum */
	for (size_t f = 0; f < cfg->nforums; f++) {
		for (size_t i = 0; i < plan.nseries; i++)
			in[i] = plan.series[i].forum == (int)f;
		if ((r = build_feed(&bd, &plan, states,
		    cad_asprintf("/calendars/forum/%s.ics", cfg->forums[f].id),
		    cfg->forums[f].name, (int)f, -1,
		    newest(&plan, states, in), err)) != 0)
			goto out;
	}

	/* /calendars/party/<id>.ics: what the party convenes or attends */
	for (size_t p = 0; p < cfg->nparties; p++) {
		for (size_t i = 0; i < plan.nseries; i++)
			in[i] = plan.series[i].convenor == (int)p ||
			    plan.series[i].party == (int)p;
		for (size_t i = 0; i < plan.nocc; i++)
			if (cad_plan_involves(cfg, &s->ctx, &plan,
			    &plan.occ[i], (int)p))
				in[plan.occ[i].series] = true;
		name = cad_asprintf("%s: kokoukset", cfg->parties[p].name);
		r = build_feed(&bd, &plan, states,
		    cad_asprintf("/calendars/party/%s.ics", cfg->parties[p].id),
		    name, -1, (int)p, newest(&plan, states, in), err);
		free(name);
		if (r != 0)
			goto out;
	}

	/* /calendars/deadlines.ics: the agreement's deadlines (SPEC § 7) as
	   all-day events; stamped like all.ics so that the bytes stay the
	   same across restarts */
	if ((r = cad_deadlines(cfg, s->terminations, s->nterminations, &dl,
	    &ndl, err)) != 0)
		goto out;
	for (size_t i = 0; i < plan.nseries; i++)
		in[i] = true;
	natural = newest(&plan, states, in);
	if ((r = cad_deadlines_ical(cfg, dl, ndl, NULL,
	    natural > 0 ? natural : now, &b, err)) != 0)
		goto out;
	bd.renders++;
	build_add(&bd, cad_strdup("/calendars/deadlines.ics"), CT_ICS, &b,
	    natural, RES_FEED | RES_CORS);

	/* /vuosikello.svg: this year's wheel; other years per request */
	if ((r = cad_wheel_year(cfg, &s->ctx, NULL, cad_year_of(today), &b,
	    err)) != 0)
		goto out;
	build_add(&bd, cad_strdup("/vuosikello.svg"), CT_SVG, &b, 0, 0);

	/* /api/v1/compliance for the window */
	if ((r = cad_plan_compliance(cfg, &s->ctx, s->from, s->to, &warn,
	    &nwarn, err)) != 0)
		goto out;
	if ((r = cad_json_compliance(&b, cfg, warn, nwarn)) != 0) {
		cad_error_set(err, "compliance: %s", strerror(-r));
		goto out;
	}
	build_add(&bd, cad_strdup("/api/v1/compliance"), CT_JSON, &b, 0,
	    RES_CORS);

	/* /api/v1/deadlines */
	if ((r = cad_deadlines_json(&b, dl, ndl)) != 0) {
		cad_error_set(err, "deadlines: %s", strerror(-r));
		goto out;
	}
	build_add(&bd, cad_strdup("/api/v1/deadlines"), CT_JSON, &b, 0,
	    RES_CORS);

	/* the page */
	if ((r = page_render(&b, cfg, &plan, today, warn, nwarn, dl,
	    ndl)) != 0) {
		cad_error_set(err, "page: %s", strerror(-r));
		goto out;
	}
	build_add(&bd, cad_strdup("/"), CT_HTML, &b, 0, 0);

	qsort(s->res, s->nres, sizeof *s->res, res_cmp);
	metrics_feed_renders(bd.renders);
	metrics_snapshot_built(s->nocc, now, monotonic_usec() - t0);
	*out = s;
	s = NULL;
	r = 0;
out:
	cad_buf_release(&b);
	free(warn);
	cad_deadlines_free(dl, ndl);
	free(in);
	free(states);
	cad_plan_release(&plan);
	snapshot_free(s);
	snapshot_core_unlock();
	return r;
}
