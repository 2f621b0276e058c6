/*
 * outbox.c - enqueueing invitations (SPEC § 6) and the retry policy of
 * their delivery; the design is in outbox.h, delivery in net/deliver.c.
 */
#include "store/outbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "render/ical.h"
#include "render/imip.h"


/* ---------------------------------------------------------------- */
/* small helpers */

char *
cad_outbox_caldav_url(const struct cad_config *cfg, const char *uid)
{
	static const char hex[] = "0123456789ABCDEF";
	struct cad_buf b;

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
	return cad_buf_xsteal(&b);
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

/*
 * An e-mail peer's stored hash: the series hash, '.', and a fingerprint
 * of the peer's own ATTENDEE line (CN, ROLE), so that a person's new
 * name or role is sent to that person only (SPEC 10.1).
 */
#define PEER_HASH_SIZE	(64 + 1 + 32 + 1)

static void
peer_hash(const char *hash, const struct recipient *rc,
    char out[static PEER_HASH_SIZE])
{
	char *who = cad_asprintf("%s\n%s", rc->name != NULL ? rc->name : "",
	    rc->chair ? "CHAIR" : "REQ-PARTICIPANT");
	char fp[CAD_FINGERPRINT_HEX];

	cad_fingerprint_hex(who, strlen(who), fp);
	snprintf(out, PEER_HASH_SIZE, "%.64s.%s", hash, fp);
	free(who);
}

/* the series part of a stored peer hash is hash (stored alone before
   peers had their own part) */
static bool
same_series(const char *stored, const char *hash)
{
	size_t n = strlen(hash);

	return strncmp(stored, hash, n) == 0 &&
	    (stored[n] == '\0' || stored[n] == '.');
}

struct sync {
	struct cad_store *st;
	const struct cad_config *cfg;
	const struct cad_plan_ctx *ctx;
	const struct cad_plan *plan;
	int64_t now;
	int enqueued;
	struct cad_error *err;
	struct cad_imip_attendee *att;	/* scratch: the series' attendees */
	struct recipient *rec;		/* and who they are; both of cap */
	size_t cap;
	bool *wanted;			/* per peer of the series */
};

/*
 * Party p's people to invite (SPEC 10.1): its contacts in forum f's
 * invite_roles, else its own email; appended to sy->rec unless the
 * address is there already (so a convenor stays CHAIR) or p's
 * termination has taken effect.
 */
static void
add_party(struct sync *sy, const struct cad_forum *f, int p, bool chair,
    size_t *n)
{
	struct cad_recipient *v = NULL;
	size_t nv = 0;

	if (p < 0 || (size_t)p >= sy->cfg->nparties ||
	    terminated(sy->cfg, sy->ctx, p))
		return;
	cad_config_contacts(sy->cfg, p, f->invite_roles, f->ninvite_roles,
	    &v, &nv);
	for (size_t i = 0; i < nv; i++) {
		bool dup = v[i].email == NULL || *v[i].email == '\0';
		for (size_t k = 0; k < *n && !dup; k++)
			dup = strcasecmp(sy->rec[k].email, v[i].email) == 0;
		if (dup)
			continue;
		if (*n == sy->cap) {
			sy->cap = sy->cap ? sy->cap * 2 : 16;
			sy->rec = cad_xreallocarray(sy->rec, sy->cap,
			    sizeof *sy->rec);
			sy->att = cad_xreallocarray(sy->att, sy->cap,
			    sizeof *sy->att);
		}
		sy->rec[(*n)++] = (struct recipient){ p, v[i].email,
		    v[i].name != NULL ? v[i].name :
		    sy->cfg->parties[p].id, chair };
	}
	free(v);
}

/*
 * The invited people of series se into sy->rec and sy->att (SPEC 6,
 * 10.1): the convenor's and every co-convenor's as CHAIR; with the
 * forum's invite = "participants" also the for_each member's (every
 * member of a group) and every participant's.  Returns how many.
 */
static size_t
recipients(struct sync *sy, const struct cad_series *se)
{
	const struct cad_forum *f = &sy->cfg->forums[se->forum];
	size_t n = 0;

	add_party(sy, f, se->convenor, true, &n);
	for (size_t i = 0; i < f->nco_convenors; i++)
		add_party(sy, f, f->co_convenors[i], true, &n);
	if (f->invite == CAD_INVITE_PARTICIPANTS) {
		struct cad_unit u = { se->party, se->group };
		const int *ps;
		size_t np = se->party >= 0 || se->group >= 0 ?
		    cad_config_unit_parties(sy->cfg, &u, &ps) : 0;
		for (size_t i = 0; i < np; i++)
			add_party(sy, f, ps[i], false, &n);
		for (size_t i = 0; i < f->nparticipants; i++)
			add_party(sy, f, f->participants[i], false, &n);
	}
	for (size_t i = 0; i < n; i++)
		sy->att[i] = (struct cad_imip_attendee){ sy->rec[i].email,
		    sy->rec[i].name, sy->rec[i].chair };
	return n;
}

static int
enqueue(struct sync *sy, enum cad_channel channel, const char *target,
    const char *uid, enum cad_outbox_kind kind, const char *rid,
    int sequence, const struct cad_buf *payload)
{
	struct cad_outbox_row e;
	int r;

	memset(&e, 0, sizeof e);
	e.channel = channel;
	e.target = target;
	e.uid = uid;
	e.kind = kind;
	e.rid = rid;
	e.sequence = sequence;
	e.sender = channel == CAD_CHANNEL_SMTP ?
	    sy->cfg->organizer_email : NULL;
	e.payload = payload != NULL ? payload->data : NULL;
	e.payload_len = payload != NULL ? payload->len : 0;
	e.created = sy->now;
	e.due = sy->now;
	if ((r = cad_store_outbox_add(sy->st, &e, NULL, sy->err)) == 0)
		sy->enqueued++;
	return r;
}

static const unsigned caldav_kinds = CAD_KIND_BIT(CAD_KIND_PUT) |
    CAD_KIND_BIT(CAD_KIND_DELETE);
static const unsigned request_kinds = CAD_KIND_BIT(CAD_KIND_INVITE) |
    CAD_KIND_BIT(CAD_KIND_UPDATE);

/* the series' occurrences: how many, the cancelled RIDs, the first RID */
static size_t
series_facts(const struct cad_plan *plan, size_t s, struct cad_buf *cancelled,
    int *first_day, int *first_time)
{
	size_t n = 0;
	char rid[CAD_RID_SIZE];

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
			cad_rid_format(o->rid_day, o->rid_time, rid);
			if (!cad_rid_in(cancelled->data, rid)) {
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
hash_without(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_plan *plan, size_t s, const char *newly,
    char out[static 65])
{
	struct cad_plan one = *plan;
	char rid[CAD_RID_SIZE];
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
		cad_rid_format(o->rid_day, o->rid_time, rid);
		if (cad_rid_in(newly, rid)) {
			o->status = CAD_CONFIRMED;
			o->reason = NULL;
		}
	}
	cad_ical_series_hash(cfg, ctx, &one, s, out);
	free(one.occ);
}

static int
sync_caldav(struct sync *sy, size_t s, const struct cad_series_state *state,
    size_t natt, struct cad_outbox_peer *peers, size_t npeers)
{
	const struct cad_config *cfg = sy->cfg;
	const char *uid = sy->plan->series[s].uid;
	struct cad_outbox_peer *p = NULL;
	struct cad_peer_row np;
	struct cad_buf obj;
	char fp[CAD_FINGERPRINT_HEX];
	char *url = cad_outbox_caldav_url(cfg, uid);
	int r;

	for (size_t i = 0; i < npeers; i++)
		if (peers[i].channel == CAD_CHANNEL_CALDAV &&
		    strcmp(peers[i].target, url) == 0) {
			p = &peers[i];
			sy->wanted[i] = true;
		}
	cad_buf_init(&obj, 0);
	/* DTSTAMP = LAST-MODIFIED: the same content renders the same bytes;
	   the organizer's own collection, in the default language */
	enum cad_lang was = cad_lang_switch(cfg->nlangs > 0 ? cfg->langs[0] :
	    CAD_LANG_FI);
	r = cad_imip_calendar(cfg, sy->ctx, sy->plan, s, state,
	    CAD_IMIP_RESOURCE, 0, 0, sy->att, natt, cfg->smtp.present,
	    state->last_modified, &obj, sy->err);
	(void)cad_lang_use(was);
	if (r < 0)
		goto out;
	cad_fingerprint_hex(obj.data, obj.len, fp);
	if (p != NULL && strcmp(p->hash, fp) == 0)
		goto out;
	if ((r = cad_store_outbox_supersede(sy->st, uid, CAD_CHANNEL_CALDAV,
	    url,
	    caldav_kinds, NULL, sy->err)) < 0 ||
	    (r = enqueue(sy, CAD_CHANNEL_CALDAV, url, uid, CAD_KIND_PUT,
	    NULL, state->sequence, &obj)) < 0)
		goto out;
	memset(&np, 0, sizeof np);
	np.uid = uid;
	np.channel = CAD_CHANNEL_CALDAV;
	np.target = url;
	np.hash = fp;
	np.cancelled = "";
	r = cad_store_peer_put(sy->st, &np, sy->err);
out:
	cad_buf_release(&obj);
	free(url);
	return r;
}

/*
 * What peer p (told of hash p->hash) has not heard of series s: the RIDs
 * cancelled since (into newly, space-separated), and whether it needs a
 * REQUEST too: a cancel undone, or a change beyond the cancellations
 * (the hash without them is not p's).
 */
static bool
peer_news(const struct sync *sy, size_t s, const struct cad_outbox_peer *p,
    struct cad_buf *newly)
{
	char rid[CAD_RID_SIZE], h2[65];
	bool restored = false;

	for (size_t i = 0; i < sy->plan->nocc; i++) {
		const struct cad_occurrence *o = &sy->plan->occ[i];
		if (o->series != s)
			continue;
		cad_rid_format(o->rid_day, o->rid_time, rid);
		if (o->status == CAD_CANCELLED && !cad_rid_in(p->cancelled, rid) &&
		    !cad_rid_in(newly->data, rid)) {
			if (newly->len > 0)
				cad_buf_puts(newly, " ");
			cad_buf_puts(newly, rid);
		} else if (o->status == CAD_CONFIRMED &&
		    cad_rid_in(p->cancelled, rid))
			restored = true;
	}
	/* nothing newly cancelled: the hash is the plan's, which differs */
	if (restored || newly->len == 0)
		return true;
	hash_without(sy->cfg, sy->ctx, sy->plan, s, newly->data, h2);
	return !same_series(p->hash, h2);
}

/* a CANCEL of every instance of s whose RID is in newly, SEQUENCE base,
   base + 1, ... */
static int
send_cancels(struct sync *sy, size_t s, const struct cad_series_state *state,
    int base, size_t natt, const struct cad_imip_attendee *to,
    const char *newly)
{
	struct cad_series_state cst = *state;
	const char *uid = sy->plan->series[s].uid;
	struct cad_buf msg, sent;
	char rid[CAD_RID_SIZE];
	int r = 0;

	cad_buf_init(&msg, 0);
	cad_buf_init(&sent, 0);
	for (size_t i = 0; r == 0 && i < sy->plan->nocc; i++) {
		const struct cad_occurrence *o = &sy->plan->occ[i];
		if (o->series != s || o->status != CAD_CANCELLED)
			continue;
		cad_rid_format(o->rid_day, o->rid_time, rid);
		if (!cad_rid_in(newly, rid) || cad_rid_in(sent.data, rid))
			continue;
		cad_buf_printf(&sent, " %s", rid);
		if ((r = cad_buf_error(&sent)) < 0)
			break;
		cad_buf_reset(&msg);
		cst.sequence = base++;
		if ((r = cad_imip_series_mail(sy->cfg, sy->ctx, sy->plan, s,
		    &cst, CAD_IMIP_CANCEL_ONE, o->rid_day, o->rid_time,
		    sy->att, natt, to, sy->now, &msg, sy->err)) == 0)
			r = enqueue(sy, CAD_CHANNEL_SMTP, to->email, uid,
			    CAD_KIND_CANCEL, rid, cst.sequence, &msg);
	}
	cad_buf_release(&msg);
	cad_buf_release(&sent);
	return r;
}

/*
 * The CANCELs and the REQUEST of series s to one recipient.  Every
 * message takes a higher SEQUENCE than the one before it (SPEC § 10.6):
 * the CANCELs base, base + 1, ..., the REQUEST state's (the last).
 */
static int
sync_smtp_one(struct sync *sy, size_t s, const struct cad_series_state *state,
    int base, size_t natt, const struct recipient *rc,
    struct cad_outbox_peer *p, const char *hash, const char *cancelled,
    int first_day, int first_time)
{
	const struct cad_config *cfg = sy->cfg;
	const struct cad_series *se = &sy->plan->series[s];
	struct cad_imip_attendee to = { rc->email, rc->name, rc->chair };
	struct cad_peer_row np;
	struct cad_buf msg, newly;
	char start[CAD_RID_SIZE], ph[PEER_HASH_SIZE];
	char *summary = NULL;
	bool request = true, had_invite = false;
	int r = 0;

	cad_buf_init(&msg, 0);
	cad_buf_init(&newly, 0);
	peer_hash(hash, rc, ph);
	if (p != NULL && (strcmp(p->hash, ph) == 0 ||
	    strcmp(p->hash, hash) == 0))
		goto out;	/* this recipient has it already */
	if (p != NULL) {
		/* news of the series, or this person's own line changed */
		request = peer_news(sy, s, p, &newly) ||
		    (strchr(p->hash, '.') != NULL &&
		    strcmp(strchr(p->hash, '.'), strchr(ph, '.')) != 0);
		if ((r = cad_buf_error(&newly)) < 0)
			goto out;
		if (newly.len > 0 && (r = send_cancels(sy, s, state, base,
		    natt, &to, newly.data)) < 0)
			goto out;
	}
	if (request) {
		if ((r = cad_store_outbox_supersede(sy->st, se->uid,
		    CAD_CHANNEL_SMTP, rc->email, request_kinds, &had_invite,
		    sy->err)) < 0)
			goto out;
		bool first = p == NULL || had_invite;
		if ((r = cad_imip_series_mail(cfg, sy->ctx, sy->plan, s, state,
		    first ? CAD_IMIP_INVITE : CAD_IMIP_UPDATE, 0, 0, sy->att,
		    natt, &to, sy->now, &msg, sy->err)) < 0 ||
		    (r = enqueue(sy, CAD_CHANNEL_SMTP, rc->email, se->uid,
		    first ? CAD_KIND_INVITE : CAD_KIND_UPDATE, NULL,
		    state->sequence, &msg)) < 0)
			goto out;
	}
	summary = cad_series_name(cfg, se);
	cad_rid_format(first_day, first_time, start);
	memset(&np, 0, sizeof np);
	np.uid = se->uid;
	np.channel = CAD_CHANNEL_SMTP;
	np.target = rc->email;
	np.hash = ph;
	np.cancelled = cancelled;
	np.name = rc->name;
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

	if (p->channel == CAD_CHANNEL_CALDAV) {
		if (!sy->cfg->caldav.present)
			return 0;
		if ((r = cad_store_outbox_supersede(sy->st, p->uid,
		    CAD_CHANNEL_CALDAV,
		    p->target, caldav_kinds, NULL, sy->err)) < 0 ||
		    (r = enqueue(sy, CAD_CHANNEL_CALDAV, p->target, p->uid,
		    CAD_KIND_DELETE, NULL, sequence, NULL)) < 0)
			return r;
	} else {
		struct cad_imip_attendee to = { p->target, p->name, false };
		if (!sy->cfg->smtp.present || sy->cfg->organizer_email == NULL)
			return 0;
		if (p->dtstart != NULL &&
		    cad_rid_parse(p->dtstart, &day, &minutes) < 0)
			day = CAD_NODAY;
		cad_buf_init(&msg, 0);
		enum cad_lang was = cad_lang_switch(cad_config_mail_lang(
		    sy->cfg, p->target));
		r = cad_imip_gone_mail(sy->cfg, p->uid, p->summary, day,
		    minutes, sequence, &to, sy->now, &msg, sy->err);
		(void)cad_lang_use(was);
		if (r == 0)
			r = enqueue(sy, CAD_CHANNEL_SMTP, p->target, p->uid,
			    CAD_KIND_CANCEL, NULL, sequence, &msg);
		cad_buf_release(&msg);
		if (r < 0)
			return r;
	}
	return cad_store_peer_delete(sy->st, p->uid, p->channel, p->target,
	    sy->err);
}

/*
 * How many messages past the first this sync sends one e-mail receiver
 * of series s at most (CANCELs, then maybe a REQUEST): the SEQUENCE goes
 * up by one for each.  -ENOMEM when the RIDs do not fit in memory.
 */
static int
extra_messages(const struct sync *sy, size_t s,
    const struct cad_outbox_peer *peers, size_t npeers, const char *hash)
{
	struct cad_buf newly;
	int most = 0;

	cad_buf_init(&newly, 0);
	for (size_t k = 0; k < npeers; k++) {
		if (peers[k].channel != CAD_CHANNEL_SMTP ||
		    same_series(peers[k].hash, hash))
			continue;
		cad_buf_reset(&newly);
		int n = peer_news(sy, s, &peers[k], &newly);
		if (cad_buf_error(&newly) != 0) {
			most = cad_buf_error(&newly);
			break;
		}
		for (const char *p = newly.data; p != NULL && *p; p++)
			n += p == newly.data || *p == ' ';
		if (n - 1 > most)
			most = n - 1;
	}
	cad_buf_release(&newly);
	return most;
}

/* series s has an occurrence in the publish window: the plan reaches
   back to the series starts and years past the window's end
   (cad_invite_window), but a series over before the window is not
   introduced to anyone any more, nor one that begins after it (SPEC
   § 4: invited from today - 1 year to today + horizon_days) */
static bool
in_window(const struct sync *sy, size_t s)
{
	int from, to;

	cad_publish_window(sy->cfg, sy->ctx->today, &from, &to);
	for (size_t i = 0; i < sy->plan->nocc; i++) {
		const struct cad_occurrence *o = &sy->plan->occ[i];
		if (o->series == s && o->day >= from && o->day <= to)
			return true;
	}
	return false;
}

static int
sync_series(struct sync *sy, size_t s, struct cad_series_state *state,
    const char *hash)
{
	const struct cad_config *cfg = sy->cfg;
	const struct cad_series *se = &sy->plan->series[s];
	struct cad_outbox_peer *peers = NULL;
	struct cad_buf cancelled;
	size_t npeers = 0, nrec, nocc;
	int r, first_day, first_time, base, extra;

	cad_buf_init(&cancelled, 0);
	cad_buf_puts(&cancelled, "");
	nocc = series_facts(sy->plan, s, &cancelled, &first_day, &first_time);
	if ((r = cad_buf_error(&cancelled)) < 0)
		goto out;
	if (nocc == 0 || !in_window(sy, s)) {
		r = 0;		/* nothing to say in this window */
		goto out;
	}
	if ((r = cad_store_peers(sy->st, se->uid, &peers, &npeers,
	    sy->err)) < 0)
		goto out;
	free(sy->wanted);
	sy->wanted = cad_xcalloc(npeers + 1, sizeof *sy->wanted);

	nrec = recipients(sy, se);
	/* a receiver's messages of this sync take base, base + 1, ...; the
	   series (the REQUEST, the CalDAV object, the feeds) the last */
	base = state->sequence;
	extra = cfg->smtp.present ? extra_messages(sy, s, peers, npeers,
	    hash) : 0;
	if ((r = extra) < 0)
		goto out;
	if (extra > 0) {
		state->sequence = base + extra;
		if ((r = cad_store_series_raise(sy->st, se->uid,
		    state->sequence, sy->err)) < 0)
			goto out;
	}

	if (cfg->caldav.present &&
	    (r = sync_caldav(sy, s, state, nrec, peers, npeers)) < 0)
		goto out;

	if (cfg->smtp.present && cfg->organizer_email != NULL &&
	    *cfg->organizer_email != '\0') {
		for (size_t i = 0; i < nrec; i++) {
			struct cad_outbox_peer *p = NULL;
			for (size_t k = 0; k < npeers; k++)
				if (peers[k].channel == CAD_CHANNEL_SMTP &&
				    strcasecmp(peers[k].target,
				    sy->rec[i].email) == 0) {
					p = &peers[k];
					sy->wanted[k] = true;
				}
			/* in the recipient's language, also the summary
			   kept for a later CANCEL */
			enum cad_lang was = cad_lang_switch(
			    cad_config_mail_lang(cfg, sy->rec[i].email));
			r = sync_smtp_one(sy, s, state, base, nrec,
			    &sy->rec[i], p, hash, cancelled.data, first_day,
			    first_time);
			(void)cad_lang_use(was);
			if (r < 0)
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
		if (p->channel == CAD_CHANNEL_CALDAV ?
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
	char (*hashes)[65] = cad_xcalloc(plan->nseries + 1, sizeof *hashes);
	int r;

	/* every series' hash in one pass over the plan */
	cad_ical_series_hashes(cfg, ctx, plan, hashes);
	r = cad_outbox_sync_hashed(st, cfg, ctx, plan,
	    (const char (*)[65])hashes, states_out, now, enqueued, err);
	free(hashes);
	return r;
}

int
cad_outbox_sync_hashed(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_plan *plan,
    const char (*hashes)[65], struct cad_series_state *states_out,
    int64_t now, int *enqueued, struct cad_error *err)
{
	struct sync sy;
	struct cad_series_state *states = states_out;
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
	if (states == NULL)
		states = cad_xcalloc(plan->nseries + 1, sizeof *states);

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
