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
#include "model/config.h"
#include "model/tz.h"

#include <errno.h>
#include <libconfig.h>
#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/addr.h"
#include "base/text.h"

#define ID_MAX		64
#define CTX_MAX		160

struct ld_msg {
	int line;
	size_t seq;
	char *file;
	char *text;
};

/* the loader's state while one file is read */
struct ld {
	const char *path;
	struct cad_config *cfg;
	struct ld_msg *msgs;
	size_t nmsgs;
};

/* the words of the cadence phrases (cad_config_cadence), translated */
static const char *const month_of[12] = {
	NC_("month, genitive (lokakuun 2. tiistai)", "tammikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "helmikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "maaliskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "huhtikuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "toukokuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "kesäkuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "heinäkuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "elokuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "syyskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "lokakuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "marraskuun"),
	NC_("month, genitive (lokakuun 2. tiistai)", "joulukuun"),
};
static const char *const month_in[12] = {
	NC_("in a month", "tammikuussa"), NC_("in a month", "helmikuussa"),
	NC_("in a month", "maaliskuussa"), NC_("in a month", "huhtikuussa"),
	NC_("in a month", "toukokuussa"), NC_("in a month", "kesäkuussa"),
	NC_("in a month", "heinäkuussa"), NC_("in a month", "elokuussa"),
	NC_("in a month", "syyskuussa"), NC_("in a month", "lokakuussa"),
	NC_("in a month", "marraskuussa"), NC_("in a month", "joulukuussa"),
};
static const char *const weekday_name[] = {
	NC_("weekday after an ordinal (2. tiistai)", "maanantai"),
	NC_("weekday after an ordinal (2. tiistai)", "tiistai"),
	NC_("weekday after an ordinal (2. tiistai)", "keskiviikko"),
	NC_("weekday after an ordinal (2. tiistai)", "torstai"),
	NC_("weekday after an ordinal (2. tiistai)", "perjantai"),
	NC_("weekday after an ordinal (2. tiistai)", "lauantai"),
	NC_("weekday after an ordinal (2. tiistai)", "sunnuntai"),
};
static const char *const weekday_adverb[] = {
	NC_("every weekday", "maanantaisin"),
	NC_("every weekday", "tiistaisin"),
	NC_("every weekday", "keskiviikkoisin"),
	NC_("every weekday", "torstaisin"),
	NC_("every weekday", "perjantaisin"),
	NC_("every weekday", "lauantaisin"),
	NC_("every weekday", "sunnuntaisin"),
};
static const char *const ordinal[5] = {
	NC_("ordinal of a weekday in a month", "1."),
	NC_("ordinal of a weekday in a month", "2."),
	NC_("ordinal of a weekday in a month", "3."),
	NC_("ordinal of a weekday in a month", "4."),
	NC_("ordinal of a weekday in a month", "5."),
};
static const char *const weekday_code[] = { "MO", "TU", "WE", "TH", "FR",
	"SA", "SU" };

static void ld_err(struct ld *, const config_setting_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
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

/* hands the collected messages to DIAG, in the order of the file */
static void
ld_flush(struct ld *ld, struct cad_diag *diag)
{
	if (ld->nmsgs > 1)
		qsort(ld->msgs, ld->nmsgs, sizeof *ld->msgs, msg_cmp);
	for (size_t i = 0; i < ld->nmsgs; i++) {
		cad_diag_error(diag, ld->msgs[i].file, ld->msgs[i].line, "%s",
		    ld->msgs[i].text);
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

static bool
is_seq(const config_setting_t *s)
{
	return config_setting_is_array(s) || config_setting_is_list(s);
}

static void
check_keys(struct ld *ld, const config_setting_t *g, const char *ctx,
    const char *const *keys)
{
	int n = config_setting_length(g);
	for (int i = 0; i < n; i++) {
		config_setting_t *c = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(c);
		if (name != NULL && !in_list(name, keys) &&
		    !cad_config_text_twin_key(name, keys))
			ld_err(ld, c, "%sunknown key '%s'", ctx, name);
	}
}

/* member NAME of group G or NULL; a missing required one is an error */
static config_setting_t *
member(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required)
{
	config_setting_t *s = config_setting_get_member(g, name);
	if (s == NULL && required)
		ld_err(ld, g, "%s'%s' is missing", ctx, name);
	return s;
}

/* the string NAME of G; NULL when absent or not a string (reported) */
static const char *
get_str(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, config_setting_t **sp)
{
	config_setting_t *s = member(ld, g, name, ctx, required);
	if (sp != NULL)
		*sp = s;
	if (s == NULL)
		return NULL;
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		ld_err(ld, s, "%s'%s' must be a string", ctx, name);
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

static bool
is_int(const config_setting_t *s)
{
	int t = config_setting_type(s);
	return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64;
}

/* true and *out when NAME is present and an integer */
static bool
get_int(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, long long *out, config_setting_t **sp)
{
	config_setting_t *s = member(ld, g, name, ctx, required);
	if (sp != NULL)
		*sp = s;
	if (s == NULL)
		return false;
	if (!is_int(s)) {
		ld_err(ld, s, "%s'%s' must be an integer", ctx, name);
		return false;
	}
	*out = config_setting_get_int64(s);
	return true;
}

/* an optional integer in MIN..MAX; *out keeps its default otherwise */
static void
get_int_range(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, long long min, long long max, int *out)
{
	config_setting_t *s;
	long long v;
	if (!get_int(ld, g, name, ctx, false, &v, &s))
		return;
	if (v < min || v > max) {
		ld_err(ld, s, "%s'%s' must be between %lld and %lld", ctx,
		    name, min, max);
		return;
	}
	*out = (int)v;
}

static void
get_bool(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool *out)
{
	config_setting_t *s = member(ld, g, name, ctx, false);
	if (s == NULL)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		ld_err(ld, s, "%s'%s' must be true or false", ctx, name);
		return;
	}
	*out = config_setting_get_bool(s) != 0;
}

/* dates far from now only cost planning time (found by tests/fuzz) */
#define CONFIG_YEAR_MIN	1900
#define CONFIG_YEAR_MAX	2199

/* "YYYY-MM-DD" v of setting s (ctx name) within the years above, or an
   error on s */
static bool
parse_date(struct ld *ld, const config_setting_t *s, const char *ctx,
    const char *name, const char *v, int *out)
{
	if (cad_parse_date(v, out) < 0) {
		ld_err(ld, s, "%s%s: bad date '%s'", ctx, name, v);
		return false;
	}
	int y = cad_year_of(*out);
	if (y < CONFIG_YEAR_MIN || y > CONFIG_YEAR_MAX) {
		ld_err(ld, s, "%s%s: '%s' is not between %d and %d", ctx,
		    name, v, CONFIG_YEAR_MIN, CONFIG_YEAR_MAX);
		return false;
	}
	return true;
}

/* a "YYYY-MM-DD" setting; true and *out when present and valid */
static bool
get_date(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out)
{
	config_setting_t *s;
	const char *v = get_str(ld, g, name, ctx, required, &s);
	return v != NULL && parse_date(ld, s, ctx, name, v, out);
}

/* a list of "YYYY-MM-DD" strings */
static void
get_date_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout)
{
	config_setting_t *s = member(ld, g, name, ctx, false);
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "%s'%s' must be a list of dates", ctx, name);
		return;
	}
	int n = config_setting_length(s);
	int *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			ld_err(ld, e, "%s'%s' must be a list of dates", ctx,
			    name);
			continue;
		}
		if (parse_date(ld, e, ctx, name,
		    config_setting_get_string(e), &v[k]))
			k++;
	}
	*out = v;
	*nout = k;
}

