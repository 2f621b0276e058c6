/*
 * api_client.c - POST /api/v1/changes with libcurl (api_client.h).  The
 * body is built and the answer read with jansson, the daemon's JSON
 * library.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <jansson.h>

#include "net/api_client.h"
#include "base/lang.h"

#define ANSWER_MAX	(64u << 10)
#define TIMEOUT_S	30L
#define CONNECT_S	10L

int
cad_api_read_token(const char *path, char **out, struct cad_error *err)
{
	char line[256];
	struct stat sb;
	FILE *fp;
	size_t n;

	*out = NULL;
	if ((fp = fopen(path, "re")) == NULL) {
		int e = errno;
		cad_error_set(err, _("tiedostoa '%1$s' ei voi avata: %2$s"),
		    path, strerror(e));
		return -e;
	}
	if (fstat(fileno(fp), &sb) == 0 && (sb.st_mode & 077) != 0) {
		fclose(fp);
		cad_error_set(err, _("muut voivat lukea pääsytunnustiedostoa "
		    "'%s': chmod 600 sille"), path);
		return -EPERM;
	}
	if (fgets(line, sizeof line, fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	n = strcspn(line, "\r\n \t");
	line[n] = '\0';
	if (n == 0) {
		cad_error_set(err, _("pääsytunnustiedostossa '%s' ei ole "
		    "pääsytunnusta"), path);
		return -EINVAL;
	}
	*out = cad_strdup(line);
	explicit_bzero(line, sizeof line);
	return 0;
}

/* libcurl's write callback: a short count stops the transfer once the
   answer is past its buffer's ceiling */
static size_t
collect(char *p, size_t size, size_t n, void *cls)
{
	cad_buf_add(cls, p, size * n);
	return cad_buf_error(cls) == 0 ? size * n : 0;
}

