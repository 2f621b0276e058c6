/*
 * wheel_legend.c - the text under the vuosikello: one entry per forum
 * ring (its mark, name, convenor, cadence and the dates of its marks),
 * the key to the symbols and the year's deadlines.
 *
 * Nothing is cut: text is measured with DejaVu Sans's advance widths
 * (the SVG's first font; the widths below are its glyphs' in 1/1000 em,
 * read with PIL's ImageFont.getlength) and wrapped at spaces.  The
 * legend takes one or two columns at the largest font size (13 down to
 * 8) that leaves the wheel at least WHEEL_MIN_SCALE of its size on an A4
 * page; past that (some 40 forums) the page grows and the caller widens
 * the viewBox so that it still prints on one A4 sheet.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lang.h"
#include "render/output.h"
#include "render/wheel_int.h"

#define WHEEL_MIN_SCALE	0.72
#define MARGIN_X	40.0
#define COL_GAP		30.0
#define FS_MAX		13
#define FS_MIN		8

/* DejaVu Sans, ASCII 32..126, 1/1000 em */
static const unsigned short adv_regular[95] = {
	318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,
	318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337,
	838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
	295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989,
	685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615,
	352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
	392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
};
/* DejaVu Sans Bold */
static const unsigned short adv_bold[95] = {
	348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415,
	380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400,
	838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
	372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103,
	771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678,
	435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
	478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
};

/* the advance of the UTF-8 character at *s (moved past it) in 1/1000 em:
   accented Latin letters as their base letter, anything else as 1 em */
static unsigned
advance(const char **s, bool bold)
{
	const unsigned char *p = (const unsigned char *)*s;
	const unsigned short *t = bold ? adv_bold : adv_regular;
	unsigned c;

	if (*p < 0x80) {
		(*s)++;
		return *p >= 32 && *p < 127 ? t[*p - 32] : 1000;
	}
	c = *p++;
	while ((*p & 0xC0) == 0x80)
		p++;
	*s = (const char *)p;
	if (c == 0xC3)		/* U+00C0..U+00FF: ä ö å Ä Ö Å é ... */
		return 1.13 * (((const unsigned char *)*s)[-1] & 0x20 ?
		    t['o' - 32] : t['O' - 32]);
	return 1000;
}

/* the width of the first n bytes of s at font size fs, 3 % to spare
   for hinting */
static double
width(const char *s, size_t n, double fs, bool bold)
{
	const char *e = s + n;
	double u = 0;

	while (s < e && *s != '\0')
		u += advance(&s, bold);
	return u * fs * 1.03 / 1000.0;
}

/*
 * The length of the next line of s that fits maxw: up to the last space
 * that fits, or (a word longer than the line) as many whole characters
 * as fit, at least one.  *next is where the following line starts.
 */
static size_t
wrap(const char *s, double maxw, double fs, bool bold, const char **next)
{
	const char *p = s, *brk = NULL;
	double u = 0, max = maxw * 1000.0 / fs / 1.03;

	while (*p != '\0') {
		const char *q = p;
		u += advance(&q, bold);
		if (u > max && p > s)
			break;
		if (*p == ' ')
			brk = p;
		p = q;
	}
	if (*p == '\0' || brk == NULL) {
		*next = p;
		return (size_t)(p - s);
	}
	*next = brk + 1;
	return (size_t)(brk - s);
}

struct para {
	char *text;
	bool bold;
	double rel;		/* font size relative to the legend's */
};

struct entry {
	int marker;		/* forum colour/shape k, SHAPE_STAR, or -2 */
	struct para p[3];
	int np;
};

struct flow {
	struct entry *e;
	size_t n;
};

struct wheel_legend {
	const struct cad_config *cfg;
	int year;
	struct flow forums, deadlines;
	bool today;		/* the key shows "tänään" */
	double fs;
	int cols;
};

#define NO_MARKER	(-2)

static struct entry *
flow_add(struct flow *f, int marker)
{
	struct entry *e;

	f->e = cad_xreallocarray(f->e, f->n + 1, sizeof(*f->e));
	e = &f->e[f->n++];
	memset(e, 0, sizeof(*e));
	e->marker = marker;
	return e;
}

