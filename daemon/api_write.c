/*
 * api_write.c - POST /api/v1/changes and GET /api/v1/audit
 * (api_write.h).
 *
 * Order of the checks, each answered at once when it fails: the
 * address has had API_FAILS_PER_MINUTE failed tokens in the last
 * minute (429); a token over plain HTTP from another host, unless
 * behind a TLS proxy (403); no token or an unknown one (401, which
 * counts as a failure).  Then the body: at most API_CHANGE_BODY_MAX
 * bytes of valid JSON (400), within the token's scope (403), a real
 * meeting (400).  A task's done is checked against the scope once its
 * owner is known, after the validation (so a wrong task is a 400 even
 * for a token that could not have recorded it).  The token is compared by its hash in constant time
 * (store/token.h) and never logged; the log names the token.
 */
#include "api_write.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api_json.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "route.h"
#include "snapshot.h"
#include "store/audit.h"
#include "store/change.h"
#include "store/token.h"

#define API_MAGIC	0x61706977u	/* "apiw": a req_cls of ours */
#define ADDR_SIZE	64
#define FAIL_WINDOW_S	60
#define FAIL_SLOTS	512		/* addresses remembered */
#define AUDIT_BODY_MAX	(16u << 20)
#define STORE_IDLE_MAX	4		/* connections kept for reuse */

struct api_req {
	unsigned magic;
	bool answered;		/* a response is queued: discard the rest */
	bool too_large;
	bool post;
	struct cad_token token;
	char addr[ADDR_SIZE];
	struct cad_buf body;
};

struct fail_slot {
	char addr[ADDR_SIZE];
	int64_t since;		/* start of its minute */
	unsigned n;
};

/*
 * The failure counts and the idle store connections.  api_lock guards
 * only these, never a read or a write of the store: each request uses a
 * connection of its own, and sqlite's write lock (BEGIN IMMEDIATE, the
 * busy timeout) makes two changes take turns (store/change.h).
 */
static pthread_mutex_t api_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cad_store *idle[STORE_IDLE_MAX];
static size_t nidle;
static char *idle_dir;		/* the state_dir they are of */
static struct fail_slot fails[FAIL_SLOTS];

bool
api_write_route(const char *method, const char *url)
{
	(void)method;
	return url != NULL && (strcmp(url, "/api/v1/changes") == 0 ||
	    strcmp(url, "/api/v1/audit") == 0);
}

/* --- answers ---------------------------------------------------------- */

/* b was checked: cad_buf_error(b) is 0 */
static enum MHD_Result
answer_buf(struct MHD_Connection *c, unsigned code, struct cad_buf *b)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len = b->len;
	char *body = cad_buf_steal(b);

	resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (code == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"cadenced\"");
	if (code == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    "60");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "POST");
	ret = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	metrics_http_response(code);
	return ret;
}

/* {"error": msg} */
static enum MHD_Result
answer_error(struct MHD_Connection *c, unsigned code, const char *msg)
{
	struct cad_buf b;

	cad_buf_init(&b, 4096);
	api_error_body(&b, msg);
	return answer_buf(c, code, &b);
}

/* --- who is asking ---------------------------------------------------- */

static bool
peer_loopback(const struct sockaddr *sa)
{
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)sa)->sin6_addr;
		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) &&
		    a->s6_addr[12] == 127);
	}
	return false;
}

static const struct sockaddr *
peer(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return ci != NULL ? ci->client_addr : NULL;
}

/*
 * The client's address as text: the peer's, or behind a TLS proxy on
 * the loopback address the X-Real-IP it sets (docs/tls-proxy.md).
 */
static void
client_address(struct MHD_Connection *c, bool behind_proxy,
    char out[static ADDR_SIZE])
{
	const struct sockaddr *sa = peer(c);
	const char *real = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-Real-IP");
	unsigned char tmp[sizeof(struct in6_addr)];

	if (behind_proxy && peer_loopback(sa) && real != NULL &&
	    (inet_pton(AF_INET, real, tmp) == 1 ||
	    inet_pton(AF_INET6, real, tmp) == 1)) {
		cad_strlcpy(out, real, ADDR_SIZE);
		return;
	}
	cad_strlcpy(out, "?", ADDR_SIZE);
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, ADDR_SIZE);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    ADDR_SIZE);
}

