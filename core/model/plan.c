/*
 * plan.c - the planning engine (SPEC § 4).
 *
 * config + overrides + terminations -> occurrences, all in local wall-clock
 * time (day numbers and minutes after midnight), so a daylight-saving
 * change never shifts a 13:00 meeting: the offset is output's business.
 *
 * Per forum: candidates (RRULE or per_term) from the series start up to
 * the asked `to` plus a margin, then blackouts, holidays (on_holiday),
 * terminations, for_each spread, the first-convenor split, and last the
 * overrides.  Planning always begins at the series start, so a sub-range
 * is exactly the full plan filtered.
 *
 * RRULEs are expanded by rrule.c (a port of python-dateutil's).
 */
#include "model/plan.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "model/calendar.h"
#include "model/rrule.h"
#include "model/task.h"

/*
 * How far a holiday or spread move may go before the meeting is dropped.
 * The SPEC sets no limit ("the next working day that is not blacked
 * out"), and a summer break from juhannus to the end of August already
 * needs 74 days; two years is only ever reached when nearly every day of
 * the year is blacked out, and it keeps such a config from looping.
 */
#define MOVE_MAX	(2 * 366)
/* candidates are planned this far past `to`, so moves back into the
   range and "the series already has that day" checks see them */
#define MARGIN		(MOVE_MAX + 2)
#define NOEFFECT	INT_MAX
/* 9999-12-31: nothing is planned after it */
#define MAXDAY		2932896

/* the candidate list of one series */
struct cand {
	int rid_day;
	int rid_time;
	int day;
	int time;
	enum cad_moved moved;
	int k;			/* index among the rule's candidates from
				   start (location_rotation); -1: extra */
	bool added;		/* a stored extra meeting (cadencectl add) */
};

struct cvec {
	struct cand *v;
	size_t n;
	size_t cap;
};

static void
cvec_push(struct cvec *c, int day, int time)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = cad_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n] = (struct cand){ day, time, day, time, CAD_MOVED_NONE,
		(int)c->n, false };
	c->n++;
}

/* cad_rrule_expand's emit: one more candidate */
static void
cvec_emit(void *arg, int day, int time)
{
	cvec_push(arg, day, time);
}

struct ivec {
	int *v;
	size_t n;
	size_t cap;
};

static void
ivec_push(struct ivec *a, int x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = cad_xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = x;
}

static bool
ivec_has(const struct ivec *a, int x)	/* a sorted */
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->v[mid] == x)
			return true;
		if (a->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}


/* --- per_term ------------------------------------------------------------ */

/* the week-th (-1 = last) weekday wd of month m of year y, or CAD_NODAY */
static int
nth_weekday(int y, int m, int wd, int week)
{
	if (week > 0) {
		int first = cad_days_from_civil(y, m, 1);
		int day = first + (wd - cad_weekday(first) + 7) % 7 +
		    7 * (week - 1);
		return day - first < cad_days_in_month(y, m) ? day : CAD_NODAY;
	}
	int last = cad_days_from_civil(y, m, cad_days_in_month(y, m));
	return last - (cad_weekday(last) - wd + 7) % 7;
}

/*
 * SPEC § 4: the week-th weekday of month in the term's year-th year,
 * year N = [term start + 12(N-1) months, term start + 12N months).  For
 * a term that starts on the 1st that is simply the month inside the
 * span; for one that starts mid-month the month is cut in two (June
 * 15-30 of one year, June 1-14 of the next), and the candidate is the
 * week-th weekday of either June that lies inside the span -- the
 * earlier one when both do (one candidate per term).  A date outside
 * the term, before `start`, or no week-th weekday at all: none.
 */
static void
per_term_expand(const struct cad_config *cfg, const struct cad_forum *f,
    int start, int limit, struct cvec *out)
{
	const struct cad_per_term *pt = &f->per_term;

	for (size_t t = 0; t < cfg->nterms; t++) {
		const struct cad_term *term = &cfg->terms[t];
		int lo = cad_add_months(term->start, 12 * (pt->year - 1));
		int hi = cad_add_months(term->start, 12 * pt->year);
		int y0, day = CAD_NODAY;

		cad_civil_from_days(lo, &y0, NULL, NULL);
		for (int y = y0; y <= y0 + 1 && day == CAD_NODAY; y++) {
			int d = nth_weekday(y, pt->month, pt->weekday,
			    pt->week);
			if (d != CAD_NODAY && d >= lo && d < hi)
				day = d;
		}
		if (day == CAD_NODAY || day < term->start ||
		    day > term->end || day < start || day > limit)
			continue;
		cvec_push(out, day, f->time);
	}
}

