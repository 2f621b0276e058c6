/*
 * ical_set.c - the feeds of one plan (SPEC § 5) from text rendered once
 * per series: a party's feed, a forum's and all.ics are the same
 * fragments in other selections, each with its own DTSTAMP.
 */
#include "render/ical.h"
#include "render/ical_int.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "render/flat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#define STAMP_LEN	CAD_ICAL_STAMP_LEN

static const char feed_end[] = "END:VCALENDAR\r\n";

void
cad_ical_party_index(struct cad_ical_set *set)
{
	const struct cad_config *cfg = set->cfg;
	size_t np = cfg->nparties, *cap;
	int *people = NULL;
	size_t maxp = 0;

	if (set->pseries != NULL || set->plan == NULL)
		return;
	set->pseries = cad_xcalloc(np + 1, sizeof *set->pseries);
	set->npseries = cad_xcalloc(np + 1, sizeof *set->npseries);
	cap = cad_xcalloc(np + 1, sizeof *cap);
	for (size_t f = 0; f < cfg->nforums; f++)
		if (cfg->forums[f].nparticipants > maxp)
			maxp = cfg->forums[f].nparticipants;
	people = cad_xcalloc(maxp + 2, sizeof *people);
	for (size_t s = 0; s < set->nseries; s++) {
		size_t n = cad_ical_series_people(cfg, &set->plan->series[s], people);
		for (size_t i = 0; i < n; i++) {
			int p = people[i];
			if (p < 0 || (size_t)p >= np)
				continue;
			if (set->npseries[p] == cap[p]) {
				cap[p] = cap[p] ? 2 * cap[p] : 8;
				set->pseries[p] = cad_xreallocarray(
				    set->pseries[p], cap[p], sizeof(size_t));
			}
			set->pseries[p][set->npseries[p]++] = s;
		}
	}
	free(people);
	free(cap);
}

int
cad_ical_set_new(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, struct cad_ical_set **out,
    struct cad_error *err)
{
	struct cad_ical_set *set;
	icalcomponent *vtz = NULL;
	struct cad_buf b;
	int r;

	*out = NULL;
	if ((r = cad_ical_vtimezone(cfg->timezone, &vtz, err)) < 0)
		return r;
	cad_buf_init(&b, 0);
	r = cad_ical_write(&b, vtz, err);
	icalcomponent_free(vtz);
	if (r < 0) {
		cad_buf_release(&b);
		return r;
	}
	set = cad_xcalloc(1, sizeof *set);
	set->vtzlen = b.len;
	set->vtimezone = cad_buf_steal(&b);
	set->cfg = cfg;
	set->ctx = ctx;
	set->plan = plan;
	set->states = states;
	set->nseries = plan->nseries;
	set->nocc = plan->nocc;
	set->last_modified = cad_xcalloc(plan->nseries + 1,
	    sizeof *set->last_modified);
	for (size_t s = 0; states != NULL && s < plan->nseries; s++)
		set->last_modified[s] = states[s].last_modified;

	cad_ical_occ_index(plan, &set->off, &set->ord, &set->rid);
	set->frags = cad_xcalloc(plan->nseries + 1, sizeof *set->frags);
	*out = set;
	return 0;
}

void
cad_ical_set_finish(struct cad_ical_set *set)
{
	if (set == NULL)
		return;
	set->plan = NULL;
	set->ctx = NULL;
	set->states = NULL;
	free(set->off);
	free(set->ord);
	free(set->rid);
	set->off = NULL;
	set->ord = set->rid = NULL;
	if (set->pseries != NULL)
		for (size_t p = 0; p < set->cfg->nparties; p++)
			free(set->pseries[p]);
	free(set->pseries);
	free(set->npseries);
	set->pseries = NULL;
	set->npseries = NULL;
}

void
cad_ical_set_drop_text(struct cad_ical_set *set)
{
	for (size_t s = 0; s < set->nseries; s++)
		cad_ical_frag_release(&set->frags[s]);
	for (size_t i = 0; i < set->nparts; i++)
		cad_ical_frag_release(&set->parts[i].fr);
	set->nparts = 0;
	for (size_t i = 0; set->flat != NULL && i < set->nocc; i++)
		cad_ical_frag_release(&set->flat[i]);
}

void
cad_ical_set_free(struct cad_ical_set *set)
{
	if (set == NULL)
		return;
	cad_ical_set_finish(set);
	cad_ical_set_drop_text(set);
	free(set->flat);
	free(set->frags);
	free(set->parts);
	free(set->last_modified);
	free(set->vtimezone);
	for (size_t p = 0; set->ptasks != NULL && p < set->cfg->nparties; p++)
		cad_buf_release(&set->ptasks[p]);
	free(set->ptasks);
	free(set);
}

