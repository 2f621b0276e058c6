/*
 * task.c - the commands of SPEC § 10.3 that change what is stored:
 *
 *	done TASK DATE [--party ID] [--undo]
 *
 * `done` records that the owner did the task due on DATE (DATE is the due
 * day, as `cadencectl deadlines` lists it): no more reminders, no
 * "overdue" warning.  `done review DATE` (when no task is called
 * "review") records the agreement's review_by DATE as done.  `add`
 * lives with cancel and move in cli/change.c.
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