/* --- helpers ------------------------------------------------------------- */

int
cad_plan_forum_start(const struct cad_forum *f,
    const struct cad_plan_ctx *ctx)
{
	if (f->start != CAD_NODAY)
		return f->start;
	return cad_days_from_civil(cad_year_of(ctx->today), 1, 1);
}

int
cad_plan_party_effective(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int p)
{
	int eff = NOEFFECT;

	if (ctx == NULL || p < 0 || (size_t)p >= cfg->nparties)
		return NOEFFECT;
	for (size_t i = 0; i < ctx->nterminations; i++) {
		const struct cad_termination *t = &ctx->terminations[i];
		if (t->party != NULL && strcmp(t->party, cfg->parties[p].id) ==
		    0 && t->effective < eff)
			eff = t->effective;
	}
	return eff;
}

static bool
usable_day(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, int day)
{
	return cad_is_working_day(cfg, day) &&
	    !cad_is_blacked_out(cfg, f, member, day);
}

/*
 * Blackouts and on_holiday for one series' candidates, in place.  A
 * candidate moved onto a day the series already has is dropped.
 */
static void
apply_holidays(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, struct cvec *c)
{
	struct ivec fixed = { 0 };
	size_t k = 0;

	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (cad_is_blacked_out(cfg, f, member, x.rid_day))
			continue;
		if (!cad_is_working_day(cfg, x.rid_day)) {
			int step;
			if (f->on_holiday == CAD_HOLIDAY_SKIP)
				continue;
			if (f->on_holiday != CAD_HOLIDAY_KEEP) {
				step = f->on_holiday == CAD_HOLIDAY_PREVIOUS ?
				    -1 : 1;
				int d = x.rid_day + step, s;
				for (s = 1; s <= MOVE_MAX &&
				    !usable_day(cfg, f, member, d); s++)
					d += step;
				if (s > MOVE_MAX)
					continue;
				x.day = d;
				x.moved = CAD_MOVED_HOLIDAY;
			}
		}
		if (x.moved == CAD_MOVED_NONE)
			ivec_push(&fixed, x.day);
		c->v[k++] = x;
	}
	c->n = k;
	/* fixed is sorted: candidates come in date order */
	k = 0;
	int last_moved = CAD_NODAY;
	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (x.moved != CAD_MOVED_NONE) {
			/* moves keep the order, so only the previous move
			   can share the day */
			if (ivec_has(&fixed, x.day) || x.day == last_moved)
				continue;
			last_moved = x.day;
		}
		c->v[k++] = x;
	}
	c->n = k;
	free(fixed.v);
}

/*
 * for_each spread: a day an earlier member uses (`used`, sorted) moves
 * to the next working, non-blacked-out day no earlier member uses.
 */
static void
apply_spread(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, const struct ivec *used, struct cvec *c)
{
	struct ivec own = { 0 };
	size_t k = 0;
	int last_moved = CAD_NODAY;

	for (size_t i = 0; i < c->n; i++)
		if (!ivec_has(used, c->v[i].day))
			ivec_push(&own, c->v[i].day);
	if (own.n > 1)	/* own.v is NULL when empty: no qsort(NULL, 0) */
		qsort(own.v, own.n, sizeof *own.v, cmp_int);
	for (size_t i = 0; i < c->n; i++) {
		struct cand x = c->v[i];
		if (ivec_has(used, x.day)) {
			int d = x.day + 1, s;
			for (s = 1; s <= MOVE_MAX &&
			    (!usable_day(cfg, f, member, d) ||
			    ivec_has(used, d)); s++)
				d++;
			if (s > MOVE_MAX)
				continue;
			/* landed on a day the series already has */
			if (ivec_has(&own, d) || d == last_moved)
				continue;
			last_moved = d;
			x.day = d;
			if (x.moved == CAD_MOVED_NONE)
				x.moved = CAD_MOVED_SPREAD;
		}
		c->v[k++] = x;
	}
	c->n = k;
	free(own.v);
}

