/*
 * outbox.c - enqueueing invitations and delivering them (SPEC § 6); the
 * design is in outbox.h.
 */
#include "store/outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "render/ical.h"
#include "render/imip.h"

#define RID_LEN		16		/* "YYYY-MM-DDTHH:MM" */
#define RID_SIZE	40		/* roomier: no truncation warnings */
#define PASSWORD_MAX	4096
#define BODY_MAX	(1u << 20)	/* replies we read and drop */
#define ETAG_MAX	256
#define CONNECT_TIMEOUT	10L
#define TRANSFER_TIMEOUT 60L
#define DELIVER_MAX_SECONDS 900		/* cad_outbox_deliver's bound */
#define RETRY_AFTER_MAX	86400		/* longest Retry-After honoured */

/* ---------------------------------------------------------------- */
/* small helpers */

/* two FNV-1a 64 with different bases: a 128-bit content fingerprint */
static void
fingerprint(const char *s, size_t n, char out[static 33])
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;

	for (size_t i = 0; i < n; i++) {
		a = (a ^ (unsigned char)s[i]) * 0x100000001b3ULL;
		b = (b ^ (unsigned char)s[i]) * 0x100000001b3ULL;
		b ^= b >> 29;
	}
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
	    (unsigned long long)b);
}

static void
format_rid(int day, int minutes, char out[static RID_SIZE])
{
	char d[11];

	cad_format_date(day, d);
	snprintf(out, RID_SIZE, "%sT%02u:%02u", d,
	    (unsigned)minutes / 60 % 24, (unsigned)minutes % 60);
}

static int
parse_rid(const char *s, int *day, int *minutes)
{
	char d[11];

	if (s == NULL || strlen(s) < RID_LEN || s[10] != 'T')
		return -EINVAL;
	memcpy(d, s, 10);
	d[10] = '\0';
	if (cad_parse_date(d, day) != 0)
		return -EINVAL;
	char t[6];
	memcpy(t, s + 11, 5);
	t[5] = '\0';
	return cad_parse_time(t, minutes);
}

/* rid is one of the space-separated RIDs of list */
static bool
rid_in(const char *list, const char *rid)
{
	size_t n = strlen(rid);

	for (const char *p = list; p != NULL && *p; ) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (k == n && strncmp(p, rid, n) == 0)
			return true;
		p += k;
	}
	return false;
}

char *
cad_outbox_caldav_url(const struct cad_config *cfg, const char *uid)
{
	static const char hex[] = "0123456789ABCDEF";
	struct cad_buf b;
	char *r;

	cad_buf_init(&b, 0);
	cad_buf_puts(&b, cfg->caldav.url != NULL ? cfg->caldav.url : "");
	for (const unsigned char *p = (const unsigned char *)uid; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~@", *p) != NULL) {
			cad_buf_add(&b, p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			cad_buf_add(&b, e, 3);
		}
	}
	cad_buf_puts(&b, ".ics");
	r = cad_buf_steal(&b);
	cad_buf_release(&b);
	return r;
}

/* ---------------------------------------------------------------- */
/* enqueueing */

struct recipient {
	int party;
	const char *email;	/* borrowed from cfg */
	const char *name;
	bool chair;
};

static bool
terminated(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    int p)
{
	for (size_t i = 0; i < ctx->nterminations; i++)
		if (ctx->terminations[i].party != NULL &&
		    strcmp(ctx->terminations[i].party, cfg->parties[p].id) ==
		    0 && ctx->terminations[i].effective <= ctx->today)
			return true;
	return false;
}

static void
add_recipient(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    struct recipient *v, size_t *n, int p, bool chair)
{
	const struct cad_party *pa;

	if (p < 0 || (size_t)p >= cfg->nparties)
		return;
	pa = &cfg->parties[p];
	if (pa->email == NULL || *pa->email == '\0' || terminated(cfg, ctx, p))
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp(v[i].email, pa->email) == 0)
			return;
	v[*n].party = p;
	v[*n].email = pa->email;
	v[*n].name = pa->name != NULL ? pa->name : pa->id;
	v[*n].chair = chair;
	(*n)++;
}

/* the invited parties of series s; v has room for nparties */
static size_t
recipients(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_series *se, struct recipient *v)
{
	const struct cad_forum *f = &cfg->forums[se->forum];
	size_t n = 0;

	add_recipient(cfg, ctx, v, &n, se->convenor, true);
	if (cfg->invite != CAD_INVITE_PARTICIPANTS)
		return n;
	if (se->party >= 0)
		add_recipient(cfg, ctx, v, &n, se->party, false);
	for (size_t i = 0; i < f->nparticipants; i++)
		add_recipient(cfg, ctx, v, &n, f->participants[i], false);
	return n;
}

struct sync {
	struct cad_store *st;
	const struct cad_config *cfg;
	const struct cad_plan_ctx *ctx;
	const struct cad_plan *plan;
	int64_t now;
	int enqueued;
	struct cad_error *err;
	struct cad_imip_attendee *att;	/* scratch, nparties */
	struct recipient *rec;
	bool *wanted;			/* per peer of the series */
};

static int
enqueue(struct sync *sy, const char *channel, const char *target,
    const char *uid, const char *kind, const char *rid, int sequence,
    const struct cad_buf *payload)
{
	struct cad_outbox_entry e;
	int r;

	memset(&e, 0, sizeof e);
	e.channel = (char *)channel;
	e.target = (char *)target;
	e.uid = (char *)uid;
	e.kind = (char *)kind;
	e.rid = (char *)rid;
	e.sequence = sequence;
	e.sender = strcmp(channel, "smtp") == 0 ?
	    sy->cfg->organizer_email : NULL;
	e.payload = payload != NULL ? payload->data : NULL;
	e.payload_len = payload != NULL ? payload->len : 0;
	e.created = sy->now;
	e.due = sy->now;
	if ((r = cad_store_outbox_add(sy->st, &e, NULL, sy->err)) == 0)
		sy->enqueued++;
	return r;
}

static const char *const caldav_kinds[] = { "put", "delete", NULL };
static const char *const request_kinds[] = { "invite", "update", NULL };

