/*
 * tmpdir.h - removing a test's temporary directory tree (the store
 * tests: test_access.c, test_outbox.c, test_reminder.c, test_store.c,
 * test_task.c).  Static inline: each test is a binary of its own.
 */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static inline int
tmpdir_rm_one(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* dir and everything in it, not following symbolic links */
static inline void
tmpdir_remove(const char *dir)
{
	(void)nftw(dir, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
