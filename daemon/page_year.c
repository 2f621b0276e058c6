/*
 * page_year.c - the year of the vuosikello as text (WCAG 1.1.1): a table
 * per month with every meeting (cancelled and moved ones said so), every
 * deadline and every holiday and blackout (everyone's, a forum's or a
 * party's, on the day it starts), in date order.
 */
#include <stdlib.h>

#include "page.h"
#include "model/calendar.h"
#include "render/output.h"

static const char *const month_caption[12] = {
	NC_("month, a caption", "Tammikuu"),
	NC_("month, a caption", "Helmikuu"),
	NC_("month, a caption", "Maaliskuu"),
	NC_("month, a caption", "Huhtikuu"),
	NC_("month, a caption", "Toukokuu"),
	NC_("month, a caption", "Kesäkuu"),
	NC_("month, a caption", "Heinäkuu"),
	NC_("month, a caption", "Elokuu"),
	NC_("month, a caption", "Syyskuu"),
	NC_("month, a caption", "Lokakuu"),
	NC_("month, a caption", "Marraskuu"),
	NC_("month, a caption", "Joulukuu"),
};

#define YEAR_HOLIDAYS	64

struct year {
	struct cad_buf *b;
	const struct cad_config *cfg;
	const struct cad_plan *plan;
	const struct cad_deadline *dl;
	size_t ndl;
	struct cad_holiday hol[YEAR_HOLIDAYS];
	int nhol;
	size_t next;		/* the first occurrence not yet written */
	size_t rows;		/* of the month being written */
};

/* one row: when (a date, or a date and time), what, and what kind */
static void
row(struct year *y, const char *when, const char *what, const char *note,
    const char *kind)
{
	struct cad_buf *b = y->b;

	if (y->rows++ == 0)
		cad_buf_printf(b, "<thead><tr><th scope=\"col\">%s</th>"
		    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead>\n<tbody>\n", _("Aika"), _("Mitä"),
		    _("Laji"));
	cad_buf_puts(b, "<tr><th scope=\"row\">");
	cad_buf_xml_str(b, when);
	cad_buf_puts(b, "</th><td>");
	cad_buf_xml_str(b, what);
	if (note != NULL) {
		cad_buf_puts(b, " <span class=\"muted\">(");
		cad_buf_xml_str(b, note);
		cad_buf_puts(b, ")</span>");
	}
	cad_buf_printf(b, "</td><td>%s</td></tr>\n", kind);
}

/* "peruttu", "siirretty, alun perin ti 3.2.2026 klo 9.00" or NULL */
static char *
meeting_note(const struct cad_occurrence *o)
{
	char from[32];

	if (o->status == CAD_CANCELLED)
		return cad_strdup(_("peruttu"));
	if (o->moved == CAD_MOVED_NONE)
		return NULL;
	cad_format_fi(o->rid_day, o->rid_time, from);
	/* TRANSLATORS: why it moved, and from when */
	return cad_asprintf(_("%1$s, alun perin %2$s"),
	    o->moved == CAD_MOVED_HOLIDAY ? _("siirretty pyhäpäivän vuoksi") :
	    o->moved == CAD_MOVED_SPREAD ? _("siirretty porrastuksen vuoksi") :
	    _("siirretty"), from);
}

/* the meetings on day: the plan is sorted by day, y->next walks it */
static void
day_meetings(struct year *y, int day)
{
	while (y->next < y->plan->nocc && y->plan->occ[y->next].day < day)
		y->next++;
	for (; y->next < y->plan->nocc; y->next++) {
		const struct cad_occurrence *o = &y->plan->occ[y->next];
		const struct cad_series *s = &y->plan->series[o->series];
		char when[32], *what, *note;

		if (o->day != day)
			break;
		cad_format_fi(o->day, o->time, when);
		what = cad_series_name(y->cfg, s);
		note = meeting_note(o);
		row(y, when, what, note, _("kokous"));
		free(note);
		free(what);
	}
}

/* the blackouts of bo[0..n) (whose: a forum's or a party's, or NULL for
   everyone's) that start on day */
