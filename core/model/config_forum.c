/*
 * config_forum.c - the forums of cadenced.conf (SPEC § 3, § 10.1, § 10.2):
 * who convenes and attends, when (rrule or per_term, extra dates), where
 * (a place, the member's place or a rotation) and which rules move or
 * drop a meeting.
 */
#include "model/config_load.h"
#include "model/tz.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const weekday_code[] = { "MO", "TU", "WE", "TH", "FR",
	"SA", "SU" };

static const char *
rrule_problem(const char *rule)
{
	struct icalrecurrencetype r;
	const char *why = NULL;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (icalerrno != ICAL_NO_ERROR) {
		why = _("ei ole RFC 5545 -toistosääntö");
		goto out;
	}
	switch (r.freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE:
		break;
	case ICAL_NO_RECURRENCE:
		why = _("FREQ puuttuu");
		goto out;
	default:
		why = _("FREQ pitää olla DAILY, WEEKLY, MONTHLY tai YEARLY "
		    "(kokoukset suunnitellaan päivinä)");
		goto out;
	}
	for (int i = 0; i < ICAL_BY_MONTH_SIZE &&
	    r.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		if (r.by_month[i] < 1 || r.by_month[i] > 12) {
			why = _("BYMONTH pitää olla 1-12");
			goto out;
		}
	}
	if (r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX) {
		why = _("BYHOUR-, BYMINUTE- ja BYSECOND-osia ei tueta "
		    "(käytä avainta 'time')");
		goto out;
	}
	/* RFC 5545 3.3.10: a numbered BYDAY only with MONTHLY or YEARLY,
	   within the month or the year; libical takes seconds to refuse
	   large numbers (found by tests/fuzz) */
	bool in_month = r.freq == ICAL_MONTHLY_RECURRENCE ||
	    r.by_month[0] != ICAL_RECURRENCE_ARRAY_MAX;
	for (int i = 0; i < ICAL_BY_DAY_SIZE &&
	    r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		int pos = icalrecurrencetype_day_position(r.by_day[i]);
		if (pos == 0)
			continue;
		if (r.freq != ICAL_MONTHLY_RECURRENCE &&
		    r.freq != ICAL_YEARLY_RECURRENCE) {
			why = _("numeroitu BYDAY (kuten 2TU) vaatii "
			    "FREQ=MONTHLY tai FREQ=YEARLY");
			goto out;
		}
		if (in_month ? pos < -5 || pos > 5 : pos < -53 || pos > 53) {
			why = in_month ? _("BYDAY-numerot kuukauden sisällä "
			    "ovat -5..5") : _("BYDAY-numerot vuoden sisällä "
			    "ovat -53..53");
			goto out;
		}
	}
	/* libical refuses some rules only when asked to expand them */
	struct icaltimetype start = icaltime_from_string("20260101T090000");
	icalrecur_iterator *it = icalrecur_iterator_new(r, start);
	if (it == NULL)
		why = _("libical ei osaa laskea sen päiviä");
	else
		icalrecur_iterator_free(it);
out:
	if (r.rscale != NULL)
		icalmemory_free_buffer(r.rscale);
	icalerror_clear_errno();
	return why;
}

static int
weekday_of_code(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strcmp(s, weekday_code[i]) == 0)
			return i;
	return -1;
}

static void
load_per_term(struct ld *ld, config_setting_t *s, const char *fctx,
    struct cad_forum *f)
{
	static const char *const keys[] = { "year", "month", "weekday",
		"week", NULL };
	char ctx[CTX_MAX + 16];
	config_setting_t *x;
	long long v;

	snprintf(ctx, sizeof ctx, "%sper_term: ", fctx);
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, _("%s'per_term' pitää olla ryhmä { year = ...; "
		    "month = ...; weekday = ...; week = ...; }"), fctx);
		return;
	}
	ld_check_keys(ld, s, ctx, keys);
	f->has_per_term = true;
	if (ld_int(ld, s, "year", ctx, true, &v, &x)) {
		if (v < 1 || v > 100)
			ld_err(ld, x, _("%s'year' pitää olla 1 tai enemmän (1 "
			    "= valtuustokauden ensimmäinen vuosi)"), ctx);
		else
			f->per_term.year = (int)v;
	}
	if (ld_int(ld, s, "month", ctx, true, &v, &x)) {
		if (v < 1 || v > 12)
			ld_err(ld, x, _("%s'month' pitää olla väliltä 1-12"),
			    ctx);
		else
			f->per_term.month = (int)v;
	}
	const char *wd = ld_str(ld, s, "weekday", ctx, true, &x);
	if (wd != NULL) {
		f->per_term.weekday = weekday_of_code(wd);
		if (f->per_term.weekday < 0)
			ld_err(ld, x, _("%sweekday '%s' pitää olla jokin "
			    "näistä: MO, TU, WE, TH, FR, SA, SU"), ctx, wd);
	}
	if (ld_int(ld, s, "week", ctx, true, &v, &x)) {
		if ((v < 1 || v > 5) && v != -1)
			ld_err(ld, x, _("%s'week' pitää olla 1-5 tai -1 "
			    "(viimeinen)"), ctx);
		else
			f->per_term.week = (int)v;
	}
}

