/*
 * text.c - UTF-8 checks and cuts (see text.h), on GNU libunistring:
 * u8_check for validity, u8_mbtouc for code points, u8_grapheme_next for
 * the cluster boundaries of UAX #29, u8_strwidth for terminal columns.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unigbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include "base/lang.h"
#include "base/text.h"

static int
control(ucs4_t c, enum cad_text_kind kind)
{
	if (kind == CAD_TEXT_LINES && (c == '\n' || c == '\t'))
		return 0;
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

int
cad_text_check(const char *s, enum cad_text_kind kind, char why[static 64])
{
	const uint8_t *u = (const uint8_t *)s;
	size_t n = strlen(s);
	const uint8_t *bad = u8_check(u, n);

	if (bad != NULL) {
		snprintf(why, 64, _("virheellinen UTF-8 tavun %zu kohdalla"),
		    (size_t)(bad - u) + 1);
		return -EILSEQ;
	}
	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, u + i, n - i);
		if (control(c, kind)) {
			snprintf(why, 64, _("ohjausmerkki U+%04X tavun %zu "
			    "kohdalla"), (unsigned)c, i + 1);
			return -EILSEQ;
		}
		i += (size_t)len;
	}
	return 0;
}

size_t
cad_text_cut(const char *s, size_t max)
{
	const uint8_t *u = (const uint8_t *)s;
	const uint8_t *end = u + strlen(s), *p = u;

	if ((size_t)(end - u) <= max)
		return (size_t)(end - u);
	for (;;) {
		const uint8_t *q = u8_grapheme_next(p, end);
		if (q == NULL || (size_t)(q - u) > max)
			return (size_t)(p - u);
		p = q;
	}
}

int
cad_text_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	static const char ell[] = "\u2026";	/* "…", 3 bytes */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n < size || size == 0)
		return n;
	/* vsnprintf cut at size - 1 bytes: maybe inside a character */
	if (size >= sizeof(ell))
		memcpy(buf + cad_text_cut(buf, size - sizeof(ell)), ell,
		    sizeof(ell));
	else
		buf[cad_text_cut(buf, size - 1)] = '\0';
	return n;
}

size_t
cad_text_width(const char *s)
{
	int w = u8_strwidth((const uint8_t *)s, "UTF-8");

	return w > 0 ? (size_t)w : 0;
}
