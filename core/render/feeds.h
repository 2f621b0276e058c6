/*
 * feeds.h - the list of iCalendar feeds that SPEC § 5 publishes, with
 * their paths, calendar names and DTSTAMP rule: one place for what the
 * daemon serves (daemon/snapshot.c) and `cadencectl export` writes
 * (cli/export.c), which must agree byte for byte.
 *
 *	calendars/all.ics		"<title>: kaikki kokoukset"
 *	calendars/forum/<id>.ics	"<forum name>"
 *	calendars/party/<id>.ics	"<party name>: kokoukset"
 *	calendars/deadlines.ics		named by render/deadlines.c
 *	calendars/flat/all.ics		the same names + " (yksittäiset kokoukset)":
 *	calendars/flat/forum/<id>.ics	the flat feeds of core/render/flat.h,
 *	calendars/flat/party/<id>.ics	one VEVENT per CONFIRMED occurrence
 *
 * <title> is the agreement's title, else "Yhteistyöfoorumit".
 */
#ifndef CAD_FEEDS_H
#define CAD_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/config.h"

struct cad_ical_set;

struct cad_feed {
	char *path;	/* relative to the site root: "calendars/all.ics" */
	char *name;	/* NAME / X-WR-CALNAME; NULL for deadlines.ics */
	int forum;	/* the forum's feed, or -1 */
	int party;	/* the party's feed, or -1 */
	bool deadlines;	/* calendars/deadlines.ics (forum, party -1) */
	bool flat;	/* calendars/flat/...: cad_flat_feed() */
};


/* <title>: the agreement's title, else "Yhteistyöfoorumit" */
const char *cad_feeds_title(const struct cad_config *cfg);

/* every feed of cfg, in the order above; returns how many */
size_t cad_feeds(const struct cad_config *cfg, struct cad_feed **out);
void cad_feeds_free(struct cad_feed *v, size_t n);

/* the (full) series feed of forum or party (both -1: all.ics), or NULL */
const struct cad_feed *cad_feeds_find(const struct cad_feed *v, size_t n,
    int forum, int party);

/*
 * DTSTAMP of a feed: the newest LAST-MODIFIED of its series (for
 * deadlines.ics, of all series), else now, so that an unchanged feed
 * renders to the same bytes.  newest (may be NULL) gets that newest
 * LAST-MODIFIED, 0 when there is none.
 */
int64_t cad_feed_dtstamp(struct cad_ical_set *set, const struct cad_feed *f,
    int64_t now, int64_t *newest);

/*
 * The tasks' deadlines of dl[0..n) into their owners' party feeds
 * (cad_ical_set_tasks), DTSTAMP as deadlines.ics's: one call for the
 * daemon and export alike.
 */
struct cad_deadline;
int cad_feeds_tasks(struct cad_ical_set *set, const struct cad_deadline *dl,
    size_t n, int64_t now, struct cad_error *err);

#endif
