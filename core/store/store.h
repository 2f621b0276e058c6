/*
 * store.h - the sqlite state in state_dir/cadenced.db: overrides,
 * terminations, per-series content hash and SEQUENCE.  WAL, busy
 * timeout, migrations by PRAGMA user_version.  Shared by the daemon and
 * cadencectl (both may have it open at once).
 */
#ifndef CAD_STORE_H
#define CAD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/deadline.h"
#include "model/plan.h"
#include "base/util.h"

struct cad_store;

/*
 * Creates state_dir (0750) and the database when missing -- unless the
 * directory held a database before (its marker file cadenced.db.created
 * is there): then a missing or empty database is an error that says so,
 * and only CAD_STORE_RESET (cadenced --reset-state) starts afresh.
 */
int cad_store_open(const char *state_dir, struct cad_store **out,
    struct cad_error *err);
enum {
	CAD_STORE_RESET = 1,
	/* read only, for a full disk: sqlite's immutable=1, no -wal or
	   -shm file made, no migration; nobody may write meanwhile */
	CAD_STORE_READONLY = 2,
};
int cad_store_open_flags(const char *state_dir, unsigned flags,
    struct cad_store **out, struct cad_error *err);
/*
 * 0 while the database path still names the file opened (not deleted,
 * not replaced) and, when deep, PRAGMA quick_check finds it sound.
 * Otherwise an error with the reason, and from then on this handle
 * writes nothing (PRAGMA query_only) and keeps returning that error.
 */
int cad_store_verify(struct cad_store *st, bool deep, struct cad_error *err);
bool cad_store_readonly(const struct cad_store *st);
void cad_store_close(struct cad_store *st);

/* the current schema version after migrations */
int cad_store_version(struct cad_store *st);

/* overrides: one per (uid, rid); a new one replaces the old */
int cad_store_put_override(struct cad_store *st,
    const struct cad_override *ov, struct cad_error *err);
int cad_store_delete_override(struct cad_store *st, const char *uid,
    int rid_day, int rid_time, struct cad_error *err);
int cad_store_overrides(struct cad_store *st, struct cad_override **out,
    size_t *n, struct cad_error *err);
void cad_overrides_free(struct cad_override *v, size_t n);

/* terminations: one per party; withdraw deletes it */
int cad_store_put_termination(struct cad_store *st,
    const struct cad_termination *t, struct cad_error *err);
/* -ENOENT when the party has none */
int cad_store_withdraw_termination(struct cad_store *st, const char *party,
    struct cad_error *err);
int cad_store_terminations(struct cad_store *st,
    struct cad_termination **out, size_t *n, struct cad_error *err);
void cad_terminations_free(struct cad_termination *v, size_t n);

/*
 * Per-series version: when hash differs from the stored one (or none is
 * stored), SEQUENCE is raised (starting at 0) and LAST-MODIFIED set to
 * now; the result (struct cad_series_state, model/plan.h) is written
 * back.  Same hash: nothing changes.
 */
/* what cad_store_series_sync last recorded, without writing; a series
   not in the database: sequence 0, created and modified now */
int cad_store_series_state(struct cad_store *st, const char *uid,
    int64_t now, struct cad_series_state *out, struct cad_error *err);
int cad_store_series_sync(struct cad_store *st, const char *uid,
    const char *hash, int64_t now, struct cad_series_state *out,
    struct cad_error *err);

/*
 * Transactions spanning several calls (BEGIN IMMEDIATE ... COMMIT); used
 * by cad_outbox_sync so that SEQUENCE and the outbox rows of a change
 * are written together.  cad_store_series_sync joins an open one.  They
 * nest: inside an open transaction begin/commit/rollback make and end a
 * savepoint, and only the outermost commit writes (the daemon's snapshot
 * build keeps everything of one build in one transaction).  A rollback
 * undoes the innermost level; after a failed commit, roll back.
 */
