/*
 * imip.c - iTIP objects and iMIP messages (SPEC § 6); see imip.h.
 *
 * The calendar of one series starts as the feed of a plan that holds
 * only that series (cad_ical_feed), is parsed back with libical, and gets
 * its METHOD, ORGANIZER and ATTENDEEs.  So the VTIMEZONE, RDATEs and
 * RECURRENCE-ID overrides are the feed's own, not a second copy of them.
 * libical's serialiser folds lines without regard to UTF-8, so the text
 * is unfolded and folded again at 75 octets (core/render/ical_fold.c).
 * The message around it is built in imip_mime.c.
 */
#include "render/imip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "base/hash.h"
#include "render/ical.h"
#include "render/output.h"

#define TEXT_UPCOMING	12	/* meetings listed in the text */

/* ---------------------------------------------------------------- */
/* calendar */

static void
remove_props(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;

	while ((p = icalcomponent_get_first_property(c, kind)) != NULL) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

static void
remove_x_props(icalcomponent *c)
{
	icalproperty *p, *next;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	    p = next) {
		next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

/* the attendees; a CN that is a name of cfg in the thread's language
   (the recipient's, SPEC § 10.4) */
static void
add_attendees(icalcomponent *ev, const struct cad_config *cfg,
    const struct cad_imip_attendee *att, size_t natt, bool client)
{
	for (size_t i = 0; i < natt; i++) {
		char *uri = cad_asprintf("mailto:%s", att[i].email);
		icalproperty *p = icalproperty_new_attendee(uri);
		if (att[i].name != NULL && *att[i].name != '\0') {
			char *cn = cad_ical_cn_value(cad_tr(cfg, att[i].name));
			icalproperty_add_parameter(p, icalparameter_new_cn(cn));
			free(cn);
		}
		icalproperty_add_parameter(p, icalparameter_new_role(
		    att[i].chair ? ICAL_ROLE_CHAIR :
		    ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p,
		    icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		icalproperty_add_parameter(p,
		    icalparameter_new_rsvp(ICAL_RSVP_TRUE));
		if (client)
			icalproperty_add_parameter(p,
			    icalparameter_new_scheduleagent(
			    ICAL_SCHEDULEAGENT_CLIENT));
		icalcomponent_add_property(ev, p);
		free(uri);
	}
}

static bool
is_rid(icalcomponent *ev, int rid_day, int rid_time)
{
	icalproperty *p = icalcomponent_get_first_property(ev,
	    ICAL_RECURRENCEID_PROPERTY);
	struct icaltimetype t, want = cad_ical_local_time(rid_day, rid_time);

	if (p == NULL)
		return false;
	t = icalproperty_get_recurrenceid(p);
	return t.year == want.year && t.month == want.month &&
	    t.day == want.day && t.hour == want.hour &&
	    t.minute == want.minute;
}

static bool
is_cancelled(icalcomponent *ev)
{
	return icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED;
}

/* the VEVENTs of cal that recur (RRULE or RDATE) */
static bool
recurs(icalcomponent *ev)
{
	return icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY) ||
	    icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
}

/*
 * Whether ev stays in the CANCEL of instance rid: its own RECURRENCE-ID
 * VEVENT, or the one plain VEVENT of a single-meeting series (which the
 * feed writes without RECURRENCE-ID, core/render/ical.c), cancelled.
 */
static bool
cancels(icalcomponent *cal, icalcomponent *ev, int rid_day, int rid_time)
{
	if (is_rid(ev, rid_day, rid_time))
		return true;
	return icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT) ==
	    1 && !recurs(ev) && is_cancelled(ev) &&
	    !icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
}

static int
cmp_exdate(const void *a, const void *b)
{
	icalproperty *const *x = a, *const *y = b;

	return icaltime_compare(icalproperty_get_exdate(*x),
	    icalproperty_get_exdate(*y));
}

/*
 * A REQUEST carries only TENTATIVE or CONFIRMED components (RFC 5546
 * § 3.2.2): every cancelled RECURRENCE-ID VEVENT becomes an EXDATE of
 * the master (its RECURRENCE-ID, zone and all), the cancel itself being
 * announced by METHOD:CANCEL.  The master's EXDATEs are put back
 * together and in order, so they are written as one line.
 */
static void
cancelled_to_exdates(icalcomponent *cal)
{
	icalcomponent *master = NULL, *ev, *next;
	icalproperty **ex, *p;
	size_t n = 0, cap;

	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = icalcomponent_get_next_component(
	    cal, ICAL_VEVENT_COMPONENT))
		if (!icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY))
			master = ev;
	if (master == NULL || !recurs(master))
		return;
	cap = (size_t)icalcomponent_count_components(cal,
	    ICAL_VEVENT_COMPONENT) + (size_t)icalcomponent_count_properties(
	    master, ICAL_EXDATE_PROPERTY) + 1;
	ex = cad_xcalloc(cap, sizeof *ex);
	while ((p = icalcomponent_get_first_property(master,
	    ICAL_EXDATE_PROPERTY)) != NULL) {
		icalcomponent_remove_property(master, p);
		ex[n++] = p;
	}
	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = next) {
		next = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT);
		p = icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY);
		if (p == NULL || !is_cancelled(ev))
			continue;
		ex[n] = icalproperty_new_exdate(icalproperty_get_recurrenceid(
		    p));
		icalparameter *tz = icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER);
		if (tz != NULL)
			icalproperty_add_parameter(ex[n],
			    icalparameter_new_clone(tz));
		n++;
		icalcomponent_remove_component(cal, ev);
		icalcomponent_free(ev);
	}
	qsort(ex, n, sizeof *ex, cmp_exdate);
	for (size_t i = 0; i < n; i++)
		icalcomponent_add_property(master, ex[i]);
	free(ex);
}

