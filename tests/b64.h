/*
 * b64.h - base64 decoding for the mail tests (test_imip.c,
 * test_reminder.c), written independently of core/imip.c.  Static
 * inline: each test is a binary of its own.
 */
#ifndef TEST_B64_H
#define TEST_B64_H

#include <stddef.h>

static inline int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * base64 s[0..n) decoded into out (room for n + 1), skipping what is
 * not in the alphabet (CR, LF, '=' padding); NUL-terminated; returns the
 * length
 */
static inline size_t
b64_decode(const char *s, size_t n, char *out)
{
	unsigned v = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int x = b64_val((unsigned char)s[i]);
		if (x < 0)
			continue;
		v = v << 6 | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(v >> bits & 0xff);
		}
	}
	out[o] = '\0';
	return o;
}

#endif
