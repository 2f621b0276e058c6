/*
 * wheel.h - the vuosikello (annual wheel) as a self-contained SVG.
 *
 * January starts at 12 o'clock and the year runs clockwise.  From the
 * outside in: month names, ISO week ticks, the deadline ring, then one
 * ring per forum (a for_each forum is one ring with a mark per member).
 * Every mark is a <g class="meeting confirmed|cancelled"> or
 * <g class="deadline"> with a <title> that says what it is, so a browser
 * shows it on hover; cancelled meetings are hollow and dashed.  Forums
 * differ by colour (Okabe-Ito, safe for colour-blind readers), by shape
 * and by the ring number, so the wheel also reads in black and white.
 * The picture is one A4 portrait page (210 x 297 mm, 1000 x 1414 user
 * units) for any number of forums: the legend under the wheel (every
 * forum with the dates of its marks, the key, the deadlines) takes one
 * or two columns and a smaller font, and the wheel shrinks, as the
 * forums need; no text is shortened.  The root is role="img" with a
 * <title> and a <desc>; the lines and shading needed to read it have at
 * least 3:1 contrast against white (wheel_int.h).
 */
#ifndef CAD_WHEEL_H
#define CAD_WHEEL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/plan.h"
#include "base/util.h"

/*
 * Draws year `year`.  plan holds (at least) the occurrences of that
 * year, cancelled ones included; deadlines go on the outer ring;
 * forums[i] false leaves forum i out (forums == NULL: every forum).
 * today is marked when it lies in the year (CAD_NODAY: never, for
 * print).  0 or a negative errno with err.
 */
int cad_wheel_svg(const struct cad_config *cfg, const struct cad_plan *plan,
    const struct cad_deadline *deadlines, size_t ndeadlines,
    const bool *forums, int year, int today, struct cad_buf *out,
    struct cad_error *err);

/*
 * The whole job for year `year` under ctx: plans the year, computes the
 * deadlines (with ctx's terminations) and draws them; print leaves
 * out "today" (the agreement's appendix).
 */
int cad_wheel_year(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const bool *forums, int year,
    bool print, struct cad_buf *out, struct cad_error *err);

#endif
