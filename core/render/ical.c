/*
 * ical.c - the subscription feeds of SPEC § 5, rendered with libical.
 *
 * One VCALENDAR per feed: a single VTIMEZONE built from the zone's
 * current rules (one STANDARD, one DAYLIGHT: Outlook refuses more), one
 * master VEVENT per series and one RECURRENCE-ID VEVENT per instance that
 * a rule or a person moved or cancelled.
 *
 * The recurrence set of a master is the forum's rule (RRULE with COUNT
 * up to the last instance in the window; per_term as a yearly rule) from
 * the first RECURRENCE-ID, with an EXDATE for each rule instance that the
 * plan has not, all in the master's zone: RRULE + EXDATE is what every
 * client understands (Outlook ignores RDATE, ical.js <= 1.5 skips
 * DTSTART of an RDATE-only set).  Where no rule gives the set, DTSTART
 * plus one RDATE per further instance.  Holiday moves and spreading keep
 * their RECURRENCE-ID: they are overrides, not changes of the set.
 *
 * Here: what a series says and its VEVENTs.  The VTIMEZONE is built in
 * vtimezone.c, the text folded in ical_fold.c, the feeds assembled from
 * per-series fragments in ical_set.c, an invitation's hash taken in
 * ical_hash.c.
 */
#include "render/ical.h"
#include "render/ical_int.h"
#include "render/output.h"
#include "model/tz.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

/* ---------------------------------------------------------------- */
/* what a series says: shared by the feed and the hash */

static bool
has_person(const int *v, size_t n, int p)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == p)
			return true;
	return false;
}

size_t
cad_ical_series_people(const struct cad_config *cfg,
    const struct cad_series *se, int *v)
{
	const struct cad_forum *f = &cfg->forums[se->forum];
	size_t n = 0;

	v[n++] = se->convenor;
	if (se->party >= 0 && !has_person(v, n, se->party))
		v[n++] = se->party;
	for (size_t i = 0; i < f->nparticipants; i++)
		if (!has_person(v, n, f->participants[i]))
			v[n++] = f->participants[i];
	return n;
}

void
cad_ical_text_init(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s, struct cad_ical_text *t)
{
	const struct cad_series *se = &plan->series[s];
	const struct cad_forum *f = &cfg->forums[se->forum];
	struct cad_buf d;
	size_t i;

	memset(t, 0, sizeof *t);
	t->summary = cad_series_name(cfg, se);
	/* location = "member": the member's place; a rotation's are the
	   occurrences' own (occ_location) */
	const char *loc = f->location_member && se->party >= 0 ?
	    cfg->parties[se->party].location : f->location;
	t->location = loc && *loc ? cad_tr(cfg, loc) : NULL;

	t->people = cad_xcalloc(f->nparticipants + 2, sizeof *t->people);
	t->npeople = cad_ical_series_people(cfg, se, t->people);

	/* cad_xcalloc and cad_asprintf abort on OOM; the buffer has no
	   small ceiling, so the adds below cannot fail in practice */
	cad_buf_init(&d, 0);
	if (f->description && *f->description)
		cad_buf_printf(&d, "%s\n\n", cad_tr(cfg, f->description));
	if (t->location)
		cad_buf_printf(&d, "%s: %s\n", _("Paikka"), t->location);
	if (f->legal_basis && *f->legal_basis)
		cad_buf_printf(&d, "%s: %s\n", _("Säädösperusta"),
		    f->legal_basis);
	cad_buf_printf(&d, "%s: %s\n", _("Koollekutsuja"),
	    cad_config_party_name(cfg, se->convenor));
	cad_buf_printf(&d, "%s: ", _("Osallistujat"));
	for (i = 0; i < t->npeople; i++)
		cad_buf_printf(&d, "%s%s", i ? ", " : "",
		    cad_config_party_name(cfg, t->people[i]));
	cad_buf_puts(&d, "\n");
	if (cfg->base_url && *cfg->base_url) {
		const char *lp = cad_config_lang_prefix(cfg);
		cad_buf_printf(&d, "%s: %s%scalendars/forum/%s.ics\n",
		    _("Kalenteri"), cfg->base_url, lp, f->id);
		cad_buf_printf(&d, "%s: %s%s\n", _("Lisätietoja"),
		    cfg->base_url, lp);
	}
	if (d.len > 0 && d.data[d.len - 1] == '\n')
		d.data[--d.len] = '\0';
	t->description = cad_buf_xsteal(&d);
}

