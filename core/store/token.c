/*
 * token.c - the tokens table (token.h).  A secret is "cad_" and 64 hex
 * digits of getrandom(2); the table keeps its SHA-256 (base/hash.h).
 * A plain hash is enough: the secret has 256 random bits, so there is
 * nothing to guess that a slow hash would protect.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "base/hash.h"
#include "base/lang.h"
#include "store/store_int.h"
#include "store/token.h"

#define SECRET_BYTES	32
#define SECRET_PREFIX	"cad_"

bool
cad_token_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CAD_TOKEN_NAME_MAX)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-@", *p) == NULL)
			return false;
	return true;
}

static char *
join_ids(const char *const *v, size_t n)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	for (size_t i = 0; i < n; i++)
		cad_buf_printf(&b, "%s%s", i > 0 ? " " : "", v[i]);
	return cad_buf_xsteal(&b);
}

static void
split_ids(const char *s, char ***out, size_t *n)
{
	char *copy = cad_strdup(s != NULL ? s : ""), *save = NULL;

	*out = NULL;
	*n = 0;
	for (char *w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save)) {
		*out = cad_xreallocarray(*out, *n + 1, sizeof **out);
		(*out)[(*n)++] = cad_strdup(w);
	}
	free(copy);
}

static int
new_secret(char **secret, struct cad_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[SECRET_BYTES];
	size_t have = 0;
	char *s;

	while (have < sizeof raw) {
		ssize_t k = getrandom(raw + have, sizeof raw - have, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			cad_error_set(err, "getrandom: %s", strerror(e));
			return -e;
		}
		have += (size_t)k;
	}
	s = cad_xcalloc(1, sizeof SECRET_PREFIX + 2 * SECRET_BYTES);
	memcpy(s, SECRET_PREFIX, sizeof SECRET_PREFIX - 1);
	for (size_t i = 0; i < SECRET_BYTES; i++) {
		s[sizeof SECRET_PREFIX - 1 + 2 * i] = hex[raw[i] >> 4];
		s[sizeof SECRET_PREFIX + 2 * i] = hex[raw[i] & 15];
	}
	*secret = s;
	return 0;
}

/* the token's audit record, in the caller's transaction */
static int
token_audit(struct cad_store *st, enum cad_audit_action a,
    const char *name, const char *scope, const struct cad_actor *who,
    int64_t now, struct cad_error *err)
{
	struct cad_audit_row e = {
		.time = now,
		.who = who->who,
		.address = who->address,
		.action = a,
		.what = name,
		.before = a == CAD_AUDIT_TOKEN_ADD ? "" : scope,
		.after = a == CAD_AUDIT_TOKEN_ADD ? scope : "",
	};
	return cad_audit_add(st, &e, err);
}

int
cad_token_add(struct cad_store *st, const struct cad_token_row *t,
    const struct cad_actor *who, int64_t now, char **secret,
    struct cad_error *err)
{
	static const char sql[] = "INSERT INTO tokens (name, hash, forums, "
	    "parties, created) VALUES (?1, ?2, ?3, ?4, ?5)";
	char hash[CAD_SHA256_HEX];
	char *forums = NULL, *parties = NULL, *scope = NULL, *s = NULL;
	sqlite3_stmt *stmt;
	int r;

