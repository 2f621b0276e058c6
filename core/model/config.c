/*
 * config.c - cadenced.conf (SPEC § 3): parse with libconfig, validate,
 * copy into the model of config.h.
 *
 * The loader walks the libconfig tree once.  Every value is copied out
 * (libconfig's strings die with its config_t), every key is checked
 * against the keys its group may hold, and every problem is reported with
 * the line libconfig remembers for the setting.  It never stops at the
 * first problem: whoever fixes the file wants to see them all at once.
 * The messages are collected and handed to the cad_diag in file order.
 */
#include "model/config_load.h"

#include <errno.h>
#include <libical/ical.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/addr.h"
#include "base/text.h"

static bool
valid_domain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' ||
	    s[n - 1] == '.' || s[n - 1] == '-' || strstr(s, "..") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return true;
}

/* "HOST:PORT", "[v6]:PORT"; port 1..65535 */
static bool
valid_listen(const char *s)
{
	const char *colon = strrchr(s, ':');
	long long port;
	if (colon == NULL || colon == s)
		return false;
	if (s[0] == '[' && (colon[-1] != ']' || colon - s < 3))
		return false;
	if (s[0] != '[' && memchr(s, ':', (size_t)(colon - s)) != NULL)
		return false;
	if (strpbrk(s, " \t/") != NULL)
		return false;
	return cad_strtonum(colon + 1, 1, 65535, &port) == 0;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static char *
with_slash(const char *url)
{
	size_t n = strlen(url);
	if (n > 0 && url[n - 1] == '/')
		return cad_strdup(url);
	return cad_asprintf("%s/", url);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return cad_strdup(".");
	if (slash == path)
		return cad_strdup("/");
	return cad_asprintf("%.*s", (int)(slash - path), path);
}

/* P relative to the config file's directory unless it is absolute */
static char *
resolve(const char *dir, const char *p)
{
	if (p[0] == '/' || strcmp(dir, ".") == 0)
		return cad_strdup(p);
	if (strcmp(dir, "/") == 0)
		return cad_asprintf("/%s", p);
	return cad_asprintf("%s/%s", dir, p);
}

/* --- top-level pieces --------------------------------------------------- */

/* http.tls_cert and tls_key (both or neither), behind_tls_proxy */
static void
load_tls(struct ld *ld, const config_setting_t *s)
{
	struct cad_config *cfg = ld->cfg;
	config_setting_t *cs, *ks;
	const char *cert = ld_str(ld, s, "tls_cert", "http: ", false, &cs);
	const char *key = ld_str(ld, s, "tls_key", "http: ", false, &ks);

	ld_bool(ld, s, "behind_tls_proxy", "http: ", &cfg->behind_tls_proxy);
	if ((cert != NULL) != (key != NULL)) {
		ld_err(ld, cert != NULL ? cs : ks, _("http: tls_cert ja "
		    "tls_key annetaan yhdessä"));
		return;
	}
	if (cert == NULL)
		return;
	if (cfg->behind_tls_proxy) {
		ld_err(ld, cs, _("http: tls_cert ja behind_tls_proxy sulkevat "
		    "toisensa pois: HTTPS:n hoitaa joko cadenced tai "
		    "välityspalvelin"));
		return;
	}
	cfg->tls_cert = resolve(cfg->dir, cert);
	cfg->tls_key = resolve(cfg->dir, key);
}

static void
load_http(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "listen", "base_url", "tls_cert",
		"tls_key", "behind_tls_proxy", NULL };
	struct cad_config *cfg = ld->cfg;
	const char *listen = NULL, *base = NULL;
	config_setting_t *s = ld_member(ld, root, "http", "", false);

	if (s != NULL && !config_setting_is_group(s)) {
		ld_err(ld, s, _("'http' pitää olla ryhmä { listen = ...; }"));
		s = NULL;
	}
	if (s != NULL) {
		config_setting_t *ls, *bs;
		ld_check_keys(ld, s, "http: ", keys);
		listen = ld_str(ld, s, "listen", "http: ", false, &ls);
		if (listen != NULL && !valid_listen(listen)) {
			ld_err(ld, ls, _("http: listen '%s' ei ole muotoa "
			    "HOST:PORT, jossa portti on 1-65535"), listen);
			listen = NULL;
		}
		base = ld_str(ld, s, "base_url", "http: ", false, &bs);
		if (base != NULL && !has_prefix(base, "http://") &&
		    !has_prefix(base, "https://")) {
			ld_err(ld, bs, _("http: base_url '%s' pitää alkaa "
			    "http:// tai https://"), base);
			base = NULL;
		}
		load_tls(ld, s);
	}
	cfg->listen = cad_strdup(listen != NULL ? listen : "127.0.0.1:8080");
	cfg->base_url = base != NULL ? with_slash(base) :
	    cad_asprintf("http://%s/", cfg->listen);
}