/* the series' occurrences: how many, the cancelled RIDs, the first RID */
static size_t
series_facts(const struct cad_plan *plan, size_t s, struct cad_buf *cancelled,
    int *first_day, int *first_time)
{
	size_t n = 0;
	char rid[RID_SIZE];

	*first_day = CAD_NODAY;
	*first_time = 0;
	for (size_t i = 0; i < plan->nocc; i++) {
		const struct cad_occurrence *o = &plan->occ[i];
		if (o->series != s)
			continue;
		n++;
		if (*first_day == CAD_NODAY || o->rid_day < *first_day ||
		    (o->rid_day == *first_day && o->rid_time < *first_time)) {
			*first_day = o->rid_day;
			*first_time = o->rid_time;
		}
		if (o->status == CAD_CANCELLED) {
			format_rid(o->rid_day, o->rid_time, rid);
			if (!rid_in(cancelled->data, rid)) {
				if (cancelled->len > 0)
					cad_buf_puts(cancelled, " ");
				cad_buf_puts(cancelled, rid);
			}
		}
	}
	return n;
}

/*
 * The series hash as it would be without the cancellations in newly
 * (instances cancelled since the peer's last message): equal to the
 * peer's hash when those cancellations are the only change.  The hash
 * reads only series s's occurrences, so only those are copied.
 */
static void
hash_without(const struct cad_config *cfg, const struct cad_plan *plan,
    size_t s, const char *newly, char out[static 65])
{
	struct cad_plan one = *plan;
	char rid[RID_SIZE];
	size_t n = 0;

	for (size_t i = 0; i < plan->nocc; i++)
		n += plan->occ[i].series == s;
	one.occ = cad_xcalloc(n + 1, sizeof *one.occ);
	one.nocc = 0;
	for (size_t i = 0; i < plan->nocc; i++) {
		struct cad_occurrence *o = &one.occ[one.nocc];
		if (plan->occ[i].series != s)
			continue;
		*o = plan->occ[i];
		one.nocc++;
		if (o->status != CAD_CANCELLED)
			continue;
		format_rid(o->rid_day, o->rid_time, rid);
		if (rid_in(newly, rid)) {
			o->status = CAD_CONFIRMED;
			o->reason = NULL;
		}
	}
	cad_ical_series_hash(cfg, &one, s, out);
	free(one.occ);
}

static int
sync_caldav(struct sync *sy, size_t s, const struct cad_series_state *state,
    size_t natt, struct cad_outbox_peer *peers, size_t npeers)
{
	const struct cad_config *cfg = sy->cfg;
	const char *uid = sy->plan->series[s].uid;
	struct cad_outbox_peer *p = NULL, np;
	struct cad_buf obj;
	char fp[33];
	char *url = cad_outbox_caldav_url(cfg, uid);
	int r;

	for (size_t i = 0; i < npeers; i++)
		if (strcmp(peers[i].channel, "caldav") == 0 &&
		    strcmp(peers[i].target, url) == 0) {
			p = &peers[i];
			sy->wanted[i] = true;
		}
	cad_buf_init(&obj, 0);
	/* DTSTAMP = LAST-MODIFIED: the same content renders the same bytes */
	if ((r = cad_imip_calendar(cfg, sy->ctx, sy->plan, s, state,
	    CAD_IMIP_RESOURCE, 0, 0, sy->att, natt, cfg->smtp.present,
	    state->last_modified, &obj, sy->err)) < 0)
		goto out;
	fingerprint(obj.data, obj.len, fp);
	if (p != NULL && strcmp(p->hash, fp) == 0)
		goto out;
	if ((r = cad_store_outbox_supersede(sy->st, uid, "caldav", url,
	    caldav_kinds, NULL, sy->err)) < 0 ||
	    (r = enqueue(sy, "caldav", url, uid, "put", NULL, state->sequence,
	    &obj)) < 0)
		goto out;
	memset(&np, 0, sizeof np);
	np.uid = (char *)uid;
	np.channel = "caldav";
	np.target = url;
	np.hash = fp;
	np.cancelled = "";
	r = cad_store_peer_put(sy->st, &np, sy->err);
out:
	cad_buf_release(&obj);
	free(url);
	return r;
}

static int
sync_smtp_one(struct sync *sy, size_t s, const struct cad_series_state *state,
    size_t natt, const struct recipient *rc, struct cad_outbox_peer *p,
    const char *hash, const char *cancelled, int first_day, int first_time)
{
	const struct cad_config *cfg = sy->cfg;
	const struct cad_series *se = &sy->plan->series[s];
	struct cad_imip_attendee to = { rc->email, rc->name, rc->chair };
	struct cad_outbox_peer np;
	struct cad_buf msg, newly;
	char rid[RID_SIZE], start[RID_SIZE], h2[65];
	char *summary = NULL;
	bool request, had_invite = false;
	int r = 0;

	cad_buf_init(&msg, 0);
	cad_buf_init(&newly, 0);
	if (p != NULL && strcmp(p->hash, hash) == 0)
		goto out;	/* this recipient has it already */

	request = p == NULL;
	if (p != NULL) {
		bool restored = false;
		/* CANCEL of every instance cancelled since */
		for (size_t i = 0; i < sy->plan->nocc; i++) {
			const struct cad_occurrence *o = &sy->plan->occ[i];
			if (o->series != s)
				continue;
			format_rid(o->rid_day, o->rid_time, rid);
			if (o->status == CAD_CANCELLED &&
			    !rid_in(p->cancelled, rid) &&
			    !rid_in(newly.data, rid)) {
				if (newly.len > 0)
					cad_buf_puts(&newly, " ");
				cad_buf_puts(&newly, rid);
				cad_buf_reset(&msg);
				if ((r = cad_imip_series_mail(cfg, sy->ctx,
				    sy->plan, s, state, CAD_IMIP_CANCEL_ONE,
				    o->rid_day, o->rid_time, sy->att, natt,
				    &to, sy->now, &msg, sy->err)) < 0 ||
				    (r = enqueue(sy, "smtp", rc->email,
				    se->uid, "cancel", rid, state->sequence,
				    &msg)) < 0)
					goto out;
			} else if (o->status == CAD_CONFIRMED &&
			    rid_in(p->cancelled, rid)) {
				restored = true;
			}
		}
		/* nothing newly cancelled: the hash is hash, which differs */
		request = restored || newly.len == 0;
		if (!request) {
			hash_without(cfg, sy->plan, s, newly.data, h2);
			request = strcmp(h2, p->hash) != 0;
		}
	}
	if (request) {
		if ((r = cad_store_outbox_supersede(sy->st, se->uid, "smtp",
		    rc->email, request_kinds, &had_invite, sy->err)) < 0)
			goto out;
		bool first = p == NULL || had_invite;
		cad_buf_reset(&msg);
		if ((r = cad_imip_series_mail(cfg, sy->ctx, sy->plan, s, state,
		    first ? CAD_IMIP_INVITE : CAD_IMIP_UPDATE, 0, 0, sy->att,
		    natt, &to, sy->now, &msg, sy->err)) < 0 ||
		    (r = enqueue(sy, "smtp", rc->email, se->uid,
		    first ? "invite" : "update", NULL, state->sequence,
		    &msg)) < 0)
			goto out;
	}
	summary = se->party >= 0 ? cad_asprintf("%s: %s",
	    cfg->forums[se->forum].name, cfg->parties[se->party].name) :
	    cad_strdup(cfg->forums[se->forum].name);
	format_rid(first_day, first_time, start);
	memset(&np, 0, sizeof np);
	np.uid = se->uid;
	np.channel = "smtp";
	np.target = (char *)rc->email;
	np.hash = (char *)hash;
	np.cancelled = (char *)(cancelled != NULL ? cancelled : "");
	np.name = (char *)rc->name;
	np.summary = summary;
	np.dtstart = start;
	r = cad_store_peer_put(sy->st, &np, sy->err);
out:
	free(summary);
	cad_buf_release(&msg);
	cad_buf_release(&newly);
	return r;
}

