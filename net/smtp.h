/*
 * smtp.h - the SMTP side of delivery (SPEC § 6): one stored iMIP message
 * to one recipient.
 *
 * smtp(s)://, MAIL FROM = the organizer, RCPT = the recipient, the stored
 * message uploaded as it is.  STARTTLS is required when a user is set
 * (only tried on a loopback host) and not attempted without one; smtps://
 * is TLS from the start.  TLS verification is left on by the caller.
 */
#ifndef CAD_NET_SMTP_H
#define CAD_NET_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

/* url's host is 127.x, localhost or [::1] */
bool cad_smtp_loopback(const char *url);

/*
 * Sets h up to send payload_len bytes from sender to rcpt through url
 * (user NULL or "": no AUTH); *rcpt_list is freed by the caller after the
 * transfer.
 */
void cad_smtp_setup(CURL *h, const char *url, const char *user,
    const char *password, const char *sender, const char *rcpt,
    size_t payload_len, struct curl_slist **rcpt_list);

#endif