struct term_line {
	struct cad_term t;
	int line;
	const config_setting_t *s;
};

static int
term_cmp(const void *a, const void *b)
{
	const struct term_line *x = a, *y = b;
	if (x->t.start != y->t.start)
		return x->t.start < y->t.start ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
load_terms(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "start", "end", NULL };
	const char *ctx = "council term: ";
	struct cad_config *cfg = ld->cfg;
	config_setting_t *s = ld_member(ld, root, "council_terms", "", false);
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("'council_terms' pitää olla luettelo ryhmiä { "
		    "start = ...; end = ...; }"));
		return;
	}
	int n = config_setting_length(s);
	struct term_line *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, _("'council_terms' pitää olla luettelo "
			    "ryhmiä { start = ...; end = ...; }"));
			continue;
		}
		ld_check_keys(ld, e, ctx, keys);
		bool ok = ld_date(ld, e, "start", ctx, true, &v[k].t.start);
		ok = ld_date(ld, e, "end", ctx, true, &v[k].t.end) && ok;
		if (!ok)
			continue;
		if (v[k].t.start > v[k].t.end) {
			char a[11], b[11];
			cad_format_date(v[k].t.start, a);
			cad_format_date(v[k].t.end, b);
			ld_err(ld, e, _("valtuustokausi: alku '%s' on lopun "
			    "'%s' jälkeen"), a, b);
			continue;
		}
		v[k].line = config_setting_source_line(e);
		v[k].s = e;
		k++;
	}
	qsort(v, k, sizeof *v, term_cmp);
	cfg->terms = cad_xcalloc(k, sizeof *cfg->terms);
	for (size_t i = 0; i < k; i++) {
		if (cfg->nterms > 0 &&
		    v[i].t.start <= cfg->terms[cfg->nterms - 1].end) {
			struct cad_term *p = &cfg->terms[cfg->nterms - 1];
			char a[11], b[11], c[11], d[11];
			cad_format_date(p->start, a);
			cad_format_date(p->end, b);
			cad_format_date(v[i].t.start, c);
			cad_format_date(v[i].t.end, d);
			ld_err(ld, v[i].s, _("valtuustokaudet '%s'..'%s' ja "
			    "'%s'..'%s' ovat päällekkäin"), a, b, c, d);
			continue;
		}
		cfg->terms[cfg->nterms++] = v[i].t;
	}
	free(v);
}

/* --- agreement and servers ---------------------------------------------- */

/* a list of whole days (remind_days); true when present */
static bool
get_offsets(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout)
{
	config_setting_t *x = ld_member(ld, g, name, ctx, false);

	if (x == NULL)
		return false;
	if (!ld_is_seq(x)) {
		ld_err(ld, x, _("%s'%s' pitää olla luettelo päivien "
		    "lukumääriä"), ctx, name);
		return false;
	}
	int n = config_setting_length(x);
	*out = cad_xcalloc((size_t)n + 1, sizeof(int));
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(x, (unsigned)i);
		long long d = ld_is_int(e) ? config_setting_get_int64(e) : -1;
		if (d < 0 || d > 3650) {
			ld_err(ld, e, _("%s'%s': arvojen pitää olla kokonaisia "
			    "päiviä väliltä 0-3650"), ctx, name);
			continue;
		}
		(*out)[(*nout)++] = (int)d;
	}
	return true;
}

