/*
 * config_party.c - who takes part (SPEC § 3, § 10.1, § 10.2): parties with
 * their contacts, groups of parties, the organizer, blackouts, and the
 * readers of party/group/role references that forums (and tasks) use.
 * Also the public look-ups of config.h for units and contacts.
 */
#include "model/config_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- blackouts ----------------------------------------------------------- */

void
ld_blackouts_free(struct cad_blackout *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].reason);
	free(b);
}

/* { week = N; }: true and b->week when valid */
static bool
blackout_week(struct ld *ld, config_setting_t *e, const char *bctx,
    struct cad_blackout *b)
{
	long long w;
	config_setting_t *ws;
	if (config_setting_get_member(e, "from") != NULL ||
	    config_setting_get_member(e, "to") != NULL) {
		ld_err(ld, e, _("%sanna joko 'week' tai 'from' ja 'to', ei "
		    "molempia"), bctx);
		return false;
	}
	if (!ld_int(ld, e, "week", bctx, true, &w, &ws))
		return false;
	if (w < 1 || w > 53) {
		ld_err(ld, ws, _("%sweek %lld ei ole ISO-viikko 1-53"), bctx,
		    w);
		return false;
	}
	b->week = (int)w;
	return true;
}

/* { from = "MM-DD"; to = "MM-DD"; }: true and b->from_md/to_md */
static bool
blackout_days(struct ld *ld, config_setting_t *e, const char *bctx,
    struct cad_blackout *b)
{
	config_setting_t *fs, *ts;
	const char *from = ld_str(ld, e, "from", bctx, true, &fs);
	const char *to = ld_str(ld, e, "to", bctx, true, &ts);
	bool ok = from != NULL && to != NULL;
	if (from != NULL && cad_parse_monthday(from, &b->from_md)) {
		ld_err(ld, fs, _("%svirheellinen päivä '%s' (muoto MM-DD)"),
		    bctx, from);
		ok = false;
	}
	if (to != NULL && cad_parse_monthday(to, &b->to_md)) {
		ld_err(ld, ts, _("%svirheellinen päivä '%s' (muoto MM-DD)"),
		    bctx, to);
		ok = false;
	}
	return ok;
}

void
ld_blackouts(struct ld *ld, const config_setting_t *g, const char *ctx,
    struct cad_blackout **out, size_t *nout)
{
	static const char *const keys[] = { "from", "to", "week", "reason",
		NULL };
	static const char *const want = N_("'blackouts' pitää olla "
	    "luettelo ryhmiä { from = \"MM-DD\"; to = \"MM-DD\"; } tai "
	    "{ week = N; }");
	config_setting_t *s = ld_member(ld, g, "blackouts", ctx, false);
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, "%s%s", ctx, _(want));
		return;
	}
	int n = config_setting_length(s);
	struct cad_blackout *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	char bctx[CTX_MAX + 16];
	snprintf(bctx, sizeof bctx, "%s%s: ", ctx, C_("config", "estojakso"));
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "%s%s", ctx, _(want));
			continue;
		}
		ld_check_keys(ld, e, bctx, keys);
		const char *reason = ld_str(ld, e, "reason", bctx, false,
		    NULL);
		memset(&v[k], 0, sizeof v[k]);
		bool ok = config_setting_get_member(e, "week") != NULL ?
		    blackout_week(ld, e, bctx, &v[k]) :
		    blackout_days(ld, e, bctx, &v[k]);
		if (ok)
			v[k++].reason = cad_strdup(reason);
	}
	*out = v;
	*nout = k;
}

/* --- organizer and parties ---------------------------------------------- */

void
ld_load_organizer(struct ld *ld, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "email", NULL };
	const char *ctx = "organizer: ";
	config_setting_t *s = ld_member(ld, root, "organizer", "", false);
	if (s == NULL)
		return;
	if (!config_setting_is_group(s)) {
		ld_err(ld, s, _("'organizer' pitää olla ryhmä { name = ...; "
		    "email = ...; }"));
		return;
	}
	ld_check_keys(ld, s, ctx, keys);
	const char *name = ld_str(ld, s, "name", ctx, true, NULL);
	char *email = ld_email(ld, s, ctx, true);
	if (name != NULL && email != NULL) {
		ld->cfg->organizer_name = cad_strdup(name);
		ld->cfg->organizer_email = email;
	} else {
		free(email);
	}
}