static bool
valid_id(const char *s)
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
static char *
get_email(struct ld *ld, const config_setting_t *g, const char *ctx,
    bool required)
{
	config_setting_t *es;
	const char *v = get_str(ld, g, "email", ctx, required, &es);
	char why[96], *out;
	bool utf8;

	if (v == NULL)
		return NULL;
	if (cad_addr_check(v, &out, &utf8, why) < 0) {
		ld_err(ld, es, "%sbad e-mail address '%s': %s", ctx, v, why);
		return NULL;
	}
	return out;
}

/* hostname-ish: letters, digits, '-' and '.', labels not empty */
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

/* --- party references ------------------------------------------------- */

/* an optional single party id; *out = index or -1 */
static void
get_party(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out)
{
	config_setting_t *s;
	const char *id = get_str(ld, g, name, ctx, required, &s);
	*out = -1;
	if (id == NULL)
		return;
	*out = cad_config_party(ld->cfg, id);
	if (*out < 0)
		ld_err(ld, s, "%sunknown party '%s'", ctx, id);
}

/* a list of party ids, each known and listed once; *sp = the setting */
static void
get_party_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout, config_setting_t **sp)
{
	config_setting_t *s = member(ld, g, name, ctx, false);
	*sp = s;
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "%s'%s' must be a list of party ids", ctx, name);
		return;
	}
	int n = config_setting_length(s);
	int *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			ld_err(ld, e, "%s'%s' must be a list of party ids",
			    ctx, name);
			continue;
		}
		const char *id = config_setting_get_string(e);
		int idx = cad_config_party(ld->cfg, id);
		if (idx < 0) {
			ld_err(ld, e, "%sunknown party '%s'", ctx, id);
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup = dup || v[j] == idx;
		if (dup) {
			ld_err(ld, e, "%sparty '%s' is listed twice in '%s'",
			    ctx, id, name);
			continue;
		}
		v[k++] = idx;
	}
	*out = v;
	*nout = k;
}

/* --- blackouts ----------------------------------------------------------- */

static void
blackouts_free(struct cad_blackout *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].reason);
	free(b);
}

static void
get_blackouts(struct ld *ld, const config_setting_t *g, const char *ctx,
    struct cad_blackout **out, size_t *nout)
{
	static const char *const keys[] = { "from", "to", "reason", NULL };
	config_setting_t *s = member(ld, g, "blackouts", ctx, false);
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "%s'blackouts' must be a list of "
		    "{ from = \"MM-DD\"; to = \"MM-DD\"; } groups", ctx);
		return;
	}
	int n = config_setting_length(s);
	struct cad_blackout *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	char bctx[CTX_MAX + 16];
	snprintf(bctx, sizeof bctx, "%sblackout: ", ctx);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "%s'blackouts' must be a list of "
			    "{ from = \"MM-DD\"; to = \"MM-DD\"; } groups", ctx);
			continue;
		}
		check_keys(ld, e, bctx, keys);
		config_setting_t *fs, *ts;
		const char *from = get_str(ld, e, "from", bctx, true, &fs);
		const char *to = get_str(ld, e, "to", bctx, true, &ts);
		const char *reason = get_str(ld, e, "reason", bctx, false,
		    NULL);
		bool ok = from != NULL && to != NULL;
		if (from != NULL && cad_parse_monthday(from, &v[k].from_md)) {
			ld_err(ld, fs, "%sbad day '%s' (want MM-DD)", bctx,
			    from);
			ok = false;
		}
		if (to != NULL && cad_parse_monthday(to, &v[k].to_md)) {
			ld_err(ld, ts, "%sbad day '%s' (want MM-DD)", bctx, to);
			ok = false;
		}
		if (!ok)
			continue;
		v[k++].reason = cad_strdup(reason);
	}
	*out = v;
	*nout = k;
}

/* --- top-level pieces --------------------------------------------------- */

static void
load_http(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "listen", "base_url", NULL };
	struct cad_config *cfg = ld->cfg;
	const char *listen = NULL, *base = NULL;
	config_setting_t *s = member(ld, root, "http", "", false);

	if (s != NULL && !config_setting_is_group(s)) {
		ld_err(ld, s, "'http' must be a group { listen = ...; }");
		s = NULL;
	}
	if (s != NULL) {
		config_setting_t *ls, *bs;
		check_keys(ld, s, "http: ", keys);
		listen = get_str(ld, s, "listen", "http: ", false, &ls);
		if (listen != NULL && !valid_listen(listen)) {
			ld_err(ld, ls, "http: listen '%s' is not HOST:PORT "
			    "with a port 1-65535", listen);
			listen = NULL;
		}
		base = get_str(ld, s, "base_url", "http: ", false, &bs);
		if (base != NULL && !has_prefix(base, "http://") &&
		    !has_prefix(base, "https://")) {
			ld_err(ld, bs, "http: base_url '%s' must start with "
			    "http:// or https://", base);
			base = NULL;
		}
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
	config_setting_t *s = member(ld, root, "council_terms", "", false);
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "'council_terms' must be a list of "
		    "{ start = ...; end = ...; } groups");
		return;
	}
	int n = config_setting_length(s);
	struct term_line *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "'council_terms' must be a list of "
			    "{ start = ...; end = ...; } groups");
			continue;
		}
		check_keys(ld, e, ctx, keys);
		bool ok = get_date(ld, e, "start", ctx, true, &v[k].t.start);
		ok = get_date(ld, e, "end", ctx, true, &v[k].t.end) && ok;
		if (!ok)
			continue;
		if (v[k].t.start > v[k].t.end) {
			char a[11], b[11];
			cad_format_date(v[k].t.start, a);
			cad_format_date(v[k].t.end, b);
			ld_err(ld, e, "council term: start '%s' is after end "
			    "'%s'", a, b);
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
			ld_err(ld, v[i].s, "council terms '%s'..'%s' and "
			    "'%s'..'%s' overlap", a, b, c, d);
			continue;
		}
		cfg->terms[cfg->nterms++] = v[i].t;
	}
	free(v);
}

