/*
 * change_done.c - a task recorded done and taken back (SPEC § 10.3,
 * `cadencectl done TASK DATE [--party ID] [--undo]`, the API's "done"):
 * the validation of cad_change_prepare for CAD_CHANGE_DONE and
 * CAD_CHANGE_UNDONE (change.h).  cad_change_commit stores the record
 * with its audit entry.
 *
 * TASK is a task's id, or "review" (CAD_TASK_REVIEW, when no task has
 * that id) for the agreement's review_by date, which is the whole
 * agreement's: no party.  DATE is the due day as `cadencectl deadlines`
 * and the deadline JSON list it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "model/deadline.h"
#include "model/task.h"
#include "store/change.h"

/* a due day this far either side of the date is named as the nearest */
#define DUE_WINDOW	800

/* the owner of t that party names, or the only one; -1 with err */
static int
task_owner(const struct cad_config *cfg, const struct cad_task *t,
    const char *party, struct cad_error *err)
{
	int p;

	if (party == NULL && t->nowners == 1)
		return t->owners[0];
	if (party == NULL) {
		cad_error_set(err, _("tehtävällä '%1$s' on %2$zu omistajaa: "
		    "anna --party"), t->id, t->nowners);
		return -1;
	}
	if ((p = cad_config_party(cfg, party)) < 0) {
		cad_error_set(err, _("tuntematon osapuoli '%s'"), party);
		return -1;
	}
	for (size_t i = 0; i < t->nowners; i++)
		if (t->owners[i] == p)
			return p;
	cad_error_set(err, _("osapuoli '%1$s' ei ole tehtävän '%2$s' "
	    "omistaja"), party, t->id);
	return -1;
}

/* 0 when day is a due day of t, else -EINVAL with err naming the
   nearest one */
static int
check_due(const struct cad_config *cfg, const struct cad_task *t, int day,
    struct cad_error *err)
{
	int *due = NULL, best = CAD_NODAY;
	size_t n = cad_task_dues(cfg, t, day - DUE_WINDOW, day + DUE_WINDOW,
	    &due);
	char date[11], near[11];

	for (size_t i = 0; i < n; i++) {
		if (due[i] == day) {
			free(due);
			return 0;
		}
		if (best == CAD_NODAY || abs(due[i] - day) < abs(best - day))
			best = due[i];
	}
	free(due);
	cad_format_date(day, date);
	if (best == CAD_NODAY) {
		cad_error_set(err, _("tehtävän '%1$s' määräpäivä ei ole %2$s"),
		    t->id, date);
	} else {
		cad_format_date(best, near);
		cad_error_set(err, _("tehtävän '%1$s' määräpäivä ei ole %2$s "
		    "(lähin määräpäivä on %3$s)"), t->id, date, near);
	}
	return -EINVAL;
}

/* the agreement's review_by date ch->day; 0 or -EINVAL with err */
static int
check_review(const struct cad_config *cfg, const struct cad_change *ch,
    struct cad_error *err)
{
	const struct cad_agreement *ag = &cfg->agreement;
	char date[11];

	if (ch->party != NULL) {
		cad_error_set(err, _("tarkistus koskee koko sopimusta: jätä "
		    "--party pois"));
		return -EINVAL;
	}
	for (size_t i = 0; i < ag->nreview_by; i++)
		if (ag->review_by[i] == ch->day)
			return 0;
	cad_format_date(ch->day, date);
	cad_error_set(err, _("sopimuksella ei ole review_by-päivää %s"),
	    date);
	return -EINVAL;
}

/* the deadline's UID, title and the audit texts into res */
static void
describe_done(const struct cad_config *cfg, const struct cad_deadline *d,
    bool was_done, struct cad_change_result *res)
{
	char date[11];

	cad_format_date(d->day, date);
	res->uid = cad_deadline_uid(cfg, d);
	res->name = cad_deadline_title(cfg, d);
	res->what = cad_asprintf("%s %s%s%s", res->done.task, date,
	    *res->done.party != '\0' ? " " : "", res->done.party);
	res->before = cad_audit_when_text(d->day, -1, was_done ?
	    CAD_AUDIT_WORD_DONE : CAD_AUDIT_WORD_DUE);
	res->after = cad_audit_when_text(d->day, -1, res->undo ?
	    CAD_AUDIT_WORD_DUE : CAD_AUDIT_WORD_DONE);
}

int
cad_change_prepare_done(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_change *ch, struct cad_change_result *res,
    struct cad_error *err)
{
	struct cad_deadline d = { .day = ch->day, .task = -1, .term = -1,
		.noticed = CAD_NODAY };
	struct cad_store_inputs in;
	struct cad_plan_ctx ctx;
	int ti = ch->task != NULL ? cad_config_task(cfg, ch->task) : -1;
	int p = -1, r;
	bool was;

	if (ti < 0 && (ch->task == NULL ||
	    strcmp(ch->task, CAD_TASK_REVIEW) != 0)) {
		cad_error_set(err, _("tuntematon tehtävä '%s'"),
		    ch->task != NULL ? ch->task : "");
		return -EINVAL;
	}
	if (ti < 0 && (r = check_review(cfg, ch, err)) != 0)
		return r;
	if (ti >= 0 && ((p = task_owner(cfg, &cfg->tasks[ti], ch->party,
	    err)) < 0 || check_due(cfg, &cfg->tasks[ti], ch->day, err) != 0))
		return -EINVAL;
	if ((r = cad_store_inputs_read(st, &in, res->inputs, err)) != 0)
		return r;
	cad_store_inputs_ctx(&in, ch->day, &ctx);
	d.kind = ti >= 0 ? CAD_DEADLINE_TASK : CAD_DEADLINE_REVIEW;
	d.task = ti;
	d.party = p >= 0 ? cad_strdup(cfg->parties[p].id) : NULL;
	res->action = ch->action;
	res->undo = ch->action == CAD_CHANGE_UNDONE;
	res->day = res->new_day = ch->day;
	res->done.task = cad_strdup(ti >= 0 ? cfg->tasks[ti].id :
	    CAD_TASK_REVIEW);
	res->done.party = cad_strdup(d.party != NULL ? d.party : "");
	res->done.due = ch->day;
	was = cad_task_done_find(&ctx, res->done.task, res->done.party,
	    ch->day) != NULL;
	cad_store_inputs_release(&in);
	if (was && !res->undo)
		res->outcome = CAD_CHANGE_ALREADY;
	describe_done(cfg, &d, was, res);
	free(d.party);
	return 0;
}