void
cad_ical_text_release(struct cad_ical_text *t)
{
	free(t->summary);
	free(t->description);
	free(t->people);
	memset(t, 0, sizeof *t);
}

/* the override's DESCRIPTION: the master's plus what happened */
static char *
override_description(const struct cad_ical_text *t,
    const struct cad_occurrence *o)
{
	struct cad_buf d;
	char when[32];

	cad_buf_init(&d, 0);
	cad_buf_puts(&d, t->description);
	if (o->status == CAD_CANCELLED) {
		cad_buf_printf(&d, "\n\n%s", _("Peruttu."));
		if (o->reason && *o->reason)
			cad_buf_printf(&d, " %s: %s", _("Syy"), o->reason);
	}
	if (o->moved != CAD_MOVED_NONE || o->day != o->rid_day ||
	    o->time != o->rid_time) {
		cad_format_fi(o->rid_day, o->rid_time, when);
		/* a holiday or spread move is the rules', not a person's
		   (SPEC 10.1) */
		cad_buf_printf(&d, "%s%s: %s",
		    o->status == CAD_CANCELLED ? "\n" : "\n\n",
		    o->moved == CAD_MOVED_HOLIDAY ||
		    o->moved == CAD_MOVED_SPREAD ?
		    _("Siirretty sääntöjen mukaan") : _("Siirretty"), when);
		if (o->moved == CAD_MOVED_HOLIDAY)
			cad_buf_printf(&d, " (%s)", _("ei työpäivä"));
		else if (o->moved == CAD_MOVED_SPREAD)
			cad_buf_printf(&d, " (%s)", _("päivä jo varattu"));
	}
	return cad_buf_xsteal(&d);
}

/* the occurrences of series s, in RECURRENCE-ID order */
int
cad_ical_cmp_rid(const void *a, const void *b)
{
	const struct cad_occurrence *x = *(const struct cad_occurrence *const *)a;
	const struct cad_occurrence *y = *(const struct cad_occurrence *const *)b;

	if (x->rid_day != y->rid_day)
		return x->rid_day < y->rid_day ? -1 : 1;
	if (x->rid_time != y->rid_time)
		return x->rid_time < y->rid_time ? -1 : 1;
	return 0;
}

/*
 * The plan's occurrences by series: series s has rid[off[s] ..
 * off[s + 1]), in RECURRENCE-ID order; ord (when not NULL) gets them in
 * the plan's order.  A counting sort, then a qsort per series.
 */
void
cad_ical_occ_index(const struct cad_plan *plan, size_t **offp,
    const struct cad_occurrence ***ordp, const struct cad_occurrence ***ridp)
{
	const struct cad_occurrence **rid;
	size_t *off, *fill;

	off = cad_xcalloc(plan->nseries + 1, sizeof *off);
	fill = cad_xcalloc(plan->nseries + 1, sizeof *fill);
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].series < plan->nseries)
			off[plan->occ[i].series + 1]++;
	for (size_t s = 0; s < plan->nseries; s++)
		off[s + 1] += off[s];
	rid = cad_xcalloc(plan->nocc + 1, sizeof *rid);
	for (size_t i = 0; i < plan->nocc; i++) {
		size_t s = plan->occ[i].series;
		if (s < plan->nseries)
			rid[off[s] + fill[s]++] = &plan->occ[i];
	}
	free(fill);
	if (ordp != NULL) {
		*ordp = cad_xcalloc(plan->nocc + 1, sizeof **ordp);
		memcpy(*ordp, rid, plan->nocc * sizeof *rid);
	}
	for (size_t s = 0; s < plan->nseries; s++)
		qsort(rid + off[s], off[s + 1] - off[s], sizeof *rid, cad_ical_cmp_rid);
	*offp = off;
	*ridp = rid;
}

void
cad_publish_window(const struct cad_config *cfg, int today, int *from,
    int *to)
{
	*from = cad_days_from_civil(cad_year_of(today) - 1, 1, 1);
	*to = cad_days_from_civil(cad_year_of(today + cfg->horizon_days), 12,
	    31);
}

