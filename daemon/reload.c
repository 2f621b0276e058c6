/*
 * reload.c - SIGHUP: the new config, TLS pair, database and outbox
 * servers are checked aside and the new snapshot built before anything
 * is replaced; a reload that fails at any step leaves the old
 * configuration, store, outbox and served bytes in force.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"
#include "metrics.h"

/* what a reload takes, checked aside before anything is replaced */
struct reload_aside {
	struct cad_config *cfg;
	struct cad_store *st;		/* a new database, or NULL */
	struct cad_outbox_worker *w;	/* its worker, or NULL */
	struct tls_pair np;
	bool tls_changed;
};

/* a new config, TLS pair, database and outbox servers, checked; -1
   (said, nothing kept) when the old configuration must stay */
static int
reload_check(struct daemon *d, struct reload_aside *a)
{
	struct cad_error err = { "" };

	if (d->worker == NULL ||
	    (a->cfg = daemon_load_config(d->config_path)) == NULL) {
		log_warnx("%s: not reloaded, the old configuration stays in "
		    "force%s", d->config_path, d->worker == NULL ?
		    " (read-only while the disk is full)" : "");
		return -1;
	}
	if (tls_reload_check(a->cfg, &d->tls, &a->np, &a->tls_changed,
	    &err) != 0)
		goto bad;
	/* a new state_dir, or the database file was replaced */
	if ((strcmp(a->cfg->state_dir, d->store_dir) != 0 ||
	    cad_store_verify(d->store, false, &err) != 0) &&
	    cad_store_open(a->cfg->state_dir, &a->st, &err) != 0) {
		log_warnx("%s: not reloaded: cannot open the database in "
		    "'%s': %s", d->config_path, a->cfg->state_dir, err.msg);
		goto out;
	}
	/* the outbox's servers and passwords: a worker of its own for a
	   new database, else the same one with the new servers */
	if (a->st != NULL ? cad_outbox_worker_new(a->st, a->cfg, &a->w,
	    &err) == 0 : cad_outbox_worker_reconfigure(d->worker, a->cfg,
	    &err) == 0)
		return 0;
	if (a->st != NULL)
		cad_store_close(a->st);
	a->st = NULL;
bad:
	log_err("%s: error: %s", d->config_path, err.msg);
	log_warnx("%s: not reloaded, the old configuration stays in force",
	    d->config_path);
out:
	cad_config_free(a->cfg);
	a->cfg = NULL;
	return -1;
}

/* the reload's build failed (or SIGTERM came, r -ECANCELED): the old
   configuration, database and servers back */
static void
reload_undo(struct daemon *d, struct reload_aside *a,
    struct snapshot_config *old, struct cad_store *old_store, char *old_dir,
    int old_today, int r)
{
	struct cad_error err = { "" };

	if (r != -ECANCELED)
		log_warnx("%s: not reloaded, the old configuration stays in "
		    "force", d->config_path);
	snapshot_config_unref(d->conf);
	d->conf = old;
	if (a->w != NULL)
		cad_outbox_worker_free(a->w);
	else if (cad_outbox_worker_reconfigure(d->worker, old->cfg,
	    &err) != 0)
		log_warnx("outbox: keeps the new servers: %s", err.msg);
	if (a->st != NULL) {
		cad_store_close(a->st);
		free(d->store_dir);
		d->store = old_store;
		d->store_dir = old_dir;
	}
	d->today = old_today;
	if (r == -ECANCELED)
		return;
	metrics_reload(false);
	(void)daemon_rebuild(d, "reload failed");
}

/* SIGHUP: a new config replaces the old one only when it is valid */
void
daemon_reload(struct daemon *d)
{
	struct reload_aside a = { .np = { NULL, NULL } };
	struct snapshot_config *old = d->conf;
	struct cad_store *old_store = d->store;
	char *old_dir = d->store_dir;
	int old_today = d->today, r;

	sd_notify(0, "RELOADING=1\nSTATUS=Reloading the configuration");
	log_info("reloading %s", d->config_path);
	if (reload_check(d, &a) != 0) {
		metrics_reload(false);
		goto done;
	}
	if (strcmp(a.cfg->listen, http_listen(d->http)) != 0)
		log_warnx("http.listen '%s': still listening on '%s' until "
		    "cadenced is restarted", a.cfg->listen,
		    http_listen(d->http));
	d->conf = snapshot_config_new(a.cfg);
	if (a.st != NULL) {
		d->store = a.st;
		d->store_dir = cad_strdup(a.cfg->state_dir);
	}
	d->today = daemon_today(d, a.cfg);
	if ((r = daemon_rebuild_health(d, "reload", false)) != 0) {
		/* it loads but cannot be planned: keep the old one */
		reload_undo(d, &a, old, old_store, old_dir, old_today, r);
		goto done;
	}
	snapshot_config_unref(old);
	if (a.st != NULL) {
		/* transfers in flight stay pending in the old database */
		daemon_worker_swap(d, a.w);
		d->store_version = -1;
		cad_store_close(old_store);
		free(old_dir);
	}
	if (a.tls_changed)
		tls_swap(&d->http, &d->tls, &a.np);
	metrics_reload(true);
	log_info("%s: reloaded", d->config_path);
done:
	tls_release(&a.np);	/* a pair that was not taken */
	sd_notify(0, "READY=1\nSTATUS=Serving");
}
