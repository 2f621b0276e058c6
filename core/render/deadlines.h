/*
 * deadlines.h - the deadlines of model/deadline.h in words: Finnish text,
 * JSON and the deadlines feed.
 */
#ifndef CAD_RENDER_DEADLINES_H
#define CAD_RENDER_DEADLINES_H

#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/deadline.h"
#include "base/util.h"

/* "31.5.2029": the date of cad_format_fi_date() without the weekday */
void cad_deadline_date(int day, char out[static 24]);

/* when a deadline days from today is, in the thread's language: "tänään",
   "huomenna", "eilen", "545 päivän päästä", "3 päivää sitten" */
void cad_deadline_when(int days, char out[static 48]);

/* what to do, in Finnish (the feed's DESCRIPTION, the reminder's text) */
char *cad_deadline_description(const struct cad_config *cfg,
    const struct cad_deadline *d);

/* SPEC § 7: [{"date", "kind", "title", "party"}], one per line; a task
   also has "task" (its id) and "done" (true | false) */
int cad_deadlines_json(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_deadline *v, size_t n);

/* [{"party", "noticed", "effective"}]: the recorded notices */
int cad_terminations_json(struct cad_buf *b,
    const struct cad_termination *t, size_t n);

/*
 * The deadlines feed (SPEC § 5): VCALENDAR METHOD:PUBLISH with the same
 * header properties as cad_ical_feed(); each deadline one all-day VEVENT
 * (DTSTART;VALUE=DATE, DTEND the next day), UID cad_deadline_uid(),
 * SEQUENCE 0, and one VALARM (ACTION:DISPLAY, TRIGGER:-P<n>D) per
 * cad_deadline_offsets().  name is the
 * calendar's NAME (NULL: "<agreement title>: määräajat").  dtstamp
 * (unix seconds) is every event's DTSTAMP, CREATED and LAST-MODIFIED:
 * pass a stable time (when the config or the terminations last changed)
 * so that the feed's bytes, and so its ETag, change only with content.
 * No VTIMEZONE: every value is a DATE.  CRLF, folded at 75 octets.
 */
int cad_deadlines_ical(const struct cad_config *cfg,
    const struct cad_deadline *v, size_t n, const char *name,
    int64_t dtstamp, struct cad_buf *out, struct cad_error *err);

#endif