/* the request's body: only the members the change has */
static char *
body_of(const struct cad_change *ch)
{
	json_t *o = json_object();
	char d[11], t[8];
	char *s;

	json_object_set_new(o, "action",
	    json_string(cad_change_action_name(ch->action)));
	if (ch->forum != NULL)
		json_object_set_new(o, "forum", json_string(ch->forum));
	if (ch->task != NULL)
		json_object_set_new(o, "task", json_string(ch->task));
	cad_format_date(ch->day, d);
	json_object_set_new(o, "date", json_string(d));
	if (ch->party != NULL)
		json_object_set_new(o, "party", json_string(ch->party));
	if (ch->action == CAD_CHANGE_MOVE) {
		cad_format_date(ch->new_day, d);
		json_object_set_new(o, "new_date", json_string(d));
	}
	if (ch->action == CAD_CHANGE_MOVE && ch->new_time >= 0) {
		snprintf(t, sizeof t, "%02d:%02d", ch->new_time / 60 % 100,
		    ch->new_time % 60);
		json_object_set_new(o, "new_time", json_string(t));
	}
	if (ch->action == CAD_CHANGE_ADD || ch->action == CAD_CHANGE_UNADD) {
		snprintf(t, sizeof t, "%02d:%02d", ch->time / 60 % 100,
		    ch->time % 60);
		json_object_set_new(o, "time", json_string(t));
	}
	if (ch->reason != NULL)
		json_object_set_new(o, "reason", json_string(ch->reason));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* the answer's "YYYY-MM-DDTHH:MM" at key into day and time */
static int
parse_start(json_t *o, const char *key, int *day, int *time)
{
	return cad_rid_parse(json_string_value(json_object_get(o, key)),
	    day, time);
}

/* a task's done: its "task", "party" (null: the review) and "date" */
static int
read_done(json_t *o, struct cad_change_result *res)
{
	const char *task = json_string_value(json_object_get(o, "task"));
	const char *party = json_string_value(json_object_get(o, "party"));

	if (task == NULL || cad_parse_date(json_string_value(
	    json_object_get(o, "date")), &res->day) != 0)
		return -EIO;
	res->new_day = res->done.due = res->day;
	res->done.task = cad_strdup(task);
	res->done.party = cad_strdup(party != NULL ? party : "");
	return 0;
}

static int
read_answer(const char *text, struct cad_change_result *res,
    struct cad_error *err)
{
	json_t *o = json_loads(text, 0, NULL), *w;
	const char *uid = json_string_value(json_object_get(o, "uid"));
	size_t i;
	int r = -EIO;

	memset(res, 0, sizeof *res);
	if (uid == NULL || (json_object_get(o, "task") != NULL ?
	    read_done(o, res) : parse_start(o, "start", &res->day,
	    &res->time) || parse_start(o, "new_start", &res->new_day,
	    &res->new_time))) {
		cad_change_result_release(res);
		cad_error_set(err, _("palvelimen vastausta ei ymmärretä"));
		goto out;
	}
	res->uid = cad_strdup(uid);
	res->name = cad_strdup(json_string_value(json_object_get(o, "name")));
	if (res->name == NULL)
		res->name = cad_strdup(uid);
	res->outcome = json_is_false(json_object_get(o, "changed")) ?
	    CAD_CHANGE_ALREADY : CAD_CHANGE_STORED;
	json_array_foreach(json_object_get(o, "warnings"), i, w)
		res->warnings |= cad_change_warning_parse(json_string_value(w));
	r = 0;
out:
	json_decref(o);
	return r;
}

/* err from the answer's {"error": ...}, and the status as -errno */
static int
read_error(long status, const char *text, struct cad_error *err)
{
	json_t *o = json_loads(text, 0, NULL);
	const char *msg = json_string_value(json_object_get(o, "error"));

	cad_error_set(err, _("palvelin: %1$s (HTTP %2$ld)"), msg != NULL ?
	    msg : _("syytä ei kerrottu"), status);
	json_decref(o);
	switch (status) {
	case 400:
		return -EINVAL;
	case 401:
	case 403:
		return -EACCES;
	case 409:
		return -ENOENT;
	case 429:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

/* one POST; *status and the answer's text in ans */
static int
post(const struct cad_api_client *cl, const char *body, long *status,
    struct cad_buf *ans, struct cad_error *err)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *h = NULL;
	char *url, *auth;
	size_t n = strlen(cl->server);
	CURL *curl;
	CURLcode rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (curl = curl_easy_init()) == NULL) {
		cad_error_set(err, _("libcurlia ei voi käynnistää"));
		return -ENOMEM;
	}
	while (n > 0 && cl->server[n - 1] == '/')
		n--;
	url = cad_asprintf("%.*s/api/v1/changes", (int)n, cl->server);
	auth = cad_asprintf("Authorization: Bearer %s", cl->token);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, auth);
	if (cl->lang != NULL) {
		/* the names in the answer in the reader's language */
		char *al = cad_asprintf("Accept-Language: %s", cl->lang);
		h = curl_slist_append(h, al);
		free(al);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_S);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, ans);
	if (cl->cafile != NULL)
		curl_easy_setopt(curl, CURLOPT_CAINFO, cl->cafile);
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
	else
		cad_error_set(err, "%s: %s", url, ebuf[0] != '\0' ? ebuf :
		    curl_easy_strerror(rc));
	curl_slist_free_all(h);
	explicit_bzero(auth, strlen(auth));
	free(auth);
	free(url);
	curl_easy_cleanup(curl);
	curl_global_cleanup();
	return rc == CURLE_OK ? 0 : -EIO;
}

int
cad_api_change(const struct cad_api_client *cl, const struct cad_change *ch,
    struct cad_change_result *res, struct cad_error *err)
{
	struct cad_buf ans;
	long status = 0;
	char *body = body_of(ch);
	int r;

	memset(res, 0, sizeof *res);
	if (body == NULL) {
		cad_error_set(err, _("pyyntöä ei voi muodostaa"));
		return -ENOMEM;
	}
	cad_buf_init(&ans, ANSWER_MAX);
	r = post(cl, body, &status, &ans, err);
	free(body);
	if (r == 0)
		r = status == 200 ? read_answer(ans.data != NULL ? ans.data :
		    "", res, err) : read_error(status, ans.data != NULL ?
		    ans.data : "", err);
	cad_buf_release(&ans);
	return r;
}
