/*
 * deadline.c - the agreement's deadlines (SPEC § 7): the list.  See
 * deadline.h for the rules; their text, JSON and feed are in
 * core/render/deadlines.c.
 */
#include "model/deadline.h"

#include "base/lang.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "model/task.h"


const char *
cad_deadline_kind_name(enum cad_deadline_kind k)
{
	switch (k) {
	case CAD_DEADLINE_REVIEW: return "review";
	case CAD_DEADLINE_RENEWAL: return "renewal";
	case CAD_DEADLINE_NOTICE: return "notice";
	case CAD_DEADLINE_TERMINATION: return "termination";
	case CAD_DEADLINE_TASK: return "task";
	}
	return "?";
}

const char *
cad_deadline_kind_label(enum cad_deadline_kind k)
{
	switch (k) {
	case CAD_DEADLINE_REVIEW: return C_("deadline kind", "tarkistus");
	case CAD_DEADLINE_RENEWAL: return C_("deadline kind", "uusiminen");
	case CAD_DEADLINE_NOTICE:
		return C_("deadline kind", "irtisanominen");
	case CAD_DEADLINE_TERMINATION:
		return C_("deadline kind", "eroaminen");
	case CAD_DEADLINE_TASK: return C_("deadline kind", "tehtävä");
	}
	return "?";
}

const char *
cad_deadline_party_name(const struct cad_config *cfg, const char *id)
{
	int p = id ? cad_config_party(cfg, id) : -1;

	if (p < 0)
		return id ? id : "?";
	return cfg->parties[p].name ? cfg->parties[p].name :
	    cfg->parties[p].id;
}

/*
 * The last day N on which a notice of `months` still takes effect by
 * `end`: N + months <= end, with cad_add_months()'s clamping.  Start from
 * end - months and step on while the next day still fits; clamping makes
 * N + months non-decreasing in N, so at most three steps are taken.
 */
static int
last_notice_day(int end, int months)
{
	int n = cad_add_months(end, -months);

	while (cad_add_months(n + 1, months) <= end)
		n++;
	return n;
}

static int
cmp_deadline(const void *a, const void *b)
{
	const struct cad_deadline *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return strcmp(x->party ? x->party : "", y->party ? y->party : "");
}

struct dlist {
	struct cad_deadline *v;
	size_t n, cap;
};

static struct cad_deadline *
dlist_add(struct dlist *l, int day, enum cad_deadline_kind kind,
    char *title)
{
	struct cad_deadline *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = cad_xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	d = &l->v[l->n++];
	memset(d, 0, sizeof *d);
	d->day = day;
	d->kind = kind;
	d->title = title;
	d->term = -1;
	d->task = -1;
	d->noticed = CAD_NODAY;
	return d;
}

/* one deadline per task, owner and due day (task.h) */
static void
task_deadlines(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    struct dlist *l)
{
	int end = cad_task_end(cfg, ctx->today);

	for (size_t ti = 0; ti < cfg->ntasks; ti++) {
		const struct cad_task *t = &cfg->tasks[ti];
		int *due = NULL;
		size_t nd = cad_task_dues(cfg, t, cad_task_start(cfg, t,
		    ctx->today), end, &due);

		for (size_t k = 0; k < nd; k++)
			for (size_t o = 0; o < t->nowners; o++) {
				const struct cad_party *p =
				    &cfg->parties[t->owners[o]];
				struct cad_deadline *d;
				if (cad_task_owner_gone(cfg, ctx, t->owners[o],
				    due[k]))
					continue;
				d = dlist_add(l, due[k], CAD_DEADLINE_TASK,
				    NULL);
				d->party = cad_strdup(p->id);
				d->task = (int)ti;
				d->title = cad_deadline_title(cfg, d);
				d->done = cad_task_done_find(ctx, t->id, p->id,
				    due[k]) != NULL;
			}
		free(due);
	}
}