int cad_store_begin(struct cad_store *st, struct cad_error *err);
int cad_store_commit(struct cad_store *st, struct cad_error *err);
void cad_store_rollback(struct cad_store *st);
/*
 * A read transaction (BEGIN DEFERRED; nested, a savepoint): the reads
 * until its commit or rollback see one state of the store, and in WAL
 * mode it holds back no writer.
 */
int cad_store_begin_read(struct cad_store *st, struct cad_error *err);

/*
 * A series that no longer exists: SEQUENCE raised, hash forgotten (so a
 * return raises it again).  -ENOENT when the store has no such series.
 */
int cad_store_series_gone(struct cad_store *st, const char *uid,
    int64_t now, struct cad_series_state *out, struct cad_error *err);
/*
 * SEQUENCE of uid raised to sequence (never lowered): when one sync sends
 * a series' receivers several messages (a CANCEL, then a REQUEST), each
 * takes the next number (SPEC § 10.6), and the stored one is the last.
 */
int cad_store_series_raise(struct cad_store *st, const char *uid,
    int sequence, struct cad_error *err);

/*
 * The outbox (core/store/outbox.h has the design).  Channel, kind and
 * state are enums in C and text only in the database and in what
 * cad_outbox_*_name() return for people (cadencectl outbox): channel
 * "caldav" | "smtp"; kind "put" | "delete" (CalDAV), "invite" | "update" |
 * "cancel" (iMIP), "reminder" (a deadline e-mail, SPEC § 6,
 * core/store/reminder.h: uid is the deadline's, sequence its remind_days
 * offset); state "pending" | "sent" | "failed".
 */
enum cad_channel {
	CAD_CHANNEL_CALDAV,
	CAD_CHANNEL_SMTP,
};
enum cad_outbox_kind {
	CAD_KIND_PUT,
	CAD_KIND_DELETE,
	CAD_KIND_INVITE,
	CAD_KIND_UPDATE,
	CAD_KIND_CANCEL,
	CAD_KIND_REMINDER,
};
#define CAD_KIND_BIT(k)	(1u << (k))	/* sets of kinds */
enum cad_outbox_state {
	CAD_STATE_PENDING,
	CAD_STATE_SENT,
	CAD_STATE_FAILED,
};
const char *cad_channel_name(enum cad_channel c);
const char *cad_outbox_kind_name(enum cad_outbox_kind k);
const char *cad_outbox_state_name(enum cad_outbox_state s);

struct cad_outbox_entry {
	int64_t id;
	enum cad_channel channel;
	char *target;		/* resource URL or recipient address */
	char *uid;
	enum cad_outbox_kind kind;
	char *rid;		/* "YYYY-MM-DDTHH:MM" for one instance, or NULL */
	int sequence;
	char *sender;		/* SMTP envelope sender, or NULL */
	char *payload;		/* NUL-terminated; NULL when not read */
	size_t payload_len;
	enum cad_outbox_state state;
	int attempts;
	char *last_error;	/* NULL when none */
	int64_t created;
	int64_t due;
	int64_t done;		/* 0 while pending */
};
/* a row to add: the fields of cad_outbox_entry that a new one has */
struct cad_outbox_row {
	enum cad_channel channel;
	const char *target;
	const char *uid;
	enum cad_outbox_kind kind;
	const char *rid;	/* NULL: the whole series */
	int sequence;
	const char *sender;
	const char *payload;
	size_t payload_len;
	int64_t created;
	int64_t due;
};
/* a new pending entry, due at e->due; its id in *id (may be NULL) */
int cad_store_outbox_add(struct cad_store *st,
    const struct cad_outbox_row *e, int64_t *id, struct cad_error *err);
/*
 * Removes the not yet sent entries (pending or failed) of uid + channel +
 * target whose kind is in kinds (CAD_KIND_BIT()s).  *invite (may be
 * NULL) tells whether one of them was an invite.
 */
int cad_store_outbox_supersede(struct cad_store *st, const char *uid,
    enum cad_channel channel, const char *target, unsigned kinds,
    bool *invite, struct cad_error *err);
