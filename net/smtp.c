/*
 * smtp.c - SMTP requests; see smtp.h.
 */
#include "net/smtp.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

bool
cad_smtp_loopback(const char *url)
{
	const char *h = strstr(url, "://");

	if (h == NULL)
		return false;
	h += 3;
	const char *at = strchr(h, '@');
	if (at != NULL && at < h + strcspn(h, "/"))
		h = at + 1;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0
	    || strncmp(h, "[::1]", 5) == 0;
}

void
cad_smtp_setup(CURL *h, const char *url, const char *user,
    const char *password, const char *sender, const char *rcpt,
    size_t payload_len, struct curl_slist **rcpt_list)
{
	bool auth = user != NULL && *user != '\0';

	if (auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		    password != NULL ? password : "");
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
	if (strncmp(url, "smtp://", 7) == 0)
		curl_easy_setopt(h, CURLOPT_USE_SSL, !auth ?
		    (long)CURLUSESSL_NONE : cad_smtp_loopback(url) ?
		    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	char *from = cad_asprintf("<%s>", sender != NULL ? sender : "");
	char *to = cad_asprintf("<%s>", rcpt);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	*rcpt_list = curl_slist_append(NULL, to);
	free(from);
	free(to);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, *rcpt_list);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)payload_len);
}
