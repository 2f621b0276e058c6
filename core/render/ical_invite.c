/*
 * ical_invite.c - what an invitation (CalDAV object, iMIP calendar) is
 * made of, so that the publish window moving on changes nothing sent
 * (issue 19): its window (cad_invite_window) and how its rule ends
 * (cad_ical_invite_bound).
 */
#include "render/ical.h"
#include "render/ical_int.h"
#include "model/rrule.h"

#include <limits.h>

#include <libical/ical.h>

void
cad_invite_window(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int *from, int *to)
{
	int y;

	cad_publish_window(cfg, ctx->today, from, to);
	/* 31 December of the first year after the publish window's that is
	   a multiple of CAD_INVITE_YEARS */
	y = cad_year_of(*to) + 1;
	y += (CAD_INVITE_YEARS - y % CAD_INVITE_YEARS) % CAD_INVITE_YEARS;
	*to = cad_days_from_civil(y, 12, 31);
	for (size_t i = 0; i < cfg->nforums; i++) {
		int start = cad_plan_forum_start(&cfg->forums[i], ctx);
		if (start < *from)
			*from = start;
	}
}

/* cad_rrule_expand's emit: the last instance so far */
static void
last_emit(void *arg, int day, int time)
{
	int *last = arg;

	last[0] = day;
	last[1] = time;
}

void
cad_ical_invite_bound(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_series *se,
    struct cad_ical_invite *out)
{
	const struct cad_forum *f = &cfg->forums[se->forum];
	struct icalrecurrencetype rule;
	struct cad_rrule *rr;
	int from, last[2] = { -1, 0 };

	out->bound = CAD_BOUND_PLAN;
	/* per_term, a first meeting, a notice given: as planned */
	if (ctx == NULL || se->first || f->rrule == NULL || *f->rrule == '\0' ||
	    cad_plan_party_effective(cfg, ctx, se->convenor) != INT_MAX ||
	    cad_plan_party_effective(cfg, ctx, se->party) != INT_MAX)
		return;
	cad_invite_window(cfg, ctx, &from, &out->known);
	icalerror_clear_errno();
	rule = icalrecurrencetype_from_string(f->rrule);
	if (icalerrno != ICAL_NO_ERROR)
		return;
	if (rule.count == 0 && icaltime_is_null_time(rule.until)) {
		out->bound = CAD_BOUND_OPEN;
		return;
	}
	/* the rule's own last instance, from DTSTART as the plan has it */
	from = cad_plan_forum_start(f, ctx);
	if (cad_rrule_parse(f->rrule, from, f->time * 60,
	    icaltimezone_get_builtin_timezone(cfg->timezone), &rr, NULL) < 0)
		return;
	cad_rrule_expand(rr, from, f->time * 60,
	    cad_days_from_civil(9999, 12, 31), last_emit, last);
	cad_rrule_free(rr);
	if (last[0] < 0)
		return;
	out->bound = CAD_BOUND_OWN;
	out->end_day = last[0];
	out->end_time = last[1];
}
