/*
 * fuzz_http_route.c - the daemon's request handling without sockets.
 *
 * daemon/route.c answers a path; it reads the query and the headers
 * through MHD_lookup_connection_value(), which this file defines itself
 * (the program's own definition is the one its objects are linked to),
 * answering from a request parsed out of the input.  The rest of the
 * daemon (all but main.c) is linked: run.sh builds the daemon/ sources, and the Makefile links
 * tests/test_fuzz_regress with the daemon's objects.  The input:
 *
 *	METHOD SP TARGET LF		(no space: GET TARGET)
 *	Name: value LF ...		(headers; CR before LF dropped)
 *
 * TARGET is split at '?' and '&' / '=' as libmicrohttpd does, and every
 * piece goes through the daemon's own http_unescape().  Then it is
 * handled like http_handler() does: method and body checks,
 * path_suspicious(), route() against one snapshot built at start (a
 * small config, store in a temporary directory, today 2026-03-01), and
 * the conditional-request check not_modified().
 *
 * Promises checked: the answer is one of 200/400/404 with a body, never
 * a 500 (nothing a client sends may break the core), 200 carries an
 * ETag, and 400/404 from the API are JSON.
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "../../daemon/route.h"

#include "fuzz.h"

#define FUZZ_HTTP_MAX	4096
#define FUZZ_HTTP_KV	32

struct fuzz_kv {
	char *key;
	char *value;	/* NULL: "key" without '=' */
};

struct fuzz_req {
	struct fuzz_kv args[FUZZ_HTTP_KV];
	size_t nargs;
	struct fuzz_kv hdrs[FUZZ_HTTP_KV];
	size_t nhdrs;
};

static struct fuzz_req *fuzz_cur;

const char *
MHD_lookup_connection_value(struct MHD_Connection *c,
    enum MHD_ValueKind kind, const char *key)
{
	const struct fuzz_kv *v;
	size_t n;

	(void)c;
	if (fuzz_cur == NULL || key == NULL)
		return NULL;
	if (kind == MHD_GET_ARGUMENT_KIND) {
		v = fuzz_cur->args;
		n = fuzz_cur->nargs;
		for (size_t i = 0; i < n; i++)
			if (strcmp(v[i].key, key) == 0)
				return v[i].value;
	} else if (kind == MHD_HEADER_KIND) {
		v = fuzz_cur->hdrs;
		n = fuzz_cur->nhdrs;
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(v[i].key, key) == 0)
				return v[i].value;
	}
	return NULL;
}

static const char fuzz_http_conf[] =
    "timezone = \"Europe/Helsinki\";\n"
    "domain = \"fuzz.example\";\n"
    "horizon_days = 400;\n"
    "holidays = \"FI\";\n"
    "extra_holidays = [ \"2026-12-31\" ];\n"
    "blackouts = ( { from = \"07-01\"; to = \"07-31\"; reason = \"Loma\"; } );\n"
    "council_terms = ( { start = \"2021-08-01\"; end = \"2025-05-31\"; },\n"
    "  { start = \"2025-06-01\"; end = \"2029-05-31\"; } );\n"
    "organizer = { name = \"Hyte\"; email = \"hyte@fuzz.example\"; };\n"
    "parties = ( { id = \"hva\"; name = \"HVA\"; email = \"h@fuzz.example\"; },\n"
    "  { id = \"kajaani\"; name = \"Kajaani\"; email = \"k@fuzz.example\"; },\n"
    "  { id = \"sotkamo\"; name = \"Sotkamo\"; } );\n"
    "forums = (\n"
    "  { id = \"foorumi\"; name = \"Foorumi <&>\"; convenor = \"hva\";\n"
    "    participants = [ \"hva\", \"kajaani\" ]; minimum = \"year\";\n"
    "    rrule = \"FREQ=YEARLY;BYMONTH=10;BYDAY=2TU\";\n"
    "    start = \"2026-01-01\"; time = \"13:00\"; duration = 180; },\n"
    "  { id = \"neuvottelu\"; name = \"Neuvottelu\"; convenor = \"hva\";\n"
    "    for_each = [ \"kajaani\", \"sotkamo\" ]; spread = true;\n"
    "    rrule = \"FREQ=MONTHLY;BYDAY=1WE\";\n"
    "    start = \"2026-01-01\"; time = \"09:00\"; duration = 120; },\n"
    "  { id = \"strateginen\"; name = \"Strateginen\"; convenor = \"hva\";\n"
    "    per_term = { year = 1; month = 10; weekday = \"TU\"; week = 2; };\n"
    "    minimum = \"term\"; time = \"12:00\"; duration = 240; } );\n"
    "agreement = { title = \"Sopimus\"; effective = \"2023-06-01\";\n"
    "  notice_months = 12; review_by = [ \"2026-05-31\" ];\n"
    "  renew_within_months = 12; remind_days = [ 30 ]; notify = [ \"hva\" ]; };\n";

