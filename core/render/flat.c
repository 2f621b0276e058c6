/*
 * flat.c - the flat feeds (see flat.h): every CONFIRMED occurrence as a
 * VEVENT of its own, built from the full feed's instance VEVENT
 * (cad_ical_occurrence_event) under an UID of its own, rendered once per
 * set and shared by the flat feeds (render/ical_int.h).
 */
#include "render/flat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "render/ical_int.h"

/* a local DATE-TIME as libical writes it: LOCAL_LEN octets and a NUL */
#define LOCAL_LEN	15

static void
local_text(int day, int minutes, char out[static LOCAL_LEN + 1])
{
	cad_ical_time_text(cad_ical_local_time(day, minutes), false, out);
}

/* "<YYYYMMDDTHHMMSS>-<series uid>" of occurrence o */
static char *
flat_uid(const struct cad_plan *plan, const struct cad_occurrence *o)
{
	char rid[LOCAL_LEN + 1];

	local_text(o->rid_day, o->rid_time, rid);
	return cad_asprintf("%s-%s", rid, plan->series[o->series].uid);
}

static bool
in_feed(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, const struct cad_occurrence *o, int forum,
    int party)
{
	if (o->status != CAD_CONFIRMED || o->series >= plan->nseries)
		return false;
	if (forum >= 0 && plan->series[o->series].forum != forum)
		return false;
	return party < 0 || cad_plan_involves(cfg, ctx, plan, o, party);
}

/*
 * Two flat VEVENTs of one series differ in their first lines (UID, the
 * stamps, DTSTART, DTEND) and are alike from SUMMARY on (LOCATION,
 * DESCRIPTION, STATUS, ORGANIZER: most of their bytes), unless one was
 * moved or meets elsewhere.  So a VEVENT goes through libical only when
 * no alike one of its series (cad_ical_alike) has: else it is that one's
 * text with its own UID date, DTSTART and DTEND written in (flat_like).
 * And it keeps only its own beginning, walking the end of one kept whole
 * for the rest (its tail): at national scale the flat text held while
 * the flat feeds are made is 2.5 MB instead of 9 MB, made in a quarter
 * of the time, and the bytes are the same.  The fragments go together
 * (cad_ical_set_drop_text, cad_ical_set_free), so a tail never outlives
 * the text it points into.
 */
#define FLAT_SHARE_MIN		64	/* a shorter common end: kept whole */
#define FLAT_SHARE_TRIES	4	/* whole ones of the series looked at */

/* the next whole fragment of series s from *j on (its occurrence into
   *occ), at most *tries more; NULL: none */
static const struct cad_ical_frag *
next_whole(const struct cad_ical_set *set, size_t s, size_t *j,
    size_t *tries, const struct cad_occurrence **occ)
{
	for (; *j < set->off[s + 1] && *tries < FLAT_SHARE_TRIES; (*j)++) {
		const struct cad_ical_frag *fr =
		    &set->flat[set->ord[*j] - set->plan->occ];
		if (!fr->done || fr->taillen > 0)
			continue;
		(*tries)++;
		*occ = set->ord[(*j)++];
		return fr;
	}
	return NULL;
}

static size_t
common_end(const struct cad_ical_frag *a, const struct cad_ical_frag *b,
    size_t max)
{
	size_t k = 0;

	while (k < max && k < b->len &&
	    a->text[a->len - 1 - k] == b->text[b->len - 1 - k])
		k++;
	return k;
}

/* fr, just rendered, shares the longest end it has with a whole one */
static void
flat_share(struct cad_ical_set *set, struct cad_ical_frag *fr, size_t series)
{
	const struct cad_ical_frag *ref = NULL, *o;
	const struct cad_occurrence *occ;
	size_t j = set->off[series], tries = 0, best = 0, max = fr->len, k;
	char *head;

	/* the stamps stay in the own beginning */
	if (fr->nslots > 0)
		max -= fr->slots[fr->nslots - 1] + CAD_ICAL_STAMP_LEN;
	while ((o = next_whole(set, series, &j, &tries, &occ)) != NULL)
		if (o != fr && (k = common_end(fr, o, max)) > best) {
			best = k;
			ref = o;
		}
	if (best < FLAT_SHARE_MIN)
		return;		/* whole: later ones may share its end */
	fr->len -= best;
	if ((head = realloc(fr->text, fr->len + 1)) != NULL)
		fr->text = head;	/* else the longer block stays */
	fr->text[fr->len] = '\0';
	fr->tail = ref->text + ref->len - best;
	fr->taillen = best;
}

/*
 * Where the value of the content line name (with its CRLF before it)
 * lies in whole fragment fr, when it is value (LOCAL_LEN octets) followed
 * by next; 0 when not so (not there, or folded).
 */
static size_t
value_at(const struct cad_ical_frag *fr, const char *name, const char *value,
    char next)
{
	const char *p = strstr(fr->text, name), *v;

	if (p == NULL || (v = strchr(p + 2, ':')) == NULL)
		return 0;
	v++;
	if ((size_t)(v - fr->text) + LOCAL_LEN >= fr->len ||
	    memcmp(v, value, LOCAL_LEN) != 0 || v[LOCAL_LEN] != next)
		return 0;
	return (size_t)(v - fr->text);
}

/*
 * The flat VEVENT of o as fr from tpl, that of t, an alike occurrence:
 * tpl's beginning up to its DTEND line with o's UID date, DTSTART and
 * DTEND (a DURATION is the same) written in, tpl's end as the tail.
 * false when tpl's lines are not as expected: o goes through libical.
 */