static void
load_organizer(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "email", NULL };
	const char *ctx = "organizer: ";
	config_setting_t *s = member(ld, root, "organizer", "", false);
	if (s == NULL)
		return;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, "'organizer' must be a group "
		    "{ name = ...; email = ...; }");
		return;
	}
	check_keys(ld, s, ctx, keys);
	const char *name = get_str(ld, s, "name", ctx, true, NULL);
	char *email = get_email(ld, s, ctx, true);
	if (name != NULL && email != NULL) {
		ld->cfg->organizer_name = cad_strdup(name);
		ld->cfg->organizer_email = email;
	} else {
		free(email);
	}
}

static void
party_release(struct cad_party *p)
{
	free(p->id);
	free(p->name);
	free(p->email);
	blackouts_free(p->blackouts, p->nblackouts);
	memset(p, 0, sizeof *p);
}

static void
load_parties(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "id", "name", "email",
		"blackouts", NULL };
	struct cad_config *cfg = ld->cfg;
	config_setting_t *s = member(ld, root, "parties", "", true);
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "'parties' must be a list of "
		    "{ id = ...; name = ...; } groups");
		return;
	}
	int n = config_setting_length(s);
	if (n == 0)
		ld_err(ld, s, "'parties' is empty");
	cfg->parties = cad_xcalloc((size_t)n, sizeof *cfg->parties);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		config_setting_t *is;
		char ctx[CTX_MAX];
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "'parties' must be a list of "
			    "{ id = ...; name = ...; } groups");
			continue;
		}
		const char *id = get_str(ld, e, "id", "party: ", true, &is);
		if (id != NULL)
			snprintf(ctx, sizeof ctx, "party '%s': ", id);
		else
			snprintf(ctx, sizeof ctx, "party: ");
		check_keys(ld, e, ctx, keys);
		bool ok = id != NULL;
		if (id != NULL && !valid_id(id)) {
			ld_err(ld, is, "bad party id '%s': use a-z, 0-9, '-' "
			    "and '_', at most %d characters", id, ID_MAX);
			ok = false;
		} else if (id != NULL && cad_config_party(cfg, id) >= 0) {
			ld_err(ld, is, "duplicate party id '%s'", id);
			ok = false;
		}
		struct cad_party *p = &cfg->parties[cfg->nparties];
		const char *name = get_str(ld, e, "name", ctx, true, NULL);
		p->id = cad_strdup(id);
		p->name = cad_strdup(name != NULL ? name : "");
		p->email = get_email(ld, e, ctx, false);
		p->line = config_setting_source_line(e);
		get_blackouts(ld, e, ctx, &p->blackouts, &p->nblackouts);
		if (ok)
			cfg->nparties++;
		else
			party_release(p);
	}
}

/* --- forums ------------------------------------------------------------- */

static const char *
rrule_problem(const char *rule)
{
	struct icalrecurrencetype r;
	const char *why = NULL;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (icalerrno != ICAL_NO_ERROR) {
		why = "not an RFC 5545 recurrence rule";
		goto out;
	}
	switch (r.freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE:
		break;
	case ICAL_NO_RECURRENCE:
		why = "FREQ is missing";
		goto out;
	default:
		why = "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY "
		    "(meetings are planned in days)";
		goto out;
	}
	for (int i = 0; i < ICAL_BY_MONTH_SIZE &&
	    r.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		if (r.by_month[i] < 1 || r.by_month[i] > 12) {
			why = "BYMONTH must be 1-12";
			goto out;
		}
	}
	for (int i = 0; i < ICAL_BY_HOUR_SIZE &&
	    r.by_hour[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		why = "BYHOUR, BYMINUTE and BYSECOND are not supported "
		    "(use 'time')";
		goto out;
	}
	if (r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
	    r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX) {
		why = "BYHOUR, BYMINUTE and BYSECOND are not supported "
		    "(use 'time')";
		goto out;
	}
	/* RFC 5545 3.3.10: a numbered BYDAY only with MONTHLY or YEARLY,
	   within the month or the year; libical takes seconds to refuse
	   large numbers (found by tests/fuzz) */
	bool in_month = r.freq == ICAL_MONTHLY_RECURRENCE ||
	    r.by_month[0] != ICAL_RECURRENCE_ARRAY_MAX;
	for (int i = 0; i < ICAL_BY_DAY_SIZE &&
	    r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
		int pos = icalrecurrencetype_day_position(r.by_day[i]);
		if (pos == 0)
			continue;
		if (r.freq != ICAL_MONTHLY_RECURRENCE &&
		    r.freq != ICAL_YEARLY_RECURRENCE) {
			why = "a numbered BYDAY (such as 2TU) needs FREQ=MONTHLY "
			    "or FREQ=YEARLY";
			goto out;
		}
		if (in_month ? pos < -5 || pos > 5 : pos < -53 || pos > 53) {
			why = in_month ? "BYDAY numbers within a month are "
			    "-5..5" : "BYDAY numbers within a year are -53..53";
			goto out;
		}
	}
	/* libical refuses some rules only when asked to expand them */
	struct icaltimetype start = icaltime_from_string("20260101T090000");
	icalrecur_iterator *it = icalrecur_iterator_new(r, start);
	if (it == NULL)
		why = "libical cannot expand it";
	else
		icalrecur_iterator_free(it);
out:
	if (r.rscale != NULL)
		icalmemory_free_buffer(r.rscale);
	icalerror_clear_errno();
	return why;
}

static void
forum_release(struct cad_forum *f)
{
	free(f->id);
	free(f->name);
	free(f->legal_basis);
	free(f->location);
	free(f->description);
	free(f->participants);
	free(f->for_each);
	free(f->rrule);
	blackouts_free(f->blackouts, f->nblackouts);
	memset(f, 0, sizeof *f);
}

static int
weekday_of_code(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strcmp(s, weekday_code[i]) == 0)
			return i;
	return -1;
}