static void
load_agreement(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "title", "effective",
		"notice_months", "review_by", "renew_within_months",
		"remind_days", "notify", NULL };
	static const int default_remind[] = { 90, 30, 7 };
	const char *ctx = "agreement: ";
	struct cad_agreement *a = &ld->cfg->agreement;
	config_setting_t *s = ld_member(ld, root, "agreement", "", false);
	config_setting_t *x;

	a->notice_months = 12;
	a->renew_within_months = 12;
	if (s == NULL)
		goto defaults;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, _("'agreement' pitää olla ryhmä { title = ...; "
		    "}"));
		goto defaults;
	}
	ld_check_keys(ld, s, ctx, keys);
	a->present = true;
	a->line = config_setting_source_line(s);
	const char *title = ld_str(ld, s, "title", ctx, true, NULL);
	a->title = cad_strdup(title != NULL ? title : "");
	ld_date(ld, s, "effective", ctx, true, &a->effective);
	ld_int_range(ld, s, "notice_months", ctx, 0, 120, &a->notice_months);
	ld_int_range(ld, s, "renew_within_months", ctx, 0, 120,
	    &a->renew_within_months);
	ld_date_list(ld, s, "review_by", ctx, &a->review_by, &a->nreview_by);
	ld_party_list(ld, s, "notify", ctx, &a->notify, &a->nnotify, &x);

	if (get_offsets(ld, s, "remind_days", ctx, &a->remind_days,
	    &a->nremind_days))
		return;
defaults:
	a->nremind_days = sizeof default_remind / sizeof default_remind[0];
	a->remind_days = cad_xcalloc(a->nremind_days, sizeof(int));
	memcpy(a->remind_days, default_remind, sizeof default_remind);
}

/* --- tasks (SPEC § 10.3) ------------------------------------------------ */

static void
task_release(struct cad_task *t)
{
	free(t->id);
	free(t->name);
	free(t->legal_basis);
	free(t->owners);
	free(t->remind_days);
	for (size_t i = 0; i < t->nremind_roles; i++)
		free(t->remind_roles[i]);
	free(t->remind_roles);
}

/* per_term = { year = 1; month = 12; day = 31; } */
static void
load_task_term(struct ld *ld, config_setting_t *s, const char *tctx,
    struct cad_task *t)
{
	static const char *const keys[] = { "year", "month", "day", NULL };
	char ctx[CTX_MAX + 16];

	snprintf(ctx, sizeof ctx, "%sper_term: ", tctx);
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, _("%s'per_term' pitää olla ryhmä { year = ...; "
		    "month = ...; day = ...; }"), tctx);
		return;
	}
	ld_check_keys(ld, s, ctx, keys);
	t->has_per_term = true;
	t->per_term = (struct cad_task_term){ 1, 1, 1 };
	ld_member(ld, s, "year", ctx, true);
	ld_member(ld, s, "month", ctx, true);
	ld_member(ld, s, "day", ctx, true);
	ld_int_range(ld, s, "year", ctx, 1, 10, &t->per_term.year);
	ld_int_range(ld, s, "month", ctx, 1, 12, &t->per_term.month);
	ld_int_range(ld, s, "day", ctx, 1, 31, &t->per_term.day);
}

/* a list of role names (remind_roles) */
static void
get_roles(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, char ***out, size_t *nout)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);

	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("%s'%s' pitää olla luettelo roolien nimiä"),
		    ctx, name);
		return;
	}
	int n = config_setting_length(s);
	*out = cad_xcalloc((size_t)n + 1, sizeof **out);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING ?
		    config_setting_get_string(e) : NULL;
		if (v == NULL || !ld_valid_id(v)) {
			ld_err(ld, e, _("%s'%s' pitää olla luettelo roolien "
			    "nimiä (a-z, 0-9, '-', '_')"), ctx, name);
			continue;
		}
		(*out)[(*nout)++] = cad_strdup(v);
	}
}

