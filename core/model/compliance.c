/*
 * compliance.c - the legal-minimum and per_year warnings of a plan (SPEC
 * § 3 `minimum`, § 10.1 `per_year`), followed by the task and agreement
 * warnings of core/model/task.c.  See cad_plan_compliance in plan.h.
 */
#include "model/plan.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "model/task.h"

/* CONFIRMED occurrences per series and calendar year y0 + k, and
   whether a series has one in council term t */
struct counts {
	int y0;
	size_t ny, nt;
	int *year;		/* [series * ny + k] */
	unsigned char *term;	/* [series * nt + t] */
};

struct wlist {
	struct cad_compliance *v;
	size_t n, cap;
};

static void
wadd(struct wlist *l, const struct cad_compliance *w)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cad_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = *w;
}

static void
count_confirmed(const struct cad_config *cfg, const struct cad_plan *plan,
    struct counts *c)
{
	size_t ns = plan->nseries ? plan->nseries : 1;

	c->year = cad_xcalloc(ns * c->ny, sizeof *c->year);
	c->term = cad_xcalloc(ns * (c->nt ? c->nt : 1), 1);
	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->status != CAD_CONFIRMED)
			continue;
		int y = cad_year_of(o->day);
		if (y >= c->y0 && (size_t)(y - c->y0) < c->ny)
			c->year[o->series * c->ny + (size_t)(y - c->y0)]++;
		int t = cad_term_of(cfg, o->day);
		if (t >= 0)
			c->term[o->series * c->nt + (size_t)t] = 1;
	}
}

/* the last series whose meetings count with series s: its forum's
   .first series (one, or one per council term with first_scope =
   "term") follow s; s itself when there are none */
static size_t
first_twin(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s)
{
	const struct cad_forum *f = &cfg->forums[plan->series[s].forum];
	size_t s2 = s;

	while (f->nfor_each == 0 && f->first_convenor >= 0 &&
	    s2 + 1 < plan->nseries && plan->series[s2 + 1].first)
		s2++;
	return s2;
}

/* the meetings of series s..s2 in year k */
static int
year_sum(const struct counts *c, size_t s, size_t s2, size_t k)
{
	int n = 0;

	for (size_t i = s; i <= s2; i++)
		n += c->year[i * c->ny + k];
	return n;
}

/* whether series s..s2 met in term k */
static bool
term_hit(const struct counts *c, size_t s, size_t s2, size_t k)
{
	for (size_t i = s; i <= s2; i++)
		if (c->term[i * c->nt + k])
			return true;
	return false;
}

/* the first day series s counts from, and the day its party leaves */
static void
series_span(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_series *se, int *start, int *eff)
{
	*start = cad_plan_forum_start(&cfg->forums[se->forum], ctx);
	*eff = se->party >= 0 ? cad_plan_party_effective(cfg, ctx, se->party) :
	    INT_MAX;
}

/* `minimum`: a year or term of series s in [from, to] without a meeting */
static void
minimum_warnings(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct counts *c, size_t s, int from, int to, struct wlist *l)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	bool yearly = f->minimum == CAD_MINIMUM_YEAR;
	size_t s2 = first_twin(cfg, plan, s), np = yearly ? c->ny : c->nt;
	int start, eff;

	series_span(cfg, ctx, se, &start, &eff);

	for (size_t k = 0; k < np; k++) {
		int pf, pt;
		bool hit;
		if (yearly) {
			pf = cad_days_from_civil(c->y0 + (int)k, 1, 1);
			pt = cad_days_from_civil(c->y0 + (int)k, 12, 31);
			hit = year_sum(c, s, s2, k) > 0;
		} else {
			pf = cfg->terms[k].start;
			pt = cfg->terms[k].end;
			hit = term_hit(c, s, s2, k);
		}
		if (pt < from || pf > to || pt < start || pf >= eff || hit)
			continue;
		wadd(l, &(struct cad_compliance){ (int)se->forum, se->party,
		    yearly ? CAD_COMPLIANCE_YEAR : CAD_COMPLIANCE_TERM, pf, pt,
		    -1, -1, 0 });
	}
}

/* `per_year`: a year of series s in [from, to] with more meetings than
   the maximum, or fewer than the minimum when s covers it whole */
