/*
 * rrule.h - RRULE expansion the way python-dateutil does it (rrule.c).
 * Pure: no I/O, no clock.
 */
#ifndef CAD_RRULE_H
#define CAD_RRULE_H

#include <libical/ical.h>

#include "base/util.h"

struct cad_rrule;

/*
 * Parses text with libical for DTSTART = day ds at dsec seconds of day.
 * tz (may be NULL) converts a UTC UNTIL to local wall-clock time.
 * -EINVAL with err for a rule we refuse (RSCALE, FREQ below DAILY).
 */
int cad_rrule_parse(const char *text, int ds, int dsec, icaltimezone *tz,
    struct cad_rrule **out, struct cad_error *err);
/*
 * Calls emit(arg, day, minutes of day) for every instance from DTSTART
 * (ds, dsec: as parsed) on or before day limit, in order.
 */
void cad_rrule_expand(const struct cad_rrule *r, int ds, int dsec,
    int limit, void (*emit)(void *arg, int day, int time), void *arg);
void cad_rrule_free(struct cad_rrule *r);

#endif
