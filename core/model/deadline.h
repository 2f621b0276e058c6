/*
 * deadline.h - the agreement's deadlines (SPEC § 7), as a list, as JSON
 * and as the all-day iCalendar feed calendars/deadlines.ics.
 *
 * From the config's `agreement` block and the stored terminations:
 *
 *   review       each review_by date                "Sopimuksen tarkistus"
 *   renewal      for each council term that starts after `effective`:
 *                term start + renew_within_months
 *   notice       for each council term that ends on or after `effective`:
 *                the last day on which a written notice (notice_months)
 *                still ends the agreement at the end of the term
 *   termination  for each stored termination: its effective day (noticed
 *                + notice_months, computed when the notice was recorded
 *                and the day the planner drops the party from)
 *   task         for each task (SPEC § 10.3, core/model/task.h), owner and
 *                due day from the task's start to cad_task_end(); an owner
 *                that has left by the due day has none
 *
 * Month arithmetic is cad_add_months(): the day of the month is kept and
 * clamped to the month's end (2026-01-31 + 1 month = 2026-02-28).  The
 * notice day is the latest day N with N + notice_months <= term end, so
 * that a notice given on it (with the same clamping rule that computes a
 * termination's effective day) ends the agreement by the end of the term:
 * 2029-05-31 - 12 months = 2028-05-31; a term ending on the last of a
 * month gives the last of the earlier month (2029-04-30 - 1 month =
 * 2029-03-31, as 2029-03-31 + 1 month = 2029-04-30).
 *
 * Without an `agreement` block there are only termination deadlines.
 * A deadline on a non-working day stays on its date.  The list is sorted
 * by date, then kind (review, renewal, notice, termination), then party.
 * Pure: no I/O, no clock.
 */
#ifndef CAD_DEADLINE_H
#define CAD_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

enum cad_deadline_kind {
	CAD_DEADLINE_REVIEW = 0,
	CAD_DEADLINE_RENEWAL,
	CAD_DEADLINE_NOTICE,
	CAD_DEADLINE_TERMINATION,
	CAD_DEADLINE_TASK,
};

struct cad_deadline {
	int day;		/* day number */
	enum cad_deadline_kind kind;
	char *title;		/* in the language of the thread that
				   made it (cad_deadline_title), owned */
	char *party;		/* party id (termination, task owner), owned;
				   or NULL */
	int term;		/* council term (renewal, notice) or -1 */
	int noticed;		/* termination: day of the notice, or
				   CAD_NODAY */
	int task;		/* CAD_DEADLINE_TASK: index into cfg->tasks */
	bool done;		/* task: recorded done (cadencectl done) */
};

/* d's task, or NULL when d is not a task's */
const struct cad_task *cad_deadline_task(const struct cad_config *cfg,
    const struct cad_deadline *d);

/* "review", "renewal", "notice", "termination", "task" (the JSON kind) */
const char *cad_deadline_kind_name(enum cad_deadline_kind k);
/* "tarkistus", "uusiminen", "irtisanominen", "eroaminen", "tehtävä",
   in the calling thread's language */
const char *cad_deadline_kind_label(enum cad_deadline_kind k);

/*
 * Every deadline of cfg's agreement, one per termination in ctx and the
 * tasks' (for ctx->today, with their done flags), sorted.  ctx NULL: the
 * agreement's only.  *out is NULL when there are none.  0 or -errno
 * (with err).
 */
int cad_deadlines(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, struct cad_deadline **out,
    size_t *nout, struct cad_error *err);

/* d's title in the thread's language (base/lang.h), as cad_deadlines()
   sets it: "Sopimuksen tarkistus", "<task>: <party>", ...; free() it */
char *cad_deadline_title(const struct cad_config *cfg,
    const struct cad_deadline *d);

/* the deadline's UID in deadlines.ics and reminders:
   "<kind>-<YYYY-MM-DD>[-<party>]@<domain>", for a task
   "task-<task id>-<YYYY-MM-DD>-<party>@<domain>"; free() it */
char *cad_deadline_uid(const struct cad_config *cfg,
    const struct cad_deadline *d);

/* the remind_days offsets of d: the task's, else the agreement's */
const int *cad_deadline_offsets(const struct cad_config *cfg,
    const struct cad_deadline *d, size_t *n);
void cad_deadlines_free(struct cad_deadline *v, size_t n);

/* the name (else the id) of the party with id, or id itself when no party
   has it; "?" for NULL */
const char *cad_deadline_party_name(const struct cad_config *cfg,
    const char *id);

#endif