void
ld_party_release(struct cad_party *p)
{
	free(p->id);
	free(p->name);
	free(p->email);
	free(p->location);
	for (size_t i = 0; i < p->ncontacts; i++) {
		free(p->contacts[i].role);
		free(p->contacts[i].name);
		free(p->contacts[i].email);
	}
	free(p->contacts);
	ld_blackouts_free(p->blackouts, p->nblackouts);
	memset(p, 0, sizeof *p);
}

/* contacts = ( { role; name; email; }, ... ) */
static void
load_contacts(struct ld *ld, const config_setting_t *g, const char *ctx,
    struct cad_party *p)
{
	static const char *const keys[] = { "role", "name", "email", NULL };
	static const char *const want = N_("'contacts' pitää olla luettelo "
	    "ryhmiä { role = ...; name = ...; email = ...; }");
	config_setting_t *s = ld_member(ld, g, "contacts", ctx, false);
	char cctx[CTX_MAX + 16];
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, "%s%s", ctx, _(want));
		return;
	}
	int n = config_setting_length(s);
	p->contacts = cad_xcalloc((size_t)n, sizeof *p->contacts);
	snprintf(cctx, sizeof cctx, "%s%s: ", ctx,
	    C_("config", "yhteyshenkilö"));
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		config_setting_t *rs;
		if (!config_setting_is_group(e)) {
			ld_err(ld, e, "%s%s", ctx, _(want));
			continue;
		}
		ld_check_keys(ld, e, cctx, keys);
		const char *role = ld_str(ld, e, "role", cctx, true, &rs);
		const char *name = ld_str(ld, e, "name", cctx, true, NULL);
		char *email = ld_email(ld, e, cctx, true);
		bool ok = role != NULL && name != NULL && email != NULL;
		if (role != NULL && !ld_valid_id(role)) {
			ld_err(ld, rs, _("%svirheellinen rooli '%s': käytä "
			    "merkkejä a-z, 0-9, '-' ja '_'"), cctx, role);
			ok = false;
		}
		if (!ok) {
			free(email);
			continue;
		}
		struct cad_contact *c = &p->contacts[p->ncontacts++];
		c->role = cad_strdup(role);
		c->name = cad_strdup(name);
		c->email = email;
		c->line = config_setting_source_line(e);
	}
}

/* the § 10.1 keys of a party: language, location, contacts */
static void
load_party_more(struct ld *ld, config_setting_t *e, const char *ctx,
    struct cad_party *p)
{
	config_setting_t *x;
	const char *lang = ld_str(ld, e, "language", ctx, false, &x);
	if (lang != NULL && cad_lang_parse(lang, &p->language) < 0)
		ld_err(ld, x, _("%slanguage '%s' pitää olla fi, sv tai en"),
		    ctx, lang);
	p->language_set = lang != NULL;
	const char *loc = ld_str(ld, e, "location", ctx, false, &x);
	if (loc != NULL && *loc == '\0')
		ld_err(ld, x, _("%s'location' on tyhjä"), ctx);
	p->location = cad_strdup(loc);
	load_contacts(ld, e, ctx, p);
	ld_blackouts(ld, e, ctx, &p->blackouts, &p->nblackouts);
}

static void
load_party(struct ld *ld, config_setting_t *e)
{
	static const char *const keys[] = { "id", "name", "email",
		"language", "location", "contacts", "blackouts", NULL };
	struct cad_config *cfg = ld->cfg;
	config_setting_t *is;
	char ctx[CTX_MAX];

	const char *id = ld_id(ld, e, C_("config", "osapuoli"), keys,
	    ctx, &is);
	bool ok = id != NULL;
	if (id != NULL && cad_config_party(cfg, id) >= 0) {
		ld_err(ld, is, _("osapuolen tunniste '%s' on jo käytössä"),
		    id);
		ok = false;
	}
	struct cad_party *p = &cfg->parties[cfg->nparties];
	const char *name = ld_str(ld, e, "name", ctx, true, NULL);
	p->id = cad_strdup(id);
	p->name = cad_strdup(name != NULL ? name : "");
	p->email = ld_email(ld, e, ctx, false);
	p->line = config_setting_source_line(e);
	load_party_more(ld, e, ctx, p);
	if (ok)
		cfg->nparties++;
	else
		ld_party_release(p);
}

