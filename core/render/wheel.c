/*
 * wheel.c - the vuosikello as SVG; see wheel.h.
 *
 * Geometry: the wheel is centred at (CX, CY); an angle of 0 is
 * 12 o'clock and angles grow clockwise, so a point at radius r and
 * angle a is (CX + r sin a, CY - r cos a).  A day d of the year covers
 * the angles [d, d + 1) * 2pi / days-in-year; marks sit at the middle.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "base/text.h"
#include "model/calendar.h"
#include "render/output.h"
#include "render/wheel.h"

#define W		1000.0
#define CX		500.0
#define CY		500.0
#define R_MONTH_OUT	480.0	/* month names between these two */
#define R_MONTH_IN	446.0
#define R_WEEK_IN	420.0	/* ISO week numbers */
#define R_DL_IN		392.0	/* deadlines */
#define R_RINGS		388.0	/* forum rings from here ... */
#define R_CORE		122.0	/* ... down to here */
#define RING_MAX	62.0
#define A4_HEIGHT	1414.0

/* Okabe & Ito, "Color Universal Design"; yellow last, it is pale */
static const char *const colours[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
	"#000000", "#F0E442",
};
#define NCOLOURS (sizeof(colours) / sizeof(colours[0]))
#define NSHAPES	7
#define SHAPE_STAR	(-1)	/* deadlines, unlike any forum's shape */

struct wheel {
	struct cad_buf *b;
	const struct cad_config *cfg;
	int year;
	int jan1;
	int ndays;
	int r;			/* first error of a buffer write */
};

static void
out(struct wheel *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out(struct wheel *w, const char *fmt, ...)
{
	va_list ap;

	if (w->r < 0)
		return;
	va_start(ap, fmt);
	w->r = cad_buf_vprintf(w->b, fmt, ap);
	va_end(ap);
}

static void
text(struct wheel *w, const char *s)
{
	if (w->r >= 0)
		w->r = cad_buf_xml_str(w->b, s);
}

/* the angle of the start of day (frac = 0) or its middle (frac = 0.5) */
static double
angle(const struct wheel *w, int day, double frac)
{
	return 2.0 * M_PI * ((double)(day - w->jan1) + frac) / w->ndays;
}

static double
px(double r, double a)
{
	return CX + r * sin(a);
}

static double
py(double r, double a)
{
	return CY - r * cos(a);
}

/* an annulus sector between radii r0 < r1 over days [d0, d1] */
static void
sector(struct wheel *w, double r0, double r1, int d0, int d1,
    const char *attrs, const char *title)
{
	double a0 = angle(w, d0, 0), a1 = angle(w, d1 + 1, 0);
	int large = a1 - a0 > M_PI;

	out(w, "<path %s d=\"M%.1f %.1fA%.1f %.1f 0 %d 1 %.1f %.1f"
	    "L%.1f %.1fA%.1f %.1f 0 %d 0 %.1f %.1fZ\">",
	    attrs, px(r1, a0), py(r1, a0), r1, r1, large, px(r1, a1),
	    py(r1, a1), px(r0, a1), py(r0, a1), r0, r0, large, px(r0, a0),
	    py(r0, a0));
	if (title != NULL) {
		out(w, "<title>");
		text(w, title);
		out(w, "</title>");
	}
	out(w, "</path>\n");
}

static void
radial(struct wheel *w, double r0, double r1, double a, const char *attrs)
{
	out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n",
	    px(r0, a), py(r0, a), px(r1, a), py(r1, a), attrs);
}

/* text centred at radius r, angle a, turned along the circle and never
   upside down */
static void
arc_text(struct wheel *w, double r, double a, const char *attrs,
    const char *s)
{
	double deg = a * 180.0 / M_PI;

	if (deg > 90.0 && deg < 270.0)
		deg -= 180.0;
	out(w, "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(%.1f %.1f "
	    "%.1f)\" text-anchor=\"middle\" dominant-baseline=\"central\" "
	    "%s>", px(r, a), py(r, a), deg, px(r, a), py(r, a), attrs);
	text(w, s);
	out(w, "</text>\n");
}