/* --- failed tokens per address (under api_lock) ----------------------- */

static struct fail_slot *
fail_find(const char *addr, bool take, int64_t now)
{
	struct fail_slot *oldest = &fails[0];

	for (size_t i = 0; i < FAIL_SLOTS; i++) {
		if (strcmp(fails[i].addr, addr) == 0)
			return &fails[i];
		if (fails[i].since < oldest->since)
			oldest = &fails[i];
	}
	if (!take)
		return NULL;
	cad_strlcpy(oldest->addr, addr, sizeof oldest->addr);
	oldest->since = now;
	oldest->n = 0;
	return oldest;
}

static bool
fail_blocked(const char *addr, int64_t now)
{
	struct fail_slot *f = fail_find(addr, false, now);

	return f != NULL && now - f->since < FAIL_WINDOW_S &&
	    f->n >= API_FAILS_PER_MINUTE;
}

static void
fail_count(const char *addr, int64_t now)
{
	struct fail_slot *f = fail_find(addr, true, now);

	if (now - f->since >= FAIL_WINDOW_S) {
		f->since = now;
		f->n = 0;
	}
	f->n++;
	if (f->n == API_FAILS_PER_MINUTE)
		log_warnx("api: %u failed tokens from %s within a minute: "
		    "refused for the rest of it", f->n, addr);
}

/* --- the store connections ------------------------------------------ */

/* an idle connection to cfg's state_dir, or a new one */
static int
store_take(const struct cad_config *cfg, struct cad_store **st,
    struct cad_error *err)
{
	*st = NULL;
	pthread_mutex_lock(&api_lock);
	if (nidle != 0 && strcmp(idle_dir, cfg->state_dir) == 0)
		*st = idle[--nidle];
	pthread_mutex_unlock(&api_lock);
	return *st != NULL ? 0 : cad_store_open(cfg->state_dir, st, err);
}

/*
 * st back among the idle ones of cfg's state_dir (after a reload that
 * moved it, those of the old one go), or closed; closed outside the lock
 */
static void
store_give(const struct cad_config *cfg, struct cad_store *st)
{
	struct cad_store *drop[STORE_IDLE_MAX + 1];
	size_t ndrop = 0;

	pthread_mutex_lock(&api_lock);
	if (idle_dir == NULL || strcmp(idle_dir, cfg->state_dir) != 0) {
		while (nidle != 0)
			drop[ndrop++] = idle[--nidle];
		free(idle_dir);
		idle_dir = cad_strdup(cfg->state_dir);
	}
	if (nidle < STORE_IDLE_MAX)
		idle[nidle++] = st;
	else
		drop[ndrop++] = st;
	pthread_mutex_unlock(&api_lock);
	while (ndrop != 0)
		cad_store_close(drop[--ndrop]);
}

void
api_write_release(void)
{
	pthread_mutex_lock(&api_lock);
	while (nidle != 0)
		cad_store_close(idle[--nidle]);
	free(idle_dir);
	idle_dir = NULL;
	pthread_mutex_unlock(&api_lock);
}

/* --- the token -------------------------------------------------------- */

/* the bearer token of the Authorization header, or NULL */
static const char *
bearer(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h != '\0' ? h : NULL;
}

/*
 * The token of the request into rq->token: 0, MHD_HTTP_UNAUTHORIZED
 * (counted as a failure of the address) or
 * MHD_HTTP_SERVICE_UNAVAILABLE, with the reason in err.  The store is
 * read without api_lock: two wrong tokens of one address at once may
 * both be tried before either is counted.
 */
static unsigned
check_token(const struct snapshot *s, const char *tok, struct api_req *rq,
    int64_t now, struct cad_error *err)
{
	struct cad_store *st;
	int r;

	if ((r = store_take(s->cfg, &st, err)) != 0)
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	r = cad_token_check(st, tok, &rq->token, err);
	store_give(s->cfg, st);
	if (r == 0)
		return 0;
	if (r != -EACCES)
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	pthread_mutex_lock(&api_lock);
	fail_count(rq->addr, now);
	pthread_mutex_unlock(&api_lock);
	cad_error_set(err, _("pääsytunnus ei kelpaa"));
	return MHD_HTTP_UNAUTHORIZED;
}

