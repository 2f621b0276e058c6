/*
 * deadline.c - the agreement's deadlines (SPEC § 7): the list, its JSON
 * and the all-day iCalendar feed.  See deadline.h for the rules.
 *
 * The feed has the header properties of core/render/ical.c's feeds but no
 * VTIMEZONE: every value in it is a DATE, which refers to no zone
 * (X-WR-TIMEZONE still tells clients where the days are).  ical.c's
 * re-folding (with the X-WR-CALNAME copy of NAME) and X-property helpers
 * are static there, so this file has its own copies; they should move
 * into one exported helper.
 */
#include "model/deadline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "render/ical.h"
#include "render/output.h"


const char *
cad_deadline_kind_name(enum cad_deadline_kind k)
{
	switch (k) {
	case CAD_DEADLINE_REVIEW: return "review";
	case CAD_DEADLINE_RENEWAL: return "renewal";
	case CAD_DEADLINE_NOTICE: return "notice";
	case CAD_DEADLINE_TERMINATION: return "termination";
	}
	return "?";
}

const char *
cad_deadline_kind_fi(enum cad_deadline_kind k)
{
	switch (k) {
	case CAD_DEADLINE_REVIEW: return "tarkistus";
	case CAD_DEADLINE_RENEWAL: return "uusiminen";
	case CAD_DEADLINE_NOTICE: return "irtisanominen";
	case CAD_DEADLINE_TERMINATION: return "eroaminen";
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
	d->noticed = CAD_NODAY;
	return d;
}

int
cad_deadlines(const struct cad_config *cfg,
    const struct cad_termination *t, size_t n, struct cad_deadline **out,
    size_t *nout, struct cad_error *err)
{
	const struct cad_agreement *a = &cfg->agreement;
	struct dlist l = { 0 };
	struct cad_deadline *d;
	size_t i;

	*out = NULL;
	*nout = 0;
	if (a->present) {
		for (i = 0; i < a->nreview_by; i++)
			dlist_add(&l, a->review_by[i], CAD_DEADLINE_REVIEW,
			    cad_strdup("Sopimuksen tarkistus"));
		for (i = 0; i < cfg->nterms; i++) {
			const struct cad_term *term = &cfg->terms[i];
			/* a term that began before the agreement took
			   effect is the one it was made in: no renewal */
			if (term->start <= a->effective)
				continue;
			d = dlist_add(&l, cad_add_months(term->start,
			    a->renew_within_months), CAD_DEADLINE_RENEWAL,
			    cad_strdup("Uusi sopimus valtuustokauden "
			    "alettua"));
			d->term = (int)i;
		}
		for (i = 0; i < cfg->nterms; i++) {
			const struct cad_term *term = &cfg->terms[i];
			/* the agreement can't end with a term that was
			   over before it took effect */
			if (term->end < a->effective)
				continue;
			d = dlist_add(&l, last_notice_day(term->end,
			    a->notice_months), CAD_DEADLINE_NOTICE,
			    cad_strdup("Viimeinen irtisanomispäivä "
			    "valtuustokauden lopussa päättyvälle "
			    "sopimukselle"));
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
		    cad_asprintf("Irtisanominen astuu voimaan: %s",
		    cad_deadline_party_name(cfg, t[i].party)));
		d->party = cad_strdup(t[i].party);
		d->noticed = t[i].noticed;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_deadline);
	*out = l.v;
	*nout = l.n;
	return 0;
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

void
cad_deadline_date(int day, char out[static 24])
{
	char tmp[24];

	cad_format_fi_date(day, tmp);	/* "ti 31.5.2029" */
	snprintf(out, 24, "%s", strchr(tmp, ' ') ? strchr(tmp, ' ') + 1 :
	    tmp);
}

char *
cad_deadline_description(const struct cad_config *cfg,
    const struct cad_deadline *d)
{
	const struct cad_agreement *a = &cfg->agreement;
	const char *title = a->title && *a->title ? a->title :
	    "yhteistyösopimus";
	char s1[24], s2[24], s3[24];

	switch (d->kind) {
	case CAD_DEADLINE_REVIEW:
		return cad_asprintf("Sopimuksen \"%s\" sisältö on "
		    "tarkistettava viimeistään tänä päivänä: kutsu osapuolet "
		    "arvioimaan sopimusta ja sopikaa tarvittavista "
		    "muutoksista.", title);
	case CAD_DEADLINE_RENEWAL:
		if (d->term < 0 || (size_t)d->term >= cfg->nterms)
			break;
		cad_deadline_date(cfg->terms[d->term].start, s1);
		return cad_asprintf("Valtuustokausi alkoi %s. Sopimus \"%s\" "
		    "on voimassa, kunnes uusi sopimus korvaa sen: uusi "
		    "sopimus on valmisteltava ja hyväksyttävä viimeistään "
		    "tänä päivänä (%d kuukauden kuluessa kauden alusta).",
		    s1, title, a->renew_within_months);
	case CAD_DEADLINE_NOTICE:
		if (d->term < 0 || (size_t)d->term >= cfg->nterms)
			break;
		cad_deadline_date(cfg->terms[d->term].start, s1);
		cad_deadline_date(cfg->terms[d->term].end, s2);
		return cad_asprintf("Osapuoli, joka haluaa sopimuksen \"%s\" "
		    "päättyvän valtuustokauden %s–%s lopussa, antaa "
		    "kirjallisen irtisanomisilmoituksen viimeistään tänä "
		    "päivänä (irtisanomisaika %d kuukautta). Myöhemmin "
		    "annettu ilmoitus päättää sopimuksen vasta kauden "
		    "päättymisen jälkeen.", title, s1, s2, a->notice_months);
	case CAD_DEADLINE_TERMINATION:
		if (d->noticed != CAD_NODAY)
			cad_deadline_date(d->noticed, s3);
		return cad_asprintf("%s on irtisanonut sopimuksen \"%s\"%s%s. "
		    "Irtisanominen astuu voimaan tänä päivänä: osapuoli jää "
		    "pois foorumeista, neuvotteluista ja kutsuista. Varmista, "
		    "että sen koollekutsumille foorumeille on nimetty uusi "
		    "koollekutsuja.", cad_deadline_party_name(cfg, d->party),
		    title,
		    d->noticed != CAD_NODAY ? " (ilmoitus annettu " : "",
		    d->noticed != CAD_NODAY ? s3 : "");
	}
	return cad_strdup(d->title ? d->title : "");
}

/* ---------------------------------------------------------------- */
/* JSON */

int
cad_deadlines_json(struct cad_buf *b, const struct cad_deadline *v,
    size_t n)
{
	int r = cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char date[11];
		cad_format_date(v[i].day, date);
		r |= cad_buf_printf(b, "%s{\"date\": \"%s\", \"kind\": \"%s\", "
		    "\"title\": ", i ? ",\n  " : "\n  ", date,
		    cad_deadline_kind_name(v[i].kind));
		r |= cad_buf_json_str(b, v[i].title);
		r |= cad_buf_puts(b, ", \"party\": ");
		r |= cad_buf_json_str(b, v[i].party);
		r |= cad_buf_puts(b, "}");
	}
	r |= cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return r ? -E2BIG : 0;
}

int
cad_terminations_json(struct cad_buf *b, const struct cad_termination *t,
    size_t n)
{
	int r = cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char noticed[11], effective[11];
		cad_format_date(t[i].noticed, noticed);
		cad_format_date(t[i].effective, effective);
		r |= cad_buf_puts(b, i ? ",\n  {\"party\": " :
		    "\n  {\"party\": ");
		r |= cad_buf_json_str(b, t[i].party);
		r |= cad_buf_printf(b, ", \"noticed\": \"%s\", "
		    "\"effective\": \"%s\"}", noticed, effective);
	}
	r |= cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return r ? -E2BIG : 0;
}

