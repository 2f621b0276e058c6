/*
 * ical_int.h - what the iCalendar files of the render layer share:
 * ical.c (a series' text and VEVENTs), ical_hash.c, ical_fold.c (text
 * and fragments), ical_set.c (the feed set) and flat.c (the flat
 * feeds).  Internal to the render layer; see ical.h and flat.h.
 */
#ifndef CAD_ICAL_INT_H
#define CAD_ICAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "render/ical.h"

/* what a series says, in the language in use (ical.c) */
struct cad_ical_text {
	char *summary;
	char *description;	/* the master's */
	const char *location;	/* borrowed from cfg, may be NULL */
	int *people;		/* convenor, member, participants; no repeats */
	size_t npeople;
};
void cad_ical_text_init(const struct cad_config *cfg,
    const struct cad_plan *plan, size_t s, struct cad_ical_text *t);
void cad_ical_text_release(struct cad_ical_text *t);
/* who series se names: convenor, member, participants, no repeats, into
   v (room for the forum's participants + 2); how many */
size_t cad_ical_series_people(const struct cad_config *cfg,
    const struct cad_series *se, int *v);

/*
 * The VEVENTs of series s made of v[0..n) (RECURRENCE-ID order) in a new
 * VCALENDAR: with state its SEQUENCE, CREATED and LAST-MODIFIED, without
 * state all stamps 0 and SEQUENCE 0; invitation: the rule bound as
 * cad_ical_invite_bound() says, not by the window.
 */
icalcomponent *cad_ical_series_cal(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan, size_t s,
    const struct cad_occurrence **v, size_t n,
    const struct cad_series_state *state, bool invitation);
/*
 * How an invitation's rule ends (issue 19).  CAD_BOUND_PLAN (feeds,
 * per_term, a first meeting, a notice given): COUNT up to the last
 * planned occurrence; CAD_BOUND_OPEN: a rule with no end of its own,
 * sent without COUNT, its EXDATEs up to known; CAD_BOUND_OWN: a rule with
 * its own COUNT or UNTIL, sent with a COUNT up to its own last instance
 * (end_day, end_time: as the plan expands it, rrule.h).  known: the last
 * day whose exceptions the plan of cad_invite_window() knows.  None of it
 * depends on the publish window, so its moving on changes nothing sent.
 */
enum cad_ical_bound { CAD_BOUND_PLAN, CAD_BOUND_OPEN, CAD_BOUND_OWN };
struct cad_ical_invite {
	enum cad_ical_bound bound;
	int end_day, end_time;
	int known;
};
void cad_ical_invite_bound(const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_series *se,
    struct cad_ical_invite *out);

/*
 * Whether occurrences a and b of one series have instance VEVENTs
 * (cad_ical_occurrence_event) that differ in the values of DTSTART and
 * DTEND only: neither moved nor cancelled, the same length and place,
 * and both end by DTEND or both by DURATION.
 */
bool cad_ical_alike(const struct cad_config *cfg,
    const struct cad_occurrence *a, const struct cad_occurrence *b);

/* qsort order of occurrence pointers by RECURRENCE-ID */
int cad_ical_cmp_rid(const void *a, const void *b);
/*
 * The plan's occurrences by series: series s has rid[off[s] ..
 * off[s + 1]), in RECURRENCE-ID order; ord (when not NULL) gets them in
 * the plan's order.
 */
void cad_ical_occ_index(const struct cad_plan *plan, size_t **offp,
    const struct cad_occurrence ***ordp, const struct cad_occurrence ***ridp);
/* t seconds since the epoch as a UTC DATE-TIME */
struct icaltimetype cad_ical_utc_time(int64_t t);
/* t as libical writes a DATE-TIME value: "YYYYMMDDTHHMMSS", with utc a
   "Z" after it (CAD_ICAL_STAMP_LEN octets), and a NUL */
void cad_ical_time_text(struct icaltimetype t, bool utc, char *out);

/*
 * Components as text, rendered once and shared by every feed that has
 * them: the DTSTAMP (with no stored state also CREATED and
 * LAST-MODIFIED) is left as STAMP_LEN octets at each of slots[], which
 * each feed fills with its own.
 */
#define CAD_ICAL_STAMP_LEN	16

struct cad_ical_frag {
	char *text;
	size_t len;
	size_t *slots;		/* offsets of CAD_ICAL_STAMP_LEN stamps */
	size_t nslots;
	bool done;
	/* flat.c: the rest of the text, the end of another fragment's
	   (not owned; walked after text, no stamps in it) */
	const char *tail;
	size_t taillen;
};

/* a series as a party that left it part-way sees it */
struct cad_ical_partial {
	size_t series;
	int party;
	struct cad_ical_frag fr;
};

struct cad_ical_set {
	const struct cad_config *cfg;
	const struct cad_plan_ctx *ctx;
	const struct cad_plan *plan;	/* NULL once finished */
	const struct cad_series_state *states;
	size_t nseries;
	int64_t *last_modified;		/* per series, from states */
	size_t *off;			/* nseries + 1: a series' occurrences */
	const struct cad_occurrence **ord;	/* by series, plan order */
	const struct cad_occurrence **rid;	/* by series, RECURRENCE-ID */
	struct cad_ical_frag *frags;	/* per series, rendered on first use */
	struct cad_ical_partial *parts;
	size_t nparts, capparts;
	size_t **pseries;		/* per party: the series naming it */
	size_t *npseries;
	char *vtimezone;
	size_t vtzlen;
	struct cad_buf *ptasks;		/* per party: its tasks' VEVENTs, or
					   NULL */
	struct cad_ical_frag *flat;	/* per occurrence: its flat VEVENT,
					   rendered on first use (flat.c) */
	size_t nocc;
	bool invitation;		/* open-ended rules without COUNT */
};

/* a feed's pieces: called with each in order */
typedef int (*cad_ical_piece_fn)(void *arg, const char *p, size_t len);

/*
 * The components of cal (a VCALENDAR, freed here) as a fragment: folded
 * as cad_ical_write() does, without BEGIN:/END:VCALENDAR, the stamps of
 * its components noted (all_stamps: CREATED and LAST-MODIFIED too).
 * what names it in an error.  0 or -errno with err.
 */
int cad_ical_frag_of(icalcomponent *cal, bool all_stamps, const char *what,
    struct cad_ical_frag *fr, struct cad_error *err);
void cad_ical_frag_release(struct cad_ical_frag *fr);
/* fr's text to fn, with stamp written into its slots */
int cad_ical_frag_walk(const struct cad_ical_frag *fr, const char *stamp,
    cad_ical_piece_fn fn, void *arg);

/* set->pseries and set->npseries, once */
void cad_ical_party_index(struct cad_ical_set *set);

/*
 * The occurrences of a flat feed (flat.c), fragment by fragment, between
 * the feed's VTIMEZONE and its END:VCALENDAR.  0 or -errno with err.
 */
int cad_flat_walk(struct cad_ical_set *set, int forum, int party,
    const char *stamp, cad_ical_piece_fn fn, void *arg,
    struct cad_error *err);

/* cad_ical_set_feed() and cad_ical_set_doc(), of the flat feed with
   flat */
int cad_ical_set_feed_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, struct cad_buf *out,
    struct cad_error *err);
int cad_ical_set_doc_of(struct cad_ical_set *set, bool flat, int forum,
    int party, const char *name, int64_t dtstamp, size_t max,
    struct cad_ical_doc *doc, struct cad_error *err);

#endif
