/*
 * api_client.h - cadencectl's side of POST /api/v1/changes (SPEC
 * § 10.5): `cadencectl --server URL --token-file FILE cancel|move|add|done
 * ...`
 * sends the change to a daemon instead of writing the local store.
 * libcurl; TLS verification stays on.
 */
#ifndef CAD_API_CLIENT_H
#define CAD_API_CLIENT_H

#include "store/change.h"

struct cad_api_client {
	const char *server;	/* "https://host:port" (a path is kept) */
	const char *token;
	const char *cafile;	/* extra CA bundle, or NULL */
	const char *lang;	/* Accept-Language of the answer, or NULL */
};

/* the token: the first line of path, which only its owner may read;
   0 or -errno with err */
int cad_api_read_token(const char *path, char **out, struct cad_error *err);

/*
 * Sends ch.  On 200, 0 and res filled (uid, outcome, day/time before
 * and after, warnings; for a task's done the due day and done.task,
 * done.party).  Otherwise -EINVAL (400),
 * -EACCES (401/403), -EAGAIN (429), -ENOENT (409) or -EIO (transport,
 * other answers), with the server's reason or libcurl's in err.
 */
int cad_api_change(const struct cad_api_client *cl,
    const struct cad_change *ch, struct cad_change_result *res,
    struct cad_error *err);

#endif