/* ---------------------------------------------------------------- */
/* iCalendar */

static struct icaltimetype
date_value(int day)
{
	struct icaltimetype t = icaltime_null_date();
	int y, m, d;

	cad_civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.is_date = 1;
	return t;
}

static icalcomponent *
deadline_event(const struct cad_config *cfg, const struct cad_deadline *d,
    struct icaltimetype dtstamp)
{
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	char date[11], *uid, *desc;

	cad_format_date(d->day, date);
	if (d->party)
		uid = cad_asprintf("%s-%s-%s@%s",
		    cad_deadline_kind_name(d->kind), date, d->party,
		    cfg->domain);
	else
		uid = cad_asprintf("%s-%s@%s",
		    cad_deadline_kind_name(d->kind), date, cfg->domain);
	desc = cad_deadline_description(cfg, d);

	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(dtstamp));
	icalcomponent_add_property(ev, icalproperty_new_sequence(0));
	icalcomponent_add_property(ev, icalproperty_new_created(dtstamp));
	icalcomponent_add_property(ev,
	    icalproperty_new_lastmodified(dtstamp));
	icalcomponent_add_property(ev,
	    icalproperty_new_dtstart(date_value(d->day)));
	icalcomponent_add_property(ev,
	    icalproperty_new_dtend(date_value(d->day + 1)));
	icalcomponent_add_property(ev, icalproperty_new_summary(d->title));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	icalcomponent_add_property(ev,
	    icalproperty_new_status(ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev,
	    icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	cad_ical_add_x(ev, "X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE");

	for (size_t i = 0; i < cfg->agreement.nremind_days; i++) {
		icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
		struct icaltriggertype trig;
		int days = cfg->agreement.remind_days[i];

		memset(&trig, 0, sizeof trig);
		trig.time = icaltime_null_time();
		trig.duration = icaldurationtype_null_duration();
		/* days, never weeks: -P7D, not -P1W */
		trig.duration.days = (unsigned)days;
		trig.duration.is_neg = days > 0;
		icalcomponent_add_property(al,
		    icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(al,
		    icalproperty_new_trigger(trig));
		icalcomponent_add_property(al,
		    icalproperty_new_description(d->title));
		icalcomponent_add_component(ev, al);
	}
	free(uid);
	free(desc);
	return ev;
}

int
cad_deadlines_ical(const struct cad_config *cfg,
    const struct cad_deadline *v, size_t n, const char *name,
    int64_t dtstamp, struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal;
	struct icaltimetype stamp;
	char *defname = NULL;
	int r;

	if (name == NULL) {
		const char *t = cfg->agreement.title;
		defname = t && *t ? cad_asprintf("%s: määräajat", t) :
		    cad_strdup("Sopimuksen määräajat");
		name = defname;
	}
	stamp = icaltime_from_timet_with_zone((time_t)dtstamp, 0,
	    icaltimezone_get_utc_timezone());

	cal = cad_ical_publish_calendar(cfg, name);
	for (size_t i = 0; i < n; i++)
		icalcomponent_add_component(cal,
		    deadline_event(cfg, &v[i], stamp));
	r = cad_ical_write(out, cal, err);
	free(defname);
	icalcomponent_free(cal);
	return r;
}
