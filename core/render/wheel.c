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
#include "render/wheel_int.h"

#define CX		500.0
#define CY		500.0
#define R_MONTH_OUT	480.0	/* month names between these two */
#define R_MONTH_IN	446.0
#define R_WEEK_IN	420.0	/* ISO week numbers */
#define R_DL_IN		392.0	/* deadlines */
#define R_RINGS		388.0	/* forum rings from here ... */
#define R_CORE		122.0	/* ... down to here, or with many */
#define R_CORE_MIN	96.0	/* rings down to here */
#define RING_MAX	62.0

/* Okabe & Ito, "Color Universal Design"; yellow last, it is pale.  Every
   mark has a dark outline, so the pale ones keep 3:1 against white. */
static const char *const colours[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
	"#000000", "#F0E442",
};
#define NCOLOURS (sizeof(colours) / sizeof(colours[0]))
#define NSHAPES	7	/* coprime with NCOLOURS: the pair of forum k,
			   (k mod 8, k mod 7), repeats only after 56 */

const char *
wheel_colour(int k)
{
	return colours[k % NCOLOURS];
}

void
wheel_out(struct wheel *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cad_buf_vprintf(w->b, fmt, ap);
	va_end(ap);
}

void
wheel_text(struct wheel *w, const char *s)
{
	cad_buf_xml_str(w->b, s);
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

	wheel_out(w, "<path %s d=\"M%.1f %.1fA%.1f %.1f 0 %d 1 %.1f %.1f"
	    "L%.1f %.1fA%.1f %.1f 0 %d 0 %.1f %.1fZ\">",
	    attrs, px(r1, a0), py(r1, a0), r1, r1, large, px(r1, a1),
	    py(r1, a1), px(r0, a1), py(r0, a1), r0, r0, large, px(r0, a0),
	    py(r0, a0));
	if (title != NULL) {
		wheel_out(w, "<title>");
		wheel_text(w, title);
		wheel_out(w, "</title>");
	}
	wheel_out(w, "</path>\n");
}

static void
radial(struct wheel *w, double r0, double r1, double a, const char *attrs)
{
	wheel_out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n",
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
	wheel_out(w, "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(%.1f %.1f "
	    "%.1f)\" text-anchor=\"middle\" dominant-baseline=\"central\" "
	    "%s>", px(r, a), py(r, a), deg, px(r, a), py(r, a), attrs);
	wheel_text(w, s);
	wheel_out(w, "</text>\n");
}

/* shape k of size s centred at (x, y) */
void
wheel_shape(struct wheel *w, int k, double x, double y, double s,
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
		wheel_out(w, "<path d=\"");
		for (int i = 0; i < 10; i++) {
			double a = 36.0 * i * M_PI / 180.0;
			double r = i % 2 ? s * 0.6 : s * 1.5;
			wheel_out(w, "%c%.1f %.1f", i == 0 ? 'M' : 'L',
			    x + r * sin(a), y - r * cos(a));
		}
		wheel_out(w, "Z\" %s/>", attrs);
		return;
	}
	n = poly[k % NSHAPES].n;
	if (n == 0) {
		wheel_out(w, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" %s/>",
		    x, y, s, attrs);
		return;
	}
	wheel_out(w, "<path d=\"");
	for (int i = 0; i < n; i++) {
		double a = (poly[k % NSHAPES].rot + 360.0 * i / n) * M_PI /
		    180.0;
		double r = s * poly[k % NSHAPES].scale;
		wheel_out(w, "%c%.1f %.1f", i == 0 ? 'M' : 'L', x + r * sin(a),
		    y - r * cos(a));
	}
	wheel_out(w, "Z\" %s/>", attrs);
}

/* "1.7." */
void
wheel_short_date(int day, char buf[static 8])
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
			wheel_short_date(spans[k][0], a);
			wheel_short_date(spans[k][1], b);
			cad_text_snprintf(title, sizeof(title), "%s%s%s %s–%s",
			    who ? who : "", who ? ": " : "",
			    bo[i].reason ? cad_tr(w->cfg, bo[i].reason) :
			    _("Katko"), a, b);
			sector(w, r0, r1, spans[k][0], spans[k][1],
			    "class=\"blackout\" fill=\"url(#hatch)\"", title);
		}
	}
}

/*
 * Always one A4 portrait page: content taller than A4 (only with some
 * 40 forums or more) widens the viewBox so that all of it still fits.
 * role="img" with <title> and <desc> name the picture for screen readers;
 * the desc says where the same content is as text.
 */
