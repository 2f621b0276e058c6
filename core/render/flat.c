/*
 * flat.c - the flat feeds (see flat.h): every CONFIRMED occurrence as a
 * VEVENT of its own, built from the full feed's instance VEVENT
 * (cad_ical_occurrence_event) under an UID of its own.
 */
#include "render/flat.h"

#include <stdlib.h>

#include <libical/ical.h>

#include "render/ical.h"

/* "<YYYYMMDDTHHMMSS>-<series uid>" of occurrence o */
static char *
flat_uid(const struct cad_plan *plan, const struct cad_occurrence *o)
{
	struct icaltimetype t = cad_ical_local_time(o->rid_day, o->rid_time);

	return cad_asprintf("%04d%02d%02dT%02d%02d%02d-%s", t.year, t.month,
	    t.day, t.hour, t.minute, t.second, plan->series[o->series].uid);
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

int
cad_flat_feed(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, const struct cad_series_state *states,
    int forum, int party, const char *name, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal, *vtz, *ev;
	int r;

	if ((r = cad_ical_vtimezone(cfg->timezone, &vtz, err)) < 0)
		return r;
	cal = cad_ical_publish_calendar(cfg, name);
	icalcomponent_add_component(cal, vtz);
	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		char *uid;

		if (!in_feed(cfg, ctx, plan, o, forum, party))
			continue;
		ev = cad_ical_occurrence_event(cfg, plan, o, states != NULL ?
		    &states[o->series] : NULL, dtstamp);
		uid = flat_uid(plan, o);
		icalcomponent_set_uid(ev, uid);
		free(uid);
		icalcomponent_add_component(cal, ev);
	}
	r = cad_ical_write(out, cal, err);
	icalcomponent_free(cal);
	return r;
}