static void
load_per_term(struct ld *ld, config_setting_t *s, const char *fctx,
    struct cad_forum *f)
{
	static const char *const keys[] = { "year", "month", "weekday",
		"week", NULL };
	char ctx[CTX_MAX + 16];
	config_setting_t *x;
	long long v;

	snprintf(ctx, sizeof ctx, "%sper_term: ", fctx);
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, "%s'per_term' must be a group { year = ...; "
		    "month = ...; weekday = ...; week = ...; }", fctx);
		return;
	}
	check_keys(ld, s, ctx, keys);
	f->has_per_term = true;
	if (get_int(ld, s, "year", ctx, true, &v, &x)) {
		if (v < 1 || v > 100)
			ld_err(ld, x, "%s'year' must be 1 or more (1 = the "
			    "first year of the term)", ctx);
		else
			f->per_term.year = (int)v;
	}
	if (get_int(ld, s, "month", ctx, true, &v, &x)) {
		if (v < 1 || v > 12)
			ld_err(ld, x, "%s'month' must be between 1 and 12",
			    ctx);
		else
			f->per_term.month = (int)v;
	}
	const char *wd = get_str(ld, s, "weekday", ctx, true, &x);
	if (wd != NULL) {
		f->per_term.weekday = weekday_of_code(wd);
		if (f->per_term.weekday < 0)
			ld_err(ld, x, "%sweekday '%s' must be one of MO, TU, "
			    "WE, TH, FR, SA, SU", ctx, wd);
	}
	if (get_int(ld, s, "week", ctx, true, &v, &x)) {
		if ((v < 1 || v > 5) && v != -1)
			ld_err(ld, x, "%s'week' must be 1-5, or -1 for the "
			    "last", ctx);
		else
			f->per_term.week = (int)v;
	}
}

/*
 * A forum's time of day that a DST change skips or repeats (03:30 in
 * Europe/Helsinki on the last Sunday of March or October): readers
 * disagree by an hour on such a meeting (SPEC § 10.6), so it is refused.
 */
static void
check_dst_time(struct ld *ld, const config_setting_t *x, const char *ctx,
    const char *t, int minutes)
{
	const char *tz = ld->cfg->timezone;
	enum cad_tz_local k;
	char when[32];
	int day = 0, y, m, d;

	if (tz == NULL || *tz == '\0')
		return;
	k = cad_tz_time_kind(tz, minutes, &day);
	if (k == CAD_TZ_LOCAL_OK)
		return;
	cad_civil_from_days(day, &y, &m, &d);
	snprintf(when, sizeof when, "%d.%d.%d", d, m, y);
	ld_err(ld, x, "%stime '%s' %s in %s on the days the clocks %s "
	    "(e.g. %s); choose another time", ctx, t,
	    k == CAD_TZ_LOCAL_SKIPPED ? "does not exist" : "occurs twice", tz,
	    k == CAD_TZ_LOCAL_SKIPPED ? "go forward" : "go back", when);
}