static void
header(struct wheel *w, double height, size_t nrings, size_t nmeet,
    size_t ndl)
{
	double vw = height * WHEEL_W / WHEEL_A4_H;

	if (vw < WHEEL_W)
		vw = WHEEL_W;
	wheel_out(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "xml:lang=\"%s\" lang=\"%s\" role=\"img\" "
	    "aria-labelledby=\"wheel-title wheel-desc\" "
	    "width=\"210mm\" height=\"297mm\" viewBox=\"%.1f 0 %.1f %.1f\" "
	    "font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
	    cad_lang_code(cad_lang_current()), cad_lang_code(cad_lang_current()),
	    (WHEEL_W - vw) / 2, vw, vw * WHEEL_A4_H / WHEEL_W);
	wheel_out(w, "<title id=\"wheel-title\">%s %d</title>\n",
	    _("Vuosikello"), w->year);
	wheel_out(w, "<desc id=\"wheel-desc\">");
	wheel_out(w, _("Vuoden %1$d kokoukset ja määräajat ympyränä, "
	    "tammikuu ylhäällä ja vuosi myötäpäivään: %2$zu foorumia kehinä "
	    "ulkoa sisään, %3$zu kokousta, %4$zu määräaikaa; pyhäpäivät ja "
	    "lomakaudet varjostettuina.  Sama tekstinä: kuukausittaiset "
	    "taulukot osoitteessa "), w->year, nrings, nmeet, ndl);
	wheel_text(w, w->cfg->base_url);
	wheel_text(w, cad_config_lang_prefix(w->cfg));
	wheel_out(w, "#vuosi</desc>\n");
	wheel_out(w, "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"" WHEEL_HATCH
	    "\" stroke-width=\"2\"/></pattern></defs>\n");
	wheel_out(w, "<rect x=\"%.1f\" width=\"%.1f\" height=\"100%%\" "
	    "fill=\"#ffffff\"/>\n", (WHEEL_W - vw) / 2, vw);
}

static void
frame(struct wheel *w)
{
	char buf[16];

	wheel_out(w, "<g class=\"frame\">\n");
	wheel_out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"#f4f7fb\" "
	    "stroke=\"#444\" stroke-width=\"1.5\"/>\n", CX, CY, R_MONTH_OUT);
	wheel_out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"#ffffff\" "
	    "stroke=\"#444\"/>\n", CX, CY, R_MONTH_IN);
	wheel_out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" "
	    "stroke=\"" WHEEL_LINE "\"/>\n", CX, CY, R_WEEK_IN);
	wheel_out(w, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.0f\" fill=\"none\" "
	    "stroke=\"" WHEEL_LINE "\"/>\n", CX, CY, R_DL_IN);
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
	wheel_out(w, "</g>\n");
}

static void
shading(struct wheel *w)
{
	struct cad_holiday hol[64];
	int n = cad_calendar_holidays(w->cfg, w->year, hol, 64);
	char title[128], date[24];

	wheel_out(w, "<g class=\"shading\">\n");
	for (int i = 0; i < n; i++) {
		cad_format_fi_date(hol[i].day, date);
		cad_text_snprintf(title, sizeof(title), "%s %s",
		    _(hol[i].name), date);
		sector(w, R_CORE, R_RINGS, hol[i].day, hol[i].day,
		    "class=\"holiday\" fill=\"" WHEEL_HOLIDAY "\"", title);
	}
	blackouts(w, w->cfg->blackouts, w->cfg->nblackouts, R_CORE, R_RINGS,
	    NULL);
	wheel_out(w, "</g>\n");
}

static double
lane_radius(const struct wheel_ring *rg, int member)
{
	int lane = member < 0 ? 0 : member % rg->lanes;

	return rg->r0 + (rg->r1 - rg->r0) * (lane + 1) / (rg->lanes + 1);
}

