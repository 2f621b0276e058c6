/*
 * task.c - tasks' due days, done records and compliance warnings (SPEC
 * § 10.3); see task.h for the rules.
 */
#include "model/task.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "model/deadline.h"

int
cad_task_start(const struct cad_config *cfg, const struct cad_task *t,
    int today)
{
	if (t->start != CAD_NODAY)
		return t->start;
	int term = cad_term_of(cfg, today);
	if (term >= 0)
		return cfg->terms[term].start;
	return cad_days_from_civil(cad_year_of(today), 1, 1);
}

int
cad_task_end(const struct cad_config *cfg, int today)
{
	int end = today + cfg->horizon_days;

	if (cfg->nterms > 0 && cfg->terms[cfg->nterms - 1].end > end)
		end = cfg->terms[cfg->nterms - 1].end;
	return end;
}

/* day d of month m of year y, d clamped to the month's length */
static int
clamped_day(int y, int m, int d)
{
	int n = cad_days_in_month(y, m);

	return cad_days_from_civil(y, m, d < n ? d : n);
}

/* the per_term due day of term, or CAD_NODAY (see task.h) */
static int
term_due(const struct cad_term *term, const struct cad_task_term *pt)
{
	int lo = cad_add_months(term->start, 12 * (pt->year - 1));
	int hi = cad_add_months(term->start, 12 * pt->year);
	int y0, day = CAD_NODAY;

	cad_civil_from_days(lo, &y0, NULL, NULL);
	for (int y = y0; y <= y0 + 1 && day == CAD_NODAY; y++) {
		int d = clamped_day(y, pt->month, pt->day);
		if (d >= lo && d < hi)
			day = d;
	}
	/* a month cut in two by a mid-month term start: the later part */
	if (day == CAD_NODAY)
		day = hi - 1;
	if (day > term->end)
		day = term->end;
	return day;
}

static void
push(int **v, size_t *n, size_t *cap, int x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = cad_xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = x;
}

size_t
cad_task_dues(const struct cad_config *cfg, const struct cad_task *t,
    int from, int to, int **out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	if (t->has_per_term) {
		for (size_t i = 0; i < cfg->nterms; i++) {
			int d = term_due(&cfg->terms[i], &t->per_term);
			/* terms are sorted and don't overlap */
			if (d >= from && d <= to && (n == 0 || (*out)[n - 1] <
			    d))
				push(out, &n, &cap, d);
		}
		return n;
	}
	if (from > to)
		return 0;
	for (int y = cad_year_of(from); y <= cad_year_of(to); y++) {
		int d = clamped_day(y, t->due_md / 100, t->due_md % 100);
		if (d >= from && d <= to)
			push(out, &n, &cap, d);
	}
	return n;
}

const struct cad_task_done *
cad_task_done_find(const struct cad_plan_ctx *ctx, const char *task,
    const char *party, int due)
{
	for (size_t i = 0; ctx != NULL && i < ctx->ndone; i++) {
		const struct cad_task_done *d = &ctx->done[i];
		if (d->due == due && d->task != NULL && d->party != NULL &&
		    strcmp(d->task, task) == 0 && strcmp(d->party, party) == 0)
			return d;
	}
	return NULL;
}

bool
cad_task_owner_gone(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int p, int day)
{
	for (size_t i = 0; ctx != NULL && i < ctx->nterminations; i++) {
		const struct cad_termination *t = &ctx->terminations[i];
		if (t->party != NULL && strcmp(t->party, cfg->parties[p].id) ==
		    0 && t->effective <= day)
			return true;
	}
	return false;
}

/* --- compliance ------------------------------------------------------------ */

struct wlist {
	struct cad_compliance *v;
	size_t n, cap;
};

static void
wadd(struct wlist *l, int party, enum cad_compliance_kind kind, int day,
    int task, int deadline)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cad_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = (struct cad_compliance){ .forum = -1, .party = party,
		.kind = kind, .from = day, .to = day, .task = task,
		.deadline = deadline };
}

static void
overdue_tasks(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    struct wlist *l)
{
	for (size_t ti = 0; ti < cfg->ntasks; ti++) {
		const struct cad_task *t = &cfg->tasks[ti];
		int *due = NULL;
		size_t nd = cad_task_dues(cfg, t, cad_task_start(cfg, t,
		    ctx->today), ctx->today - 1, &due);

		for (size_t k = 0; k < nd; k++)
			for (size_t o = 0; o < t->nowners; o++) {
				int p = t->owners[o];
				if (cad_task_owner_gone(cfg, ctx, p, due[k]) ||
				    cad_task_done_find(ctx, t->id,
				    cfg->parties[p].id, due[k]) != NULL)
					continue;
				wadd(l, p, CAD_COMPLIANCE_OVERDUE, due[k],
				    (int)ti, -1);
			}
		free(due);
	}
}

static bool
later_review(const struct cad_agreement *a, int day)
{
	for (size_t i = 0; i < a->nreview_by; i++)
		if (a->review_by[i] > day)
			return true;
	return false;
}

static int
cmp_warning(const void *x, const void *y)
{
	const struct cad_compliance *a = x, *b = y;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->task != b->task)
		return a->task < b->task ? -1 : 1;
	return (a->party > b->party) - (a->party < b->party);
}

int
cad_task_compliance(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, struct cad_compliance **out,
    size_t *nout, struct cad_error *err)
{
	const struct cad_agreement *a = &cfg->agreement;
	struct cad_plan_ctx agreement_only;
	struct cad_deadline *dl = NULL;
	struct wlist l = { 0 };
	size_t ndl = 0;
	int r;

	*out = NULL;
	*nout = 0;
	if (ctx == NULL)
		return 0;
	overdue_tasks(cfg, ctx, &l);
	/* the agreement's own deadlines: no tasks, no terminations */
	memset(&agreement_only, 0, sizeof agreement_only);
	agreement_only.today = ctx->today;
	if ((r = cad_deadlines(cfg, &agreement_only, &dl, &ndl, err)) < 0) {
		free(l.v);
		return r;
	}
	for (size_t i = 0; i < ndl; i++) {
		const struct cad_deadline *d = &dl[i];
		bool unmet = d->kind == CAD_DEADLINE_RENEWAL ||
		    (d->kind == CAD_DEADLINE_REVIEW &&
		    a->effective < d->day && !later_review(a, d->day) &&
		    cad_task_done_find(ctx, CAD_TASK_REVIEW, "", d->day) ==
		    NULL);
		if (d->day < ctx->today && unmet)
			wadd(&l, -1, CAD_COMPLIANCE_PASSED, d->day, -1,
			    (int)d->kind);
	}
	cad_deadlines_free(dl, ndl);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_warning);
	*out = l.v;
	*nout = l.n;
	return 0;
}