static struct snapshot *fuzz_snap;

static void
fuzz_http_init(void)
{
	struct cad_config *cfg = NULL;
	struct snapshot_config *conf;
	struct cad_store *st = NULL;
	struct cad_error e = { "" };
	struct cad_diag diag;
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/http.conf", fuzz_tmpdir());
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fputs(fuzz_http_conf, fp);
	fprintf(fp, "state_dir = \"%s/var\";\n", fuzz_tmpdir());
	if (fclose(fp) != 0)
		err(1, "%s", path);
	cad_diag_init(&diag);
	if (cad_config_load(path, &cfg, &diag) != 0) {
		for (size_t i = 0; i < diag.n; i++)
			warnx("%s", diag.msgs[i]);
		errx(1, "fuzz_http_route: config");
	}
	cad_diag_release(&diag);
	if (cad_store_open(cfg->state_dir, &st, &e) != 0)
		errx(1, "fuzz_http_route: store: %s", e.msg);
	conf = snapshot_config_new(cfg);
	if (snapshot_build(conf, st, cad_days_from_civil(2026, 3, 1),
	    1780000000, NULL, &fuzz_snap, &e) != 0)
		errx(1, "fuzz_http_route: snapshot: %s", e.msg);
	snapshot_config_unref(conf);
	cad_store_close(st);
	route_started = 1780000000;
}

/* one "k=v" of the query, unescaped like libmicrohttpd does */
static void
add_arg(struct fuzz_req *rq, char *kv)
{
	char *eq = strchr(kv, '=');

	if (rq->nargs == FUZZ_HTTP_KV || *kv == '\0')
		return;
	if (eq != NULL) {
		*eq = '\0';
		http_unescape(NULL, NULL, eq + 1);
	}
	http_unescape(NULL, NULL, kv);
	rq->args[rq->nargs].key = kv;
	rq->args[rq->nargs].value = eq != NULL ? eq + 1 : NULL;
	rq->nargs++;
}

static void
add_header(struct fuzz_req *rq, char *line)
{
	char *colon = strchr(line, ':'), *v;

	if (rq->nhdrs == FUZZ_HTTP_KV || colon == NULL || colon == line)
		return;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	rq->hdrs[rq->nhdrs].key = line;
	rq->hdrs[rq->nhdrs].value = v;
	rq->nhdrs++;
}

static void
check_reply(const char *url, const struct reply *rp)
{
	switch (rp->code) {
	case 200:
		if (rp->etag[0] == '\0' || rp->type == NULL)
			abort();
		break;
	case 400:
	case 404:
		if (strncmp(url, "/api/", 5) == 0 && rp->type != NULL &&
		    strcmp(rp->type, CT_JSON) == 0 && (rp->len == 0 ||
		    rp->body[0] != '{'))
			abort();
		break;
	default:
		fprintf(stderr, "fuzz_http_route: %s answered %u\n", url,
		    rp->code);
		abort();
	}
	if (rp->body == NULL)
		abort();
}

int
fuzz_http_route_one(const uint8_t *data, size_t size)
{
	struct fuzz_req rq;
	struct reply rp = { .kind = BODY_STATIC, .body = "" };
	struct MHD_Connection *c = (struct MHD_Connection *)&rq;
	char *buf, *line, *next, *method, *url, *q;

	if (size > FUZZ_HTTP_MAX)
		return 0;
	if (fuzz_snap == NULL)
		fuzz_http_init();
	buf = cad_xcalloc(size + 1, 1);
	memcpy(buf, data, size);
	if (memchr(data, '\0', size) != NULL)
		goto out;	/* libmicrohttpd refuses a NUL anywhere */
	memset(&rq, 0, sizeof rq);

	line = buf;
	next = strchr(line, '\n');
	if (next != NULL)
		*next++ = '\0';
	line[strcspn(line, "\r")] = '\0';
	if ((url = strchr(line, ' ')) != NULL) {
		*url++ = '\0';
		method = line;
		url[strcspn(url, " ")] = '\0';	/* " HTTP/1.1" */
	} else {
		method = "GET";
		url = line;
	}
	while (next != NULL) {
		line = next;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (*line == '\0')
			break;
		add_header(&rq, line);
	}
	if ((q = strchr(url, '?')) != NULL) {
		char *kv, *save = NULL;

		*q++ = '\0';
		for (kv = strtok_r(q, "&", &save); kv != NULL;
		    kv = strtok_r(NULL, "&", &save))
			add_arg(&rq, kv);
	}
	http_unescape(NULL, NULL, url);

	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		goto out;	/* 405 before anything else */
	fuzz_cur = &rq;
	if (has_body(c) || path_suspicious(url))
		goto out;	/* 400 / 404 */
	route(c, url, fuzz_snap, &rp);
	check_reply(url, &rp);
	(void)not_modified(c, &rp);
	reply_drop(&rp);
out:
	fuzz_cur = NULL;
	free(buf);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_http_route_one(data, size);
}
#endif
