/*
 * outbox.c - `cadencectl outbox`: the invitations and deadline
 * reminders the outbox holds (SPEC § 6).
 *
 *	outbox [--json]		every entry: pending, sent and failed
 *	outbox --retry		failed and backed-off entries due now
 *	outbox --deliver	plan, enqueue what changed and the deadline
 *				reminders due today, and send what is due
 *				once (for tests, and for admins running
 *				without the daemon)
 *
 * A reminder is listed with channel e-mail, its recipient as the target,
 * the deadline's UID (as in deadlines.ics) and its offset in days.  The
 * listing names channels, states and kinds in the reader's language and
 * pads its columns by terminal width; --json keeps the identifiers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "base/text.h"
#include "render/ical.h"
#include "net/deliver.h"
#include "store/outbox.h"
#include "store/reminder.h"

static int
outbox_json(struct cad_outbox_entry *v, size_t n)
{
	struct cad_buf b;

	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "[");
	for (size_t i = 0; i < n; i++) {
		cad_buf_printf(&b, "%s\n  {\"id\": %lld, \"channel\": ",
		    i ? "," : "", (long long)v[i].id);
		cad_buf_json_str(&b, cad_channel_name(v[i].channel));
		cad_buf_puts(&b, ", \"target\": ");
		cad_buf_json_str(&b, v[i].target);
		cad_buf_puts(&b, ", \"uid\": ");
		cad_buf_json_str(&b, v[i].uid);
		cad_buf_puts(&b, ", \"kind\": ");
		cad_buf_json_str(&b, cad_outbox_kind_name(v[i].kind));
		cad_buf_puts(&b, ", \"recurrence_id\": ");
		if (v[i].rid != NULL)
			cad_buf_json_str(&b, v[i].rid);
		else
			cad_buf_puts(&b, "null");
		cad_buf_printf(&b, ", \"sequence\": %d, \"state\": ",
		    v[i].sequence);
		cad_buf_json_str(&b, cad_outbox_state_name(v[i].state));
		cad_buf_printf(&b, ", \"attempts\": %d, \"last_error\": ",
		    v[i].attempts);
		if (v[i].last_error != NULL)
			cad_buf_json_str(&b, v[i].last_error);
		else
			cad_buf_puts(&b, "null");
		cad_buf_puts(&b, "}");
	}
	cad_buf_puts(&b, n ? "\n]\n" : "]\n");
	return cli_print_buf(&b, 0);
}

/* what the listing calls a row's state, channel and kind, in the
   reader's language (the JSON keeps the store's identifiers) */
static const char *const state_words[] = {
	[CAD_STATE_PENDING] = NC_("outbox state", "odottaa"),
	[CAD_STATE_SENT] = NC_("outbox state", "lähetetty"),
	[CAD_STATE_FAILED] = NC_("outbox state", "epäonnistui"),
};
static const char *const channel_words[] = {
	[CAD_CHANNEL_CALDAV] = NC_("outbox channel", "kalenteri"),
	[CAD_CHANNEL_SMTP] = NC_("outbox channel", "sähköposti"),
};
static const char *const kind_words[] = {
	[CAD_KIND_PUT] = NC_("outbox kind", "tallennus"),
	[CAD_KIND_DELETE] = NC_("outbox kind", "poisto"),
	[CAD_KIND_INVITE] = NC_("outbox kind", "kutsu"),
	[CAD_KIND_UPDATE] = NC_("outbox kind", "päivitys"),
	[CAD_KIND_CANCEL] = NC_("outbox kind", "peruutus"),
	[CAD_KIND_REMINDER] = NC_("outbox kind", "muistutus"),
};
#define LABEL(words, i) CAD_NC_AT(words, i, "?")

/* s, then spaces to w terminal columns ("lähetetty" is 9 columns of 10
   bytes, which printf's widths count) */
static void
put_left(const char *s, size_t w)
{
	fputs(s, stdout);
	for (size_t n = cad_text_width(s); n < w; n++)
		putchar(' ');
}

static void
put_right(const char *s, size_t w)
{
	for (size_t n = cad_text_width(s); n < w; n++)
		putchar(' ');
	fputs(s, stdout);
}

static size_t
wider(size_t w, const char *s)
{
	size_t n = cad_text_width(s);

	return n > w ? n : w;
}