/* a peer that is no longer wanted: DELETE the resource, CANCEL to the
   attendee, and forget it */
static int
sync_unwanted(struct sync *sy, const struct cad_outbox_peer *p, int sequence)
{
	struct cad_buf msg;
	int r, day = CAD_NODAY, minutes = 0;

	if (strcmp(p->channel, "caldav") == 0) {
		if (!sy->cfg->caldav.present)
			return 0;
		if ((r = cad_store_outbox_supersede(sy->st, p->uid, "caldav",
		    p->target, caldav_kinds, NULL, sy->err)) < 0 ||
		    (r = enqueue(sy, "caldav", p->target, p->uid, "delete",
		    NULL, sequence, NULL)) < 0)
			return r;
	} else {
		struct cad_imip_attendee to = { p->target, p->name, false };
		if (!sy->cfg->smtp.present || sy->cfg->organizer_email == NULL)
			return 0;
		if (p->dtstart != NULL &&
		    parse_rid(p->dtstart, &day, &minutes) < 0)
			day = CAD_NODAY;
		cad_buf_init(&msg, 0);
		r = cad_imip_gone_mail(sy->cfg, p->uid, p->summary, day,
		    minutes, sequence, &to, sy->now, &msg, sy->err);
		if (r == 0)
			r = enqueue(sy, "smtp", p->target, p->uid, "cancel",
			    NULL, sequence, &msg);
		cad_buf_release(&msg);
		if (r < 0)
			return r;
	}
	return cad_store_peer_delete(sy->st, p->uid, p->channel, p->target,
	    sy->err);
}

static int
sync_series(struct sync *sy, size_t s, const struct cad_series_state *state,
    const char *hash)
{
	const struct cad_config *cfg = sy->cfg;
	const struct cad_series *se = &sy->plan->series[s];
	struct cad_outbox_peer *peers = NULL;
	struct cad_buf cancelled;
	size_t npeers = 0, nrec, nocc;
	int r, first_day, first_time;

	cad_buf_init(&cancelled, 0);
	cad_buf_puts(&cancelled, "");
	nocc = series_facts(sy->plan, s, &cancelled, &first_day, &first_time);
	if (nocc == 0) {
		r = 0;		/* nothing to say in this window */
		goto out;
	}
	if ((r = cad_store_peers(sy->st, se->uid, &peers, &npeers,
	    sy->err)) < 0)
		goto out;
	free(sy->wanted);
	sy->wanted = cad_xcalloc(npeers + 1, sizeof *sy->wanted);

	nrec = recipients(cfg, sy->ctx, se, sy->rec);
	for (size_t i = 0; i < nrec; i++) {
		sy->att[i].email = sy->rec[i].email;
		sy->att[i].name = sy->rec[i].name;
		sy->att[i].chair = sy->rec[i].chair;
	}

	if (cfg->caldav.present &&
	    (r = sync_caldav(sy, s, state, nrec, peers, npeers)) < 0)
		goto out;

	if (cfg->smtp.present && cfg->organizer_email != NULL &&
	    *cfg->organizer_email != '\0') {
		for (size_t i = 0; i < nrec; i++) {
			struct cad_outbox_peer *p = NULL;
			for (size_t k = 0; k < npeers; k++)
				if (strcmp(peers[k].channel, "smtp") == 0 &&
				    strcasecmp(peers[k].target,
				    sy->rec[i].email) == 0) {
					p = &peers[k];
					sy->wanted[k] = true;
				}
			if ((r = sync_smtp_one(sy, s, state, nrec, &sy->rec[i],
			    p, hash, cancelled.data, first_day,
			    first_time)) < 0)
				goto out;
		}
	}
	for (size_t k = 0; k < npeers; k++)
		if (!sy->wanted[k] &&
		    (r = sync_unwanted(sy, &peers[k], state->sequence)) < 0)
			goto out;
	r = 0;
out:
	cad_outbox_peers_free(peers, npeers);
	cad_buf_release(&cancelled);
	return r;
}

/* series with peers that the plan no longer has */
static int
sync_gone(struct sync *sy)
{
	struct cad_outbox_peer *peers = NULL;
	size_t npeers = 0;
	const char *last = NULL;
	struct cad_series_state gs = { 0 };
	int r;

	if ((r = cad_store_peers(sy->st, NULL, &peers, &npeers, sy->err)) < 0)
		return r;
	for (size_t i = 0; i < npeers; i++) {
		const struct cad_outbox_peer *p = &peers[i];
		bool in_plan = false;
		for (size_t s = 0; s < sy->plan->nseries && !in_plan; s++)
			in_plan = strcmp(sy->plan->series[s].uid, p->uid) == 0;
		if (in_plan)
			continue;
		if (strcmp(p->channel, "caldav") == 0 ?
		    !sy->cfg->caldav.present : !sy->cfg->smtp.present)
			continue;	/* until the channel returns */
		if (last == NULL || strcmp(last, p->uid) != 0) {
			last = p->uid;
			r = cad_store_series_gone(sy->st, p->uid, sy->now, &gs,
			    sy->err);
			if (r == -ENOENT) {
				gs.sequence = 1;
				r = 0;
			}
			if (r < 0)
				goto out;
		}
		if ((r = sync_unwanted(sy, p, gs.sequence)) < 0)
			goto out;
	}
	r = 0;
out:
	cad_outbox_peers_free(peers, npeers);
	return r;
}

