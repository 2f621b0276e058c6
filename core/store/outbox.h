/*
 * outbox.h - the durable outbox of invitations (SPEC § 6): what is to be
 * sent by CalDAV and iMIP e-mail, decided once per planning pass.
 *
 * Enqueueing (cad_outbox_sync), once per planning pass, in ONE sqlite
 * transaction with the series' hash/SEQUENCE update:
 *  - every series of the plan gets its content hash synced
 *    (cad_store_series_sync: a changed hash raises SEQUENCE);
 *  - the store remembers per series and recipient ("peer": the CalDAV
 *    resource, or one attendee address) the content hash it was last
 *    given and the instances already cancelled to it.  A peer whose
 *    hash differs, or a new peer, gets one outbox row per change:
 *      caldav  "put" of the whole object (payload: the iCalendar object
 *              without METHOD; attendees with SCHEDULE-AGENT=CLIENT when
 *              smtp is configured too), "delete" when the series is gone;
 *      smtp    "invite" (REQUEST, first time), "update" (REQUEST), one
 *              "cancel" (CANCEL with RECURRENCE-ID) per newly cancelled
 *              instance, a whole-series "cancel" when the series is gone
 *              or the recipient is no longer invited.  A change that
 *              only cancels instances sends only the CANCELs; anything
 *              else (also an instance cancelled again after being
 *              restored) sends a REQUEST too.
 *    The payload is rendered at enqueue time (complete MIME message for
 *    smtp), so delivery never plans again: mail in the recipient party's
 *    language (cad_config_mail_lang), the CalDAV object (the organizer's
 *    own calendar) in the default language.  The series hash covers the
 *    text of every listed language, so a changed twin is sent again.
 *  - Recipients (SPEC 6, 10.1), people of parties: the series'
 *    convenor and the forum's co_convenors (CHAIR); with the forum's
 *    invite (else the global one) = "participants" also the for_each
 *    member (every member of a group) and every participant
 *    (REQ-PARTICIPANT).  Of each party its contacts in the forum's
 *    invite_roles, else its own email; an address once, as the first
 *    that names it.  Parties without e-mail are skipped; a party whose
 *    termination has taken effect (effective <= ctx->today) is no
 *    longer invited (and gets a CANCEL of the series once).
 *  - An e-mail peer's hash is the series hash plus a fingerprint of its
 *    own ATTENDEE line (CN, ROLE): a person renamed or given another
 *    role gets an update, nobody else; a person no longer invited (a
 *    contact removed) gets the CANCEL.  A hash stored without that part
 *    (before it existed) counts as the same line.
 *  - Supersede: a new caldav row removes the unsent (pending or failed)
 *    caldav rows of the same uid + target (the newest object wins); a
 *    new REQUEST removes unsent REQUESTs to the same recipient for the
 *    same uid (keeping "Kutsu" when the first was never sent).  CANCELs
 *    are never superseded: a CANCEL of an instance and a later REQUEST
 *    are both sent, in that order.
 *  - A series without any occurrence in the planned window is left
 *    alone (per-term forums have none for years); a series that is no
 *    longer in the plan at all is "gone": SEQUENCE raised, DELETE and
 *    CANCEL enqueued, its peers forgotten.
 *  - Channels missing from the config enqueue nothing; their peers stay
 *    as they are until the channel returns.
 *  Same plan again: no hash differs, nothing is enqueued.
 *
 * Delivery (net/deliver.h) takes the rows due from the store and records
 * each attempt's outcome there; cad_outbox_backoff is its retry policy.
 */
#ifndef CAD_OUTBOX_H
#define CAD_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"

#define CAD_OUTBOX_BACKOFF_BASE	30	/* seconds, first retry */
#define CAD_OUTBOX_BACKOFF_MAX	3600

/*
 * Syncs every series of plan (states_out[i] gets plan->series[i]'s
 * SEQUENCE / LAST-MODIFIED, as cad_store_series_sync) and enqueues the
 * invitations of what changed since the last call, all in one
 * transaction.  plan must cover cad_invite_window().  *enqueued (may
 * be NULL) is the number of rows added.  0 or -errno with err; on error
 * nothing is written.
 */
int cad_outbox_sync(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    struct cad_series_state *states_out, int64_t now, int *enqueued,
    struct cad_error *err);

/* the same with the series' hashes (cad_ical_series_hashes) made by the
   caller, outside any transaction: a snapshot build (daemon/snapshot.c)
   holds sqlite's write lock only while the store is written */
int cad_outbox_sync_hashed(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const char (*hashes)[65], struct cad_series_state *states_out,
    int64_t now, int *enqueued, struct cad_error *err);

/* The CalDAV resource URL of uid: caldav.url + <uid, percent-encoded>.ics;
   free() it */
char *cad_outbox_caldav_url(const struct cad_config *cfg, const char *uid);

/* the delay before attempt attempts + 1, after attempts failed ones
   (>= 1): in [d/2, d], d = min(BASE * 2^(attempts-1), MAX); *rng is an
   xorshift64 state (never 0) */
int64_t cad_outbox_backoff(int attempts, uint64_t *rng);

#endif
