/*
 * deadline.h - the agreement's deadlines (SPEC § 7), as a list, as JSON
 * and as the all-day iCalendar feed calendars/deadlines.ics.
 *
 * From the config's `agreement` block and the stored terminations:
 *
 *   review       each review_by date                "Sopimuksen tarkistus"
 *   renewal      for each council term that starts after `effective`:
 *                term start + renew_within_months
 *   notice       for each council term that ends on or after `effective`:
 *                the last day on which a written notice (notice_months)
 *                still ends the agreement at the end of the term
 *   termination  for each stored termination: its effective day (noticed
 *                + notice_months, computed when the notice was recorded
 *                and the day the planner drops the party from)
 *
 * Month arithmetic is cad_add_months(): the day of the month is kept and
 * clamped to the month's end (2026-01-31 + 1 month = 2026-02-28).  The
 * notice day is the latest day N with N + notice_months <= term end, so
 * that a notice given on it (with the same clamping rule that computes a
 * termination's effective day) ends the agreement by the end of the term:
 * 2029-05-31 - 12 months = 2028-05-31; a term ending on the last of a
 * month gives the last of the earlier month (2029-04-30 - 1 month =
 * 2029-03-31, as 2029-03-31 + 1 month = 2029-04-30).
 *
 * Without an `agreement` block there are only termination deadlines.
 * A deadline on a non-working day stays on its date.  The list is sorted
 * by date, then kind (review, renewal, notice, termination), then party.
 * Pure: no I/O, no clock.
 */
#ifndef CAD_DEADLINE_H
#define CAD_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

enum cad_deadline_kind {
	CAD_DEADLINE_REVIEW = 0,
	CAD_DEADLINE_RENEWAL,
	CAD_DEADLINE_NOTICE,
	CAD_DEADLINE_TERMINATION,
};

struct cad_deadline {
	int day;		/* day number */
	enum cad_deadline_kind kind;
	char *title;		/* Finnish, owned */
	char *party;		/* party id (termination), owned; or NULL */
	int term;		/* council term (renewal, notice) or -1 */
	int noticed;		/* termination: day of the notice, or
				   CAD_NODAY */
};

/* "review", "renewal", "notice", "termination" (the JSON kind) */
const char *cad_deadline_kind_name(enum cad_deadline_kind k);
/* "tarkistus", "uusiminen", "irtisanominen", "eroaminen" (ASCII) */
const char *cad_deadline_kind_fi(enum cad_deadline_kind k);

/*
 * Every deadline of cfg's agreement plus one per termination in t[0..n),
 * sorted.  *out is NULL when there are none.  0 or -errno (with err).
 */
int cad_deadlines(const struct cad_config *cfg,
    const struct cad_termination *t, size_t n, struct cad_deadline **out,
    size_t *nout, struct cad_error *err);
void cad_deadlines_free(struct cad_deadline *v, size_t n);

/* the name (else the id) of the party with id, or id itself when no party
   has it; "?" for NULL */
const char *cad_deadline_party_name(const struct cad_config *cfg,
    const char *id);

#endif
