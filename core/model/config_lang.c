/*
 * config_lang.c - `languages` and the language twins of text keys
 * (SPEC § 10.4).
 *
 * The text keys (name, description, location, title, reason; of the
 * organizer, the agreement, blackouts, parties and their contacts,
 * groups, forums and tasks) hold the
 * default language's text (the first of `languages`); `name_sv`,
 * `name_en`, `name_fi`, ... hold the other languages'.  The model keeps
 * its plain strings; a sorted side table maps each such string to its
 * twins, and cad_tr() gives the one for the calling thread's language.
 * Every listed language missing a twin is a warning (the default
 * language's text is shown instead).
 */
#include "model/config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const text_keys[] = { "name", "description", "location",
	"title", "reason", NULL };

struct tw {
	struct cad_config *cfg;
	struct cad_diag *diag;
	const char *path;
	int errors;
};

bool
cad_config_text_twin_key(const char *key, const char *const *keys)
{
	const char *us = strrchr(key, '_');
	enum cad_lang l;

	if (us == NULL || cad_lang_parse(us + 1, &l) < 0)
		return false;
	size_t n = (size_t)(us - key);
	for (const char *const *k = text_keys; *k != NULL; k++) {
		if (strlen(*k) != n || strncmp(*k, key, n) != 0)
			continue;
		for (; *keys != NULL; keys++)
			if (strcmp(*keys, *k) == 0)
				return true;
	}
	return false;
}

static const char *
file_of(struct tw *t, const config_setting_t *s)
{
	const char *f = s != NULL ? config_setting_source_file(s) : NULL;
	return f != NULL ? f : t->path;
}

static int
line_of(const config_setting_t *s)
{
	return s != NULL ? (int)config_setting_source_line(s) : 0;
}

static int
twin_cmp(const void *a, const void *b)
{
	const struct cad_text_twin *x = a, *y = b;
	return x->base < y->base ? -1 : x->base > y->base;
}

/* the twins of text key KEY of group G, whose parsed value is BASE */
static void
add_twins(struct tw *t, const config_setting_t *g, const char *key,
    const char *base, const char *what)
{
	struct cad_config *cfg = t->cfg;
	const config_setting_t *k = config_setting_get_member(g, key);
	struct cad_text_twin tw = { .base = base };
	bool any = false;

	if (base == NULL || k == NULL)
		return;
	for (size_t i = 1; i < cfg->nlangs; i++) {
		enum cad_lang l = cfg->langs[i];
		char name[32];
		snprintf(name, sizeof name, "%s_%s", key, cad_lang_code(l));
		const config_setting_t *v = config_setting_get_member(g, name);
		const char *s = v != NULL ? config_setting_get_string(v) : NULL;
		if (v != NULL && (s == NULL || *s == '\0')) {
			cad_diag_error(t->diag, file_of(t, v), line_of(v),
			    _("%s: '%s' pitää olla ei-tyhjä merkkijono"), what,
			    name);
			t->errors++;
		} else if (v == NULL) {
			cad_diag_warning(t->diag, file_of(t, k), line_of(k),
			    _("%s: '%s' puuttuu (kieli '%s' on lueteltu); "
			    "näytetään kielen %s teksti"), what, name,
			    cad_lang_code(l), cad_lang_code(cfg->langs[0]));
		} else {
			tw.tr[l] = cad_strdup(s);
			any = true;
		}
	}
	/* a twin of a language that is not listed is a mistake */
	for (int l = 0; l < CAD_LANG_N; l++) {
		char name[32];
		snprintf(name, sizeof name, "%s_%s", key,
		    cad_lang_code((enum cad_lang)l));
		const config_setting_t *v = config_setting_get_member(g, name);
		if (v != NULL && !cad_config_has_lang(cfg, (enum cad_lang)l)) {
			cad_diag_error(t->diag, file_of(t, v), line_of(v),
			    _("%s: '%s' on annettu, mutta kieli '%s' ei ole "
			    "luettelossa 'languages'"), what, name,
			    cad_lang_code((enum cad_lang)l));
			t->errors++;
		}
	}
	if (!any)
		return;
	cfg->twins = cad_xreallocarray(cfg->twins, cfg->ntwins + 1,
	    sizeof *cfg->twins);
	cfg->twins[cfg->ntwins++] = tw;
}