/* shape k of size s centred at (x, y) */
static void
shape(struct wheel *w, int k, double x, double y, double s,
    const char *attrs)
{
	static const struct {
		int n;
		double rot;	/* degrees */
		double scale;
	} poly[NSHAPES] = {
		{ 0, 0, 1 },		/* circle */
		{ 4, 45, 1.25 },	/* square */
		{ 3, 0, 1.35 },		/* triangle */
		{ 4, 0, 1.3 },		/* diamond */
		{ 3, 180, 1.35 },	/* triangle, point down */
		{ 6, 0, 1.15 },		/* hexagon */
		{ 5, 0, 1.2 },		/* pentagon */
	};
	int n;

	if (k == SHAPE_STAR) {
		out(w, "<path d=\"");
		for (int i = 0; i < 10; i++) {
			double a = 36.0 * i * M_PI / 180.0;
			double r = i % 2 ? s * 0.6 : s * 1.5;
			out(w, "%c%.1f %.1f", i == 0 ? 'M' : 'L',
			    x + r * sin(a), y - r * cos(a));
		}
		out(w, "Z\" %s/>", attrs);
		return;
	}
	n = poly[k % NSHAPES].n;
	if (n == 0) {
		out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>",
		    x, y, s, attrs);
		return;
	}
	out(w, "<path d=\"");
	for (int i = 0; i < n; i++) {
		double a = (poly[k % NSHAPES].rot + 360.0 * i / n) * M_PI /
		    180.0;
		double r = s * poly[k % NSHAPES].scale;
		out(w, "%c%.1f %.1f", i == 0 ? 'M' : 'L', x + r * sin(a),
		    y - r * cos(a));
	}
	out(w, "Z\" %s/>", attrs);
}

/* "1.7." */
static void
short_date(int day, char buf[static 8])
{
	int y, m, d;

	cad_civil_from_days(day, &y, &m, &d);
	snprintf(buf, 8, "%d.%d.", d, m);
}

/* the one or two stretches of the year that blackout bo covers */
static void
blackout_spans(const struct wheel *w, const struct cad_blackout *bo,
    int spans[2][2], int *nspans)
{
	int from = cad_days_from_civil(w->year, bo->from_md / 100,
	    bo->from_md % 100);
	int to = cad_days_from_civil(w->year, bo->to_md / 100,
	    bo->to_md % 100);
	int dec31 = w->jan1 + w->ndays - 1;

	*nspans = 0;
	if (bo->from_md <= bo->to_md) {
		spans[(*nspans)++][0] = from;
		spans[*nspans - 1][1] = to;
		return;
	}
	spans[0][0] = w->jan1;		/* the tail of last year's */
	spans[0][1] = to;
	spans[1][0] = from;
	spans[1][1] = dec31;
	*nspans = 2;
}

static void
blackouts(struct wheel *w, const struct cad_blackout *bo, size_t n,
    double r0, double r1, const char *who)
{
	for (size_t i = 0; i < n; i++) {
		int spans[2][2], ns;
		char a[8], b[8], title[256];

		blackout_spans(w, &bo[i], spans, &ns);
		for (int k = 0; k < ns; k++) {
			short_date(spans[k][0], a);
			short_date(spans[k][1], b);
			cad_text_snprintf(title, sizeof(title), "%s%s%s %s–%s",
			    who ? who : "", who ? ": " : "",
			    bo[i].reason ? bo[i].reason : "Katko", a, b);
			sector(w, r0, r1, spans[k][0], spans[k][1],
			    "class=\"blackout\" fill=\"url(#hatch)\"", title);
		}
	}
}