void
ld_load_parties(struct ld *ld, const config_setting_t *root)
{
	static const char *const want = "{ id = ...; name = ...; }";
	config_setting_t *s;
	int n = ld_list(ld, root, "parties", true, want, &s);
	if (n == 0 && s != NULL && ld_is_seq(s))
		ld_err(ld, s, _("'parties' on tyhjä"));
	ld->cfg->parties = cad_xcalloc((size_t)n + 1, sizeof *ld->cfg->parties);
	ld_each(ld, s, "parties", want, load_party);
}

/* --- groups ---------------------------------------------------------------- */

void
ld_group_release(struct cad_group *g)
{
	free(g->id);
	free(g->name);
	free(g->members);
	memset(g, 0, sizeof *g);
}

static void
load_group(struct ld *ld, config_setting_t *e)
{
	static const char *const keys[] = { "id", "name", "members", NULL };
	struct cad_config *cfg = ld->cfg;
	struct cad_group *g = &cfg->groups[cfg->ngroups];
	config_setting_t *is, *ms;
	char ctx[CTX_MAX];

	const char *id = ld_id(ld, e, C_("config", "ryhmä"), keys,
	    ctx, &is);
	bool ok = id != NULL;
	if (id != NULL && cad_config_party(cfg, id) >= 0) {
		ld_err(ld, is, _("ryhmällä '%s' on osapuolen tunniste: "
		    "ryhmällä ja osapuolella ei voi olla samaa tunnistetta"),
		    id);
		ok = false;
	} else if (id != NULL && cad_config_group(cfg, id) >= 0) {
		ld_err(ld, is, _("ryhmän tunniste '%s' on jo käytössä"), id);
		ok = false;
	}
	const char *name = ld_str(ld, e, "name", ctx, true, NULL);
	g->id = cad_strdup(id);
	g->name = cad_strdup(name != NULL ? name : id != NULL ? id : "");
	g->line = config_setting_source_line(e);
	if (ld_member(ld, e, "members", ctx, true) != NULL) {
		ld_party_list(ld, e, "members", ctx, &g->members,
		    &g->nmembers, &ms);
		if (ms != NULL && ld_is_seq(ms) &&
		    config_setting_length(ms) == 0)
			ld_err(ld, ms, _("%s'members' on tyhjä"), ctx);
	}
	if (ok)
		cfg->ngroups++;
	else
		ld_group_release(g);
}

void
ld_load_groups(struct ld *ld, const config_setting_t *root)
{
	static const char *const want = "{ id = ...; name = ...; "
	    "members = [ ... ]; }";
	config_setting_t *s;
	int n = ld_list(ld, root, "groups", false, want, &s);
	ld->cfg->groups = cad_xcalloc((size_t)n + 1, sizeof *ld->cfg->groups);
	ld_each(ld, s, "groups", want, load_group);
}

/* --- references -------------------------------------------------------- */

/* an optional single party id; *out = index or -1 */
void
ld_party(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool required, int *out)
{
	config_setting_t *s;
	const char *id = ld_str(ld, g, name, ctx, required, &s);
	*out = -1;
	if (id == NULL)
		return;
	*out = cad_config_party(ld->cfg, id);
	if (*out < 0)
		ld_err(ld, s, _("%stuntematon osapuoli '%s'"), ctx, id);
}

/* S (list NAME, or an entry of it) is not a list of ids */
static void
not_id_list(struct ld *ld, const config_setting_t *s, const char *name,
    const char *ctx, bool groups_ok)
{
	if (groups_ok)
		ld_err(ld, s, _("%s'%s' pitää olla luettelo osapuolten tai "
		    "ryhmien tunnisteita"), ctx, name);
	else
		ld_err(ld, s, _("%s'%s' pitää olla luettelo osapuolten "
		    "tunnisteita"), ctx, name);
}

/* entry E of list NAME as a unit; false (reported) when unknown */
static bool
read_unit(struct ld *ld, config_setting_t *e, const char *name,
    const char *ctx, bool groups_ok, struct cad_unit *u)
{
	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		not_id_list(ld, e, name, ctx, groups_ok);
		return false;
	}
	const char *id = config_setting_get_string(e);
	if (cad_config_unit(ld->cfg, id, u) < 0) {
		if (groups_ok && ld->cfg->ngroups > 0)
			ld_err(ld, e, _("%stuntematon osapuoli tai ryhmä '%s'"),
			    ctx, id);
		else
			ld_err(ld, e, _("%stuntematon osapuoli '%s'"), ctx, id);
		return false;
	}
	if (!groups_ok && u->group >= 0) {
		ld_err(ld, e, _("%s'%s' sisältää ryhmän '%s': tähän voi "
		    "luetella vain osapuolia"), ctx, name, id);
		return false;
	}
	return true;
}