static bool
load_task(struct ld *ld, config_setting_t *e, struct cad_task *t)
{
	static const char *const keys[] = { "id", "name", "legal_basis",
		"owners", "due", "per_term", "start", "remind_days",
		"remind_roles", NULL };
	static const int default_remind[] = { 30, 7 };
	char ctx[CTX_MAX];
	config_setting_t *is, *x;

	const char *kind = C_("config", "tehtävä");
	snprintf(ctx, sizeof ctx, "%s: ", kind);
	const char *id = ld_str(ld, e, "id", ctx, true, &is);
	if (id != NULL)
		snprintf(ctx, sizeof ctx, "%s '%s': ", kind, id);
	ld_check_keys(ld, e, ctx, keys);
	bool ok = id != NULL;
	if (id != NULL && !ld_valid_id(id)) {
		ld_err(ld, is, _("virheellinen tehtävän tunniste '%s': käytä "
		    "merkkejä a-z, 0-9, '-' ja '_', enintään %d merkkiä"), id,
		    ID_MAX);
		ok = false;
	} else if (id != NULL && cad_config_task(ld->cfg, id) >= 0) {
		ld_err(ld, is, _("tehtävän tunniste '%s' on jo käytössä"), id);
		ok = false;
	}
	t->id = cad_strdup(id);
	t->line = config_setting_source_line(e);
	const char *name = ld_str(ld, e, "name", ctx, true, NULL);
	t->name = cad_strdup(name != NULL ? name : "");
	t->legal_basis = cad_strdup(ld_str(ld, e, "legal_basis", ctx, false,
	    NULL));
	/* a group owner stands for its members, one task each */
	ld_party_or_group_list(ld, e, "owners", ctx, &t->owners, &t->nowners,
	    &x);
	if (x == NULL)
		ld_err(ld, e, _("%s'owners' puuttuu"), ctx);
	else if (ld_is_seq(x) && config_setting_length(x) == 0)
		ld_err(ld, x, _("%s'owners' on tyhjä"), ctx);

	config_setting_t *ds, *ps = ld_member(ld, e, "per_term", ctx, false);
	const char *due = ld_str(ld, e, "due", ctx, false, &ds);
	if (ds != NULL && ps != NULL)
		ld_err(ld, ps, _("%sanna joko 'due' tai 'per_term', ei "
		    "molempia"), ctx);
	else if (ds == NULL && ps == NULL)
		ld_err(ld, e, _("%s'due' (MM-DD, joka vuosi) tai 'per_term' "
		    "puuttuu"), ctx);
	if (due != NULL && cad_parse_monthday(due, &t->due_md) < 0)
		ld_err(ld, ds, _("%svirheellinen määräpäivä '%s' (muoto "
		    "MM-DD)"), ctx, due);
	if (ps != NULL && ds == NULL)
		load_task_term(ld, ps, ctx, t);

	t->start = CAD_NODAY;
	ld_date(ld, e, "start", ctx, false, &t->start);
	if (!get_offsets(ld, e, "remind_days", ctx, &t->remind_days,
	    &t->nremind_days)) {
		t->nremind_days = sizeof default_remind /
		    sizeof default_remind[0];
		t->remind_days = cad_xcalloc(t->nremind_days, sizeof(int));
		memcpy(t->remind_days, default_remind, sizeof default_remind);
	}
	get_roles(ld, e, "remind_roles", ctx, &t->remind_roles,
	    &t->nremind_roles);
	return ok;
}

static void
load_tasks(struct ld *ld, const config_setting_t *root)
{
	struct cad_config *cfg = ld->cfg;
	config_setting_t *s = ld_member(ld, root, "tasks", "", false);

	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("'tasks' pitää olla luettelo ryhmiä { id = "
		    "...; name = ...; owners = [...]; }"));
		return;
	}
	int n = config_setting_length(s);
	cfg->tasks = cad_xcalloc((size_t)n + 1, sizeof *cfg->tasks);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct cad_task *t = &cfg->tasks[cfg->ntasks];
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, _("'tasks' pitää olla luettelo ryhmiä { "
			    "id = ...; name = ...; owners = [...]; }"));
			continue;
		}
		if (load_task(ld, e, t))
			cfg->ntasks++;
		else {
			task_release(t);
			memset(t, 0, sizeof *t);
		}
	}
}

