/*
 * config.h - the model read from cadenced.conf (SPEC § 3).
 *
 * cad_config_load() parses the file with libconfig, validates every value
 * and cross-reference, and either returns a complete model or reports
 * every error as "FILE:LINE: error: message" in a cad_diag.  All strings
 * in the model are owned by it (copied out of libconfig).
 * Party and forum references are resolved to indexes into parties[].
 */
#ifndef CAD_CONFIG_H
#define CAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/lang.h"
#include "base/util.h"

struct cad_blackout {
	int from_md;		/* month * 100 + day */
	int to_md;		/* to < from: wraps over New Year */
	char *reason;
};

struct cad_party {
	char *id;
	char *name;
	char *email;		/* may be NULL */
	struct cad_blackout *blackouts;
	size_t nblackouts;
	int line;
};

enum cad_on_holiday {
	CAD_HOLIDAY_NEXT = 0,
	CAD_HOLIDAY_PREVIOUS,
	CAD_HOLIDAY_SKIP,
	CAD_HOLIDAY_KEEP,
};

enum cad_minimum {
	CAD_MINIMUM_NONE = 0,
	CAD_MINIMUM_YEAR,
	CAD_MINIMUM_TERM,
};

struct cad_per_term {
	int year;		/* 1 = the 12 months from the term's start */
	int month;		/* 1..12 */
	int weekday;		/* 0 = Monday .. 6 = Sunday */
	int week;		/* 1..5, or -1 = last */
};

struct cad_forum {
	char *id;
	char *name;
	char *legal_basis;	/* may be NULL */
	char *location;		/* may be NULL */
	char *description;	/* may be NULL */
	int convenor;		/* index into parties */
	int first_convenor;	/* index or -1 */
	int *participants;	/* indexes into parties */
	size_t nparticipants;
	int *for_each;		/* indexes; nfor_each == 0: a single series */
	size_t nfor_each;
	bool spread;
	char *rrule;		/* NULL when per_term is used */
	bool has_per_term;
	struct cad_per_term per_term;
	int start;		/* day number; CAD_NODAY = default */
	int time;		/* minutes after local midnight */
	int duration;		/* minutes, > 0 */
	enum cad_on_holiday on_holiday;
	enum cad_minimum minimum;
	struct cad_blackout *blackouts;
	size_t nblackouts;
	int line;
};

struct cad_term {
	int start;		/* day numbers, inclusive */
	int end;
};

struct cad_agreement {
	bool present;
	char *title;
	int effective;		/* day number */
	int notice_months;
	int *review_by;		/* day numbers */
	size_t nreview_by;
	int renew_within_months;
	int *remind_days;
	size_t nremind_days;
	int *notify;		/* party indexes */
	size_t nnotify;
	int line;
};

/*
 * An obligation with a due date (SPEC § 10.3): one per owner and due day.
 * Yearly on due_md, or once per council term (per_term: day `day` of
 * `month` in the term's year-th year; a date after a shortened term's
 * end is due on the term's last day).
 */
struct cad_task_term {
	int year;		/* 1 = the 12 months from the term's start */
	int month;		/* 1..12 */
	int day;		/* 1..31, clamped to the month's length */
};

struct cad_task {
	char *id;
	char *name;
	char *legal_basis;	/* may be NULL */
	int *owners;		/* party indexes, one task each */
	size_t nowners;
	bool has_per_term;
	int due_md;		/* yearly: month * 100 + day */
	struct cad_task_term per_term;
	int start;		/* first possible due day; CAD_NODAY = Jan 1
				   of today's year */
	int *remind_days;
	size_t nremind_days;
	char **remind_roles;	/* owner's contacts reminded */
	size_t nremind_roles;
	int line;
};

enum cad_invite {
	CAD_INVITE_CONVENORS = 0,
	CAD_INVITE_PARTICIPANTS,
};

struct cad_server {
	bool present;
	char *url;
	char *user;		/* may be "" */
	char *password_file;	/* resolved path, NULL or "" when none */
	int line;
};

/* a text of the default language and its other languages' (SPEC § 10.4) */
struct cad_text_twin {
	const char *base;		/* the model's string (not owned) */
	char *tr[CAD_LANG_N];		/* owned; NULL: none */
};

struct cad_config {
	char *path;		/* as given */
	char *dir;		/* directory of the config file */
	char *timezone;		/* IANA name */
	char *domain;
	char *state_dir;	/* resolved against dir */
	int horizon_days;
	char *listen;		/* "127.0.0.1:8080" */
	char *base_url;		/* always ends with '/' */
	bool holidays_fi;
	int *extra_holidays;	/* sorted day numbers */
	size_t nextra_holidays;
	struct cad_blackout *blackouts;
	size_t nblackouts;
	struct cad_term *terms;	/* sorted by start */
	size_t nterms;
	char *organizer_name;
	char *organizer_email;
	struct cad_party *parties;
	size_t nparties;
	struct cad_forum *forums;
	size_t nforums;
	struct cad_agreement agreement;
	struct cad_task *tasks;
	size_t ntasks;
	enum cad_invite invite;
	bool publish_attendees;
	struct cad_server caldav;
	struct cad_server smtp;
	enum cad_lang langs[CAD_LANG_N];	/* `languages`; [0] default */
	size_t nlangs;
	struct cad_text_twin *twins;	/* sorted by base pointer */
	size_t ntwins;
};

/*
 * Loads and validates PATH.  On success returns 0 and *out; on failure
 * returns -EINVAL (or -errno when the file can't be read) and puts every
 * problem into diag.  Warnings (that don't fail the load) also go there.
 */
int cad_config_load(const char *path, struct cad_config **out,
    struct cad_diag *diag);
void cad_config_free(struct cad_config *cfg);

int cad_config_party(const struct cad_config *cfg, const char *id); /* -1 */
int cad_config_forum(const struct cad_config *cfg, const char *id); /* -1 */
int cad_config_task(const struct cad_config *cfg, const char *id); /* -1 */

/*
 * Text S of the model (a name, description, location, title or reason)
 * in the calling thread's language (base/lang.h): its twin, else S.
 */
const char *cad_tr(const struct cad_config *cfg, const char *s);
bool cad_config_has_lang(const struct cad_config *cfg, enum cad_lang l);
/* "" in the default language, else the language's path prefix "sv/" */
const char *cad_config_lang_prefix(const struct cad_config *cfg);

/* for config.c: twin keys, `languages` and the twins (config_lang.c) */
struct config_setting_t;
bool cad_config_text_twin_key(const char *key, const char *const *keys);
int cad_config_load_languages(struct cad_config *cfg,
    const struct config_setting_t *root, const char *path,
    struct cad_diag *diag);
void cad_config_twins_free(struct cad_config *cfg);

/* Human-readable cadence in Finnish, e.g. "vuosittain, lokakuun 2. ti" */
char *cad_config_cadence(const struct cad_config *cfg,
    const struct cad_forum *f);

#endif
