/*
 * task.c - the commands of SPEC § 10.3 that change what is stored:
 *
 *	done TASK DATE [--party ID] [--undo]
 *	add FORUM DATE TIME [--party ID] [--reason TEXT] [--undo]
 *
 * `done` records that the owner did the task due on DATE (DATE is the due
 * day, as `cadencectl deadlines` lists it): no more reminders, no
 * "overdue" warning.  `done review DATE` (when no task is called
 * "review") records the agreement's review_by DATE as done.  `add` stores a one-off extra meeting of a series
 * (an RDATE); the daemon notices the write, republishes and invites.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "model/task.h"
#include "render/output.h"

/* the owner of t that --party names, or the only one; -1 with a message */
static int
task_owner(struct cli *c, const struct cad_task *t, const char *id)
{
	int p;

	if (id == NULL && t->nowners == 1)
		return t->owners[0];
	if (id == NULL) {
		cli_warnx("task '%s' has %zu owners: give --party", t->id,
		    t->nowners);
		return -1;
	}
	if ((p = cli_arg_party(c, id)) < 0)
		return -1;
	for (size_t i = 0; i < t->nowners; i++)
		if (t->owners[i] == p)
			return p;
	cli_warnx("party '%s' is not an owner of task '%s'", id, t->id);
	return -1;
}

/* 0 when day is a due day of t, else 1 with a message naming the
   nearest one */
static int
check_due(struct cli *c, const struct cad_task *t, int day, const char *date)
{
	int *due = NULL, best = CAD_NODAY;
	size_t n = cad_task_dues(c->cfg, t, day - 800, day + 800, &due);

	for (size_t i = 0; i < n; i++) {
		if (due[i] == day) {
			free(due);
			return 0;
		}
		if (best == CAD_NODAY || abs(due[i] - day) < abs(best - day))
			best = due[i];
	}
	free(due);
	if (best == CAD_NODAY) {
		cli_warnx("task '%s' is not due on %s", t->id, date);
	} else {
		char near[11];
		cad_format_date(best, near);
		cli_warnx("task '%s' is not due on %s (the nearest due day is "
		    "%s)", t->id, date, near);
	}
	return 1;
}

/* `done review DATE`: the agreement's review; 0 or an exit status */
static int
review_done(struct cli *c, const struct change_args *a)
{
	const struct cad_agreement *ag = &c->cfg->agreement;
	struct cad_error err = { "" };
	bool listed = false;
	int day, r;

	if (cli_arg_date("date", a->pos[1], &day) < 0)
		return 1;
	if (a->party) {
		cli_warnx("the review is the whole agreement's: leave out "
		    "--party");
		return 1;
	}
	for (size_t i = 0; i < ag->nreview_by; i++)
		listed |= ag->review_by[i] == day;
	if (!listed) {
		cli_warnx("the agreement has no review_by date %s", a->pos[1]);
		return 1;
	}
	r = a->undo ? cad_store_delete_done(c->store, CAD_TASK_REVIEW, "",
	    day, &err) : cad_store_put_done(c->store, CAD_TASK_REVIEW, "", day,
	    (int64_t)time(NULL), &err);
	if (r == -ENOENT) {
		cli_warnx("the review of %s is not recorded done", a->pos[1]);
		return 1;
	}
	if (r < 0) {
		cli_warnx("cannot save the change: %s", err.msg);
		return 1;
	}
	printf("%s sopimuksen tarkistus %s\n", a->undo ? "ei tehty:" :
	    "tehty:", a->pos[1]);
	return 0;
}

