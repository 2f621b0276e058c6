/*
 * series.c - a plan's series and occurrences as people see them: what a
 * series is called (the one home of its SUMMARY and its name in answers,
 * mail and pages), whom an occurrence involves, and the plan seen through
 * a window of days.  See plan.h.
 */
#include "model/plan.h"

#include <stdlib.h>
#include <string.h>

const char *
cad_series_member(const struct cad_config *cfg, const struct cad_series *se)
{
	const struct cad_group *g;

	if (se->party >= 0)
		return cad_config_party_name(cfg, se->party);
	if (se->group < 0 || (size_t)se->group >= cfg->ngroups)
		return NULL;
	g = &cfg->groups[se->group];
	return g->name != NULL ? cad_tr(cfg, g->name) : g->id;
}

char *
cad_series_name(const struct cad_config *cfg, const struct cad_series *se)
{
	const char *forum = cad_tr(cfg, cfg->forums[se->forum].name);
	const char *member = cad_series_member(cfg, se);

	return member != NULL ? cad_asprintf("%s: %s", forum, member) :
	    cad_strdup(forum);
}

void
cad_plan_keep(struct cad_plan *plan, int from, int to)
{
	size_t k = 0;

	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].day >= from && plan->occ[i].day <= to)
			plan->occ[k++] = plan->occ[i];
	plan->nocc = k;
}

void
cad_plan_view(const struct cad_plan *plan, int from, int to,
    struct cad_plan *out)
{
	*out = *plan;
	out->occ = cad_xcalloc(plan->nocc + 1, sizeof *out->occ);
	out->nocc = 0;
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].day >= from && plan->occ[i].day <= to)
			out->occ[out->nocc++] = plan->occ[i];
}

bool
cad_plan_involves(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_occurrence *o, int p)
{
	if (o->series >= plan->nseries || p < 0)
		return false;
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &cfg->forums[s->forum];

	if (o->day >= cad_plan_party_effective(cfg, ctx, p))
		return false;
	if (s->convenor == p || s->party == p)
		return true;
	for (size_t i = 0; i < f->nparticipants; i++)
		if (f->participants[i] == p)
			return true;
	return false;
}
