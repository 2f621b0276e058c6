/*
 * imip_mime.c - the iMIP message around a calendar (RFC 6047): headers
 * with RFC 2047 encoded-words for non-ASCII and long display names, a
 * multipart/mixed of text and calendar alternatives plus the calendar
 * as a file, every body in base64 (nettle's).  Message-ID and boundaries
 * come from the message itself (cad_imip_seed): the same message renders
 * the same bytes.
 */
#include "render/imip.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/base64.h>

#include "base/hash.h"

#define B64_LINE	76	/* RFC 2045 body lines */
#define B64_CHUNK	(B64_LINE / 4 * 3)	/* input bytes of a line */
#define EW_BYTES	45	/* input bytes per RFC 2047 encoded-word */
#define QUOTED_MAX	60	/* longer display names: encoded-words */

/* base64 of p[0..n) without line breaks (nettle) */
static void
b64_add(struct cad_buf *b, const unsigned char *p, size_t n)
{
	char q[BASE64_ENCODE_RAW_LENGTH(B64_CHUNK)];

	while (n > 0) {
		size_t k = n < B64_CHUNK ? n : B64_CHUNK;
		base64_encode_raw(q, k, p);
		cad_buf_add(b, q, BASE64_ENCODE_RAW_LENGTH(k));
		p += k;
		n -= k;
	}
}

/* a base64 body: lines of 76 characters, CRLF */
void
cad_imip_b64_body(struct cad_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n && cad_buf_error(b) == 0; i += B64_CHUNK) {
		size_t k = n - i < B64_CHUNK ? n - i : B64_CHUNK;
		b64_add(b, (const unsigned char *)s + i, k);
		cad_buf_puts(b, "\r\n");
	}
}

static bool
is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/*
 * How many bytes of s[i..n) go into the next encoded-word: at most
 * EW_BYTES, ending just after a space, since the space between two
 * encoded-words is not shown (RFC 2047 § 6.2) and a word split in two
 * shows a stray space in Python's email and some mail readers.  Only a
 * word longer than EW_BYTES is split, on a character boundary.
 */
static size_t
ew_chunk(const char *s, size_t i, size_t n)
{
	size_t k = n - i < EW_BYTES ? n - i : EW_BYTES;

	if (i + k == n)
		return k;
	for (size_t j = k; j > 1; j--)
		if (s[i + j - 1] == ' ')
			return j;
	while (k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
		k--;
	return k;
}

void
cad_imip_mixed_start(struct cad_buf *out, const char *bnd)
{
	cad_buf_printf(out, "Content-Type: multipart/mixed; "
	    "boundary=\"%s\"\r\n\r\n", bnd);
	cad_buf_puts(out, "This is a multi-part message in MIME format.\r\n");
}

void
cad_imip_b64_part(struct cad_buf *out, const char *bnd, const char *type,
    const char *s, size_t n)
{
	cad_buf_printf(out, "\r\n--%s\r\n%s"
	    "Content-Transfer-Encoding: base64\r\n\r\n", bnd, type);
	cad_imip_b64_body(out, s, n);
}

void
cad_imip_ics_part(struct cad_buf *out, const char *bnd, const char *name,
    const char *s, size_t n)
{
	cad_buf_printf(out, "\r\n--%s\r\nContent-Type: application/ics; "
	    "name=\"%s\"\r\nContent-Disposition: attachment; "
	    "filename=\"%s\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", bnd, name, name);
	cad_imip_b64_body(out, s, n);
}

/*
 * s as RFC 2047 "B" encoded-words of at most 75 characters, split after
 * spaces (ew_chunk) and folded with CRLF SP between words.
 */
static void
encoded_words(struct cad_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t k = ew_chunk(s, i, n);
		if (i > 0)
			cad_buf_puts(b, "\r\n ");
		cad_buf_puts(b, "=?UTF-8?B?");
		b64_add(b, (const unsigned char *)s + i, k);
		cad_buf_puts(b, "?=");
		i += k;
	}
}

/* "Subject: ..." CRLF; plain ASCII stays as it is */
static void
header_text(struct cad_buf *b, const char *name, const char *value)
{
	cad_buf_printf(b, "%s: ", name);
	if (is_plain_ascii(value) && strlen(value) < 900)
		cad_buf_puts(b, value);
	else
		encoded_words(b, value);
	cad_buf_puts(b, "\r\n");
}

/* "From: Name <addr>" with the name quoted or encoded as needed */
static void
header_address(struct cad_buf *b, const char *hdr, const char *name,
    const char *email)
{
	cad_buf_printf(b, "%s: ", hdr);
	if (name != NULL && *name != '\0') {
		/* a quoted-string cannot be folded without changing it:
		   only a short one stays quoted (RFC 5322 § 2.1.1: 78) */
		bool quoted = is_plain_ascii(name) &&
		    strlen(name) <= QUOTED_MAX;
		if (quoted) {
			cad_buf_puts(b, "\"");
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					cad_buf_puts(b, "\\");
				cad_buf_add(b, p, 1);
			}
			cad_buf_puts(b, "\"");
		} else {
			encoded_words(b, name);
		}
		/* after encoded-words the address goes on a line of its
		   own (at most 256 octets) */
		cad_buf_puts(b, quoted ? " " : "\r\n ");
	}
	cad_buf_printf(b, "<%s>\r\n", email);
}

