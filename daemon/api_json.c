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
#include "base/lang.h"
#include "base/util.h"

/*
 * The client's bytes in a reason (a key, jansson's quote of the body):
 * printable ASCII only, the rest '?', at most n - 1 bytes, so that the
 * reason goes into the JSON answer and the log as it is, whatever was
 * sent.  The reason's own words are in the answer's language.
 */
static const char *
printable(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] > 0x7e ? '?' : s[i];
	out[i] = '\0';
	return out;
}

/* "'KEY' puuttuu": a member the change needs is not there */
static int
missing(const char *key, struct cad_error *err)
{
	cad_error_set(err, _("'%s' puuttuu"), key);
	return -EINVAL;
}

static int
bad_time(const char *key, struct cad_error *err)
{
	cad_error_set(err, _("'%s' pitää olla kellonaika HH:MM"), key);
	return -EINVAL;
}

/* the string member key of o (absent: NULL); -EINVAL for a wrong type */
static int
member_str(json_t *o, const char *key, bool required, const char **out,
    struct cad_error *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || (json_is_null(v) && !required)) {
		return required ? missing(key, err) : 0;
	}
	if (!json_is_string(v)) {
		cad_error_set(err, _("'%s' pitää olla merkkijono"), key);
		return -EINVAL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		cad_error_set(err, _("'%s' sisältää NUL-merkin"), key);
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
			char k[65];
			cad_error_set(err, _("tuntematon avain '%s'"),
			    printable(key, k, sizeof k));
			return -EINVAL;
		}
	}
	return 0;
}

static int
parse_date(const char *key, const char *s, int *day, struct cad_error *err)
{
	if (cad_parse_date(s, day) != 0) {
		cad_error_set(err, _("'%s' pitää olla päivämäärä "
		    "YYYY-MM-DD"), key);
		return -EINVAL;
	}
	return 0;
}

/* "time" t (absent: NULL): the start of an "add", or of the extra
   meeting an "undo" takes back */
static int
parse_time_of(struct cad_change *ch, const char *t, struct cad_error *err)
{
	if (t == NULL && ch->action == CAD_CHANGE_ADD)
		return missing("time", err);
	if (t == NULL)
		return 0;
	if (ch->action != CAD_CHANGE_ADD && ch->action != CAD_CHANGE_UNDO) {
		cad_error_set(err, _("'time' kuuluu vain toimintoihin "
		    "\"add\" ja \"undo\""));
		return -EINVAL;
	}
	if (cad_parse_time(t, &ch->time) != 0)
		return bad_time("time", err);
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
			cad_error_set(err, _("'task' kuuluu vain toimintoihin "
			    "\"done\" ja \"undo\""));
			return -EINVAL;
		}
		return ch->forum == NULL ? missing("forum", err) : 0;
	}
	if (task == NULL)
		return missing("task", err);
	if (ch->forum != NULL || t != NULL || ch->reason != NULL) {
		cad_error_set(err, _("tehtävän \"%s\" avaimet ovat vain "
		    "'task', 'date' ja 'party'"),
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
		cad_error_set(err, _("'action' pitää olla \"cancel\", "
		    "\"move\", \"add\", \"undo\" tai \"done\""));
		return -EINVAL;
	}
	if ((r = parse_task_of(ch, task, t, err)) != 0 ||
	    (r = parse_time_of(ch, t, err)) != 0)
		return r;
	if ((r = parse_date("date", date, &ch->day, err)) != 0)
		return r;
	if (ch->action != CAD_CHANGE_MOVE && (nd != NULL || nt != NULL)) {
		cad_error_set(err, _("'new_date' ja 'new_time' kuuluvat "
		    "vain toimintoon \"move\""));
		return -EINVAL;
	}
	if (ch->action != CAD_CHANGE_CANCEL && ch->action != CAD_CHANGE_ADD &&
	    ch->reason != NULL) {
		cad_error_set(err, _("'reason' kuuluu vain toimintoihin "
		    "\"cancel\" ja \"add\""));
		return -EINVAL;
	}
	if (ch->action == CAD_CHANGE_MOVE && nd == NULL)
		return missing("new_date", err);
	if (nd != NULL && (r = parse_date("new_date", nd, &ch->new_day,
	    err)) != 0)
		return r;
	ch->new_time = -1;
	if (nt != NULL && cad_parse_time(nt, &ch->new_time) != 0)
		return bad_time("new_time", err);
	return 0;
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
		api_too_large(err);
		return -EINVAL;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		char why[sizeof je.text];
		/* TRANSLATORS: the last %s is jansson's reason, in English */
		cad_error_set(err, _("virheellinen JSON rivillä %1$d, "
		    "sarakkeessa %2$d: %3$s"), je.line, je.column,
		    printable(je.text, why, sizeof why));
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		cad_error_set(err, _("pyynnön rungon pitää olla JSON-olio"));
		json_decref(root);
		return -EINVAL;
	}
	if ((r = parse_members(root, out, err)) != 0) {
		json_decref(root);
		memset(out, 0, sizeof *out);
		return r;
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

void
api_too_large(struct cad_error *err)
{
	cad_error_set(err, _("pyynnön runko on yli %d tavua"),
	    API_CHANGE_BODY_MAX);
}
