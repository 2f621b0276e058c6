/*
 * imip.h - invitations as iCalendar objects (iTIP, RFC 5546) and as
 * e-mail messages (iMIP, RFC 6047), SPEC § 6.  Pure rendering: no I/O,
 * no clock (now is given); core/store/outbox.c decides what to send when,
 * net/deliver.c sends it.
 *
 * The calendar of a series is the feed's (core/render/ical.h) rendering of that
 * one series, so an invitation says exactly what the feeds say: the
 * VTIMEZONE, the master VEVENT with its RDATEs and a RECURRENCE-ID VEVENT
 * per moved or cancelled instance.  On top of it:
 *  - METHOD:REQUEST or METHOD:CANCEL for e-mail; none for the CalDAV
 *    resource (RFC 4791 § 4.1 forbids METHOD in a calendar collection);
 *  - ORGANIZER;CN=<organizer.name>:mailto:<organizer.email>;
 *  - one ATTENDEE;CN=..;ROLE=CHAIR|REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;
 *    RSVP=TRUE:mailto:.. per invited party (the feed's attendees, shown
 *    only with publish_attendees, are replaced), with
 *    SCHEDULE-AGENT=CLIENT when asked (the CalDAV copy while e-mail is
 *    configured too, so that a scheduling server does not invite twice).
 * CANCEL of one instance keeps only that instance's RECURRENCE-ID VEVENT
 * (STATUS:CANCELLED).  CANCEL of a whole series that no longer exists is
 * rendered from what the outbox stored about it (uid, summary, start).
 *
 * Messages: multipart/mixed { multipart/alternative { text/plain (a
 * summary), text/calendar; method=M }, invite.ics attachment },
 * every part base64, every header line CRLF, non-ASCII header text as
 * RFC 2047 encoded-words.
 *
 * Every word is in the calling thread's language (base/lang.h): labels
 * from the catalogues, names and places through cad_tr(), dates as
 * cad_format_fi() gives them; core/store/outbox.c picks the recipient's.
 */
#ifndef CAD_IMIP_H
#define CAD_IMIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

enum cad_imip_method {
	CAD_IMIP_RESOURCE = 0,	/* CalDAV object: no METHOD */
	CAD_IMIP_REQUEST,
	CAD_IMIP_CANCEL,	/* one instance: rid_day, rid_time */
};

/* what a message is about: its Subject and text */
enum cad_imip_kind {
	CAD_IMIP_INVITE = 0,	/* "Kutsu: ..." (REQUEST, first time) */
	CAD_IMIP_UPDATE,	/* "Päivitetty: ..." (REQUEST) */
	CAD_IMIP_CANCEL_ONE,	/* "Peruttu: ... <date>" (CANCEL, instance) */
	CAD_IMIP_CANCEL_ALL,	/* "Peruttu: ..." (CANCEL, whole series) */
};

struct cad_imip_attendee {
	const char *email;
	const char *name;	/* CN; may be NULL */
	bool chair;		/* ROLE=CHAIR, else REQ-PARTICIPANT */
};

/*
 * The calendar object of plan->series[s] into out (CRLF, folded at 75
 * octets).  state: the series' stored SEQUENCE / LAST-MODIFIED.  For
 * CAD_IMIP_CANCEL the instance rid_day/rid_time must be a cancelled
 * occurrence of the plan (-ENOENT otherwise).  -ENOENT also when the
 * series has no occurrence in the plan.
 */
int cad_imip_calendar(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_method method,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, bool schedule_agent_client, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err);

/* METHOD:CANCEL of a whole series from what was stored about it:
   dtstart_day/time local (CAD_NODAY: no DTSTART) */
int cad_imip_cancel_calendar(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *att, size_t natt, int64_t dtstamp,
    struct cad_buf *out, struct cad_error *err);

