/*
 * reminder.c - deadline reminders by e-mail (SPEC § 6, § 7); see
 * reminder.h for the rules.
 *
 * The headers, base64 and Date/Message-ID are core/render/imip.c's, so the
 * reminders look like the invitations to a mail server and to a reader.
 */
#include "store/reminder.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model/task.h"
#include "render/deadlines.h"
#include "render/imip.h"
#include "render/output.h"

#define TEXT_WIDTH	72	/* characters per line of the text */
#define ICS_NAME	"maaraaika.ics"

/* "22 päivää", "1 päivä", "tänään" */
static void
days_text(int n, char out[static 32])
{
	if (n == 0)
		snprintf(out, 32, "%s", _("tänään"));
	else
		snprintf(out, 32, dngettext(CAD_TEXTDOMAIN, "%d päivä",
		    "%d päivää", (unsigned long)n), n);
}

/* the thread's language's title of d (its own when it has none) */
static char *
title_of(const struct cad_config *cfg, const struct cad_deadline *d)
{
	char *t = cad_deadline_title(cfg, d);

	if (*t == '\0') {
		free(t);
		t = cad_strdup(_("määräaika"));
	}
	return t;
}

char *
cad_reminder_subject(const struct cad_config *cfg,
    const struct cad_deadline *d, int days_left)
{
	char date[24], left[48], *title = title_of(cfg, d), *r;

	cad_deadline_date(d->day, date);
	cad_deadline_when(days_left, left);
	/* TRANSLATORS: the deadline, its date ("31.5.2028") and when it is
	   ("22 päivän päästä") */
	r = cad_asprintf(_("Muistutus: %1$s %2$s (%3$s)"), title, date, left);
	free(title);
	return r;
}

/* s with every "tänä päivänä" (the calendar's "on this day") replaced
   by the date, as a mail is read on another day; free() it */
static char *
on_the_date(const char *s, const char *date)
{
	/* TRANSLATORS: the words "on this day" as they are in the
	   deadlines' descriptions, replaced in a reminder by the date */
	const char *phrase = C_("the day of a deadline", "tänä päivänä");
	size_t len = strlen(phrase);
	struct cad_buf b;
	const char *p;

	cad_buf_init(&b, 0);
	while (len > 0 && (p = strstr(s, phrase)) != NULL) {
		cad_buf_add(&b, s, (size_t)(p - s));
		cad_buf_puts(&b, date);
		s = p + len;
	}
	cad_buf_puts(&b, s);
	return cad_buf_xsteal(&b);
}

/* characters (not bytes) of UTF-8 s[0..n) */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

/* s word-wrapped at TEXT_WIDTH characters, each line with prefix */
static void
add_wrapped(struct cad_buf *b, const char *s, const char *prefix)
{
	size_t col = 0;

	while (*s != '\0') {
		size_t n = strcspn(s, " \n"), w = utf8_len(s, n);

		if (col > 0 && col + 1 + w > TEXT_WIDTH) {
			cad_buf_puts(b, "\n");
			col = 0;
		}
		if (col == 0) {
			cad_buf_puts(b, prefix);
			col = utf8_len(prefix, strlen(prefix));
		} else {
			cad_buf_puts(b, " ");
			col++;
		}
		cad_buf_add(b, s, n);
		col += w;
		s += n;
		if (*s == '\n') {
			cad_buf_puts(b, "\n");
			col = 0;
		}
		while (*s == ' ' || *s == '\n')
			s++;
	}
	if (col > 0)
		cad_buf_puts(b, "\n");
}

/* "Muistutukset lähetetään 60, 30 ja 7 päivää ennen määräaikaa." */
static void
offsets_text(struct cad_buf *b, const int *off, size_t noff)
{
	struct cad_buf lb;
	char *list;

	cad_buf_init(&lb, 0);
	for (size_t i = 0; i < noff; i++)
		cad_buf_printf(&lb, "%s%d", i == 0 ? "" :
		    /* TRANSLATORS: before the last of a list of numbers */
		    i + 1 == noff ? _(" ja ") : ", ", off[i]);
	list = cad_buf_xsteal(&lb);
	/* TRANSLATORS: %s is a list of numbers of days: "60, 30 ja 7" */
	cad_buf_printf(b, dngettext(CAD_TEXTDOMAIN, "Muistutukset "
	    "lähetetään %s päivä ennen määräaikaa.\n", "Muistutukset "
	    "lähetetään %s päivää ennen määräaikaa.\n",
	    (unsigned long)off[noff - 1]), list);
	free(list);
}