static void
ring_background(struct wheel *w, const struct wheel_ring *rg, int k)
{
	const struct cad_forum *f = &w->cfg->forums[rg->forum];
	char label[16];

	wheel_out(w, "<g class=\"ring\" data-forum=\"");
	wheel_text(w, f->id);
	wheel_out(w, "\">\n<circle cx=\"%.0f\" cy=\"%.0f\" r=\"%.1f\" fill=\"none\" "
	    "stroke=\"" WHEEL_LINE "\" stroke-width=\"0.8\"/>\n", CX, CY, rg->r0);
	blackouts(w, f->blackouts, f->nblackouts, rg->r0, rg->r1,
	    cad_tr(w->cfg, f->name));
	for (size_t m = 0; m < f->nfor_each; m++) {
		const int *ps;
		size_t np = cad_config_unit_parties(w->cfg, &f->for_each[m],
		    &ps);
		double r = lane_radius(rg, (int)m);
		double hw = (rg->r1 - rg->r0) / (rg->lanes + 1) / 2.5;

		for (size_t i = 0; i < np; i++) {
			const struct cad_party *p = &w->cfg->parties[ps[i]];
			blackouts(w, p->blackouts, p->nblackouts, r - hw,
			    r + hw, cad_tr(w->cfg, p->name));
		}
	}
	/* the ring's number at 12 o'clock, as large as the ring allows */
	double r = (rg->r0 + rg->r1) / 2, h = fmin(20.0, rg->r1 - rg->r0);
	double fs = fmin(12.0, h * 0.7);

	snprintf(label, sizeof(label), "%d", k + 1);
	double tw = strlen(label) * 0.75 * fs + 4;
	wheel_out(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" rx=\"%.1f\" fill=\"#fff\" stroke=\""
	    WHEEL_OUTLINE "\"/><text x=\"%.1f\" y=\"%.1f\" "
	    "font-size=\"%.1f\" font-weight=\"bold\" text-anchor=\"middle\" "
	    "dominant-baseline=\"central\">%s</text>\n</g>\n",
	    CX - fmax(tw, h) / 2, CY - r - h / 2, fmax(tw, h), h, h / 2,
	    CX, CY - r, fs, label);
}

/* the position of series s among the forum's for_each members, or -1 */
static int
member_of(const struct cad_forum *f, const struct cad_series *s)
{
	for (size_t m = 0; m < f->nfor_each; m++)
		if (f->for_each[m].party == s->party &&
		    f->for_each[m].group == s->group)
			return (int)m;
	return -1;
}

static void
meeting(struct wheel *w, const struct cad_plan *plan,
    const struct cad_occurrence *o, const struct wheel_ring *rg, int k)
{
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &w->cfg->forums[s->forum];
	const char *colour = colours[k % NCOLOURS];
	char when[32], title[512], attrs[160];
	double a = angle(w, o->day, 0.5);
	double r = lane_radius(rg, member_of(f, s));
	double size = fmin(7.0, (rg->r1 - rg->r0) / (rg->lanes + 1) / 2.2);
	bool cancelled = o->status == CAD_CANCELLED;
	int n;

	cad_format_fi(o->day, o->time, when);
	n = cad_text_snprintf(title, sizeof(title), "%s – %s", when,
	    cad_tr(w->cfg, f->name));
	const char *member = cad_series_member(w->cfg, s);
	if (member != NULL && n > 0 && (size_t)n < sizeof(title))
		n += cad_text_snprintf(title + n, sizeof(title) - n, " – %s",
		    member);
	if (o->moved != CAD_MOVED_NONE && n > 0 && (size_t)n < sizeof(title)) {
		char from[8];
		wheel_short_date(o->rid_day, from);
		char *how = cad_moved_text(o->moved, from);
		n += cad_text_snprintf(title + n, sizeof(title) - n,
		    " (%s)", how);
		free(how);
	}
	if (cancelled && n > 0 && (size_t)n < sizeof(title))
		cad_text_snprintf(title + n, sizeof(title) - n, " – %s",
		    _("PERUTTU"));

	wheel_out(w, "<g class=\"meeting %s\"><title>",
	    cancelled ? "cancelled" : "confirmed");
	wheel_text(w, title);
	wheel_out(w, "</title>");
	if (cancelled)
		snprintf(attrs, sizeof(attrs), "fill=\"#ffffff\" stroke=\"%s\" "
		    "stroke-width=\"2\" stroke-dasharray=\"2 1.5\"", colour);
	else
		snprintf(attrs, sizeof(attrs), "fill=\"%s\" stroke=\"#222\" "
		    "stroke-width=\"0.8\"", colour);
	wheel_shape(w, k, px(r, a), py(r, a), size, attrs);
	wheel_out(w, "</g>\n");
}

static void
deadline_marks(struct wheel *w, const struct cad_deadline *dl, size_t n)
{
	wheel_out(w, "<g class=\"deadlines\">\n");
	for (size_t i = 0; i < n; i++) {
		char when[24];
		double a, r = (R_DL_IN + R_WEEK_IN) / 2;

		if (dl[i].day < w->jan1 || dl[i].day >= w->jan1 + w->ndays)
			continue;
		a = angle(w, dl[i].day, 0.5);
		cad_format_fi_date(dl[i].day, when);
		wheel_out(w, "<g class=\"deadline\"><title>");
		wheel_text(w, when);
		wheel_out(w, " – ");
		wheel_text(w, dl[i].title);
		wheel_out(w, "</title>");
		wheel_shape(w, SHAPE_STAR, px(r, a), py(r, a), 6.5,
		    "fill=\"#111\" stroke=\"#fff\" stroke-width=\"1\"");
		wheel_out(w, "</g>\n");
	}
	wheel_out(w, "</g>\n");
}

