/*
 * export.c - `cadencectl export`: the iCalendar feeds of SPEC § 5 without
 * the daemon.
 *
 *	export [--forum ID | --party ID]	one feed on stdout
 *	export --dir DIR			every feed under DIR, with
 *						the paths the daemon serves
 *
 * The content is the daemon's: the window today - 1 year .. today +
 * horizon_days, every series' content hash synced into the store first
 * (so SEQUENCE and LAST-MODIFIED rise only on real change, and the CLI
 * and the daemon agree on them), and the feeds, calendar names and
 * DTSTAMP of core/render/feeds.c, so that an unchanged feed renders to the same
 * bytes.
 *
 * Files under --dir are replaced atomically: written to a temporary file
 * in the same directory, fsync'd, renamed over the old one, and the
 * directory fsync'd, so a web server serving DIR never sees half a feed.
 * DIR/calendars/deadlines.ics comes from core/render/deadlines.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "model/deadline.h"
#include "render/deadlines.h"
#include "render/feeds.h"
#include "render/flat.h"
#include "render/ical.h"

#define EXPORT_FEED_MAX		(256u << 20)	/* one feed; the daemon serves 32 MB */


struct export_args {
	const char *forum;
	const char *party;
	const char *dir;
};

/* the planned window with every series' stored SEQUENCE / LAST-MODIFIED */
struct export {
	struct cli *c;
	struct cad_plan plan;
	struct cad_series_state *states;
	struct cad_ical_set *set;	/* every series rendered once */
	struct cad_feed *feeds;		/* what to publish */
	size_t nfeeds;
	int64_t now;
};