/* --- the plan ------------------------------------------------------------ */

struct pbuild {
	struct cad_plan *plan;
	size_t scap;
	struct cad_occurrence *occ;
	size_t nocc;
	size_t ocap;
	size_t *seg_start;	/* per series: its occurrences, rid order */
	size_t *seg_n;
};

static size_t
add_series(struct pbuild *pb, char *uid, int forum,
    const struct cad_unit *member, bool first, int convenor)
{
	struct cad_plan *p = pb->plan;

	if (p->nseries == pb->scap) {
		pb->scap = pb->scap ? pb->scap * 2 : 32;
		p->series = cad_xreallocarray(p->series, pb->scap,
		    sizeof *p->series);
		pb->seg_start = cad_xreallocarray(pb->seg_start, pb->scap,
		    sizeof *pb->seg_start);
		pb->seg_n = cad_xreallocarray(pb->seg_n, pb->scap,
		    sizeof *pb->seg_n);
	}
	p->series[p->nseries] = (struct cad_series){ uid, forum,
		member != NULL ? member->party : -1,
		member != NULL ? member->group : -1, first, convenor };
	pb->seg_start[p->nseries] = 0;
	pb->seg_n[p->nseries] = 0;
	return p->nseries++;
}

static void
add_occ(struct pbuild *pb, size_t series, const struct cand *x,
    int duration, const char *location)
{
	if (pb->nocc == pb->ocap) {
		pb->ocap = pb->ocap ? pb->ocap * 2 : 256;
		pb->occ = cad_xreallocarray(pb->occ, pb->ocap, sizeof *pb->occ);
	}
	if (pb->seg_n[series] == 0)
		pb->seg_start[series] = pb->nocc;
	pb->seg_n[series]++;
	pb->occ[pb->nocc++] = (struct cad_occurrence){
		.series = series, .rid_day = x->rid_day, .rid_time = x->rid_time,
		.day = x->day, .time = x->time, .duration = duration,
		.status = CAD_CONFIRMED, .moved = x->moved, .reason = NULL,
		.added = x->added,
		.location = location,
	};
}

/* overrides sorted by uid for lookups */
static int
cmp_ovp(const void *a, const void *b)
{
	const struct cad_override *x = *(const struct cad_override *const *)a;
	const struct cad_override *y = *(const struct cad_override *const *)b;
	int c = strcmp(x->uid, y->uid);
	if (c != 0)
		return c;
	return (x > y) - (x < y);	/* keep the given order */
}

