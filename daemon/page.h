/*
 * page.h - the HTML page at GET /: forums, their next meetings,
 * subscribe links, parties, compliance warnings and how to subscribe.
 * Plain HTML with a little inline CSS; everything from the config is
 * escaped.
 */
#ifndef DAEMON_PAGE_H
#define DAEMON_PAGE_H

#include <stddef.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/plan.h"
#include "base/util.h"

/* plan covers at least today .. the horizon; dl are the agreement's
   deadlines (sorted); 0 or -E2BIG/-ENOMEM */
int page_render(struct cad_buf *out, const struct cad_config *cfg,
    const struct cad_plan *plan, int today,
    const struct cad_compliance *warn, size_t nwarn,
    const struct cad_deadline *dl, size_t ndl);

#endif
