/*
 * deadlines.c - the agreement's deadlines in words (SPEC § 7): their
 * Finnish description, the JSON of cadencectl and the API, and the
 * all-day iCalendar feed (SPEC § 5).  See deadlines.h.
 *
 * The feed has the header properties of ical.c's feeds but no VTIMEZONE:
 * every value in it is a DATE, which refers to no zone (X-WR-TIMEZONE
 * still tells clients where the days are).
 */
#include "render/deadlines.h"

#include "base/lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "model/calendar.h"
#include "render/ical.h"
#include "render/output.h"

void
cad_deadline_date(int day, char out[static 24])
{
	char tmp[24];

	cad_format_fi_date(day, tmp);	/* "ti 31.5.2029" */
	snprintf(out, 24, "%s", strchr(tmp, ' ') ? strchr(tmp, ' ') + 1 :
	    tmp);
}

void
cad_deadline_when(int days, char out[static 48])
{
	if (days == 0)
		snprintf(out, 48, "%s", _("tänään"));
	else if (days == 1)
		snprintf(out, 48, "%s", _("huomenna"));
	else if (days == -1)
		snprintf(out, 48, "%s", _("eilen"));
	else if (days > 0)
		/* TRANSLATORS: when a deadline is, counted from today:
		   "545 päivän päästä" */
		snprintf(out, 48, dngettext(CAD_TEXTDOMAIN, "%d päivän päästä",
		    "%d päivän päästä", (unsigned long)days), days);
	else
		/* TRANSLATORS: days since a deadline: "3 päivää sitten" */
		snprintf(out, 48, dngettext(CAD_TEXTDOMAIN, "%d päivä sitten",
		    "%d päivää sitten", (unsigned long)-days), -days);
}

static char *
task_description(const struct cad_config *cfg, const struct cad_deadline *d)
{
	const struct cad_task *t = cad_deadline_task(cfg, d);
	char s1[24], s2[24], *often, *r;

	if (t == NULL)
		return cad_strdup(d->title ? d->title : "");
	if (!t->has_per_term)
		often = cad_strdup(_("joka vuosi"));
	else {
		int term = cad_term_of(cfg, d->day);
		if (term < 0)
			return cad_strdup(cad_tr(cfg, t->name));
		cad_deadline_date(cfg->terms[term].start, s1);
		cad_deadline_date(cfg->terms[term].end, s2);
		often = cad_asprintf(_("kerran valtuustokaudessa, kausi "
		    "%1$s–%2$s"), s1, s2);
	}
	/* TRANSLATORS: the party, the task, " – " and the task's legal
	   basis (or nothing twice), how often ("joka vuosi"), the task's
	   and the party's ids; keep the command as it is */
	r = cad_asprintf(_("%1$s: %2$s%3$s%4$s valmis viimeistään tänä "
	    "päivänä (%5$s). Kun se on tehty, kirjaa se: cadencectl done "
	    "%6$s <päivä> --party %7$s."),
	    cad_tr(cfg, cad_deadline_party_name(cfg, d->party)),
	    cad_tr(cfg, t->name), t->legal_basis ? " – " : "",
	    t->legal_basis ? t->legal_basis : "", often, t->id, d->party);
	free(often);
	return r;
}