/*
 * The feed of series s alone, parsed back, without what only a
 * subscribed feed has (METHOD, NAME, REFRESH-INTERVAL, X- properties).
 * 0 or -errno with err; -ENOENT: s has no occurrence.
 */
static int
series_calendar(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, int64_t dtstamp,
    icalcomponent **out, struct cad_error *err)
{
	struct cad_plan one;
	struct cad_series_state st1 = *state;
	struct cad_buf feed;
	char *summary;
	int r;

	*out = NULL;
	memset(&one, 0, sizeof one);
	/* the plan of this one series: index 0 */
	one.series = &plan->series[s];
	one.nseries = 1;
	one.occ = cad_xcalloc(plan->nocc + 1, sizeof *one.occ);
	for (size_t i = 0; i < plan->nocc; i++) {
		if (plan->occ[i].series != s)
			continue;
		one.occ[one.nocc] = plan->occ[i];
		one.occ[one.nocc++].series = 0;
	}
	if (one.nocc == 0) {
		cad_error_set(err, "series '%s' has no occurrence",
		    plan->series[s].uid);
		free(one.occ);
		return -ENOENT;
	}
	cad_buf_init(&feed, 0);
	summary = cad_series_name(cfg, &plan->series[s]);
	r = cad_ical_invitation(cfg, ctx, &one, &st1, summary, dtstamp,
	    &feed, err);
	free(summary);
	free(one.occ);
	if (r == 0) {
		icalerror_clear_errno();
		if ((*out = icalparser_parse_string(feed.data)) == NULL) {
			cad_error_set(err, "libical cannot read the feed: %s",
			    icalerror_strerror(icalerrno));
			r = -EINVAL;
		}
	}
	cad_buf_release(&feed);
	if (r < 0)
		return r;
	remove_props(*out, ICAL_XLICERROR_PROPERTY);
	remove_props(*out, ICAL_METHOD_PROPERTY);
	remove_props(*out, ICAL_NAME_PROPERTY);
	remove_props(*out, ICAL_REFRESHINTERVAL_PROPERTY);
	remove_x_props(*out);
	return 0;
}