static void
header(struct wheel *w, double height)
{
	out(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"210mm\" height=\"%.1fmm\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
	    210.0 * height / W, W, height);
	out(w, "<title>Vuosikello %d</title>\n", w->year);
	out(w, "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
	    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9a9a9a\" "
	    "stroke-width=\"2\"/></pattern></defs>\n");
	out(w, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
}

static void
frame(struct wheel *w)
{
	char buf[16];

	out(w, "<g class=\"frame\">\n");
	out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"#f4f7fb\" "
	    "stroke=\"#444\" stroke-width=\"1.5\"/>\n", CX, CY, R_MONTH_OUT);
	out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"#ffffff\" "
	    "stroke=\"#444\"/>\n", CX, CY, R_MONTH_IN);
	out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" "
	    "stroke=\"#999\"/>\n", CX, CY, R_WEEK_IN);
	out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" "
	    "stroke=\"#999\"/>\n", CX, CY, R_DL_IN);
	for (int m = 1; m <= 12; m++) {
		int d0 = cad_days_from_civil(w->year, m, 1);
		int dn = cad_days_in_month(w->year, m);

		radial(w, R_CORE, R_MONTH_OUT, angle(w, d0, 0),
		    "stroke=\"#555\" stroke-width=\"1.2\"");
		arc_text(w, (R_MONTH_OUT + R_MONTH_IN) / 2,
		    angle(w, d0, dn / 2.0), "class=\"month\" font-size=\"19\" "
		    "font-weight=\"bold\" fill=\"#222\"", cad_month_name(m));
	}
	/* ISO weeks: a tick at each Monday, the number mid-week */
	int mon = w->jan1 - cad_weekday(w->jan1);	/* week of Jan 1 */
	for (int d = mon; d < w->jan1 + w->ndays; d += 7) {
		int th = d + 3;		/* a week is its Thursday's year's */
		int wk = (th - cad_days_from_civil(cad_year_of(th), 1, 1)) /
		    7 + 1;
		int first = d < w->jan1 ? w->jan1 : d;
		int last = d + 6 >= w->jan1 + w->ndays ?
		    w->jan1 + w->ndays - 1 : d + 6;

		if (d >= w->jan1)
			radial(w, R_WEEK_IN + 14, R_MONTH_IN, angle(w, d, 0),
			    "stroke=\"#777\"");
		if (last - first < 3)	/* no room for a number */
			continue;
		snprintf(buf, sizeof(buf), "%d", wk);
		arc_text(w, (R_WEEK_IN + R_MONTH_IN) / 2 - 2,
		    angle(w, first, (last - first + 1) / 2.0), "class=\"week\" "
		    "font-size=\"9\" fill=\"#555\"", buf);
	}
	out(w, "</g>\n");
}

static void
shading(struct wheel *w)
{
	struct cad_holiday hol[64];
	int n = cad_calendar_holidays(w->cfg, w->year, hol, 64);
	char title[128], date[24];

	out(w, "<g class=\"shading\">\n");
	for (int i = 0; i < n; i++) {
		cad_format_fi_date(hol[i].day, date);
		cad_text_snprintf(title, sizeof(title), "%s %s",
		    _(hol[i].name), date);
		sector(w, R_CORE, R_RINGS, hol[i].day, hol[i].day,
		    "class=\"holiday\" fill=\"#dcdcdc\"", title);
	}
	blackouts(w, w->cfg->blackouts, w->cfg->nblackouts, R_CORE, R_RINGS,
	    NULL);
	out(w, "</g>\n");
}

struct ring {
	int forum;
	double r0, r1;
	int lanes;
};

static double
lane_radius(const struct ring *rg, int member)
{
	int lane = member < 0 ? 0 : member % rg->lanes;

	return rg->r0 + (rg->r1 - rg->r0) * (lane + 1) / (rg->lanes + 1);
}

