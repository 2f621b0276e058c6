/*
 * change.c - cancel, move and undo of one meeting, and extra meetings
 * (change.h).  A change is an override keyed by the series UID and the
 * instance's RECURRENCE-ID, or an addition keyed by the series UID and
 * its start, or a task's done record (validated in change_done.c),
 * stored together with its audit record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "model/calendar.h"
#include "model/plan.h"
#include "store/change.h"

/* a meeting may have been moved far by a rule or a person: the plan
   looks this many days around the date */
#define CHANGE_WINDOW	400

static const char *const action_names[] = {
	[CAD_CHANGE_CANCEL] = "cancel",
	[CAD_CHANGE_MOVE] = "move",
	[CAD_CHANGE_UNCANCEL] = "undo",
	[CAD_CHANGE_UNDO] = "undo",
	[CAD_CHANGE_ADD] = "add",
	[CAD_CHANGE_UNADD] = "undo",
	[CAD_CHANGE_DONE] = "done",
	[CAD_CHANGE_UNDONE] = "undo",
};

const char *
cad_change_action_name(enum cad_change_action a)
{
	return (size_t)a < sizeof action_names / sizeof action_names[0] ?
	    action_names[a] : "?";
}

int
cad_change_action_parse(const char *name, enum cad_change_action *out)
{
	static const enum cad_change_action api[] = { CAD_CHANGE_CANCEL,
		CAD_CHANGE_MOVE, CAD_CHANGE_ADD, CAD_CHANGE_UNDO,
		CAD_CHANGE_DONE };

	for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
		if (strcmp(name, action_names[api[i]]) == 0) {
			*out = api[i];
			return 0;
		}
	return -EINVAL;
}

static const char *const warning_names[CAD_CHANGE_NWARNINGS] = {
	"not_working_day",
	"blackout",
};

const char *
cad_change_warning_name(int warning)
{
	for (int i = 0; i < CAD_CHANGE_NWARNINGS; i++)
		if (warning == 1 << i)
			return warning_names[i];
	return "?";
}

int
cad_change_warning_parse(const char *name)
{
	for (int i = 0; name != NULL && i < CAD_CHANGE_NWARNINGS; i++)
		if (strcmp(name, warning_names[i]) == 0)
			return 1 << i;
	return 0;
}

/* forum and party of ch resolved and checked; -EINVAL with err */
static int
resolve(const struct cad_config *cfg, const struct cad_change *ch,
    int *forum, int *party, struct cad_error *err)
{
	const struct cad_forum *f;
	bool member = false;

	*party = -1;
	if ((*forum = cad_config_forum(cfg, ch->forum)) < 0) {
		cad_error_set(err, _("tuntematon foorumi '%s'"), ch->forum);
		return -EINVAL;
	}
	f = &cfg->forums[*forum];
	if (ch->party != NULL &&
	    (*party = cad_config_party(cfg, ch->party)) < 0) {
		cad_error_set(err, _("tuntematon osapuoli '%s'"), ch->party);
		return -EINVAL;
	}
	if (f->nfor_each != 0 && *party < 0) {
		cad_error_set(err, _("foorumi '%s' kokoontuu kunkin osapuolen "
		    "kanssa erikseen: anna --party"), f->id);
		return -EINVAL;
	}
	if (f->nfor_each == 0 && *party >= 0) {
		cad_error_set(err, _("foorumilla '%s' ei ole "
		    "osapuolikohtaisia kokouksia: jätä --party pois"), f->id);
		return -EINVAL;
	}
	member = *party >= 0 && cad_forum_member_index(cfg, f, *party) >= 0;
	if (*party >= 0 && !member) {
		cad_error_set(err, _("foorumi '%1$s' ei kokoonnu osapuolen "
		    "'%2$s' kanssa erikseen"), f->id, cfg->parties[*party].id);
		return -EINVAL;
	}
	return 0;
}

/*
 * The occurrence of forum (member party) that takes place on day, or
 * failing that, whose original date was day; -1 with err.
 */