static void
day_blackouts(struct year *y, int day, int year,
    const struct cad_blackout *bo, size_t n, const char *whose)
{
	for (size_t i = 0; i < n; i++) {
		int wraps = bo[i].to_md < bo[i].from_md;
		int from = cad_days_from_civil(year, bo[i].from_md / 100,
		    bo[i].from_md % 100);
		int to = cad_days_from_civil(year + wraps, bo[i].to_md / 100,
		    bo[i].to_md % 100);
		char a[24], z[24], *what;

		if (wraps && day == cad_days_from_civil(year, 1, 1)) {
			/* last year's, into this one: on New Year's Day */
			from = cad_days_from_civil(year - 1,
			    bo[i].from_md / 100, bo[i].from_md % 100);
			to = cad_days_from_civil(year, bo[i].to_md / 100,
			    bo[i].to_md % 100);
		} else if (from != day)
			continue;
		cad_format_fi_date(from, a);
		cad_format_fi_date(to, z);
		what = cad_asprintf("%s%s%s %s–%s", whose ? whose : "",
		    whose ? ": " : "", bo[i].reason ?
		    cad_tr(y->cfg, bo[i].reason) : _("Katko"), a, z);
		cad_format_fi_date(day, a);
		row(y, a, what, NULL, _("loma- tai katkoaika"));
		free(what);
	}
}

/* everyone's, then each forum's and each party's blackouts */
static void
day_all_blackouts(struct year *y, int day, int year)
{
	const struct cad_config *cfg = y->cfg;

	day_blackouts(y, day, year, cfg->blackouts, cfg->nblackouts, NULL);
	for (size_t i = 0; i < cfg->nforums; i++)
		day_blackouts(y, day, year, cfg->forums[i].blackouts,
		    cfg->forums[i].nblackouts, cad_tr(cfg, cfg->forums[i].name));
	for (size_t i = 0; i < cfg->nparties; i++)
		day_blackouts(y, day, year, cfg->parties[i].blackouts,
		    cfg->parties[i].nblackouts,
		    cad_tr(cfg, cfg->parties[i].name));
}

static void
day_rows(struct year *y, int day, int year)
{
	char date[24];

	cad_format_fi_date(day, date);
	for (int i = 0; i < y->nhol; i++)
		if (y->hol[i].day == day)
			row(y, date, _(y->hol[i].name), NULL, _("pyhäpäivä"));
	day_all_blackouts(y, day, year);
	for (size_t i = 0; i < y->ndl; i++)
		if (y->dl[i].day == day)
			row(y, date, y->dl[i].title, NULL, _("määräaika"));
	day_meetings(y, day);
}

int
page_year(struct cad_buf *b, const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_deadline *dl, size_t ndl,
    int year)
{
	struct year y = { .b = b, .cfg = cfg, .plan = plan, .dl = dl,
	    .ndl = ndl };

	y.nhol = cad_calendar_holidays(cfg, year, y.hol, YEAR_HOLIDAYS);
	if (y.nhol < 0)
		y.nhol = 0;
	cad_buf_puts(b, "<section id=\"vuosi\">\n<h2>");
	cad_buf_printf(b, _("Vuosi %d kuukausittain"), year);
	cad_buf_printf(b, "</h2>\n<p>%s</p>\n<div class=\"months\">\n",
	    _("Vuosikellon sisältö tekstinä: kokoukset, määräajat, "
	    "pyhäpäivät ja loma-ajat."));
	for (int m = 1; m <= 12; m++) {
		int d0 = cad_days_from_civil(year, m, 1);

		y.rows = 0;
		cad_buf_printf(b, "<table class=\"month\" id=\"vuosi-%d-"
		    "%02d\">\n<caption>%s %d</caption>\n", year, m,
		    cad_nc(month_caption[m - 1]), year);
		for (int d = d0; d < d0 + cad_days_in_month(year, m); d++)
			day_rows(&y, d, year);
		if (y.rows == 0)
			cad_buf_printf(b, "<tbody><tr><td>%s</td></tr>\n",
			    _("Ei kokouksia, määräaikoja eikä pyhäpäiviä."));
		cad_buf_puts(b, "</tbody>\n</table>\n");
	}
	cad_buf_puts(b, "</div>\n</section>\n");
	return cad_buf_error(b);
}