static void
blackout_twins(struct tw *t, const config_setting_t *list,
    struct cad_blackout *b, size_t nb, const char *what)
{
	int n = list != NULL ? config_setting_length(list) : 0;
	for (int i = 0; i < n && (size_t)i < nb; i++)
		add_twins(t, config_setting_get_elem(list, (unsigned)i),
		    "reason", b[i].reason, what);
}

static const config_setting_t *
by_id(const config_setting_t *list, const char *id)
{
	int n = list != NULL ? config_setting_length(list) : 0;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list,
		    (unsigned)i);
		const char *s = NULL;
		if (config_setting_lookup_string(e, "id", &s) &&
		    strcmp(s, id) == 0)
			return e;
	}
	return NULL;
}

/* the names of a party's contacts (SPEC § 10.1), in contact order */
static void
contact_twins(struct tw *t, const config_setting_t *g,
    const struct cad_party *p, const char *what)
{
	const config_setting_t *list = config_setting_get_member(g,
	    "contacts");
	int n = list != NULL ? config_setting_length(list) : 0;
	char cwhat[128];

	for (int i = 0; i < n && (size_t)i < p->ncontacts; i++) {
		snprintf(cwhat, sizeof cwhat, "%s, %s %d", what,
		    C_("config", "yhteyshenkilö"), i + 1);
		add_twins(t, config_setting_get_elem(list, (unsigned)i),
		    "name", p->contacts[i].name, cwhat);
	}
}

static void
party_twins(struct tw *t, const config_setting_t *root)
{
	const config_setting_t *list = config_setting_get_member(root,
	    "parties");
	char what[96];

	for (size_t i = 0; i < t->cfg->nparties; i++) {
		struct cad_party *p = &t->cfg->parties[i];
		const config_setting_t *g = by_id(list, p->id);
		if (g == NULL)
			continue;
		snprintf(what, sizeof what, "%s '%s'",
		    C_("config", "osapuoli"), p->id);
		add_twins(t, g, "name", p->name, what);
		add_twins(t, g, "location", p->location, what);
		contact_twins(t, g, p, what);
		blackout_twins(t, config_setting_get_member(g, "blackouts"),
		    p->blackouts, p->nblackouts, what);
	}
	list = config_setting_get_member(root, "groups");
	for (size_t i = 0; i < t->cfg->ngroups; i++) {
		const config_setting_t *g = by_id(list, t->cfg->groups[i].id);
		snprintf(what, sizeof what, "%s '%s'",
		    C_("config", "ryhmä"), t->cfg->groups[i].id);
		if (g != NULL)
			add_twins(t, g, "name", t->cfg->groups[i].name, what);
	}
}

static void
forum_twins(struct tw *t, const config_setting_t *root)
{
	const config_setting_t *list = config_setting_get_member(root,
	    "forums");
	char what[96];

	for (size_t i = 0; i < t->cfg->nforums; i++) {
		struct cad_forum *f = &t->cfg->forums[i];
		const config_setting_t *g = by_id(list, f->id);
		if (g == NULL)
			continue;
		snprintf(what, sizeof what, "%s '%s'",
		    C_("config", "foorumi"), f->id);
		add_twins(t, g, "name", f->name, what);
		add_twins(t, g, "description", f->description, what);
		add_twins(t, g, "location", f->location, what);
		blackout_twins(t, config_setting_get_member(g, "blackouts"),
		    f->blackouts, f->nblackouts, what);
	}
}

/* the tasks' names (SPEC § 10.3) */
static void
task_twins(struct tw *t, const config_setting_t *root)
{
	const config_setting_t *list = config_setting_get_member(root,
	    "tasks");
	char what[96];

	for (size_t i = 0; list != NULL && i < t->cfg->ntasks; i++) {
		const struct cad_task *k = &t->cfg->tasks[i];
		const config_setting_t *g = by_id(list, k->id);
		snprintf(what, sizeof what, "%s '%s'",
		    C_("config", "tehtävä"), k->id);
		if (g != NULL)
			add_twins(t, g, "name", k->name, what);
	}
}