static int
find_instance(const struct cad_config *cfg, const struct cad_plan *plan,
    int forum, int party, int day, struct cad_error *err)
{
	char date[11];

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < plan->nocc; i++) {
			const struct cad_occurrence *o = &plan->occ[i];
			const struct cad_series *s = &plan->series[o->series];
			if (s->forum == forum && s->party == party &&
			    (pass == 0 ? o->day : o->rid_day) == day)
				return (int)i;
		}
	cad_format_date(day, date);
	if (party >= 0)
		cad_error_set(err, _("foorumilla '%1$s' ei ole kokousta "
		    "osapuolen '%2$s' kanssa %3$s"),
		    cfg->forums[forum].id, cfg->parties[party].id, date);
	else
		cad_error_set(err, _("foorumilla '%1$s' ei ole kokousta %2$s"),
		    cfg->forums[forum].id, date);
	return -1;
}

/* "2026-10-13 13:00" and a state word when it is not the plain one */
static char *
describe_occurrence(const struct cad_occurrence *o)
{
	return cad_audit_when_text(o->day, o->time,
	    o->status == CAD_CANCELLED ? CAD_AUDIT_WORD_CANCELLED :
	    o->moved == CAD_MOVED_PERSON ? CAD_AUDIT_WORD_MOVED :
	    CAD_AUDIT_WORD_NONE);
}

static const enum cad_audit_action audit_of[] = {
	[CAD_CHANGE_CANCEL] = CAD_AUDIT_CANCEL,
	[CAD_CHANGE_MOVE] = CAD_AUDIT_MOVE,
	[CAD_CHANGE_UNCANCEL] = CAD_AUDIT_UNCANCEL,
	[CAD_CHANGE_UNDO] = CAD_AUDIT_UNDO,
	[CAD_CHANGE_ADD] = CAD_AUDIT_ADD,
	[CAD_CHANGE_UNADD] = CAD_AUDIT_UNADD,
	[CAD_CHANGE_DONE] = CAD_AUDIT_DONE,
	[CAD_CHANGE_UNDONE] = CAD_AUDIT_UNDONE,
};

/* "hytetu-foorumi 2026-10-13 kajaani: reason": the audit's what */
static char *
audit_what(const struct cad_change *ch)
{
	char date[11];

	cad_format_date(ch->day, date);
	return cad_asprintf("%s %s%s%s%s%s", ch->forum, date,
	    ch->party != NULL ? " " : "", ch->party != NULL ? ch->party : "",
	    ch->reason != NULL ? ": " : "",
	    ch->reason != NULL ? ch->reason : "");
}

/* the audit texts of the change of o into res */
static void
audit_texts(const struct cad_change *ch, const struct cad_occurrence *o,
    struct cad_change_result *res)
{
	res->what = audit_what(ch);
	res->before = describe_occurrence(o);
	res->after = res->undo ? cad_audit_when_text(o->rid_day, o->rid_time,
	    CAD_AUDIT_WORD_NONE) :
	    res->ov.kind == CAD_OVERRIDE_MOVE ?
	    cad_audit_when_text(res->ov.new_day, res->ov.new_time,
	    CAD_AUDIT_WORD_MOVED) :
	    cad_audit_when_text(o->day, o->time,
	    CAD_AUDIT_WORD_CANCELLED);
}

/* the series' UID and what people call it, in the thread's language
   (SPEC § 10.4), into res */
static void
name_series(const struct cad_config *cfg, const struct cad_series *s,
    struct cad_change_result *res)
{
	res->uid = cad_strdup(s->uid);
	res->name = cad_series_name(cfg, s);
}

/*
 * ADD, UNADD: the extra meeting of ch into res; -EINVAL with err when
 * the series meets at that start already (a rule's or an added one).
 * An UNADD of no extra meeting is found when it is stored (-ENOENT).
 */
static int
decide_add(const struct cad_config *cfg, const struct cad_plan *plan,
    int forum, int party, const struct cad_change *ch,
    struct cad_change_result *res, struct cad_error *err)
{
	size_t s;
	char *when, date[11];

