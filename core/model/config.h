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
	int week;		/* 1..53: Monday-Sunday of this ISO week every
				   year (from/to unused); 0: from/to (SPEC 10.2) */
	char *reason;
};

/* a person in a role at a party (SPEC 10.1); a role may repeat */
struct cad_contact {
	char *role;		/* such as "johto", "hyte" */
	char *name;
	char *email;
	int line;
};

struct cad_party {
	char *id;
	char *name;
	char *email;		/* may be NULL */
	enum cad_lang language;	/* of mail to this party; without the
				   key the first of `languages` */
	bool language_set;	/* the key was given */
	char *location;		/* may be NULL; for location = "member" */
	struct cad_contact *contacts;
	size_t ncontacts;
	struct cad_blackout *blackouts;
	size_t nblackouts;
	int line;
};

/* a named set of parties (SPEC 10.1): in for_each one series for all of
   them, in participants (and co_convenors) it stands for its members */
struct cad_group {
	char *id;		/* never the id of a party */
	char *name;
	int *members;		/* party indexes, each once, at least one */
	size_t nmembers;
	int line;
};

/* a for_each entry (or a task owner): a party or a group, exactly one of
   the two indexes is >= 0 */
struct cad_unit {
	int party;
	int group;
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

enum cad_invite {
	CAD_INVITE_CONVENORS = 0,
	CAD_INVITE_PARTICIPANTS,
};

/* which meeting first_convenor convenes (SPEC 10.1) */
enum cad_first_scope {
	CAD_FIRST_SERIES = 0,	/* the first meeting ever (SPEC 3) */
	CAD_FIRST_TERM,		/* the first meeting of every council term */
};

/* a one-off meeting of the forum's series (an RDATE), kept as given */
struct cad_extra {
	int day;
	int time;		/* minutes; the forum's time when not given */
};

struct cad_forum {
	char *id;
	char *name;
	char *legal_basis;	/* may be NULL */
	char *location;		/* may be NULL */
	bool location_member;	/* location = "member": the party's location */
	char **location_rotation; /* k-th rule candidate at entry k mod n */
	size_t nlocation_rotation;
	char *description;	/* may be NULL */
	int convenor;		/* index into parties; -1 when convenor_member */
	bool convenor_member;	/* convenor = "member": each for_each party
				   convenes its own series */
	int *co_convenors;	/* party indexes (groups expanded), CHAIR too */
	size_t nco_convenors;
	int first_convenor;	/* index or -1 */
	enum cad_first_scope first_scope;
	int *participants;	/* indexes into parties (groups expanded) */
	size_t nparticipants;
	struct cad_unit *for_each; /* nfor_each == 0: a single series */
	size_t nfor_each;
	enum cad_invite invite;	/* the forum's own, else the global one */
	char **invite_roles;	/* contacts invited; none: the party's email */
	size_t ninvite_roles;
	bool has_per_year;	/* per_year = [ min, max ] */
	int per_year_min;	/* CONFIRMED meetings per calendar year */
	int per_year_max;
	struct cad_extra *extra; /* sorted by (day, time), each once */
	size_t nextra;
	bool party_blackouts;	/* participants' blackouts count (default) */
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
	/* SHA-256 (hex) of the path and the settings as parsed: equal
	   digests, equal configs (config_digest.c) */
	char digest[65];
	char *timezone;		/* IANA name */
	char *domain;
	char *state_dir;	/* resolved against dir */
	int horizon_days;
	char *listen;		/* "127.0.0.1:8080" */
	char *base_url;		/* always ends with '/' */
	char *tls_cert;		/* resolved paths, or NULL: plain HTTP */
	char *tls_key;
	bool behind_tls_proxy;	/* a TLS proxy in front: tokens allowed
				   over plain HTTP from any address */
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
	struct cad_group *groups;
	size_t ngroups;
	struct cad_forum *forums;
	size_t nforums;
	struct cad_task *tasks;
	size_t ntasks;
	struct cad_agreement agreement;
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
int cad_config_group(const struct cad_config *cfg, const char *id); /* -1 */
int cad_config_forum(const struct cad_config *cfg, const char *id); /* -1 */

/*
 * Party-or-group ids (SPEC 10.1).  cad_config_unit() looks ID up as a
 * party, then as a group: 0 and *out, or -1 when it is neither.
 * cad_config_unit_parties() gives the parties a unit stands for (the
 * party itself, or the group's members in the group's order) as a pointer
 * into cfg or into *u (keep u alive while using it); returns the count.
 * cad_config_unit_id() and cad_config_unit_name() are the unit's id/name.
 */
int cad_config_unit(const struct cad_config *cfg, const char *id,
    struct cad_unit *out);
size_t cad_config_unit_parties(const struct cad_config *cfg,
    const struct cad_unit *u, const int **parties);
const char *cad_config_unit_id(const struct cad_config *cfg,
    const struct cad_unit *u);
const char *cad_config_unit_name(const struct cad_config *cfg,
    const struct cad_unit *u);

/* party p's name in the thread's language (its id when it has none;
   "?" for no party) */
const char *cad_config_party_name(const struct cad_config *cfg, int p);

/* the index in f->for_each of the unit party P is (P itself, or a group
   that has P as a member), or -1 */
int cad_forum_member_index(const struct cad_config *cfg,
    const struct cad_forum *f, int p);
/* the convenor as JSON and config say it: a party id, or "member" */
const char *cad_forum_convenor_id(const struct cad_config *cfg,
    const struct cad_forum *f);
/* the convenor for people: the party's name, or (convenor = "member")
   "kukin jäsen omalle neuvottelulleen" */
const char *cad_forum_convenor_name(const struct cad_config *cfg,
    const struct cad_forum *f);

/* a person (or a party's own address) to write to */
struct cad_recipient {
	int party;		/* party index */
	const char *name;	/* the contact's name, or the party's name */
	const char *email;
	const char *role;	/* NULL: the party's own email (fallback) */
	enum cad_lang language;	/* the party's */
};

/*
 * The contacts of party P whose role is one of ROLES, in contact order;
 * when P has none in those roles (or nroles == 0): P's own email, when it
 * has one.  Appended to *out (grown with cad_xreallocarray, *n counts),
 * skipping an address already in *out (compared without case), so a
 * caller can gather several parties into one list.  Strings point into
 * cfg.  Returns how many were appended.
 */
size_t cad_config_contacts(const struct cad_config *cfg, int p,
    char *const *roles, size_t nroles, struct cad_recipient **out,
    size_t *n);

/* true when some party has a contact in ROLE */
bool cad_config_has_role(const struct cad_config *cfg, const char *role);

/*
 * Text S of the model (a name, description, location, title or reason)
 * in the calling thread's language (base/lang.h): its twin, else S.
 */
const char *cad_tr(const struct cad_config *cfg, const char *s);
bool cad_config_has_lang(const struct cad_config *cfg, enum cad_lang l);
/* the language of mail to address EMAIL: the `language` of the party
   whose address (or contact's) it is, else the default language */
enum cad_lang cad_config_mail_lang(const struct cad_config *cfg,
    const char *email);
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