/*
 * Checks who is asking into rq->token; 0, or the status to answer with
 * the reason in err.
 */
static unsigned
authorize(struct MHD_Connection *c, const struct snapshot *s,
    struct api_req *rq, struct cad_error *err)
{
	const char *tok = bearer(c);
	int64_t now = (int64_t)time(NULL);
	unsigned code = 0;
	bool blocked;

	client_address(c, s->cfg->behind_tls_proxy, rq->addr);
	pthread_mutex_lock(&api_lock);
	blocked = fail_blocked(rq->addr, now);
	pthread_mutex_unlock(&api_lock);
	if (blocked) {
		cad_error_set(err, _("liian monta väärää pääsytunnusta "
		    "osoitteesta %s: yritä uudelleen minuutin kuluttua"),
		    rq->addr);
		code = MHD_HTTP_TOO_MANY_REQUESTS;
	} else if (!http_over_tls(c) && !s->cfg->behind_tls_proxy &&
	    !peer_loopback(peer(c))) {
		cad_error_set(err, _("pääsytunnukset otetaan vastaan vain "
		    "HTTPS-yhteydellä (http.tls_cert) tai "
		    "TLS-välityspalvelimen takaa (http.behind_tls_proxy)"));
		code = MHD_HTTP_FORBIDDEN;
	} else if (tok == NULL) {
		/* TRANSLATORS: TUNNUS is the token in the header's example */
		cad_error_set(err, _("tarvitaan pääsytunnus: Authorization: "
		    "Bearer TUNNUS"));
		code = MHD_HTTP_UNAUTHORIZED;
	} else
		code = check_token(s, tok, rq, now, err);
	if (code == MHD_HTTP_SERVICE_UNAVAILABLE)
		log_warnx("api: cannot read the tokens: %s", err->msg);
	return code;
}

/* --- the change ------------------------------------------------------- */

/* , "key": "YYYY-MM-DDTHH:MM" (local) */
static void
json_start(struct cad_buf *b, const char *key, int day, int time)
{
	char dt[CAD_RID_SIZE];

	cad_rid_format(day, time, dt);
	cad_buf_printf(b, ", \"%s\": \"%s\"", key, dt);
}

static enum MHD_Result
answer_change(struct MHD_Connection *c, const struct cad_change_result *res)
{
	struct cad_buf b;
	int k = 0;

	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "{\"uid\": ");
	cad_buf_json_str(&b, res->uid);
	cad_buf_puts(&b, ", \"name\": ");
	cad_buf_json_str(&b, res->name);
	json_start(&b, "start", res->day, res->time);
	json_start(&b, "new_start", res->new_day, res->new_time);
	cad_buf_printf(&b, ", \"changed\": %s, \"before\": ",
	    res->outcome == CAD_CHANGE_STORED ? "true" : "false");
	cad_buf_json_str(&b, res->before);
	cad_buf_puts(&b, ", \"after\": ");
	cad_buf_json_str(&b, res->after);
	cad_buf_puts(&b, ", \"warnings\": [");
	for (int i = 0; i < CAD_CHANGE_NWARNINGS; i++)
		if (res->warnings & (1 << i)) {
			cad_buf_puts(&b, k++ ? ", " : "");
			cad_buf_json_str(&b, cad_change_warning_name(1 << i));
		}
	cad_buf_puts(&b, "]}\n");
	if (cad_buf_error(&b) != 0) {
		cad_buf_release(&b);
		return answer_error(c, 500, _("vastaus on liian suuri"));
	}
	return answer_buf(c, MHD_HTTP_OK, &b);
}

/* a task's done: {"uid", "name", "task", "party", "date", "changed",
   "before", "after", "warnings": []} (uid: the deadline's in
   deadlines.ics; party null for the agreement's review) */