/* the text/plain body in the thread's language, '\n' line ends; free()
   it */
static char *
reminder_text(const struct cad_config *cfg, const struct cad_deadline *d,
    int days_left)
{
	const struct cad_agreement *a = &cfg->agreement;
	char when[24], date[24], left[32], *desc, *what, *title;
	struct cad_buf b;
	size_t noff;
	const int *off = cad_deadline_offsets(cfg, d, &noff);
	const struct cad_task *t = cad_deadline_task(cfg, d);

	cad_format_fi_date(d->day, when);
	cad_deadline_date(d->day, date);
	days_text(days_left, left);
	desc = cad_deadline_description(cfg, d);
	what = on_the_date(desc != NULL ? desc : "", date);
	free(desc);

	title = title_of(cfg, d);
	cad_buf_init(&b, 0);
	cad_buf_printf(&b, _("Muistutus määräajasta: %s\n\n"), title);
	free(title);
	if (t != NULL)
		cad_buf_printf(&b, "%s: %s%s%s%s\n", _("Tehtävä"),
		    cad_tr(cfg, t->name), t->legal_basis ? " (" : "",
		    t->legal_basis ? t->legal_basis : "",
		    t->legal_basis ? ")" : "");
	else if (a->title != NULL && *a->title)
		cad_buf_printf(&b, "%s: %s\n", _("Sopimus"),
		    cad_tr(cfg, a->title));
	cad_buf_printf(&b, "%s: %s\n", _("Määräaika"), when);
	cad_buf_printf(&b, "%s: %s\n", _("Aikaa jäljellä"), days_left == 0 ?
	    _("määräaika on tänään") : left);
	if (d->party != NULL)
		cad_buf_printf(&b, "%s: %s\n", _("Osapuoli"),
		    cad_tr(cfg, cad_deadline_party_name(cfg, d->party)));
	cad_buf_printf(&b, "\n%s:\n", _("Mitä tehdä"));
	add_wrapped(&b, what, "");
	free(what);

	cad_buf_puts(&b, "\n");
	cad_buf_printf(&b, _("Määräaika on liitteenä kalenterimerkintänä "
	    "(%s).\n"), ICS_NAME);
	if (cfg->base_url != NULL && *cfg->base_url)
		cad_buf_printf(&b, "%s: %s%scalendars/deadlines.ics\n",
		    _("Kaikki määräajat"), cfg->base_url,
		    cad_config_lang_prefix(cfg));
	if (noff > 0)
		offsets_text(&b, off, noff);
	cad_buf_printf(&b, "\n-- \n%s%s<%s>\n",
	    cfg->organizer_name != NULL ? cad_tr(cfg, cfg->organizer_name) :
	    "",
	    cfg->organizer_name != NULL ? " " : "",
	    cfg->organizer_email != NULL ? cfg->organizer_email : "");
	return cad_buf_xsteal(&b);
}

int
cad_reminder_mail(const struct cad_config *cfg, const struct cad_deadline *d,
    int days_left, const char *to_name, const char *to_email, int64_t now,
    uint64_t rnd, struct cad_buf *out, struct cad_error *err)
{
	struct cad_imip_mail m;
	struct cad_buf ics;
	char bnd[64], *subject = NULL, *text = NULL, *crlf = NULL;
	int r;

	if (cfg->organizer_email == NULL || to_email == NULL) {
		cad_error_set(err, "reminder without sender or recipient");
		return -EINVAL;
	}
	cad_buf_init(&ics, 0);
	if ((r = cad_deadlines_ical(cfg, d, 1, NULL, now, &ics, err)) < 0)
		goto out;
	subject = cad_reminder_subject(cfg, d, days_left);
	rnd = cad_imip_seed(rnd, to_email, subject, now, ics.data);
	text = reminder_text(cfg, d, days_left);
	crlf = cad_imip_crlf_text(text);
	snprintf(bnd, sizeof bnd, "=_cadenced_%016llx_r",
	    (unsigned long long)rnd);

	cad_imip_mail_init(&m, cfg, to_name, to_email, subject, now);
	r = cad_imip_headers(&m, rnd, out);
	cad_imip_mixed_start(out, bnd);
	cad_imip_b64_part(out, bnd, "Content-Type: text/plain; "
	    "charset=utf-8\r\n", crlf, strlen(crlf));
	cad_imip_ics_part(out, bnd, ICS_NAME, ics.data, ics.len);
	cad_buf_printf(out, "\r\n--%s--\r\n", bnd);
	if (r == 0)
		r = cad_buf_error(out);
	if (r < 0)
		cad_error_set(err, "reminder message too large");
out:
	free(subject);
	free(text);
	free(crlf);
	cad_buf_release(&ics);
	return r;
}

