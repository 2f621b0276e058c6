/*
 * audit.c - the audit table (audit.h).  Only INSERT and SELECT: the
 * schema's triggers refuse UPDATE and DELETE.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "store/store_int.h"

static const char *const action_names[] = {
	[CAD_AUDIT_CANCEL] = "cancel",
	[CAD_AUDIT_MOVE] = "move",
	[CAD_AUDIT_UNCANCEL] = "uncancel",
	[CAD_AUDIT_UNDO] = "undo",
	[CAD_AUDIT_ADD] = "add",
	[CAD_AUDIT_UNADD] = "unadd",
	[CAD_AUDIT_TERMINATE] = "terminate",
	[CAD_AUDIT_WITHDRAW] = "withdraw",
	[CAD_AUDIT_TOKEN_ADD] = "token-add",
	[CAD_AUDIT_TOKEN_REVOKE] = "token-revoke",
	[CAD_AUDIT_DONE] = "done",
	[CAD_AUDIT_UNDONE] = "undone",
};

const char *
cad_audit_action_name(enum cad_audit_action a)
{
	return CAD_STORE_NAME(action_names, a);
}

static const char *const word_names[] = {
	[CAD_AUDIT_WORD_NONE] = NULL,
	[CAD_AUDIT_WORD_CANCELLED] = "cancelled",
	[CAD_AUDIT_WORD_MOVED] = "moved",
	[CAD_AUDIT_WORD_ADDED] = "added",
	[CAD_AUDIT_WORD_DONE] = "done",
	[CAD_AUDIT_WORD_DUE] = "due",
};
/* the two texts of two parts each, spelled once for writing and reading */
#define NOTICE_A	"noticed "
#define NOTICE_B	", effective "
#define SCOPE_A		"forums: "
#define SCOPE_B		"; parties: "

char *
cad_audit_when_text(int day, int time, enum cad_audit_word w)
{
	const char *word = w != CAD_AUDIT_WORD_NONE ?
	    CAD_STORE_NAME(word_names, w) : NULL;
	char d[11], t[16] = "";

	cad_format_date(day, d);
	if (time >= 0)
		snprintf(t, sizeof t, " %02d:%02d", time / 60, time % 60);
	return cad_asprintf("%s%s%s%s", d, t, word != NULL ? " " : "",
	    word != NULL ? word : "");
}

char *
cad_audit_notice_text(int noticed, int effective)
{
	char n[11], e[11];

	cad_format_date(noticed, n);
	cad_format_date(effective, e);
	return cad_asprintf(NOTICE_A "%s" NOTICE_B "%s", n, e);
}

char *
cad_audit_scope_text(const char *forums, const char *parties)
{
	return cad_asprintf(SCOPE_A "%s" SCOPE_B "%s",
	    *forums != '\0' ? forums : "all",
	    *parties != '\0' ? parties : "all");
}

static void
copy_part(char *dst, size_t size, const char *s, size_t n)
{
	snprintf(dst, size, "%.*s", (int)n, s);
}

/* s is A, a part, B, a part: the parts into out->a and out->b */
static bool
split_pair(const char *s, const char *a, const char *b,
    struct cad_audit_state *out)
{
	size_t na = strlen(a), nb = strlen(b);
	const char *p;

	if (strncmp(s, a, na) != 0 || (p = strstr(s + na, b)) == NULL)
		return false;
	copy_part(out->a, sizeof out->a, s + na, (size_t)(p - s - na));
	copy_part(out->b, sizeof out->b, p + nb, strlen(p + nb));
	return true;
}

void
cad_audit_state_parse(const char *s, struct cad_audit_state *out)
{
	size_t n = strlen(s);

	memset(out, 0, sizeof *out);
	out->kind = CAD_AUDIT_STATE_OTHER;
	if (n == 0) {
		out->kind = CAD_AUDIT_STATE_EMPTY;
		return;
	}
	if (split_pair(s, NOTICE_A, NOTICE_B, out)) {
		out->kind = CAD_AUDIT_STATE_NOTICE;
		return;
	}
	if (split_pair(s, SCOPE_A, SCOPE_B, out)) {
		out->kind = CAD_AUDIT_STATE_SCOPE;
		return;
	}
	/* "YYYY-MM-DD[ HH:MM][ word]" */
	char d[11];
	int day;
	copy_part(d, sizeof d, s, 10);
	if (n < 10 || cad_parse_date(d, &day) != 0)
		return;
	size_t h = 10;
	if (n >= 16 && s[10] == ' ' && s[13] == ':')
		h = 16;
	const char *rest = s + h;
	int w = *rest == '\0' ? CAD_AUDIT_WORD_NONE : *rest == ' ' ?
	    CAD_STORE_INDEX(word_names, rest + 1) : -1;
	if (w < 0)
		return;
	out->word = (enum cad_audit_word)w;
	out->kind = CAD_AUDIT_STATE_WHEN;
	copy_part(out->head, sizeof out->head, s, h);
}