/* every entry, oldest first; payloads only when with_payload */
int cad_store_outbox_list(struct cad_store *st, bool with_payload,
    struct cad_outbox_entry **out, size_t *n, struct cad_error *err);
/* pending entries due at now that are the oldest pending one of their
   uid + channel + target, oldest first, at most limit, with payloads */
int cad_store_outbox_due(struct cad_store *st, int64_t now, size_t limit,
    struct cad_outbox_entry **out, size_t *n, struct cad_error *err);
/* the number of entries in each state (for /metrics) */
struct cad_outbox_counts {
	size_t pending;
	size_t sent;
	size_t failed;
};
int cad_store_outbox_counts(struct cad_store *st,
    struct cad_outbox_counts *out, struct cad_error *err);
/* the earliest due time of a pending entry; INT64_MAX when none */
int cad_store_outbox_next_due(struct cad_store *st, int64_t *due,
    struct cad_error *err);
/*
 * Records one delivery attempt: attempts + 1, state, last_error (NULL on
 * success), due (pending only) and done (sent/failed).  -ENOENT when the
 * entry is gone (superseded meanwhile).
 */
int cad_store_outbox_finish(struct cad_store *st, int64_t id,
    enum cad_outbox_state state, const char *error, int64_t due, int64_t now,
    struct cad_error *err);
/* failed and waiting pending entries become pending and due at now;
   their number in *n (may be NULL) */
int cad_store_outbox_retry(struct cad_store *st, int64_t now, int *n,
    struct cad_error *err);
/* frees what e owns (e itself stays) */
void cad_outbox_entry_release(struct cad_outbox_entry *e);
void cad_outbox_entries_free(struct cad_outbox_entry *v, size_t n);

/* what one recipient of one series was last given */
struct cad_outbox_peer {
	char *uid;
	enum cad_channel channel;
	char *target;
	char *hash;		/* the content hash it was sent */
	char *cancelled;	/* instances cancelled to it: space-separated
				   "YYYY-MM-DDTHH:MM", "" when none */
	char *name;		/* the attendee's CN, or NULL */
	char *summary;		/* for a later CANCEL, or NULL */
	char *dtstart;		/* local "YYYY-MM-DDTHH:MM", or NULL */
};
/* a peer to store: cad_outbox_peer's fields, borrowed */
struct cad_peer_row {
	const char *uid;
	enum cad_channel channel;
	const char *target;
	const char *hash;
	const char *cancelled;	/* NULL: "" */
	const char *name;
	const char *summary;
	const char *dtstart;
};
/* uid NULL: every peer; ordered by uid, channel, target */
int cad_store_peers(struct cad_store *st, const char *uid,
    struct cad_outbox_peer **out, size_t *n, struct cad_error *err);
int cad_store_peer_put(struct cad_store *st, const struct cad_peer_row *p,
    struct cad_error *err);
int cad_store_peer_delete(struct cad_store *st, const char *uid,
    enum cad_channel channel, const char *target, struct cad_error *err);
void cad_outbox_peers_free(struct cad_outbox_peer *v, size_t n);

/* the ETag of a CalDAV resource as last seen: *etag NULL when unknown */
int cad_store_etag(struct cad_store *st, const char *url, char **etag,
    struct cad_error *err);
/* etag NULL forgets it */
int cad_store_set_etag(struct cad_store *st, const char *url,
    const char *etag, struct cad_error *err);

/*
 * Deadline reminders handled (core/store/reminder.h): one record per deadline
 * (kind + task + date + party) and remind_days offset, "sent" (enqueued to
 * recipients) or "skipped" (a later one was caught up instead).
 */