/* ---------------------------------------------------------------- */
/* what is due */

struct recipients {
	struct cad_recipient *v;
	size_t n;
};

/*
 * who gets d's reminders today: a task's owner's contacts in the task's
 * remind_roles (without one there: the owner's email), else the
 * agreement's notify parties; nobody of a party that has left by today
 */
static void
recipients(const struct cad_config *cfg, const struct cad_plan_ctx *ctx,
    const struct cad_deadline *d, int today, struct recipients *to)
{
	const struct cad_agreement *a = &cfg->agreement;
	const struct cad_task *t = cad_deadline_task(cfg, d);

	to->n = 0;
	if (d->kind == CAD_DEADLINE_TASK) {
		int p = cad_config_party(cfg, d->party);
		if (t != NULL && p >= 0 &&
		    !cad_task_owner_gone(cfg, ctx, p, today))
			cad_config_contacts(cfg, p, t->remind_roles,
			    t->nremind_roles, &to->v, &to->n);
		return;
	}
	for (size_t i = 0; i < a->nnotify; i++)
		if (!cad_task_owner_gone(cfg, ctx, a->notify[i], today))
			cad_config_contacts(cfg, a->notify[i], NULL, 0,
			    &to->v, &to->n);
}

/*
 * The offset to send for d today: the smallest one whose day has come,
 * if the deadline is still ahead (or it is the day itself and the offset
 * 0); -1 when none (also for a task already done).
 */
static int
due_offset(const struct cad_config *cfg, const struct cad_deadline *d,
    int today)
{
	size_t n;
	const int *off = cad_deadline_offsets(cfg, d, &n);
	int best = -1;

	if (today > d->day || d->done)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int o = off[i];
		if (o >= 0 && d->day - o <= today && (best < 0 || o < best))
			best = o;
	}
	if (best > 0 && today >= d->day)
		return -1;
	return best;
}

static const char *
task_id(const struct cad_config *cfg, const struct cad_deadline *d)
{
	const struct cad_task *t = cad_deadline_task(cfg, d);

	return t != NULL ? t->id : NULL;
}

static bool
recorded(const struct cad_config *cfg, const struct cad_reminder_record *v,
    size_t n, const struct cad_deadline *d, int offset)
{
	const char *task = task_id(cfg, d);

	for (size_t i = 0; i < n; i++)
		if (v[i].day == d->day && v[i].days_before == offset &&
		    v[i].kind == d->kind &&
		    strcmp(v[i].task != NULL ? v[i].task : "",
		    task != NULL ? task : "") == 0 &&
		    strcmp(v[i].party != NULL ? v[i].party : "",
		    d->party != NULL ? d->party : "") == 0)
			return true;
	return false;
}

static int
record(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_deadline *d, int offset, enum cad_reminder_state state,
    int nrecipients, int64_t now, struct cad_error *err)
{
	struct cad_reminder_row rec = {
		.kind = d->kind,
		.task = task_id(cfg, d),
		.day = d->day,
		.party = d->party,
		.days_before = offset,
		.state = state,
		.recipients = nrecipients,
		.created = now,
	};

	return cad_store_reminder_put(st, &rec, err);
}

/* one outbox row per recipient */
static int
enqueue(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_deadline *d, int offset, int today,
    const struct recipients *to, int64_t now, int *enqueued,
    struct cad_error *err)
{
	struct cad_outbox_row e;
	struct cad_buf msg;
	char *uid = cad_deadline_uid(cfg, d);
	int r = 0;