int
cad_imip_calendar(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_method method,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, bool schedule_agent_client, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal = NULL, *ev, *next;
	size_t nev = 0;
	int r;

	if (s >= plan->nseries) {
		cad_error_set(err, "no series %zu", s);
		return -EINVAL;
	}
	if ((r = series_calendar(cfg, ctx, plan, s, state, dtstamp, &cal,
	    err)) < 0)
		return r;
	if (method == CAD_IMIP_REQUEST) {
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_REQUEST));
		cancelled_to_exdates(cal);
	} else if (method == CAD_IMIP_CANCEL)
		icalcomponent_add_property(cal,
		    icalproperty_new_method(ICAL_METHOD_CANCEL));
	for (ev = icalcomponent_get_first_component(cal,
	    ICAL_VEVENT_COMPONENT); ev; ev = next) {
		next = icalcomponent_get_next_component(cal,
		    ICAL_VEVENT_COMPONENT);
		if (method == CAD_IMIP_CANCEL &&
		    !cancels(cal, ev, rid_day, rid_time)) {
			icalcomponent_remove_component(cal, ev);
			icalcomponent_free(ev);
			continue;
		}
		remove_props(ev, ICAL_XLICERROR_PROPERTY);
		remove_props(ev, ICAL_ATTENDEE_PROPERTY);
		remove_props(ev, ICAL_ORGANIZER_PROPERTY);
		cad_ical_add_organizer(ev, cfg);
		add_attendees(ev, cfg, att, natt, schedule_agent_client);
		if (method == CAD_IMIP_CANCEL) {
			remove_props(ev, ICAL_STATUS_PROPERTY);
			icalcomponent_add_property(ev,
			    icalproperty_new_status(ICAL_STATUS_CANCELLED));
		}
		nev++;
	}
	if (nev == 0) {
		char rid[11];
		cad_format_date(rid_day, rid);
		cad_error_set(err, "series '%s' has no cancelled instance "
		    "on %s", plan->series[s].uid, rid);
		r = -ENOENT;
	} else
		r = cad_ical_write(out, cal, err);
	icalcomponent_free(cal);
	return r;
}

int
cad_imip_cancel_calendar(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *att, size_t natt, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err)
{
	icalcomponent *cal, *ev;
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	int r;

	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(CAD_ICAL_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal,
	    icalproperty_new_method(ICAL_METHOD_CANCEL));
	ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
	    icaltime_from_timet_with_zone((time_t)dtstamp, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(sequence));
	if (dtstart_day != CAD_NODAY) {
		/* in UTC: no VTIMEZONE needed for a one-line start */
		int off = 0;
		(void)cad_tz_offset(cfg->timezone, dtstart_day, dtstart_time,
		    &off);
		int64_t t = ((int64_t)dtstart_day * 1440 + dtstart_time) * 60 -
		    off;
		icalcomponent_add_property(ev, icalproperty_new_dtstart(
		    icaltime_from_timet_with_zone((time_t)t, 0, utc)));
	}
	if (summary != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_summary(summary));
	icalcomponent_add_property(ev,
	    icalproperty_new_status(ICAL_STATUS_CANCELLED));
	cad_ical_add_organizer(ev, cfg);
	add_attendees(ev, cfg, att, natt, false);
	icalcomponent_add_component(cal, ev);
	r = cad_ical_write(out, cal, err);
	icalcomponent_free(cal);
	return r;
}

/* ---------------------------------------------------------------- */
/* what the message says */

char *
cad_imip_subject(enum cad_imip_kind kind, const char *summary, int rid_day,
    int rid_time)
{
	char when[32];

	switch (kind) {
	case CAD_IMIP_INVITE:
		/* TRANSLATORS: the Subject of an invitation; %s is the
		   meeting series ("Hyte-foorumi: Kokkolan kaupunki") */
		return cad_asprintf(_("Kutsu: %s"), summary);
	case CAD_IMIP_UPDATE:
		return cad_asprintf(_("Päivitetty: %s"), summary);
	case CAD_IMIP_CANCEL_ONE:
		cad_format_fi(rid_day, rid_time, when);
		/* TRANSLATORS: the series and the date and time */
		return cad_asprintf(_("Peruttu: %1$s %2$s"), summary, when);
	case CAD_IMIP_CANCEL_ALL:
	default:
		return cad_asprintf(_("Peruttu: %s"), summary);
	}
}

void
cad_imip_mail_init(struct cad_imip_mail *m, const struct cad_config *cfg,
    const char *to_name, const char *to_email, const char *subject,
    int64_t now)
{
	memset(m, 0, sizeof *m);
	m->from_name = cad_tr(cfg, cfg->organizer_name);
	m->from_email = cfg->organizer_email;
	m->to_name = cad_tr(cfg, to_name);
	m->to_email = to_email;
	m->subject = subject;
	m->date = now;
	(void)cad_tz_offset_utc(cfg->timezone, now, &m->utc_offset);
	m->domain = cfg->domain;
}