/* `languages`: distinct known codes, at least one */
static void
load_languages(struct tw *t, const config_setting_t *root)
{
	struct cad_config *cfg = t->cfg;
	const config_setting_t *v = config_setting_get_member(root,
	    "languages");
	int n = v != NULL ? config_setting_length(v) : 0;

	cfg->langs[0] = CAD_LANG_FI;
	cfg->nlangs = 1;
	if (v == NULL)
		return;
	if (!config_setting_is_array(v) || n < 1) {
		cad_diag_error(t->diag, file_of(t, v), line_of(v),
		    _("'languages' pitää olla luettelo kielikoodeja, esim. [ "
		    "\"fi\", \"sv\" ]"));
		t->errors++;
		return;
	}
	cfg->nlangs = 0;
	for (int i = 0; i < n; i++) {
		const char *s = config_setting_get_string_elem(v, i);
		enum cad_lang l;
		if (s == NULL || cad_lang_parse(s, &l) < 0) {
			cad_diag_error(t->diag, file_of(t, v), line_of(v),
			    _("tuntematon kieli '%s' (fi, sv tai en)"),
			    s != NULL ? s : "?");
			t->errors++;
		} else if (cad_config_has_lang(cfg, l)) {
			cad_diag_error(t->diag, file_of(t, v), line_of(v),
			    _("kieli '%s' on luettelossa kahdesti"), s);
			t->errors++;
		} else {
			cfg->langs[cfg->nlangs++] = l;
		}
	}
	if (cfg->nlangs == 0) {
		cfg->langs[0] = CAD_LANG_FI;
		cfg->nlangs = 1;
	}
}

int
cad_config_load_languages(struct cad_config *cfg,
    const config_setting_t *root, const char *path, struct cad_diag *diag)
{
	struct tw t = { .cfg = cfg, .diag = diag, .path = path };
	const config_setting_t *g;

	load_languages(&t, root);
	/* a party without `language` reads the default language */
	for (size_t i = 0; i < cfg->nparties; i++)
		if (!cfg->parties[i].language_set)
			cfg->parties[i].language = cfg->langs[0];
	if ((g = config_setting_get_member(root, "organizer")) != NULL)
		add_twins(&t, g, "name", cfg->organizer_name, "organizer");
	if ((g = config_setting_get_member(root, "agreement")) != NULL)
		add_twins(&t, g, "title", cfg->agreement.title, "agreement");
	blackout_twins(&t, config_setting_get_member(root, "blackouts"),
	    cfg->blackouts, cfg->nblackouts, "blackouts");
	party_twins(&t, root);
	forum_twins(&t, root);
	task_twins(&t, root);
	if (cfg->ntwins > 1)
		qsort(cfg->twins, cfg->ntwins, sizeof *cfg->twins, twin_cmp);
	return t.errors > 0 ? -EINVAL : 0;
}

bool
cad_config_has_lang(const struct cad_config *cfg, enum cad_lang l)
{
	for (size_t i = 0; i < cfg->nlangs; i++)
		if (cfg->langs[i] == l)
			return true;
	return false;
}

enum cad_lang
cad_config_mail_lang(const struct cad_config *cfg, const char *email)
{
	for (size_t p = 0; email != NULL && p < cfg->nparties; p++) {
		const struct cad_party *pa = &cfg->parties[p];
		bool his = pa->email != NULL &&
		    strcasecmp(pa->email, email) == 0;
		for (size_t c = 0; !his && c < pa->ncontacts; c++)
			his = pa->contacts[c].email != NULL &&
			    strcasecmp(pa->contacts[c].email, email) == 0;
		if (his)
			return pa->language;
	}
	return cfg->nlangs > 0 ? cfg->langs[0] : CAD_LANG_FI;
}

const char *
cad_tr(const struct cad_config *cfg, const char *s)
{
	enum cad_lang l = cad_lang_current();

	if (s == NULL || cfg->nlangs == 0 || l == cfg->langs[0] ||
	    cfg->ntwins == 0)
		return s;
	struct cad_text_twin key = { .base = s };
	const struct cad_text_twin *tw = bsearch(&key, cfg->twins,
	    cfg->ntwins, sizeof *cfg->twins, twin_cmp);
	return tw != NULL && tw->tr[l] != NULL ? tw->tr[l] : s;
}

void
cad_config_twins_free(struct cad_config *cfg)
{
	for (size_t i = 0; i < cfg->ntwins; i++)
		for (int l = 0; l < CAD_LANG_N; l++)
			free(cfg->twins[i].tr[l]);
	free(cfg->twins);
	cfg->twins = NULL;
	cfg->ntwins = 0;
}

const char *
cad_config_lang_prefix(const struct cad_config *cfg)
{
	static const char *const prefixes[CAD_LANG_N] = { "fi/", "sv/", "en/" };
	enum cad_lang l = cad_lang_current();

	return cfg->nlangs == 0 || l == cfg->langs[0] ? "" : prefixes[l];
}