enum cad_reminder_state {
	CAD_REMINDER_SENT,
	CAD_REMINDER_SKIPPED,
};
/* a record to write: the caller's strings, borrowed */
struct cad_reminder_row {
	enum cad_deadline_kind kind;
	const char *task;	/* the task's id, or NULL */
	int day;		/* the deadline's day number */
	const char *party;	/* termination's or task's party, or NULL */
	int days_before;	/* the remind_days offset */
	enum cad_reminder_state state;
	int recipients;		/* outbox rows enqueued */
	int64_t created;	/* unix seconds */
};
/* a record read back: owned, the fields as in cad_reminder_row */
struct cad_reminder_record {
	enum cad_deadline_kind kind;
	enum cad_reminder_state state;
	char *task, *party;
	int day, days_before, recipients;
	int64_t created;
};
/* records one; an existing record of the same key stays as it is */
int cad_store_reminder_put(struct cad_store *st,
    const struct cad_reminder_row *rec, struct cad_error *err);
/* every record, by date, kind, party, largest offset first */
int cad_store_reminders(struct cad_store *st,
    struct cad_reminder_record **out, size_t *n, struct cad_error *err);
void cad_reminder_records_free(struct cad_reminder_record *v, size_t n);

/*
 * Tasks recorded done (cadencectl done): one per (task, party, due); a
 * new one replaces the old.  delete: -ENOENT when there is none.
 */
int cad_store_put_done(struct cad_store *st, const char *task,
    const char *party, int due, int64_t now, struct cad_error *err);
int cad_store_delete_done(struct cad_store *st, const char *task,
    const char *party, int due, struct cad_error *err);
int cad_store_done(struct cad_store *st, struct cad_task_done **out,
    size_t *n, struct cad_error *err);
void cad_task_done_free(struct cad_task_done *v, size_t n);

/*
 * One-off extra meetings (cadencectl add): one per (uid, local start).
 * delete: -ENOENT when there is none.
 */
int cad_store_put_addition(struct cad_store *st, const struct cad_addition *x,
    int64_t now, struct cad_error *err);
int cad_store_delete_addition(struct cad_store *st, const char *uid, int day,
    int time_of_day, struct cad_error *err);
int cad_store_additions(struct cad_store *st, struct cad_addition **out,
    size_t *n, struct cad_error *err);
void cad_additions_free(struct cad_addition *v, size_t n);

/* everything the planner reads from the store */
struct cad_store_inputs {
	struct cad_override *ov;
	size_t nov;
	struct cad_termination *term;
	size_t nterm;
	struct cad_task_done *done;
	size_t ndone;
	struct cad_addition *additions;
	size_t nadditions;
};
/* reads them all; on error *in is empty */
int cad_store_inputs(struct cad_store *st, struct cad_store_inputs *in,
    struct cad_error *err);
void cad_store_inputs_release(struct cad_store_inputs *in);
/*
 * cad_store_inputs and cad_store_inputs_digest of the same moment, in
 * one read transaction: what a change was decided on and how to tell,
 * when it is written, that nothing of it changed meanwhile (change.h)
 */
int cad_store_inputs_read(struct cad_store *st, struct cad_store_inputs *in,
    char digest[static 65], struct cad_error *err);
/* a plan context for today that points into in */
void cad_store_inputs_ctx(const struct cad_store_inputs *in, int today,
    struct cad_plan_ctx *ctx);

/* a counter that changes whenever a writer committed (PRAGMA data_version
   combined with our own writes); lets the daemon notice cadencectl */
int cad_store_changed(struct cad_store *st, int64_t *version);

/*
 * SHA-256 (hex, 65 with the NUL) of every row of the tables that what
 * the daemon serves is made of (overrides, terminations, series states,
 * tasks done, extra meetings, the audit; not the outbox): equal digests,
 * equal inputs.  Read inside the caller's transaction, if any (digest.c).
 */
int cad_store_digest(struct cad_store *st, char out[static 65],
    struct cad_error *err);
/* the same of the tables cad_store_inputs reads (overrides,
   terminations, tasks done, extra meetings): equal digests, equal
   inputs */
int cad_store_inputs_digest(struct cad_store *st, char out[static 65],
    struct cad_error *err);

#endif
