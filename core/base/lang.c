/*
 * lang.c - message catalogues and the per-thread output language.
 *
 * One LC_MESSAGES locale object per language is made once (the first
 * that the system has of a short list of names); cad_lang_use() makes one
 * of them the calling thread's locale.  glibc's gettext looks the
 * catalogue up by the thread's LC_MESSAGES name (sv_FI.UTF-8 -> sv), so
 * each thread renders in its own language.  Finnish, the language of the
 * message ids, is the plain "C" locale: gettext returns the ids as they
 * are and needs no catalogue nor any installed locale.
 */
#include "base/lang.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

static const char *const codes[CAD_LANG_N] = { "fi", "sv", "en" };

/* the locale names tried for each language, first found wins */
static const char *const locale_names[CAD_LANG_N][4] = {
	[CAD_LANG_FI] = { "C" },
	[CAD_LANG_SV] = { "sv_FI.UTF-8", "sv_SE.UTF-8", "sv_FI", "sv_SE" },
	[CAD_LANG_EN] = { "en_GB.UTF-8", "en_US.UTF-8", "en_IE.UTF-8" },
};

static locale_t locales[CAD_LANG_N];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static _Thread_local enum cad_lang current = CAD_LANG_FI;

int
cad_lang_parse(const char *s, enum cad_lang *out)
{
	for (int i = 0; i < CAD_LANG_N; i++)
		if (s != NULL && strcmp(s, codes[i]) == 0) {
			*out = (enum cad_lang)i;
			return 0;
		}
	return -EINVAL;
}

const char *
cad_lang_code(enum cad_lang l)
{
	return (unsigned)l < CAD_LANG_N ? codes[l] : codes[0];
}

static void
make_locales(void)
{
	for (int l = 0; l < CAD_LANG_N; l++)
		for (int i = 0; i < 4 && locale_names[l][i] != NULL; i++) {
			locale_t base = newlocale(LC_ALL_MASK, "C", 0);
			if (base == 0)
				continue;
			locales[l] = newlocale(LC_MESSAGES_MASK,
			    locale_names[l][i], base);
			if (locales[l] != 0)
				break;
			freelocale(base);
		}
}

void
cad_lang_init(const char *localedir)
{
	if (localedir == NULL)
		localedir = getenv("CADENCE_LOCALEDIR");
	if (localedir == NULL || *localedir == '\0')
		localedir = LOCALEDIR;
	/* LANGUAGE would override every thread's choice in gettext */
	unsetenv("LANGUAGE");
	bindtextdomain(CAD_TEXTDOMAIN, localedir);
	bind_textdomain_codeset(CAD_TEXTDOMAIN, "UTF-8");
	pthread_once(&once, make_locales);
}

bool
cad_lang_available(enum cad_lang l)
{
	pthread_once(&once, make_locales);
	return (unsigned)l < CAD_LANG_N && locales[l] != 0;
}

int
cad_lang_use(enum cad_lang l)
{
	if (!cad_lang_available(l))
		return -ENOENT;
	locale_t was = uselocale(locales[l]);
	/* the catalogue's header is the translation of "": none, no
	   catalogue (Finnish needs none) */
	if (l != CAD_LANG_FI && *dgettext(CAD_TEXTDOMAIN, "") == '\0') {
		uselocale(was);
		return -ENOENT;
	}
	current = l;
	return 0;
}

enum cad_lang
cad_lang_switch(enum cad_lang l)
{
	enum cad_lang was = current;

	(void)cad_lang_use(l);
	return was;
}

enum cad_lang
cad_lang_current(void)
{
	return current;
}

enum cad_lang
cad_lang_from_env(enum cad_lang dflt)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v == NULL || *v == '\0')
			continue;
		char code[3] = { v[0], v[0] ? v[1] : '\0', '\0' };
		enum cad_lang l;
		if ((v[2] == '\0' || v[2] == '_' || v[2] == '.' ||
		    v[2] == '@') && cad_lang_parse(code, &l) == 0)
			return l;
		return dflt;	/* the first set variable decides */
	}
	return dflt;
}

const char *
cad_pgettext(const char *ctx_msgid, const char *msgid)
{
	const char *t = dgettext(CAD_TEXTDOMAIN, ctx_msgid);
	return t == ctx_msgid ? msgid : t;
}

const char *
cad_nc(const char *ctx_msgid)
{
	const char *msgid = strchr(ctx_msgid, '\004');
	return cad_pgettext(ctx_msgid, msgid != NULL ? msgid + 1 : ctx_msgid);
}

const char *
cad_nc_at(const char *const *tab, size_t n, size_t i, const char *dflt)
{
	return i < n && tab[i] != NULL ? cad_nc(tab[i]) : dflt;
}

const char *
cad_weekday_name(int wday)
{
	static const char *const names[7] = {
		NC_("weekday abbreviation", "ma"),
		NC_("weekday abbreviation", "ti"),
		NC_("weekday abbreviation", "ke"),
		NC_("weekday abbreviation", "to"),
		NC_("weekday abbreviation", "pe"),
		NC_("weekday abbreviation", "la"),
		NC_("weekday abbreviation", "su"),
	};
	return wday >= 0 && wday < 7 ? cad_nc(names[wday]) : "?";
}

const char *
cad_month_name(int m)
{
	static const char *const names[12] = {
		NC_("month", "tammikuu"), NC_("month", "helmikuu"),
		NC_("month", "maaliskuu"), NC_("month", "huhtikuu"),
		NC_("month", "toukokuu"), NC_("month", "kesäkuu"),
		NC_("month", "heinäkuu"), NC_("month", "elokuu"),
		NC_("month", "syyskuu"), NC_("month", "lokakuu"),
		NC_("month", "marraskuu"), NC_("month", "joulukuu"),
	};
	return m >= 1 && m <= 12 ? cad_nc(names[m - 1]) : "?";
}

const char *
cad_month_in_date(int m)
{
	static const char *const names[12] = {
		NC_("month in a date", "1"), NC_("month in a date", "2"),
		NC_("month in a date", "3"), NC_("month in a date", "4"),
		NC_("month in a date", "5"), NC_("month in a date", "6"),
		NC_("month in a date", "7"), NC_("month in a date", "8"),
		NC_("month in a date", "9"), NC_("month in a date", "10"),
		NC_("month in a date", "11"), NC_("month in a date", "12"),
	};
	return m >= 1 && m <= 12 ? cad_nc(names[m - 1]) : "?";
}