	for (s = 0; s < plan->nseries; s++)
		if (plan->series[s].forum == forum &&
		    plan->series[s].party == party && !plan->series[s].first)
			break;
	if (s == plan->nseries) {
		cad_error_set(err, _("foorumilla '%s' ei ole sarjaa, johon "
		    "kokouksen voisi lisätä"), cfg->forums[forum].id);
		return -EINVAL;
	}
	for (size_t i = 0; ch->action == CAD_CHANGE_ADD && i < plan->nocc;
	    i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->series == s && o->status == CAD_CONFIRMED &&
		    o->day == ch->day && o->time == ch->time) {
			cad_format_date(ch->day, date);
			cad_error_set(err, _("'%1$s' kokoontuu jo %2$s klo "
			    "%3$02d:%4$02d"), plan->series[s].uid, date,
			    ch->time / 60, ch->time % 60);
			return -EINVAL;
		}
	}
	name_series(cfg, &plan->series[s], res);
	res->day = res->new_day = res->ov.rid_day = ch->day;
	res->time = res->new_time = res->ov.rid_time = ch->time;
	res->action = ch->action;
	res->undo = ch->action == CAD_CHANGE_UNADD;
	res->ov.uid = res->uid;
	res->add = (struct cad_addition){ res->uid, ch->day, ch->time,
		ch->reason != NULL ? cad_strdup(ch->reason) : NULL };
	res->what = audit_what(ch);
	when = cad_audit_when_text(ch->day, ch->time, CAD_AUDIT_WORD_ADDED);
	res->before = res->undo ? when : cad_strdup("");
	res->after = res->undo ? cad_strdup("") : when;
	return 0;
}

/* what ch does to occurrence o of plan, into res; -EINVAL with err */
static int
decide(const struct cad_config *cfg, const struct cad_plan *plan,
    const struct cad_occurrence *o, const struct cad_change *ch,
    struct cad_change_result *res, struct cad_error *err)
{
	const struct cad_series *s = &plan->series[o->series];
	char date[11];

	name_series(cfg, s, res);
	res->day = o->day;
	res->time = o->time;
	res->new_day = o->day;
	res->new_time = o->time;
	res->ov.uid = res->uid;
	res->ov.rid_day = o->rid_day;
	res->ov.rid_time = o->rid_time;
	res->action = ch->action;
	switch (ch->action) {
	case CAD_CHANGE_CANCEL:
		res->ov.kind = CAD_OVERRIDE_CANCEL;
		res->ov.reason = ch->reason != NULL ?
		    cad_strdup(ch->reason) : NULL;
		if (o->status == CAD_CANCELLED)
			res->outcome = CAD_CHANGE_ALREADY;
		break;
	case CAD_CHANGE_UNCANCEL:
		if (o->status != CAD_CANCELLED) {
			cad_format_date(o->day, date);
			cad_error_set(err, _("kokousta %s ei ole peruttu"),
			    date);
			return -EINVAL;
		}
		/* FALLTHROUGH */
	case CAD_CHANGE_UNDO:
		res->undo = true;
		res->new_day = o->rid_day;
		res->new_time = o->rid_time;
		break;
	case CAD_CHANGE_ADD:
	case CAD_CHANGE_UNADD:
	case CAD_CHANGE_DONE:
	case CAD_CHANGE_UNDONE:
		return -EINVAL;		/* decide_add's, prepare_done's */
	case CAD_CHANGE_MOVE:
		res->ov.kind = CAD_OVERRIDE_MOVE;
		res->ov.new_day = res->new_day = ch->new_day;
		res->ov.new_time = res->new_time =
		    ch->new_time >= 0 ? ch->new_time : o->time;
		if (!cad_is_working_day(cfg, ch->new_day))
			res->warnings |= CAD_CHANGE_WARN_NOT_WORKING;
		if (cad_is_blacked_out(cfg, &cfg->forums[s->forum],
		    s->party >= 0 || s->group >= 0 ? &(struct cad_unit){
		    s->party, s->group } : NULL, ch->new_day))
			res->warnings |= CAD_CHANGE_WARN_BLACKOUT;
		break;
	}
	audit_texts(ch, o, res);
	return 0;
}