static void
load_forum(struct ld *ld, config_setting_t *e)
{
	static const char *const keys[] = { "id", "name", "legal_basis",
		"location", "description", "convenor", "first_convenor",
		"participants", "for_each", "spread", "rrule", "per_term",
		"start", "time", "duration", "on_holiday", "minimum",
		"blackouts", NULL };
	static const char *const holiday_names[] = { "next", "previous",
		"skip", "keep", NULL };
	struct cad_config *cfg = ld->cfg;
	struct cad_forum *f = &cfg->forums[cfg->nforums];
	config_setting_t *is, *x, *fe, *ps;
	char ctx[CTX_MAX];
	long long v;

	memset(f, 0, sizeof *f);
	f->first_convenor = -1;
	f->convenor = -1;
	f->start = CAD_NODAY;
	f->line = config_setting_source_line(e);

	const char *id = get_str(ld, e, "id", "forum: ", true, &is);
	if (id != NULL)
		snprintf(ctx, sizeof ctx, "forum '%s': ", id);
	else
		snprintf(ctx, sizeof ctx, "forum: ");
	check_keys(ld, e, ctx, keys);
	bool ok = id != NULL;
	if (id != NULL && !valid_id(id)) {
		ld_err(ld, is, "bad forum id '%s': use a-z, 0-9, '-' and "
		    "'_', at most %d characters", id, ID_MAX);
		ok = false;
	} else if (id != NULL && cad_config_forum(cfg, id) >= 0) {
		ld_err(ld, is, "duplicate forum id '%s'", id);
		ok = false;
	}
	f->id = cad_strdup(id);
	const char *name = get_str(ld, e, "name", ctx, true, NULL);
	f->name = cad_strdup(name != NULL ? name : "");
	f->legal_basis = cad_strdup(get_str(ld, e, "legal_basis", ctx, false,
	    NULL));
	f->location = cad_strdup(get_str(ld, e, "location", ctx, false, NULL));
	f->description = cad_strdup(get_str(ld, e, "description", ctx, false,
	    NULL));

	get_party(ld, e, "convenor", ctx, true, &f->convenor);
	get_party(ld, e, "first_convenor", ctx, false, &f->first_convenor);
	get_party_list(ld, e, "participants", ctx, &f->participants,
	    &f->nparticipants, &x);
	get_party_list(ld, e, "for_each", ctx, &f->for_each, &f->nfor_each,
	    &fe);
	if (fe != NULL && is_seq(fe) && config_setting_length(fe) == 0)
		ld_err(ld, fe, "%s'for_each' is empty", ctx);
	get_bool(ld, e, "spread", ctx, &f->spread);
	if (f->spread && fe == NULL)
		ld_err(ld, member(ld, e, "spread", ctx, false),
		    "%s'spread' needs 'for_each'", ctx);
	if (fe != NULL && config_setting_get_member(e, "first_convenor"))
		ld_err(ld, config_setting_get_member(e, "first_convenor"),
		    "%s'first_convenor' cannot be used with 'for_each'", ctx);

	const char *rrule = get_str(ld, e, "rrule", ctx, false, &x);
	ps = config_setting_get_member(e, "per_term");
	if (x != NULL && ps != NULL) {
		ld_err(ld, ps, "%sgive either 'rrule' or 'per_term', not "
		    "both", ctx);
	} else if (x == NULL && ps == NULL) {
		ld_err(ld, e, "%s'rrule' or 'per_term' is missing", ctx);
	}
	if (rrule != NULL) {
		const char *why = rrule_problem(rrule);
		if (why != NULL)
			ld_err(ld, x, "%sbad rrule '%s': %s", ctx, rrule, why);
		f->rrule = cad_strdup(rrule);
	}
	if (ps != NULL) {
		load_per_term(ld, ps, ctx, f);
		if (cfg->nterms == 0)
			ld_err(ld, ps, "%s'per_term' needs 'council_terms'",
			    ctx);
	}

	get_date(ld, e, "start", ctx, false, &f->start);
	const char *t = get_str(ld, e, "time", ctx, true, &x);
	if (t != NULL && cad_parse_time(t, &f->time) < 0)
		ld_err(ld, x, "%stime '%s' is not HH:MM", ctx, t);
	else if (t != NULL)
		check_dst_time(ld, x, ctx, t, f->time);
	if (get_int(ld, e, "duration", ctx, true, &v, &x)) {
		if (v < 1)
			ld_err(ld, x, "%sduration must be a positive number "
			    "of minutes", ctx);
		else if (v > 1440)
			ld_err(ld, x, "%sduration must be at most 1440 "
			    "minutes (one day)", ctx);
		else
			f->duration = (int)v;
	}
	const char *oh = get_str(ld, e, "on_holiday", ctx, false, &x);
	if (oh != NULL) {
		int i;
		for (i = 0; holiday_names[i] != NULL; i++)
			if (strcmp(oh, holiday_names[i]) == 0)
				break;
		if (holiday_names[i] == NULL)
			ld_err(ld, x, "%son_holiday '%s' must be next, "
			    "previous, skip or keep", ctx, oh);
		else
			f->on_holiday = (enum cad_on_holiday)i;
	}
	const char *min = get_str(ld, e, "minimum", ctx, false, &x);
	if (min != NULL) {
		if (strcmp(min, "year") == 0) {
			f->minimum = CAD_MINIMUM_YEAR;
		} else if (strcmp(min, "term") == 0) {
			f->minimum = CAD_MINIMUM_TERM;
			if (cfg->nterms == 0)
				ld_err(ld, x, "%sminimum 'term' needs "
				    "'council_terms'", ctx);
		} else {
			ld_err(ld, x, "%sminimum '%s' must be year or term",
			    ctx, min);
		}
	}
	get_blackouts(ld, e, ctx, &f->blackouts, &f->nblackouts);
	if (ok)
		cfg->nforums++;
	else
		forum_release(f);
}

static void
load_forums(struct ld *ld, const config_setting_t *root)
{
	config_setting_t *s = member(ld, root, "forums", "", true);
	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "'forums' must be a list of "
		    "{ id = ...; name = ...; } groups");
		return;
	}
	int n = config_setting_length(s);
	ld->cfg->forums = cad_xcalloc((size_t)n, sizeof *ld->cfg->forums);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "'forums' must be a list of "
			    "{ id = ...; name = ...; } groups");
			continue;
		}
		load_forum(ld, e);
	}
}

/* --- agreement and servers ---------------------------------------------- */

/* a list of whole days (remind_days); true when present */
static bool
get_offsets(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout)
{
	config_setting_t *x = member(ld, g, name, ctx, false);

	if (x == NULL)
		return false;
	if (!is_seq(x)) {
		ld_err(ld, x, "%s'%s' must be a list of numbers of days", ctx,
		    name);
		return false;
	}
	int n = config_setting_length(x);
	*out = cad_xcalloc((size_t)n + 1, sizeof(int));
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(x, (unsigned)i);
		long long d = is_int(e) ? config_setting_get_int64(e) : -1;
		if (d < 0 || d > 3650) {
			ld_err(ld, e, "%s'%s' values must be whole days "
			    "between 0 and 3650", ctx, name);
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
	config_setting_t *s = member(ld, root, "agreement", "", false);
	config_setting_t *x;

	a->notice_months = 12;
	a->renew_within_months = 12;
	if (s == NULL)
		goto defaults;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, "'agreement' must be a group { title = ...; }");
		goto defaults;
	}
	check_keys(ld, s, ctx, keys);
	a->present = true;
	a->line = config_setting_source_line(s);
	const char *title = get_str(ld, s, "title", ctx, true, NULL);
	a->title = cad_strdup(title != NULL ? title : "");
	get_date(ld, s, "effective", ctx, true, &a->effective);
	get_int_range(ld, s, "notice_months", ctx, 0, 120, &a->notice_months);
	get_int_range(ld, s, "renew_within_months", ctx, 0, 120,
	    &a->renew_within_months);
	get_date_list(ld, s, "review_by", ctx, &a->review_by, &a->nreview_by);
	get_party_list(ld, s, "notify", ctx, &a->notify, &a->nnotify, &x);

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
		ld_err(ld, s, "%s'per_term' must be a group { year = ...; "
		    "month = ...; day = ...; }", tctx);
		return;
	}
	check_keys(ld, s, ctx, keys);
	t->has_per_term = true;
	t->per_term = (struct cad_task_term){ 1, 1, 1 };
	member(ld, s, "year", ctx, true);
	member(ld, s, "month", ctx, true);
	member(ld, s, "day", ctx, true);
	get_int_range(ld, s, "year", ctx, 1, 10, &t->per_term.year);
	get_int_range(ld, s, "month", ctx, 1, 12, &t->per_term.month);
	get_int_range(ld, s, "day", ctx, 1, 31, &t->per_term.day);
}

