/*
 * plan.h - the planning engine (SPEC § 4): config + overrides +
 * terminations -> occurrences.  Pure: no I/O, no clock (today is given).
 */
#ifndef CAD_PLAN_H
#define CAD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

enum cad_status {
	CAD_CONFIRMED = 0,
	CAD_CANCELLED,
};

enum cad_moved {
	CAD_MOVED_NONE = 0,
	CAD_MOVED_HOLIDAY,	/* on_holiday next/previous */
	CAD_MOVED_SPREAD,	/* for_each spread */
	CAD_MOVED_PERSON,	/* cadencectl move */
};

/* "holiday", "spread", "person", or NULL for CAD_MOVED_NONE (JSON) */
const char *cad_moved_code(enum cad_moved m);

/* a person's change to one instance, stored in sqlite */
enum cad_override_kind {
	CAD_OVERRIDE_CANCEL = 0,
	CAD_OVERRIDE_MOVE,
};

struct cad_override {
	char *uid;		/* series UID */
	int rid_day;		/* RECURRENCE-ID: original candidate */
	int rid_time;
	enum cad_override_kind kind;
	int new_day;		/* MOVE only */
	int new_time;
	char *reason;		/* may be NULL */
};

/* a party's written notice; it leaves on `effective` */
struct cad_termination {
	char *party;		/* party id */
	int noticed;
	int effective;		/* noticed + notice_months */
};

/* a task recorded done (cadencectl done, SPEC § 10.3), stored in sqlite */
struct cad_task_done {
	char *task;		/* task id */
	char *party;		/* owner party id */
	int due;		/* the due day it fulfils */
	int64_t created;	/* unix seconds when recorded */
};

/* a one-off extra meeting of a series (cadencectl add, SPEC § 10.3),
   stored in sqlite; kept as given (no holiday, blackout or spread rule) */
struct cad_addition {
	char *uid;		/* series UID */
	int day;		/* local start */
	int time;
	char *reason;		/* may be NULL */
};

struct cad_plan_ctx {
	int today;		/* day number; default start = Jan 1 of its year */
	const struct cad_override *overrides;
	size_t noverrides;
	const struct cad_termination *terminations;
	size_t nterminations;
	const struct cad_task_done *done;
	size_t ndone;
	const struct cad_addition *additions;
	size_t nadditions;
};

/* one series = one iCalendar object (one UID) */
struct cad_series {
	char *uid;		/* "<forum>@<domain>", "<forum>.<party>@<domain>",
				   "<forum>.<group>@<domain>",
				   "<forum>.first@<domain>",
				   "<forum>.first-<term start year>@<domain>" */
	int forum;		/* index into cfg->forums */
	int party;		/* party index of the for_each member, or -1 */
	int group;		/* group index of the for_each member, or -1 */
	bool first;		/* the first_convenor meeting */
	int convenor;		/* party index */
};

/*
 * What people call series se, in the thread's language: its forum's
 * name, and for a for_each member "Forum: Member" with the member's
 * (party's or group's) name.  The one home of a series' SUMMARY and
 * name in answers, mail and pages.
 */
char *cad_series_name(const struct cad_config *cfg,
    const struct cad_series *se);
/* the for_each member's (party's or group's) name in the thread's
   language, or NULL for a series of the whole forum */
const char *cad_series_member(const struct cad_config *cfg,
    const struct cad_series *se);

struct cad_occurrence {
	size_t series;		/* index into plan->series */
	int rid_day;		/* original candidate (RECURRENCE-ID) */
	int rid_time;
	int day;		/* final start, local */
	int time;
	int duration;		/* minutes */
	enum cad_status status;
	enum cad_moved moved;	/* NONE for an `extra` date (kept as given) */
	const char *location;	/* into cfg: the forum's, the member's or the
				   rotation's place; NULL when none */
	const char *reason;	/* cancel reason, borrowed from ctx; or NULL */
	bool added;		/* an extra meeting (ctx->additions) */
};

struct cad_plan {
	struct cad_series *series;
	size_t nseries;
	struct cad_occurrence *occ;	/* sorted by (day, time, uid) */
	size_t nocc;
};

/*
 * Plans every series of cfg and keeps the occurrences whose final start
 * date lies in [from, to] (inclusive).  Series exist even when they have
 * no occurrence in the range.  0 or -errno (with err).
 */
int cad_plan_range(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int from, int to, struct cad_plan *out,
    struct cad_error *err);
void cad_plan_release(struct cad_plan *plan);
/* keeps only the occurrences whose final start date lies in [from, to]:
   cad_plan_range() of a wider range narrowed to this one */
void cad_plan_keep(struct cad_plan *plan, int from, int to);
/* out: plan's series (borrowed: free() only out->occ, never
   cad_plan_release() it) and a copy of the occurrences of plan whose
   final start date lies in [from, to] */
void cad_plan_view(const struct cad_plan *plan, int from, int to,
    struct cad_plan *out);

/* the occurrence concerns party p: convenor, for_each member or participant
   (a terminated party stops counting from its effective day) */
bool cad_plan_involves(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_occurrence *o, int p);

/* the first day of forum f's series: its start, else January 1 of
   ctx->today's year */
int cad_plan_forum_start(const struct cad_forum *f,
    const struct cad_plan_ctx *ctx);
/* the effective day of party p's (earliest) termination; INT_MAX when
   it has none */
int cad_plan_party_effective(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int p);

enum cad_compliance_kind {
	CAD_COMPLIANCE_YEAR = 0,	/* minimum = "year": none that year */
	CAD_COMPLIANCE_TERM,		/* minimum = "term": none that term */
	CAD_COMPLIANCE_OVERDUE,		/* a task past its due day, not done */
	CAD_COMPLIANCE_PASSED,		/* an agreement deadline passed unmet */
	CAD_COMPLIANCE_PER_YEAR,	/* CONFIRMED meetings of a year outside
					   the forum's per_year range */
};

/* a compliance warning */
struct cad_compliance {
	int forum;		/* index, or -1 (task, deadline) */
	int party;		/* party index of the for_each member or the
				   task's owner, or -1 */
	enum cad_compliance_kind kind;
	int from;		/* the year's or term's first and last day; */
	int to;			/* the due day (from = to) */
	int task;		/* OVERDUE: task index, else -1 */
	int deadline;		/* PASSED: enum cad_deadline_kind, else -1 */
	int count;		/* PER_YEAR: the year's CONFIRMED meetings */
};

/*
 * Every year/term overlapping [from, to] that ends on or after the
 * series' start and has no CONFIRMED occurrence (the whole period is
 * planned, not only its part inside the window); every such year whose
 * CONFIRMED occurrences are more than the forum's per_year maximum, or
 * fewer than its minimum in a year the series covers whole (started by
 * January 1, its party not gone before December 31); then every task due
 * before ctx->today and not done, and every agreement deadline that has
 * passed unmet (core/model/task.c, cad_task_compliance).
 */
int cad_plan_compliance(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int from, int to,
    struct cad_compliance **out, size_t *n, struct cad_error *err);

/* convenors lost: forums whose convenor (or first_convenor) has a
   termination; one message per forum, for `cadencectl check` */
int cad_plan_lost_convenors(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, struct cad_diag *diag);

/*
 * What the store remembers of one series (core/store/store.h): its
 * SEQUENCE and times, given to the renderers with the plan.
 */
struct cad_series_state {
	int sequence;
	int64_t last_modified;	/* unix seconds */
	int64_t created;
};

#endif