/* the parts of one message */
struct cad_imip_mail {
	const char *from_name;	/* may be NULL */
	const char *from_email;
	const char *to_name;	/* may be NULL */
	const char *to_email;
	const char *subject;	/* UTF-8 */
	const char *text;	/* UTF-8, '\n' line ends */
	const char *calendar;	/* the iCalendar object */
	const char *method;	/* "REQUEST" | "CANCEL" */
	int64_t date;		/* unix seconds */
	int utc_offset;		/* seconds east of UTC, for Date: */
	const char *domain;	/* of the Message-ID */
	uint64_t random;	/* Message-ID and boundaries; 0: cad_imip_seed */
};

/* the complete RFC 5322 / MIME message, CRLF line ends */
int cad_imip_message(const struct cad_imip_mail *m, struct cad_buf *out,
    struct cad_error *err);

/*
 * The whole invitation of series s to one recipient (to, one of att):
 * calendar, subject and text (in the thread's language), message.
 * kind CAD_IMIP_INVITE / UPDATE send METHOD:REQUEST, CAD_IMIP_CANCEL_ONE
 * METHOD:CANCEL of the instance rid_day/rid_time.  now is the Date and DTSTAMP.
 */
int cad_imip_series_mail(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_series_state *state, enum cad_imip_kind kind,
    int rid_day, int rid_time, const struct cad_imip_attendee *att,
    size_t natt, const struct cad_imip_attendee *to, int64_t now,
    struct cad_buf *out, struct cad_error *err);

/* CAD_IMIP_CANCEL_ALL to one recipient of a series that is gone */
int cad_imip_gone_mail(const struct cad_config *cfg, const char *uid,
    const char *summary, int dtstart_day, int dtstart_time, int sequence,
    const struct cad_imip_attendee *to, int64_t now, struct cad_buf *out,
    struct cad_error *err);

/*
 * MIME helpers, shared with core/store/reminder.c.  cad_imip_headers writes
 * m's From, To, Subject (RFC 2047 when not plain ASCII), Date and
 * Message-ID (from rnd, m->date and m->domain) and MIME-Version, each
 * line ending in CRLF; the caller adds Content-Type and the body.  0 or
 * -errno, out's error included.
 */
int cad_imip_headers(const struct cad_imip_mail *m, uint64_t rnd,
    struct cad_buf *out);
/*
 * The body of a multipart/mixed message of boundary bnd: its Content-Type
 * and preamble (cad_imip_mixed_start); a part of header lines type (each
 * ending in CRLF) with s[0..n) in base64 (cad_imip_b64_part); an
 * application/ics attachment called name (cad_imip_ics_part).  The caller
 * ends the parts and checks out's error.
 */
void cad_imip_mixed_start(struct cad_buf *out, const char *bnd);
void cad_imip_b64_part(struct cad_buf *out, const char *bnd, const char *type,
    const char *s, size_t n);
void cad_imip_ics_part(struct cad_buf *out, const char *bnd, const char *name,
    const char *s, size_t n);
/* base64 of s[0..n) in lines of 76 characters, each ending in CRLF; the
   caller checks b's error */
void cad_imip_b64_body(struct cad_buf *b, const char *s, size_t n);
/*
 * The number behind a message's Message-ID and MIME boundaries: given
 * when not 0, else taken from the message itself (SHA-256 of recipient,
 * subject, date and content), never 0.  Rendering needs no randomness:
 * a message is unique by what it says to whom and when, the same message
 * renders the same bytes, and a boundary of "=_" can't occur in base64 or
 * quoted-printable text anyway.
 */
uint64_t cad_imip_seed(uint64_t given, const char *to, const char *subject,
    int64_t date, const char *content);
/* s with CRLF line ends (lone CRs dropped); free() it */
char *cad_imip_crlf_text(const char *s);
/*
 * m zeroed, then from the organizer of cfg to (to_name, to_email) with
 * subject, dated now with the zone's UTC offset at that instant
 */
void cad_imip_mail_init(struct cad_imip_mail *m,
    const struct cad_config *cfg, const char *to_name, const char *to_email,
    const char *subject, int64_t now);

/* "Kutsu: <summary>", ... (UTF-8, not yet encoded); free() it */
char *cad_imip_subject(enum cad_imip_kind kind, const char *summary,
    int rid_day, int rid_time);

#endif