static void
outbox_human(const struct cad_outbox_entry *v, size_t n)
{
	int pending = 0, sent = 0, failed = 0;

	if (n == 0) {
		printf("%s\n", _("Lähtevät kutsut: ei yhtään."));
		return;
	}
	/* TRANSLATORS: the column heads of `cadencectl outbox`: keep them
	   short (number, channel, state, kind, attempts, target) */
	const char *head[] = { C_("outbox column", "id"), _("kanava"),
		_("tila"), _("laji"), _("yrit"), _("kohde / uid") };
	size_t w[5] = { 5, 0, 0, 0, 4 };
	for (size_t c = 0; c < 5; c++)
		w[c] = wider(w[c], head[c]);
	for (size_t i = 0; i < n; i++) {
		w[1] = wider(w[1], LABEL(channel_words, v[i].channel));
		w[2] = wider(w[2], LABEL(state_words, v[i].state));
		w[3] = wider(w[3], LABEL(kind_words, v[i].kind));
	}
	/* the target's column, where a row's second line starts */
	size_t indent = w[0] + w[1] + w[2] + w[3] + w[4] + 10;

	put_right(head[0], w[0]);
	for (size_t c = 1; c < 4; c++) {
		fputs("  ", stdout);
		put_left(head[c], w[c]);
	}
	fputs("  ", stdout);
	put_right(head[4], w[4]);
	printf("  %s\n", head[5]);
	for (size_t i = 0; i < n; i++) {
		const struct cad_outbox_entry *e = &v[i];
		char when[24] = "";

		if (e->state == CAD_STATE_PENDING) {
			pending++;
			if (e->attempts > 0) {
				time_t t = (time_t)e->due;
				struct tm tm;
				if (localtime_r(&t, &tm) != NULL)
					strftime(when, sizeof when,
					    /* TRANSLATORS: the next attempt */
					    _(" (seur. %H.%M)"), &tm);
			}
		} else if (e->state == CAD_STATE_SENT) {
			sent++;
		} else {
			failed++;
		}
		printf("%*lld  ", (int)w[0], (long long)e->id);
		put_left(LABEL(channel_words, e->channel), w[1]);
		fputs("  ", stdout);
		put_left(LABEL(state_words, e->state), w[2]);
		fputs("  ", stdout);
		put_left(LABEL(kind_words, e->kind), w[3]);
		printf("  %*d  %s\n%*s", (int)w[4], e->attempts, e->target,
		    (int)indent, "");
		if (e->kind == CAD_KIND_REMINDER)
			/* TRANSLATORS: a reminder's deadline UID and how many
			   days before the deadline it is sent */
			printf(_("%1$s (%2$d pv ennen)\n"), e->uid,
			    e->sequence);
		else
			printf("%s%s%s\n", e->uid, e->rid != NULL ? " " : "",
			    e->rid != NULL ? e->rid : "");
		if (e->last_error != NULL)
			printf(_("%1$5s  virhe: %2$s%3$s\n"), "", e->last_error,
			    when);
	}
	printf(_("\nodottaa %1$d, lähetetty %2$d, epäonnistui %3$d\n"),
	    pending, sent, failed);
}

static int
outbox_list(struct cli *c, bool json)
{
	struct cad_outbox_entry *v = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	int r;

	if (cad_store_outbox_list(c->store, false, &v, &n, &err) < 0) {
		cli_warnx(_("lähtevien jonoa ei voi lukea: %s"), err.msg);
		return 1;
	}
	if (json) {
		r = outbox_json(v, n);
	} else {
		outbox_human(v, n);
		r = cli_flush();
	}
	cad_outbox_entries_free(v, n);
	return r;
}

static int
outbox_deliver(struct cli *c)
{
	struct cad_plan plan;
	struct cad_error err = { "" };
	struct cad_outbox_stats stats;
	int64_t now = (int64_t)time(NULL);
	int enq = 0, rem = 0, from, to, r;

	memset(&plan, 0, sizeof plan);
	if (!c->cfg->caldav.present && !c->cfg->smtp.present) {
		cli_warnx(_("lähtevät: tiedostossa '%s' ei ole asetettu "
		    "'caldav'- eikä 'smtp'-yhteyttä"), c->config_path);
		return 1;
	}
	cad_invite_window(c->cfg, &c->ctx, &from, &to);
	if ((r = cli_plan(c, from, to, &plan)) != 0)
		return r;
	r = cad_outbox_sync(c->store, c->cfg, &c->ctx, &plan, NULL, now,
	    &enq, &err);
	cad_plan_release(&plan);
	if (r < 0) {
		cli_warnx(_("lähtevien jonoa ei voi päivittää: %s"), err.msg);
		return 1;
	}
	if (cad_reminders_sync(c->store, c->cfg, &c->ctx, c->today, now,
	    &rem, &err) < 0) {
		cli_warnx(_("määräaikojen muistutuksia ei voi lisätä jonoon: "
		    "%s"),
		    err.msg);
		return 1;
	}
	enq += rem;
	memset(&stats, 0, sizeof stats);
	if (cad_outbox_deliver(c->store, c->cfg, &stats, &err) < 0) {
		cli_warnx(_("lähetys ei onnistu: %s"), err.msg);
		return 1;
	}
	/* TRANSLATORS: the program's name and how many invitations and
	   reminders were new, sent, left to retry and failed for good */
	fprintf(stderr, _("%1$s: lähtevät: %2$d uutta, %3$d lähetetty, "
	    "%4$d yritetään uudelleen, %5$d epäonnistui\n"), cli_progname,
	    enq, stats.sent, stats.retry, stats.failed);
	return 0;
}

int
cmd_outbox(struct cli *c)
{
	bool json = false, retry = false, deliver = false;
	const struct cli_opt opts[] = {
		{ "json", &json, NULL, NULL },
		{ "retry", &retry, NULL, NULL },
		{ "deliver", &deliver, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct cad_error err = { "" };
	int r, n = 0, npos;

	if ((r = cli_options(c, opts, NULL, 0, &npos)) != 0)
		return r;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (retry) {
		if (cad_store_outbox_retry(c->store, (int64_t)time(NULL), &n,
		    &err) < 0) {
			cli_warnx(_("uudelleenyritys ei onnistu: %s"), err.msg);
			return 1;
		}
		fprintf(stderr, _("%1$s: lähtevät: nyt lähetettäviä %2$d\n"),
		    cli_progname, n);
	}
	if (deliver && (r = outbox_deliver(c)) != 0)
		return r;
	if ((retry || deliver) && !json)
		return 0;
	return outbox_list(c, json);
}