void
ld_forum_release(struct cad_forum *f)
{
	free(f->id);
	free(f->name);
	free(f->legal_basis);
	free(f->location);
	ld_str_list_free(f->location_rotation, f->nlocation_rotation);
	free(f->description);
	free(f->co_convenors);
	free(f->participants);
	free(f->for_each);
	ld_str_list_free(f->invite_roles, f->ninvite_roles);
	free(f->extra);
	free(f->rrule);
	ld_blackouts_free(f->blackouts, f->nblackouts);
	memset(f, 0, sizeof *f);
}

/* a for_each that names a group cannot take a key meaning "the party" */
static void
need_party_members(struct ld *ld, const struct cad_forum *f,
    config_setting_t *x, const char *ctx, const char *what)
{
	for (size_t i = 0; i < f->nfor_each; i++)
		if (f->for_each[i].group >= 0)
			ld_err(ld, x, _("%s%s = \"member\" ei käy, kun "
			    "'for_each' sisältää ryhmän '%s' (ryhmä ei ole "
			    "yksi osapuoli)"), ctx, what,
			    ld->cfg->groups[f->for_each[i].group].id);
}

/* convenor: a party id, or "member" with for_each */
static void
load_convenor(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f, bool has_for_each)
{
	config_setting_t *x;
	const char *c = ld_str(ld, e, "convenor", ctx, true, &x);
	if (c == NULL) {	/* missing or not a string: said once above */
		f->convenor = -1;
		return;
	}
	if (strcmp(c, "member") != 0) {
		ld_party(ld, e, "convenor", ctx, true, &f->convenor);
		return;
	}
	f->convenor_member = true;
	if (!has_for_each)
		ld_err(ld, x, _("%sconvenor = \"member\" vaatii avaimen "
		    "'for_each' (kukin jäsen kutsuu koolle oman sarjansa)"),
		    ctx);
	need_party_members(ld, f, x, ctx, "convenor");
}

/* first_convenor and first_scope */
static void
load_first(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f, bool has_for_each)
{
	config_setting_t *fc = config_setting_get_member(e, "first_convenor");
	config_setting_t *x;
	ld_party(ld, e, "first_convenor", ctx, false, &f->first_convenor);
	if (has_for_each && fc != NULL)
		ld_err(ld, fc, _("%s'first_convenor' ei käy yhdessä avaimen "
		    "'for_each' kanssa"), ctx);
	const char *scope = ld_str(ld, e, "first_scope", ctx, false, &x);
	if (scope == NULL)
		return;
	if (strcmp(scope, "term") == 0)
		f->first_scope = CAD_FIRST_TERM;
	else if (strcmp(scope, "series") != 0)
		ld_err(ld, x, _("%sfirst_scope '%s' pitää olla series tai "
		    "term"), ctx, scope);
	if (fc == NULL)
		ld_err(ld, x, _("%s'first_scope' vaatii avaimen "
		    "'first_convenor'"), ctx);
	else if (f->first_scope == CAD_FIRST_TERM && ld->cfg->nterms == 0)
		ld_err(ld, x, _("%sfirst_scope 'term' vaatii avaimen "
		    "'council_terms'"), ctx);
}