int
cad_deadlines(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    struct cad_deadline **out, size_t *nout, struct cad_error *err)
{
	const struct cad_agreement *a = &cfg->agreement;
	const struct cad_termination *t = ctx ? ctx->terminations : NULL;
	size_t n = ctx ? ctx->nterminations : 0;
	struct dlist l = { 0 };
	struct cad_deadline *d;
	size_t i;

	*out = NULL;
	*nout = 0;
	if (a->present) {
		for (i = 0; i < a->nreview_by; i++)
			d = dlist_add(&l, a->review_by[i],
			    CAD_DEADLINE_REVIEW, NULL);
		for (i = 0; i < cfg->nterms; i++) {
			const struct cad_term *term = &cfg->terms[i];
			/* a term that began before the agreement took
			   effect is the one it was made in: no renewal */
			if (term->start <= a->effective)
				continue;
			d = dlist_add(&l, cad_add_months(term->start,
			    a->renew_within_months), CAD_DEADLINE_RENEWAL,
			    NULL);
			d->term = (int)i;
		}
		for (i = 0; i < cfg->nterms; i++) {
			const struct cad_term *term = &cfg->terms[i];
			/* the agreement can't end with a term that was
			   over before it took effect */
			if (term->end < a->effective)
				continue;
			d = dlist_add(&l, last_notice_day(term->end,
			    a->notice_months), CAD_DEADLINE_NOTICE, NULL);
			d->term = (int)i;
		}
	}
	for (i = 0; i < n; i++) {
		if (t[i].party == NULL || *t[i].party == '\0') {
			cad_error_set(err, "termination without a party");
			cad_deadlines_free(l.v, l.n);
			return -EINVAL;
		}
		d = dlist_add(&l, t[i].effective, CAD_DEADLINE_TERMINATION,
		    NULL);
		d->party = cad_strdup(t[i].party);
		d->noticed = t[i].noticed;
	}
	for (i = 0; i < l.n; i++)
		l.v[i].title = cad_deadline_title(cfg, &l.v[i]);
	if (ctx != NULL)
		task_deadlines(cfg, ctx, &l);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_deadline);
	*out = l.v;
	*nout = l.n;
	return 0;
}

char *
cad_deadline_title(const struct cad_config *cfg, const struct cad_deadline *d)
{
	const struct cad_task *t = cad_deadline_task(cfg, d);

	switch (d->kind) {
	case CAD_DEADLINE_REVIEW:
		return cad_strdup(_("Sopimuksen tarkistus"));
	case CAD_DEADLINE_RENEWAL:
		return cad_strdup(_("Uusi sopimus valtuustokauden alettua"));
	case CAD_DEADLINE_NOTICE:
		return cad_strdup(_("Viimeinen irtisanomispäivä "
		    "valtuustokauden lopussa päättyvälle sopimukselle"));
	case CAD_DEADLINE_TERMINATION:
		return cad_asprintf(_("Irtisanominen astuu voimaan: %s"),
		    cad_tr(cfg, cad_deadline_party_name(cfg, d->party)));
	case CAD_DEADLINE_TASK:
		if (t != NULL)
			return cad_asprintf("%s: %s", cad_tr(cfg, t->name),
			    cad_tr(cfg, cad_deadline_party_name(cfg,
			    d->party)));
		break;
	}
	return cad_strdup(d->title != NULL ? d->title : "");
}

void
cad_deadlines_free(struct cad_deadline *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].party);
	}
	free(v);
}

const struct cad_task *
cad_deadline_task(const struct cad_config *cfg, const struct cad_deadline *d)
{
	if (d->kind != CAD_DEADLINE_TASK || d->task < 0 ||
	    (size_t)d->task >= cfg->ntasks)
		return NULL;
	return &cfg->tasks[d->task];
}

char *
cad_deadline_uid(const struct cad_config *cfg, const struct cad_deadline *d)
{
	const struct cad_task *t = cad_deadline_task(cfg, d);
	char date[11];

	cad_format_date(d->day, date);
	if (t != NULL)
		return cad_asprintf("task-%s-%s-%s@%s", t->id, date,
		    d->party ? d->party : "", cfg->domain);
	if (d->party)
		return cad_asprintf("%s-%s-%s@%s",
		    cad_deadline_kind_name(d->kind), date, d->party,
		    cfg->domain);
	return cad_asprintf("%s-%s@%s", cad_deadline_kind_name(d->kind), date,
	    cfg->domain);
}

const int *
cad_deadline_offsets(const struct cad_config *cfg,
    const struct cad_deadline *d, size_t *n)
{
	const struct cad_task *t = cad_deadline_task(cfg, d);

	if (t != NULL) {
		*n = t->nremind_days;
		return t->remind_days;
	}
	*n = cfg->agreement.nremind_days;
	return cfg->agreement.remind_days;
}