int
cad_audit_add(struct cad_store *st, const struct cad_audit_row *e,
    struct cad_error *err)
{
	static const char sql[] =
	    "INSERT INTO audit (time, who, address, via, action, uid, rid, "
	    "what, before, after) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
	sqlite3_stmt *stmt;
	int r;

	if ((r = cad_store_stmt(st, &stmt, sql, err, "itttttttt" "t",
	    e->time, e->who, e->address, e->address != NULL ? "api" : "cli",
	    cad_audit_action_name(e->action), e->uid, e->rid, e->what,
	    e->before != NULL ? e->before : "",
	    e->after != NULL ? e->after : "")) != 0)
		return r;
	return cad_store_step_done(st, stmt, "audit", err);
}

/* one audit row into elem, a struct cad_audit_entry (cad_store_rows'
   row); -EIO when malformed */
static int
read_entry(sqlite3_stmt *stmt, void *elem, struct cad_error *err)
{
	struct cad_audit_entry *e = elem;

	e->id = sqlite3_column_int64(stmt, 0);
	e->time = sqlite3_column_int64(stmt, 1);
	e->who = cad_store_col_strdup(stmt, 2);
	e->address = cad_store_col_strdup(stmt, 3);
	e->uid = cad_store_col_strdup(stmt, 5);
	e->rid = cad_store_col_strdup(stmt, 6);
	e->what = cad_store_col_strdup(stmt, 7);
	e->before = cad_store_col_strdup(stmt, 8);
	e->after = cad_store_col_strdup(stmt, 9);
	int action = CAD_STORE_INDEX(action_names,
	    (const char *)sqlite3_column_text(stmt, 4));
	if (action >= 0)
		e->action = (enum cad_audit_action)action;
	if (action < 0 || e->who == NULL || e->what == NULL ||
	    e->before == NULL || e->after == NULL) {
		cad_error_set(err, "audit record %lld is malformed",
		    (long long)e->id);
		return -EIO;
	}
	return 1;
}

static void
drop_entry(void *elem)
{
	struct cad_audit_entry *e = elem;

	free(e->who);
	free(e->address);
	free(e->uid);
	free(e->rid);
	free(e->what);
	free(e->before);
	free(e->after);
}

int
cad_audit_list(struct cad_store *st, struct cad_audit_entry **out,
    size_t *n, struct cad_error *err)
{
	static const char sql[] =
	    "SELECT id, time, who, address, action, uid, rid, what, before, "
	    "after FROM audit ORDER BY id";
	void *v;
	int r;

	r = cad_store_rows(st, sql, sizeof **out, read_entry, drop_entry, &v,
	    n, "read audit", err);
	*out = v;
	return r;
}

void
cad_audit_entries_free(struct cad_audit_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		drop_entry(&v[i]);
	free(v);
}

void
cad_format_utc(int64_t t, char out[static 32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

static void
json_field(struct cad_buf *b, const char *name, const char *value)
{
	cad_buf_printf(b, ", \"%s\": ", name);
	cad_buf_json_str(b, value);
}

int
cad_audit_json(struct cad_buf *b, const struct cad_audit_entry *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		const struct cad_audit_entry *e = &v[i];
		char when[32];

		cad_format_utc(e->time, when);
		cad_buf_printf(b, "%s{\"id\": %lld, \"time\": \"%s\"",
		    i ? ",\n  " : "\n  ", (long long)e->id, when);
		json_field(b, "who", e->who);
		json_field(b, "via", e->address != NULL ? "api" : "cli");
		json_field(b, "address", e->address);
		json_field(b, "action", cad_audit_action_name(e->action));
		json_field(b, "uid", e->uid);
		json_field(b, "recurrence_id", e->rid);
		json_field(b, "what", e->what);
		json_field(b, "before", e->before);
		json_field(b, "after", e->after);
		cad_buf_puts(b, "}");
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}