/* a list of role names (remind_roles) */
static void
get_roles(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, char ***out, size_t *nout)
{
	config_setting_t *s = member(ld, g, name, ctx, false);

	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "%s'%s' must be a list of role names", ctx, name);
		return;
	}
	int n = config_setting_length(s);
	*out = cad_xcalloc((size_t)n + 1, sizeof **out);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING ?
		    config_setting_get_string(e) : NULL;
		if (v == NULL || !valid_id(v)) {
			ld_err(ld, e, "%s'%s' must be a list of role names "
			    "(a-z, 0-9, '-', '_')", ctx, name);
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

	const char *id = get_str(ld, e, "id", "task: ", true, &is);
	if (id != NULL)
		snprintf(ctx, sizeof ctx, "task '%s': ", id);
	else
		snprintf(ctx, sizeof ctx, "task: ");
	check_keys(ld, e, ctx, keys);
	bool ok = id != NULL;
	if (id != NULL && !valid_id(id)) {
		ld_err(ld, is, "bad task id '%s': use a-z, 0-9, '-' and '_', "
		    "at most %d characters", id, ID_MAX);
		ok = false;
	} else if (id != NULL && cad_config_task(ld->cfg, id) >= 0) {
		ld_err(ld, is, "duplicate task id '%s'", id);
		ok = false;
	}
	t->id = cad_strdup(id);
	t->line = config_setting_source_line(e);
	const char *name = get_str(ld, e, "name", ctx, true, NULL);
	t->name = cad_strdup(name != NULL ? name : "");
	t->legal_basis = cad_strdup(get_str(ld, e, "legal_basis", ctx, false,
	    NULL));
	get_party_list(ld, e, "owners", ctx, &t->owners, &t->nowners, &x);
	if (x == NULL)
		ld_err(ld, e, "%s'owners' is missing", ctx);
	else if (is_seq(x) && config_setting_length(x) == 0)
		ld_err(ld, x, "%s'owners' is empty", ctx);

	config_setting_t *ds, *ps = member(ld, e, "per_term", ctx, false);
	const char *due = get_str(ld, e, "due", ctx, false, &ds);
	if (ds != NULL && ps != NULL)
		ld_err(ld, ps, "%sgive either 'due' or 'per_term', not both",
		    ctx);
	else if (ds == NULL && ps == NULL)
		ld_err(ld, e, "%s'due' (MM-DD, every year) or 'per_term' is "
		    "missing", ctx);
	if (due != NULL && cad_parse_monthday(due, &t->due_md) < 0)
		ld_err(ld, ds, "%sbad due day '%s' (want MM-DD)", ctx, due);
	if (ps != NULL && ds == NULL)
		load_task_term(ld, ps, ctx, t);

	t->start = CAD_NODAY;
	get_date(ld, e, "start", ctx, false, &t->start);
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
	config_setting_t *s = member(ld, root, "tasks", "", false);

	if (s == NULL)
		return;
	if (!is_seq(s)) {
		ld_err(ld, s, "'tasks' must be a list of "
		    "{ id = ...; name = ...; owners = [...]; } groups");
		return;
	}
	int n = config_setting_length(s);
	cfg->tasks = cad_xcalloc((size_t)n + 1, sizeof *cfg->tasks);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct cad_task *t = &cfg->tasks[cfg->ntasks];
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "'tasks' must be a list of "
			    "{ id = ...; name = ...; owners = [...]; } groups");
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
	config_setting_t *s = member(ld, root, name, "", false);
	config_setting_t *us;

	if (s == NULL)
		return;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, "'%s' must be a group { url = ...; }", name);
		return;
	}
	snprintf(ctx, sizeof ctx, "%s: ", name);
	check_keys(ld, s, ctx, keys);
	srv->present = true;
	srv->line = config_setting_source_line(s);
	const char *url = get_str(ld, s, "url", ctx, true, &us);
	if (url != NULL) {
		bool ok = false;
		for (const char *const *p = schemes; *p != NULL; p++)
			ok = ok || (has_prefix(url, *p) &&
			    url[strlen(*p)] != '\0');
		if (!ok)
			ld_err(ld, us, "%surl '%s' must start with %s or %s",
			    ctx, url, schemes[0], schemes[1]);
		/* CalDAV objects are PUT to url + "<uid>.ics" */
		srv->url = strcmp(name, "caldav") == 0 ? with_slash(url) :
		    cad_strdup(url);
	}
	const char *user = get_str(ld, s, "user", ctx, false, NULL);
	srv->user = cad_strdup(user != NULL ? user : "");
	const char *pf = get_str(ld, s, "password_file", ctx, false, NULL);
	srv->password_file = pf == NULL || *pf == '\0' ? cad_strdup("") :
	    resolve(ld->cfg->dir, pf);
}

/* --- the file ------------------------------------------------------------ */