static void
ring_background(struct wheel *w, const struct ring *rg, int k)
{
	const struct cad_forum *f = &w->cfg->forums[rg->forum];
	char label[16];

	out(w, "<g class=\"ring\" data-forum=\"");
	text(w, f->id);
	out(w, "\">\n<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.1f\" fill=\"none\" "
	    "stroke=\"#bbb\" stroke-width=\"0.8\"/>\n", CX, CY, rg->r0);
	blackouts(w, f->blackouts, f->nblackouts, rg->r0, rg->r1, f->name);
	for (size_t m = 0; m < f->nfor_each; m++) {
		const struct cad_party *p = &w->cfg->parties[f->for_each[m]];
		double r = lane_radius(rg, (int)m);
		double hw = (rg->r1 - rg->r0) / (rg->lanes + 1) / 2.5;

		blackouts(w, p->blackouts, p->nblackouts, r - hw, r + hw,
		    p->name);
	}
	snprintf(label, sizeof(label), "%d", k + 1);
	double r = (rg->r0 + rg->r1) / 2;
	out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"10\" fill=\"#fff\" "
	    "stroke=\"#222\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
	    "font-weight=\"bold\" text-anchor=\"middle\" "
	    "dominant-baseline=\"central\">%s</text>\n</g>\n",
	    CX, CY - r, CX, CY - r, label);
}

/* the position of party p among the forum's for_each members, or -1 */
static int
member_of(const struct cad_forum *f, int p)
{
	for (size_t m = 0; m < f->nfor_each; m++)
		if (f->for_each[m] == p)
			return (int)m;
	return -1;
}

static void
meeting(struct wheel *w, const struct cad_plan *plan,
    const struct cad_occurrence *o, const struct ring *rg, int k)
{
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &w->cfg->forums[s->forum];
	const char *colour = colours[k % NCOLOURS];
	char when[32], title[512], attrs[160];
	double a = angle(w, o->day, 0.5);
	double r = lane_radius(rg, member_of(f, s->party));
	double size = fmin(7.0, (rg->r1 - rg->r0) / (rg->lanes + 1) / 2.2);
	bool cancelled = o->status == CAD_CANCELLED;
	int n;

	cad_format_fi(o->day, o->time, when);
	n = cad_text_snprintf(title, sizeof(title), "%s – %s", when, f->name);
	if (s->party >= 0 && n > 0 && (size_t)n < sizeof(title))
		n += cad_text_snprintf(title + n, sizeof(title) - n, " – %s",
		    w->cfg->parties[s->party].name);
	if (o->moved != CAD_MOVED_NONE && n > 0 && (size_t)n < sizeof(title)) {
		char from[8];
		short_date(o->rid_day, from);
		n += cad_text_snprintf(title + n, sizeof(title) - n,
		    " (siirretty, alun perin %s)", from);
	}
	if (cancelled && n > 0 && (size_t)n < sizeof(title))
		cad_text_snprintf(title + n, sizeof(title) - n, " – PERUTTU");

	out(w, "<g class=\"meeting %s\"><title>",
	    cancelled ? "cancelled" : "confirmed");
	text(w, title);
	out(w, "</title>");
	if (cancelled)
		snprintf(attrs, sizeof(attrs), "fill=\"#ffffff\" stroke=\"%s\" "
		    "stroke-width=\"2\" stroke-dasharray=\"2 1.5\"", colour);
	else
		snprintf(attrs, sizeof(attrs), "fill=\"%s\" stroke=\"#222\" "
		    "stroke-width=\"0.8\"", colour);
	shape(w, k, px(r, a), py(r, a), size, attrs);
	out(w, "</g>\n");
}