/* the VEVENTs of party p's task deadlines into set->ptasks[p] */
static int
party_tasks(struct cad_ical_set *set, int p, const struct cad_deadline *dl,
    size_t n, int64_t dtstamp, struct cad_error *err)
{
	const char *id = set->cfg->parties[p].id;
	struct cad_deadline *mine = cad_xcalloc(n + 1, sizeof *mine);
	struct cad_buf b;
	size_t k = 0;
	int r = 0;

	for (size_t i = 0; i < n; i++)
		if (dl[i].kind == CAD_DEADLINE_TASK && dl[i].party != NULL &&
		    strcmp(dl[i].party, id) == 0)
			mine[k++] = dl[i];	/* borrowed, not freed */
	cad_buf_init(&b, 0);
	if (k > 0 && (r = cad_deadlines_ical(set->cfg, mine, k, "", dtstamp,
	    &b, err)) == 0) {
		/* the events: from the first to END:VCALENDAR */
		const char *ev = strstr(b.data, "BEGIN:VEVENT\r\n");
		size_t end = b.len - (sizeof feed_end - 1);
		if (ev == NULL || b.len < sizeof feed_end - 1 ||
		    strcmp(b.data + end, feed_end) != 0) {
			cad_error_set(err, "libical: unexpected calendar "
			    "text");
			r = -EINVAL;
		} else {
			cad_buf_add(&set->ptasks[p], ev,
			    end - (size_t)(ev - b.data));
			r = cad_buf_error(&set->ptasks[p]);
		}
	}
	cad_buf_release(&b);
	free(mine);
	return r;
}

int
cad_ical_set_tasks(struct cad_ical_set *set, const struct cad_deadline *dl,
    size_t n, int64_t dtstamp, struct cad_error *err)
{
	int r = 0;

	if (set->ptasks == NULL) {
		set->ptasks = cad_xcalloc(set->cfg->nparties + 1,
		    sizeof *set->ptasks);
		for (size_t p = 0; p < set->cfg->nparties; p++)
			cad_buf_init(&set->ptasks[p], 0);
	}
	for (size_t p = 0; r == 0 && p < set->cfg->nparties; p++) {
		cad_buf_reset(&set->ptasks[p]);
		r = party_tasks(set, (int)p, dl, n, dtstamp, err);
	}
	return r;
}

/* the VEVENTs of series s made of v[0..n) (RECURRENCE-ID order) */
static int
render_frag(struct cad_ical_set *set, size_t s,
    const struct cad_occurrence **v, size_t n, struct cad_ical_frag *fr,
    struct cad_error *err)
{
	const struct cad_series_state *states = set->states;
	icalcomponent *cal;

	/* without stored state the stamps are the feed's DTSTAMP, which
	   each feed writes into the fragment's slots */
	cal = cad_ical_series_cal(set->cfg, set->ctx, set->plan, s, v, n,
	    states != NULL ? &states[s] : NULL, set->invitation);
	return cad_ical_frag_of(cal, states == NULL, set->plan->series[s].uid,
	    fr, err);
}

/* the piece of a feed that series s gives (NULL: none, or an error) */
static const struct cad_ical_frag *
series_frag(struct cad_ical_set *set, size_t s, int party, int *rp,
    struct cad_error *err)
{
	const struct cad_occurrence **v;
	size_t n, k = 0;
	struct cad_ical_frag *fr;

	*rp = 0;
	n = set->off[s + 1] - set->off[s];
	if (n == 0)
		return NULL;
	if (party >= 0) {
		for (size_t i = set->off[s]; i < set->off[s + 1]; i++)
			if (cad_plan_involves(set->cfg, set->ctx, set->plan,
			    set->ord[i], party))
				k++;
		if (k == 0)
			return NULL;
	}
	if (party < 0 || k == n) {
		fr = &set->frags[s];
		if (!fr->done && (*rp = render_frag(set, s,
		    set->rid + set->off[s], n, fr, err)) < 0)
			return NULL;
		return fr;
	}
	/* the party left part-way: its own text, once */
	for (size_t i = 0; i < set->nparts; i++)
		if (set->parts[i].series == s && set->parts[i].party == party)
			return &set->parts[i].fr;
	v = cad_xcalloc(n, sizeof *v);
	k = 0;
	for (size_t i = set->off[s]; i < set->off[s + 1]; i++)
		if (cad_plan_involves(set->cfg, set->ctx, set->plan,
		    set->ord[i], party))
			v[k++] = set->ord[i];
	qsort(v, k, sizeof *v, cad_ical_cmp_rid);
	if (set->nparts == set->capparts) {
		set->capparts = set->capparts ? 2 * set->capparts : 8;
		set->parts = cad_xreallocarray(set->parts, set->capparts,
		    sizeof *set->parts);
	}
	memset(&set->parts[set->nparts], 0, sizeof *set->parts);
	set->parts[set->nparts].series = s;
	set->parts[set->nparts].party = party;
	fr = &set->parts[set->nparts].fr;
	*rp = render_frag(set, s, v, k, fr, err);
	free(v);
	if (*rp < 0) {
		cad_ical_frag_release(fr);
		return NULL;
	}
	set->nparts++;
	return fr;
}

