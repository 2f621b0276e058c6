/*
 * flat.h - the flat feeds of SPEC § 10.6 for simple calendar programs
 * (calcurse and the like, which ignore RECURRENCE-ID, STATUS and TZID):
 * one standalone VEVENT per CONFIRMED occurrence of the window, with no
 * RRULE, RDATE, EXDATE or RECURRENCE-ID, the UID
 * "<YYYYMMDDTHHMMSS>-<series uid>" (the occurrence's RECURRENCE-ID in
 * local time, so that a move keeps the UID) and the SUMMARY, DESCRIPTION
 * and LOCATION that the full feed (core/render/ical.h) gives that
 * instance.  Cancelled occurrences are left out.
 */
#ifndef CAD_FLAT_H
#define CAD_FLAT_H

#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

/*
 * The flat VCALENDAR (METHOD:PUBLISH, the feeds' header and VTIMEZONE)
 * of the occurrences of plan that belong to forum (-1: every forum) and
 * involve party (-1: every party), in start order.  states[i] is the
 * stored SEQUENCE / LAST-MODIFIED of plan->series[i] (NULL: none).
 * Appended to out; on error out is as it was.  0 or -errno with err.
 */
int cad_flat_feed(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err);

#endif