static void
deadline_marks(struct wheel *w, const struct cad_deadline *dl, size_t n)
{
	out(w, "<g class=\"deadlines\">\n");
	for (size_t i = 0; i < n; i++) {
		char when[24];
		double a, r = (R_DL_IN + R_WEEK_IN) / 2;

		if (dl[i].day < w->jan1 || dl[i].day >= w->jan1 + w->ndays)
			continue;
		a = angle(w, dl[i].day, 0.5);
		cad_format_fi_date(dl[i].day, when);
		out(w, "<g class=\"deadline\"><title>");
		text(w, when);
		out(w, " – ");
		text(w, dl[i].title);
		out(w, "</title>");
		shape(w, SHAPE_STAR, px(r, a), py(r, a), 6.5,
		    "fill=\"#111\" stroke=\"#fff\" stroke-width=\"1\"");
		out(w, "</g>\n");
	}
	out(w, "</g>\n");
}

static void
centre(struct wheel *w, int today)
{
	char buf[64];
	double y = CY + 40;

	out(w, "<g class=\"centre\" text-anchor=\"middle\">\n"
	    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"52\" font-weight=\"bold\" "
	    "fill=\"#222\">%d</text>\n<text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"18\" fill=\"#444\">Vuosikello</text>\n",
	    CX, CY - 8, w->year, CX, CY + 18);
	if (today >= w->jan1 && today < w->jan1 + w->ndays) {
		cad_format_fi_date(today, buf);
		out(w, "<text class=\"today\" x=\"%.0f\" y=\"%.0f\" "
		    "font-size=\"12\" fill=\"#C00000\">tänään %s</text>\n",
		    CX, y, buf);
		y += 16;
	}
	for (size_t i = 0; i < w->cfg->nterms; i++) {
		const struct cad_term *t = &w->cfg->terms[i];
		int y0, y1, m, d;

		if (t->start < w->jan1 || t->start >= w->jan1 + w->ndays)
			continue;
		cad_civil_from_days(t->start, &y0, &m, &d);
		cad_civil_from_days(t->end, &y1, &m, &d);
		out(w, "<text class=\"term\" x=\"%.0f\" y=\"%.0f\" "
		    "font-size=\"11\" fill=\"#222\">valtuustokausi %d–%d</text>"
		    "\n", CX, y, y0, y1);
		y += 14;
	}
	out(w, "</g>\n");
}

static void
lines(struct wheel *w, int today)
{
	for (size_t i = 0; i < w->cfg->nterms; i++) {
		const struct cad_term *t = &w->cfg->terms[i];
		char when[24], title[96];
		int y0, y1, m, d;

		if (t->start < w->jan1 || t->start >= w->jan1 + w->ndays)
			continue;
		cad_civil_from_days(t->start, &y0, &m, &d);
		cad_civil_from_days(t->end, &y1, &m, &d);
		cad_format_fi_date(t->start, when);
		cad_text_snprintf(title, sizeof(title),
		    "Valtuustokausi %d–%d alkaa %s", y0, y1, when);
		out(w, "<g class=\"term-change\"><title>");
		text(w, title);
		out(w, "</title>");
		radial(w, R_CORE, R_WEEK_IN, angle(w, t->start, 0),
		    "stroke=\"#000\" stroke-width=\"3\" "
		    "stroke-dasharray=\"9 4\"");
		out(w, "</g>\n");
	}
	if (today >= w->jan1 && today < w->jan1 + w->ndays) {
		double a = angle(w, today, 0.5);
		char when[24];

		cad_format_fi_date(today, when);
		out(w, "<g class=\"today\"><title>tänään %s</title>", when);
		radial(w, R_CORE, R_MONTH_IN, a,
		    "stroke=\"#C00000\" stroke-width=\"2\"");
		shape(w, 4, px(R_MONTH_IN + 6, a), py(R_MONTH_IN + 6, a), 6,
		    "fill=\"#C00000\"");
		out(w, "</g>\n");
	}
}

