/*
 * change.h - the one home of every change to a meeting (SPEC §§ 8,
 * 10.3, 10.5): cadencectl's cancel, move and add and the daemon's POST
 * /api/v1/changes both call cad_change_apply, which validates the
 * request against the config and the plan, stores the override (or the
 * extra meeting, or the task's done record) and appends the audit
 * record in one transaction.  The daemon publishes
 * what was stored when it notices the commit (within a second).
 */
#ifndef CAD_CHANGE_H
#define CAD_CHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "store/audit.h"
#include "store/store.h"

enum cad_change_action {
	CAD_CHANGE_CANCEL,
	CAD_CHANGE_MOVE,
	CAD_CHANGE_UNCANCEL,	/* cancel --undo: only a cancelled one */
	CAD_CHANGE_UNDO,	/* move --undo, API "undo": any change */
	CAD_CHANGE_ADD,		/* an extra meeting of a series */
	CAD_CHANGE_UNADD,	/* add --undo, API "undo" with a "time" */
	CAD_CHANGE_DONE,	/* a task due on day done (SPEC § 10.3) */
	CAD_CHANGE_UNDONE,	/* done --undo, API "undo" with a "task" */
};

/* the API's names: "cancel", "move", "add", "undo", "done"
   (CAD_CHANGE_UNCANCEL, CAD_CHANGE_UNADD and CAD_CHANGE_UNDONE have
   none: a remote cancel --undo is an "undo", an add --undo an "undo"
   with the added meeting's "time", a done --undo an "undo" with the
   "task") */
const char *cad_change_action_name(enum cad_change_action a);
/* 0, or -EINVAL for a name the API does not know */
int cad_change_action_parse(const char *name, enum cad_change_action *out);

struct cad_change {
	enum cad_change_action action;
	const char *forum;	/* id; NULL for DONE, UNDONE */
	const char *task;	/* DONE, UNDONE: the task's id, or
				   CAD_TASK_REVIEW for the agreement's
				   review_by date (when no task has that id) */
	const char *party;	/* id of the for_each member (DONE: the
				   task's owner), or NULL */
	int day;		/* the meeting's date (or its original);
				   DONE: the due day */
	int time;		/* ADD, UNADD: minutes */
	int new_day;		/* MOVE */
	int new_time;		/* MOVE: minutes, or -1 to keep the time */
	const char *reason;	/* CANCEL, ADD, may be NULL */
};

enum cad_change_outcome {
	CAD_CHANGE_STORED,
	CAD_CHANGE_ALREADY,	/* cancel of a cancelled meeting, done of
				   a task recorded done: nothing */
};

enum {
	CAD_CHANGE_WARN_NOT_WORKING = 1 << 0,	/* MOVE onto a weekend or
						   holiday */
	CAD_CHANGE_WARN_BLACKOUT = 1 << 1,	/* MOVE into a blackout */
};

/* "not_working_day", "blackout": the API's names of CAD_CHANGE_WARN_* */
const char *cad_change_warning_name(int warning);
int cad_change_warning_parse(const char *name);	/* 0 when unknown */
#define CAD_CHANGE_NWARNINGS	2

struct cad_change_result {
	enum cad_change_outcome outcome;
	char *uid;		/* the series' */
	char *name;		/* what people call it: "Kuntakohtainen
				   neuvottelu: Sotkamon kunta" */
	int day, time;		/* the meeting before the change */
	int new_day, new_time;	/* and after it */
	int warnings;		/* CAD_CHANGE_WARN_* */
	/* what cad_change_commit writes */
	enum cad_change_action action;
	bool undo;		/* the override goes */
	struct cad_override ov;	/* ov.uid is uid; ADD, UNADD: rid_day and
				   rid_time are the added meeting's */
	struct cad_addition add;	/* ADD, UNADD; add.uid is uid */
	struct cad_task_done done;	/* DONE, UNDONE: the record; uid is
					   the deadline's (deadlines.ics),
					   name its title; done.party is ""
					   for the review */
	char *what, *before, *after;	/* the audit texts */
	char inputs[65];	/* the digest of the store's inputs it was
				   decided on (cad_store_inputs_digest) */
};
void cad_change_result_release(struct cad_change_result *res);

/*
 * Validates ch against cfg and the store's overrides and terminations
 * (planning CHANGE_WINDOW days around the date as seen on today) into
 * res, reading the store only.  0, or -EINVAL when the request is wrong
 * (unknown forum or party, no meeting on that date, a party missing or
 * not allowed, uncancel of a meeting not cancelled, an extra meeting
 * where the series meets already; DONE, UNDONE: unknown task, a party
 * that does not own it or none given for a task of several owners, a
 * day it is not due on, see cad_change_prepare_done), another -errno
 * when the store fails; err has the one-line reason.  It plans with
 * libical: the daemon holds its core lock around it.
 */
int cad_change_prepare(struct cad_store *st, const struct cad_config *cfg,
    int today, const struct cad_change *ch, struct cad_change_result *res,
    struct cad_error *err);
/*
 * cad_change_prepare's part for DONE and UNDONE (change_done.c): the
 * task (or the agreement's review), its owner and the due day checked
 * against cfg and the store's done records; -EINVAL with err.
 */
int cad_change_prepare_done(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_change *ch, struct cad_change_result *res,
    struct cad_error *err);
/*
 * Stores a prepared change and appends its audit record by who at now,
 * in one transaction (nothing when res->outcome is CAD_CHANGE_ALREADY).
 * -ENOENT (err: "nothing to undo ...") when there is no change, no
 * extra meeting or no done record to undo.  -EAGAIN when another
 * writer changed what res was decided on since it was prepared (two
 * changes of one meeting at once): nothing is written, prepare again.
 * sqlite's write lock (BEGIN IMMEDIATE, the busy timeout) is what makes
 * writers take turns; a caller holds no lock of its own around this.
 */
int cad_change_commit(struct cad_store *st, struct cad_change_result *res,
    const struct cad_actor *who, int64_t now, struct cad_error *err);
/* how many times a change is prepared again after -EAGAIN */
#define CAD_CHANGE_TRIES	8
/* prepare and commit, again while the commit says -EAGAIN (at most
   CAD_CHANGE_TRIES times); res released on failure */
int cad_change_apply(struct cad_store *st, const struct cad_config *cfg,
    int today, const struct cad_change *ch, const struct cad_actor *who,
    int64_t now, struct cad_change_result *res, struct cad_error *err);

/*
 * A party's notice t recorded (t NULL: party's notice withdrawn, -ENOENT
 * when it has none), with the audit record that old (NULL: none) was
 * replaced; one transaction.
 */
int cad_change_termination(struct cad_store *st, const char *party,
    const struct cad_termination *t, const struct cad_termination *old,
    const struct cad_actor *who, int64_t now, struct cad_error *err);

#endif
