/*
 * deadline.c - the agreement commands: deadlines and terminate.
 *
 *	deadlines [--json] [--all]
 *	terminate PARTY --noticed YYYY-MM-DD
 *	terminate PARTY --withdraw
 *	terminate --list [--json]
 *
 * `deadlines` lists from --today on (--all: the past ones too); --json
 * always gives the whole list, as GET /api/v1/deadlines does.  A notice
 * is recorded with the day it was given; it can't be dated after today
 * (record it when it has been given) nor before the agreement took
 * effect.  The party leaves on noticed + notice_months.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store/change.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "render/output.h"

int
cmd_deadlines(struct cli *c)
{
	struct cad_deadline *v = NULL;
	struct cad_error err = { "" };
	bool json = false, all = false;
	const struct cli_opt opts[] = {
		{ "json", &json, NULL, NULL },
		{ "all", &all, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	size_t n = 0, shown = 0;
	int r, npos;

	if ((r = cli_options(c, opts, NULL, 0, &npos)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (cad_deadlines(c->cfg, &c->ctx, &v, &n, &err) < 0) {
		cli_warnx(_("määräaikoja ei voi laskea: %s"), err.msg);
		return 1;
	}
	if (json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		r = cad_deadlines_json(&b, c->cfg, v, n);
		cad_deadlines_free(v, n);
		return cli_print_buf(&b, r);
	}
	for (size_t i = 0; i < n; i++) {
		char date[24], togo[48];
		if (!all && v[i].day < c->today)
			continue;
		cad_format_fi_date(v[i].day, date);
		cad_deadline_when(v[i].day - c->today, togo);
		/* padded by characters, not bytes ("tehtävä") */
		const char *kind = cad_deadline_kind_label(v[i].kind);
		int pad = 13;
		for (const char *p = kind; *p != '\0'; p++)
			pad += ((unsigned char)*p & 0xC0) == 0x80;
		bool done = v[i].kind == CAD_DEADLINE_TASK && v[i].done;
		printf("%-13s  %-*s  %s  (%s)%s%s\n", date, pad, kind,
		    v[i].title, togo, done ? "  " : "",
		    done ? C_("task", "tehty") : "");
		shown++;
	}
	if (shown == 0)
		printf("%s\n", all ? _("ei määräaikoja") :
		    _("ei tulevia määräaikoja"));
	cad_deadlines_free(v, n);
	return cli_flush();
}

/* --- terminate ------------------------------------------------------------ */

static const struct cad_termination *
find_termination(const struct cli *c, const char *party)
{
	for (size_t i = 0; i < c->in.nterm; i++)
		if (c->in.term[i].party && strcmp(c->in.term[i].party, party) == 0)
			return &c->in.term[i];
	return NULL;
}

static int
list_terminations(struct cli *c, bool json)
{
	if (json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		return cli_print_buf(&b, cad_terminations_json(&b, c->in.term,
		    c->in.nterm));
	}
	for (size_t i = 0; i < c->in.nterm; i++) {
		const struct cad_termination *t = &c->in.term[i];
		int p = cad_config_party(c->cfg, t->party);
		char noticed[24], eff[24];
		cad_format_fi_date(t->noticed, noticed);
		cad_format_fi_date(t->effective, eff);
		/* TRANSLATORS: party id, its name, the day of the notice and
		   the day it takes effect */
		printf(_("%1$s  %2$s  ilmoitettu %3$s, voimaan %4$s\n"),
		    t->party, p >= 0 ? cad_tr(c->cfg, c->cfg->parties[p].name) :
		    _("(ei asetuksissa)"), noticed, eff);
	}
	if (c->in.nterm == 0)
		printf("%s\n", _("ei kirjattuja irtisanomisia"));
	return cli_flush();
}

/* what the party's leaving means for the forums */
static void
print_consequences(struct cli *c, int p, int eff)
{
	const struct cad_config *cfg = c->cfg;
	char date[24];
	bool first = true;

	cad_format_fi_date(eff, date);
	for (size_t i = 0; i < cfg->nforums; i++) {
		const struct cad_forum *f = &cfg->forums[i];
		if (f->convenor == p)
			printf(_("foorumi '%1$s' (%2$s) menettää "
			    "koollekutsujansa %3$s: nimeä uusi koollekutsuja\n"),
			    f->id, cad_tr(cfg, f->name), date);
		else if (f->first_convenor == p)
			printf(_("foorumi '%1$s' (%2$s) menettää ensimmäisen "
			    "kokouksen koollekutsujansa %3$s: nimeä uusi "
			    "koollekutsuja\n"), f->id, cad_tr(cfg, f->name),
			    date);
	}
	for (size_t i = 0; i < cfg->nforums; i++) {
		const struct cad_forum *f = &cfg->forums[i];
		bool in = f->convenor == p || f->first_convenor == p;
		for (size_t j = 0; j < f->nparticipants; j++)
			in |= f->participants[j] == p;
		in |= cad_forum_member_index(cfg, f, p) >= 0;
		if (!in)
			continue;
		printf("%s%s", first ? _("jää pois foorumeista: ") : ", ",
		    f->id);
		first = false;
	}
	if (!first)
		putchar('\n');
}