static double
legend(struct wheel *w, const struct ring *rings, size_t nrings,
    const struct cad_deadline *dl, size_t ndl, double y)
{
	out(w, "<g class=\"legend\" font-size=\"13\" fill=\"#222\">\n");
	out(w, "<text x=\"40\" y=\"%.0f\" font-size=\"18\" "
	    "font-weight=\"bold\">Foorumit (kehät ulkoa sisään)</text>\n", y);
	y += 30;
	for (size_t k = 0; k < nrings; k++) {
		const struct cad_forum *f = &w->cfg->forums[rings[k].forum];
		char attrs[96], *cadence;

		snprintf(attrs, sizeof(attrs), "fill=\"%s\" stroke=\"#222\" "
		    "stroke-width=\"0.8\"", colours[k % NCOLOURS]);
		out(w, "<g class=\"legend-forum\">");
		shape(w, (int)k, 48, y - 5, 7, attrs);
		out(w, "<text x=\"66\" y=\"%.0f\" font-weight=\"bold\">%zu. ",
		    y, k + 1);
		text(w, f->name);
		out(w, "</text>\n<text x=\"66\" y=\"%.0f\" font-size=\"12\" "
		    "fill=\"#444\">koollekutsuja: ", y + 17);
		text(w, w->cfg->parties[f->convenor].name);
		if ((cadence = cad_config_cadence(w->cfg, f)) != NULL) {
			out(w, " · ");
			text(w, cadence);
			free(cadence);
		}
		if (f->nfor_each > 0)
			out(w, " · %zu erillistä neuvottelua", f->nfor_each);
		out(w, "</text></g>\n");
		y += 42;
	}

	/* the symbols, drawn as they are on the wheel */
	y += 6;
	out(w, "<g class=\"legend-key\">");
	shape(w, 0, 48, y - 5, 6, "fill=\"#ffffff\" stroke=\"#555\" "
	    "stroke-width=\"2\" stroke-dasharray=\"2 1.5\"");
	out(w, "<text x=\"62\" y=\"%.0f\">peruttu</text>", y);
	shape(w, SHAPE_STAR, 160, y - 5, 6, "fill=\"#111\"");
	out(w, "<text x=\"174\" y=\"%.0f\">määräaika</text>", y);
	out(w, "<rect x=\"272\" y=\"%.0f\" width=\"14\" height=\"14\" "
	    "fill=\"#dcdcdc\"/><text x=\"292\" y=\"%.0f\">pyhäpäivä</text>",
	    y - 12, y);
	out(w, "<rect x=\"390\" y=\"%.0f\" width=\"14\" height=\"14\" "
	    "fill=\"url(#hatch)\"/><text x=\"410\" y=\"%.0f\">loma- tai "
	    "katkoaika</text>", y - 12, y);
	out(w, "<line x1=\"560\" y1=\"%.0f\" x2=\"590\" y2=\"%.0f\" "
	    "stroke=\"#000\" stroke-width=\"3\" stroke-dasharray=\"9 4\"/>"
	    "<text x=\"598\" y=\"%.0f\">valtuustokausi vaihtuu</text>",
	    y - 5, y - 5, y);
	out(w, "<line x1=\"790\" y1=\"%.0f\" x2=\"820\" y2=\"%.0f\" "
	    "stroke=\"#C00000\" stroke-width=\"2\"/><text x=\"828\" "
	    "y=\"%.0f\">tänään</text></g>\n", y - 5, y - 5, y);
	y += 34;

	size_t shown = 0;
	for (size_t i = 0; i < ndl; i++) {
		char when[24];

		if (dl[i].day < w->jan1 || dl[i].day >= w->jan1 + w->ndays)
			continue;
		if (shown++ == 0) {
			out(w, "<text x=\"40\" y=\"%.0f\" font-size=\"16\" "
			    "font-weight=\"bold\">Määräajat %d</text>\n", y,
			    w->year);
			y += 22;
		}
		cad_format_fi_date(dl[i].day, when);
		out(w, "<text x=\"48\" y=\"%.0f\">", y);
		text(w, when);
		out(w, " – ");
		text(w, dl[i].title);
		out(w, "</text>\n");
		y += 19;
	}
	out(w, "</g>\n");
	return y;
}

