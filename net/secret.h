/*
 * secret.h - password files (SPEC § 6: caldav.password_file,
 * smtp.password_file).
 *
 * A password file is a regular file that only its owner may read or
 * write; the trailing newline is trimmed.  It is opened without following
 * a symbolic link and without blocking (a FIFO or a device is refused
 * before anything is read from it).
 */
#ifndef CAD_NET_SECRET_H
#define CAD_NET_SECRET_H

#include "base/util.h"

#define CAD_SECRET_MAX	4096	/* bytes in a password file */

/*
 * The password in path into *out (free with cad_secret_free); path NULL
 * or "": *out NULL and 0.  -errno with err naming what ("caldav") and
 * path, never the content: -EPERM when group or others have access,
 * -EINVAL when it is not a regular file, -E2BIG when it is too long.
 */
int cad_secret_read(const char *what, const char *path, char **out,
    struct cad_error *err);
/* wipes and frees a password; NULL is fine */
void cad_secret_free(char *secret);

#endif
