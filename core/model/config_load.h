/*
 * config_load.h - the loader's internals, shared by config.c (the file and
 * its top-level keys), config_party.c (parties, contacts, groups,
 * blackouts) and config_forum.c (forums).  Not a public header: only the
 * config_*.c files include it.
 *
 * Every ld_* reader checks the type of one setting, reports a problem as
 * "FILE:LINE: error: CTXmessage" through ld_err() (CTX names the group,
 * such as "forum 'x': ") and never stops at the first problem.
 */
#ifndef CAD_CONFIG_LOAD_H
#define CAD_CONFIG_LOAD_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

#include "model/config.h"

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

void ld_err(struct ld *ld, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* generic readers: a missing required key is an error on the group */
/* hands the collected messages to DIAG, in the order of the file */
void ld_flush(struct ld *ld, struct cad_diag *diag);
/* config_digest.c: cfg->digest from the tree as parsed and the path */
void ld_digest(const config_setting_t *root, const char *path,
    char out[static 65]);
bool ld_is_seq(const config_setting_t *s);
bool ld_is_int(const config_setting_t *s);
void ld_check_keys(struct ld *ld, const config_setting_t *g, const char *ctx,
    const char *const *keys);
config_setting_t *ld_member(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, bool required);
const char *ld_str(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, bool required, config_setting_t **sp);
bool ld_int(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, long long *out, config_setting_t **sp);
void ld_int_range(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, long long min, long long max, int *out);
void ld_bool(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool *out);
bool ld_parse_date(struct ld *ld, const config_setting_t *s, const char *ctx,
    const char *name, const char *v, int *out);
bool ld_date(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out);
void ld_date_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout);
/* a list of strings (each non-empty); *out malloc'd, strings copied */
void ld_str_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, char ***out, size_t *nout);
void ld_str_list_free(char **v, size_t n);
bool ld_valid_id(const char *s);
/* the required "id" of list entry E, a KIND ("party", "group", "forum")
   id: CTX becomes "KIND 'id': " (or "KIND: "), the keys of E are checked
   against KEYS; NULL when missing or malformed (reported) */
const char *ld_id(struct ld *ld, config_setting_t *e, const char *kind,
    const char *const *keys, char ctx[CTX_MAX], config_setting_t **sp);
/* the list NAME of ROOT: its length (0 when absent or not a list, the
   latter reported with WANT) and *sp; then ld_each() calls FN for each
   element that is a group (reporting the others) */
int ld_list(struct ld *ld, const config_setting_t *root, const char *name,
    bool required, const char *want, config_setting_t **sp);
void ld_each(struct ld *ld, config_setting_t *s, const char *name,
    const char *want, void (*fn)(struct ld *, config_setting_t *));
/* "email" of G checked as an RFC 5321 mailbox: malloc'd, or NULL */
char *ld_email(struct ld *ld, const config_setting_t *g, const char *ctx,
    bool required);

/* party references (by id), groups and roles */
void ld_party(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out);
void ld_party_list(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, int **out, size_t *nout,
    config_setting_t **sp);
/* a list of party or group ids, each once: as units (for_each, task
   owners) or, with expand, as the parties they stand for (each once) */
void ld_unit_list(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, struct cad_unit **out, size_t *nout,
    config_setting_t **sp);
void ld_party_or_group_list(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, int **out, size_t *nout,
    config_setting_t **sp);
/* a list of roles, each held by some party's contact ("unknown role") */
void ld_role_list(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, char ***out, size_t *nout);

/* blackouts: { from; to; reason; } or { week; reason; } */
void ld_blackouts(struct ld *ld, const config_setting_t *g, const char *ctx,
    struct cad_blackout **out, size_t *nout);
void ld_blackouts_free(struct cad_blackout *b, size_t n);

/* the sections, in the order load_root calls them */
void ld_load_organizer(struct ld *ld, const config_setting_t *root);
void ld_load_parties(struct ld *ld, const config_setting_t *root);
void ld_load_groups(struct ld *ld, const config_setting_t *root);
void ld_load_forums(struct ld *ld, const config_setting_t *root);
void ld_party_release(struct cad_party *p);
void ld_group_release(struct cad_group *g);
void ld_forum_release(struct cad_forum *f);

#endif
