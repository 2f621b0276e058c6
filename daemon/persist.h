/*
 * persist.h - the last snapshot kept in the state directory, so that a
 * restart serves at once (the national config takes most of a second of
 * CPU to build; BENCHMARKS.md) and builds again behind it.
 *
 * After every published build whose key differs from the kept one, a
 * thread of its own writes the snapshot's documents (paths, types,
 * ETags, Last-Modified and the bodies) to state_dir/cadenced.snapshot
 * (a temporary file, fsync, rename).  At start, the daemon serves that
 * file's documents instead of building first.  They are what a build
 * would make when the file was written by this same program (the
 * executable, every shared library and message catalogue it had mapped
 * (path, device, inode, size, mtime), each still the same on disk, and
 * the running process mapping nothing they do not list) and its key is
 * this start's, the same
 *   - config as parsed (cad_config.digest: the settings and the path),
 *   - day (today),
 *   - store contents that documents are made of (cad_store_digest:
 *     overrides, terminations, series states, tasks done, additions,
 *     the audit), as the kept build committed them,
 *   - locale directory and its catalogues.
 * With all of those equal a build makes the same bytes (the feeds'
 * DTSTAMP is the newest LAST-MODIFIED of their series, not the clock);
 * the build still runs at the first tick after the start (it syncs
 * SEQUENCEs and enqueues invitations and reminders: nothing is sent from
 * a kept snapshot, nothing is skipped), and its documents replace the
 * kept ones with the same ETags and Last-Modified.  With another key
 * (the config, the day or the store changed while the daemon was
 * stopped) or another program (an upgrade of cadenced or of a library),
 * the kept documents are "stale": served while the build runs at once,
 * as a running daemon serves its last snapshot while it builds after a
 * SIGHUP, a new day or a cadencectl change, and replaced by what that
 * build makes, which is kept anew.
 *
 * A file of another format (KEPT_MAGIC's version), a damaged or short
 * file, or no file: the start builds first (one debug line says why).  The file is only ever replaced by a
 * rename, never written in place, so its mapping stays valid.
 */
#ifndef DAEMON_PERSIST_H
#define DAEMON_PERSIST_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

#define PERSIST_FILE	"cadenced.snapshot"

/*
 * The kept snapshot for conf, today and the store now, published by
 * the caller: 0 and *out, with *stale when its key is not this start's
 * or another program made it (made of other inputs: build at once);
 * -ENOENT when there is none or it is damaged or of another format (err
 * says why), else -errno with err.
 */
int persist_restore(struct snapshot_config *conf, struct cad_store *st,
    const char *dir, int today, int64_t now, struct snapshot **out,
    bool *stale, struct cad_error *err);

/*
 * Keeps s in dir in the background (takes no reference from the caller;
 * holds its own while writing): nothing when its key is the kept one,
 * when s has no store digest (read-only store) or dir has no room.
 */
void persist_save(struct snapshot *s, const char *dir);

/* at the exit: a write in progress is given up, its thread joined */
void persist_stop(void);

/* the key of s (PERSIST_KEY bytes, hex) as the kept file holds it;
   0, or -ENOENT when s has no store digest */
int persist_key(const struct cad_config *cfg, int today,
    const char *store_digest, char out[static 65]);

/* persist_key.c: the program's files as mapped now; (n entries) */
struct persist_dep {
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
	char *path;
};
int persist_deps_now(const char *skip, struct persist_dep **out, size_t *n);
void persist_deps_free(struct persist_dep *d, size_t n);
/* every dep still the same on disk and the process maps no other file
   (skip: the kept file itself); 0 or -ENOENT with err */
int persist_deps_check(const struct persist_dep *d, size_t n,
    const char *skip, struct cad_error *err);

#endif