int
cad_change_prepare(struct cad_store *st, const struct cad_config *cfg,
    int today, const struct cad_change *ch, struct cad_change_result *res,
    struct cad_error *err)
{
	struct cad_plan_ctx ctx;
	struct cad_store_inputs in;
	struct cad_plan plan = { 0 };
	bool add = ch->action == CAD_CHANGE_ADD ||
	    ch->action == CAD_CHANGE_UNADD;
	int forum, party, idx, r;

	memset(res, 0, sizeof *res);
	if (ch->action == CAD_CHANGE_DONE || ch->action == CAD_CHANGE_UNDONE) {
		if ((r = cad_change_prepare_done(st, cfg, ch, res, err)) != 0)
			cad_change_result_release(res);
		return r;
	}
	if ((r = resolve(cfg, ch, &forum, &party, err)) != 0)
		return r;
	/* everything the planner reads: a cancel may be of an extra
	   meeting, and an extra meeting must not double one */
	if ((r = cad_store_inputs_read(st, &in, res->inputs, err)) != 0)
		return r;
	cad_store_inputs_ctx(&in, today, &ctx);
	if ((r = cad_plan_range(cfg, &ctx, ch->day - CHANGE_WINDOW,
	    ch->day + CHANGE_WINDOW, &plan, err)) != 0)
		goto out;
	if (add)
		r = decide_add(cfg, &plan, forum, party, ch, res, err);
	else if ((idx = find_instance(cfg, &plan, forum, party, ch->day,
	    err)) < 0)
		r = -EINVAL;
	else
		r = decide(cfg, &plan, &plan.occ[idx], ch, res, err);
out:
	cad_plan_release(&plan);
	cad_store_inputs_release(&in);
	if (r != 0)
		cad_change_result_release(res);
	return r;
}

/* the end of a change's transaction: r (the change's write) 0 appends
   the audit record e and commits; otherwise, or when that fails, rolls
   back */
static int
audit_commit(struct cad_store *st, int r, const struct cad_audit_row *e,
    struct cad_error *err)
{
	if (r == 0)
		r = cad_audit_add(st, e, err);
	if (r == 0)
		r = cad_store_commit(st, err);
	if (r != 0)
		cad_store_rollback(st);
	return r;
}

/* the err of an undo that found nothing to undo in res */
static void
nothing_to_undo(const struct cad_change_result *res, struct cad_error *err)
{
	char date[11];

	cad_format_date(res->day, date);
	if (res->action == CAD_CHANGE_UNADD)
		cad_error_set(err, _("ei peruttavaa: sarjalla '%1$s' ei ole "
		    "lisättyä kokousta %2$s klo %3$02d:%4$02d"), res->uid, date,
		    res->time / 60, res->time % 60);
	else if (res->action == CAD_CHANGE_UNDONE && *res->done.party == '\0')
		cad_error_set(err, _("ei peruttavaa: sopimuksen tarkistusta "
		    "%s ei ole kirjattu tehdyksi"), date);
	else if (res->action == CAD_CHANGE_UNDONE)
		cad_error_set(err, _("ei peruttavaa: tehtävää '%1$s' "
		    "(osapuoli '%2$s', määräpäivä %3$s) ei ole kirjattu "
		    "tehdyksi"), res->done.task, res->done.party, date);
	else
		cad_error_set(err,
		    _("ei peruttavaa: kokousta ei ole muutettu"));
}