static void
load_server(struct ld *ld, const config_setting_t *root, const char *name,
    const char *const *schemes, struct cad_server *srv)
{
	static const char *const keys[] = { "url", "user", "password_file",
		NULL };
	char ctx[CTX_MAX];
	config_setting_t *s = ld_member(ld, root, name, "", false);
	config_setting_t *us;

	if (s == NULL)
		return;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, _("'%s' pitää olla ryhmä { url = ...; }"), name);
		return;
	}
	snprintf(ctx, sizeof ctx, "%s: ", name);
	ld_check_keys(ld, s, ctx, keys);
	srv->present = true;
	srv->line = config_setting_source_line(s);
	const char *url = ld_str(ld, s, "url", ctx, true, &us);
	if (url != NULL) {
		bool ok = false;
		for (const char *const *p = schemes; *p != NULL; p++)
			ok = ok || (has_prefix(url, *p) &&
			    url[strlen(*p)] != '\0');
		if (!ok)
			ld_err(ld, us, _("%surl '%s' pitää alkaa %s tai %s"),
			    ctx, url, schemes[0], schemes[1]);
		/* CalDAV objects are PUT to url + "<uid>.ics" */
		srv->url = strcmp(name, "caldav") == 0 ? with_slash(url) :
		    cad_strdup(url);
	}
	const char *user = ld_str(ld, s, "user", ctx, false, NULL);
	srv->user = cad_strdup(user != NULL ? user : "");
	const char *pf = ld_str(ld, s, "password_file", ctx, false, NULL);
	srv->password_file = pf == NULL || *pf == '\0' ? cad_strdup("") :
	    resolve(ld->cfg->dir, pf);
}

/* --- the file ------------------------------------------------------------ */

/* timezone, domain and state_dir */
static void
load_place(struct ld *ld, const config_setting_t *root)
{
	struct cad_config *cfg = ld->cfg;
	config_setting_t *x;

	const char *tz = ld_str(ld, root, "timezone", "", true, &x);
	if (tz != NULL && icaltimezone_get_builtin_timezone(tz) == NULL)
		ld_err(ld, x, _("tuntematon aikavyöhyke '%s'"), tz);
	cfg->timezone = cad_strdup(tz != NULL ? tz : "");

	const char *domain = ld_str(ld, root, "domain", "", true, &x);
	if (domain != NULL && !valid_domain(domain))
		ld_err(ld, x, _("domain '%s' ei ole palvelimen nimi"), domain);
	cfg->domain = cad_strdup(domain != NULL ? domain : "");

	const char *sd = ld_str(ld, root, "state_dir", "", false, &x);
	if (sd != NULL && *sd == '\0') {
		ld_err(ld, x, _("'state_dir' on tyhjä"));
		sd = NULL;
	}
	cfg->state_dir = resolve(cfg->dir, sd != NULL ? sd : "var");
}