/* ---------------------------------------------------------------- */
/* libical pieces */

struct icaltimetype
cad_ical_local_time(int day, int minutes)
{
	struct icaltimetype t = icaltime_null_time();
	int y, m, d;

	day += minutes / 1440;
	minutes %= 1440;
	cad_civil_from_days(day, &y, &m, &d);
	t.year = y;
	t.month = m;
	t.day = d;
	t.hour = minutes / 60;
	t.minute = minutes % 60;
	t.second = 0;
	t.is_date = 0;
	t.zone = NULL;
	return t;
}

static icalproperty *
with_tzid(icalproperty *p, const char *tzid)
{
	icalproperty_add_parameter(p, icalparameter_new_tzid(tzid));
	return p;
}

struct icaltimetype
cad_ical_utc_time(int64_t t)
{
	return icaltime_from_timet_with_zone((time_t)t, 0,
	    icaltimezone_get_utc_timezone());
}

void
cad_ical_time_text(struct icaltimetype t, bool utc, char *out)
{
	char tmp[64];

	snprintf(tmp, sizeof tmp, "%04d%02d%02dT%02d%02d%02d%s", t.year,
	    t.month, t.day, t.hour, t.minute, t.second, utc ? "Z" : "");
	memcpy(out, tmp, utc ? 16 : 15);
	out[utc ? 16 : 15] = '\0';
}

/*
 * An X- property with a plain token value (a zone name, a duration).
 * libical 3.0 doubles backslashes in X- values but leaves ',' and ';'
 * alone, so free text never goes through here: X-WR-CALNAME is written
 * by refold() as a copy of the NAME line, which libical escapes as TEXT.
 */
void
cad_ical_add_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(c, p);
}

char *
cad_ical_cn_value(const char *s)
{
	char *r = cad_strdup(s ? s : "");

	for (char *p = r; *p; p++)
		if (*p == '"' || *p == '\r' || *p == '\n')
			*p = '\'';
	return r;
}

/* ---------------------------------------------------------------- */
/* VEVENTs */

struct event_common {
	const struct cad_config *cfg;
	const struct cad_series *se;
	const struct cad_ical_text *t;
	struct icaltimetype dtstamp;
	struct icaltimetype last_modified;
	struct icaltimetype created;
	int sequence;
	struct cad_ical_invite inv;	/* an invitation's rule; a feed's
					   is zeroed (CAD_BOUND_PLAN) */
};

void
cad_ical_add_organizer(icalcomponent *ev, const struct cad_config *cfg)
{
	bool own = cfg->organizer_email && *cfg->organizer_email;
	icalproperty *p;
	char *cn, *uri;

	uri = own ? cad_asprintf("mailto:%s", cfg->organizer_email) :
	    cad_asprintf("mailto:noreply@%s", cfg->domain ? cfg->domain :
	    "localhost");
	p = icalproperty_new_organizer(uri);
	if (own && cfg->organizer_name && *cfg->organizer_name) {
		cn = cad_ical_cn_value(cad_tr(cfg, cfg->organizer_name));
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		free(cn);
	}
	icalcomponent_add_property(ev, p);
	free(uri);
}

static void
add_people(icalcomponent *ev, const struct event_common *ec)
{
	const struct cad_config *cfg = ec->cfg;
	icalproperty *p;
	char *cn, *uri;

	cad_ical_add_organizer(ev, cfg);
	if (!cfg->publish_attendees)
		return;
	for (size_t i = 0; i < ec->t->npeople; i++) {
		const struct cad_party *pa = &cfg->parties[ec->t->people[i]];
		if (pa->email == NULL || *pa->email == '\0')
			continue;
		uri = cad_asprintf("mailto:%s", pa->email);
		p = icalproperty_new_attendee(uri);
		cn = cad_ical_cn_value(cad_config_party_name(cfg,
		    ec->t->people[i]));
		icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		icalproperty_add_parameter(p, icalparameter_new_role(
		    ec->t->people[i] == ec->se->convenor ? ICAL_ROLE_CHAIR :
		    ICAL_ROLE_REQPARTICIPANT));
		icalcomponent_add_property(ev, p);
		free(cn);
		free(uri);
	}
}