static void
load_root(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "timezone", "domain",
		"state_dir", "horizon_days", "http", "holidays",
		"extra_holidays", "blackouts", "council_terms", "organizer",
		"parties", "forums", "agreement", "tasks", "invite",
		"publish_attendees", "caldav", "smtp", "languages", NULL };
	static const char *const caldav_schemes[] = { "http://", "https://",
		NULL };
	static const char *const smtp_schemes[] = { "smtp://", "smtps://",
		NULL };
	struct cad_config *cfg = ld->cfg;
	config_setting_t *x;

	check_keys(ld, root, "", keys);

	const char *tz = get_str(ld, root, "timezone", "", true, &x);
	if (tz != NULL && icaltimezone_get_builtin_timezone(tz) == NULL)
		ld_err(ld, x, "unknown time zone '%s'", tz);
	cfg->timezone = cad_strdup(tz != NULL ? tz : "");

	const char *domain = get_str(ld, root, "domain", "", true, &x);
	if (domain != NULL && !valid_domain(domain))
		ld_err(ld, x, "domain '%s' is not a host name", domain);
	cfg->domain = cad_strdup(domain != NULL ? domain : "");

	const char *sd = get_str(ld, root, "state_dir", "", false, &x);
	if (sd != NULL && *sd == '\0') {
		ld_err(ld, x, "'state_dir' is empty");
		sd = NULL;
	}
	cfg->state_dir = resolve(cfg->dir, sd != NULL ? sd : "var");

	cfg->horizon_days = 550;
	get_int_range(ld, root, "horizon_days", "", 1, 3660,
	    &cfg->horizon_days);
	load_http(ld, root);

	cfg->holidays_fi = true;
	const char *hol = get_str(ld, root, "holidays", "", false, &x);
	if (hol != NULL && strcmp(hol, "none") == 0)
		cfg->holidays_fi = false;
	else if (hol != NULL && strcmp(hol, "FI") != 0)
		ld_err(ld, x, "holidays '%s' must be FI or none", hol);

	get_date_list(ld, root, "extra_holidays", "", &cfg->extra_holidays,
	    &cfg->nextra_holidays);
	/* sorted, each day once */
	for (size_t i = 1; i < cfg->nextra_holidays; i++)
		for (size_t j = i; j > 0 && cfg->extra_holidays[j - 1] >
		    cfg->extra_holidays[j]; j--) {
			int t = cfg->extra_holidays[j];
			cfg->extra_holidays[j] = cfg->extra_holidays[j - 1];
			cfg->extra_holidays[j - 1] = t;
		}
	size_t k = 0;
	for (size_t i = 0; i < cfg->nextra_holidays; i++)
		if (k == 0 || cfg->extra_holidays[k - 1] !=
		    cfg->extra_holidays[i])
			cfg->extra_holidays[k++] = cfg->extra_holidays[i];
	cfg->nextra_holidays = k;

	get_blackouts(ld, root, "", &cfg->blackouts, &cfg->nblackouts);
	load_terms(ld, root);
	load_organizer(ld, root);
	load_parties(ld, root);
	load_forums(ld, root);
	load_agreement(ld, root);
	load_tasks(ld, root);

	const char *inv = get_str(ld, root, "invite", "", false, &x);
	if (inv != NULL && strcmp(inv, "participants") == 0)
		cfg->invite = CAD_INVITE_PARTICIPANTS;
	else if (inv != NULL && strcmp(inv, "convenors") != 0)
		ld_err(ld, x, "invite '%s' must be convenors or participants",
		    inv);
	get_bool(ld, root, "publish_attendees", "", &cfg->publish_attendees);

	load_server(ld, root, "caldav", caldav_schemes, &cfg->caldav);
	load_server(ld, root, "smtp", smtp_schemes, &cfg->smtp);
	bool has_org = config_setting_get_member(root, "organizer") != NULL;
	if (cfg->caldav.present && !has_org)
		ld_err(ld, config_setting_get_member(root, "caldav"),
		    "'organizer' is required with 'caldav' (invitations "
		    "need a sender)");
	if (cfg->smtp.present && !has_org)
		ld_err(ld, config_setting_get_member(root, "smtp"),
		    "'organizer' is required with 'smtp' (invitations "
		    "need a sender)");
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
		cad_diag_error(diag, path, 0, "cannot open: %s", strerror(-r));
		goto out;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		r = -EISDIR;
		cad_diag_error(diag, path, 0, "cannot open: %s", strerror(-r));
		goto out;
	}
	fclose(fp);

	cfg = cad_xcalloc(1, sizeof *cfg);
	cfg->path = cad_strdup(path);
	cfg->dir = dir_of(path);
	ld.cfg = cfg;
	config_set_include_dir(&lc, cfg->dir);
	if (config_read_file(&lc, path) != CONFIG_TRUE) {
		const char *file = config_error_file(&lc);
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO) {
			cad_diag_error(diag, path, 0, "cannot read: %s",
			    config_error_text(&lc));
			r = -EIO;
			goto out;
		}
		cad_diag_error(diag, file != NULL ? file : path,
		    config_error_line(&lc), "%s", config_error_text(&lc));
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
	free(cfg->extra_holidays);
	blackouts_free(cfg->blackouts, cfg->nblackouts);
	free(cfg->terms);
	free(cfg->organizer_name);
	free(cfg->organizer_email);
	for (size_t i = 0; i < cfg->nparties; i++)
		party_release(&cfg->parties[i]);
	free(cfg->parties);
	for (size_t i = 0; i < cfg->nforums; i++)
		forum_release(&cfg->forums[i]);
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

/* --- the cadence in words --------------------------------------------- */

/* libical's weekday (1 = Sunday) to ours (0 = Monday) */
static int
ical_wday(short day)
{
	int w = (int)icalrecurrencetype_day_day_of_week(day);
	return w == ICAL_NO_WEEKDAY ? -1 : (w + 5) % 7;
}