int
cmd_done(struct cli *c)
{
	struct change_args a;
	struct cad_error err = { "" };
	int r, ti, p, day;

	if ((r = cli_change_args(c, false, &a)) != 0)
		return r;
	if (a.npos != 2)
		return cli_usage("done: TASK and DATE expected");
	if ((r = cli_open(c, true)) != 0)
		return r;
	ti = cad_config_task(c->cfg, a.pos[0]);
	if (ti < 0 && strcmp(a.pos[0], CAD_TASK_REVIEW) == 0)
		return review_done(c, &a);
	if (ti < 0) {
		cli_warnx("unknown task '%s'", a.pos[0]);
		return 1;
	}
	const struct cad_task *t = &c->cfg->tasks[ti];
	if (cli_arg_date("date", a.pos[1], &day) < 0 ||
	    (p = task_owner(c, t, a.party)) < 0 ||
	    check_due(c, t, day, a.pos[1]) != 0)
		return 1;
	const char *party = c->cfg->parties[p].id;
	bool done = cad_task_done_find(&c->ctx, t->id, party, day) != NULL;
	char when[24];
	cad_format_fi_date(day, when);
	if (!a.undo && done) {
		printf("%s (%s, %s) on jo kirjattu tehdyksi\n", t->id, party,
		    when);
		return 0;
	}
	if (a.undo) {
		r = cad_store_delete_done(c->store, t->id, party, day, &err);
		if (r == -ENOENT) {
			cli_warnx("task '%s' of '%s' due on %s is not recorded "
			    "done", t->id, party, a.pos[1]);
			return 1;
		}
	} else {
		r = cad_store_put_done(c->store, t->id, party, day,
		    (int64_t)time(NULL), &err);
	}
	if (r < 0) {
		cli_warnx("cannot save the change: %s", err.msg);
		return 1;
	}
	printf("%s %s (%s), määräpäivä %s\n", a.undo ? "ei tehty:" : "tehty:",
	    t->id, party, when);
	return 0;
}

/* the series of forum (member party) in plan, or -1 with a message */
static int
find_series(struct cli *c, const struct cad_plan *plan, int forum,
    int party)
{
	const struct cad_forum *f = &c->cfg->forums[forum];

	if (f->nfor_each > 0 && party < 0) {
		cli_warnx("forum '%s' meets each party separately: give "
		    "--party", f->id);
		return -1;
	}
	if (f->nfor_each == 0 && party >= 0) {
		cli_warnx("forum '%s' has no separate meetings per party: "
		    "leave out --party", f->id);
		return -1;
	}
	for (size_t s = 0; s < plan->nseries; s++)
		if (plan->series[s].forum == forum &&
		    plan->series[s].party == party && !plan->series[s].first)
			return (int)s;
	cli_warnx("forum '%s' does not meet '%s' separately", f->id,
	    party >= 0 ? c->cfg->parties[party].id : "?");
	return -1;
}

/* the series already meets at day + time (a rule's or an added one) */
static bool
meets_then(const struct cad_plan *plan, size_t s, int day, int time_of_day)
{
	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->series == s && o->status == CAD_CONFIRMED &&
		    o->day == day && o->time == time_of_day)
			return true;
	}
	return false;
}

int
cmd_add(struct cli *c)
{
	struct change_args a;
	struct cad_error err = { "" };
	struct cad_plan plan;
	struct cad_addition x;
	int r, forum, party = -1, day, tod, s;

	if ((r = cli_change_args(c, true, &a)) != 0)
		return r;
	if (a.npos != 3)
		return cli_usage("add: FORUM DATE TIME expected");
	if ((r = cli_open(c, true)) != 0)
		return r;
	if ((forum = cli_arg_forum(c, a.pos[0])) < 0 ||
	    cli_arg_date("date", a.pos[1], &day) < 0)
		return 1;
	if (cad_parse_time(a.pos[2], &tod) < 0) {
		cli_warnx("time '%s' is not HH:MM", a.pos[2]);
		return 1;
	}
	if (a.party && (party = cli_arg_party(c, a.party)) < 0)
		return 1;
	if ((r = cli_plan(c, day, day, &plan)) != 0)
		return r;
	if ((s = find_series(c, &plan, forum, party)) < 0) {
		cad_plan_release(&plan);
		return 1;
	}
	char when[32];
	cad_format_fi(day, tod, when);
	x = (struct cad_addition){ plan.series[s].uid, day, tod, NULL };
	if (a.undo) {
		r = cad_store_delete_addition(c->store, x.uid, day, tod, &err);
		if (r == -ENOENT)
			cli_warnx("'%s' has no added meeting on %s at %s",
			    x.uid, a.pos[1], a.pos[2]);
	} else if (meets_then(&plan, (size_t)s, day, tod)) {
		cli_warnx("'%s' already meets on %s at %s", x.uid, a.pos[1],
		    a.pos[2]);
		r = -EEXIST;
	} else {
		x.reason = a.reason != NULL ? cad_strdup(a.reason) : NULL;
		r = cad_store_put_addition(c->store, &x, (int64_t)time(NULL),
		    &err);
		free(x.reason);
	}
	if (r < 0 && r != -ENOENT && r != -EEXIST)
		cli_warnx("cannot save the change: %s", err.msg);
	if (r == 0)
		printf("%s %s %s\n", a.undo ? "lisäys peruttu:" : "lisätty:",
		    x.uid, when);
	cad_plan_release(&plan);
	return r < 0 ? 1 : 0;
}
