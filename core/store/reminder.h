/*
 * reminder.h - deadline reminders by e-mail (SPEC § 6 "Deadline
 * reminders", § 7), enqueued in the durable outbox (core/store/outbox.h).
 *
 * For every deadline of cad_deadlines() (the agreement's, one per
 * stored termination and the tasks') and every remind_days offset n (the
 * task's own for a task), the reminder (deadline, n) is due on the
 * deadline's day - n.  On each call:
 *  - a deadline already past (today > its day) gets nothing, and on its
 *    day only an offset 0 reminder is still sent;
 *  - of the offsets due by today (day - n <= today) only the latest one,
 *    the smallest n, is sent, once: on its day, or caught up later while
 *    the deadline is still ahead.  Earlier (larger) offsets not handled
 *    yet are recorded as "skipped": a daemon that was down over several
 *    reminder days sends only the latest of them;
 *  - a task recorded done gets no more reminders;
 *  - "sent" and "skipped" are recorded per deadline (kind + task + date +
 *    party) and offset in the store's reminders table, in the same
 *    transaction as the outbox rows, so a reminder is never enqueued
 *    twice, also across restarts and by cadencectl and the daemon both;
 *  - recipients: for a task its owner, else the agreement's notify
 *    parties, each that has an e-mail address and whose termination has
 *    not taken effect (effective <= today); the same address only once.  When there is no recipient or
 *    no smtp in the config nothing is enqueued and nothing recorded, so
 *    that the latest reminder is caught up once there is one.
 *
 * One outbox row per recipient: channel "smtp", kind "reminder", uid the
 * deadline's UID in deadlines.ics (cad_deadline_uid()),
 * sequence the offset, sender the organizer.  The message (rendered now)
 * is a text/plain part (base64) in the recipient party's language
 * (cad_config_mail_lang) saying what is due, when
 * ("ke 31.5.2028"), how many days are left and what to do
 * (cad_deadline_description), with the deadline as an all-day
 * "maaraaika.ics" attachment (application/ics, as in deadlines.ics).
 * Subject "Muistutus: <title> 31.5.2028 (<n> päivää)", RFC 2047 encoded.
 */
#ifndef CAD_REMINDER_H
#define CAD_REMINDER_H

#include <stdint.h>

#include "model/config.h"
#include "model/deadline.h"
#include "model/plan.h"
#include "store/store.h"
#include "base/util.h"

/*
 * Enqueues the reminders due on day today (a day number) for every
 * deadline of cfg's agreement and ctx->terminations, as above.  now is
 * unix seconds (Date:, created/due of the rows).  *enqueued (may be NULL)
 * is the number of outbox rows added.  0 or -errno with err; on error
 * nothing is written.
 */
int cad_reminders_sync(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int today, int64_t now, int *enqueued,
    struct cad_error *err);

/*
 * The reminder message of deadline d to one recipient (to_name may be
 * NULL), days_left = d->day - today: the complete RFC 5322 message, CRLF
 * line ends.  rnd: Message-ID and boundary (0: random).
 */
int cad_reminder_mail(const struct cad_config *cfg,
    const struct cad_deadline *d, int days_left, const char *to_name,
    const char *to_email, int64_t now, uint64_t rnd, struct cad_buf *out,
    struct cad_error *err);

/* "Muistutus: <title> 31.5.2028 (<n> päivää)" (UTF-8) in the thread's
   language; free() it */
char *cad_reminder_subject(const struct cad_config *cfg,
    const struct cad_deadline *d, int days_left);

#endif