static void
entry_para(struct entry *e, char *text, bool bold, double rel)
{
	e->p[e->np].text = text;
	e->p[e->np].bold = bold;
	e->p[e->np].rel = rel;
	e->np++;
}

/* "3.2., 10.3. Sotkamon kunta, 4.5. (peruttu)": every mark of forum fi */
static char *
forum_dates(const struct wheel *w, int fi)
{
	struct cad_buf b;
	size_t n = 0;

	cad_buf_init(&b, 0);
	cad_buf_printf(&b, _("Kokoukset %d: "), w->year);
	for (size_t i = 0; i < w->plan->nocc; i++) {
		const struct cad_occurrence *o = &w->plan->occ[i];
		const struct cad_series *s = &w->plan->series[o->series];
		char d[8];

		if (s->forum != fi || o->day < w->jan1 ||
		    o->day >= w->jan1 + w->ndays)
			continue;
		wheel_short_date(o->day, d);
		cad_buf_printf(&b, "%s%s", n++ ? ", " : "", d);
		if (cad_series_member(w->cfg, s) != NULL)
			cad_buf_printf(&b, " %s", cad_series_member(w->cfg, s));
		if (o->status == CAD_CANCELLED)
			cad_buf_printf(&b, " (%s)", _("peruttu"));
	}
	if (n == 0)
		cad_buf_puts(&b, _("ei kokouksia"));
	return cad_buf_xsteal(&b);
}

static char *
forum_about(const struct wheel *w, const struct cad_forum *f)
{
	char *cadence = cad_config_cadence(w->cfg, f), *s;

	s = cad_asprintf("%s: %s%s%s", _("koollekutsuja"), cad_tr(w->cfg,
	    cad_forum_convenor_name(w->cfg, f)), cadence ? " · " : "",
	    cadence ? cadence : "");
	free(cadence);
	if (f->nfor_each > 0) {
		char *t = cad_asprintf(_("%1$s · %2$zu erillistä neuvottelua"),
		    s, f->nfor_each);
		free(s);
		s = t;
	}
	return s;
}

struct wheel_legend *
wheel_legend_new(struct wheel *w, const struct wheel_ring *rings,
    size_t nrings, const struct cad_deadline *dl, size_t ndl)
{
	struct wheel_legend *l = cad_xcalloc(1, sizeof(*l));

	l->cfg = w->cfg;
	l->year = w->year;
	l->today = w->today != CAD_NODAY;
	for (size_t k = 0; k < nrings; k++) {
		const struct cad_forum *f = &w->cfg->forums[rings[k].forum];
		struct entry *e = flow_add(&l->forums, (int)k);

		entry_para(e, cad_asprintf("%zu. %s", k + 1, cad_tr(w->cfg,
		    f->name)), true, 1);
		entry_para(e, forum_about(w, f), false, 0.92);
		entry_para(e, forum_dates(w, rings[k].forum), false, 0.92);
	}
	for (size_t i = 0; i < ndl; i++) {
		char when[24];

		if (dl[i].day < w->jan1 || dl[i].day >= w->jan1 + w->ndays)
			continue;
		cad_format_fi_date(dl[i].day, when);
		entry_para(flow_add(&l->deadlines, SHAPE_STAR),
		    cad_asprintf("%s – %s", when, dl[i].title), false, 1);
	}
	return l;
}

void
wheel_legend_free(struct wheel_legend *l)
{
	struct flow *fl[2];

	if (l == NULL)
		return;
	fl[0] = &l->forums;
	fl[1] = &l->deadlines;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < fl[k]->n; i++)
			for (int j = 0; j < fl[k]->e[i].np; j++)
				free(fl[k]->e[i].p[j].text);
		free(fl[k]->e);
	}
	free(l);
}

/* entry e's mark at (x, y) */
static void
marker(struct wheel *w, int k, double x, double y, double fs)
{
	char attrs[96];

	if (k == SHAPE_STAR) {
		wheel_shape(w, k, x, y, fs * 0.45, "fill=\"#111\"");
		return;
	}
	snprintf(attrs, sizeof(attrs), "fill=\"%s\" stroke=\"%s\" "
	    "stroke-width=\"0.8\"", wheel_colour(k), WHEEL_OUTLINE);
	wheel_shape(w, k, x, y, fs * 0.5, attrs);
}