	*secret = NULL;
	if (!cad_token_name_valid(t->name)) {
		cad_error_set(err, _("pääsytunnuksen nimi '%1$s' ei ole "
		    "1-%2$d kirjainta, numeroa tai merkkiä ._-@"), t->name,
		    CAD_TOKEN_NAME_MAX);
		return -EINVAL;
	}
	if ((r = new_secret(&s, err)) != 0)
		return r;
	cad_sha256_hex(s, strlen(s), hash);
	forums = join_ids(t->forums, t->nforums);
	parties = join_ids(t->parties, t->nparties);
	scope = cad_audit_scope_text(forums, parties);
	if ((r = cad_store_begin(st, err)) != 0)
		goto out;
	if ((r = cad_store_stmt(st, &stmt, sql, err, "tttti",
	    t->name, hash, forums, parties, now)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "add token", err)) != 0 ||
	    (r = token_audit(st, CAD_AUDIT_TOKEN_ADD, t->name, scope, who,
	    now, err)) != 0 ||
	    (r = cad_store_commit(st, err)) != 0) {
		cad_store_rollback(st);
		if (strstr(err->msg, "UNIQUE") != NULL) {
			cad_error_set(err, _("pääsytunnus nimeltä '%s' on jo "
			    "olemassa"), t->name);
			r = -EEXIST;
		}
		goto out;
	}
	*secret = s;
	s = NULL;
out:
	free(s);
	free(forums);
	free(parties);
	free(scope);
	return r;
}

static int
read_token(sqlite3_stmt *stmt, struct cad_token *t, char **hash)
{
	memset(t, 0, sizeof *t);
	t->name = cad_store_col_strdup(stmt, 0);
	split_ids((const char *)sqlite3_column_text(stmt, 2), &t->forums,
	    &t->nforums);
	split_ids((const char *)sqlite3_column_text(stmt, 3), &t->parties,
	    &t->nparties);
	t->created = sqlite3_column_int64(stmt, 4);
	if (hash != NULL)
		*hash = cad_store_col_strdup(stmt, 1);
	return t->name != NULL ? 0 : -EIO;
}

static const char select_tokens[] =
    "SELECT name, hash, forums, parties, created FROM tokens ORDER BY name";

int
cad_token_revoke(struct cad_store *st, const char *name,
    const struct cad_actor *who, int64_t now, struct cad_error *err)
{
	struct cad_token *v = NULL;
	char *forums = NULL, *parties = NULL, *scope = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0, i;
	int r;

	if ((r = cad_store_begin(st, err)) != 0)
		return r;
	if ((r = cad_token_list(st, &v, &n, err)) != 0)
		goto out;
	for (i = 0; i < n && strcmp(v[i].name, name) != 0; i++)
		;
	if (i == n) {
		cad_error_set(err, _("pääsytunnusta nimeltä '%s' ei ole"),
		    name);
		r = -ENOENT;
		goto out;
	}
	/* char ** to const char *const *: it only adds const, but C
	   still wants the cast */
	forums = join_ids((const char *const *)v[i].forums, v[i].nforums);
	parties = join_ids((const char *const *)v[i].parties,
	    v[i].nparties);
	scope = cad_audit_scope_text(forums, parties);
	if ((r = cad_store_stmt(st, &stmt, "DELETE FROM tokens WHERE "
	    "name = ?1", err, "t", name)) != 0 ||
	    (r = cad_store_step_done(st, stmt, "revoke token", err)) != 0 ||
	    (r = token_audit(st, CAD_AUDIT_TOKEN_REVOKE, name, scope, who,
	    now, err)) != 0)
		goto out;
	r = cad_store_commit(st, err);
out:
	if (r != 0)
		cad_store_rollback(st);
	cad_tokens_free(v, n);
	free(forums);
	free(parties);
	free(scope);
	return r;
}

/* every token, and with hashes != NULL their hashes in (*hashes)[i] */
static int
read_tokens(struct cad_store *st, struct cad_token **out, char ***hashes,
    size_t *n, struct cad_error *err)
{
	struct cad_token *v = NULL;
	char **h = NULL;
	sqlite3_stmt *stmt;
	size_t nv = 0;
	int r = 0, rc;

	*out = NULL;
	*n = 0;
	if ((r = cad_store_stmt(st, &stmt, select_tokens, err, "")) != 0)
		return r;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		v = cad_xreallocarray(v, nv + 1, sizeof *v);
		h = cad_xreallocarray(h, nv + 1, sizeof *h);
		h[nv] = NULL;
		r = read_token(stmt, &v[nv], &h[nv]);
		nv++;
		if (r != 0 || h[nv - 1] == NULL) {
			cad_error_set(err, "a token is malformed");
			r = -EIO;
			break;
		}
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = cad_store_fail(st, rc, "read tokens", err);
	sqlite3_finalize(stmt);
	if (r == 0 && hashes != NULL) {
		*hashes = h;
		h = NULL;
	}
	for (size_t i = 0; h != NULL && i < nv; i++)
		free(h[i]);
	free(h);
	if (r != 0) {
		cad_tokens_free(v, nv);
		return r;
	}
	*out = v;
	*n = nv;
	return 0;
}

