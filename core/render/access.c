/*
 * access.c - JSON of the audit trail and the tokens (access.h).
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "render/access.h"

void
cad_format_utc(int64_t t, char out[static 32])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

static int
json_field(struct cad_buf *b, const char *name, const char *value)
{
	return cad_buf_printf(b, ", \"%s\": ", name) |
	    cad_buf_json_str(b, value);
}

int
cad_json_audit(struct cad_buf *b, const struct cad_audit_entry *v, size_t n)
{
	int r = cad_buf_puts(b, "[");

	for (size_t i = 0; i < n; i++) {
		const struct cad_audit_entry *e = &v[i];
		char when[32];

		cad_format_utc(e->time, when);
		r |= cad_buf_printf(b, "%s{\"id\": %lld, \"time\": \"%s\"",
		    i ? ",\n  " : "\n  ", (long long)e->id, when);
		r |= json_field(b, "who", e->who);
		r |= json_field(b, "via", e->address != NULL ? "api" : "cli");
		r |= json_field(b, "address", e->address);
		r |= json_field(b, "action", cad_audit_action_name(e->action));
		r |= json_field(b, "uid", e->uid);
		r |= json_field(b, "recurrence_id", e->rid);
		r |= json_field(b, "what", e->what);
		r |= json_field(b, "before", e->before);
		r |= json_field(b, "after", e->after);
		r |= cad_buf_puts(b, "}");
	}
	r |= cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return r ? -E2BIG : 0;
}

static int
json_ids(struct cad_buf *b, char *const *v, size_t n)
{
	int r = cad_buf_puts(b, "[");

	for (size_t i = 0; i < n; i++) {
		r |= cad_buf_puts(b, i ? ", " : "");
		r |= cad_buf_json_str(b, v[i]);
	}
	return r | cad_buf_puts(b, "]");
}

int
cad_json_tokens(struct cad_buf *b, const struct cad_token *v, size_t n)
{
	int r = cad_buf_puts(b, "[");

	for (size_t i = 0; i < n; i++) {
		char when[32];

		cad_format_utc(v[i].created, when);
		r |= cad_buf_puts(b, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		r |= cad_buf_json_str(b, v[i].name);
		r |= cad_buf_puts(b, ", \"forums\": ");
		r |= json_ids(b, v[i].forums, v[i].nforums);
		r |= cad_buf_puts(b, ", \"parties\": ");
		r |= json_ids(b, v[i].parties, v[i].nparties);
		r |= cad_buf_printf(b, ", \"created\": \"%s\"}", when);
	}
	r |= cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return r ? -E2BIG : 0;
}