static size_t
ov_first(const struct cad_override **ov, size_t n, const char *uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ov[mid]->uid, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* the candidate horizon of a series: `to` + MARGIN, or further when a
   person moved a later instance into the range */
static int
series_limit(const struct cad_override **ov, size_t nov, const char *uid,
    int to, int limit)
{
	for (size_t i = ov_first(ov, nov, uid); i < nov &&
	    strcmp(ov[i]->uid, uid) == 0; i++)
		if (ov[i]->kind == CAD_OVERRIDE_MOVE && ov[i]->new_day <= to &&
		    ov[i]->rid_day < MAXDAY && ov[i]->rid_day + MARGIN > limit)
			limit = ov[i]->rid_day + MARGIN;
	return limit;
}

static int
merge_used(struct ivec *used, const struct cvec *c)
{
	for (size_t i = 0; i < c->n; i++)
		ivec_push(used, c->v[i].day);
	if (used->n > 1)
		qsort(used->v, used->n, sizeof *used->v, cmp_int);
	return 0;
}

/* the place of candidate x of a series of f (member: its unit or NULL) */
static const char *
occ_location(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_unit *member, const struct cand *x)
{
	if (f->nlocation_rotation > 0)
		return x->k >= 0 ? f->location_rotation[(size_t)x->k %
		    f->nlocation_rotation] : NULL;
	if (f->location_member && member != NULL && member->party >= 0)
		return cfg->parties[member->party].location;
	return f->location;
}

/* RECURRENCE-ID order; at one RECURRENCE-ID the rule's candidate, then
   a config `extra`, then a stored addition */
static int
cmp_cand_rid(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int rx = x->k >= 0 ? 0 : x->added ? 2 : 1;
	int ry = y->k >= 0 ? 0 : y->added ? 2 : 1;

	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	if (x->rid_time != y->rid_time)
		return x->rid_time < y->rid_time ? -1 : 1;
	return (rx > ry) - (rx < ry);
}

/*
 * The one-off meetings of series uid of forum f into c: f's `extra`
 * dates (SPEC 10.1) and the meetings stored by cadencectl add (SPEC
 * 10.3), both kept as given (no rule moves or drops them), those before
 * `eff` (a member's termination) only.  c stays in RECURRENCE-ID order;
 * one at a RECURRENCE-ID the series has already is left out.
 */
static void
add_extras(const struct cad_plan_ctx *ctx, const struct cad_forum *f,
    const char *uid, int eff, struct cvec *c)
{
	size_t n0 = c->n, k = 0;

	for (size_t i = 0; i < f->nextra; i++) {
		if (f->extra[i].day >= eff)
			continue;
		cvec_push(c, f->extra[i].day, f->extra[i].time);
		c->v[c->n - 1].k = -1;
	}
	for (size_t i = 0; i < ctx->nadditions; i++) {
		const struct cad_addition *x = &ctx->additions[i];
		if (x->uid == NULL || strcmp(x->uid, uid) != 0 ||
		    x->day >= eff)
			continue;
		cvec_push(c, x->day, x->time);
		c->v[c->n - 1].k = -1;
		c->v[c->n - 1].added = true;
	}
	if (c->n == n0)
		return;
	qsort(c->v, c->n, sizeof *c->v, cmp_cand_rid);
	for (size_t i = 0; i < c->n; i++)
		if (k == 0 || c->v[k - 1].rid_day != c->v[i].rid_day ||
		    c->v[k - 1].rid_time != c->v[i].rid_time)
			c->v[k++] = c->v[i];
	c->n = k;
}

/* the series of forum fi, in config order; returns how many */
static size_t
forum_series(const struct cad_config *cfg, size_t fi, struct pbuild *pb)
{
	const struct cad_forum *f = &cfg->forums[fi];
	size_t n0 = pb->plan->nseries;

	if (f->nfor_each > 0) {
		for (size_t m = 0; m < f->nfor_each; m++) {
			const struct cad_unit *u = &f->for_each[m];
			add_series(pb, cad_asprintf("%s.%s@%s", f->id,
			    cad_config_unit_id(cfg, u), cfg->domain),
			    (int)fi, u, false, f->convenor_member ?
			    u->party : f->convenor);
		}
		return pb->plan->nseries - n0;
	}
	add_series(pb, cad_asprintf("%s@%s", f->id, cfg->domain), (int)fi,
	    NULL, false, f->convenor);
	if (f->first_convenor >= 0 && f->first_scope == CAD_FIRST_SERIES)
		add_series(pb, cad_asprintf("%s.first@%s", f->id,
		    cfg->domain), (int)fi, NULL, true, f->first_convenor);
	for (size_t t = 0; f->first_convenor >= 0 &&
	    f->first_scope == CAD_FIRST_TERM && t < cfg->nterms; t++)
		add_series(pb, cad_asprintf("%s.first-%d@%s", f->id,
		    cad_year_of(cfg->terms[t].start), cfg->domain), (int)fi,
		    NULL, true, f->first_convenor);
	return pb->plan->nseries - n0;
}

/*
 * A single series: the first_convenor's meetings (the first rule
 * meeting ever, or of every council term) go to the .first series, the
 * rest to the forum's; each series' occurrences are added in order.
 */
static void
plan_single(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_forum *f, size_t s0, size_t nser, struct cvec *c,
    struct pbuild *pb)
{
	size_t *to;
	bool any = false;

	apply_holidays(cfg, f, NULL, c);
	add_extras(ctx, f, pb->plan->series[s0].uid, NOEFFECT, c);
	to = cad_xcalloc(c->n + 1, sizeof *to);
	for (size_t i = 0; i < c->n; i++) {
		to[i] = s0;
		if (f->first_convenor < 0 || c->v[i].k < 0)
			continue;
		if (f->first_scope == CAD_FIRST_SERIES) {
			if (!any)
				to[i] = s0 + 1;
			any = true;
			continue;
		}
		int t = cad_term_of(cfg, c->v[i].day);
		size_t st = s0 + 1 + (size_t)t;
		if (t >= 0 && st < s0 + nser && pb->seg_n[st] == 0) {
			to[i] = st;
			pb->seg_n[st] = 1;	/* taken; reset below */
		}
	}
	for (size_t s = s0 + 1; s < s0 + nser; s++)
		pb->seg_n[s] = 0;
	for (size_t s = s0; s < s0 + nser; s++)
		for (size_t i = 0; i < c->n; i++)
			if (to[i] == s)
				add_occ(pb, s, &c->v[i], f->duration,
				    occ_location(cfg, f, NULL, &c->v[i]));
	free(to);
}

static int
plan_forum(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    size_t fi, int to, const struct cad_override **ov, size_t nov,
    icaltimezone *tz, struct pbuild *pb, struct cad_error *err)
{
	const struct cad_forum *f = &cfg->forums[fi];
	struct cad_plan *p = pb->plan;
	size_t first_series = p->nseries;
	size_t nser = forum_series(cfg, fi, pb);
	int start = cad_plan_forum_start(f, ctx);
	int limit = to + MARGIN;
	struct cvec base = { 0 }, c = { 0 };
	struct ivec used = { 0 };
	struct cad_rrule *rr = NULL;
	int r = 0;

	for (size_t s = first_series; s < p->nseries; s++)
		limit = series_limit(ov, nov, p->series[s].uid, to, limit);

	/* candidates, shared by every series of the forum */
	if (f->has_per_term || f->rrule == NULL) {
		if (f->has_per_term)
			per_term_expand(cfg, f, start, limit, &base);
	} else {
		r = cad_rrule_parse(f->rrule, start, f->time * 60, tz, &rr,
		    err);
		if (r < 0) {
			char msg[sizeof err->msg];
			if (err != NULL) {
				cad_strlcpy(msg, err->msg, sizeof msg);
				cad_error_set(err, "forum '%s': %s", f->id,
				    msg);
			}
			goto out;
		}
		cad_rrule_expand(rr, start, f->time * 60, limit, cvec_emit,
		    &base);
	}

	if (f->nfor_each == 0) {
		c.v = cad_xreallocarray(NULL, base.n ? base.n : 1, sizeof *c.v);
		if (base.n > 0)	/* base.v is NULL when empty */
			memcpy(c.v, base.v, base.n * sizeof *c.v);
		c.n = c.cap = base.n;
		plan_single(cfg, ctx, f, first_series, nser, &c, pb);
	} else {
		for (size_t m = 0; m < nser; m++) {
			const struct cad_unit *u = &f->for_each[m];
			int eff = cad_plan_party_effective(cfg, ctx, u->party);
			c.n = 0;
			for (size_t i = 0; i < base.n; i++) {
				cvec_push(&c, 0, 0);
				c.v[c.n - 1] = base.v[i];
			}
			apply_holidays(cfg, f, u, &c);
			if (f->spread && m > 0)
				apply_spread(cfg, f, u, &used, &c);
			/* a terminated member has nothing from its day on */
			size_t k = 0;
			for (size_t i = 0; i < c.n; i++)
				if (c.v[i].day < eff)
					c.v[k++] = c.v[i];
			c.n = k;
			if (f->spread && m + 1 < nser)
				merge_used(&used, &c);
			add_extras(ctx, f, p->series[first_series + m].uid,
			    eff, &c);
			for (size_t i = 0; i < c.n; i++)
				add_occ(pb, first_series + m, &c.v[i],
				    f->duration, occ_location(cfg, f, u,
				    &c.v[i]));
		}
	}
out:
	cad_rrule_free(rr);
	free(base.v);
	free(c.v);
	free(used.v);
	return r;
}

const char *
cad_moved_code(enum cad_moved m)
{
	switch (m) {
	case CAD_MOVED_HOLIDAY:
		return "holiday";
	case CAD_MOVED_SPREAD:
		return "spread";
	case CAD_MOVED_PERSON:
		return "person";
	default:
		return NULL;
	}
}

/* finds the occurrence of series s with the given RECURRENCE-ID */
static struct cad_occurrence *
find_rid(struct pbuild *pb, size_t s, int rid_day, int rid_time)
{
	struct cad_occurrence *v = pb->occ + pb->seg_start[s];
	size_t lo = 0, hi = pb->seg_n[s];

	/* a series' occurrences are in RECURRENCE-ID order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].rid_day == rid_day && v[mid].rid_time == rid_time)
			return &v[mid];
		if (v[mid].rid_day < rid_day || (v[mid].rid_day == rid_day &&
		    v[mid].rid_time < rid_time))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int
cmp_occ(const void *a, const void *b, void *arg)
{
	const struct cad_occurrence *x = a, *y = b;
	const size_t *rank = arg;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->series != y->series)
		return rank[x->series] < rank[y->series] ? -1 : 1;
	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	return (x->rid_time > y->rid_time) - (x->rid_time < y->rid_time);
}

static int
cmp_uid(const void *a, const void *b, void *arg)
{
	const struct cad_series *s = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return strcmp(s[x].uid, s[y].uid);
}

/* overrides last: a person's cancel or move; one for an instance the
   plan does not have is ignored */
static void
apply_overrides(struct pbuild *pb, const struct cad_override **ov, size_t nov)
{
	const struct cad_plan *out = pb->plan;

	for (size_t s = 0; s < out->nseries && nov > 0; s++) {
		const char *uid = out->series[s].uid;
		for (size_t i = ov_first(ov, nov, uid); i < nov &&
		    strcmp(ov[i]->uid, uid) == 0; i++) {
			struct cad_occurrence *o = find_rid(pb, s,
			    ov[i]->rid_day, ov[i]->rid_time);
			if (o == NULL)
				continue;
			if (ov[i]->kind == CAD_OVERRIDE_CANCEL) {
				o->status = CAD_CANCELLED;
				o->reason = ov[i]->reason;
			} else {
				o->day = ov[i]->new_day;
				o->time = ov[i]->new_time;
				o->moved = CAD_MOVED_PERSON;
			}
		}
	}
}

int
cad_plan_range(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int from, int to, struct cad_plan *out, struct cad_error *err)
{
	static const struct cad_plan_ctx noctx;
	struct pbuild pb = { 0 };
	const struct cad_override **ov = NULL;
	size_t nov = 0, *order = NULL, *rank = NULL;
	icaltimezone *tz = NULL;
	int r = 0;

	memset(out, 0, sizeof *out);
	if (ctx == NULL)
		ctx = &noctx;
	if (to > MAXDAY)
		to = MAXDAY;
	pb.plan = out;
	if (cfg->timezone != NULL)
		tz = icaltimezone_get_builtin_timezone(cfg->timezone);

	if (ctx->noverrides > 0) {
		ov = cad_xreallocarray(NULL, ctx->noverrides, sizeof *ov);
		for (size_t i = 0; i < ctx->noverrides; i++)
			if (ctx->overrides[i].uid != NULL)
				ov[nov++] = &ctx->overrides[i];
		qsort(ov, nov, sizeof *ov, cmp_ovp);
	}

	for (size_t fi = 0; fi < cfg->nforums; fi++) {
		r = plan_forum(cfg, ctx, fi, to, ov, nov, tz, &pb, err);
		if (r < 0)
			goto out;
	}

	apply_overrides(&pb, ov, nov);

	/* the range, by final start date; sorted by (day, time, uid) */
	size_t k = 0;
	for (size_t i = 0; i < pb.nocc; i++)
		if (pb.occ[i].day >= from && pb.occ[i].day <= to)
			pb.occ[k++] = pb.occ[i];
	pb.nocc = k;
	order = cad_xreallocarray(NULL, out->nseries + 1, sizeof *order);
	rank = cad_xreallocarray(NULL, out->nseries + 1, sizeof *rank);
	for (size_t s = 0; s < out->nseries; s++)
		order[s] = s;
	qsort_r(order, out->nseries, sizeof *order, cmp_uid, out->series);
	for (size_t s = 0; s < out->nseries; s++)
		rank[order[s]] = s;
	if (pb.nocc > 1)
		qsort_r(pb.occ, pb.nocc, sizeof *pb.occ, cmp_occ, rank);
	out->occ = pb.occ;
	out->nocc = pb.nocc;
	pb.occ = NULL;
out:
	if (r < 0) {
		free(pb.occ);
		cad_plan_release(out);
	}
	free(pb.seg_start);
	free(pb.seg_n);
	free(ov);
	free(order);
	free(rank);
	return r;
}

void
cad_plan_release(struct cad_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nseries; i++)
		free(plan->series[i].uid);
	free(plan->series);
	free(plan->occ);
	memset(plan, 0, sizeof *plan);
}
