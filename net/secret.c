/*
 * secret.c - password files; see secret.h.
 */
#include "net/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the opened file is one the owner alone may use, and a regular one */
static int
secret_check(const char *what, const char *path, int fd,
    struct cad_error *err)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0) {
		int r = -errno;
		cad_error_set(err, "%s: cannot stat '%s': %s", what, path,
		    strerror(errno));
		return r;
	}
	if (!S_ISREG(sb.st_mode)) {
		cad_error_set(err, "%s: password file '%s' is not a regular "
		    "file", what, path);
		return -EINVAL;
	}
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		cad_error_set(err, "%s: password file '%s' is accessible by "
		    "group or others (mode %04o); chmod 600 it", what, path,
		    (unsigned)(sb.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int
cad_secret_read(const char *what, const char *path, char **out,
    struct cad_error *err)
{
	char buf[CAD_SECRET_MAX + 1];
	ssize_t n;
	size_t len = 0;
	int fd, r;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return 0;
	/* O_NONBLOCK: opening a FIFO does not wait for a writer */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0) {
		r = -errno;
		cad_error_set(err, "%s: cannot open password file '%s': %s",
		    what, path, errno == ELOOP ? "is a symbolic link" :
		    strerror(errno));
		return r;
	}
	if ((r = secret_check(what, path, fd, err)) < 0)
		goto out;
	while (len < sizeof buf - 1 &&
	    (n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			cad_error_set(err, "%s: cannot read '%s': %s", what,
			    path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len >= CAD_SECRET_MAX) {
		cad_error_set(err, "%s: password file '%s' is too long", what,
		    path);
		r = -E2BIG;
		goto out;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	buf[len] = '\0';
	*out = cad_strdup(buf);
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return r;
}

void
cad_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}