/* RFC 5322 date-time: "Tue, 10 Feb 2026 13:00:00 +0200"; -EINVAL for a
   time gmtime_r() cannot break down, else the buffer's error */
static int
header_date(struct cad_buf *b, int64_t t, int offset)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t lt = (time_t)(t + offset);
	struct tm tm;
	int a = offset < 0 ? -offset : offset;

	if (gmtime_r(&lt, &tm) == NULL)
		return -EINVAL;
	cad_buf_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d "
	    "%c%02d%02d\r\n", wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    offset < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	return cad_buf_error(b);
}

uint64_t
cad_imip_seed(uint64_t given, const char *to, const char *subject,
    int64_t date, const char *content)
{
	struct cad_sha256 h;
	char hex[CAD_SHA256_HEX], num[24];
	uint64_t v;

	if (given != 0)
		return given;
	snprintf(num, sizeof num, "%lld", (long long)date);
	const char *part[] = { to, subject, num, content };
	cad_sha256_init(&h);
	for (size_t i = 0; i < 4; i++) {
		const char *s = part[i] != NULL ? part[i] : "";
		/* NUL-separated: no two different messages feed the same
		   bytes */
		cad_sha256_update(&h, s, strlen(s) + (i < 3));
	}
	cad_sha256_final_hex(&h, hex);
	hex[16] = '\0';
	v = strtoull(hex, NULL, 16);
	return v != 0 ? v : 1;
}

/* the text with CRLF line ends */
char *
cad_imip_crlf_text(const char *s)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	for (; *s; s++) {
		if (*s == '\r')
			continue;
		if (*s == '\n')
			cad_buf_puts(&b, "\r\n");
		else
			cad_buf_add(&b, s, 1);
	}
	return cad_buf_xsteal(&b);
}

int
cad_imip_headers(const struct cad_imip_mail *m, uint64_t rnd,
    struct cad_buf *out)
{
	int r;

	header_address(out, "From", m->from_name, m->from_email);
	header_address(out, "To", m->to_name, m->to_email);
	header_text(out, "Subject", m->subject != NULL ? m->subject : "");
	r = header_date(out, m->date, m->utc_offset);
	cad_buf_printf(out, "Message-ID: <%016llx.%lld@%s>\r\n",
	    (unsigned long long)rnd, (long long)m->date,
	    m->domain != NULL && *m->domain ? m->domain : "localhost");
	cad_buf_puts(out, "MIME-Version: 1.0\r\n");
	return r < 0 ? r : cad_buf_error(out);
}

int
cad_imip_message(const struct cad_imip_mail *m, struct cad_buf *out,
    struct cad_error *err)
{
	uint64_t rnd = cad_imip_seed(m->random, m->to_email, m->subject,
	    m->date, m->calendar);
	char mixed[64], alt[64], type[128];
	char *text = NULL;
	int r;

	if (m->from_email == NULL || m->to_email == NULL ||
	    m->calendar == NULL || m->method == NULL) {
		cad_error_set(err, "message without sender, recipient or "
		    "calendar");
		return -EINVAL;
	}
	snprintf(mixed, sizeof mixed, "=_cadenced_%016llx_m",
	    (unsigned long long)rnd);
	snprintf(alt, sizeof alt, "=_cadenced_%016llx_a",
	    (unsigned long long)rnd);
	text = cad_imip_crlf_text(m->text != NULL ? m->text : "");

	r = cad_imip_headers(m, rnd, out);
	cad_imip_mixed_start(out, mixed);

	/* the readable text and the calendar as alternatives */
	cad_buf_printf(out, "\r\n--%s\r\n", mixed);
	cad_buf_printf(out, "Content-Type: multipart/alternative; "
	    "boundary=\"%s\"\r\n", alt);
	cad_imip_b64_part(out, alt, "Content-Type: text/plain; "
	    "charset=utf-8\r\n", text, strlen(text));
	snprintf(type, sizeof type, "Content-Type: text/calendar; "
	    "charset=utf-8; method=%s\r\n", m->method);
	cad_imip_b64_part(out, alt, type, m->calendar, strlen(m->calendar));
	cad_buf_printf(out, "\r\n--%s--\r\n", alt);

	/* the same calendar as a file */
	cad_imip_ics_part(out, mixed, "invite.ics", m->calendar,
	    strlen(m->calendar));
	cad_buf_printf(out, "\r\n--%s--\r\n", mixed);
	if (r == 0)
		r = cad_buf_error(out);
	if (r < 0)
		cad_error_set(err, "message too large");
	free(text);
	return r;
}
