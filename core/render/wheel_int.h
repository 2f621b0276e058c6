/*
 * wheel_int.h - what wheel.c (the circle) and wheel_legend.c (the text
 * under it) share.  Internal to the vuosikello; see wheel.h.
 */
#ifndef CAD_WHEEL_INT_H
#define CAD_WHEEL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/plan.h"
#include "base/util.h"

#define WHEEL_W		1000.0	/* user units across; 210 mm */
#define WHEEL_A4_H	1414.0	/* 297 mm at that scale */
#define SHAPE_STAR	(-1)	/* deadlines, unlike any forum's shape */

/*
 * Colours with their contrast against white (WCAG 2.1 1.4.11 asks 3:1
 * for the parts of a graphic needed to read it; tests/e2e/a11y computes
 * these from the SVG).
 */
#define WHEEL_HOLIDAY	"#8c8c8c"	/* 3.4:1 */
#define WHEEL_HATCH	"#6b6b6b"	/* 5.3:1, on white */
#define WHEEL_LINE	"#767676"	/* 4.5:1: rings, weeks */
#define WHEEL_OUTLINE	"#222222"	/* 15.9:1: every mark's edge */

struct wheel {
	struct cad_buf *b;
	const struct cad_config *cfg;
	const struct cad_plan *plan;
	int year;
	int jan1;
	int ndays;
	int today;		/* CAD_NODAY when not drawn (print) */
};

/* a forum ring: forum index, radii, lanes for for_each members */
struct wheel_ring {
	int forum;
	double r0, r1;
	int lanes;
};

void wheel_out(struct wheel *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void wheel_text(struct wheel *w, const char *s);
/* forum k's colour; shape k of size s centred at (x, y) */
const char *wheel_colour(int k);
void wheel_shape(struct wheel *w, int k, double x, double y, double s,
    const char *attrs);
/* "1.7." */
void wheel_short_date(int day, char buf[static 8]);

/*
 * The legend: laid out in one or two columns at the largest font size
 * that leaves the wheel at least WHEEL_MIN_SCALE of its size on an A4
 * page.  wheel_legend_new() measures; wheel_legend_height() is the
 * height it needs under the wheel; wheel_legend_draw() writes it from
 * y down.  The text is never shortened: long lines wrap.
 */
struct wheel_legend;
struct wheel_legend *wheel_legend_new(struct wheel *w,
    const struct wheel_ring *rings, size_t nrings,
    const struct cad_deadline *dl, size_t ndl);
/* the scale of the wheel (<= 1) and the page height (>= A4) */
void wheel_legend_fit(struct wheel_legend *l, double *scale,
    double *height);
void wheel_legend_draw(struct wheel *w, struct wheel_legend *l, double y);
void wheel_legend_free(struct wheel_legend *l);

#endif
