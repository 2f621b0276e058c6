/*
 * query.c - the commands that only read: check, forums, occurrences,
 * next, holidays, compliance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/calendar.h"
#include "cli.h"
#include "render/ical.h"
#include "render/output.h"

/* the options every query command may take; each picks what it allows */
struct query_args {
	bool json;
	const char *from, *to, *forum, *party, *year;
	long long n;
};

/* the options of allowed (one key letter each) into a; 0 or an exit
   status */
static int
parse_query(struct cli *c, const char *allowed, struct query_args *a)
{
	const char *n = NULL;
	const struct {
		char key;
		struct cli_opt o;
	} all[] = {
		{ 'j', { "json", &a->json, NULL, NULL } },
		{ 'f', { "from", NULL, &a->from, NULL } },
		{ 't', { "to", NULL, &a->to, NULL } },
		{ 'F', { "forum", NULL, &a->forum, NULL } },
		{ 'P', { "party", NULL, &a->party, NULL } },
		{ 'Y', { "year", NULL, &a->year, NULL } },
		{ 'n', { "n", NULL, &n, NULL } },
	};
	struct cli_opt opts[sizeof all / sizeof all[0] + 1];
	size_t k = 0;
	int npos, r;

	memset(a, 0, sizeof *a);
	a->n = 5;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strchr(allowed, all[i].key) != NULL)
			opts[k++] = all[i].o;
	opts[k] = (struct cli_opt){ NULL, NULL, NULL, NULL };
	if ((r = cli_options(c, opts, NULL, 0, &npos)) != 0)
		return r;
	if (n != NULL && cad_strtonum(n, 1, 100000, &a->n) < 0) {
		cli_warnx(_("%1$s: -n '%2$s' ei ole luku väliltä 1–100000"),
		    c->argv[0], n);
		return 1;
	}
	return 0;
}

static void
print_occurrence(const struct cad_config *cfg, const struct cad_plan *plan,
    const struct cad_occurrence *o)
{
	const struct cad_series *s = &plan->series[o->series];
	const struct cad_forum *f = &cfg->forums[s->forum];
	char when[32], orig[32], endt[8];
	int eday, end, eoff;

	/* elapsed minutes: a DST change in between moves the clock time */
	(void)cad_tz_end(cfg->timezone, o->day, o->time, o->duration, &eday,
	    &end, &eoff);
	cad_format_fi(o->day, o->time, when);
	cad_format_time(end, endt);
	printf("%s–%s  %s", when, endt, cad_tr(cfg, f->name));
	if (s->party >= 0 || s->group >= 0) {
		struct cad_unit u = { s->party, s->group };
		printf(": %s", cad_tr(cfg, cad_config_unit_name(cfg, &u)));
	}
	if (o->location)
		printf(" (%s)", cad_tr(cfg, o->location));
	if (o->status == CAD_CANCELLED)
		printf("  %s%s%s", _("PERUTTU"), o->reason ? ": " : "",
		    o->reason ? o->reason : "");
	if (o->moved != CAD_MOVED_NONE) {
		cad_format_fi(o->rid_day, o->rid_time, orig);
		char *how = cad_moved_text(o->moved, orig);
		printf("  [%s]", how);
		free(how);
	}
	putchar('\n');
}

static int
print_compliance(struct cli *c, bool json, bool as_warnings)
{
	struct cad_compliance *w = NULL;
	struct cad_error err = { "" };
	size_t n = 0;
	int from, to;

	cad_publish_window(c->cfg, c->today, &from, &to);
	if (cad_plan_compliance(c->cfg, &c->ctx, from, to, &w, &n, &err) <
	    0) {
		cli_warnx(_("lakisääteisiä vähimmäismääriä ei voi tarkistaa: "
		    "%s"), err.msg);
		return 1;
	}
	if (json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		int r = cad_json_compliance(&b, c->cfg, w, n);
		free(w);
		return cli_print_buf(&b, r);
	}
	for (size_t i = 0; i < n; i++) {
		char *msg = cad_compliance_message(c->cfg, &w[i]);
		if (as_warnings)
			printf("%s:%d: warning: %s\n", c->cfg->path,
			    w[i].forum >= 0 ? c->cfg->forums[w[i].forum].line :
			    w[i].task >= 0 ? c->cfg->tasks[w[i].task].line :
			    c->cfg->agreement.line, msg);
		else
			printf("%s\n", msg);
		free(msg);
	}
	if (n == 0 && !as_warnings)
		printf("%s\n", _("ei varoituksia: jokainen lakisääteinen "
		    "vähimmäiskokous on vahvistettu, eikä yksikään tehtävä tai "
		    "määräaika ole myöhässä"));
	free(w);
	return 0;
}

