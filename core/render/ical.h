/*
 * ical.h - iCalendar (RFC 5545) rendering of the plan with libical:
 * the subscription feeds of SPEC § 5.  Writes into a cad_buf.
 */
#ifndef CAD_ICAL_H
#define CAD_ICAL_H

#include <stdint.h>

#include <libical/ical.h>

#include "model/config.h"
#include "model/plan.h"
#include "base/util.h"

/*
 * The window that the daemon publishes: SPEC § 4 asks for today - 1 year
 * .. today + horizon_days; this widens it to whole calendar years (from
 * 1 January of last year to 31 December of the horizon's year) so that
 * the feeds move once a year instead of every day.
 */
void cad_publish_window(const struct cad_config *cfg, int today, int *from,
    int *to);

/*
 * The window that invitations (CalDAV objects, iMIP) and the series
 * hashes are made of: from the earliest series start (cad_plan_forum_
 * start) to 31 December of the first year after the publish window's
 * end that is a multiple of CAD_INVITE_YEARS (at 1.6.2027 with
 * horizon_days 550: 31.12.2030; it moves to 2035 when the publish window
 * reaches 2030).  Its start does not move with today, so what was sent
 * keeps its DTSTART, EXDATEs and overrides; an open-ended rule goes
 * without COUNT and an own-bounded one with its own (cad_ical_
 * invitation), and the exceptions of the years the publish window
 * reaches (blackouts, holiday and spread moves) are known and sent
 * years before, so the end moving on sends nothing either, but once
 * every CAD_INVITE_YEARS years (the next years' exceptions).
 */
#define CAD_INVITE_YEARS 5
void cad_invite_window(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int *from, int *to);

/*
 * A content hash (hex, NUL-terminated, 65 bytes) of what the invitation
 * of series s says (summary, times, rule, EXDATEs, overrides, location,
 * attendees), without SEQUENCE and stamps: with the plan of
 * cad_invite_window() it changes only when something a recipient sees
 * does.  When it changes the store raises SEQUENCE.  ctx (may be NULL)
 * gives the terminations that end a series.
 */
void cad_ical_series_hash(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    char out[static 65]);
/* cad_ical_series_hash() of every series of plan: out[nseries] */
void cad_ical_series_hashes(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    char (*out)[65]);

/*
 * The VCALENDAR (METHOD:PUBLISH) of every series of plan that belongs to
 * forum (-1 = every forum) and concerns party (-1 = every party), with
 * one VTIMEZONE, one master VEVENT per series and a RECURRENCE-ID VEVENT
 * per moved or cancelled instance.  states[i] is the stored SEQUENCE /
 * LAST-MODIFIED of plan->series[i].  name is the calendar's NAME.
 * dtstamp is unix seconds.  CRLF, folded at 75 octets.
 */
int cad_ical_feed(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err);

/* cad_ical_feed() of every series of plan as an invitation: a series
   whose rule is bound as cad_ical_invite_bound() (ical_int.h) says */
int cad_ical_invitation(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, const char *name,
    int64_t dtstamp, struct cad_buf *out, struct cad_error *err);

/*
 * Every feed of one plan from text rendered once per series.  A series'
 * VEVENTs (master and RECURRENCE-ID instances) go through libical once,
 * on first use, and every feed they appear in (all, forum, party) is
 * that text plus the feed's own header, the VTIMEZONE (rendered once)
 * and END:VCALENDAR.  The feed's DTSTAMP is written into the shared text
 * at the places noted while rendering, so a feed has the very bytes
 * cad_ical_feed() gives.  A party that leaves a series part-way (a
 * termination) gets that series rendered for it alone.
 *
 * cfg, ctx, plan and states must stay as they are while feeds are made;
 * cad_ical_set_finish() lets go of them (and of the indexes) and keeps
 * only the text, which the pieces of cad_ical_doc point into.  Not for
 * several threads at once.
 */
struct cad_ical_set;

/* 0 or -errno with err (-EINVAL: unknown time zone) */
int cad_ical_set_new(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const struct cad_series_state *states, struct cad_ical_set **out,
    struct cad_error *err);
/*
 * The owners' task deadlines (SPEC § 10.3) in their party feeds: each
 * party's task deadlines of dl[0..n), rendered as in deadlines.ics
 * (all-day VEVENTs, DTSTAMP dtstamp), end its party feed (not its feed
 * of one forum).  Call before the first feed.  0 or -errno with err.
 */
struct cad_deadline;
int cad_ical_set_tasks(struct cad_ical_set *set,
    const struct cad_deadline *dl, size_t n, int64_t dtstamp,
    struct cad_error *err);