/* a list of ids, each known and listed once; *sp = the setting */
static void
read_units(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, bool groups_ok, struct cad_unit **out, size_t *nout,
    config_setting_t **sp)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);
	*sp = s;
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		not_id_list(ld, s, name, ctx, groups_ok);
		return;
	}
	int n = config_setting_length(s);
	struct cad_unit *v = cad_xcalloc((size_t)n, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!read_unit(ld, e, name, ctx, groups_ok, &v[k]))
			continue;
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup = dup || (v[j].party == v[k].party &&
			    v[j].group == v[k].group);
		if (dup) {
			ld_err(ld, e, v[k].group >= 0 ? _("%sryhmä '%s' on "
			    "kahdesti avaimessa '%s'") : _("%sosapuoli '%s' on "
			    "kahdesti avaimessa '%s'"), ctx,
			    config_setting_get_string(e), name);
			continue;
		}
		k++;
	}
	*out = v;
	*nout = k;
}

void
ld_party_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, int **out, size_t *nout, config_setting_t **sp)
{
	struct cad_unit *u = NULL;
	size_t n = 0;
	read_units(ld, g, name, ctx, false, &u, &n, sp);
	if (*sp == NULL || u == NULL)
		return;
	*out = cad_xcalloc(n + 1, sizeof **out);
	for (size_t i = 0; i < n; i++)
		(*out)[i] = u[i].party;
	*nout = n;
	free(u);
}

void
ld_unit_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, struct cad_unit **out, size_t *nout,
    config_setting_t **sp)
{
	read_units(ld, g, name, ctx, true, out, nout, sp);
}

void
ld_party_or_group_list(struct ld *ld, const config_setting_t *g,
    const char *name, const char *ctx, int **out, size_t *nout,
    config_setting_t **sp)
{
	struct cad_unit *u = NULL;
	size_t n = 0, k = 0, cap = 0;
	int *v = NULL;
	read_units(ld, g, name, ctx, true, &u, &n, sp);
	for (size_t i = 0; i < n; i++) {
		const int *ps;
		size_t np = cad_config_unit_parties(ld->cfg, &u[i], &ps);
		for (size_t j = 0; j < np; j++) {
			bool dup = false;
			for (size_t m = 0; m < k; m++)
				dup = dup || v[m] == ps[j];
			if (dup)
				continue;
			if (k == cap) {
				cap = cap * 2 + 8;
				v = cad_xreallocarray(v, cap, sizeof *v);
			}
			v[k++] = ps[j];
		}
	}
	free(u);
	*out = v;
	*nout = k;
}

void
ld_str_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
ld_str_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, char ***out, size_t *nout)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);
	if (s == NULL)
		return;
	if (!ld_is_seq(s)) {
		ld_err(ld, s, _("%s'%s' pitää olla luettelo merkkijonoja"),
		    ctx, name);
		return;
	}
	int n = config_setting_length(s);
	char **v = cad_xcalloc((size_t)n + 1, sizeof *v);
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *str = config_setting_type(e) == CONFIG_TYPE_STRING ?
		    config_setting_get_string(e) : NULL;
		if (str == NULL || *str == '\0') {
			ld_err(ld, e, _("%s'%s' pitää olla luettelo ei-tyhjiä "
			    "merkkijonoja"), ctx, name);
			continue;
		}
		v[k++] = cad_strdup(str);
	}
	*out = v;
	*nout = k;
}

void
ld_role_list(struct ld *ld, const config_setting_t *g, const char *name,
    const char *ctx, char ***out, size_t *nout)
{
	config_setting_t *s = ld_member(ld, g, name, ctx, false);
	char **v = NULL;
	size_t n = 0, k = 0;
	ld_str_list(ld, g, name, ctx, &v, &n);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup = dup || strcmp(v[j], v[i]) == 0;
		if (!cad_config_has_role(ld->cfg, v[i]))
			ld_err(ld, s, _("%stuntematon rooli '%s' avaimessa "
			    "'%s': yhdelläkään osapuolella ei ole tämän roolin "
			    "yhteyshenkilöä"), ctx, v[i], name);
		else if (dup)
			ld_err(ld, s, _("%srooli '%s' on kahdesti avaimessa "
			    "'%s'"), ctx, v[i], name);
		else {
			v[k++] = v[i];
			continue;
		}
		free(v[i]);
	}
	*out = v;
	*nout = k;
}

