/*
 * api_json.h - the body of POST /api/v1/changes (SPEC § 10.5), parsed
 * with jansson into a core change request (store/change.h):
 *
 *	{"action": "cancel" | "move" | "add" | "undo" | "done",
 *	 "forum": "ID", "date": "YYYY-MM-DD", "party": "ID",
 *	 "new_date": "YYYY-MM-DD", "new_time": "HH:MM", "time": "HH:MM",
 *	 "task": "ID", "reason": "text"}
 *
 * "time" is an "add"'s start, or with "undo" the start of the extra
 * meeting it takes back (CAD_CHANGE_UNADD).  A "done" names the "task"
 * (and no forum), "date" its due day and "party" its owner, the keys
 * of the deadline JSON; an "undo" with a "task" takes the done record
 * back (CAD_CHANGE_UNDONE).  "time" and "task" are our additions to the
 * key list of SPEC § 10.5.
 *
 * Strict: an object, no duplicate or unknown keys, every value of its
 * type, dates and times valid.  No I/O; the fuzz target calls it.
 */
#ifndef DAEMON_API_JSON_H
#define DAEMON_API_JSON_H

#include <stddef.h>

#include "store/change.h"

#define API_CHANGE_BODY_MAX	8192	/* bytes; longer is refused */

struct api_change {
	struct cad_change ch;	/* its strings point into root */
	const char *action;	/* as given */
	void *root;		/* jansson's json_t, owned */
};

/*
 * Parses body[0..len) into *out.  0, or -EINVAL with the one-line
 * reason in err (then out holds nothing to release).
 */
int api_change_parse(const char *body, size_t len, struct api_change *out,
    struct cad_error *err);
void api_change_release(struct api_change *c);
/* the reason for a body over API_CHANGE_BODY_MAX bytes, into err */
void api_too_large(struct cad_error *err);

#endif