/*
 * Frees the text rendered so far (series, parties' own and flat
 * occurrences), which a later feed renders again when it needs it: a
 * caller that has copied its feeds keeps the peak of memory down.  The
 * pieces of earlier cad_ical_docs are gone with it.
 */
void cad_ical_set_drop_text(struct cad_ical_set *set);
/* no more feeds: drops the plan's indexes, keeps the text */
void cad_ical_set_finish(struct cad_ical_set *set);
void cad_ical_set_free(struct cad_ical_set *set);

/* cad_ical_feed() from the set: appended to out; on error out is as it
   was */
int cad_ical_set_feed(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err);

/*
 * The same feed as a list of pieces (for writev or an iovec response):
 * they point into the set's text and into doc->own, and are good until
 * cad_ical_set_free() / cad_ical_doc_release().  max: ceiling of the
 * feed's length (0 = none), -E2BIG beyond.  0 or -errno with err.
 */
struct cad_ical_piece {
	const void *data;
	size_t len;
};

struct cad_ical_doc {
	struct cad_ical_piece *pieces;
	size_t npieces;
	size_t len;		/* sum of the pieces */
	char *own;		/* the header and the DTSTAMP */
};

int cad_ical_set_doc(struct cad_ical_set *set, int forum, int party,
    const char *name, int64_t dtstamp, size_t max, struct cad_ical_doc *doc,
    struct cad_error *err);
void cad_ical_doc_release(struct cad_ical_doc *doc);

/*
 * The newest LAST-MODIFIED (states) of the series of a feed: forum >= 0
 * its series; else party >= 0 the series that the party convenes or is
 * the for_each member of, or that have an occurrence involving it; else
 * all.  0 when there is none.  What the daemon and `cadencectl export`
 * use as the feed's DTSTAMP.
 */
int64_t cad_ical_set_newest(struct cad_ical_set *set, int forum, int party);

/*
 * The VEVENT of occurrence o of plan as the feed shows that instance:
 * its final time and status, the series' UID, SUMMARY, LOCATION and
 * DESCRIPTION (an override's, saying what happened, when moved or
 * cancelled), SEQUENCE / LAST-MODIFIED / CREATED from state (NULL: all
 * dtstamp), no RRULE or RECURRENCE-ID.  For the flat feeds
 * (core/render/flat.h).  icalcomponent_free() it.
 */
icalcomponent *cad_ical_occurrence_event(const struct cad_config *cfg,
    const struct cad_plan *plan, const struct cad_occurrence *o,
    const struct cad_series_state *state, int64_t dtstamp);

/*
 * The VTIMEZONE of tzid as every feed has it: TZID the plain IANA name,
 * one STANDARD and one DAYLIGHT observance of the zone's current rules.
 * 0 or -EINVAL (unknown zone) with err.
 */
int cad_ical_vtimezone(const char *tzid, icalcomponent **out,
    struct cad_error *err);

/* the PRODID of everything we write */
#define CAD_ICAL_PRODID	"-//cadenced//cadenced 0.1//FI"

/*
 * A new VCALENDAR with METHOD:PUBLISH and what subscribed calendars
 * need: PRODID, NAME (and, on output, X-WR-CALNAME), X-WR-TIMEZONE,
 * REFRESH-INTERVAL and X-PUBLISHED-TTL of one hour.
 */
icalcomponent *cad_ical_publish_calendar(const struct cad_config *cfg,
    const char *name);

/* a floating local date-time; minutes may run past midnight */
struct icaltimetype cad_ical_local_time(int day, int minutes);

/* a CN parameter value (s may be NULL): libical quotes it but can't
   escape '"', so '"', CR and LF become '\''; free() it */
char *cad_ical_cn_value(const char *s);

/*
 * ORGANIZER;CN=<organizer.name>:mailto:<organizer.email>, which RFC 5546
 * § 3.2.1 asks of every published VEVENT; without an organizer in the
 * config mailto:noreply@<domain> (no CN).
 */
void cad_ical_add_organizer(icalcomponent *ev, const struct cad_config *cfg);

/* an X- property; the value is not escaped, so no free text here */
void cad_ical_add_x(icalcomponent *c, const char *name, const char *value);

/*
 * Appends c as iCalendar text: CRLF, folded at 75 octets on UTF-8
 * character boundaries, a VCALENDAR's NAME followed by an X-WR-CALNAME
 * copy.  On error out is as it was.  0 or -errno with err.
 */
int cad_ical_write(struct cad_buf *out, icalcomponent *c,
    struct cad_error *err);

#endif