/* the start in Finnish, and its end when that is on the same day */
static void
text_when(struct cad_buf *b, const char *tzid, const struct cad_occurrence *o)
{
	char when[32], end[8];
	int eday, emin, eoff;

	cad_format_fi(o->day, o->time, when);
	(void)cad_tz_end(tzid, o->day, o->time, o->duration, &eday, &emin,
	    &eoff);
	if (eday == o->day) {
		cad_format_time(emin, end);
		cad_buf_printf(b, "%s–%s", when, end);
	} else
		cad_buf_puts(b, when);
}

/* the forum, party, next meeting, place, cadence, legal basis and
   convenor lines of an invitation's text */
static void
text_facts(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, size_t s, enum cad_imip_kind kind,
    const struct cad_occurrence *next)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	char *cadence;

	cad_buf_printf(b, "%s: %s\n", _("Foorumi"), cad_tr(cfg, f->name));
	if (se->party >= 0 || se->group >= 0)
		cad_buf_printf(b, "%s: %s\n", se->group >= 0 ? _("Ryhmä") :
		    _("Osapuoli"), cad_series_member(cfg, se));
	if (kind != CAD_IMIP_CANCEL_ONE) {
		cad_buf_printf(b, "%s: ", _("Seuraava kokous"));
		if (next != NULL)
			text_when(b, cfg->timezone, next);
		else
			cad_buf_puts(b, _("ei tulevia kokouksia"));
		cad_buf_puts(b, "\n");
	}
	if (f->location != NULL && *f->location)
		cad_buf_printf(b, "%s: %s\n", _("Paikka"),
		    cad_tr(cfg, f->location));
	cadence = cad_config_cadence(cfg, f);
	if (cadence != NULL && *cadence)
		cad_buf_printf(b, "%s: %s\n", _("Toistuvuus"), cadence);
	free(cadence);
	if (f->legal_basis != NULL && *f->legal_basis)
		cad_buf_printf(b, "%s: %s\n", _("Säädösperusta"),
		    f->legal_basis);
	cad_buf_printf(b, "%s: %s\n", _("Koollekutsuja"),
	    cad_config_party_name(cfg, se->convenor));
}

static char *
series_text(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s, enum cad_imip_kind kind,
    int rid_day, int rid_time)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	const struct cad_occurrence *next = NULL, *one = NULL;
	char *summary = cad_series_name(cfg, se);
	char when[32];
	struct cad_buf b;
	size_t listed = 0;

	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->series != s)
			continue;
		if (o->rid_day == rid_day && o->rid_time == rid_time)
			one = o;
		if (next == NULL && o->status == CAD_CONFIRMED &&
		    o->day >= ctx->today)
			next = o;
	}

	cad_buf_init(&b, 0);
	switch (kind) {
	case CAD_IMIP_INVITE:
		cad_buf_printf(&b, _("Kutsu kokoukseen: %s\n"), summary);
		break;
	case CAD_IMIP_UPDATE:
		cad_buf_printf(&b, _("Kokouksen tiedot ovat muuttuneet: %s\n"),
		    summary);
		break;
	default:
		cad_format_fi(rid_day, rid_time, when);
		cad_buf_printf(&b, _("Kokous on peruttu: %1$s %2$s\n"), summary,
		    when);
		if (one != NULL && one->reason != NULL && *one->reason)
			cad_buf_printf(&b, "%s: %s\n", _("Syy"),
			    cad_tr(cfg, one->reason));
		break;
	}
	cad_buf_puts(&b, "\n");
	text_facts(&b, cfg, plan, s, kind, next);

	if (kind != CAD_IMIP_CANCEL_ONE) {
		cad_buf_printf(&b, "\n%s:\n", _("Tulevat kokoukset"));
		for (size_t i = 0; i < plan->nocc && listed < TEXT_UPCOMING;
		    i++) {
			const struct cad_occurrence *o = &plan->occ[i];
			if (o->series != s || o->day < ctx->today)
				continue;
			cad_buf_puts(&b, "  ");
			text_when(&b, cfg->timezone, o);
			if (o->status == CAD_CANCELLED)
				cad_buf_printf(&b, " (%s)", _("peruttu"));
			cad_buf_puts(&b, "\n");
			listed++;
		}
		if (listed == 0)
			cad_buf_printf(&b, "  %s\n", _("ei tulevia kokouksia"));
	}
	cad_buf_printf(&b, "\n%s\n", _("Kalenterimerkintä on liitteenä "
	    "(invite.ics); kalenteriohjelma\nlisää tai päivittää sen."));
	if (cfg->base_url != NULL && *cfg->base_url)
		cad_buf_printf(&b, "%s: %s%scalendars/forum/%s.ics\n",
		    _("Kalenteri"), cfg->base_url,
		    cad_config_lang_prefix(cfg), f->id);
	cad_buf_printf(&b, "\n-- \n%s%s<%s>\n",
	    cfg->organizer_name != NULL ? cad_tr(cfg, cfg->organizer_name) :
	    "",
	    cfg->organizer_name != NULL ? " " : "",
	    cfg->organizer_email != NULL ? cfg->organizer_email : "");
	free(summary);
	return cad_buf_xsteal(&b);
}