static int
count_by(const short *a, int size)
{
	int n = 0;
	while (n < size && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/*
 * The cadence in words, in the thread's language (base/lang.h).  Finnish
 * "vuosittain, lokakuun 2. tiistai"; each pattern is one message, so a
 * translation may order its parts as its language needs ("2:a tisdagen i
 * oktober", "2nd Tuesday of October").
 */

/* "2. tiistai", "viimeinen tiistai"; false for what we don't phrase */
static bool
nth_weekday(char *out, size_t len, int pos, int wday)
{
	if (wday < 0 || wday > 6)
		return false;
	if (pos == -1)
		/* TRANSLATORS: the last given weekday of a month */
		snprintf(out, len, C_("cadence", "viimeinen %s"),
		    cad_nc(weekday_name[wday]));
	else if (pos >= 1 && pos <= 5)
		/* TRANSLATORS: an ordinal and a weekday: "2. tiistai" */
		snprintf(out, len, C_("cadence", "%1$s %2$s"),
		    cad_nc(ordinal[pos - 1]), cad_nc(weekday_name[wday]));
	else
		return false;
	return true;
}

/* "1. päivä", "viimeinen päivä"; false for what we don't phrase */
static bool
nth_day(char *out, size_t len, int mday)
{
	if (mday == -1)
		snprintf(out, len, "%s", C_("cadence", "viimeinen päivä"));
	else if (mday > 0)
		/* TRANSLATORS: a day of a month: "1. päivä" */
		snprintf(out, len, C_("cadence", "%d. päivä"), mday);
	else
		return false;
	return true;
}

/* "helmikuussa, toukokuussa ja syyskuussa" */
static void
put_months_in(struct cad_buf *b, const short *months, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			cad_buf_puts(b, i == n - 1 ? C_("list", " ja ") : ", ");
		cad_buf_puts(b, cad_nc(month_in[months[i] - 1]));
	}
}

/* "vuosittain", "joka 2. kuukausi"; false for other frequencies */
static bool
put_frequency(struct cad_buf *b, const struct icalrecurrencetype *r)
{
	bool every = r->interval <= 1;

	switch (r->freq) {
	case ICAL_YEARLY_RECURRENCE:
		return cad_buf_printf(b, every ? C_("cadence", "vuosittain") :
		    C_("cadence", "joka %d. vuosi"), r->interval) == 0;
	case ICAL_MONTHLY_RECURRENCE:
		return cad_buf_printf(b, every ?
		    C_("cadence", "kuukausittain") :
		    C_("cadence", "joka %d. kuukausi"), r->interval) == 0;
	case ICAL_WEEKLY_RECURRENCE:
		return cad_buf_printf(b, every ? C_("cadence", "viikoittain") :
		    C_("cadence", "joka %d. viikko"), r->interval) == 0;
	case ICAL_DAILY_RECURRENCE:
		return cad_buf_printf(b, every ? C_("cadence", "päivittäin") :
		    C_("cadence", "joka %d. päivä"), r->interval) == 0;
	default:
		return false;
	}
}

/* ", tiistaisin ja torstaisin", with the months first when listed */
static void
put_weekdays(struct cad_buf *b, const struct icalrecurrencetype *r,
    int nday, int nmonth)
{
	cad_buf_puts(b, ", ");
	if (nmonth > 0) {
		put_months_in(b, r->by_month, nmonth);
		cad_buf_puts(b, " ");
	}
	for (int i = 0; i < nday; i++) {
		if (i > 0)
			cad_buf_puts(b, i == nday - 1 ? C_("list", " ja ") :
			    ", ");
		cad_buf_puts(b, cad_nc(weekday_adverb[ical_wday(
		    r->by_day[i])]));
	}
}

/* the day of the month of a rule with one BYDAY or one BYMONTHDAY */
static bool
rule_day(char *out, size_t len, const struct icalrecurrencetype *r,
    int nday)
{
	if (nday == 1)
		return nth_weekday(out, len,
		    icalrecurrencetype_day_position(r->by_day[0]),
		    ical_wday(r->by_day[0]));
	return nth_day(out, len, r->by_month_day[0]);
}

static bool
phrase_rrule(struct cad_buf *b, const char *rule)
{
	struct icalrecurrencetype r;
	char day[64];
	bool ok = false;

	icalerror_clear_errno();
	r = icalrecurrencetype_from_string(rule);
	if (icalerrno != ICAL_NO_ERROR)
		goto out;
	int nday = count_by(r.by_day, ICAL_BY_DAY_SIZE);
	int nmday = count_by(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
	int nmonth = count_by(r.by_month, ICAL_BY_MONTH_SIZE);
	if (count_by(r.by_year_day, ICAL_BY_YEARDAY_SIZE) ||
	    count_by(r.by_week_no, ICAL_BY_WEEKNO_SIZE) ||
	    count_by(r.by_set_pos, ICAL_BY_SETPOS_SIZE) ||
	    r.rscale != NULL || nmday > 1 || (nday > 0 && nmday > 0))
		goto out;
	for (int i = 0; i < nmonth; i++)
		if (r.by_month[i] < 1 || r.by_month[i] > 12)
			goto out;
	bool plain_days = true;	/* BYDAY without ordinals */
	for (int i = 0; i < nday; i++)
		plain_days = plain_days &&
		    icalrecurrencetype_day_position(r.by_day[i]) == 0 &&
		    ical_wday(r.by_day[i]) >= 0;

	if (r.count == 1) {		/* a one-off, FREQ does not matter */
		ok = cad_buf_puts(b, C_("cadence", "kertaluonteinen")) == 0;
		goto out;
	}
	if (!put_frequency(b, &r))
		goto out;
	if (nday == 0 && nmday == 0 && nmonth == 0) {
		ok = true;		/* the start date sets the day */
	} else if (nday > 0 && plain_days &&
	    r.freq != ICAL_YEARLY_RECURRENCE) {
		put_weekdays(b, &r, nday, nmonth);
		ok = true;
	} else if (r.freq == ICAL_YEARLY_RECURRENCE && nmonth == 1 &&
	    (nday == 1 || nmday == 1)) {
		ok = rule_day(day, sizeof day, &r, nday);
		/* TRANSLATORS: a month (genitive) and a day in it:
		   ", lokakuun 2. tiistai", ", helmikuun 1. päivä" */
		cad_buf_printf(b, C_("cadence", ", %1$s %2$s"),
		    cad_nc(month_of[r.by_month[0] - 1]), day);
	} else if ((r.freq == ICAL_MONTHLY_RECURRENCE ||
	    (r.freq == ICAL_YEARLY_RECURRENCE && nmonth > 1)) &&
	    (nday == 1 || nmday == 1)) {
		ok = rule_day(day, sizeof day, &r, nday);
		cad_buf_puts(b, ", ");
		if (nmonth > 0) {
			put_months_in(b, r.by_month, nmonth);
			cad_buf_puts(b, ", ");
		}
		/* TRANSLATORS: a day of every month: "kuun 2. keskiviikko" */
		cad_buf_printf(b, C_("cadence", "kuun %s"), day);
	} else if (nday == 0 && nmday == 0 && nmonth > 0 &&
	    r.freq == ICAL_MONTHLY_RECURRENCE) {
		cad_buf_puts(b, ", ");
		put_months_in(b, r.by_month, nmonth);
		ok = true;
	}
out:
	if (r.rscale != NULL)
		icalmemory_free_buffer(r.rscale);
	icalerror_clear_errno();
	return ok;
}

char *
cad_config_cadence(const struct cad_config *cfg, const struct cad_forum *f)
{
	struct cad_buf b;
	char day[64];

	(void)cfg;
	cad_buf_init(&b, 0);
	if (f->has_per_term) {
		const struct cad_per_term *p = &f->per_term;
		if (!nth_weekday(day, sizeof day, p->week, p->weekday))
			snprintf(day, sizeof day, "?");
		/* TRANSLATORS: the year of the council term, a month
		   (genitive) and a day in it */
		cad_buf_printf(&b, C_("cadence", "kerran valtuustokaudessa: "
		    "kauden %1$d. vuoden %2$s %3$s"), p->year,
		    cad_nc(month_of[p->month >= 1 && p->month <= 12 ?
		    p->month - 1 : 0]), day);
	} else if (f->rrule != NULL && !phrase_rrule(&b, f->rrule)) {
		cad_buf_reset(&b);
		cad_buf_printf(&b, "RRULE: %s", f->rrule);
	}
	return cad_buf_steal(&b);
}
