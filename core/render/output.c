/*
 * output.c - formats shared by cadencectl and the daemon: RFC 3339 with
 * the zone's offset, Finnish dates, and the JSON shapes of the SPEC.
 */
#include "render/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "base/lang.h"
#include "model/calendar.h"
#include "model/deadline.h"


static void
format_rfc3339(int day, int minutes, int off, char out[static 32])
{
	char date[11];
	cad_format_date(day, date);
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(out, 32, "%.10sT%02d:%02d:00%c%02d:%02d", date,
	    (minutes / 60) % 100, minutes % 60, sign, (off / 3600) % 100,
	    off / 60 % 60);
}

void
cad_format_rfc3339(const char *tzid, int day, int minutes, char out[static 32])
{
	int off = 0;
	(void)cad_tz_offset(tzid, day, minutes, &off);
	format_rfc3339(day, minutes, off, out);
}

void
cad_format_rfc3339_end(const char *tzid, int day, int minutes, int duration,
    char out[static 32])
{
	int eday, emin, off;
	(void)cad_tz_end(tzid, day, minutes, duration, &eday, &emin, &off);
	format_rfc3339(eday, emin, off, out);
}

/*
 * Human dates and times in the thread's language (base/lang.h): Finnish
 * "ti 10.2.2026 klo 9.00", Swedish "ti 10.2.2026 kl. 9.00", English
 * "Tue 10 Feb 2026 9:00".  The orders and words come from the catalogue.
 */
void
cad_format_fi_date(int day, char out[static 24])
{
	int y, m, d;
	cad_civil_from_days(day, &y, &m, &d);
	/* TRANSLATORS: weekday abbreviation, day, month (the translation of
	   "month in a date"), year: "ti 10.2.2026" */
	snprintf(out, 24, C_("date", "%1$s %2$d.%3$s.%4$d"),
	    cad_weekday_name(cad_weekday(day)), d % 100, cad_month_in_date(m),
	    y % 100000);
}

void
cad_format_time(int minutes, char out[static 8])
{
	unsigned h = (unsigned)minutes / 60 % 24, mi = (unsigned)minutes % 60;
	/* TRANSLATORS: a time of day, hours without a leading zero: "9.00" */
	snprintf(out, 8, C_("time of day", "%1$u.%2$02u"), h, mi);
}

void
cad_format_fi(int day, int minutes, char out[static 32])
{
	char date[24], time[8];
	cad_format_fi_date(day, date);
	cad_format_time(minutes, time);
	/* TRANSLATORS: a date and a time (as above): "ti 10.2.2026 klo
	   9.00" */
	snprintf(out, 32, C_("date and time", "%1$s klo %2$s"), date, time);
}

bool
cad_occurrence_matches(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_occurrence *o, int forum, int party)
{
	if (forum >= 0 && plan->series[o->series].forum != forum)
		return false;
	if (party >= 0 && !cad_plan_involves(cfg, ctx, plan, o, party))
		return false;
	return true;
}