int
cad_outbox_sync(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    struct cad_series_state *states_out, int64_t now, int *enqueued,
    struct cad_error *err)
{
	struct sync sy;
	struct cad_series_state *states = states_out;
	char (*hashes)[65] = NULL;
	int r;

	if (enqueued != NULL)
		*enqueued = 0;
	memset(&sy, 0, sizeof sy);
	sy.st = st;
	sy.cfg = cfg;
	sy.ctx = ctx;
	sy.plan = plan;
	sy.now = now;
	sy.err = err;
	sy.att = cad_xcalloc(cfg->nparties + 1, sizeof *sy.att);
	sy.rec = cad_xcalloc(cfg->nparties + 1, sizeof *sy.rec);
	if (states == NULL)
		states = cad_xcalloc(plan->nseries + 1, sizeof *states);

	/* every series' hash in one pass over the plan */
	hashes = cad_xcalloc(plan->nseries + 1, sizeof *hashes);
	cad_ical_series_hashes(cfg, plan, hashes);
	if ((r = cad_store_begin(st, err)) < 0)
		goto out;
	for (size_t s = 0; s < plan->nseries; s++) {
		if ((r = cad_store_series_sync(st, plan->series[s].uid,
		    hashes[s], now, &states[s], err)) < 0)
			goto fail;
		if (!cfg->caldav.present && !cfg->smtp.present)
			continue;
		if ((r = sync_series(&sy, s, &states[s], hashes[s])) < 0)
			goto fail;
	}
	if ((cfg->caldav.present || cfg->smtp.present) &&
	    (r = sync_gone(&sy)) < 0)
		goto fail;
	if ((r = cad_store_commit(st, err)) < 0)
		goto fail;
	if (enqueued != NULL)
		*enqueued = sy.enqueued;
	goto out;
fail:
	cad_store_rollback(st);
out:
	if (states != states_out)
		free(states);
	free(hashes);
	free(sy.att);
	free(sy.rec);
	free(sy.wanted);
	return r;
}

/* ---------------------------------------------------------------- */
/* retry policy */

static uint64_t
xorshift(uint64_t *s)
{
	uint64_t x = *s != 0 ? *s : 0x9E3779B97F4A7C15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

int64_t
cad_outbox_backoff(int attempts, uint64_t *rng)
{
	int64_t d = CAD_OUTBOX_BACKOFF_BASE;

	for (int i = 1; i < attempts && d < CAD_OUTBOX_BACKOFF_MAX; i++)
		d *= 2;
	if (d > CAD_OUTBOX_BACKOFF_MAX)
		d = CAD_OUTBOX_BACKOFF_MAX;
	/* "equal jitter": half fixed, half random */
	return d / 2 + (int64_t)(xorshift(rng) % (uint64_t)(d - d / 2 + 1));
}

enum cad_outbox_result
cad_outbox_classify(bool smtp, int curl_code, long status)
{
	if (smtp) {
		if (curl_code == CURLE_OK)
			return CAD_OUTBOX_DONE;
		if (status >= 500 && status < 600)
			return CAD_OUTBOX_FAIL;
		if (status >= 400 && status < 500)
			return CAD_OUTBOX_RETRY;
	} else if (curl_code == CURLE_OK) {
		if (status >= 200 && status < 300)
			return CAD_OUTBOX_DONE;
		if (status == 408 || status == 412 || status == 425 ||
		    status == 429 || (status >= 500 && status < 600))
			return CAD_OUTBOX_RETRY;
		return CAD_OUTBOX_FAIL;
	}
	switch (curl_code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_AGAIN:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	/* a kept-alive connection closed under a request: resent on a
	   new one when the upload can be rewound, else next time */
	case CURLE_SEND_FAIL_REWIND:
	/* the URL's scheme is checked with the config (and no redirect
	   is followed): at run time this is a reply that was not HTTP,
	   e.g. "Received HTTP/0.9", a server's fault */
	case CURLE_UNSUPPORTED_PROTOCOL:
		return CAD_OUTBOX_RETRY;
	default:
		return CAD_OUTBOX_FAIL;
	}
}

/* ---------------------------------------------------------------- */
/* the worker */

struct server {
	bool present;
	char *url;
	char *user;
	char *password;
};

enum phase {
	PH_PUT,
	PH_GET_BEFORE_PUT,	/* 412: read the current ETag, PUT again */
	PH_GET_AFTER_PUT,	/* the PUT's reply had no ETag */
	PH_DELETE,
	PH_SMTP,
};

struct job {
	struct cad_outbox_worker *w;
	struct cad_outbox_entry e;
	CURL *h;
	struct curl_slist *hdrs;
	struct curl_slist *rcpt;
	enum phase phase;
	bool refetched;
	bool recorded;		/* sent already marked (PH_GET_AFTER_PUT) */
	size_t off;		/* upload position */
	size_t body;		/* reply bytes seen */
	char etag[ETAG_MAX];
	char errbuf[CURL_ERROR_SIZE];
	int64_t retry_at;	/* the reply's Retry-After (unix s), or 0 */
	/* an outcome the store could not record yet (disk full): kept,
	   and written before anything else, so that a message already
	   accepted is not sent again */
	bool unrecorded;
	enum cad_outbox_result rec_res;
	char *rec_error;
	int64_t rec_due, rec_now;
};

struct sock {
	curl_socket_t fd;
	int what;		/* CURL_POLL_* */
};

struct cad_outbox_worker {
	struct cad_store *st;
	CURLM *multi;
	struct server caldav, smtp;
	char *sender_domain;
	struct job *jobs[CAD_OUTBOX_PARALLEL];
	size_t njobs;
	struct sock socks[CAD_OUTBOX_MAX_FDS * 2];
	size_t nsocks;
	bool timer_armed;
	int64_t timer_at;	/* monotonic ms */
	bool kicked;
	int64_t next_scan;	/* unix seconds */
	uint64_t rng;
	struct cad_outbox_stats stats;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
server_release(struct server *s)
{
	free(s->url);
	free(s->user);
	if (s->password != NULL) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	memset(s, 0, sizeof *s);
}

/* the password in path: only the owner may read it */
static int
read_password(const char *what, const char *path, char **out,
    struct cad_error *err)
{
	char buf[PASSWORD_MAX + 1];
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	int fd, r = 0;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		cad_error_set(err, "%s: cannot open password file '%s': %s",
		    what, path, strerror(errno));
		return r;
	}
	if (fstat(fd, &sb) != 0) {
		r = -errno;
		cad_error_set(err, "%s: cannot stat '%s': %s", what, path,
		    strerror(errno));
		goto out;
	}
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		cad_error_set(err, "%s: password file '%s' is accessible by "
		    "group or others (mode %04o); chmod 600 it", what, path,
		    (unsigned)(sb.st_mode & 07777));
		r = -EPERM;
		goto out;
	}
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			cad_error_set(err, "%s: cannot read '%s': %s", what,
			    path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len >= PASSWORD_MAX) {
		cad_error_set(err, "%s: password file '%s' is too long", what,
		    path);
		r = -E2BIG;
		goto out;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	*out = cad_strdup(buf);
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return r;
}

static int
server_load(struct server *s, const char *what, const struct cad_server *c,
    struct cad_error *err)
{
	int r;

	memset(s, 0, sizeof *s);
	if (!c->present)
		return 0;
	if ((r = read_password(what, c->password_file, &s->password,
	    err)) < 0)
		return r;
	s->present = true;
	s->url = cad_strdup(c->url);
	s->user = cad_strdup(c->user != NULL ? c->user : "");
	return 0;
}

int
cad_outbox_worker_reconfigure(struct cad_outbox_worker *w,
    const struct cad_config *cfg, struct cad_error *err)
{
	struct server cd, sm;
	int r;

	if ((r = server_load(&cd, "caldav", &cfg->caldav, err)) < 0)
		return r;
	if ((r = server_load(&sm, "smtp", &cfg->smtp, err)) < 0) {
		server_release(&cd);
		return r;
	}
	server_release(&w->caldav);
	server_release(&w->smtp);
	w->caldav = cd;
	w->smtp = sm;
	w->kicked = true;
	return 0;
}

static int
sock_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct cad_outbox_worker *w = userp;
	size_t i;

	(void)e;
	(void)socketp;
	for (i = 0; i < w->nsocks; i++)
		if (w->socks[i].fd == fd)
			break;
	if (what == CURL_POLL_REMOVE) {
		if (i < w->nsocks)
			w->socks[i] = w->socks[--w->nsocks];
		return 0;
	}
	if (i == w->nsocks) {
		if (w->nsocks == sizeof w->socks / sizeof w->socks[0])
			return -1;
		w->nsocks++;
	}
	w->socks[i].fd = fd;
	w->socks[i].what = what;
	return 0;
}