static bool
flat_like(const struct cad_ical_frag *tpl, const struct cad_occurrence *t,
    const struct cad_occurrence *o, struct cad_ical_frag *fr)
{
	static const char *const name[] = { "\r\nUID:", "\r\nDTSTART",
	    "\r\nDTEND" };
	char tv[3][LOCAL_LEN + 1], ov[3][LOCAL_LEN + 1];
	size_t at[3], n = strstr(tpl->text, name[2]) != NULL ? 3 : 2, head;
	const char *eol;

	local_text(t->rid_day, t->rid_time, tv[0]);
	local_text(o->rid_day, o->rid_time, ov[0]);
	local_text(t->day, t->time, tv[1]);
	local_text(o->day, o->time, ov[1]);
	local_text(t->day, t->time + t->duration, tv[2]);
	local_text(o->day, o->time + o->duration, ov[2]);
	for (size_t k = 0; k < n; k++)
		if ((at[k] = value_at(tpl, name[k], tv[k], k == 0 ? '-' :
		    '\r')) == 0)
			return false;
	eol = strstr(tpl->text + at[n - 1], "\r\n");
	head = (size_t)(eol + 2 - tpl->text);
	if (tpl->nslots > 0 && tpl->slots[tpl->nslots - 1] +
	    CAD_ICAL_STAMP_LEN > head)
		return false;
	fr->text = cad_xcalloc(head + 1, 1);
	memcpy(fr->text, tpl->text, head);
	for (size_t k = 0; k < n; k++)
		memcpy(fr->text + at[k], ov[k], LOCAL_LEN);
	fr->len = head;
	fr->slots = cad_xcalloc(tpl->nslots + 1, sizeof *fr->slots);
	memcpy(fr->slots, tpl->slots, tpl->nslots * sizeof *fr->slots);
	fr->nslots = tpl->nslots;
	fr->tail = tpl->text + head;
	fr->taillen = tpl->len - head;
	fr->done = true;
	return true;
}

/* the flat VEVENT of occurrence i, made on first use */
static const struct cad_ical_frag *
flat_frag(struct cad_ical_set *set, size_t i, int *rp, struct cad_error *err)
{
	const struct cad_plan *plan = set->plan;
	const struct cad_occurrence *o = &plan->occ[i], *t;
	const struct cad_ical_frag *tpl;
	size_t j, tries = 0;
	icalcomponent *cal, *ev;
	char *uid;

	if (set->flat == NULL)
		set->flat = cad_xcalloc(set->nocc + 1, sizeof *set->flat);
	if (set->flat[i].done)
		return &set->flat[i];
	j = set->off[o->series];
	while ((tpl = next_whole(set, o->series, &j, &tries, &t)) != NULL)
		if (cad_ical_alike(set->cfg, o, t) &&
		    flat_like(tpl, t, o, &set->flat[i]))
			return &set->flat[i];
	/* DTSTAMP 0: each feed writes its own (cad_ical_frag_of) */
	ev = cad_ical_occurrence_event(set->cfg, plan, o, set->states != NULL ?
	    &set->states[o->series] : NULL, 0);
	uid = flat_uid(plan, o);
	icalcomponent_set_uid(ev, uid);
	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_component(cal, ev);
	*rp = cad_ical_frag_of(cal, set->states == NULL, uid, &set->flat[i],
	    err);
	free(uid);
	if (*rp < 0)
		return NULL;
	flat_share(set, &set->flat[i], o->series);
	return &set->flat[i];
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The plan indexes of the occurrences of the series that may be in the
 * feed (of forum; naming party), in plan order: *out, how many.
 */
static size_t
candidates(struct cad_ical_set *set, int forum, int party, size_t **out)
{
	const struct cad_plan *plan = set->plan;
	size_t ns = set->nseries, n = 0, *v;
	const size_t *ser = NULL;

	if (party >= 0) {
		cad_ical_party_index(set);
		ser = set->pseries[party];
		ns = set->npseries[party];
	}
	v = cad_xcalloc(plan->nocc + 1, sizeof *v);
	for (size_t k = 0; k < ns; k++) {
		size_t s = ser != NULL ? ser[k] : k;
		if (forum >= 0 && plan->series[s].forum != forum)
			continue;
		for (size_t j = set->off[s]; j < set->off[s + 1]; j++)
			v[n++] = (size_t)(set->ord[j] - plan->occ);
	}
	qsort(v, n, sizeof *v, cmp_size);
	*out = v;
	return n;
}

int
cad_flat_walk(struct cad_ical_set *set, int forum, int party,
    const char *stamp, cad_ical_piece_fn fn, void *arg,
    struct cad_error *err)
{
	const struct cad_plan *plan = set->plan;
	const struct cad_ical_frag *fr;
	size_t *v, n;
	int r = 0;

	if (party >= 0 && (size_t)party >= set->cfg->nparties)
		return 0;
	n = candidates(set, forum, party, &v);
	for (size_t k = 0; r == 0 && k < n; k++) {
		if (!in_feed(set->cfg, set->ctx, plan, &plan->occ[v[k]],
		    forum, party))
			continue;
		if ((fr = flat_frag(set, v[k], &r, err)) != NULL &&
		    (r = cad_ical_frag_walk(fr, stamp, fn, arg)) == 0 &&
		    fr->taillen > 0)
			r = fn(arg, fr->tail, fr->taillen);
	}
	free(v);
	return r;
}

int
cad_flat_feed(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err)
{
	return cad_ical_set_feed_of(set, true, forum, party, name, dtstamp,
	    out, err);
}

int
cad_flat_doc(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, size_t max, struct cad_ical_doc *doc,
    struct cad_error *err)
{
	return cad_ical_set_doc_of(set, true, forum, party, name, dtstamp,
	    max, doc, err);
}