static void
per_year_warnings(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct counts *c, size_t s, int from, int to, struct wlist *l)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	size_t s2 = first_twin(cfg, plan, s);
	int start, eff;

	series_span(cfg, ctx, se, &start, &eff);

	for (size_t k = 0; k < c->ny; k++) {
		int pf = cad_days_from_civil(c->y0 + (int)k, 1, 1);
		int pt = cad_days_from_civil(c->y0 + (int)k, 12, 31);
		int n = year_sum(c, s, s2, k);
		bool whole = start <= pf && eff > pt;
		if (pt < from || pf > to || pt < start || pf >= eff)
			continue;
		if (n > f->per_year_max || (whole && n < f->per_year_min))
			wadd(l, &(struct cad_compliance){ (int)se->forum,
			    se->party, CAD_COMPLIANCE_PER_YEAR, pf, pt, -1,
			    -1, n });
	}
}

/* the whole years and terms that overlap [from, to], planned */
static int
plan_periods(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int from, int to, struct cad_plan *plan, struct counts *c,
    struct cad_error *err)
{
	int y1 = cad_year_of(to);
	int lo, hi, r;

	c->y0 = cad_year_of(from);
	c->ny = (size_t)(y1 - c->y0 + 1);
	c->nt = cfg->nterms;
	lo = cad_days_from_civil(c->y0, 1, 1);
	hi = cad_days_from_civil(y1, 12, 31);
	for (size_t t = 0; t < cfg->nterms; t++) {
		const struct cad_term *term = &cfg->terms[t];
		if (term->end < from || term->start > to)
			continue;
		if (term->start < lo)
			lo = term->start;
		if (term->end > hi)
			hi = term->end;
	}
	if ((r = cad_plan_range(cfg, ctx, lo, hi, plan, err)) < 0)
		return r;
	count_confirmed(cfg, plan, c);
	return 0;
}

int
cad_plan_compliance(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int from, int to,
    struct cad_compliance **out, size_t *n, struct cad_error *err)
{
	static const struct cad_plan_ctx noctx;
	struct cad_plan plan = { 0 };
	struct counts c = { 0 };
	struct wlist l = { 0 };
	struct cad_compliance *tw = NULL;
	size_t ntw = 0;
	int r;

	*out = NULL;
	*n = 0;
	if (ctx == NULL)
		ctx = &noctx;
	if (from > to)
		return 0;
	if ((r = plan_periods(cfg, ctx, from, to, &plan, &c, err)) < 0)
		return r;
	for (size_t s = 0; s < plan.nseries; s++)
		if (cfg->forums[plan.series[s].forum].minimum !=
		    CAD_MINIMUM_NONE && !plan.series[s].first)
			minimum_warnings(cfg, ctx, &plan, &c, s, from, to, &l);
	for (size_t s = 0; s < plan.nseries; s++)
		if (cfg->forums[plan.series[s].forum].has_per_year &&
		    !plan.series[s].first)
			per_year_warnings(cfg, ctx, &plan, &c, s, from, to, &l);
	free(c.year);
	free(c.term);
	cad_plan_release(&plan);
	/* then the tasks and the agreement's deadlines */
	if ((r = cad_task_compliance(cfg, ctx, &tw, &ntw, err)) < 0) {
		free(l.v);
		return r;
	}
	for (size_t i = 0; i < ntw; i++)
		wadd(&l, &tw[i]);
	free(tw);
	*out = l.v;
	*n = l.n;
	return 0;
}

int
cad_plan_lost_convenors(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, struct cad_diag *diag)
{
	for (size_t fi = 0; fi < cfg->nforums; fi++) {
		const struct cad_forum *f = &cfg->forums[fi];
		int who = f->convenor;	/* -1: each member convenes */
		int eff = cad_plan_party_effective(cfg, ctx, who);
		if (eff == INT_MAX && f->first_convenor >= 0) {
			who = f->first_convenor;
			eff = cad_plan_party_effective(cfg, ctx, who);
		}
		if (eff == INT_MAX)
			continue;
		char date[11];
		cad_format_date(eff, date);
		/* TRANSLATORS: the forum's and the party's ids, the date */
		cad_diag_warning(diag, cfg->path, f->line, _("foorumi '%s': "
		    "koollekutsuja '%s' irtautuu sopimuksesta %s "
		    "(irtisanominen); nimeä uusi koollekutsuja"), f->id,
		    cfg->parties[who].id, date);
	}
	return 0;
}
