/*
 * addr.c - RFC 5321 addr-spec checks (see addr.h); IDNA by libidn2.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "base/lang.h"
#include "base/util.h"

#define LOCAL_MAX	64	/* RFC 5321 § 4.5.3.1.1 */
#define DOMAIN_MAX	255	/* § 4.5.3.1.2 */
#define PATH_MAX_	256	/* § 4.5.3.1.3, with the "<" and ">" */

static int
fail(char why[static 96], const char *msg)
{
	snprintf(why, 96, "%s", msg);
	return -EINVAL;
}

/* atext of RFC 5322 § 3.2.3, and any non-ASCII byte (RFC 6531 UTF8-non-ascii;
   the text was checked to be UTF-8 before) */
static bool
atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80 ||
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Dot-string = Atom *("." Atom) over s[0..n) */
static int
dot_string(const char *s, size_t n, bool *utf8, char why[static 96])
{
	if (n == 0)
		return fail(why, _("tyhjä paikallinen osa"));
	if (n > LOCAL_MAX)
		return fail(why, _("paikallinen osa yli 64 tavua"));
	if (s[0] == '"')
		return fail(why, _("lainausmerkeissä olevaa paikallista osaa "
		    "ei tueta"));
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' && (i == 0 || i == n - 1 || s[i + 1] == '.'))
			return fail(why, _("paikallisessa osassa on tyhjä "
			    "pisteiden väli"));
		if (c != '.' && !atext(c))
			return fail(why, _("paikallisessa osassa on merkki, "
			    "jota ei sallita"));
		if (c >= 0x80)
			*utf8 = true;
	}
	return 0;
}

/* sub-domain = Let-dig [Ldh-str], joined by "." */
static int
ldh_domain(const char *d, char why[static 96])
{
	size_t n = strlen(d), label = 0;

	if (n == 0)
		return fail(why, _("tyhjä verkkotunnus"));
	if (n > DOMAIN_MAX)
		return fail(why, _("verkkotunnus yli 255 tavua"));
	for (size_t i = 0; i <= n; i++) {
		char c = d[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || d[i - 1] == '-')
				return fail(why, _("verkkotunnuksessa on tyhjä "
				    "osa tai osa, joka päättyy merkkiin '-'"));
			if (label > 63)
				return fail(why, _("verkkotunnuksen osa yli "
				    "63 tavua"));
			label = 0;
			continue;
		}
		if (label == 0 && c == '-')
			return fail(why, _("verkkotunnuksen osa alkaa "
			    "merkillä '-'"));
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return fail(why, _("verkkotunnuksessa on merkki, jota "
			    "ei sallita"));
		label++;
	}
	return 0;
}

/* "[192.0.2.1]" or "[IPv6:2001:db8::1]" */
static int
address_literal(const char *d, char why[static 96])
{
	size_t n = strlen(d);
	char ip[64];
	unsigned char bin[16];

	if (n < 3 || d[n - 1] != ']' || n - 2 >= sizeof ip)
		return fail(why, _("virheellinen IP-osoite hakasulkeissa"));
	memcpy(ip, d + 1, n - 2);
	ip[n - 2] = '\0';
	if (strncmp(ip, "IPv6:", 5) == 0 ? inet_pton(AF_INET6, ip + 5, bin) == 1
	    : inet_pton(AF_INET, ip, bin) == 1)
		return 0;
	return fail(why, _("virheellinen IP-osoite hakasulkeissa"));
}

int
cad_addr_check(const char *s, char **out, bool *utf8, char why[static 96])
{
	const char *at = strrchr(s, '@');
	char *ace = NULL;
	int r;

	*out = NULL;
	*utf8 = false;
	if (at == NULL)
		return fail(why, _("ei merkkiä '@'"));
	if ((r = dot_string(s, (size_t)(at - s), utf8, why)) < 0)
		return r;
	const char *dom = at + 1;
	if (dom[0] == '[') {
		if ((r = address_literal(dom, why)) < 0)
			return r;
	} else {
		int rc = idn2_to_ascii_8z(dom, &ace, IDN2_NFC_INPUT |
		    IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK) {
			snprintf(why, 96, _("verkkotunnus: %s"),
			    idn2_strerror(rc));
			return -EINVAL;
		}
		if ((r = ldh_domain(ace, why)) < 0) {
			free(ace);
			return r;
		}
	}
	*out = cad_asprintf("%.*s@%s", (int)(at - s), s, ace ? ace : dom);
	free(ace);
	if (strlen(*out) + 2 > PATH_MAX_) {
		free(*out);
		*out = NULL;
		return fail(why, _("osoite yli 254 tavua"));
	}
	return 0;
}
