/*
 * text.h - checks and cuts of UTF-8 text from outside (config, command
 * line, HTTP), built on GNU libunistring.
 *
 * Text that reaches a feed, a message, JSON, SVG or the page must be
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates) without
 * control characters, which iCalendar TEXT (RFC 5545 § 3.3.11) and XML
 * 1.0 do not allow raw.  A cut of a long text falls between two
 * characters as a reader sees them (extended grapheme clusters, UAX #29),
 * so neither a UTF-8 sequence nor an "a" and its combining diaeresis is
 * split.
 */
#ifndef CAD_TEXT_H
#define CAD_TEXT_H

#include <stddef.h>

enum cad_text_kind {
	CAD_TEXT_LINE,		/* one line: no control character at all */
	CAD_TEXT_LINES,		/* line feeds and tabs allowed */
};

/*
 * 0 when s is valid UTF-8 without control characters (C0, DEL, C1;
 * CAD_TEXT_LINES lets '\n' and '\t' through), else -EILSEQ and a reason
 * in why that quotes none of s: "invalid UTF-8 at byte 7", "control
 * character U+0007 at byte 3".
 */
int cad_text_check(const char *s, enum cad_text_kind kind,
    char why[static 64]);

/* the byte length of the longest prefix of s (NUL terminated) that is at
   most max bytes and ends on a grapheme cluster boundary */
size_t cad_text_cut(const char *s, size_t max);

/*
 * snprintf(3) for text: when the result does not fit in size bytes it is
 * cut on a grapheme cluster boundary and ends in "…" (when that fits).
 * Returns what snprintf returns: the untruncated length, or -1.
 */
int cad_text_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* the columns valid UTF-8 s takes on a terminal (UAX #11: "lähetetty" is
   9 columns of 10 bytes, a combining mark none) */
size_t cad_text_width(const char *s);

#endif