static int
parse_export(struct cli *c, struct export_args *a)
{
	const struct cli_opt opts[] = {
		{ "forum", NULL, &a->forum, NULL },
		{ "party", NULL, &a->party, NULL },
		{ "dir", NULL, &a->dir, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int npos, r;

	memset(a, 0, sizeof *a);
	if ((r = cli_options(c, opts, NULL, 0, &npos)) != 0)
		return r;
	if (a->forum && a->party)
		return cli_usage(_("%1$s: anna %2$s tai %3$s, ei molempia"),
		    "export", "--forum", "--party");
	if (a->dir && (a->forum || a->party))
		return cli_usage(_("%1$s: %2$s kirjoittaa kaikki syötteet: "
		    "jätä %3$s ja %4$s pois"), "export", "--dir", "--forum",
		    "--party");
	if (a->dir && *a->dir == '\0')
		return cli_usage(_("%1$s: %2$s tarvitsee hakemiston"), "export",
		    "--dir");
	return 0;
}

static void
export_release(struct export *x)
{
	cad_ical_set_free(x->set);
	x->set = NULL;
	cad_feeds_free(x->feeds, x->nfeeds);
	x->feeds = NULL;
	x->nfeeds = 0;
	cad_plan_release(&x->plan);
	free(x->states);
	x->states = NULL;
}

/*
 * The series text of x->plan in the thread's language, and the owners'
 * tasks at the end of their party feeds (SPEC § 10.3), as the daemon
 * has them.  0 or an exit status.
 */
static int
export_set(struct export *x)
{
	const struct cad_config *cfg = x->c->cfg;
	struct cad_error err = { "" };
	struct cad_deadline *dl = NULL;
	size_t ndl = 0;
	int r;

	if (cad_ical_set_new(cfg, &x->c->ctx, &x->plan, x->states, &x->set,
	    &err) < 0) {
		cli_warnx(_("syötettä ei voi muodostaa: %s"), err.msg);
		return 1;
	}
	if ((r = cad_deadlines(cfg, &x->c->ctx, &dl, &ndl, &err)) == 0)
		r = cad_feeds_tasks(x->set, dl, ndl, x->now, &err);
	cad_deadlines_free(dl, ndl);
	if (r < 0) {
		cli_warnx(_("tehtäviä ei voi muodostaa: %s"), err.msg);
		return 1;
	}
	return 0;
}

/* plans the window and syncs every series into the store */
static int
export_prepare(struct export *x, struct cli *c)
{
	const struct cad_config *cfg;
	struct cad_error err = { "" };
	int from, to, r;

	memset(x, 0, sizeof *x);
	x->c = c;
	cfg = c->cfg;
	x->now = (int64_t)time(NULL);
	x->nfeeds = cad_feeds(cfg, &x->feeds);
	/* the hashes of the invitations' window, as the daemon's (ical.h) */
	cad_invite_window(cfg, &c->ctx, &from, &to);
	if ((r = cli_plan(c, from, to, &x->plan)) != 0)
		return r;
	x->states = cad_xcalloc(x->plan.nseries + 1, sizeof *x->states);
	/* every series' hash in one pass; SEQUENCEs in one transaction */
	char (*hash)[65] = cad_xcalloc(x->plan.nseries + 1, sizeof *hash);
	cad_ical_series_hashes(cfg, &c->ctx, &x->plan, hash);
	r = cad_store_begin(c->store, &err);
	for (size_t i = 0; r == 0 && i < x->plan.nseries; i++)
		if ((r = cad_store_series_sync(c->store,
		    x->plan.series[i].uid, hash[i], x->now, &x->states[i],
		    &err)) < 0)
			cad_store_rollback(c->store);
	if (r == 0 && (r = cad_store_commit(c->store, &err)) < 0)
		cad_store_rollback(c->store);
	free(hash);
	if (r < 0) {
		cli_warnx(_("sarjoja ei voi kirjata: %s"), err.msg);
		return 1;
	}
	/* the feeds show the publish window */
	cad_publish_window(cfg, c->today, &from, &to);
	cad_plan_keep(&x->plan, from, to);
	return export_set(x);
}

/* renders one series feed into b (initialised here); 0 or an exit
   status */
static int
render(struct export *x, const struct cad_feed *f, struct cad_buf *b)
{
	struct cad_error err = { "" };
	int r;

	cad_buf_init(b, EXPORT_FEED_MAX);
	if (f->flat)
		r = cad_flat_feed(x->set, f->forum, f->party, f->name,
		    cad_feed_dtstamp(x->set, f, x->now, NULL), b, &err);
	else
		r = cad_ical_set_feed(x->set, f->forum, f->party, f->name,
		    cad_feed_dtstamp(x->set, f, x->now, NULL), b, &err);
	if (r < 0) {
		cli_warnx(_("syötettä ei voi muodostaa: %s"), err.msg);
		cad_buf_release(b);
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */
/* --dir */

/* mkdir -p path (0755 before the umask); 0 or -errno */
static int
make_dirs(const char *path)
{
	char *p = cad_strdup(path), *s;
	struct stat sb;
	int r = 0;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char saved = *s;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		*s = saved;
		if (saved == '\0')
			break;
	}
	if (r == 0 && stat(p, &sb) < 0)
		r = -errno;
	else if (r == 0 && !S_ISDIR(sb.st_mode))
		r = -ENOTDIR;
	free(p);
	return r;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* dir/name replaced by data: temp file, fsync, rename, fsync dir */
static int
write_atomic(const char *dir, const char *name, const struct cad_buf *b)
{
	char *path = cad_asprintf("%s/%s", dir, name);
	char *tmp = cad_asprintf("%s/.%s.XXXXXX", dir, name);
	mode_t mask;
	int fd, dfd, r = 0;

	if ((r = make_dirs(dir)) < 0) {
		cli_warnx(_("hakemistoa '%1$s' ei voi luoda: %2$s"), dir,
		    strerror(-r));
		goto out;
	}
	if ((fd = mkstemp(tmp)) < 0) {
		r = -errno;
		cli_warnx(_("tiedostoa '%1$s' ei voi luoda: %2$s"),
		    tmp, strerror(-r));
		goto out;
	}
	/* mkstemp makes it 0600; a feed is for everyone to read */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 ||
	    (r = write_all(fd, b->data ? b->data : "", b->len)) < 0 ||
	    fsync(fd) < 0) {
		if (r == 0)
			r = -errno;
		cli_warnx(_("tiedostoon '%1$s' ei voi kirjoittaa: %2$s"),
		    tmp, strerror(-r));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0) {
		r = -errno;
		cli_warnx(_("tiedostoon '%1$s' ei voi kirjoittaa: %2$s"),
		    tmp, strerror(-r));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		cli_warnx(_("tiedostoa '%1$s' ei voi nimetä uudelleen '%2$s': "
		    "%3$s"), tmp, path, strerror(-r));
		unlink(tmp);
		goto out;
	}
	/* the rename itself survives a crash only once the dir is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
out:
	free(path);
	free(tmp);
	return r;
}

/*
 * calendars/deadlines.ics into b (initialised here): the agreement's
 * deadlines (SPEC §§ 5, 7) as all-day events, NAME from
 * core/render/deadlines.c.
 * 0 or an exit status.
 */
static int
render_deadlines(struct export *x, const struct cad_feed *f,
    struct cad_buf *b)
{
	struct cad_deadline *dl = NULL;
	struct cad_error err = { "" };
	size_t ndl = 0;
	int r;

	if (cad_deadlines(x->c->cfg, &x->c->ctx, &dl, &ndl, &err) < 0) {
		cli_warnx(_("määräaikoja ei voi laskea: %s"), err.msg);
		return 1;
	}
	cad_buf_init(b, EXPORT_FEED_MAX);
	r = cad_deadlines_ical(x->c->cfg, dl, ndl, f->name,
	    cad_feed_dtstamp(x->set, f, x->now, NULL), b, &err);
	cad_deadlines_free(dl, ndl);
	if (r < 0) {
		cli_warnx(_("määräaikoja ei voi muodostaa: %s"), err.msg);
		cad_buf_release(b);
		return 1;
	}
	return 0;
}

/* every feed under root, at the path the daemon serves it at */
static int
export_tree(struct export *x, const char *root)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < x->nfeeds; i++) {
		const struct cad_feed *f = &x->feeds[i];
		const char *file = strrchr(f->path, '/') + 1;
		struct cad_buf b;
		char *dir;

		r = f->deadlines ? render_deadlines(x, f, &b) :
		    render(x, f, &b);
		if (r != 0)
			break;
		dir = cad_asprintf("%s/%.*s", root, (int)(file - 1 - f->path),
		    f->path);
		if (write_atomic(dir, file, &b) < 0)
			r = 1;
		free(dir);
		cad_buf_release(&b);
	}
	return r;
}

/* the feeds' names and series text again, in the thread's language */
static int
export_relang(struct export *x)
{
	cad_feeds_free(x->feeds, x->nfeeds);
	x->nfeeds = cad_feeds(x->c->cfg, &x->feeds);
	cad_ical_set_free(x->set);
	x->set = NULL;
	return export_set(x);
}

/*
 * The trees the daemon serves (SPEC § 10.4): the default language at
 * root and at root/<lang>, every other listed language at root/<lang>.
 */
static int
export_dir(struct export *x, const char *root)
{
	const struct cad_config *cfg = x->c->cfg;
	int r = 0;

	for (size_t li = 0; r == 0 && li < cfg->nlangs; li++) {
		const char *code = cad_lang_code(cfg->langs[li]);
		if (cad_lang_use(cfg->langs[li]) < 0 && li > 0) {
			cli_warnx(_("kieli '%s' ohitettu: sille ei ole "
			    "localea eikä käännösluetteloa"), code);
			continue;
		}
		char *sub = cad_asprintf("%s/%s", root, code);
		if ((r = export_relang(x)) == 0 && li == 0)
			r = export_tree(x, root);
		if (r == 0)
			r = export_tree(x, sub);
		free(sub);
	}
	return r;
}

int
cmd_export(struct cli *c)
{
	struct export_args a;
	struct export x;
	struct cad_buf b;
	int r, forum = -1, party = -1;

	if ((r = parse_export(c, &a)) != 0)
		return r;
	c->quiet_warnings = true;
	if ((r = cli_open(c, true)) != 0)
		return r;
	if (a.forum && (forum = cli_arg_forum(c, a.forum)) < 0)
		return 1;
	if (a.party && (party = cli_arg_party(c, a.party)) < 0)
		return 1;
	if ((r = export_prepare(&x, c)) != 0) {
		export_release(&x);
		return r;
	}
	if (a.dir)
		r = export_dir(&x, a.dir);
	else if ((r = render(&x, cad_feeds_find(x.feeds, x.nfeeds, forum,
	    party), &b)) == 0)
		r = cli_print_buf(&b, 0);
	export_release(&x);
	return r;
}
