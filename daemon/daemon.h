/*
 * daemon.h - the daemon's one state and what main.c (start, the poll
 * loop, signals), state.c (rebuilds, the store's health, the outbox
 * worker) and reload.c (SIGHUP) do with it.  All of it runs on the main
 * thread; the HTTP threads only read published snapshots.
 */
#ifndef CAD_DAEMON_H
#define CAD_DAEMON_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/config.h"
#include "net/deliver.h"
#include "store/store.h"
#include "http.h"
#include "snapshot.h"
#include "tls.h"

struct daemon {
	const char *config_path;
	int fixed_today;		/* --today, or CAD_NODAY */
	unsigned store_flags;		/* CAD_STORE_RESET: --reset-state */
	unsigned ticks;
	int today;
	struct snapshot_config *conf;
	struct cad_store *store;
	char *store_dir;		/* the state_dir the store lives in */
	struct http *http;
	struct tls_pair tls;		/* what http serves HTTPS with */
	int64_t store_version;		/* cad_store_changed last seen */
	int64_t depth_version;		/* ... at the last outbox count */
	bool dirty;			/* the last rebuild failed: retry */
	bool restored;			/* serving kept documents: build */
	bool stale;			/* ... made of other inputs: now */
	int sigfd, tickfd, wdfd;
	uint64_t wd_usec;
	struct cad_outbox_worker *worker;
	unsigned worker_gen;		/* bumps when worker is replaced */
	struct cad_outbox_stats seen;	/* worker stats already counted */
	bool worker_failing;		/* its last run failed: pause */
};

/* main.c: today in the config's zone (or --today); the config at path,
   every diagnostic logged, NULL on error */
int daemon_today(const struct daemon *d, const struct cad_config *cfg);
struct cad_config *daemon_load_config(const char *path);

/* state.c */
int daemon_rebuild_health(struct daemon *d, const char *why, bool health);
int daemon_rebuild(struct daemon *d, const char *why);
/* at start: publishes the kept documents if this program made them
   (persist.h), with d->stale when they are not what a build would make
   now; false when there are none such */
bool daemon_restore(struct daemon *d);
void daemon_disk_check(struct daemon *d);
bool daemon_db_check(struct daemon *d);
int daemon_open_store(struct daemon *d, struct cad_error *err);
int daemon_writable_again(struct daemon *d);
void daemon_outbox_depth(struct daemon *d);
void daemon_deliver(struct daemon *d, const struct pollfd *fds, size_t n);
void daemon_worker_swap(struct daemon *d, struct cad_outbox_worker *w);

/* reload.c: SIGHUP */
void daemon_reload(struct daemon *d);

#endif