int
cad_imip_series_mail(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_kind kind,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, const struct cad_imip_attendee *to, int64_t now,
    struct cad_buf *out, struct cad_error *err)
{
	bool cancel = kind == CAD_IMIP_CANCEL_ONE;
	struct cad_imip_mail m;
	struct cad_buf cal;
	char *summary = NULL, *subject = NULL, *text = NULL;
	int r;

	if (kind == CAD_IMIP_CANCEL_ALL) {
		cad_error_set(err, "use cad_imip_gone_mail");
		return -EINVAL;
	}
	cad_buf_init(&cal, 0);
	if ((r = cad_imip_calendar(cfg, ctx, plan, s, state, cancel ?
	    CAD_IMIP_CANCEL : CAD_IMIP_REQUEST, rid_day, rid_time, att, natt,
	    false, now, &cal, err)) < 0)
		goto out;
	summary = cad_series_name(cfg, &plan->series[s]);
	subject = cad_imip_subject(kind, summary, rid_day, rid_time);
	text = series_text(cfg, ctx, plan, s, kind, rid_day, rid_time);
	cad_imip_mail_init(&m, cfg, to->name, to->email, subject, now);
	m.text = text;
	m.calendar = cal.data;
	m.method = cancel ? "CANCEL" : "REQUEST";
	r = cad_imip_message(&m, out, err);
out:
	free(summary);
	free(subject);
	free(text);
	cad_buf_release(&cal);
	return r;
}

int
cad_imip_gone_mail(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *to, int64_t now, struct cad_buf *out,
    struct cad_error *err)
{
	struct cad_imip_mail m;
	struct cad_buf cal;
	char *subject, *text;
	const char *name = summary != NULL ? summary : uid;
	int r;

	cad_buf_init(&cal, 0);
	if ((r = cad_imip_cancel_calendar(cfg, uid, summary, dtstart_day,
	    dtstart_time, sequence, to, 1, now, &cal, err)) < 0) {
		cad_buf_release(&cal);
		return r;
	}
	subject = cad_imip_subject(CAD_IMIP_CANCEL_ALL, name, 0, 0);
	/* TRANSLATORS: the series; then the organizer's name, a space
	   (or nothing) and address */
	text = cad_asprintf(_("Kokoussarja on peruttu: %1$s\n\n"
	    "Kokouksia ei enää pidetä tällä kutsulla.  Kalenteriohjelma "
	    "poistaa\nne liitteen (invite.ics) avulla.\n\n-- \n"
	    "%2$s%3$s<%4$s>\n"),
	    name, cfg->organizer_name != NULL ?
	    cad_tr(cfg, cfg->organizer_name) : "",
	    cfg->organizer_name != NULL ? " " : "",
	    cfg->organizer_email != NULL ? cfg->organizer_email : "");
	cad_imip_mail_init(&m, cfg, to->name, to->email, subject, now);
	m.text = text;
	m.calendar = cal.data;
	m.method = "CANCEL";
	r = cad_imip_message(&m, out, err);
	free(subject);
	free(text);
	cad_buf_release(&cal);
	return r;
}