static enum MHD_Result
answer_done(struct MHD_Connection *c, const struct cad_change_result *res)
{
	const char *party = *res->done.party != '\0' ? res->done.party : NULL;
	struct cad_buf b;
	char date[11];

	cad_format_date(res->done.due, date);
	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "{\"uid\": ");
	cad_buf_json_str(&b, res->uid);
	cad_buf_puts(&b, ", \"name\": ");
	cad_buf_json_str(&b, res->name);
	cad_buf_puts(&b, ", \"task\": ");
	cad_buf_json_str(&b, res->done.task);
	cad_buf_puts(&b, ", \"party\": ");
	cad_buf_json_str(&b, party);
	cad_buf_printf(&b, ", \"date\": \"%s\", \"changed\": %s, "
	    "\"before\": ", date, res->outcome == CAD_CHANGE_STORED ?
	    "true" : "false");
	cad_buf_json_str(&b, res->before);
	cad_buf_puts(&b, ", \"after\": ");
	cad_buf_json_str(&b, res->after);
	cad_buf_puts(&b, ", \"warnings\": []}\n");
	if (cad_buf_error(&b) != 0) {
		cad_buf_release(&b);
		return answer_error(c, 500, _("vastaus on liian suuri"));
	}
	return answer_buf(c, MHD_HTTP_OK, &b);
}

static unsigned
status_of(int r)
{
	return r == -EINVAL ? MHD_HTTP_BAD_REQUEST : r == -ENOENT ?
	    MHD_HTTP_CONFLICT : r == -EACCES ? MHD_HTTP_FORBIDDEN :
	    MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static bool
is_done(enum cad_change_action a)
{
	return a == CAD_CHANGE_DONE || a == CAD_CHANGE_UNDONE;
}

/*
 * The token may record the prepared done res: a task belongs to its
 * owner party and to no forum, so a token limited to forums may not, one
 * limited to parties only for its parties' tasks; the agreement's review
 * (no party) needs a token without limits.  -EACCES with err otherwise.
 */
static int
done_scope(const struct cad_token *t, const struct cad_change_result *res,
    struct cad_error *err)
{
	const char *party = *res->done.party != '\0' ? res->done.party : NULL;

	if (cad_token_allows(t, NULL, party))
		return 0;
	if (party == NULL)
		cad_error_set(err, _("pääsytunnus '%s' ei saa kirjata "
		    "sopimuksen tarkistusta: se vaatii pääsytunnuksen ilman "
		    "rajauksia"), t->name);
	else if (t->nforums != 0)
		cad_error_set(err, _("pääsytunnus '%s' on rajattu "
		    "foorumeihin: se ei saa kirjata tehtäviä tehdyiksi"),
		    t->name);
	else
		cad_error_set(err, _("pääsytunnus '%1$s' ei saa kirjata "
		    "osapuolen '%2$s' tehtäviä"), t->name, party);
	return -EACCES;
}

/*
 * The language of the answer's names (SPEC § 10.4): ?lang= when it names
 * a listed language (another is -EINVAL, as for GET), else the first
 * listed one of Accept-Language's tags, else the default language.
 * Made the thread's language.
 */
static int
answer_lang(struct MHD_Connection *c, const struct cad_config *cfg,
    struct cad_error *err)
{
	const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "lang");
	const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	enum cad_lang l = cfg->langs[0];

	if (q != NULL && (cad_lang_parse(q, &l) < 0 ||
	    !cad_config_has_lang(cfg, l))) {
		(void)cad_lang_use(cfg->langs[0]);
		cad_error_set(err, _("lang pitää olla jokin asetusten "
		    "kielistä (languages)"));
		return -EINVAL;
	}
	while (q == NULL && al != NULL) {
		size_t n = strcspn(al, ",;");
		char tag[3] = "";
		enum cad_lang t;
		if (n == 2 || (n > 2 && al[2] == '-'))
			memcpy(tag, al, 2);
		if (tag[0] != '\0' && cad_lang_parse(tag, &t) == 0 &&
		    cad_config_has_lang(cfg, t)) {
			l = t;
			break;
		}
		if ((al = strchr(al, ',')) != NULL)
			al += strspn(al, ", ");
	}
	(void)cad_lang_use(l);
	return 0;
}