static int
cmp_day(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* extra_holidays, sorted, each day once */
static void
load_extra_holidays(struct ld *ld, const config_setting_t *root)
{
	struct cad_config *cfg = ld->cfg;
	size_t k = 0;

	ld_date_list(ld, root, "extra_holidays", "", &cfg->extra_holidays,
	    &cfg->nextra_holidays);
	if (cfg->nextra_holidays > 1)
		qsort(cfg->extra_holidays, cfg->nextra_holidays,
		    sizeof cfg->extra_holidays[0], cmp_day);
	for (size_t i = 0; i < cfg->nextra_holidays; i++)
		if (k == 0 || cfg->extra_holidays[k - 1] !=
		    cfg->extra_holidays[i])
			cfg->extra_holidays[k++] = cfg->extra_holidays[i];
	cfg->nextra_holidays = k;
}

static void
load_root(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "timezone", "domain",
		"state_dir", "horizon_days", "http", "holidays",
		"extra_holidays", "blackouts", "council_terms", "organizer",
		"parties", "groups", "forums", "agreement", "tasks", "invite",
		"publish_attendees", "caldav", "smtp", "languages", NULL };
	static const char *const caldav_schemes[] = { "http://", "https://",
		NULL };
	static const char *const smtp_schemes[] = { "smtp://", "smtps://",
		NULL };
	struct cad_config *cfg = ld->cfg;
	config_setting_t *x;

	ld_check_keys(ld, root, "", keys);

	load_place(ld, root);

	cfg->horizon_days = 550;
	ld_int_range(ld, root, "horizon_days", "", 1, 3660,
	    &cfg->horizon_days);
	load_http(ld, root);

	cfg->holidays_fi = true;
	const char *hol = ld_str(ld, root, "holidays", "", false, &x);
	if (hol != NULL && strcmp(hol, "none") == 0)
		cfg->holidays_fi = false;
	else if (hol != NULL && strcmp(hol, "FI") != 0)
		ld_err(ld, x, _("holidays '%s' pitää olla FI tai none"), hol);

	load_extra_holidays(ld, root);

	ld_blackouts(ld, root, "", &cfg->blackouts, &cfg->nblackouts);
	load_terms(ld, root);
	ld_load_organizer(ld, root);
	ld_load_parties(ld, root);
	ld_load_groups(ld, root);
	/* before the forums: a forum's own 'invite' overrides it */
	const char *inv = ld_str(ld, root, "invite", "", false, &x);
	if (inv != NULL && strcmp(inv, "participants") == 0)
		cfg->invite = CAD_INVITE_PARTICIPANTS;
	else if (inv != NULL && strcmp(inv, "convenors") != 0)
		ld_err(ld, x, _("invite '%s' pitää olla convenors tai "
		    "participants"), inv);
	ld_load_forums(ld, root);
	load_agreement(ld, root);
	load_tasks(ld, root);

	ld_bool(ld, root, "publish_attendees", "", &cfg->publish_attendees);

	load_server(ld, root, "caldav", caldav_schemes, &cfg->caldav);
	load_server(ld, root, "smtp", smtp_schemes, &cfg->smtp);
	bool has_org = config_setting_get_member(root, "organizer") != NULL;
	if (cfg->caldav.present && !has_org)
		ld_err(ld, config_setting_get_member(root, "caldav"),
		    _("'organizer' tarvitaan, kun 'caldav' on annettu "
		    "(kutsuilla pitää olla lähettäjä)"));
	if (cfg->smtp.present && !has_org)
		ld_err(ld, config_setting_get_member(root, "smtp"),
		    _("'organizer' tarvitaan, kun 'smtp' on annettu "
		    "(kutsuilla pitää olla lähettäjä)"));
}

/* libconfig's own messages (libconfig 1.5-1.7), in the thread's language */
static const char *
parse_error_text(const char *text)
{
	static const char *const known[][2] = {
		{ "syntax error", N_("syntaksivirhe") },
		{ "file I/O error", N_("tiedostoa ei voi lukea") },
		{ "cannot open include file",
		    N_("@include-tiedostoa ei voi avata") },
		{ "include file nesting too deep",
		    N_("@include-tiedostoja on liian monta sisäkkäin") },
		{ "memory exhausted", N_("muisti loppui") },
	};

	if (text == NULL)
		return "";
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(text, known[i][0]) == 0)
			return _(known[i][1]);
	return text;
}

int
cad_config_load(const char *path, struct cad_config **out,
    struct cad_diag *diag)
{
	struct ld ld = { .path = path };
	struct cad_config *cfg = NULL;
	config_t lc;
	FILE *fp;
	int r = 0;

