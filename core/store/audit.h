/*
 * audit.h - the append-only record of every change (SPEC § 10.5): when,
 * who (the OS user of cadencectl, or the token name and address of an
 * API client), what, before and after.  The table refuses UPDATE and
 * DELETE (triggers), so a record, once written, stays.
 */
#ifndef CAD_AUDIT_H
#define CAD_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

enum cad_audit_action {
	CAD_AUDIT_CANCEL,
	CAD_AUDIT_MOVE,
	CAD_AUDIT_UNCANCEL,
	CAD_AUDIT_UNDO,
	CAD_AUDIT_ADD,		/* an extra meeting */
	CAD_AUDIT_UNADD,	/* an extra meeting taken back */
	CAD_AUDIT_TERMINATE,
	CAD_AUDIT_WITHDRAW,
	CAD_AUDIT_TOKEN_ADD,
	CAD_AUDIT_TOKEN_REVOKE,
	CAD_AUDIT_DONE,		/* a task recorded done (SPEC § 10.3) */
	CAD_AUDIT_UNDONE,	/* and taken back */
};

/* who made a change */
struct cad_actor {
	const char *who;	/* OS user, or the token's name */
	const char *address;	/* the API client's address, NULL for CLI */
};

/* a record to append (cad_audit_add): the caller's strings, borrowed */
struct cad_audit_row {
	int64_t time;		/* unix seconds */
	const char *who;
	const char *address;	/* NULL: made with cadencectl */
	enum cad_audit_action action;
	const char *uid;	/* the meeting's series, or NULL */
	const char *rid;	/* its RECURRENCE-ID "YYYY-MM-DDTHH:MM" */
	const char *what;	/* e.g. "kuntaneuvottelu 2026-02-04 sotkamo" */
	const char *before;	/* NULL or "": nothing */
	const char *after;
};
/* a record read back (cad_audit_list): owned, cad_audit_entries_free() */
struct cad_audit_entry {
	int64_t id;		/* the table's, in order of writing */
	int64_t time;		/* the fields as in cad_audit_row */
	char *who, *address;
	enum cad_audit_action action;
	char *uid, *rid, *what;
	char *before, *after;	/* "" when nothing */
};

/* "cancel", "move", ..., "token-revoke", "done", "undone" */
const char *cad_audit_action_name(enum cad_audit_action a);

/* appends e (its time as given: e->time; the id is the table's) */
int cad_audit_add(struct cad_store *st, const struct cad_audit_row *e,
    struct cad_error *err);
/* every record, oldest first */
int cad_audit_list(struct cad_store *st, struct cad_audit_entry **out,
    size_t *n, struct cad_error *err);
void cad_audit_entries_free(struct cad_audit_entry *v, size_t n);

/*
 * What a record's before and after say, written here and read back
 * here only (cadencectl audit shows them in the reader's language;
 * --json and the API keep the stored text):
 *	"2026-02-04 13:00 cancelled"	a meeting: its day, time and state
 *	"2027-06-30 due"		a task's day and state
 *	"noticed 2026-03-15, effective 2027-03-15"	a termination
 *	"forums: a,b; parties: all"	an API token's scope
 */
enum cad_audit_word {
	CAD_AUDIT_WORD_NONE,		/* a day and time alone */
	CAD_AUDIT_WORD_CANCELLED,
	CAD_AUDIT_WORD_MOVED,
	CAD_AUDIT_WORD_ADDED,
	CAD_AUDIT_WORD_DONE,
	CAD_AUDIT_WORD_DUE,
};
char *cad_audit_when_text(int day, int time, enum cad_audit_word w);
/* time < 0: the day alone */
char *cad_audit_notice_text(int noticed, int effective);
/* "" for forums or parties: all */
char *cad_audit_scope_text(const char *forums, const char *parties);

enum cad_audit_state_kind {
	CAD_AUDIT_STATE_EMPTY,
	CAD_AUDIT_STATE_WHEN,		/* head, word */
	CAD_AUDIT_STATE_NOTICE,		/* a = noticed, b = effective */
	CAD_AUDIT_STATE_SCOPE,		/* a = forums, b = parties, "all" */
	CAD_AUDIT_STATE_OTHER,		/* none of these: show it as it is */
};
struct cad_audit_state {
	enum cad_audit_state_kind kind;
	enum cad_audit_word word;
	char head[32];			/* "2026-02-04 13:00", "2027-06-30" */
	char a[256], b[256];
};
void cad_audit_state_parse(const char *s, struct cad_audit_state *out);

/* "2026-12-03T08:00:00Z" */
void cad_format_utc(int64_t t, char out[static 32]);
/* the records as JSON (cadencectl audit --json, GET /api/v1/audit) */
int cad_audit_json(struct cad_buf *b, const struct cad_audit_entry *v,
    size_t n);

#endif
