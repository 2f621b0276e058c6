/*
 * output.h - formats shared by cadencectl and the daemon's API:
 * RFC 3339 with the local offset, Finnish human dates, the JSON shapes
 * of SPEC §§ 5, 7, 8.  Writes into a cad_buf; never prints.  The
 * cad_json_* answer 0 or the buffer's error (util.h: errors stick).
 */
#ifndef CAD_OUTPUT_H
#define CAD_OUTPUT_H

#include <stddef.h>

#include "model/config.h"
#include "model/plan.h"
#include "model/tz.h"
#include "base/util.h"


/* "2026-02-11T13:00:00+02:00" */
void cad_format_rfc3339(const char *tzid, int day, int minutes,
    char out[static 32]);
/* the end as above: start + duration elapsed minutes, with its own offset */
void cad_format_rfc3339_end(const char *tzid, int day, int minutes,
    int duration, char out[static 32]);
/* "ti 10.2.2026 klo 13.00"; out of at least 32 bytes */
void cad_format_fi(int day, int minutes, char out[static 32]);
void cad_format_time(int minutes, char out[static 8]);	/* "9.00" */
/* "ti 10.2.2026" */
void cad_format_fi_date(int day, char out[static 24]);

/* one occurrence object, SPEC § 5 */
int cad_json_occurrence(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_occurrence *o);
/* the array of occurrences of plan, only forum (-1 = all) and those
   involving party (-1 = all) */
int cad_json_occurrences(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, int forum,
    int party);
/* SPEC § 8 forums --json */
int cad_json_forums(struct cad_buf *b, const struct cad_config *cfg);
/* SPEC § 5 holidays: [{"date","name"}] */
int cad_json_holidays(struct cad_buf *b, const struct cad_config *cfg,
    int year);
/* [{"forum","party","kind":"year"|"term"|"overdue"|"passed","from","to",
   "message"}]; overdue adds "task" (its id), passed "deadline" (its
   kind); forum is null for both */
int cad_json_compliance(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_compliance *w, size_t n);
/* "year", "term", "overdue", "passed" (the JSON kind) */
const char *cad_compliance_kind_name(enum cad_compliance_kind k);
/* the Finnish one-line text of a compliance warning */
char *cad_compliance_message(const struct cad_config *cfg,
    const struct cad_compliance *w);

/* occurrence filter used by both JSON and human output */
bool cad_occurrence_matches(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_occurrence *o, int forum, int party);

/*
 * How an occurrence was moved, for people, in the thread's language: a
 * rule's move ("siirretty sääntöjen mukaan (pyhäpäivä), alun perin ORIG")
 * told apart from a person's ("siirretty, alun perin ORIG"); NULL when
 * nothing moved it.  Malloc'd.
 */
char *cad_moved_text(enum cad_moved m, const char *orig);

#endif