	cad_buf_init(&msg, 0);
	for (size_t i = 0; i < to->n; i++) {
		cad_buf_reset(&msg);
		/* in the recipient's language (SPEC § 10.4) */
		enum cad_lang was = cad_lang_switch(cad_config_mail_lang(cfg,
		    to->v[i].email));
		r = cad_reminder_mail(cfg, d, d->day - today, to->v[i].name,
		    to->v[i].email, now, 0, &msg, err);
		(void)cad_lang_use(was);
		if (r < 0)
			break;
		memset(&e, 0, sizeof e);
		e.channel = CAD_CHANNEL_SMTP;
		e.target = to->v[i].email;
		e.uid = uid;
		e.kind = CAD_KIND_REMINDER;
		e.sequence = offset;
		e.sender = cfg->organizer_email;
		e.payload = msg.data;
		e.payload_len = msg.len;
		e.created = now;
		e.due = now;
		if ((r = cad_store_outbox_add(st, &e, NULL, err)) < 0)
			break;
		(*enqueued)++;
	}
	cad_buf_release(&msg);
	free(uid);
	return r;
}

/*
 * d's reminder for today, if not handled yet, and the earlier offsets
 * missed meanwhile recorded "skipped".  Nothing is recorded while d has
 * no recipient, so that the latest reminder is caught up once it has.
 */
static int
sync_one(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, const struct cad_deadline *d, int today,
    const struct cad_reminder_record *recs, size_t nrecs, int64_t now,
    int *enq, struct cad_error *err)
{
	struct recipients to = { 0 };
	int best = due_offset(cfg, d, today), r = 0;
	size_t n;
	const int *off = cad_deadline_offsets(cfg, d, &n);

	if (best < 0)
		return 0;
	recipients(cfg, ctx, d, today, &to);
	if (to.n == 0)
		goto out;
	if (!recorded(cfg, recs, nrecs, d, best)) {
		int before = *enq;
		if ((r = enqueue(st, cfg, d, best, today, &to, now, enq,
		    err)) < 0 ||
		    (r = record(st, cfg, d, best, CAD_REMINDER_SENT, *enq - before, now,
		    err)) < 0)
			goto out;
	}
	/* the earlier ones that were missed are not sent any more */
	for (size_t k = 0; k < n; k++) {
		int o = off[k];
		if (o <= best || d->day - o > today ||
		    recorded(cfg, recs, nrecs, d, o))
			continue;
		if ((r = record(st, cfg, d, o, CAD_REMINDER_SKIPPED, 0, now, err)) < 0)
			goto out;
	}
out:
	free(to.v);
	return r;
}

int
cad_reminders_sync(struct cad_store *st, const struct cad_config *cfg,
    const struct cad_plan_ctx *ctx, int today, int64_t now, int *enqueued,
    struct cad_error *err)
{
	struct cad_deadline *dl = NULL;
	struct cad_reminder_record *recs = NULL;
	size_t ndl = 0, nrecs = 0;
	bool any = false, begun = false;
	int enq = 0, r;

	if (enqueued != NULL)
		*enqueued = 0;
	if (!cfg->smtp.present || cfg->organizer_email == NULL)
		return 0;
	if ((r = cad_deadlines(cfg, ctx, &dl, &ndl, err)) < 0)
		goto out;
	/* most passes have nothing due: no write lock then */
	for (size_t i = 0; i < ndl && !any; i++)
		any = due_offset(cfg, &dl[i], today) >= 0;
	if (!any) {
		r = 0;
		goto out;
	}

	if ((r = cad_store_begin(st, err)) < 0)
		goto out;
	begun = true;
	/* read inside the transaction: another process may have sent */
	if ((r = cad_store_reminders(st, &recs, &nrecs, err)) < 0)
		goto out;
	for (size_t i = 0; i < ndl; i++)
		if ((r = sync_one(st, cfg, ctx, &dl[i], today, recs, nrecs,
		    now, &enq, err)) < 0)
			goto out;
	if ((r = cad_store_commit(st, err)) < 0)
		goto out;
	begun = false;
	if (enqueued != NULL)
		*enqueued = enq;
	r = 0;
out:
	if (begun)
		cad_store_rollback(st);
	cad_reminder_records_free(recs, nrecs);
	cad_deadlines_free(dl, ndl);
	return r;
}