static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct cad_outbox_worker *w = userp;

	(void)m;
	if (timeout_ms < 0) {
		w->timer_armed = false;
	} else {
		w->timer_armed = true;
		w->timer_at = mono_ms() + timeout_ms;
	}
	return 0;
}

int
cad_outbox_worker_new(struct cad_store *st, const struct cad_config *cfg,
    struct cad_outbox_worker **out, struct cad_error *err)
{
	static bool curl_ready;
	struct cad_outbox_worker *w;
	int r;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			cad_error_set(err, "cannot initialise libcurl");
			return -ENOMEM;
		}
		curl_ready = true;
	}
	w = cad_xcalloc(1, sizeof *w);
	w->st = st;
	w->kicked = true;
	if (getrandom(&w->rng, sizeof w->rng, 0) != (ssize_t)sizeof w->rng ||
	    w->rng == 0)
		w->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ 1;
	if ((r = cad_outbox_worker_reconfigure(w, cfg, err)) < 0) {
		free(w);
		return r;
	}
	if ((w->multi = curl_multi_init()) == NULL) {
		cad_error_set(err, "cannot initialise libcurl");
		cad_outbox_worker_free(w);
		return -ENOMEM;
	}
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w);
	*out = w;
	return 0;
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	if (j->h != NULL) {
		curl_multi_remove_handle(j->w->multi, j->h);
		curl_easy_cleanup(j->h);
	}
	curl_slist_free_all(j->hdrs);
	curl_slist_free_all(j->rcpt);
	free(j->rec_error);
	free(j->e.channel);
	free(j->e.target);
	free(j->e.uid);
	free(j->e.kind);
	free(j->e.rid);
	free(j->e.sender);
	free(j->e.payload);
	free(j->e.state);
	free(j->e.last_error);
	free(j);
}

void
cad_outbox_worker_free(struct cad_outbox_worker *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->njobs; i++)
		job_free(w->jobs[i]);
	w->njobs = 0;
	if (w->multi != NULL)
		curl_multi_cleanup(w->multi);
	server_release(&w->caldav);
	server_release(&w->smtp);
	free(w);
}

void
cad_outbox_worker_kick(struct cad_outbox_worker *w)
{
	w->kicked = true;
}

void
cad_outbox_worker_stats(const struct cad_outbox_worker *w,
    struct cad_outbox_stats *out)
{
	*out = w->stats;
}

size_t
cad_outbox_worker_pollfds(struct cad_outbox_worker *w, struct pollfd *fds,
    size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < w->nsocks && n < max; i++) {
		fds[n].fd = w->socks[i].fd;
		fds[n].events = 0;
		fds[n].revents = 0;
		if (w->socks[i].what & CURL_POLL_IN)
			fds[n].events |= POLLIN;
		if (w->socks[i].what & CURL_POLL_OUT)
			fds[n].events |= POLLOUT;
		n++;
	}
	return n;
}