/* the text s[0..n) with its baseline at (x, y) */
static void
line(struct wheel *w, double x, double y, double size, bool bold,
    const char *s, size_t n)
{
	char *t = cad_xcalloc(n + 1, 1);

	memcpy(t, s, n);
	wheel_out(w, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.1f\"%s>", x, y,
	    size, bold ? " font-weight=\"bold\"" : "");
	wheel_text(w, t);
	wheel_out(w, "</text>\n");
	free(t);
}

/* entry e with its top left at (x, y) in a column colw wide: its
   height; drawn when w is not NULL */
static double
entry_place(struct wheel *w, const struct entry *e, double fs, double x,
    double y, double colw)
{
	double indent = e->marker == NO_MARKER ? 0 : 1.9 * fs, y0 = y;

	if (w != NULL && e->marker >= 0)
		wheel_out(w, "<g class=\"legend-forum\">");
	if (w != NULL && e->marker != NO_MARKER)
		marker(w, e->marker, x + 0.8 * fs, y + 0.62 * fs, fs);
	for (int j = 0; j < e->np; j++) {
		const struct para *p = &e->p[j];
		double size = fs * p->rel;
		const char *s = p->text, *next;

		while (*s != '\0') {
			size_t n = wrap(s, colw - indent, size, p->bold, &next);
			if (w != NULL)
				line(w, x + indent, y + size, size, p->bold, s,
				    n);
			y += size * 1.3;
			s = next;
		}
	}
	if (w != NULL && e->marker >= 0)
		wheel_out(w, "</g>\n");
	return y - y0 + 0.5 * fs;
}

/* flow f in cols columns from y: its height (the taller column) */
static double
flow_place(struct wheel *w, const struct flow *f, double fs, int cols,
    double y)
{
	double colw = (WHEEL_W - 2 * MARGIN_X - (cols - 1) * COL_GAP) / cols;
	double total = 0, h1 = 0, best = 0, *h;
	size_t split = f->n;

	if (f->n == 0)
		return 0;
	h = cad_xcalloc(f->n, sizeof(*h));
	for (size_t i = 0; i < f->n; i++)
		total += h[i] = entry_place(NULL, &f->e[i], fs, 0, 0, colw);
	best = total;
	if (cols == 2)		/* the split with the shorter taller column */
		for (size_t i = 0; i < f->n; i++) {
			h1 += h[i];
			if (fmax(h1, total - h1) < best) {
				best = fmax(h1, total - h1);
				split = i + 1;
			}
		}
	if (w != NULL) {
		double x = MARGIN_X, yy = y;
		for (size_t i = 0; i < f->n; i++) {
			if (i == split) {
				x += colw + COL_GAP;
				yy = y;
			}
			yy += entry_place(w, &f->e[i], fs, x, yy, colw);
		}
	}
	free(h);
	return best;
}

enum key { KEY_CANCELLED, KEY_DEADLINE, KEY_HOLIDAY, KEY_BLACKOUT, KEY_TERM,
	KEY_TODAY, NKEYS };

static const char *const key_label[NKEYS] = {
	N_("peruttu kokous"), N_("määräaika"), N_("pyhäpäivä"),
	N_("loma- tai katkoaika"), N_("valtuustokausi vaihtuu"), N_("tänään"),
};

/* the symbol of key k, centred on (x, y), about fs across */
static void
key_symbol(struct wheel *w, enum key k, double x, double y, double fs)
{
	double h = fs * 0.55;

	switch (k) {
	case KEY_CANCELLED:
		wheel_shape(w, 0, x, y, h, "fill=\"#ffffff\" stroke=\""
		    WHEEL_OUTLINE "\" stroke-width=\"2\" "
		    "stroke-dasharray=\"2 1.5\"");
		break;
	case KEY_DEADLINE:
		wheel_shape(w, SHAPE_STAR, x, y, h * 0.8, "fill=\"#111\"");
		break;
	case KEY_HOLIDAY:
	case KEY_BLACKOUT:
		wheel_out(w, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\" stroke=\"" WHEEL_LINE "\"/>",
		    x - h, y - h, 2 * h, 2 * h, k == KEY_HOLIDAY ?
		    WHEEL_HOLIDAY : "url(#hatch)");
		break;
	case KEY_TERM:
	case KEY_TODAY:
		wheel_out(w, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		    "y2=\"%.1f\" %s/>", x - h * 1.4, y, x + h * 1.4, y,
		    k == KEY_TERM ? "stroke=\"#000\" stroke-width=\"3\" "
		    "stroke-dasharray=\"9 4\"" : "stroke=\"#C00000\" "
		    "stroke-width=\"2\"");
		break;
	case NKEYS:
		break;
	}
}