/* where occurrence o is (SPEC 10.1: a rotation's entry), else the
   series' place; NULL when none */
static const char *
occ_location(const struct event_common *ec, const struct cad_occurrence *o)
{
	if (o->location != NULL && *o->location != '\0')
		return cad_tr(ec->cfg, o->location);
	return ec->t->location;
}

static bool
same_location(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* DTEND is local wall time; a meeting over a DST change (one at night
   on the last Sunday of March or October) lasts its real minutes only
   as a DURATION */
static bool
ends_by_duration(const char *tz, int day, int time, int duration)
{
	int eday, emin, eoff, soff;

	return cad_tz_offset(tz, day, time, &soff) == 0 &&
	    cad_tz_end(tz, day, time, duration, &eday, &emin, &eoff) == 0 &&
	    soff != eoff;
}

/* the properties every VEVENT of the series carries */
static icalcomponent *
event_new(const struct event_common *ec, int day, int time, int duration,
    const char *summary, const char *description, const char *location,
    bool cancelled)
{
	const char *tz = ec->cfg->timezone;
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);

	icalcomponent_add_property(ev, icalproperty_new_uid(ec->se->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(ec->dtstamp));
	icalcomponent_add_property(ev,
	    icalproperty_new_sequence(ec->sequence));
	icalcomponent_add_property(ev,
	    icalproperty_new_created(ec->created));
	icalcomponent_add_property(ev,
	    icalproperty_new_lastmodified(ec->last_modified));
	icalcomponent_add_property(ev, with_tzid(
	    icalproperty_new_dtstart(cad_ical_local_time(day, time)), tz));
	if (ends_by_duration(tz, day, time, duration)) {
		struct icaldurationtype d = icaldurationtype_null_duration();
		d.hours = (unsigned)duration / 60;
		d.minutes = (unsigned)duration % 60;
		icalcomponent_add_property(ev, icalproperty_new_duration(d));
	} else
		icalcomponent_add_property(ev, with_tzid(icalproperty_new_dtend(
		    cad_ical_local_time(day, time + duration)), tz));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	if (location != NULL)
		icalcomponent_add_property(ev,
		    icalproperty_new_location(location));
	if (location != NULL && !same_location(location, ec->t->location)) {
		/* a rotation's place: the text says it too */
		char *d = cad_asprintf("%s\n%s: %s", description, _("Paikka"),
		    location);
		icalcomponent_add_property(ev, icalproperty_new_description(d));
		free(d);
	} else
		icalcomponent_add_property(ev,
		    icalproperty_new_description(description));
	icalcomponent_add_property(ev, icalproperty_new_status(cancelled ?
	    ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(cancelled ?
	    ICAL_TRANSP_TRANSPARENT : ICAL_TRANSP_OPAQUE));
	add_people(ev, ec);
	return ev;
}

static bool
needs_override(const struct cad_occurrence *o, int duration)
{
	return o->moved != CAD_MOVED_NONE || o->status == CAD_CANCELLED ||
	    o->day != o->rid_day || o->time != o->rid_time ||
	    o->duration != duration;
}

bool
cad_ical_alike(const struct cad_config *cfg, const struct cad_occurrence *a,
    const struct cad_occurrence *b)
{
	const char *pa = a->location != NULL && *a->location != '\0' ?
	    a->location : NULL;
	const char *pb = b->location != NULL && *b->location != '\0' ?
	    b->location : NULL;

	return a->series == b->series && a->duration == b->duration &&
	    !needs_override(a, a->duration) &&
	    !needs_override(b, b->duration) && same_location(pa, pb) &&
	    ends_by_duration(cfg->timezone, a->day, a->time, a->duration) ==
	    ends_by_duration(cfg->timezone, b->day, b->time, b->duration);
}

/*
 * The rule that generated the series' candidates, without COUNT/UNTIL:
 * the forum's rrule, or for per_term the yearly rule of its month and
 * weekday (the years that are not the term's year-th become EXDATEs).
 * false: none (a first-convenor meeting, or a rule libical refuses).
 */
static bool
series_rule(const struct cad_config *cfg, const struct cad_series *se,
    struct icalrecurrencetype *rule)
{
	static const char *const wd[] = { "MO", "TU", "WE", "TH", "FR", "SA",
	    "SU" };
	const struct cad_forum *f = &cfg->forums[se->forum];
	char buf[64];
	const char *s;

	if (se->first)
		return false;
	if (f->rrule && *f->rrule)
		s = f->rrule;
	else if (f->has_per_term && f->per_term.weekday >= 0 &&
	    f->per_term.weekday < 7) {
		snprintf(buf, sizeof buf, "FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s",
		    f->per_term.month, f->per_term.week,
		    wd[f->per_term.weekday]);
		s = buf;
	} else
		return false;
	icalerror_clear_errno();
	*rule = icalrecurrencetype_from_string(s);
	if (icalerrno != ICAL_NO_ERROR || rule->freq == ICAL_NO_RECURRENCE)
		return false;
	/* libical 3.0.16 reads out of bounds expanding YEARLY;BYWEEKNO
	   without BYDAY (found by tests/fuzz), and its BYWEEKNO sets
	   differ from RFC 5545's: such series are written as RDATEs */
	if (rule->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX)
		return false;
	rule->count = 0;
	rule->until = icaltime_null_time();
	/*
	 * FREQ=MONTHLY;BYMONTH=... (interval 1, no BYSETPOS) is the same set
	 * as FREQ=YEARLY;BYMONTH=... (RFC 5545 3.3.10: with BYMONTH a
	 * numbered BYDAY counts within the month either way), and ical.js
	 * 1.5 (Thunderbird, Nextcloud) throws on the MONTHLY form.
	 */
	if (rule->freq == ICAL_MONTHLY_RECURRENCE && rule->interval <= 1 &&
	    rule->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX &&
	    rule->by_set_pos[0] == ICAL_RECURRENCE_ARRAY_MAX)
		rule->freq = ICAL_YEARLY_RECURRENCE;
	return true;
}

static int
cmp_day_time(int d1, int t1, int d2, int t2)
{
	if (d1 != d2)
		return d1 < d2 ? -1 : 1;
	return t1 < t2 ? -1 : t1 > t2;
}

/*
 * The recurrence set of the master as RRULE (with COUNT up to the last
 * instance) + EXDATE for every rule instance the plan has not (blackout,
 * skip, a move out of the window, a party filter) + RDATE for an
 * instance the rule does not give (none in practice).  Every client
 * (Outlook, Google, ical.js) handles RRULE + EXDATE; DTSTART-plus-RDATE
 * alone trips up ical.js <= 1.5, which skips DTSTART.  v holds n
 * distinct RECURRENCE-IDs, n >= 2.  false: the rule does not start at
 * v[0] or runs too long; nothing was added.
 */
#define RULE_MAX_STEPS	20000
#define RULE_MAX_EXDATES 1000

/*
 * Whether an invitation's rule instance at day, min (past the last
 * planned occurrence) still belongs in its set: an open rule's up to
 * the last day the plan knows (its EXDATEs; later ones go as the rule
 * says), an own-bounded rule's up to its own last instance (its COUNT).
 */
static bool
rule_goes_on(const struct cad_ical_invite *inv, int day, int min)
{
	if (inv->bound == CAD_BOUND_OPEN)
		return day <= inv->known;
	if (inv->bound == CAD_BOUND_OWN)
		return cmp_day_time(day, min, inv->end_day, inv->end_time) <= 0;
	return false;
}

static bool
add_rule_set(icalcomponent *ev, const struct event_common *ec,
    struct icalrecurrencetype rule, const struct cad_occurrence **v,
    size_t n)
{
	const char *tz = ec->cfg->timezone;
	const struct cad_occurrence *last = v[n - 1];
	struct icaltimetype t, *ex = NULL;
	const struct cad_occurrence **rd = NULL;
	icalrecur_iterator *it;
	size_t i = 0, nex = 0, nrd = 0, steps = 0;
	bool ok = false;

	it = icalrecur_iterator_new(rule, cad_ical_local_time(v[0]->rid_day,
	    v[0]->rid_time));
	if (it == NULL)
		return false;
	ex = cad_xcalloc(RULE_MAX_EXDATES, sizeof *ex);
	rd = cad_xcalloc(n, sizeof *rd);
	while (i < n || ec->inv.bound != CAD_BOUND_PLAN) {
		int day, min;
		t = icalrecur_iterator_next(it);
		if (icaltime_is_null_time(t))
			break;
		day = cad_days_from_civil(t.year, t.month, t.day);
		min = t.hour * 60 + t.minute;
		if (steps == 0 && cmp_day_time(day, min, v[0]->rid_day,
		    v[0]->rid_time) != 0)
			goto out;	/* DTSTART is not the rule's first */
		if (cmp_day_time(day, min, last->rid_day, last->rid_time) > 0 &&
		    !rule_goes_on(&ec->inv, day, min))
			break;
		if (++steps > RULE_MAX_STEPS)
			goto out;
		while (i < n && cmp_day_time(v[i]->rid_day, v[i]->rid_time,
		    day, min) < 0)
			rd[nrd++] = v[i++];
		if (i < n && cmp_day_time(v[i]->rid_day, v[i]->rid_time, day,
		    min) == 0)
			i++;
		else if (ec->inv.bound != CAD_BOUND_PLAN && day > ec->inv.known)
			;	/* past what the plan knows: as the rule says */
		else if (nex == RULE_MAX_EXDATES)
			goto out;
		else
			ex[nex++] = t;
	}
	while (i < n)
		rd[nrd++] = v[i++];

	if (ec->inv.bound != CAD_BOUND_OPEN)
		rule.count = (int)steps;
	icalcomponent_add_property(ev, icalproperty_new_rrule(rule));
	for (i = 0; i < nex; i++) {
		ex[i].zone = NULL;
		ex[i].is_date = 0;
		icalcomponent_add_property(ev,
		    with_tzid(icalproperty_new_exdate(ex[i]), tz));
	}
	for (i = 0; i < nrd; i++) {
		struct icaldatetimeperiodtype dp;
		dp.time = cad_ical_local_time(rd[i]->rid_day, rd[i]->rid_time);
		dp.period = icalperiodtype_null_period();
		icalcomponent_add_property(ev,
		    with_tzid(icalproperty_new_rdate(dp), tz));
	}
	ok = true;
out:
	icalrecur_iterator_free(it);
	free(ex);
	free(rd);
	return ok;
}

/*
 * The VEVENT of one instance o as it is (its final time, status and what
 * happened to it): an override's text, or the master's when nothing did.
 */
static icalcomponent *
instance_event(const struct event_common *ec, const struct cad_occurrence *o,
    bool cancelled)
{
	icalcomponent *ev;
	char *summary, *desc;

	if (!needs_override(o, o->duration))
		return event_new(ec, o->day, o->time, o->duration,
		    ec->t->summary, ec->t->description, occ_location(ec, o),
		    false);
	summary = cancelled ? cad_asprintf("%s: %s", _("PERUTTU"),
	    ec->t->summary) :
	    cad_strdup(ec->t->summary);
	desc = override_description(ec->t, o);
	ev = event_new(ec, o->day, o->time, o->duration, summary, desc,
	    occ_location(ec, o), cancelled);
	free(summary);
	free(desc);
	return ev;
}

/*
 * A series with one instance in the window (per_term, a first-convenor
 * meeting, COUNT=1, a one-off moved for a holiday) is one plain VEVENT
 * with the instance's final time and status.  RFC 5545 § 3.8.4.4 gives
 * RECURRENCE-ID to recurring components only, and node-ical,
 * ical-expander and python3-caldav misread a non-recurring master with
 * an override (the old time shown, a cancel lost, both returned).  A
 * move is then a new DTSTART under a higher SEQUENCE, as RFC 5546 § 2.1.5
 * reschedules a single event, which every reader understands; an
 * RRULE:COUNT=1 with an override would keep the RECURRENCE-ID but trips
 * the same readers' override handling.
 */
static void
add_single(icalcomponent *cal, const struct event_common *ec,
    const struct cad_occurrence *o)
{
	icalcomponent_add_component(cal, instance_event(ec, o,
	    o->status == CAD_CANCELLED));
}

icalcomponent *
cad_ical_occurrence_event(const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_occurrence *o,
    const struct cad_series_state *state, int64_t dtstamp)
{
	struct event_common ec;
	struct cad_ical_text t;
	icalcomponent *ev;

	cad_ical_text_init(cfg, plan, o->series, &t);
	memset(&ec, 0, sizeof ec);
	ec.cfg = cfg;
	ec.se = &plan->series[o->series];
	ec.t = &t;
	ec.dtstamp = cad_ical_utc_time(dtstamp);
	if (state != NULL) {
		ec.sequence = state->sequence;
		ec.last_modified = cad_ical_utc_time(state->last_modified);
		ec.created = cad_ical_utc_time(state->created ? state->created :
		    state->last_modified);
	} else
		ec.last_modified = ec.created = ec.dtstamp;
	ev = instance_event(&ec, o, o->status == CAD_CANCELLED);
	cad_ical_text_release(&t);
	return ev;
}

/* the master and its overrides, added to cal; n > 0 */
static void
add_series(icalcomponent *cal, const struct event_common *ec,
    const struct cad_occurrence **v, size_t n)
{
	const char *tz = ec->cfg->timezone;
	const struct cad_occurrence *m = v[0];
	const struct cad_occurrence **u;
	struct icalrecurrencetype rule;
	icalcomponent *ev;
	size_t i, nu = 0;

	/* one instance per RECURRENCE-ID */
	u = cad_xcalloc(n, sizeof *u);
	for (i = 0; i < n; i++)
		if (i == 0 || cad_ical_cmp_rid(&v[i], &v[i - 1]) != 0)
			u[nu++] = v[i];
	if (nu == 1) {
		add_single(cal, ec, m);
		free(u);
		return;
	}
	ev = event_new(ec, m->rid_day, m->rid_time, m->duration,
	    ec->t->summary, ec->t->description, occ_location(ec, m), false);
	/* RRULE, or RDATEs when no rule gives the set */
	if (!(series_rule(ec->cfg, ec->se, &rule) &&
	    add_rule_set(ev, ec, rule, u, nu))) {
		for (i = 1; i < nu; i++) {
			struct icaldatetimeperiodtype dp;
			dp.time = cad_ical_local_time(u[i]->rid_day,
			    u[i]->rid_time);
			dp.period = icalperiodtype_null_period();
			icalcomponent_add_property(ev,
			    with_tzid(icalproperty_new_rdate(dp), tz));
		}
	}
	free(u);
	icalcomponent_add_component(cal, ev);

	for (i = 0; i < n; i++) {
		const struct cad_occurrence *o = v[i];

		if (i > 0 && cad_ical_cmp_rid(&v[i], &v[i - 1]) == 0)
			continue;
		/* an instance elsewhere than the master (a rotation) is
		   an override too */
		if (!needs_override(o, m->duration) && same_location(
		    occ_location(ec, o), occ_location(ec, m)))
			continue;
		ev = instance_event(ec, o, o->status == CAD_CANCELLED);
		icalcomponent_add_property(ev, with_tzid(
		    icalproperty_new_recurrenceid(
		    cad_ical_local_time(o->rid_day, o->rid_time)), tz));
		icalcomponent_add_component(cal, ev);
	}
}

icalcomponent *
cad_ical_series_cal(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_occurrence **v, size_t n,
    const struct cad_series_state *state, bool invitation)
{
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	struct cad_ical_text t;
	struct event_common ec;

	cad_ical_text_init(cfg, plan, s, &t);
	memset(&ec, 0, sizeof ec);
	ec.cfg = cfg;
	ec.se = &plan->series[s];
	ec.t = &t;
	ec.dtstamp = cad_ical_utc_time(0);
	if (state != NULL) {
		ec.sequence = state->sequence;
		ec.last_modified = cad_ical_utc_time(state->last_modified);
		ec.created = cad_ical_utc_time(state->created ?
		    state->created : state->last_modified);
	} else
		ec.last_modified = ec.created = ec.dtstamp;
	if (invitation)
		cad_ical_invite_bound(cfg, ctx, ec.se, &ec.inv);
	if (n > 0)
		add_series(cal, &ec, v, n);
	cad_ical_text_release(&t);
	return cal;
}