/* the answer's language again in a later call of the request: the
   thread may have answered another request in between */
static void
use_answer_lang(struct MHD_Connection *c)
{
	struct cad_error ignored = { "" };
	struct snapshot *s = snapshot_get();

	if (s != NULL) {
		(void)answer_lang(c, s->cfg, &ignored);
		snapshot_put(s);
	}
}

/*
 * Validates ac and stores it as the token's with st (cad_change_apply
 * with the scope of a task's done checked between the two): the
 * planning under the core lock (libical), the write after it under no
 * lock of ours; prepared again when another change of the same came
 * first (-EAGAIN, store/change.h).  0 or -errno with err.
 */
static int
apply_with(struct cad_store *st, const struct snapshot *s,
    const struct api_req *rq, const struct api_change *ac,
    struct cad_change_result *res, struct cad_error *err)
{
	struct cad_actor who = { rq->token.name, rq->addr };
	int r, tries = 0;

	do {
		snapshot_core_lock();
		r = cad_change_prepare(st, s->cfg, s->today, &ac->ch, res,
		    err);
		snapshot_core_unlock();
		if (r != 0)
			return r;
		/* a task's owner is known once prepared (--party may be
		   left out) */
		if ((is_done(ac->ch.action) &&
		    (r = done_scope(&rq->token, res, err)) != 0) ||
		    (r = cad_change_commit(st, res, &who, (int64_t)time(NULL),
		    err)) != 0)
			cad_change_result_release(res);
	} while (r == -EAGAIN && ++tries < CAD_CHANGE_TRIES);
	return r;
}

/* validates and stores ac as the token's: 0 or -errno with err */
static int
apply(struct MHD_Connection *c, const struct api_req *rq,
    const struct api_change *ac, struct cad_change_result *res,
    struct cad_error *err)
{
	struct snapshot *s = snapshot_get();
	struct cad_store *st;
	int r;

	if (s == NULL) {
		cad_error_set(err, _("ei vielä valmis"));
		return -EAGAIN;
	}
	if ((r = answer_lang(c, s->cfg, err)) == 0 &&
	    (r = store_take(s->cfg, &st, err)) == 0) {
		r = apply_with(st, s, rq, ac, res, err);
		store_give(s->cfg, st);
	}
	snapshot_put(s);
	return r;
}

static enum MHD_Result
post_change(struct MHD_Connection *c, struct api_req *rq)
{
	struct cad_error err = { "" };
	struct api_change ac;
	struct cad_change_result res;
	enum MHD_Result ret;
	char msg[320];
	int r;

	use_answer_lang(c);
	if (rq->too_large) {
		api_too_large(&err);
		return answer_error(c, MHD_HTTP_BAD_REQUEST, err.msg);
	}
	if (api_change_parse(rq->body.data != NULL ? rq->body.data : "",
	    rq->body.len, &ac, &err) != 0)
		return answer_error(c, MHD_HTTP_BAD_REQUEST, err.msg);
	if (!is_done(ac.ch.action) &&
	    !cad_token_allows(&rq->token, ac.ch.forum, ac.ch.party)) {
		if (ac.ch.party != NULL)
			snprintf(msg, sizeof msg, _("pääsytunnus '%1$s' ei "
			    "saa muuttaa foorumin '%2$.64s' kokouksia "
			    "osapuolelle '%3$.64s'"), rq->token.name,
			    ac.ch.forum, ac.ch.party);
		else
			snprintf(msg, sizeof msg, _("pääsytunnus '%1$s' ei "
			    "saa muuttaa foorumia '%2$.64s'"), rq->token.name,
			    ac.ch.forum);
		api_change_release(&ac);
		return answer_error(c, MHD_HTTP_FORBIDDEN, msg);
	}
	r = apply(c, rq, &ac, &res, &err);
	if (r != 0) {
		if (r != -EINVAL && r != -ENOENT && r != -EACCES)
			log_warnx("api: cannot save a change of token '%s': "
			    "%s", rq->token.name, err.msg);
		api_change_release(&ac);
		return answer_error(c, r == -EAGAIN ?
		    MHD_HTTP_SERVICE_UNAVAILABLE : status_of(r), err.msg);
	}
	if (res.outcome == CAD_CHANGE_STORED)
		log_info("api: %s %s by token '%s' from %s", ac.action,
		    res.what, rq->token.name, rq->addr);
	ret = is_done(ac.ch.action) ? answer_done(c, &res) :
	    answer_change(c, &res);
	cad_change_result_release(&res);
	api_change_release(&ac);
	return ret;
}