/* a listed language this system cannot show (no locale or catalogue) */
static void
warn_languages(const struct cad_config *cfg, struct cad_diag *diag)
{
	enum cad_lang now = cad_lang_current();

	for (size_t i = 0; i < cfg->nlangs; i++)
		if (cad_lang_use(cfg->langs[i]) < 0)
			cad_diag_warning(diag, cfg->path, 0, _("kieli '%s' on "
			    "lueteltu, mutta järjestelmässä ei ole sen "
			    "localea tai käännöstiedostoa: sen tekstit "
			    "näytetään suomeksi"),
			    cad_lang_code(cfg->langs[i]));
	(void)cad_lang_use(now);
}

int
cmd_check(struct cli *c)
{
	struct query_args a;
	struct cad_plan plan;
	struct cad_diag diag;
	int r, from, to;

	if ((r = parse_query(c, "", &a)) != 0)
		return r;
	if ((r = cli_open(c, true)) != 0)
		return r;
	cad_publish_window(c->cfg, c->today, &from, &to);
	if ((r = cli_plan(c, from, to, &plan)) != 0)
		return r;
	char a1[24], a2[24];
	cad_format_fi_date(from, a1);
	cad_format_fi_date(to, a2);
	size_t confirmed = 0;
	for (size_t i = 0; i < plan.nocc; i++)
		confirmed += plan.occ[i].status == CAD_CONFIRMED;
	/* "ok" stays in every language, as "error" and "warning" do */
	printf("%s: ok: ", c->cfg->path);
	printf(dngettext(CAD_TEXTDOMAIN, "%zu foorumi", "%zu foorumia",
	    c->cfg->nforums), c->cfg->nforums);
	printf(dngettext(CAD_TEXTDOMAIN, ", %zu osapuoli", ", %zu osapuolta",
	    c->cfg->nparties), c->cfg->nparties);
	printf(dngettext(CAD_TEXTDOMAIN, ", %zu sarja", ", %zu sarjaa",
	    plan.nseries), plan.nseries);
	/* TRANSLATORS: the confirmed meetings from the first to the last
	   day of the published window: ", 94 kokousta ajalla ma 1.6.2026 –
	   ti 30.11.2027" */
	printf(dngettext(CAD_TEXTDOMAIN, ", %zu kokous ajalla %s – %s\n",
	    ", %zu kokousta ajalla %s – %s\n", confirmed), confirmed, a1, a2);
	cad_plan_release(&plan);
	cad_diag_init(&diag);
	cad_plan_lost_convenors(c->cfg, &c->ctx, &diag);
	warn_languages(c->cfg, &diag);
	for (size_t i = 0; i < diag.n; i++)
		printf("%s\n", diag.msgs[i]);
	cad_diag_release(&diag);
	return print_compliance(c, false, true);
}

int
cmd_forums(struct cli *c)
{
	struct query_args a;
	int r;

	if ((r = parse_query(c, "j", &a)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, false)) != 0)
		return r;
	if (a.json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		return cli_print_buf(&b, cad_json_forums(&b, c->cfg));
	}
	for (size_t i = 0; i < c->cfg->nforums; i++) {
		const struct cad_forum *f = &c->cfg->forums[i];
		char *cadence = cad_config_cadence(c->cfg, f);
		printf("%s\n  %s\n  %s: %s\n  %s: %s\n", f->id,
		    cad_tr(c->cfg, f->name), _("koollekutsuja"),
		    cad_tr(c->cfg, cad_forum_convenor_name(c->cfg, f)),
		    _("rytmi"), cadence);
		if (f->legal_basis)
			printf("  %s: %s\n", _("säädösperusta"),
			    f->legal_basis);
		if (f->nfor_each) {
			printf("  %s:", _("neuvottelu erikseen"));
			for (size_t j = 0; j < f->nfor_each; j++)
				printf("%s %s", j ? "," : "",
				    cad_tr(c->cfg, cad_config_unit_name(c->cfg,
				    &f->for_each[j])));
			putchar('\n');
		}
		if (f->nparticipants) {
			printf("  %s:", _("osallistujat"));
			for (size_t j = 0; j < f->nparticipants; j++)
				printf("%s %s", j ? "," : "",
				    cad_tr(c->cfg, c->cfg->parties[
				    f->participants[j]].name));
			putchar('\n');
		}
		free(cadence);
	}
	return 0;
}

