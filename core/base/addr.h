/*
 * addr.h - e-mail addresses as RFC 5321 § 4.1.2 Mailbox ("addr-spec"):
 * a Dot-string local part, "@", a domain of LDH labels or an address
 * literal.  A domain in Unicode is turned into its A-labels by libidn2
 * (IDNA2008, UTS #46 non-transitional), so what is sent is ASCII; a
 * local part in UTF-8 (RFC 6531) is kept and flagged: only a server that
 * offers SMTPUTF8 takes it (libcurl refuses to send it to another).
 */
#ifndef CAD_ADDR_H
#define CAD_ADDR_H

#include <stdbool.h>

/*
 * 0 and *out (malloc'd, the address with an ASCII domain) and *utf8
 * (the local part is not ASCII), or -EINVAL and a reason in why that
 * quotes none of s ("no '@'", "local part over 64 octets", ...).
 */
int cad_addr_check(const char *s, char **out, bool *utf8,
    char why[static 96]);

#endif