int
cad_token_list(struct cad_store *st, struct cad_token **out, size_t *n,
    struct cad_error *err)
{
	return read_tokens(st, out, NULL, n, err);
}

void
cad_token_release(struct cad_token *t)
{
	if (t == NULL)
		return;
	free(t->name);
	for (size_t i = 0; i < t->nforums; i++)
		free(t->forums[i]);
	free(t->forums);
	for (size_t i = 0; i < t->nparties; i++)
		free(t->parties[i]);
	free(t->parties);
	memset(t, 0, sizeof *t);
}

void
cad_tokens_free(struct cad_token *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cad_token_release(&v[i]);
	free(v);
}

int
cad_token_check(struct cad_store *st, const char *secret,
    struct cad_token *out, struct cad_error *err)
{
	char hash[CAD_SHA256_HEX];
	struct cad_token *v;
	char **h = NULL;
	size_t n, found = SIZE_MAX;
	int r;

	memset(out, 0, sizeof *out);
	if (strlen(secret) > CAD_TOKEN_MAX) {
		cad_error_set(err, "token too long");
		return -EACCES;
	}
	cad_sha256_hex(secret, strlen(secret), hash);
	if ((r = read_tokens(st, &v, &h, &n, err)) != 0)
		return r;
	/* every one compared in full: the time does not tell which */
	for (size_t i = 0; i < n; i++)
		if (strlen(h[i]) == CAD_SHA256_HEX - 1 &&
		    cad_equal_secret(h[i], hash, CAD_SHA256_HEX - 1))
			found = i;
	if (found != SIZE_MAX) {
		*out = v[found];
		memset(&v[found], 0, sizeof v[found]);
	} else {
		cad_error_set(err, "no such token");
		r = -EACCES;
	}
	for (size_t i = 0; i < n; i++)
		free(h[i]);
	free(h);
	cad_tokens_free(v, n);
	return r;
}

static bool
listed(char *const *v, size_t n, const char *id)
{
	if (n == 0)
		return true;
	for (size_t i = 0; id != NULL && i < n; i++)
		if (strcmp(v[i], id) == 0)
			return true;
	return false;
}

bool
cad_token_allows(const struct cad_token *t, const char *forum,
    const char *party)
{
	return listed(t->forums, t->nforums, forum) &&
	    listed(t->parties, t->nparties, party);
}

static void
json_ids(struct cad_buf *b, char *const *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		cad_buf_puts(b, i ? ", " : "");
		cad_buf_json_str(b, v[i]);
	}
	cad_buf_puts(b, "]");
}

int
cad_token_json(struct cad_buf *b, const struct cad_token *v, size_t n)
{
	cad_buf_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		char when[32];

		cad_format_utc(v[i].created, when);
		cad_buf_puts(b, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		cad_buf_json_str(b, v[i].name);
		cad_buf_puts(b, ", \"forums\": ");
		json_ids(b, v[i].forums, v[i].nforums);
		cad_buf_puts(b, ", \"parties\": ");
		json_ids(b, v[i].parties, v[i].nparties);
		cad_buf_printf(b, ", \"created\": \"%s\"}", when);
	}
	cad_buf_puts(b, n ? "\n]\n" : "]\n");
	return cad_buf_error(b);
}
