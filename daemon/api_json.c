/*
 * api_json.c - the change request body (api_json.h).  jansson: it
 * rejects duplicate keys on request (JSON_REJECT_DUPLICATES), reports
 * where the JSON broke, and keeps strings with embedded NULs apart
 * (json_string_length), which we refuse.
 */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "api_json.h"
#include "base/util.h"

/* the string member key of o (absent: NULL); -EINVAL for a wrong type */
static int
member_str(json_t *o, const char *key, bool required, const char **out,
    struct cad_error *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || (json_is_null(v) && !required)) {
		if (!required)
			return 0;
		cad_error_set(err, "'%s' is missing", key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		cad_error_set(err, "'%s' must be a string", key);
		return -EINVAL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		cad_error_set(err, "'%s' contains a NUL character", key);
		return -EINVAL;
	}
	*out = json_string_value(v);
	return 0;
}

static int
check_keys(json_t *o, struct cad_error *err)
{
	static const char *const known[] = { "action", "forum", "date",
		"party", "new_date", "new_time", "time", "reason", "task",
		NULL };
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		size_t i;
		(void)v;
		for (i = 0; known[i] != NULL && strcmp(known[i], key) != 0;
		    i++)
			;
		if (known[i] == NULL) {
			cad_error_set(err, "unknown key '%.64s'", key);
			return -EINVAL;
		}
	}
	return 0;
}

static int
parse_date(const char *key, const char *s, int *day, struct cad_error *err)
{
	if (cad_parse_date(s, day) != 0) {
		cad_error_set(err, "'%s' must be a date YYYY-MM-DD", key);
		return -EINVAL;
	}
	return 0;
}

/* "time" t (absent: NULL): the start of an "add", or of the extra
   meeting an "undo" takes back */
static int
parse_time_of(struct cad_change *ch, const char *t, struct cad_error *err)
{
	if (t == NULL && ch->action == CAD_CHANGE_ADD) {
		cad_error_set(err, "'time' is missing");
		return -EINVAL;
	}
	if (t == NULL)
		return 0;
	if (ch->action != CAD_CHANGE_ADD && ch->action != CAD_CHANGE_UNDO) {
		cad_error_set(err, "'time' goes with \"add\" or \"undo\"");
		return -EINVAL;
	}
	if (cad_parse_time(t, &ch->time) != 0) {
		cad_error_set(err, "'time' must be a time HH:MM");
		return -EINVAL;
	}
	if (ch->action == CAD_CHANGE_UNDO)
		ch->action = CAD_CHANGE_UNADD;
	return 0;
}

/*
 * "task" (absent: NULL): a "done", or an "undo" of one
 * (CAD_CHANGE_UNDONE), names a task and no forum; every other change a
 * forum and no task
 */
static int
parse_task_of(struct cad_change *ch, const char *task, const char *t,
    struct cad_error *err)
{
	bool done = ch->action == CAD_CHANGE_DONE ||
	    (ch->action == CAD_CHANGE_UNDO && task != NULL);

	if (!done) {
		if (task != NULL) {
			cad_error_set(err, "'task' goes with \"done\" or "
			    "\"undo\"");
			return -EINVAL;
		}
		if (ch->forum == NULL) {
			cad_error_set(err, "'forum' is missing");
			return -EINVAL;
		}
		return 0;
	}
	if (task == NULL || ch->forum != NULL || t != NULL ||
	    ch->reason != NULL) {
		cad_error_set(err, task == NULL ? "'task' is missing" :
		    "a task's \"%s\" takes 'task', 'date' and 'party' only",
		    cad_change_action_name(ch->action));
		return -EINVAL;
	}
	ch->task = task;
	if (ch->action == CAD_CHANGE_UNDO)
		ch->action = CAD_CHANGE_UNDONE;
	return 0;
}

/* the members of o into out->ch */
static int
parse_members(json_t *o, struct api_change *out, struct cad_error *err)
{
	struct cad_change *ch = &out->ch;
	const char *date, *nd, *nt, *t, *task;
	int r;

	if ((r = check_keys(o, err)) != 0 ||
	    (r = member_str(o, "action", true, &out->action, err)) != 0 ||
	    (r = member_str(o, "forum", false, &ch->forum, err)) != 0 ||
	    (r = member_str(o, "task", false, &task, err)) != 0 ||
	    (r = member_str(o, "date", true, &date, err)) != 0 ||
	    (r = member_str(o, "party", false, &ch->party, err)) != 0 ||
	    (r = member_str(o, "new_date", false, &nd, err)) != 0 ||
	    (r = member_str(o, "new_time", false, &nt, err)) != 0 ||
	    (r = member_str(o, "time", false, &t, err)) != 0 ||
	    (r = member_str(o, "reason", false, &ch->reason, err)) != 0)
		return r;
	if (cad_change_action_parse(out->action, &ch->action) != 0) {
		cad_error_set(err, "'action' must be \"cancel\", \"move\", "
		    "\"add\", \"undo\" or \"done\"");
		return -EINVAL;
	}
	if ((r = parse_task_of(ch, task, t, err)) != 0 ||
	    (r = parse_time_of(ch, t, err)) != 0)
		return r;
	if ((r = parse_date("date", date, &ch->day, err)) != 0)
		return r;
	if (ch->action != CAD_CHANGE_MOVE && (nd != NULL || nt != NULL)) {
		cad_error_set(err, "'new_date' and 'new_time' go with "
		    "\"move\"");
		return -EINVAL;
	}
	if (ch->action != CAD_CHANGE_CANCEL && ch->action != CAD_CHANGE_ADD &&
	    ch->reason != NULL) {
		cad_error_set(err, "'reason' goes with \"cancel\" or \"add\"");
		return -EINVAL;
	}
	if (ch->action == CAD_CHANGE_MOVE && nd == NULL) {
		cad_error_set(err, "'new_date' is missing");
		return -EINVAL;
	}
	if (nd != NULL && (r = parse_date("new_date", nd, &ch->new_day,
	    err)) != 0)
		return r;
	ch->new_time = -1;
	if (nt != NULL && cad_parse_time(nt, &ch->new_time) != 0) {
		cad_error_set(err, "'new_time' must be a time HH:MM");
		return -EINVAL;
	}
	return 0;
}

/* the reason quotes the client's bytes: printable ASCII only, so that
   it goes into the JSON answer and the log as it is */
static int
refuse(struct cad_error *err)
{
	for (char *p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return -EINVAL;
}

int
api_change_parse(const char *body, size_t len, struct api_change *out,
    struct cad_error *err)
{
	json_error_t je;
	json_t *root;
	int r;

	memset(out, 0, sizeof *out);
	if (len > API_CHANGE_BODY_MAX) {
		cad_error_set(err, "the body is longer than %d bytes",
		    API_CHANGE_BODY_MAX);
		return -EINVAL;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		cad_error_set(err, "invalid JSON at line %d, column %d: %s",
		    je.line, je.column, je.text);
		return refuse(err);
	}
	if (!json_is_object(root)) {
		cad_error_set(err, "the body must be a JSON object");
		json_decref(root);
		return -EINVAL;
	}
	if ((r = parse_members(root, out, err)) != 0) {
		json_decref(root);
		memset(out, 0, sizeof *out);
		return refuse(err);
	}
	out->root = root;
	return 0;
}

void
api_change_release(struct api_change *c)
{
	json_decref(c->root);
	memset(c, 0, sizeof *c);
}