int
cad_json_occurrence(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_occurrence *o)
{
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &cfg->forums[s->forum];
	char rid[32], start[32], end[32], from[32];

	cad_format_rfc3339(cfg->timezone, o->rid_day, o->rid_time, rid);
	cad_format_rfc3339(cfg->timezone, o->day, o->time, start);
	cad_format_rfc3339_end(cfg->timezone, o->day, o->time, o->duration,
	    end);
	cad_buf_puts(b, "{\"uid\": ");
	cad_buf_json_str(b, s->uid);
	cad_buf_puts(b, ", \"recurrence_id\": ");
	cad_buf_json_str(b, rid);
	cad_buf_puts(b, ", \"forum\": ");
	cad_buf_json_str(b, f->id);
	cad_buf_puts(b, ", \"party\": ");
	cad_buf_json_str(b, s->party >= 0 ? cfg->parties[s->party].id :
	    NULL);
	cad_buf_puts(b, ", \"group\": ");
	cad_buf_json_str(b, s->group >= 0 ? cfg->groups[s->group].id :
	    NULL);
	cad_buf_puts(b, ", \"summary\": ");
	char *sum = cad_series_name(cfg, s);
	cad_buf_json_str(b, sum);
	free(sum);
	cad_buf_puts(b, ", \"start\": ");
	cad_buf_json_str(b, start);
	cad_buf_puts(b, ", \"end\": ");
	cad_buf_json_str(b, end);
	cad_buf_puts(b, ", \"status\": ");
	cad_buf_json_str(b, o->status == CAD_CANCELLED ? "CANCELLED" :
	    "CONFIRMED");
	cad_buf_puts(b, ", \"moved_from\": ");
	if (o->moved != CAD_MOVED_NONE) {
		cad_format_rfc3339(cfg->timezone, o->rid_day, o->rid_time,
		    from);
		cad_buf_json_str(b, from);
	} else
		cad_buf_puts(b, "null");
	cad_buf_puts(b, ", \"moved\": ");
	cad_buf_json_str(b, cad_moved_code(o->moved));
	cad_buf_puts(b, ", \"location\": ");
	cad_buf_json_str(b, o->location != NULL ?
	    cad_tr(cfg, o->location) : NULL);
	cad_buf_puts(b, ", \"convenor\": ");
	cad_buf_json_str(b, s->convenor >= 0 ?
	    cfg->parties[s->convenor].id : NULL);
	cad_buf_puts(b, "}");
	return cad_buf_error(b);
}

int
cad_json_occurrences(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, int forum,
    int party)
{
	cad_buf_puts(b, "[");
	bool first = true;
	for (size_t i = 0; i < plan->nocc && cad_buf_error(b) == 0; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (!cad_occurrence_matches(cfg, ctx, plan, o, forum, party))
			continue;
		cad_buf_puts(b, first ? "\n  " : ",\n  ");
		cad_json_occurrence(b, cfg, plan, o);
		first = false;
	}
	cad_buf_puts(b, first ? "]\n" : "\n]\n");
	return cad_buf_error(b);
}

static void
json_party_ids(struct cad_buf *b, const struct cad_config *cfg,
    const int *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			cad_buf_puts(b, ", ");
		cad_buf_json_str(b, cfg->parties[v[i]].id);
	}
	cad_buf_puts(b, "]");
}

static void
json_unit_ids(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_unit *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			cad_buf_puts(b, ", ");
		cad_buf_json_str(b, cad_config_unit_id(cfg, &v[i]));
	}
	cad_buf_puts(b, "]");
}