static void
centre(struct wheel *w, int today)
{
	char buf[64];
	double y = CY + 40;

	wheel_out(w, "<g class=\"centre\" text-anchor=\"middle\">\n"
	    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"52\" font-weight=\"bold\" "
	    "fill=\"#222\">%d</text>\n<text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"18\" fill=\"#444\">%s</text>\n",
	    CX, CY - 8, w->year, CX, CY + 18, _("Vuosikello"));
	if (today >= w->jan1 && today < w->jan1 + w->ndays) {
		cad_format_fi_date(today, buf);
		wheel_out(w, "<text class=\"today\" x=\"%.0f\" y=\"%.0f\" "
		    "font-size=\"12\" fill=\"#C00000\">%s %s</text>\n",
		    CX, y, _("tänään"), buf);
		y += 16;
	}
	for (size_t i = 0; i < w->cfg->nterms; i++) {
		const struct cad_term *t = &w->cfg->terms[i];
		int y0, y1, m, d;

		if (t->start < w->jan1 || t->start >= w->jan1 + w->ndays)
			continue;
		cad_civil_from_days(t->start, &y0, &m, &d);
		cad_civil_from_days(t->end, &y1, &m, &d);
		wheel_out(w, "<text class=\"term\" x=\"%.0f\" y=\"%.0f\" "
		    "font-size=\"11\" fill=\"#222\">%s %d–%d</text>\n", CX,
		    y, _("valtuustokausi"), y0, y1);
		y += 14;
	}
	wheel_out(w, "</g>\n");
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
		    _("Valtuustokausi %1$d–%2$d alkaa %3$s"), y0, y1, when);
		wheel_out(w, "<g class=\"term-change\"><title>");
		wheel_text(w, title);
		wheel_out(w, "</title>");
		radial(w, R_CORE, R_WEEK_IN, angle(w, t->start, 0),
		    "stroke=\"#000\" stroke-width=\"3\" "
		    "stroke-dasharray=\"9 4\"");
		wheel_out(w, "</g>\n");
	}
	if (today >= w->jan1 && today < w->jan1 + w->ndays) {
		double a = angle(w, today, 0.5);
		char when[24];

		cad_format_fi_date(today, when);
		wheel_out(w, "<g class=\"today\"><title>%s %s</title>",
		    _("tänään"), when);
		radial(w, R_CORE, R_MONTH_IN, a,
		    "stroke=\"#C00000\" stroke-width=\"2\"");
		wheel_shape(w, 4, px(R_MONTH_IN + 6, a), py(R_MONTH_IN + 6, a), 6,
		    "fill=\"#C00000\"");
		wheel_out(w, "</g>\n");
	}
}

/* the rings of the forums drawn, outside in; with many the core
   shrinks so that rings stay wide enough for their marks */
static struct wheel_ring *
rings_new(const struct cad_config *cfg, const bool *forums, size_t *n)
{
	struct wheel_ring *rings;
	double core, width;
	size_t nrings = 0;

	rings = cad_xcalloc(cfg->nforums ? cfg->nforums : 1, sizeof(*rings));
	for (size_t i = 0; i < cfg->nforums; i++)
		if (forums == NULL || forums[i])
			rings[nrings++].forum = (int)i;
	core = nrings > 8 ? R_CORE_MIN : R_CORE;
	width = nrings ? fmin(RING_MAX, (R_RINGS - core) / nrings) : 0;
	for (size_t k = 0; k < nrings; k++) {
		const struct cad_forum *f = &cfg->forums[rings[k].forum];

		rings[k].r1 = R_RINGS - width * k;
		rings[k].r0 = rings[k].r1 - width;
		rings[k].lanes = f->nfor_each > 1 ? (f->nfor_each > 2 ? 3 : 2)
		    : 1;
	}
	*n = nrings;
	return rings;
}

