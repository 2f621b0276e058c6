/*
 * fuzz_caldav_reply.c - what net/ reads from CalDAV and SMTP servers.
 *
 * libcurl parses the protocols; net/caldav.c sees only the header lines
 * of an HTTP reply (cad_caldav_reply_header: the ETag, reset by each new
 * status line), the body's size (cad_caldav_reply_body: counted against
 * CAD_CALDAV_BODY_MAX, then dropped) and net/deliver.c the reply code
 * (cad_outbox_classify).  The input is a raw reply: header lines up to
 * the first empty line are handed over one by one with their line ends
 * (as libcurl does), the rest in chunks.  The first two bytes also pick
 * a reply code and a CURLcode for the classifier, and the last header
 * line's value is used as a UID for cad_outbox_caldav_url() and a RID
 * for cad_rid_parse()/cad_rid_in().
 *
 * Promises checked: the stored ETag is NUL-terminated, shorter than
 * CAD_CALDAV_ETAG_MAX, has no LF and no surrounding blanks, and is empty
 * after a new "HTTP/" line without ETag; the body ceiling holds; the classifier
 * answers one of its three values, DONE for every 2xx HTTP reply; the
 * resource URL starts with caldav.url, ends in ".ics" and holds only
 * unreserved characters and %XX escapes after it.
 */
#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/config.h"
#include "net/caldav.h"
#include "net/deliver.h"
#include "store/outbox.h"
#include "fuzz.h"

#define FUZZ_REPLY_MAX	8192

static struct cad_config *fuzz_reply_cfg;

static void
fuzz_reply_init(void)
{
	struct cad_diag diag;
	char path[256];
	FILE *fp;

	snprintf(path, sizeof path, "%s/reply.conf", fuzz_tmpdir());
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	fputs("timezone = \"Europe/Helsinki\"; domain = \"fuzz.example\";\n"
	    "organizer = { name = \"H\"; email = \"h@fuzz.example\"; };\n"
	    "parties = ( { id = \"hva\"; name = \"HVA\"; } );\n"
	    "forums = ( { id = \"f\"; name = \"F\"; convenor = \"hva\";\n"
	    "  rrule = \"FREQ=YEARLY\"; time = \"13:00\"; duration = 60; } );\n"
	    "caldav = { url = \"http://127.0.0.1:1/cal/\"; user = \"u\"; "
	    "password_file = \"\"; };\n", fp);
	if (fclose(fp) != 0)
		err(1, "%s", path);
	cad_diag_init(&diag);
	if (cad_config_load(path, &fuzz_reply_cfg, &diag) != 0) {
		for (size_t i = 0; i < diag.n; i++)
			warnx("%s", diag.msgs[i]);
		errx(1, "fuzz_caldav_reply: config");
	}
	cad_diag_release(&diag);
}

static void
check_etag(const struct cad_caldav_reply *j)
{
	size_t n = strnlen(j->etag, sizeof j->etag);

	if (n == sizeof j->etag)
		abort();
	/* a bare CR inside the value is kept (see pending/): not checked */
	if (n > 0 && (strchr(j->etag, '\n') != NULL ||
	    j->etag[0] == ' ' || j->etag[0] == '\t' ||
	    j->etag[n - 1] == ' ' || j->etag[n - 1] == '\t'))
		abort();
}

static void
check_url(const char *uid)
{
	const char *base = fuzz_reply_cfg->caldav.url;
	char *url = cad_outbox_caldav_url(fuzz_reply_cfg, uid);
	size_t nb = strlen(base), nu;

	if (url == NULL)
		return;
	nu = strlen(url);
	if (strncmp(url, base, nb) != 0 || nu < nb + 4 ||
	    strcmp(url + nu - 4, ".ics") != 0)
		abort();
	for (size_t i = nb; i < nu - 4; i++) {
		unsigned char c = (unsigned char)url[i];

		if (c == '%') {
			if (!isxdigit((unsigned char)url[i + 1]) ||
			    !isxdigit((unsigned char)url[i + 2]))
				abort();
			i += 2;
		} else if (!isalnum(c) && strchr("-._~@", c) == NULL)
			abort();
	}
	free(url);
}

int
fuzz_caldav_reply_one(const uint8_t *data, size_t size)
{
	static const int codes[] = { 100, 200, 201, 204, 250, 301, 404, 408,
		410, 412, 421, 425, 429, 450, 451, 500, 503, 550, 554, 599 };
	struct cad_caldav_reply j;
	char *buf, *p, *end, *last = NULL;
	bool in_body = false;
	long status;
	int code, day, min;

	if (size < 2 || size > FUZZ_REPLY_MAX)
		return 0;
	if (fuzz_reply_cfg == NULL)
		fuzz_reply_init();
	status = codes[data[0] % (sizeof codes / sizeof codes[0])];
	code = data[1] % 100;	/* CURLcode values */
	for (int smtp = 0; smtp < 2; smtp++) {
		enum cad_outbox_result r = cad_outbox_classify(smtp, code,
		    status);

		if (r != CAD_OUTBOX_DONE && r != CAD_OUTBOX_RETRY &&
		    r != CAD_OUTBOX_FAIL)
			abort();
		if (!smtp && code == CURLE_OK && status >= 200 &&
		    status < 300 && r != CAD_OUTBOX_DONE)
			abort();
	}
	data += 2;
	size -= 2;

	memset(&j, 0, sizeof j);
	buf = cad_xcalloc(size + 1, 1);
	memcpy(buf, data, size);
	end = buf + size;
	for (p = buf; p < end; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(end - p);

		if (!in_body && memchr(p, '\0', n) != NULL)
			break;	/* libcurl refuses a NUL in a header */
		if (!in_body) {
			bool etag_line = n > 5 && strncasecmp(p, "etag:", 5) == 0;
			bool status_line = n >= 5 &&
			    strncasecmp(p, "HTTP/", 5) == 0;

			if (cad_caldav_reply_header(&j, p, n, 0) != n)
				abort();
			check_etag(&j);
			if (status_line && !etag_line && j.etag[0] != '\0')
				abort();
			if (n <= 2 && (p[0] == '\n' || p[0] == '\r'))
				in_body = true;
			else
				last = p;
		} else {
			size_t before = j.body;
			bool got = cad_caldav_reply_body(&j, n);

			if (j.body > CAD_CALDAV_BODY_MAX ||
			    j.body != (got ? before + n : before))
				abort();
		}
		p += n;
	}
	if (last != NULL) {
		char *v = strchr(last, ':');

		v = v != NULL ? v + 1 : last;
		v[strcspn(v, "\r\n")] = '\0';
		check_url(v);
		if (cad_rid_parse(v, &day, &min) == 0 && (min < 0 || min >= 1440))
			abort();
		(void)cad_rid_in(v, "2026-03-01T13:00");
		(void)cad_rid_in("2026-03-01T13:00 2026-04-01T13:00", v);
	}
	free(buf);
	return 0;
}

#ifdef CAD_FUZZ_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_caldav_reply_one(data, size);
}
#endif