int
cad_json_forums(struct cad_buf *b, const struct cad_config *cfg)
{
	static const char *minimum[] = { NULL, "year", "term" };
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < cfg->nforums; i++) {
		const struct cad_forum *f = &cfg->forums[i];
		char *cadence = cad_config_cadence(cfg, f);
		cad_buf_puts(b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		cad_buf_json_str(b, f->id);
		cad_buf_puts(b, ", \"name\": ");
		cad_buf_json_str(b, f->name);
		cad_buf_puts(b, ", \"convenor\": ");
		cad_buf_json_str(b, cad_forum_convenor_id(cfg, f));
		cad_buf_puts(b, ", \"participants\": ");
		json_party_ids(b, cfg, f->participants,
		    f->nparticipants);
		cad_buf_puts(b, ", \"for_each\": ");
		json_unit_ids(b, cfg, f->for_each, f->nfor_each);
		cad_buf_puts(b, ", \"cadence\": ");
		cad_buf_json_str(b, cadence);
		cad_buf_puts(b, ", \"legal_basis\": ");
		cad_buf_json_str(b, f->legal_basis);
		cad_buf_puts(b, ", \"minimum\": ");
		cad_buf_json_str(b, minimum[f->minimum]);
		cad_buf_puts(b, "}");
		free(cadence);
	}
	cad_buf_puts(b, cfg->nforums ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}

int
cad_json_holidays(struct cad_buf *b, const struct cad_config *cfg, int year)
{
	struct cad_holiday h[64];
	int n = cad_calendar_holidays(cfg, year, h, 64);
	cad_buf_puts(b, "[");
	for (int i = 0; i < n; i++) {
		char date[11];
		cad_format_date(h[i].day, date);
		cad_buf_printf(b, "%s{\"date\": \"%s\", \"name\": ",
		    i ? ",\n  " : "\n  ", date);
		cad_buf_json_str(b, _(h[i].name));
		cad_buf_puts(b, "}");
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}

/* an overdue task or a passed agreement deadline */
static char *
obligation_message(const struct cad_config *cfg,
    const struct cad_compliance *w)
{
	const struct cad_agreement *a = &cfg->agreement;
	char due[24], eff[11];

	cad_format_fi_date(w->from, due);
	if (w->kind == CAD_COMPLIANCE_OVERDUE) {
		const struct cad_task *t = &cfg->tasks[w->task];
		const struct cad_party *p = &cfg->parties[w->party];
		char *basis = t->legal_basis ? cad_asprintf(" (%s)",
		    cad_tr(cfg, t->legal_basis)) : cad_strdup("");
		/* TRANSLATORS: task, party, due day, " (law)" or "" */
		char *m = cad_asprintf(_("%1$s: %2$s: myöhässä, määräpäivä oli "
		    "%3$s eikä tehtävää ole kirjattu tehdyksi%4$s"),
		    cad_tr(cfg, t->name), p->name && *p->name ?
		    cad_tr(cfg, p->name) : p->id, due, basis);
		free(basis);
		return m;
	}
	cad_format_date(a->effective, eff);
	if (w->deadline == CAD_DEADLINE_RENEWAL)
		/* TRANSLATORS: the deadline, the agreement's effective day */
		return cad_asprintf(_("Uusi sopimus valtuustokauden alettua: "
		    "määräaika %1$s on ohitettu, eikä uutta sopimusta ole "
		    "kirjattu (agreement.effective on yhä %2$s)"), due, eff);
	/* TRANSLATORS: the deadline, the agreement's effective day */
	return cad_asprintf(_("Sopimuksen tarkistus: määräaika %1$s on "
	    "ohitettu, eikä tarkistettua sopimusta ole kirjattu "
	    "(agreement.effective on yhä %2$s, eikä myöhempää "
	    "review_by-päivää ole)"), due, eff);
}

/* a year outside the forum's per_year range; who is ": party" or "" */
static char *
per_year_message(const struct cad_config *cfg, const struct cad_forum *f,
    const struct cad_compliance *w, const char *who)
{
	char range[32];
	char *basis = f->legal_basis ? cad_asprintf(" (%s)", cad_tr(cfg,
	    f->legal_basis)) : cad_strdup("");

	if (f->per_year_min == f->per_year_max)
		snprintf(range, sizeof range, "%d", f->per_year_min);
	else
		snprintf(range, sizeof range, "%d–%d", f->per_year_min,
		    f->per_year_max);
	/* TRANSLATORS: forum, ": party" or "", year, the year's count, the
	   range such as "3–4", " (law)" or "" */
	char *m = cad_asprintf(_("%1$s%2$s: vahvistettuja kokouksia vuonna "
	    "%3$d: %4$d, sopimuksen mukaan %5$s vuodessa%6$s"),
	    cad_tr(cfg, f->name), who, cad_year_of(w->from), w->count, range,
	    basis);
	free(basis);
	return m;
}

char *
cad_compliance_message(const struct cad_config *cfg,
    const struct cad_compliance *w)
{
	if (w->kind == CAD_COMPLIANCE_OVERDUE ||
	    w->kind == CAD_COMPLIANCE_PASSED)
		return obligation_message(cfg, w);
	const struct cad_forum *f = &cfg->forums[w->forum];
	char from[24], to[24];
	cad_format_fi_date(w->from, from);
	cad_format_fi_date(w->to, to);
	/* the dates without their weekdays */
	const char *from_d = strchr(from, ' ') ? strchr(from, ' ') + 1 : from;
	const char *to_d = strchr(to, ' ') ? strchr(to, ' ') + 1 : to;
	char *who = w->party >= 0 ? cad_asprintf(": %s", cad_tr(cfg,
	    cfg->parties[w->party].name)) : cad_strdup("");
	char *basis = f->legal_basis ? cad_asprintf(", %s", cad_tr(cfg,
	    f->legal_basis)) : cad_strdup("");
	char *m;
	if (w->kind == CAD_COMPLIANCE_PER_YEAR)
		m = per_year_message(cfg, f, w, who);
	else if (w->kind == CAD_COMPLIANCE_YEAR)
		/* TRANSLATORS: forum, ": party" or "", year, ", law" or "" */
		m = cad_asprintf(_("%1$s%2$s: ei vahvistettua kokousta vuonna "
		    "%3$d (vähintään kerran vuodessa%4$s)"), cad_tr(cfg,
		    f->name), who, cad_year_of(w->from), basis);
	else
		/* TRANSLATORS: forum, ": party" or "", first and last day
		   of the council term, ", law" or "" */
		m = cad_asprintf(_("%1$s%2$s: ei vahvistettua kokousta "
		    "valtuustokaudella %3$s – %4$s (vähintään kerran "
		    "kaudessa%5$s)"), cad_tr(cfg, f->name), who, from_d, to_d,
		    basis);
	free(who);
	free(basis);
	return m;
}

const char *
cad_compliance_kind_name(enum cad_compliance_kind k)
{
	switch (k) {
	case CAD_COMPLIANCE_YEAR: return "year";
	case CAD_COMPLIANCE_TERM: return "term";
	case CAD_COMPLIANCE_OVERDUE: return "overdue";
	case CAD_COMPLIANCE_PASSED: return "passed";
	case CAD_COMPLIANCE_PER_YEAR: return "per_year";
	}
	return "?";
}

int
cad_json_compliance(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_compliance *w, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char from[11], to[11];
		char *msg = cad_compliance_message(cfg, &w[i]);
		cad_format_date(w[i].from, from);
		cad_format_date(w[i].to, to);
		cad_buf_puts(b, i ? ",\n  {\"forum\": " :
		    "\n  {\"forum\": ");
		cad_buf_json_str(b, w[i].forum >= 0 ?
		    cfg->forums[w[i].forum].id : NULL);
		cad_buf_puts(b, ", \"party\": ");
		cad_buf_json_str(b, w[i].party >= 0 ?
		    cfg->parties[w[i].party].id : NULL);
		cad_buf_printf(b, ", \"kind\": \"%s\", \"from\": \"%s\", "
		    "\"to\": \"%s\", ", cad_compliance_kind_name(w[i].kind),
		    from, to);
		if (w[i].kind == CAD_COMPLIANCE_OVERDUE) {
			cad_buf_puts(b, "\"task\": ");
			cad_buf_json_str(b, cfg->tasks[w[i].task].id);
			cad_buf_puts(b, ", ");
		} else if (w[i].kind == CAD_COMPLIANCE_PASSED) {
			cad_buf_printf(b, "\"deadline\": \"%s\", ",
			    cad_deadline_kind_name(w[i].deadline));
		} else if (w[i].kind == CAD_COMPLIANCE_PER_YEAR) {
			const struct cad_forum *f = &cfg->forums[w[i].forum];
			cad_buf_printf(b, "\"count\": %d, \"min\": %d, "
			    "\"max\": %d, ", w[i].count, f->per_year_min,
			    f->per_year_max);
		}
		cad_buf_puts(b, "\"message\": ");
		cad_buf_json_str(b, msg);
		cad_buf_puts(b, "}");
		free(msg);
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}

char *
cad_moved_text(enum cad_moved m, const char *orig)
{
	switch (m) {
	case CAD_MOVED_HOLIDAY:
		return cad_asprintf(_("siirretty sääntöjen mukaan (ei "
		    "työpäivä), alun perin %s"), orig);
	case CAD_MOVED_SPREAD:
		return cad_asprintf(_("siirretty sääntöjen mukaan (päivä jo "
		    "varattu), alun perin %s"), orig);
	case CAD_MOVED_PERSON:
		return cad_asprintf(_("siirretty, alun perin %s"), orig);
	default:
		return NULL;
	}
}
