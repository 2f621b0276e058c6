/*
 * change.c - the commands that change one meeting: cancel and move.
 * Both store an override keyed by the series UID and the instance's
 * RECURRENCE-ID; the daemon notices the write and republishes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "cli.h"
#include "render/output.h"

int
cli_change_args(struct cli *c, bool reason, struct change_args *a)
{
	const struct cli_opt opts[] = {
		{ "party", NULL, &a->party },
		{ "reason", NULL, &a->reason },
		{ "undo", &a->undo, NULL },
		{ NULL, NULL, NULL },
	};
	int r;

	memset(a, 0, sizeof *a);
	if ((r = cli_options(c, opts, a->pos, 4, &a->npos)) != 0)
		return r;
	if (a->reason && !reason)
		return cli_usage("%s: --reason not allowed here", c->argv[0]);
	return 0;
}

/*
 * Finds the instance of forum (member party) that takes place on day, or
 * failing that, whose original date was day.  Returns its index or -1
 * with a message.
 */
static int
find_instance(struct cli *c, const struct cad_plan *plan, int forum,
    int party, int day, const char *date)
{
	const struct cad_forum *f = &c->cfg->forums[forum];
	int found = -1;

	for (int pass = 0; pass < 2 && found < 0; pass++)
		for (size_t i = 0; i < plan->nocc; i++) {
			const struct cad_occurrence *o = &plan->occ[i];
			const struct cad_series *s = &plan->series[o->series];
			if (s->forum != forum || s->party != party)
				continue;
			if ((pass == 0 ? o->day : o->rid_day) == day) {
				found = (int)i;
				break;
			}
		}
	if (found < 0) {
		if (party >= 0)
			cli_warnx("forum '%s' has no meeting with '%s' on %s",
			    f->id, c->cfg->parties[party].id, date);
		else
			cli_warnx("forum '%s' has no meeting on %s", f->id,
			    date);
	}
	return found;
}

/*
 * Opens the store and resolves FORUM DATE [--party]: plans around the
 * date, finds the instance and starts its override (uid, RECURRENCE-ID).
 */
/* what people call series i: "Kuntakohtainen neuvottelu: Sotkamon
   kunta", or the forum's name */
static char *
series_name(const struct cli *c, const struct cad_plan *plan, size_t i)
{
	const struct cad_series *se = &plan->series[i];
	const char *forum = c->cfg->forums[se->forum].name;

	if (se->party < 0)
		return cad_strdup(forum);
	return cad_asprintf("%s: %s", forum, c->cfg->parties[se->party].name);
}

static int
locate(struct cli *c, const struct change_args *a, struct cad_plan *plan,
    const struct cad_occurrence **op, struct cad_override *ov)
{
	int forum, party = -1, day, idx, r;

	if ((r = cli_open(c, true)) != 0)
		return r;
	if ((forum = cli_arg_forum(c, a->pos[0])) < 0)
		return 1;
	const struct cad_forum *f = &c->cfg->forums[forum];
	if (cli_arg_date("date", a->pos[1], &day) < 0)
		return 1;
	if (a->party && (party = cli_arg_party(c, a->party)) < 0)
		return 1;
	if (f->nfor_each && party < 0) {
		cli_warnx("forum '%s' meets each party separately: give "
		    "--party", f->id);
		return 1;
	}
	if (f->nfor_each == 0 && party >= 0) {
		cli_warnx("forum '%s' has no separate meetings per party: "
		    "leave out --party", f->id);
		return 1;
	}
	if (party >= 0) {
		if (cad_forum_member_index(c->cfg, f, party) < 0) {
			cli_warnx("forum '%s' does not meet '%s' separately",
			    f->id, c->cfg->parties[party].id);
			return 1;
		}
	}
	/* a rule or a person may have moved it far: look a year around */
	if ((r = cli_plan(c, day - 400, day + 400, plan)) != 0)
		return r;
	if ((idx = find_instance(c, plan, forum, party, day, a->pos[1])) < 0) {
		cad_plan_release(plan);
		return 1;
	}
	*op = &plan->occ[idx];
	memset(ov, 0, sizeof *ov);
	ov->uid = plan->series[(*op)->series].uid;
	ov->rid_day = (*op)->rid_day;
	ov->rid_time = (*op)->rid_time;
	return 0;
}

