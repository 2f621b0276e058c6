/*
 * page.h - the HTML pages: GET / (forums, their next meetings, the
 * wheel and the year as tables, subscribe links, parties, compliance
 * warnings, how to subscribe) and GET /saavutettavuus.
 * Plain HTML with a little inline CSS; everything from the config is
 * escaped.
 */
#ifndef DAEMON_PAGE_H
#define DAEMON_PAGE_H

#include <stddef.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/plan.h"
#include "store/audit.h"
#include "base/util.h"

/* the audit (store/audit.h), oldest first: each meeting listed shows
   its last change and by whom */
struct page_changes {
	const struct cad_audit_entry *v;
	size_t n;
};

/* plan covers at least today .. the horizon; dl are the agreement's
   deadlines (sorted); 0 or -E2BIG/-ENOMEM */
int page_render(struct cad_buf *out, const struct cad_config *cfg,
    const struct cad_plan *plan, int today,
    const struct cad_compliance *warn, size_t nwarn,
    const struct cad_deadline *dl, size_t ndl,
    const struct page_changes *changes);

/* the <!DOCTYPE> to the <h1> (the agreement's title) of a page whose
   <title> ends in " – what", with the style sheet, the skip link to
   #sisalto and links to the same page ("" the front page,
   "saavutettavuus") in the other listed languages; and the footer to
   </html>.  In the thread's language.  The caller checks out's error. */
void page_head(struct cad_buf *out, const struct cad_config *cfg,
    const char *what, const char *page);
void page_foot(struct cad_buf *out, const struct cad_config *cfg);

/* section#vuosi: year's meetings, deadlines, holidays and blackouts as
   a table per month (the wheel's text equivalent); plan holds the year;
   0 or out's error */
int page_year(struct cad_buf *out, const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_deadline *dl, size_t ndl,
    int year);

/* GET /saavutettavuus: the accessibility statement (laki digitaalisten
   palvelujen tarjoamisesta 306/2019, 16 §); 0 or out's error */
int page_statement(struct cad_buf *out, const struct cad_config *cfg);

#endif