char *
cad_deadline_description(const struct cad_config *cfg,
    const struct cad_deadline *d)
{
	const struct cad_agreement *a = &cfg->agreement;
	const char *title = a->title && *a->title ? cad_tr(cfg, a->title) :
	    _("yhteistyösopimus");
	char s1[24], s2[24], s3[24];

	switch (d->kind) {
	case CAD_DEADLINE_REVIEW:
		return cad_asprintf(_("Sopimuksen \"%s\" sisältö on "
		    "tarkistettava viimeistään tänä päivänä: kutsu osapuolet "
		    "arvioimaan sopimusta ja sopikaa tarvittavista "
		    "muutoksista."), title);
	case CAD_DEADLINE_RENEWAL:
		if (d->term < 0 || (size_t)d->term >= cfg->nterms)
			break;
		cad_deadline_date(cfg->terms[d->term].start, s1);
		return cad_asprintf(_("Valtuustokausi alkoi %1$s. Sopimus "
		    "\"%2$s\" on voimassa, kunnes uusi sopimus korvaa sen: "
		    "uusi sopimus on valmisteltava ja hyväksyttävä "
		    "viimeistään tänä päivänä (%3$d kuukauden kuluessa kauden "
		    "alusta)."), s1, title, a->renew_within_months);
	case CAD_DEADLINE_NOTICE:
		if (d->term < 0 || (size_t)d->term >= cfg->nterms)
			break;
		cad_deadline_date(cfg->terms[d->term].start, s1);
		cad_deadline_date(cfg->terms[d->term].end, s2);
		return cad_asprintf(_("Osapuoli, joka haluaa sopimuksen "
		    "\"%1$s\" päättyvän valtuustokauden %2$s–%3$s lopussa, "
		    "antaa kirjallisen irtisanomisilmoituksen viimeistään "
		    "tänä päivänä (irtisanomisaika %4$d kuukautta). "
		    "Myöhemmin annettu ilmoitus päättää sopimuksen vasta "
		    "kauden päättymisen jälkeen."), title, s1, s2,
		    a->notice_months);
	case CAD_DEADLINE_TERMINATION:
		if (d->noticed != CAD_NODAY)
			cad_deadline_date(d->noticed, s3);
		if (d->noticed == CAD_NODAY)
			s3[0] = '\0';
		/* TRANSLATORS: the party, the agreement and the date of
		   the notice ("" when unknown) */
		return cad_asprintf(_("%1$s on irtisanonut sopimuksen "
		    "\"%2$s\"%3$s%4$s%5$s. Irtisanominen astuu voimaan tänä "
		    "päivänä: osapuoli jää pois foorumeista, neuvotteluista "
		    "ja kutsuista. Varmista, että sen koollekutsumille "
		    "foorumeille on nimetty uusi koollekutsuja."),
		    cad_tr(cfg, cad_deadline_party_name(cfg, d->party)), title,
		    *s3 ? _(" (ilmoitus annettu ") : "", s3, *s3 ? ")" : "");
	case CAD_DEADLINE_TASK:
		return task_description(cfg, d);
	}
	return cad_strdup(d->title ? d->title : "");
}

/* ---------------------------------------------------------------- */
/* JSON */

int
cad_deadlines_json(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_deadline *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char date[11];
		cad_format_date(v[i].day, date);
		cad_buf_printf(b, "%s{\"date\": \"%s\", \"kind\": \"%s\", "
		    "\"title\": ", i ? ",\n  " : "\n  ", date,
		    cad_deadline_kind_name(v[i].kind));
		cad_buf_json_str(b, v[i].title);
		cad_buf_puts(b, ", \"party\": ");
		cad_buf_json_str(b, v[i].party);
		const struct cad_task *t = cad_deadline_task(cfg, &v[i]);
		if (t != NULL) {
			cad_buf_puts(b, ", \"task\": ");
			cad_buf_json_str(b, t->id);
			cad_buf_printf(b, ", \"done\": %s",
			    v[i].done ? "true" : "false");
		}
		cad_buf_puts(b, "}");
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}

int
cad_terminations_json(struct cad_buf *b, const struct cad_termination *t,
    size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char noticed[11], effective[11];
		cad_format_date(t[i].noticed, noticed);
		cad_format_date(t[i].effective, effective);
		cad_buf_puts(b, i ? ",\n  {\"party\": " :
		    "\n  {\"party\": ");
		cad_buf_json_str(b, t[i].party);
		cad_buf_printf(b, ", \"noticed\": \"%s\", "
		    "\"effective\": \"%s\"}", noticed, effective);
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
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
	bool done = d->kind == CAD_DEADLINE_TASK && d->done;
	size_t noff;
	const int *off = cad_deadline_offsets(cfg, d, &noff);
	char *uid = cad_deadline_uid(cfg, d);
	char *desc = cad_deadline_description(cfg, d);

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
	if (done) {
		/* a task recorded done: said in the title, no more alarms */
		char *t = cad_asprintf("%s (%s)", d->title,
		    C_("task", "tehty"));
		icalcomponent_add_property(ev, icalproperty_new_summary(t));
		free(t);
	} else
		icalcomponent_add_property(ev,
		    icalproperty_new_summary(d->title));
	icalcomponent_add_property(ev, icalproperty_new_description(desc));
	icalcomponent_add_property(ev,
	    icalproperty_new_status(ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev,
	    icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	cad_ical_add_organizer(ev, cfg);	/* RFC 5546 § 3.2.1 */
	cad_ical_add_x(ev, "X-MICROSOFT-CDO-ALLDAYEVENT", "TRUE");

	for (size_t i = 0; !done && i < noff; i++) {
		icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
		struct icaltriggertype trig;
		int days = off[i];

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
		defname = t && *t ? cad_asprintf(_("%s: määräajat"),
		    cad_tr(cfg, t)) : cad_strdup(_("Sopimuksen määräajat"));
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