int
cad_wheel_svg(const struct cad_config *cfg, const struct cad_plan *plan,
    const struct cad_deadline *deadlines, size_t ndeadlines,
    const bool *forums, int year, int today, struct cad_buf *out_buf,
    struct cad_error *err)
{
	struct wheel w = { .b = out_buf, .cfg = cfg, .year = year };
	struct ring *rings;
	size_t nrings = 0, ndl = 0;
	double width, height;

	if (year < 1991 || year > 2100) {
		cad_error_set(err, "year %d outside 1991-2100", year);
		return -EINVAL;
	}
	w.jan1 = cad_days_from_civil(year, 1, 1);
	w.ndays = cad_days_from_civil(year + 1, 1, 1) - w.jan1;

	rings = cad_xcalloc(cfg->nforums ? cfg->nforums : 1, sizeof(*rings));
	for (size_t i = 0; i < cfg->nforums; i++)
		if (forums == NULL || forums[i])
			rings[nrings++].forum = (int)i;
	width = nrings ? fmin(RING_MAX, (R_RINGS - R_CORE) / nrings) : 0;
	for (size_t k = 0; k < nrings; k++) {
		const struct cad_forum *f = &cfg->forums[rings[k].forum];

		rings[k].r1 = R_RINGS - width * k;
		rings[k].r0 = rings[k].r1 - width;
		rings[k].lanes = f->nfor_each > 1 ? (f->nfor_each > 2 ? 3 : 2)
		    : 1;
	}
	for (size_t i = 0; i < ndeadlines; i++)
		if (deadlines[i].day >= w.jan1 &&
		    deadlines[i].day < w.jan1 + w.ndays)
			ndl++;

	height = 1030 + 30 + 42.0 * nrings + 40 + (ndl ? 22 + 19.0 * ndl : 0)
	    + 20;
	if (height < A4_HEIGHT)
		height = A4_HEIGHT;
	header(&w, height);
	frame(&w);
	shading(&w);
	for (size_t k = 0; k < nrings; k++)
		ring_background(&w, &rings[k], (int)k);
	lines(&w, today);
	deadline_marks(&w, deadlines, ndeadlines);

	out(&w, "<g class=\"meetings\">\n");
	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		int f = plan->series[o->series].forum;

		if (o->day < w.jan1 || o->day >= w.jan1 + w.ndays)
			continue;
		for (size_t k = 0; k < nrings; k++)
			if (rings[k].forum == f)
				meeting(&w, plan, o, &rings[k], (int)k);
	}
	out(&w, "</g>\n");
	centre(&w, today);
	legend(&w, rings, nrings, deadlines, ndeadlines, 1030);
	out(&w, "</svg>\n");
	free(rings);
	if (w.r < 0) {
		cad_error_set(err, "SVG larger than its buffer");
		return w.r;
	}
	return 0;
}

int
cad_wheel_year(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const bool *forums, int year, struct cad_buf *out, struct cad_error *err)
{
	struct cad_plan plan;
	struct cad_deadline *dl = NULL;
	size_t ndl = 0;
	int r;

	if (year < 1991 || year > 2100) {
		cad_error_set(err, "year %d outside 1991-2100", year);
		return -EINVAL;
	}
	if ((r = cad_plan_range(cfg, ctx, cad_days_from_civil(year, 1, 1),
	    cad_days_from_civil(year, 12, 31), &plan, err)) < 0)
		return r;
	if ((r = cad_deadlines(cfg, ctx->terminations, ctx->nterminations,
	    &dl, &ndl, err)) == 0)
		r = cad_wheel_svg(cfg, &plan, dl, ndl, forums, year, ctx->today,
		    out, err);
	cad_deadlines_free(dl, ndl);
	cad_plan_release(&plan);
	return r;
}