static int
filters(struct cli *c, const struct query_args *a, int *forum, int *party)
{
	*forum = *party = -1;
	if (a->forum && (*forum = cli_arg_forum(c, a->forum)) < 0)
		return 1;
	if (a->party && (*party = cli_arg_party(c, a->party)) < 0)
		return 1;
	return 0;
}

int
cmd_occurrences(struct cli *c)
{
	struct query_args a;
	struct cad_plan plan;
	int r, from, to, forum, party;

	if ((r = parse_query(c, "jftFP", &a)) != 0)
		return r;
	if (a.from == NULL || a.to == NULL)
		return cli_usage(_("%1$s: %2$s ja %3$s ovat pakollisia"),
		    "occurrences", "--from", "--to");
	if (cli_arg_date("--from", a.from, &from) < 0 ||
	    cli_arg_date("--to", a.to, &to) < 0)
		return 1;
	if (from > to) {
		cli_warnx(_("--from %1$s on myöhemmin kuin --to %2$s"),
		    a.from, a.to);
		return 1;
	}
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if ((r = filters(c, &a, &forum, &party)) != 0)
		return r;
	if ((r = cli_plan(c, from, to, &plan)) != 0)
		return r;
	if (a.json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		r = cad_json_occurrences(&b, c->cfg, &c->ctx, &plan, forum,
		    party);
		cad_plan_release(&plan);
		return cli_print_buf(&b, r);
	}
	for (size_t i = 0; i < plan.nocc; i++)
		if (cad_occurrence_matches(c->cfg, &c->ctx, &plan,
		    &plan.occ[i], forum, party))
			print_occurrence(c->cfg, &plan, &plan.occ[i]);
	cad_plan_release(&plan);
	return 0;
}

int
cmd_next(struct cli *c)
{
	struct query_args a;
	struct cad_plan plan;
	struct cad_buf b;
	int r, forum, party;
	long long shown = 0;

	if ((r = parse_query(c, "jFPn", &a)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if ((r = filters(c, &a, &forum, &party)) != 0)
		return r;
	/* a per-term forum may be four years away: look five ahead */
	if ((r = cli_plan(c, c->today, c->today + 5 * 366, &plan)) != 0)
		return r;
	cad_buf_init(&b, 0);
	cad_buf_puts(&b, "[");
	for (size_t i = 0; i < plan.nocc && shown < a.n; i++) {
		const struct cad_occurrence *o = &plan.occ[i];
		if (o->status != CAD_CONFIRMED ||
		    !cad_occurrence_matches(c->cfg, &c->ctx, &plan, o, forum,
		    party))
			continue;
		if (a.json) {
			cad_buf_puts(&b, shown ? ",\n  " : "\n  ");
			cad_json_occurrence(&b, c->cfg, &plan, o);
		} else
			print_occurrence(c->cfg, &plan, o);
		shown++;
	}
	cad_buf_puts(&b, shown ? "\n]\n" : "]\n");
	cad_plan_release(&plan);
	if (a.json)
		return cli_print_buf(&b, 0);
	cad_buf_release(&b);
	if (shown == 0)
		printf("%s\n", _("ei tulevia kokouksia"));
	return 0;
}

int
cmd_holidays(struct cli *c)
{
	struct query_args a;
	int r, year;

	if ((r = parse_query(c, "jY", &a)) != 0)
		return r;
	if (a.year == NULL)
		return cli_usage(_("%1$s: %2$s on pakollinen"), "holidays",
		    "--year");
	if (cli_arg_year(a.year, &year) < 0)
		return 1;
	c->quiet_warnings = true;
	if ((r = cli_open(c, false)) != 0)
		return r;
	if (a.json) {
		struct cad_buf b;
		cad_buf_init(&b, 0);
		return cli_print_buf(&b, cad_json_holidays(&b, c->cfg,
		    year));
	}
	struct cad_holiday h[64];
	int n = cad_calendar_holidays(c->cfg, year, h, 64);
	for (int i = 0; i < n; i++) {
		char date[24];
		cad_format_fi_date(h[i].day, date);
		printf("%-14s %s\n", date, _(h[i].name));
	}
	return 0;
}

int
cmd_compliance(struct cli *c)
{
	struct query_args a;
	int r;

	if ((r = parse_query(c, "j", &a)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	return print_compliance(c, a.json, false);
}