/* the circle: frame, shading, rings, lines and marks */
static size_t
circle(struct wheel *w, const struct wheel_ring *rings, size_t nrings,
    const struct cad_deadline *dl, size_t ndl)
{
	size_t nmeet = 0;

	frame(w);
	shading(w);
	for (size_t k = 0; k < nrings; k++)
		ring_background(w, &rings[k], (int)k);
	lines(w, w->today);
	deadline_marks(w, dl, ndl);
	wheel_out(w, "<g class=\"meetings\">\n");
	for (size_t i = 0; i < w->plan->nocc; i++) {
		const struct cad_occurrence *o = &w->plan->occ[i];
		int f = w->plan->series[o->series].forum;

		if (o->day < w->jan1 || o->day >= w->jan1 + w->ndays)
			continue;
		for (size_t k = 0; k < nrings; k++)
			if (rings[k].forum == f) {
				meeting(w, w->plan, o, &rings[k], (int)k);
				nmeet++;
			}
	}
	wheel_out(w, "</g>\n");
	centre(w, w->today);
	return nmeet;
}

int
cad_wheel_svg(const struct cad_config *cfg, const struct cad_plan *plan,
    const struct cad_deadline *deadlines, size_t ndeadlines,
    const bool *forums, int year, int today, struct cad_buf *out_buf,
    struct cad_error *err)
{
	struct wheel w = { .b = out_buf, .cfg = cfg, .plan = plan,
	    .year = year };
	struct wheel_legend *legend;
	struct wheel_ring *rings;
	size_t nrings, nmeet = 0, ndl = 0;
	double scale, height;

	if (year < CAD_HOLIDAY_YEAR_MIN || year > CAD_HOLIDAY_YEAR_MAX) {
		cad_error_set(err, "year %d outside %d-%d", year,
		    CAD_HOLIDAY_YEAR_MIN, CAD_HOLIDAY_YEAR_MAX);
		return -EINVAL;
	}
	w.jan1 = cad_days_from_civil(year, 1, 1);
	w.ndays = cad_days_from_civil(year + 1, 1, 1) - w.jan1;
	w.today = today >= w.jan1 && today < w.jan1 + w.ndays ? today :
	    CAD_NODAY;
	rings = rings_new(cfg, forums, &nrings);
	for (size_t i = 0; i < ndeadlines; i++)
		if (deadlines[i].day >= w.jan1 &&
		    deadlines[i].day < w.jan1 + w.ndays)
			ndl++;
	for (size_t i = 0; i < plan->nocc; i++)
		if (plan->occ[i].day >= w.jan1 &&
		    plan->occ[i].day < w.jan1 + w.ndays && (forums == NULL ||
		    forums[plan->series[plan->occ[i].series].forum]))
			nmeet++;

	legend = wheel_legend_new(&w, rings, nrings, deadlines, ndeadlines);
	wheel_legend_fit(legend, &scale, &height);
	header(&w, height, nrings, nmeet, ndl);
	wheel_out(&w, "<g class=\"wheel\" transform=\"translate(%.1f 6) "
	    "scale(%.3f)\">\n", (1 - scale) * WHEEL_W / 2, scale);
	circle(&w, rings, nrings, deadlines, ndeadlines);
	wheel_out(&w, "</g>\n");
	wheel_legend_draw(&w, legend, 6 + scale * WHEEL_W + 8);
	wheel_out(&w, "</svg>\n");
	wheel_legend_free(legend);
	free(rings);
	if (cad_buf_error(out_buf) != 0) {
		cad_error_set(err, "SVG larger than its buffer");
		return cad_buf_error(out_buf);
	}
	return 0;
}

int
cad_wheel_year(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const bool *forums, int year, bool print, struct cad_buf *out,
    struct cad_error *err)
{
	struct cad_plan plan;
	struct cad_deadline *dl = NULL;
	size_t ndl = 0;
	int r;

	if (year < CAD_HOLIDAY_YEAR_MIN || year > CAD_HOLIDAY_YEAR_MAX) {
		cad_error_set(err, "year %d outside %d-%d", year,
		    CAD_HOLIDAY_YEAR_MIN, CAD_HOLIDAY_YEAR_MAX);
		return -EINVAL;
	}
	if ((r = cad_plan_range(cfg, ctx, cad_days_from_civil(year, 1, 1),
	    cad_days_from_civil(year, 12, 31), &plan, err)) < 0)
		return r;
	if ((r = cad_deadlines(cfg, ctx, &dl, &ndl, err)) == 0)
		r = cad_wheel_svg(cfg, &plan, dl, ndl, forums, year,
		    print ? CAD_NODAY : ctx->today, out, err);
	cad_deadlines_free(dl, ndl);
	cad_plan_release(&plan);
	return r;
}
