/*
 * task.c - the command of SPEC § 10.3 that records a task done:
 *
 *	done TASK DATE [--party ID] [--undo]
 *
 * `done` records that the owner did the task due on DATE (DATE is the due
 * day, as `cadencectl deadlines` lists it): no more reminders, no
 * "overdue" warning, "(tehty)" in deadlines.ics.  `done review DATE`
 * (when no task is called "review") records the agreement's review_by
 * DATE as done.  The validation, the record and its audit entry are
 * core/store/change.c's, shared with POST /api/v1/changes ("done");
 * with --server the change goes there.  `add` lives with cancel and move
 * in cli/change.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "render/output.h"
#include "store/change.h"

int
cmd_done(struct cli *c)
{
	struct change_args a;
	struct cad_change ch = { .new_time = -1 };
	struct cad_change_result res;
	char when[24];
	int r;

	if ((r = cli_change_args(c, false, &a)) != 0)
		return r;
	if (a.npos != 2)
		return cli_usage(_("%1$s: anna %2$s"), "done", "TASK DATE");
	if (cli_arg_date(_("päivä"), a.pos[1], &ch.day) < 0)
		return 1;
	ch.action = a.undo ? CAD_CHANGE_UNDONE : CAD_CHANGE_DONE;
	ch.task = a.pos[0];
	ch.party = a.party;
	if ((r = cli_change_run(c, &ch, &res)) != 0)
		return r;
	cad_format_fi_date(res.day, when);
	if (*res.done.party == '\0' && res.outcome == CAD_CHANGE_ALREADY)
		/* TRANSLATORS: the review_by date */
		printf(_("sopimuksen tarkistus %s on jo kirjattu tehdyksi\n"),
		    when);
	else if (*res.done.party == '\0')
		printf(a.undo ? _("ei tehty: sopimuksen tarkistus %s\n") :
		    _("tehty: sopimuksen tarkistus %s\n"), when);
	else if (res.outcome == CAD_CHANGE_ALREADY)
		/* TRANSLATORS: the task's id, its owner's id, the due day */
		printf(_("%1$s (%2$s, %3$s) on jo kirjattu tehdyksi\n"),
		    res.done.task, res.done.party, when);
	else
		/* TRANSLATORS: the task's id, its owner's id, the due day */
		printf(a.undo ? _("ei tehty: %1$s (%2$s), määräpäivä %3$s\n") :
		    _("tehty: %1$s (%2$s), määräpäivä %3$s\n"), res.done.task,
		    res.done.party, when);
	cad_change_result_release(&res);
	return cli_flush();
}
