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

#include "render/ical.h"
#include "base/util.h"

/*
 * The flat VCALENDAR (METHOD:PUBLISH, the feeds' header and VTIMEZONE)
 * of the occurrences of the set's plan (render/ical.h) that belong to
 * forum (-1: every forum) and involve party (-1: every party), in start
 * order, with the set's states (SEQUENCE / LAST-MODIFIED).  Each
 * occurrence's VEVENT goes through libical once, on first use, and is
 * shared by every flat feed it appears in; the feed's DTSTAMP is written
 * into that text, so the bytes are those of the whole feed built as one
 * libical tree.  Appended to out; on error out is as it was.  0 or
 * -errno with err.
 */
int cad_flat_feed(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err);

/* the same as pieces (cad_ical_set_doc); -E2BIG beyond max (0: none) */
int cad_flat_doc(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, size_t max, struct cad_ical_doc *doc,
    struct cad_error *err);

#endif