/* --- public look-ups ---------------------------------------------------- */

int
cad_config_group(const struct cad_config *cfg, const char *id)
{
	if (cfg == NULL || id == NULL)
		return -1;
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (strcmp(cfg->groups[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
cad_config_unit(const struct cad_config *cfg, const char *id,
    struct cad_unit *out)
{
	out->party = cad_config_party(cfg, id);
	out->group = out->party < 0 ? cad_config_group(cfg, id) : -1;
	return out->party >= 0 || out->group >= 0 ? 0 : -1;
}

size_t
cad_config_unit_parties(const struct cad_config *cfg,
    const struct cad_unit *u, const int **parties)
{
	if (u->group >= 0) {
		*parties = cfg->groups[u->group].members;
		return cfg->groups[u->group].nmembers;
	}
	*parties = &u->party;
	return 1;
}

const char *
cad_config_unit_id(const struct cad_config *cfg, const struct cad_unit *u)
{
	return u->group >= 0 ? cfg->groups[u->group].id :
	    cfg->parties[u->party].id;
}

const char *
cad_config_party_name(const struct cad_config *cfg, int p)
{
	if (p < 0 || (size_t)p >= cfg->nparties)
		return "?";
	return cfg->parties[p].name != NULL ?
	    cad_tr(cfg, cfg->parties[p].name) : cfg->parties[p].id;
}

const char *
cad_config_unit_name(const struct cad_config *cfg, const struct cad_unit *u)
{
	return u->group >= 0 ? cfg->groups[u->group].name :
	    cfg->parties[u->party].name;
}

int
cad_forum_member_index(const struct cad_config *cfg,
    const struct cad_forum *f, int p)
{
	for (size_t m = 0; m < f->nfor_each; m++) {
		const int *ps;
		size_t n = cad_config_unit_parties(cfg, &f->for_each[m], &ps);
		for (size_t i = 0; i < n; i++)
			if (ps[i] == p)
				return (int)m;
	}
	return -1;
}

const char *
cad_forum_convenor_id(const struct cad_config *cfg,
    const struct cad_forum *f)
{
	return f->convenor >= 0 ? cfg->parties[f->convenor].id : "member";
}

const char *
cad_forum_convenor_name(const struct cad_config *cfg,
    const struct cad_forum *f)
{
	return f->convenor >= 0 ? cfg->parties[f->convenor].name :
	    _("kukin jäsen omalle neuvottelulleen");
}

bool
cad_config_has_role(const struct cad_config *cfg, const char *role)
{
	for (size_t i = 0; i < cfg->nparties; i++)
		for (size_t j = 0; j < cfg->parties[i].ncontacts; j++)
			if (strcmp(cfg->parties[i].contacts[j].role, role) == 0)
				return true;
	return false;
}

static bool
in_roles(const char *role, char *const *roles, size_t nroles)
{
	for (size_t i = 0; i < nroles; i++)
		if (strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

/* appends one recipient unless its address is already in *out */
static size_t
add_recipient(struct cad_recipient **out, size_t *n,
    const struct cad_recipient *r)
{
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp((*out)[i].email, r->email) == 0)
			return 0;
	*out = cad_xreallocarray(*out, *n + 1, sizeof **out);
	(*out)[(*n)++] = *r;
	return 1;
}

size_t
cad_config_contacts(const struct cad_config *cfg, int p,
    char *const *roles, size_t nroles, struct cad_recipient **out,
    size_t *n)
{
	const struct cad_party *party = &cfg->parties[p];
	struct cad_recipient r = { .party = p, .language = party->language };
	size_t added = 0;
	bool any = false;

	for (size_t i = 0; i < party->ncontacts; i++) {
		const struct cad_contact *c = &party->contacts[i];
		if (!in_roles(c->role, roles, nroles))
			continue;
		any = true;
		r.name = c->name;
		r.email = c->email;
		r.role = c->role;
		added += add_recipient(out, n, &r);
	}
	if (!any && party->email != NULL) {
		r.name = party->name;
		r.email = party->email;
		r.role = NULL;
		added += add_recipient(out, n, &r);
	}
	return added;
}