/*
 * head: the VCALENDAR's lines up to its components (with NAME), stamp
 * the feed's DTSTAMP value.
 */
static int
walk_feed(struct cad_ical_set *set, bool flat, int forum, int party,
    const char *head, size_t headlen, const char *stamp, cad_ical_piece_fn fn,
    void *arg, struct cad_error *err)
{
	const struct cad_ical_frag *fr;
	int r;

	if (set->plan == NULL) {
		cad_error_set(err, "feed set already finished");
		return -EINVAL;
	}
	if ((r = fn(arg, head, headlen)) < 0 ||
	    (r = fn(arg, set->vtimezone, set->vtzlen)) < 0)
		return r;
	if (flat) {
		if ((r = cad_flat_walk(set, forum, party, stamp, fn, arg,
		    err)) < 0)
			return r;
	} else if (party >= 0) {
		cad_ical_party_index(set);
		if ((size_t)party >= set->cfg->nparties)
			return fn(arg, feed_end, sizeof feed_end - 1);
		for (size_t i = 0; i < set->npseries[party]; i++) {
			size_t s = set->pseries[party][i];
			if (forum >= 0 && set->plan->series[s].forum != forum)
				continue;
			fr = series_frag(set, s, party, &r, err);
			if (r < 0)
				return r;
			if (fr != NULL && (r = cad_ical_frag_walk(fr, stamp, fn,
			    arg)) < 0)
				return r;
		}
		if (forum < 0 && set->ptasks != NULL &&
		    set->ptasks[party].len > 0 &&
		    (r = fn(arg, set->ptasks[party].data,
		    set->ptasks[party].len)) < 0)
			return r;
	} else {
		for (size_t s = 0; s < set->nseries; s++) {
			if (forum >= 0 && set->plan->series[s].forum != forum)
				continue;
			fr = series_frag(set, s, -1, &r, err);
			if (r < 0)
				return r;
			if (fr != NULL && (r = cad_ical_frag_walk(fr, stamp, fn,
			    arg)) < 0)
				return r;
		}
	}
	return fn(arg, feed_end, sizeof feed_end - 1);
}

/* the header of a feed named name, without END:VCALENDAR */
static int
feed_head(const struct cad_config *cfg, const char *name, struct cad_buf *b,
    struct cad_error *err)
{
	icalcomponent *cal = cad_ical_publish_calendar(cfg, name);
	int r = cad_ical_write(b, cal, err);

	icalcomponent_free(cal);
	if (r < 0)
		return r;
	if (b->len < sizeof feed_end - 1 || memcmp(b->data + b->len -
	    (sizeof feed_end - 1), feed_end, sizeof feed_end - 1) != 0) {
		cad_error_set(err, "libical: unexpected calendar text");
		return -EINVAL;
	}
	b->len -= sizeof feed_end - 1;
	b->data[b->len] = '\0';
	return 0;
}

static void
format_stamp(int64_t t, char out[static STAMP_LEN + 1])
{
	cad_ical_time_text(cad_ical_utc_time(t), true, out);
}

static int
piece_to_buf(void *arg, const char *p, size_t len)
{
	cad_buf_add(arg, p, len);
	return cad_buf_error(arg);
}

int
cad_ical_set_feed(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	return cad_ical_set_feed_of(set, false, forum, party, name, dtstamp,
	    out, err);
}

int
cad_ical_set_feed_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	size_t start_len = out->len;
	char stamp[STAMP_LEN + 1];
	struct cad_buf head;
	int r;

	format_stamp(dtstamp, stamp);
	cad_buf_init(&head, 0);
	if ((r = feed_head(set->cfg, name, &head, err)) == 0) {
		r = walk_feed(set, flat, forum, party, head.data, head.len,
		    stamp, piece_to_buf, out, err);
		if (r == -E2BIG)
			cad_error_set(err, "calendar too large: %s",
			    strerror(-r));
		if (r < 0 && out->len > start_len) {
			out->len = start_len;
			out->data[start_len] = '\0';
		}
	}
	cad_buf_release(&head);
	return r;
}

