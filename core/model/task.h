/*
 * task.h - tasks (SPEC § 10.3): the reports and other obligations of the
 * config's `tasks`, their due days across council terms, and whether one
 * is done.  Pure: no I/O, no clock (today comes in the plan context).
 *
 * Due days of a task:
 *   due = "MM-DD"  every year on that day, from `start` on; 02-29 is
 *                  the 28th in a common year;
 *   per_term       once per council term: day `day` of `month` in the
 *                  term's year-th year (year N = [term start + 12(N-1)
 *                  months, term start + 12N months), as for a forum's
 *                  per_term), the day clamped to the month's length.  A
 *                  date past the term's end -- the shortened 2021-08-01 ..
 *                  2025-05-31 term has no fourth August..May -- is due on
 *                  the term's last day: the obligation belongs to the term.
 * `start` defaults to the first day of the council term that holds today
 * (without one, January 1 of today's year): obligations of the current
 * term, which stay visible over a New Year.  Dues run to the end of the
 * last council term or today + horizon_days, whichever is later.
 */
#ifndef CAD_TASK_H
#define CAD_TASK_H

#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"
#include "model/plan.h"

/* the done record of the agreement's review_by day d is
   (CAD_TASK_REVIEW, "", d) */
#define CAD_TASK_REVIEW "review"

/* the first day t may be due on, for today */
int cad_task_start(const struct cad_config *cfg, const struct cad_task *t,
    int today);
/* the last day any task is planned to (see above) */
int cad_task_end(const struct cad_config *cfg, int today);

/*
 * The due days of t in [from, to], ascending, each once; their number.
 * *out is malloc'd (NULL when there are none).
 */
size_t cad_task_dues(const struct cad_config *cfg, const struct cad_task *t,
    int from, int to, int **out);

/* the done record of (task, party, due) in ctx, or NULL */
const struct cad_task_done *cad_task_done_find(
    const struct cad_plan_ctx *ctx, const char *task, const char *party,
    int due);

/* the owner party index p has left (termination effective) by day */
bool cad_task_owner_gone(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int p, int day);

/*
 * The task and agreement warnings (SPEC § 10.3), for ctx->today:
 *  - OVERDUE: each (task, owner, due day) with due day < today, from the
 *    task's start on, not done, whose owner had not left by then;
 *  - PASSED: a renewal deadline that has passed (a newer `effective`
 *    would have removed it), and a review_by date that has passed with
 *    no newer `effective`, no later review_by date and not recorded done
 *    (`cadencectl done review DATE`).
 * Sorted by day.  *out is NULL when there are none.
 */
int cad_task_compliance(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, struct cad_compliance **out,
    size_t *nout, struct cad_error *err);

#endif