/* who: convenors, participants, for_each, invitations */
static void
load_forum_who(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	config_setting_t *x, *fe;

	ld_party_or_group_list(ld, e, "participants", ctx, &f->participants,
	    &f->nparticipants, &x);
	ld_unit_list(ld, e, "for_each", ctx, &f->for_each, &f->nfor_each,
	    &fe);
	if (fe != NULL && ld_is_seq(fe) && config_setting_length(fe) == 0)
		ld_err(ld, fe, _("%s'for_each' on tyhjä"), ctx);
	load_convenor(ld, e, ctx, f, fe != NULL);
	ld_party_or_group_list(ld, e, "co_convenors", ctx, &f->co_convenors,
	    &f->nco_convenors, &x);
	load_first(ld, e, ctx, f, fe != NULL);
	ld_bool(ld, e, "spread", ctx, &f->spread);
	if (f->spread && fe == NULL)
		ld_err(ld, ld_member(ld, e, "spread", ctx, false),
		    _("%s'spread' vaatii avaimen 'for_each'"), ctx);

	f->invite = ld->cfg->invite;
	const char *inv = ld_str(ld, e, "invite", ctx, false, &x);
	if (inv != NULL && strcmp(inv, "participants") == 0)
		f->invite = CAD_INVITE_PARTICIPANTS;
	else if (inv != NULL && strcmp(inv, "convenors") == 0)
		f->invite = CAD_INVITE_CONVENORS;
	else if (inv != NULL)
		ld_err(ld, x, _("%sinvite '%s' pitää olla convenors tai "
		    "participants"), ctx, inv);
	ld_role_list(ld, e, "invite_roles", ctx, &f->invite_roles,
	    &f->ninvite_roles);
	f->party_blackouts = true;
	ld_bool(ld, e, "party_blackouts", ctx, &f->party_blackouts);
}

/* where: a place, "member" (the party's location) or a rotation */
static void
load_forum_where(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	config_setting_t *x;
	const char *loc = ld_str(ld, e, "location", ctx, false, &x);
	config_setting_t *rot = config_setting_get_member(e,
	    "location_rotation");

	if (loc != NULL && rot != NULL)
		ld_err(ld, rot, _("%sanna joko 'location' tai "
		    "'location_rotation', ei molempia"), ctx);
	if (loc != NULL && strcmp(loc, "member") == 0) {
		f->location_member = true;
		if (f->nfor_each == 0)
			ld_err(ld, x, _("%slocation = \"member\" vaatii "
			    "avaimen 'for_each'"), ctx);
		need_party_members(ld, f, x, ctx, "location");
		for (size_t i = 0; i < f->nfor_each; i++) {
			int p = f->for_each[i].party;
			if (p >= 0 && ld->cfg->parties[p].location == NULL)
				ld_err(ld, x, _("%slocation = \"member\": "
				    "osapuolella '%s' ei ole avainta "
				    "'location'"), ctx,
				    ld->cfg->parties[p].id);
		}
	} else {
		f->location = cad_strdup(loc);
	}
	ld_str_list(ld, e, "location_rotation", ctx, &f->location_rotation,
	    &f->nlocation_rotation);
	if (rot != NULL && ld_is_seq(rot) && config_setting_length(rot) == 0)
		ld_err(ld, rot, _("%s'location_rotation' on tyhjä"), ctx);
}

static int
extra_cmp(const void *a, const void *b)
{
	const struct cad_extra *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* extra = ( { date = "YYYY-MM-DD"; time = "HH:MM"; }, ... ) */
static void
load_extra(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	static const char *const keys[] = { "date", "time", NULL };
	static const char *const want = N_("'extra' pitää olla luettelo "
	    "ryhmiä { date = \"YYYY-MM-DD\"; time = \"HH:MM\"; }");
	config_setting_t *s = ld_member(ld, e, "extra", ctx, false);
	char xctx[CTX_MAX + 16];
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, "%s%s", ctx, _(want));
		return;
	}
	int n = config_setting_length(s);
	f->extra = cad_xcalloc((size_t)n + 1, sizeof *f->extra);
	snprintf(xctx, sizeof xctx, "%sextra: ", ctx);
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(s, (unsigned)i);
		config_setting_t *ts;
		struct cad_extra x = { .time = f->time };
		if (!config_setting_is_group(g)) {
			ld_err(ld, g, "%s%s", ctx, _(want));
			continue;
		}
		ld_check_keys(ld, g, xctx, keys);
		bool ok = ld_date(ld, g, "date", xctx, true, &x.day);
		const char *t = ld_str(ld, g, "time", xctx, false, &ts);
		if (t != NULL && cad_parse_time(t, &x.time) < 0) {
			ld_err(ld, ts, _("%stime '%s' ei ole muotoa HH:MM"),
			    xctx, t);
			ok = false;
		}
		for (size_t j = 0; ok && j < f->nextra; j++)
			if (extra_cmp(&f->extra[j], &x) == 0) {
				ld_err(ld, g, _("%ssama päivä ja kellonaika on "
				    "luettelossa kahdesti"), xctx);
				ok = false;
			}
		if (ok)
			f->extra[f->nextra++] = x;
	}
	qsort(f->extra, f->nextra, sizeof *f->extra, extra_cmp);
}