/* the write of the prepared change res, inside its transaction */
static int
commit_write(struct cad_store *st, struct cad_change_result *res,
    int64_t now, struct cad_error *err)
{
	const struct cad_override *ov = &res->ov;
	const struct cad_task_done *d = &res->done;
	int r;

	switch (res->action) {
	case CAD_CHANGE_ADD:
	case CAD_CHANGE_UNADD:
		r = res->undo ? cad_store_delete_addition(st, res->uid,
		    res->day, res->time, err) :
		    cad_store_put_addition(st, &res->add, now, err);
		break;
	case CAD_CHANGE_DONE:
	case CAD_CHANGE_UNDONE:
		r = res->undo ? cad_store_delete_done(st, d->task, d->party,
		    d->due, err) : cad_store_put_done(st, d->task, d->party,
		    d->due, now, err);
		break;
	default:
		r = res->undo ? cad_store_delete_override(st, ov->uid,
		    ov->rid_day, ov->rid_time, err) :
		    cad_store_put_override(st, ov, err);
	}
	if (r == -ENOENT)
		nothing_to_undo(res, err);
	return r;
}

int
cad_change_commit(struct cad_store *st, struct cad_change_result *res,
    const struct cad_actor *who, int64_t now, struct cad_error *err)
{
	char rid[CAD_RID_SIZE];
	struct cad_audit_row e = {
		.time = now,
		.who = who->who,
		.address = who->address,
		.action = audit_of[res->action],
		.uid = res->uid,
		.rid = rid,
		.what = res->what,
		.before = res->before,
		.after = res->after,
	};
	const struct cad_override *ov = &res->ov;
	char now_inputs[65];
	int r;

	if (res->outcome == CAD_CHANGE_ALREADY)
		return 0;
	if (res->action == CAD_CHANGE_DONE || res->action == CAD_CHANGE_UNDONE)
		e.rid = NULL;	/* a deadline: all day, no instance */
	else
		cad_rid_format(ov->rid_day, ov->rid_time, rid);
	if ((r = cad_store_begin(st, err)) != 0)
		return r;
	/* inside the write lock: what the change was decided on is still
	   so, or another change came first */
	if ((r = cad_store_inputs_digest(st, now_inputs, err)) == 0 &&
	    strcmp(now_inputs, res->inputs) != 0) {
		cad_error_set(err, _("muutoksen kohde muuttui samaan aikaan "
		    "toisaalla: yritä uudelleen"));
		r = -EAGAIN;
	}
	if (r == 0)
		r = commit_write(st, res, now, err);
	return audit_commit(st, r, &e, err);
}

int
cad_change_apply(struct cad_store *st, const struct cad_config *cfg,
    int today, const struct cad_change *ch, const struct cad_actor *who,
    int64_t now, struct cad_change_result *res, struct cad_error *err)
{
	int r, tries = 0;

	do {
		if ((r = cad_change_prepare(st, cfg, today, ch, res,
		    err)) != 0)
			return r;
		if ((r = cad_change_commit(st, res, who, now, err)) != 0)
			cad_change_result_release(res);
	} while (r == -EAGAIN && ++tries < CAD_CHANGE_TRIES);
	return r;
}

void
cad_change_result_release(struct cad_change_result *res)
{
	free(res->uid);
	free(res->name);
	free(res->ov.reason);
	free(res->add.reason);
	free(res->done.task);
	free(res->done.party);
	free(res->what);
	free(res->before);
	free(res->after);
	memset(res, 0, sizeof *res);
}

static char *
describe_termination(const struct cad_termination *t)
{
	if (t == NULL)
		return cad_strdup("");
	return cad_audit_notice_text(t->noticed, t->effective);
}

int
cad_change_termination(struct cad_store *st, const char *party,
    const struct cad_termination *t, const struct cad_termination *old,
    const struct cad_actor *who, int64_t now, struct cad_error *err)
{
	char *before = describe_termination(old);
	char *after = describe_termination(t);
	struct cad_audit_row e = {
		.time = now,
		.who = who->who,
		.address = who->address,
		.action = t != NULL ? CAD_AUDIT_TERMINATE : CAD_AUDIT_WITHDRAW,
		.what = party,
		.before = before,
		.after = after,
	};
	int r;

	if ((r = cad_store_begin(st, err)) != 0)
		goto out;
	r = t != NULL ? cad_store_put_termination(st, t, err) :
	    cad_store_withdraw_termination(st, party, err);
	r = audit_commit(st, r, &e, err);
out:
	free(before);
	free(after);
	return r;
}