struct doc_build {
	struct cad_ical_doc *doc;
	size_t cap;
	size_t max;
};

static int
piece_to_doc(void *arg, const char *p, size_t len)
{
	struct doc_build *db = arg;
	struct cad_ical_doc *d = db->doc;

	if (len == 0)
		return 0;
	if (len > db->max || d->len + len > db->max)
		return -E2BIG;
	/* a piece right after the previous one in memory joins it */
	if (d->npieces > 0 && (const char *)d->pieces[d->npieces - 1].data +
	    d->pieces[d->npieces - 1].len == p) {
		d->pieces[d->npieces - 1].len += len;
		d->len += len;
		return 0;
	}
	if (d->npieces == db->cap) {
		db->cap = db->cap ? 2 * db->cap : 64;
		d->pieces = cad_xreallocarray(d->pieces, db->cap,
		    sizeof *d->pieces);
	}
	d->pieces[d->npieces].data = p;
	d->pieces[d->npieces].len = len;
	d->npieces++;
	d->len += len;
	return 0;
}

int
cad_ical_set_doc(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, size_t max, struct cad_ical_doc *doc,
    struct cad_error *err)
{
	return cad_ical_set_doc_of(set, false, forum, party, name, dtstamp,
	    max, doc, err);
}

int
cad_ical_set_doc_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, size_t max,
    struct cad_ical_doc *doc, struct cad_error *err)
{
	struct doc_build db = { .doc = doc, .max = max ? max : SIZE_MAX };
	struct cad_buf head;
	int r;

	memset(doc, 0, sizeof *doc);
	cad_buf_init(&head, 0);
	if ((r = feed_head(set->cfg, name, &head, err)) < 0) {
		cad_buf_release(&head);
		return r;
	}
	/* own: the header, then the stamp */
	doc->own = cad_xcalloc(head.len + STAMP_LEN + 1, 1);
	memcpy(doc->own, head.data, head.len);
	format_stamp(dtstamp, doc->own + head.len);
	r = walk_feed(set, flat, forum, party, doc->own, head.len,
	    doc->own + head.len, piece_to_doc, &db, err);
	cad_buf_release(&head);
	if (r < 0) {
		if (r == -E2BIG)
			cad_error_set(err, "calendar too large: %s",
			    strerror(-r));
		cad_ical_doc_release(doc);
		return r;
	}
	/* the array at its size */
	if (doc->npieces > 0)
		doc->pieces = cad_xreallocarray(doc->pieces, doc->npieces,
		    sizeof *doc->pieces);
	return 0;
}

void
cad_ical_doc_release(struct cad_ical_doc *doc)
{
	free(doc->pieces);
	free(doc->own);
	memset(doc, 0, sizeof *doc);
}

int64_t
cad_ical_set_newest(struct cad_ical_set *set, int forum, int party)
{
	int64_t lm = 0;

	if (set->plan == NULL)
		return 0;
	if (forum < 0 && party >= 0) {
		cad_ical_party_index(set);
		if ((size_t)party >= set->cfg->nparties)
			return 0;
		for (size_t i = 0; i < set->npseries[party]; i++) {
			size_t s = set->pseries[party][i];
			const struct cad_series *se = &set->plan->series[s];
			bool in = se->convenor == party || se->party == party;
			for (size_t j = set->off[s]; !in &&
			    j < set->off[s + 1]; j++)
				in = cad_plan_involves(set->cfg, set->ctx,
				    set->plan, set->ord[j], party);
			if (in && set->last_modified[s] > lm)
				lm = set->last_modified[s];
		}
		return lm;
	}
	for (size_t s = 0; s < set->nseries; s++)
		if ((forum < 0 || set->plan->series[s].forum == forum) &&
		    set->last_modified[s] > lm)
			lm = set->last_modified[s];
	return lm;
}

int
cad_ical_feed(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	struct cad_ical_set *set;
	int r;

	if ((r = cad_ical_set_new(cfg, ctx, plan, states, &set, err)) < 0)
		return r;
	r = cad_ical_set_feed(set, forum, party, name, dtstamp, out, err);
	cad_ical_set_free(set);
	return r;
}

int
cad_ical_invitation(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, const char *name,
    int64_t dtstamp, struct cad_buf *out, struct cad_error *err)
{
	struct cad_ical_set *set;
	int r;

	if ((r = cad_ical_set_new(cfg, ctx, plan, states, &set, err)) < 0)
		return r;
	set->invitation = true;
	r = cad_ical_set_feed(set, -1, -1, name, dtstamp, out, err);
	cad_ical_set_free(set);
	return r;
}