/* per_year = [ min, max ] */
static void
load_per_year(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	config_setting_t *s = ld_member(ld, e, "per_year", ctx, false);
	long long v[2];
	if (s == NULL)
		return;
	if (!ld_is_seq(s) || config_setting_length(s) != 2) {
		ld_err(ld, s, _("%s'per_year' pitää olla [ min, max ]"), ctx);
		return;
	}
	for (unsigned i = 0; i < 2; i++) {
		config_setting_t *x = config_setting_get_elem(s, i);
		if (!ld_is_int(x) || (v[i] = config_setting_get_int64(x)) < 0 ||
		    v[i] > 366) {
			ld_err(ld, s, _("%s'per_year': arvojen pitää olla "
			    "kokonaislukuja 0-366"), ctx);
			return;
		}
	}
	if (v[0] > v[1]) {
		ld_err(ld, s, _("%sper_year: min %lld on suurempi kuin max "
		    "%lld"), ctx, v[0], v[1]);
		return;
	}
	f->has_per_year = true;
	f->per_year_min = (int)v[0];
	f->per_year_max = (int)v[1];
}

/* the rule: rrule or per_term */
static void
load_forum_rule(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	config_setting_t *x;
	const char *rrule = ld_str(ld, e, "rrule", ctx, false, &x);
	config_setting_t *ps = config_setting_get_member(e, "per_term");
	if (x != NULL && ps != NULL) {
		ld_err(ld, ps, _("%sanna joko 'rrule' tai 'per_term', ei "
		    "molempia"), ctx);
	} else if (x == NULL && ps == NULL) {
		ld_err(ld, e, _("%s'rrule' tai 'per_term' puuttuu"), ctx);
	}
	if (rrule != NULL) {
		const char *why = rrule_problem(rrule);
		if (why != NULL)
			ld_err(ld, x, _("%svirheellinen rrule '%s': %s"), ctx,
			    rrule, why);
		f->rrule = cad_strdup(rrule);
	}
	if (ps != NULL) {
		load_per_term(ld, ps, ctx, f);
		if (ld->cfg->nterms == 0)
			ld_err(ld, ps, _("%s'per_term' vaatii avaimen "
			    "'council_terms'"), ctx);
	}
}

/*
 * A forum's time of day that a DST change skips or repeats (03:30 in
 * Europe/Helsinki on the last Sunday of March or October): readers
 * disagree by an hour on such a meeting (SPEC § 10.6), so it is refused.
 */
static void
check_dst_time(struct ld *ld, const config_setting_t *x, const char *ctx,
    const char *t, int minutes)
{
	const char *tz = ld->cfg->timezone;
	enum cad_tz_local k;
	char when[32];
	int day = 0, y, m, d;

	if (tz == NULL || *tz == '\0')
		return;
	k = cad_tz_time_kind(tz, minutes, &day);
	if (k == CAD_TZ_LOCAL_OK)
		return;
	cad_civil_from_days(day, &y, &m, &d);
	snprintf(when, sizeof when, "%d.%d.%d", d, m, y);
	if (k == CAD_TZ_LOCAL_SKIPPED)
		/* TRANSLATORS: the time, the time zone and a date */
		ld_err(ld, x, _("%stime '%s' ei ole olemassa aikavyöhykkeellä "
		    "%s päivinä, joina kelloja siirretään eteenpäin (esim. "
		    "%s); valitse toinen aika"), ctx, t, tz, when);
	else
		ld_err(ld, x, _("%stime '%s' toistuu kahdesti "
		    "aikavyöhykkeellä %s päivinä, joina kelloja siirretään "
		    "taaksepäin (esim. %s); valitse toinen aika"), ctx, t, tz,
		    when);
}