static int
store_override(struct cli *c, const struct cad_override *ov, bool undo)
{
	struct cad_error err = { "" };
	int r = undo ? cad_store_delete_override(c->store, ov->uid,
	    ov->rid_day, ov->rid_time, &err) :
	    cad_store_put_override(c->store, ov, &err);
	if (r == -ENOENT) {
		cli_warnx("nothing to undo: the meeting has no change");
		return 1;
	}
	if (r < 0) {
		cli_warnx("cannot save the change: %s", err.msg);
		return 1;
	}
	return 0;
}

int
cmd_cancel(struct cli *c)
{
	struct change_args a;
	struct cad_plan plan;
	const struct cad_occurrence *o;
	struct cad_override ov;
	int r;

	if ((r = cli_change_args(c, true, &a)) != 0)
		return r;
	if (a.npos != 2)
		return cli_usage("cancel: FORUM and DATE expected");
	if ((r = locate(c, &a, &plan, &o, &ov)) != 0)
		return r;
	ov.kind = CAD_OVERRIDE_CANCEL;
	ov.reason = (char *)a.reason;
	char when[32];
	cad_format_fi(o->day, o->time, when);
	char *name = series_name(c, &plan, o->series);
	if (!a.undo && o->status == CAD_CANCELLED) {
		printf("%s %s on jo peruttu\n", name, when);
		free(name);
		cad_plan_release(&plan);
		return 0;
	}
	if (a.undo && o->status != CAD_CANCELLED) {
		cli_warnx("the meeting of %s is not cancelled", when);
		free(name);
		cad_plan_release(&plan);
		return 1;
	}
	r = store_override(c, &ov, a.undo);
	if (r == 0)
		printf("%s %s %s\n", a.undo ? "palautettu:" : "peruttu:", name,
		    when);
	free(name);
	cad_plan_release(&plan);
	return r;
}

/*
 * A local time that a DST change skips or repeats is refused: readers
 * disagree by an hour on it (SPEC § 10.6).  0, or 1 with the reason.
 */
static int
refuse_dst(const char *tz, int day, int minutes)
{
	enum cad_tz_local k = cad_tz_local_kind(tz, day, minutes);
	char when[32];

	if (k == CAD_TZ_LOCAL_OK)
		return 0;
	cad_format_fi(day, minutes, when);
	cli_warnx("cannot move to %s: %s in %s, the clocks %s; choose "
	    "another time", when, k == CAD_TZ_LOCAL_SKIPPED ?
	    "that time does not exist" : "that time occurs twice", tz,
	    k == CAD_TZ_LOCAL_SKIPPED ? "go forward" : "go back");
	return 1;
}

int
cmd_move(struct cli *c)
{
	struct change_args a;
	struct cad_plan plan;
	const struct cad_occurrence *o;
	struct cad_override ov;
	int r, new_day, new_time = -1;

	if ((r = cli_change_args(c, false, &a)) != 0)
		return r;
	if (a.undo ? a.npos != 2 : a.npos != 3 && a.npos != 4)
		return cli_usage(a.undo ? "move --undo: FORUM and DATE "
		    "expected" : "move: FORUM DATE NEW-DATE [NEW-TIME] "
		    "expected");
	if (!a.undo && cli_arg_date("new date", a.pos[2], &new_day) < 0)
		return 1;
	if (a.npos == 4 && cad_parse_time(a.pos[3], &new_time) < 0) {
		cli_warnx("new time '%s' is not HH:MM", a.pos[3]);
		return 1;
	}
	if ((r = locate(c, &a, &plan, &o, &ov)) != 0)
		return r;
	ov.kind = CAD_OVERRIDE_MOVE;
	ov.new_day = a.undo ? o->rid_day : new_day;
	ov.new_time = new_time >= 0 ? new_time : o->time;
	char *name = series_name(c, &plan, o->series);
	if (a.undo) {
		r = store_override(c, &ov, true);
		if (r == 0)
			printf("siirto peruttu: %s\n", name);
		free(name);
		cad_plan_release(&plan);
		return r;
	}
	if (refuse_dst(c->cfg->timezone, ov.new_day, ov.new_time) != 0) {
		cad_plan_release(&plan);
		return 1;
	}
	if (!cad_is_working_day(c->cfg, new_day))
		cli_warnx("warning: %s is not a working day",
		    a.pos[2]);
	char from[32], to[32];
	cad_format_fi(o->day, o->time, from);
	cad_format_fi(ov.new_day, ov.new_time, to);
	r = store_override(c, &ov, false);
	if (r == 0)
		printf("siirretty: %s %s -> %s\n", name, from, to);
	free(name);
	cad_plan_release(&plan);
	return r;
}
