/*
 * config_ld.c - the loader's reading of the libconfig tree: problems
 * collected with their file and line and handed over in file order, and
 * the typed accessors (strings, integers, dates, ids, addresses, lists)
 * that report what is wrong with a value instead of stopping.  Used by
 * config.c, config_forum.c and config_party.c through config_load.h.
 */
#include "model/config_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/addr.h"
#include "base/text.h"

void
ld_err(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
{
	char text[1024];
	const char *file = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (s != NULL)
		file = config_setting_source_file(s);
	ld->msgs = cad_xreallocarray(ld->msgs, ld->nmsgs + 1,
	    sizeof *ld->msgs);
	struct ld_msg *m = &ld->msgs[ld->nmsgs];
	m->line = s != NULL ? (int)config_setting_source_line(s) : 0;
	m->seq = ld->nmsgs++;
	m->file = cad_strdup(file != NULL ? file : ld->path);
	m->text = cad_strdup(text);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct ld_msg *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
ld_flush(struct ld *ld, struct cad_diag *diag)
{
	if (ld->nmsgs > 1)
		qsort(ld->msgs, ld->nmsgs, sizeof *ld->msgs, msg_cmp);
	for (size_t i = 0; i < ld->nmsgs; i++) {
		const struct ld_msg *m = &ld->msgs[i], *p = m - 1;
		/* the same problem found by two readers is said once */
		if (i == 0 || p->line != m->line || strcmp(p->file, m->file)
		    != 0 || strcmp(p->text, m->text) != 0)
			cad_diag_error(diag, m->file, m->line, "%s", m->text);
	}
	for (size_t i = 0; i < ld->nmsgs; i++) {
		free(ld->msgs[i].file);
		free(ld->msgs[i].text);
	}
	free(ld->msgs);
	ld->msgs = NULL;
	ld->nmsgs = 0;
}

/* --- generic accessors ------------------------------------------------ */

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool
ld_is_seq(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

void
ld_check_keys(struct ld *ld, const config_setting_t *g, const char *ctx,
    const char *const *keys)
{
	int n = config_setting_length(g);
	for (int i = 0; i < n; i++) {
		config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(c);
		if (name != NULL && !in_list(name, keys) &&
		    !cad_config_text_twin_key(name, keys))
			ld_err(ld, c, _("%stuntematon avain '%s'"), ctx, name);
	}
}

/* member NAME of group G or NULL; a missing required one is an error */
config_setting_t *
ld_member(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required)
{
	config_setting_t *s = config_setting_get_member(g, name);
	if (s == NULL && required)
		ld_err(ld, g, _("%s'%s' puuttuu"), ctx, name);
	return s;
}

/* the string NAME of G; NULL when absent or not a string (reported) */
const char *
ld_str(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, config_setting_t **sp)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, required);
	if (sp != NULL)
		*sp = s;
	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		ld_err(ld, s, _("%s'%s' pitää olla merkkijono"), ctx, name);
		return NULL;
	}
	/* only a description may have more lines than one */
	const char *v = config_setting_get_string(s);
	char why[64];
	if (cad_text_check(v, strcmp(name, "description") == 0 ?
	    CAD_TEXT_LINES : CAD_TEXT_LINE, why) < 0) {
		ld_err(ld, s, "%s'%s': %s", ctx, name, why);
		return NULL;
	}
	return v;
}

bool
ld_is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* true and *out when NAME is present and an integer */
bool
ld_int(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, long long *out, config_setting_t **sp)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, required);
	if (sp != NULL)
		*sp = s;
	if (s == NULL)
		return false;
	if (!ld_is_int(s)) {
		ld_err(ld, s, _("%s'%s' pitää olla kokonaisluku"), ctx, name);
		return false;
	}
	*out = config_setting_get_int64(s);
	return true;
}

/* an optional integer in MIN..MAX; *out keeps its default otherwise */
void
ld_int_range(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, long long min, long long max, int *out)
{
	config_setting_t *s;
	long long v;
	if (!ld_int(ld, g, name, ctx, false, &v, &s))
		return;
	if (v < min || v > max) {
		ld_err(ld, s, _("%s'%s' pitää olla väliltä %lld-%lld"), ctx,
		    name, min, max);
		return;
	}
	*out = (int)v;
}