int
cad_outbox_worker_timeout(struct cad_outbox_worker *w, int64_t now)
{
	int64_t t = -1;

	if (w->timer_armed) {
		t = w->timer_at - mono_ms();
		if (t < 0)
			t = 0;
	}
	if (w->kicked && w->njobs < CAD_OUTBOX_PARALLEL)
		t = 0;
	else if (w->next_scan != INT64_MAX && w->njobs < CAD_OUTBOX_PARALLEL) {
		int64_t s = (w->next_scan - now) * 1000;
		if (s < 0)
			s = 0;
		if (t < 0 || s < t)
			t = s;
	}
	if (t > 3600 * 1000)
		t = 3600 * 1000;
	return (int)t;
}

/* ---- transfers ---- */

static size_t
read_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	struct job *j = userp;
	size_t room = size * nitems, left = j->e.payload_len - j->off;
	size_t k = left < room ? left : room;

	memcpy(buf, j->e.payload + j->off, k);
	j->off += k;
	return k;
}

/* lets libcurl resend the body, e.g. on a new connection when a kept
   one was closed by the server in the meantime */
static int
seek_cb(void *userp, curl_off_t offset, int origin)
{
	struct job *j = userp;

	if (origin != SEEK_SET || offset < 0 ||
	    (uint64_t)offset > (uint64_t)j->e.payload_len)
		return CURL_SEEKFUNC_CANTSEEK;
	j->off = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct job *j = userp;
	size_t n = size * nmemb;

	(void)p;
	if (j->body + n > BODY_MAX)
		return 0;	/* a reply this large is not for us */
	j->body += n;
	return n;
}

/* RFC 7232 2.3: an entity-tag is W/ and a quoted run of etagc
   (0x21, 0x23-0x7E, 0x80-0xFF); anything else (a bare CR, found by
   tests/fuzz) is not sent back in If-Match */
static bool
etag_ok(const char *v, size_t k)
{
	if (k >= 2 && v[0] == 'W' && v[1] == '/') {
		v += 2;
		k -= 2;
	}
	if (k < 2 || v[0] != '"' || v[k - 1] != '"')
		return false;
	for (size_t i = 1; i + 1 < k; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c != 0x21 && (c < 0x23 || c == 0x7f))
			return false;
	}
	return true;
}

static size_t
header_cb(char *p, size_t size, size_t nitems, void *userp)
{
	struct job *j = userp;
	size_t n = size * nitems, k;

	if (n >= 5 && strncasecmp(p, "HTTP/", 5) == 0) {
		j->etag[0] = '\0';	/* a new response */
		j->retry_at = 0;
	}
	if (n > 12 && n < 128 && strncasecmp(p, "retry-after:", 12) == 0) {
		/* delay-seconds or an HTTP-date (RFC 9110 10.2.3) */
		char v[128];
		long long secs;
		time_t t;

		memcpy(v, p + 12, n - 12);
		v[n - 12] = '\0';
		v[strcspn(v, "\r\n")] = '\0';
		const char *b = v + strspn(v, " \t");
		if (cad_strtonum(b, 0, RETRY_AFTER_MAX, &secs) == 0)
			j->retry_at = (int64_t)time(NULL) + secs;
		else if ((t = curl_getdate(b, NULL)) > 0)
			j->retry_at = (int64_t)t;
	}
	if (n > 5 && strncasecmp(p, "etag:", 5) == 0) {
		const char *v = p + 5;
		k = n - 5;
		while (k > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			k--;
		}
		while (k > 0 && (v[k - 1] == '\r' || v[k - 1] == '\n' ||
		    v[k - 1] == ' ' || v[k - 1] == '\t'))
			k--;
		if (k > 0 && k < sizeof j->etag && etag_ok(v, k)) {
			memcpy(j->etag, v, k);
			j->etag[k] = '\0';
		}
	}
	return n;
}

static bool
loopback_url(const char *url)
{
	const char *h = strstr(url, "://");

	if (h == NULL)
		return false;
	h += 3;
	const char *at = strchr(h, '@');
	if (at != NULL && at < h + strcspn(h, "/"))
		h = at + 1;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0
	    || strncmp(h, "[::1]", 5) == 0;
}

/* a fresh easy handle for the job's phase, added to the multi handle */
static int
job_start(struct cad_outbox_worker *w, struct job *j, struct cad_error *err)
{
	const struct server *sv = j->phase == PH_SMTP ? &w->smtp : &w->caldav;
	CURL *h;
	char *etag = NULL;
	int r = 0;

	if (j->h != NULL) {
		curl_multi_remove_handle(w->multi, j->h);
		curl_easy_cleanup(j->h);
		j->h = NULL;
	}
	curl_slist_free_all(j->hdrs);
	curl_slist_free_all(j->rcpt);
	j->hdrs = j->rcpt = NULL;
	j->off = 0;
	j->body = 0;
	j->etag[0] = '\0';
	j->errbuf[0] = '\0';

	if ((h = curl_easy_init()) == NULL) {
		cad_error_set(err, "cannot initialise libcurl");
		return -ENOMEM;
	}
	j->h = h;
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, j);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, j);
	if (sv->user != NULL && *sv->user != '\0') {
		curl_easy_setopt(h, CURLOPT_USERNAME, sv->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD,
		    sv->password != NULL ? sv->password : "");
	}

	if (j->phase == PH_SMTP) {
		curl_easy_setopt(h, CURLOPT_URL, sv->url);
#if LIBCURL_VERSION_NUM >= 0x075500
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
		if (strncmp(sv->url, "smtp://", 7) == 0)
			curl_easy_setopt(h, CURLOPT_USE_SSL,
			    sv->user == NULL || *sv->user == '\0' ?
			    (long)CURLUSESSL_NONE : loopback_url(sv->url) ?
			    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
		char *from = cad_asprintf("<%s>",
		    j->e.sender != NULL ? j->e.sender : "");
		char *to = cad_asprintf("<%s>", j->e.target);
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
		j->rcpt = curl_slist_append(NULL, to);
		free(from);
		free(to);
		curl_easy_setopt(h, CURLOPT_MAIL_RCPT, j->rcpt);
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)j->e.payload_len);
	} else {
		curl_easy_setopt(h, CURLOPT_URL, j->e.target);
#if LIBCURL_VERSION_NUM >= 0x075500
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
		if (sv->user != NULL && *sv->user != '\0')
			curl_easy_setopt(h, CURLOPT_HTTPAUTH,
			    (long)CURLAUTH_BASIC);
		j->hdrs = curl_slist_append(j->hdrs, "Expect:");
		switch (j->phase) {
		case PH_PUT:
			if ((r = cad_store_etag(w->st, j->e.target, &etag,
			    err)) < 0)
				return r;
			if (etag != NULL) {
				char *hd = cad_asprintf("If-Match: %s", etag);
				j->hdrs = curl_slist_append(j->hdrs, hd);
				free(hd);
			} else {
				j->hdrs = curl_slist_append(j->hdrs,
				    "If-None-Match: *");
			}
			free(etag);
			j->hdrs = curl_slist_append(j->hdrs, "Content-Type: "
			    "text/calendar; charset=utf-8");
			curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
			    (curl_off_t)j->e.payload_len);
			break;
		case PH_GET_BEFORE_PUT:
		case PH_GET_AFTER_PUT:
			curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
			break;
		case PH_DELETE:
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "DELETE");
			curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
			break;
		case PH_SMTP:
			break;
		}
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->hdrs);
	}
	if (curl_multi_add_handle(w->multi, h) != CURLM_OK) {
		cad_error_set(err, "cannot start a transfer");
		return -ENOMEM;
	}
	return 0;
}