	*out = NULL;
	config_init(&lc);
	if ((fp = fopen(path, "r")) == NULL) {
		r = -errno;
		cad_diag_error(diag, path, 0, _("ei voi avata: %s"),
		    strerror(-r));
		goto out;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		r = -EISDIR;
		cad_diag_error(diag, path, 0, _("ei voi avata: %s"),
		    strerror(-r));
		goto out;
	}
	fclose(fp);

	cfg = cad_xcalloc(1, sizeof *cfg);
	cfg->path = cad_strdup(path);
	cfg->dir = dir_of(path);
	ld.cfg = cfg;
	config_set_include_dir(&lc, cfg->dir);
	/* libconfig 1.5 parses under a "C" LC_NUMERIC and then leaves the
	   thread on the global locale: the messages would lose the
	   thread's language (base/lang.h) */
	locale_t lang = uselocale((locale_t)0);
	int read = config_read_file(&lc, path);
	uselocale(lang);
	if (read != CONFIG_TRUE) {
		const char *file = config_error_file(&lc);
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO) {
			cad_diag_error(diag, path, 0, _("ei voi lukea: %s"),
			    config_error_text(&lc));
			r = -EIO;
			goto out;
		}
		cad_diag_error(diag, file != NULL ? file : path,
		    config_error_line(&lc), "%s",
		    parse_error_text(config_error_text(&lc)));
		r = -EINVAL;
		goto out;
	}

	load_root(&ld, config_root_setting(&lc));
	bool failed = ld.nmsgs > 0;
	ld_flush(&ld, diag);
	if (failed || cad_config_load_languages(cfg, config_root_setting(&lc),
	    path, diag) < 0) {
		r = -EINVAL;
		goto out;
	}
	ld_digest(config_root_setting(&lc), cfg->path, cfg->digest);
	*out = cfg;
	cfg = NULL;
out:
	config_destroy(&lc);
	cad_config_free(cfg);
	return r;
}

void
cad_config_free(struct cad_config *cfg)
{
	if (cfg == NULL)
		return;
	cad_config_twins_free(cfg);
	free(cfg->path);
	free(cfg->dir);
	free(cfg->timezone);
	free(cfg->domain);
	free(cfg->state_dir);
	free(cfg->listen);
	free(cfg->base_url);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->extra_holidays);
	ld_blackouts_free(cfg->blackouts, cfg->nblackouts);
	free(cfg->terms);
	free(cfg->organizer_name);
	free(cfg->organizer_email);
	for (size_t i = 0; i < cfg->nparties; i++)
		ld_party_release(&cfg->parties[i]);
	free(cfg->parties);
	for (size_t i = 0; i < cfg->ngroups; i++)
		ld_group_release(&cfg->groups[i]);
	free(cfg->groups);
	for (size_t i = 0; i < cfg->nforums; i++)
		ld_forum_release(&cfg->forums[i]);
	free(cfg->forums);
	free(cfg->agreement.title);
	free(cfg->agreement.review_by);
	free(cfg->agreement.remind_days);
	free(cfg->agreement.notify);
	for (size_t i = 0; i < cfg->ntasks; i++)
		task_release(&cfg->tasks[i]);
	free(cfg->tasks);
	free(cfg->caldav.url);
	free(cfg->caldav.user);
	free(cfg->caldav.password_file);
	free(cfg->smtp.url);
	free(cfg->smtp.user);
	free(cfg->smtp.password_file);
	free(cfg);
}

int
cad_config_party(const struct cad_config *cfg, const char *id)
{
	if (cfg == NULL || id == NULL)
		return -1;
	for (size_t i = 0; i < cfg->nparties; i++)
		if (strcmp(cfg->parties[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
cad_config_task(const struct cad_config *cfg, const char *id)
{
	for (size_t i = 0; id != NULL && i < cfg->ntasks; i++)
		if (strcmp(cfg->tasks[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
cad_config_forum(const struct cad_config *cfg, const char *id)
{
	if (cfg == NULL || id == NULL)
		return -1;
	for (size_t i = 0; i < cfg->nforums; i++)
		if (strcmp(cfg->forums[i].id, id) == 0)
			return (int)i;
	return -1;
}