void
ld_bool(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool *out)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		ld_err(ld, s, _("%s'%s' pitää olla true tai false"), ctx,
		    name);
		return;
	}
	*out = config_setting_get_bool(s) != 0;
}

/* "YYYY-MM-DD" v of setting s (ctx name) within the years above, or an
   error on s */
bool
ld_parse_date(struct ld *ld, const config_setting_t *s, const char *ctx,
    const char *name, const char *v, int *out)
{
	if (cad_parse_date(v, out) < 0) {
		ld_err(ld, s, _("%s%s: virheellinen päivämäärä '%s'"), ctx,
		    name, v);
		return false;
	}
	int y = cad_year_of(*out);
	if (y < CAD_YEAR_MIN || y > CAD_YEAR_MAX) {
		ld_err(ld, s, _("%s%s: '%s' ei ole vuosien %d ja %d välillä"),
		    ctx, name, v, CAD_YEAR_MIN, CAD_YEAR_MAX);
		return false;
	}
	return true;
}

/* a "YYYY-MM-DD" setting; true and *out when present and valid */
bool
ld_date(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out)
{
	config_setting_t *s;
	const char *v = ld_str(ld, g, name, ctx, required, &s);
	return v != NULL && ld_parse_date(ld, s, ctx, name, v, out);
}

/* a list of "YYYY-MM-DD" strings */
void
ld_date_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("%s'%s' pitää olla luettelo päivämääriä"), ctx,
		    name);
		return;
	}
	int n = config_setting_length(s);
	int *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			ld_err(ld, e, _("%s'%s' pitää olla luettelo "
			    "päivämääriä"), ctx, name);
			continue;
		}
		if (ld_parse_date(ld, e, ctx, name,
		    config_setting_get_string(e), &v[k]))
			k++;
	}
	*out = v;
	*nout = k;
}

bool
ld_valid_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '_' || c == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/*
 * the address NAME of G as an RFC 5321 addr-spec with an ASCII domain
 * (malloc'd), or NULL when absent or bad (reported)
 */
char *
ld_email(struct ld *ld, const config_setting_t *g, const char *ctx,
    bool required)
{
	config_setting_t *es;
	const char *v = ld_str(ld, g, "email", ctx, required, &es);
	char why[96], *out;
	bool utf8;

	if (v == NULL)
		return NULL;
	if (cad_addr_check(v, &out, &utf8, why) < 0) {
		ld_err(ld, es, _("%svirheellinen sähköpostiosoite '%s': %s"),
		    ctx, v, why);
		return NULL;
	}
	return out;
}

const char *
ld_id(struct ld *ld, config_setting_t *e, const char *kind,
    const char *const *keys, char ctx[CTX_MAX], config_setting_t **sp)
{
	char kctx[CTX_MAX];
	snprintf(kctx, sizeof kctx, "%s: ", kind);
	const char *id = ld_str(ld, e, "id", kctx, true, sp);
	if (id != NULL)
		snprintf(ctx, CTX_MAX, "%s '%s': ", kind, id);
	else
		snprintf(ctx, CTX_MAX, "%s", kctx);
	ld_check_keys(ld, e, ctx, keys);
	if (id != NULL && !ld_valid_id(id)) {
		/* TRANSLATORS: the kind ("foorumi"), the id and the length */
		ld_err(ld, *sp, _("%1$s '%2$s': virheellinen tunniste: käytä "
		    "merkkejä a-z, 0-9, '-' ja '_', enintään %3$d merkkiä"),
		    kind, id, ID_MAX);
		return NULL;
	}
	return id;
}

int
ld_list(struct ld *ld, const config_setting_t *root, const char *name,
    bool required, const char *want, config_setting_t **sp)
{
	config_setting_t *s = ld_member(ld, root, name, "", required);
	*sp = s;
	if (s == NULL)
		return 0;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("'%s' pitää olla luettelo ryhmiä %s"), name,
		    want);
		return 0;
	}
	return config_setting_length(s);
}

void
ld_each(struct ld *ld, config_setting_t *s, const char *name,
    const char *want, void (*fn)(struct ld *, config_setting_t *))
{
	int n = s != NULL && ld_is_seq(s) ? config_setting_length(s) : 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e))
			ld_err(ld, e, _("'%s' pitää olla luettelo ryhmiä %s"),
			    name, want);
		else
			fn(ld, e);
	}
}