/* when: start, time, duration, holidays, minimum, per_year, extra */
static void
load_forum_when(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_forum *f)
{
	static const char *const holiday_names[] = { "next", "previous",
		"skip", "keep", NULL };
	config_setting_t *x;
	long long v;

	load_forum_rule(ld, e, ctx, f);
	ld_date(ld, e, "start", ctx, false, &f->start);
	const char *t = ld_str(ld, e, "time", ctx, true, &x);
	if (t != NULL && cad_parse_time(t, &f->time) < 0)
		ld_err(ld, x, _("%stime '%s' ei ole muotoa HH:MM"), ctx, t);
	else if (t != NULL)
		check_dst_time(ld, x, ctx, t, f->time);
	if (ld_int(ld, e, "duration", ctx, true, &v, &x)) {
		if (v < 1)
			ld_err(ld, x, _("%sduration pitää olla positiivinen "
			    "määrä minuutteja"), ctx);
		else if (v > 1440)
			ld_err(ld, x, _("%sduration saa olla enintään 1440 "
			    "minuuttia (vuorokausi)"), ctx);
		else
			f->duration = (int)v;
	}
	const char *oh = ld_str(ld, e, "on_holiday", ctx, false, &x);
	if (oh != NULL) {
		int i;
		for (i = 0; holiday_names[i] != NULL; i++)
			if (strcmp(oh, holiday_names[i]) == 0)
				break;
		if (holiday_names[i] == NULL)
			ld_err(ld, x, _("%son_holiday '%s' pitää olla next, "
			    "previous, skip tai keep"), ctx, oh);
		else
			f->on_holiday = (enum cad_on_holiday)i;
	}
	const char *min = ld_str(ld, e, "minimum", ctx, false, &x);
	if (min != NULL && strcmp(min, "year") == 0)
		f->minimum = CAD_MINIMUM_YEAR;
	else if (min != NULL && strcmp(min, "term") == 0)
		f->minimum = CAD_MINIMUM_TERM;
	else if (min != NULL)
		ld_err(ld, x, _("%sminimum '%s' pitää olla year tai term"),
		    ctx, min);
	if (f->minimum == CAD_MINIMUM_TERM && ld->cfg->nterms == 0)
		ld_err(ld, x, _("%sminimum 'term' vaatii avaimen "
		    "'council_terms'"), ctx);
	load_per_year(ld, e, ctx, f);
	load_extra(ld, e, ctx, f);
	ld_blackouts(ld, e, ctx, &f->blackouts, &f->nblackouts);
}

static void
load_forum(struct ld *ld, config_setting_t *e)
{
	static const char *const keys[] = { "id", "name", "legal_basis",
		"location", "location_rotation", "description", "convenor",
		"co_convenors", "first_convenor", "first_scope",
		"participants", "for_each", "spread", "invite",
		"invite_roles", "rrule", "per_term", "start", "time",
		"duration", "on_holiday", "minimum", "per_year", "extra",
		"blackouts", "party_blackouts", NULL };
	struct cad_config *cfg = ld->cfg;
	struct cad_forum *f = &cfg->forums[cfg->nforums];
	config_setting_t *is;
	char ctx[CTX_MAX];

	memset(f, 0, sizeof *f);
	f->first_convenor = -1;
	f->convenor = -1;
	f->start = CAD_NODAY;
	f->line = config_setting_source_line(e);

	const char *id = ld_id(ld, e, C_("config", "foorumi"), keys,
	    ctx, &is);
	bool ok = id != NULL;
	if (id != NULL && cad_config_forum(cfg, id) >= 0) {
		ld_err(ld, is, _("foorumin tunniste '%s' on jo käytössä"), id);
		ok = false;
	}
	f->id = cad_strdup(id);
	const char *name = ld_str(ld, e, "name", ctx, true, NULL);
	f->name = cad_strdup(name != NULL ? name : "");
	f->legal_basis = cad_strdup(ld_str(ld, e, "legal_basis", ctx, false,
	    NULL));
	f->description = cad_strdup(ld_str(ld, e, "description", ctx, false,
	    NULL));
	load_forum_who(ld, e, ctx, f);
	load_forum_when(ld, e, ctx, f);
	load_forum_where(ld, e, ctx, f);
	if (ok)
		cfg->nforums++;
	else
		ld_forum_release(f);
}

void
ld_load_forums(struct ld *ld, const config_setting_t *root)
{
	static const char *const want = "{ id = ...; name = ...; }";
	config_setting_t *s;
	int n = ld_list(ld, root, "forums", true, want, &s);
	ld->cfg->forums = cad_xcalloc((size_t)n + 1, sizeof *ld->cfg->forums);
	ld_each(ld, s, "forums", want, load_forum);
}
