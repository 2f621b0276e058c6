/*
 * ical_int.h - what ical.c (the series feeds) and flat.c (the flat
 * feeds) share: the feed set and its text fragments.  Internal to the
 * render layer; see ical.h and flat.h.
 */
#ifndef CAD_ICAL_INT_H
#define CAD_ICAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libical/ical.h>

#include "render/ical.h"

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