/* --- the audit -------------------------------------------------------- */

static enum MHD_Result
get_audit(struct MHD_Connection *c)
{
	struct cad_error err = { "" };
	struct cad_audit_entry *v = NULL;
	struct snapshot *s = snapshot_get();
	struct cad_store *st;
	struct cad_buf b;
	size_t n = 0;
	int r = -EAGAIN;

	if (s != NULL && (r = store_take(s->cfg, &st, &err)) == 0) {
		r = cad_audit_list(st, &v, &n, &err);
		store_give(s->cfg, st);
	}
	if (s != NULL)
		snapshot_put(s);
	use_answer_lang(c);
	if (r != 0)
		return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    _("muutoslokia ei voi lukea"));
	cad_buf_init(&b, AUDIT_BODY_MAX);
	r = cad_audit_json(&b, v, n);
	cad_audit_entries_free(v, n);
	if (r != 0) {
		cad_buf_release(&b);
		return answer_error(c, 500, _("muutosloki on liian suuri"));
	}
	return answer_buf(c, MHD_HTTP_OK, &b);
}

/* --- the handler ------------------------------------------------------ */

/* the headers are in: method, then the token */
static enum MHD_Result
first_call(struct MHD_Connection *c, const char *url, const char *method,
    struct api_req *rq)
{
	bool changes = strcmp(url, "/api/v1/changes") == 0;
	struct cad_error err = { "" };
	struct snapshot *s;
	unsigned code;

	rq->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	/* the reasons in the answer's language from the start */
	if ((s = snapshot_get()) != NULL)
		(void)answer_lang(c, s->cfg, &err);
	if (changes != rq->post || (!changes &&
	    strcmp(method, MHD_HTTP_METHOD_GET) != 0)) {
		if (s != NULL)
			snapshot_put(s);
		rq->answered = true;
		/* TRANSLATORS: POST or GET, the one method allowed */
		cad_error_set(&err, _("vain %s"), changes ? "POST" : "GET");
		return answer_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, err.msg);
	}
	if (s == NULL) {
		rq->answered = true;
		return answer_error(c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    _("ei vielä valmis"));
	}
	code = authorize(c, s, rq, &err);
	snapshot_put(s);
	if (code != 0) {
		rq->answered = true;
		return answer_error(c, code, err.msg);
	}
	return MHD_YES;
}

enum MHD_Result
api_write_handler(struct MHD_Connection *c, const char *url,
    const char *method, const char *upload_data, size_t *upload_data_size,
    void **req_cls)
{
	struct api_req *rq = *req_cls;

	if (rq == NULL) {
		rq = cad_xcalloc(1, sizeof *rq);
		rq->magic = API_MAGIC;
		cad_buf_init(&rq->body, API_CHANGE_BODY_MAX + 1);
		*req_cls = rq;
		return first_call(c, url, method, rq);
	}
	if (*upload_data_size != 0) {
		/* the body: kept up to the limit, the rest discarded */
		if (rq->body.len + *upload_data_size > API_CHANGE_BODY_MAX)
			rq->too_large = true;
		if (!rq->answered && !rq->too_large) {
			cad_buf_add(&rq->body, upload_data, *upload_data_size);
			rq->too_large = cad_buf_error(&rq->body) != 0;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->answered)
		return MHD_YES;
	rq->answered = true;
	return rq->post ? post_change(c, rq) : get_audit(c);
}

void
api_write_completed(void **req_cls)
{
	struct api_req *rq = *req_cls;

	if (rq == NULL || rq->magic != API_MAGIC)
		return;
	cad_token_release(&rq->token);
	cad_buf_release(&rq->body);
	rq->magic = 0;
	free(rq);
	*req_cls = NULL;
}