static int
record_notice(struct cli *c, const char *id, const char *date)
{
	const struct cad_agreement *a = &c->cfg->agreement;
	const struct cad_termination *old;
	struct cad_error err = { "" };
	struct cad_termination t;
	struct cad_actor who = { cli_user(), NULL };
	char noticed[24], eff[24], today[24], was[24];
	int p, day;

	if ((p = cli_arg_party(c, id)) < 0)
		return 1;
	if (cli_arg_date(_("irtisanomispäivä"), date, &day) < 0)
		return 1;
	cad_format_fi_date(c->today, today);
	if (day > c->today) {
		cli_warnx(_("irtisanomispäivä '%1$s' on tämän päivän (%2$s) "
		    "jälkeen: kirjaa irtisanominen vasta, kun se on tehty"),
		date, today);
		return 1;
	}
	if (a->present && day < a->effective) {
		char e[11];
		cad_format_date(a->effective, e);
		cli_warnx(_("irtisanomispäivä '%1$s' on ennen sopimuksen "
		    "voimaantuloa (%2$s)"), date, e);
		return 1;
	}
	t.party = c->cfg->parties[p].id;
	t.noticed = day;
	t.effective = cad_add_months(day, a->notice_months);
	old = find_termination(c, t.party);
	if (old != NULL)
		cad_format_fi_date(old->noticed, was);
	if (cad_change_termination(c->store, t.party, &t, old, &who,
	    (int64_t)time(NULL), &err) < 0) {
		cli_warnx(_("irtisanomista ei voi tallentaa: %s"), err.msg);
		return 1;
	}
	cad_format_fi_date(t.noticed, noticed);
	cad_format_fi_date(t.effective, eff);
	/* TRANSLATORS: the party's name and id, the day of the notice, the
	   day it takes effect and " (jo voimassa)" or nothing */
	printf(_("irtisanominen kirjattu: %1$s (%2$s), ilmoitettu %3$s, astuu "
	    "voimaan %4$s%5$s\n"), cad_tr(c->cfg, c->cfg->parties[p].name),
	    t.party, noticed, eff, t.effective <= c->today ?
	    _(" (jo voimassa)") : "");
	if (old != NULL)
		printf(_("korvaa aiemman ilmoituksen %s\n"), was);
	print_consequences(c, p, t.effective);
	return cli_flush();
}

static int
withdraw_notice(struct cli *c, const char *id)
{
	struct cad_error err = { "" };
	struct cad_actor who = { cli_user(), NULL };
	int p = cad_config_party(c->cfg, id);
	int r;

	/* a party gone from the config may still have a stored notice */
	if (p < 0 && find_termination(c, id) == NULL) {
		cli_warnx(_("tuntematon osapuoli '%s'"), id);
		return 1;
	}
	r = cad_change_termination(c->store, id, NULL,
	    find_termination(c, id), &who, (int64_t)time(NULL), &err);
	if (r == -ENOENT) {
		cli_warnx(_("osapuolella '%s' ei ole kirjattua irtisanomista"),
		    id);
		return 1;
	}
	if (r < 0) {
		cli_warnx(_("irtisanomista ei voi perua: %s"), err.msg);
		return 1;
	}
	printf(_("irtisanominen peruttu: %1$s (%2$s)\n"),
	    p >= 0 ? cad_tr(c->cfg, c->cfg->parties[p].name) : id, id);
	return cli_flush();
}

int
cmd_terminate(struct cli *c)
{
	const char *noticed = NULL, *party = NULL;
	bool withdraw = false, list = false, json = false;
	const struct cli_opt opts[] = {
		{ "noticed", NULL, &noticed, NULL },
		{ "withdraw", &withdraw, NULL, NULL },
		{ "list", &list, NULL, NULL },
		{ "json", &json, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int r, npos;

	/* PARTY may stand before or after the options */
	if ((r = cli_options(c, opts, &party, 1, &npos)) != 0)
		return r;
	if ((noticed != NULL) + withdraw + list != 1)
		return cli_usage(_("%1$s: anna yksi näistä: %2$s, %3$s tai "
		    "%4$s"), "terminate", "--noticed DATE", "--withdraw",
		    "--list");
	if (list && party != NULL)
		return cli_usage(_("%1$s ei ota argumenttia %2$s"),
		    "terminate --list", "PARTY");
	if (!list && party == NULL)
		return cli_usage(_("%1$s: anna %2$s"), "terminate", "PARTY");
	if (json && !list)
		return cli_usage(_("%1$s: valitsin %2$s kuuluu vain muotoon "
		    "'%3$s'"), "terminate", "--json", "terminate --list");

	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (list)
		return list_terminations(c, json);
	if (withdraw)
		return withdraw_notice(c, party);
	return record_notice(c, party, noticed);
}