/* writes the outcome kept in j; -errno (and j stays unrecorded) when
   the store refuses */
static int
job_flush(struct cad_outbox_worker *w, struct job *j, struct cad_error *err)
{
	const char *state;
	int r;

	switch (j->rec_res) {
	case CAD_OUTBOX_DONE:
		state = "sent";
		break;
	case CAD_OUTBOX_RETRY:
		state = "pending";
		break;
	case CAD_OUTBOX_FAIL:
	default:
		state = "failed";
		break;
	}
	r = cad_store_outbox_finish(w->st, j->e.id, state, j->rec_error,
	    j->rec_due, j->rec_now, err);
	if (r == -ENOENT)
		r = 0;		/* superseded while in flight */
	if (r < 0)
		return r;
	j->unrecorded = false;
	if (j->rec_res == CAD_OUTBOX_DONE)
		w->stats.sent++;
	else if (j->rec_res == CAD_OUTBOX_RETRY)
		w->stats.retry++;
	else
		w->stats.failed++;
	return 0;
}

/* records the attempt's outcome; the job is finished afterwards, unless
   the store refused (j->unrecorded: job_flush again later) */
static int
job_record(struct cad_outbox_worker *w, struct job *j,
    enum cad_outbox_result res, const char *error, int64_t now,
    struct cad_error *err)
{
	int64_t due = now;

	if (res == CAD_OUTBOX_RETRY) {
		due = now + cad_outbox_backoff(j->e.attempts + 1, &w->rng);
		/* a server's Retry-After: not sooner than it asked */
		if (j->retry_at > due)
			due = j->retry_at < now + RETRY_AFTER_MAX ?
			    j->retry_at : now + RETRY_AFTER_MAX;
	}
	free(j->rec_error);
	j->rec_error = res != CAD_OUTBOX_DONE && error != NULL ?
	    cad_strdup(error) : NULL;
	j->rec_res = res;
	j->rec_due = due;
	j->rec_now = now;
	j->unrecorded = true;
	return job_flush(w, j, err);
}

/* a transfer of job j ended with code; returns 1 when j goes on with
   another phase, 0 when it is done, < 0 on a store error */
static int
job_done(struct cad_outbox_worker *w, struct job *j, CURLcode code,
    int64_t now, struct cad_error *err)
{
	bool smtp = j->phase == PH_SMTP;
	long status = 0;
	enum cad_outbox_result res;
	char msg[CURL_ERROR_SIZE + 128];
	int r;

	curl_easy_getinfo(j->h, CURLINFO_RESPONSE_CODE, &status);
	res = cad_outbox_classify(smtp, (int)code, status);

	switch (j->phase) {
	case PH_GET_AFTER_PUT:
		/* best effort: the PUT is recorded already */
		if (code == CURLE_OK && status >= 200 && status < 300 &&
		    j->etag[0] != '\0')
			(void)cad_store_set_etag(w->st, j->e.target, j->etag,
			    NULL);
		return 0;
	case PH_GET_BEFORE_PUT:
		if (code == CURLE_OK && (status == 404 || status == 410 ||
		    (status >= 200 && status < 300))) {
			if ((r = cad_store_set_etag(w->st, j->e.target,
			    status < 300 && j->etag[0] ? j->etag : NULL,
			    err)) < 0)
				return r;
			j->phase = PH_PUT;
			if ((r = job_start(w, j, err)) < 0)
				return r;
			return 1;
		}
		break;
	case PH_DELETE:
		if (code == CURLE_OK && (status == 404 || status == 410))
			res = CAD_OUTBOX_DONE;
		if (res == CAD_OUTBOX_DONE &&
		    (r = cad_store_set_etag(w->st, j->e.target, NULL,
		    err)) < 0)
			return r;
		break;
	case PH_PUT:
		if (code == CURLE_OK && status == 412 && !j->refetched) {
			j->refetched = true;
			j->phase = PH_GET_BEFORE_PUT;
			if ((r = job_start(w, j, err)) < 0)
				return r;
			return 1;
		}
		if (res == CAD_OUTBOX_DONE) {
			if ((r = cad_store_set_etag(w->st, j->e.target,
			    j->etag[0] ? j->etag : NULL, err)) < 0)
				return r;
			if ((r = job_record(w, j, res, NULL, now, err)) < 0)
				return r;
			if (j->etag[0] == '\0') {
				j->recorded = true;
				j->phase = PH_GET_AFTER_PUT;
				if ((r = job_start(w, j, err)) < 0)
					return 0;	/* no ETag: fine */
				return 1;
			}
			return 0;
		}
		break;
	case PH_SMTP:
		break;
	}

	/* the error text: never the password (not in URL nor errbuf) */
	if (res == CAD_OUTBOX_DONE)
		msg[0] = '\0';
	else if (code == CURLE_OK)
		snprintf(msg, sizeof msg, "%s %ld from %s", smtp ? "SMTP" :
		    "HTTP", status, smtp ? w->smtp.url : j->e.target);
	else if (status != 0)
		snprintf(msg, sizeof msg, "%s %ld: %s", smtp ? "SMTP" : "HTTP",
		    status, j->errbuf[0] ? j->errbuf :
		    curl_easy_strerror(code));
	else
		snprintf(msg, sizeof msg, "%s", j->errbuf[0] ? j->errbuf :
		    curl_easy_strerror(code));
	if (j->phase == PH_GET_BEFORE_PUT && res == CAD_OUTBOX_DONE)
		res = CAD_OUTBOX_RETRY;
	if ((r = job_record(w, j, res, res == CAD_OUTBOX_DONE ? NULL : msg,
	    now, err)) < 0)
		return r;
	return 0;
}