/* the key to the symbols from y, wrapped into rows: its height */
static double
key_place(struct wheel *w, const struct wheel_legend *l, double fs,
    double y)
{
	double x = MARGIN_X, lh = fs * 1.6, y0 = y;

	if (w != NULL)
		wheel_out(w, "<g class=\"legend-key\">\n");
	for (int k = 0; k < NKEYS; k++) {
		double tw = width(_(key_label[k]), strlen(_(key_label[k])), fs,
		    false);
		double iw = 2.8 * fs + tw;

		if (k == KEY_TODAY && !l->today)
			continue;
		if (x + iw > WHEEL_W - MARGIN_X && x > MARGIN_X) {
			x = MARGIN_X;
			y += lh;
		}
		if (w != NULL) {
			key_symbol(w, (enum key)k, x + fs, y + lh / 2, fs);
			line(w, x + 2.2 * fs, y + lh / 2 + 0.36 * fs, fs,
			    false, _(key_label[k]), strlen(_(key_label[k])));
		}
		x += iw + 1.4 * fs;
	}
	if (w != NULL)
		wheel_out(w, "</g>\n");
	return y + lh - y0 + 0.6 * fs;
}

/* the whole legend at font size fs in cols columns from y: its height */
static double
legend_place(struct wheel *w, const struct wheel_legend *l, double fs,
    int cols, double y)
{
	struct entry head = { .marker = NO_MARKER, .np = 1 };
	char title[64];
	double y0 = y;

	head.p[0].bold = true;
	head.p[0].rel = 1.3;
	snprintf(title, sizeof(title), "%s", _("Foorumit (kehät ulkoa "
	    "sisään)"));
	head.p[0].text = title;
	y += entry_place(w, &head, fs, MARGIN_X, y, WHEEL_W - 2 * MARGIN_X);
	if (w != NULL)
		wheel_out(w, "<g class=\"legend-forums\">\n");
	y += flow_place(w, &l->forums, fs, cols, y);
	if (w != NULL)
		wheel_out(w, "</g>\n");
	y += key_place(w, l, fs, y);
	if (l->deadlines.n > 0) {
		snprintf(title, sizeof(title), _("Määräajat %d"), l->year);
		head.p[0].text = title;
		head.p[0].rel = 1.15;
		y += entry_place(w, &head, fs, MARGIN_X, y,
		    WHEEL_W - 2 * MARGIN_X);
		if (w != NULL)
			wheel_out(w, "<g class=\"legend-deadlines\">\n");
		y += flow_place(w, &l->deadlines, fs, cols, y);
		if (w != NULL)
			wheel_out(w, "</g>\n");
	}
	return y - y0;
}

void
wheel_legend_fit(struct wheel_legend *l, double *scale, double *height)
{
	for (int fs = FS_MAX; fs >= FS_MIN; fs--)
		for (int cols = 1; cols <= 2; cols++) {
			double h = legend_place(NULL, l, fs, cols, 0);
			double s = (WHEEL_A4_H - 30 - h) / WHEEL_W;

			if (s >= WHEEL_MIN_SCALE) {
				l->fs = fs;
				l->cols = cols;
				*scale = fmin(1.0, s);
				*height = WHEEL_A4_H;
				return;
			}
		}
	l->fs = FS_MIN;
	l->cols = 2;
	*scale = WHEEL_MIN_SCALE;
	*height = WHEEL_MIN_SCALE * WHEEL_W + 30 +
	    legend_place(NULL, l, l->fs, l->cols, 0);
}

void
wheel_legend_draw(struct wheel *w, struct wheel_legend *l, double y)
{
	wheel_out(w, "<g class=\"legend\" fill=\"#222\">\n");
	legend_place(w, l, l->fs, l->cols, y);
	wheel_out(w, "</g>\n");
}
