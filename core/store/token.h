/*
 * token.h - access tokens of the write API (SPEC § 10.5).  A token is
 * shown once, when made; the store keeps only its SHA-256.  A token may
 * be limited to forums and parties (none listed: all).
 */
#ifndef CAD_TOKEN_H
#define CAD_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/audit.h"
#include "store/store.h"

#define CAD_TOKEN_NAME_MAX	64
#define CAD_TOKEN_MAX		128	/* longer ones are never ours */

/* a token to make (cad_token_add): the caller's strings, borrowed */
struct cad_token_row {
	const char *name;
	const char *const *forums;	/* ids; nforums == 0: every forum */
	size_t nforums;
	const char *const *parties;	/* ids; nparties == 0: every party */
	size_t nparties;
};
/* a token read back (cad_token_list, cad_token_check): owned */
struct cad_token {
	char *name;
	char **forums;		/* ids; nforums == 0: every forum */
	size_t nforums;
	char **parties;		/* ids; nparties == 0: every party */
	size_t nparties;
	int64_t created;
};

/* letters, digits, '.', '_', '-', '@', at most CAD_TOKEN_NAME_MAX */
bool cad_token_name_valid(const char *name);

/*
 * Makes token t (name and scope as given; the ids are not checked here)
 * with a fresh random secret, stores its hash and appends the audit
 * record by who.  *secret (freed by the caller) is the only copy.
 * -EEXIST when the name is taken, -EINVAL for a bad name.
 */
int cad_token_add(struct cad_store *st, const struct cad_token_row *t,
    const struct cad_actor *who, int64_t now, char **secret,
    struct cad_error *err);
/* deletes it (-ENOENT when none has that name), with its audit record */
int cad_token_revoke(struct cad_store *st, const char *name,
    const struct cad_actor *who, int64_t now, struct cad_error *err);
/* every token, by name */
int cad_token_list(struct cad_store *st, struct cad_token **out, size_t *n,
    struct cad_error *err);
void cad_tokens_free(struct cad_token *v, size_t n);
void cad_token_release(struct cad_token *t);
/* the tokens (not their secrets) as JSON: cadencectl token list --json */
int cad_token_json(struct cad_buf *b, const struct cad_token *v, size_t n);

/*
 * The token whose secret this is, into *out: every stored hash is
 * compared, each in constant time.  -EACCES when none matches.
 */
int cad_token_check(struct cad_store *st, const char *secret,
    struct cad_token *out, struct cad_error *err);

/* the token may change meetings of forum (id) and party (id or NULL):
   the forum among its forums, and the party among its parties (so a
   token limited to parties reaches only their own meetings) */
bool cad_token_allows(const struct cad_token *t, const char *forum,
    const char *party);

#endif