static void
job_remove(struct cad_outbox_worker *w, struct job *j)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i] == j) {
			w->jobs[i] = w->jobs[--w->njobs];
			break;
		}
	job_free(j);
}

static bool
in_flight(const struct cad_outbox_worker *w, int64_t id)
{
	for (size_t i = 0; i < w->njobs; i++)
		if (w->jobs[i]->e.id == id)
			return true;
	return false;
}

/* starts due rows while there is room */
static int
start_due(struct cad_outbox_worker *w, int64_t now, struct cad_error *err)
{
	struct cad_outbox_entry *v = NULL;
	size_t n = 0;
	int64_t next;
	int r;

	w->kicked = false;
	if ((r = cad_store_outbox_due(w->st, now, CAD_OUTBOX_PARALLEL * 2, &v,
	    &n, err)) < 0)
		return r;
	for (size_t i = 0; i < n && w->njobs < CAD_OUTBOX_PARALLEL; i++) {
		struct job *j;
		bool smtp = strcmp(v[i].channel, "smtp") == 0;

		if (in_flight(w, v[i].id))
			continue;
		j = cad_xcalloc(1, sizeof *j);
		j->w = w;
		j->e = v[i];
		memset(&v[i], 0, sizeof v[i]);	/* moved into j */
		if (!(smtp ? w->smtp.present : w->caldav.present)) {
			/* the channel left the config: wait for it */
			job_free(j);
			continue;
		}
		j->phase = smtp ? PH_SMTP : strcmp(j->e.kind, "delete") == 0 ?
		    PH_DELETE : PH_PUT;
		w->jobs[w->njobs++] = j;
		struct cad_error e2 = { "" };
		if (job_start(w, j, &e2) < 0) {
			(void)job_record(w, j, CAD_OUTBOX_RETRY, e2.msg, now,
			    NULL);
			job_remove(w, j);
		}
	}
	cad_outbox_entries_free(v, n);
	if ((r = cad_store_outbox_next_due(w->st, &next, err)) < 0)
		return r;
	/* rows in flight are due too: look again in a second at most */
	w->next_scan = next == INT64_MAX ? INT64_MAX :
	    next > now ? next : now + 1;
	return 0;
}

int
cad_outbox_worker_run(struct cad_outbox_worker *w, const struct pollfd *fds,
    size_t n, int64_t now, struct cad_error *err)
{
	CURLMsg *m;
	int running, left, r, failed = 0;

	/* outcomes the store refused before come first; while it still
	   refuses, nothing new is started */
	for (size_t i = w->njobs; i-- > 0;) {
		struct job *j = w->jobs[i];
		if (!j->unrecorded)
			continue;
		if ((r = job_flush(w, j, err)) < 0)
			return r;
		job_remove(w, j);
		w->kicked = true;
	}

	for (size_t i = 0; i < n; i++) {
		int ev = 0;
		if (fds[i].revents == 0)
			continue;
		if (fds[i].revents & POLLIN)
			ev |= CURL_CSELECT_IN;
		if (fds[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(w->multi, fds[i].fd, ev, &running);
	}
	if (w->timer_armed && mono_ms() >= w->timer_at) {
		w->timer_armed = false;
		curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
	while ((m = curl_multi_info_read(w->multi, &left)) != NULL) {
		struct job *j = NULL;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &j);
		if (j == NULL)
			continue;
		r = job_done(w, j, m->data.result, now, err);
		if (j->unrecorded) {
			/* its transfer is over; the outcome waits for the
			   store (in_flight keeps the row from starting) */
			curl_multi_remove_handle(w->multi, j->h);
			curl_easy_cleanup(j->h);
			j->h = NULL;
		} else if (r <= 0)
			job_remove(w, j);	/* on error the row stays due */
		if (r < 0 && failed == 0)
			failed = r;
		/* the next row of the same uid may be due: look again */
		w->kicked = true;
	}
	if (failed < 0)
		return failed;
	if (w->njobs < CAD_OUTBOX_PARALLEL &&
	    (w->kicked || now >= w->next_scan) &&
	    (r = start_due(w, now, err)) < 0)
		return r;
	return (int)w->njobs;
}

int
cad_outbox_deliver(struct cad_store *st, const struct cad_config *cfg,
    struct cad_outbox_stats *stats, struct cad_error *err)
{
	struct cad_outbox_worker *w = NULL;
	struct pollfd fds[CAD_OUTBOX_MAX_FDS * 2];
	int64_t start = time(NULL), until;
	int r;

	if ((r = cad_outbox_worker_new(st, cfg, &w, err)) < 0)
		return r;
	/* only what is due now: backed-off rows wait for their time */
	until = start;
	for (;;) {
		int64_t now = time(NULL);
		if ((r = cad_outbox_worker_run(w, fds, 0, until, err)) < 0)
			break;
		if (r == 0 && !w->kicked)
			break;
		if (now - start > DELIVER_MAX_SECONDS) {
			cad_error_set(err, "delivery took longer than %d s",
			    DELIVER_MAX_SECONDS);
			r = -ETIMEDOUT;
			break;
		}
		size_t nfds = cad_outbox_worker_pollfds(w, fds,
		    sizeof fds / sizeof fds[0]);
		int t = w->timer_armed ? (int)(w->timer_at - mono_ms()) : 200;
		if (w->kicked || t < 0)
			t = 0;
		if (t > 200)
			t = 200;
		if (poll(fds, nfds, t) < 0 && errno != EINTR) {
			r = -errno;
			cad_error_set(err, "poll: %s", strerror(errno));
			break;
		}
		if ((r = cad_outbox_worker_run(w, fds, nfds, until, err)) < 0)
			break;
	}
	if (r > 0)
		r = 0;
	if (stats != NULL)
		cad_outbox_worker_stats(w, stats);
	cad_outbox_worker_free(w);
	return r;
}
