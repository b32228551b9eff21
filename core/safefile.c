/*
 * safefile.c - the files mdtchair is given to write (the rejects of an
 * import, a chart) and to read (a list, the configuration, a token).
 * Written files are made 0600 with O_CREAT|O_EXCL|O_NOFOLLOW and never
 * clobber what is there: a regular file is replaced only on request, by
 * a new file in the same folder renamed over it, so that the old one is
 * whole until the new one is; a symbolic link, a device or a FIFO is
 * never written through, replaced or chmodded.  Read files are opened
 * without blocking and checked to be regular before any read, so that a
 * FIFO is an error at once instead of a wait for a writer.
 */
#include "config.h"

#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Tries at a name for the new file before giving up. */
#define TMP_TRIES 64

const char *
mdt_file_kind(mode_t mode)
{
	if (S_ISREG(mode))
		return "a regular file";
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

bool
mdt_file_is(const char *path, const struct stat *sb)
{
	struct stat other;

	return stat(path, &other) == 0 && other.st_dev == sb->st_dev &&
	    other.st_ino == sb->st_ino;
}

bool
mdt_file_same(const char *a, const char *b)
{
	struct stat sb;

	return stat(b, &sb) == 0 && mdt_file_is(a, &sb);
}

/* A new file, mode 0600, that was not there: its descriptor, or -1 with
 * errno set. */
static int
create_new(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC | O_NOCTTY, 0600);
}

/* A new file beside path (".mdtchair-XXXXXXXX.tmp" in its folder), its
 * name in *tmp, opened with flags (O_WRONLY or O_RDWR); or -1 with errno
 * set. */
static int
create_beside_as(const char *path, char **tmp, int flags)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash == NULL ? 0 : (int)(slash - path) + 1;
	char uuid[37];
	int fd = -1;

	for (int i = 0; fd < 0 && i < TMP_TRIES; i++) {
		mdt_uuid_new(uuid);
		*tmp = mdt_xasprintf("%.*s.mdtchair-%.8s.tmp", dirlen, path,
		    uuid);
		fd = open(*tmp, flags | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0) {
			int e = errno;

			free(*tmp);
			*tmp = NULL;
			errno = e;
			if (e != EEXIST)
				break;
		}
	}
	return fd;
}

static int
create_beside(const char *path, char **tmp)
{
	return create_beside_as(path, tmp, O_WRONLY);
}

int
mdt_scratch_open(const char *beside)
{
	const char *slash = strrchr(beside, '/');
	char *dir = slash == NULL ? mdt_xstrdup(".") :
	    mdt_xasprintf("%.*s", slash == beside ? 1 : (int)(slash - beside),
	    beside);
	char *tmp = NULL;
	int fd, e;

	/* no name at all where the folder's file system allows it */
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	e = errno;
	free(dir);
	if (fd >= 0 || (e != EOPNOTSUPP && e != EISDIR && e != EINVAL)) {
		errno = e;
		return fd;
	}
	/* else a name of its own, taken away before any byte is written */
	fd = create_beside_as(beside, &tmp, O_RDWR);
	if (fd >= 0 && unlink(tmp) != 0) {
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	free(tmp);
	return fd;
}

int
mdt_outfile_open(struct mdt_outfile *f, const char *path, bool replace,
    char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	memset(f, 0, sizeof(*f));
	if (path == NULL || path[0] == '\0') {
		snprintf(err, errlen, "no file name given");
		return -1;
	}
	fd = create_new(path);
	if (fd < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fd < 0) {
		/* something is there: say what, and replace only a regular
		 * file, only when asked */
		if (lstat(path, &sb) != 0) {
			snprintf(err, errlen, "cannot create %s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (!S_ISREG(sb.st_mode)) {
			snprintf(err, errlen, "%s is %s, not a regular file:"
			    " it is left as it is (give another name)", path,
			    mdt_file_kind(sb.st_mode));
			return -1;
		}
		if (!replace) {
			snprintf(err, errlen, "%s exists: give --force to"
			    " replace it", path);
			return -1;
		}
		/* a rename would replace it whatever its owner allows */
		if (sb.st_uid != geteuid()) {
			snprintf(err, errlen, "%s belongs to another user: it"
			    " is left as it is (give another name)", path);
			return -1;
		}
		fd = create_beside(path, &f->tmp);
		if (fd < 0) {
			snprintf(err, errlen, "cannot create a file beside %s"
			    " to replace it: %s", path, strerror(errno));
			return -1;
		}
	}
	if (fstat(fd, &sb) != 0 || !(f->fp = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		unlink(f->tmp != NULL ? f->tmp : path);
		free(f->tmp);
		f->tmp = NULL;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
		return -1;
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->path = mdt_xstrdup(path);
	return 0;
}

int
mdt_outfile_sync(struct mdt_outfile *f, char *err, size_t errlen)
{
	errno = 0;
	if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", f->path,
		    errno != 0 ? strerror(errno) : "write failed");
		return -1;
	}
	return 0;
}

/* Makes a rename in the folder of path durable, as far as it can. */
static void
sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? mdt_xstrdup(".") : slash == path ?
	    mdt_xstrdup("/") : mdt_xasprintf("%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
mdt_outfile_commit(struct mdt_outfile *f, char *err, size_t errlen)
{
	int rc;

	if (mdt_outfile_sync(f, err, errlen) != 0) {
		mdt_outfile_abort(f);
		return -1;
	}
	rc = fclose(f->fp);
	f->fp = NULL;
	if (rc != 0) {
		snprintf(err, errlen, "cannot write %s: %s", f->path,
		    strerror(errno));
		mdt_outfile_abort(f);
		return -1;
	}
	if (f->tmp != NULL && rename(f->tmp, f->path) != 0) {
		snprintf(err, errlen, "cannot replace %s: %s", f->path,
		    strerror(errno));
		mdt_outfile_abort(f);
		return -1;
	}
	if (f->tmp != NULL)
		sync_folder(f->path);
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
	return 0;
}

void
mdt_outfile_abort(struct mdt_outfile *f)
{
	const char *made = f->tmp != NULL ? f->tmp : f->path;
	struct stat sb;

	if (f->fp != NULL)
		fclose(f->fp);
	/* only the file this made, not one put in its place since */
	if (made != NULL && lstat(made, &sb) == 0 && sb.st_dev == f->dev &&
	    sb.st_ino == f->ino)
		unlink(made);
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

int
mdt_infile_open(const char *path, const char *what, struct stat *sb,
    char *err, size_t errlen)
{
	const char *sp = what != NULL ? " " : "";
	int fd, flags, e;

	if (what == NULL)
		what = "";
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, sb) != 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s%s%s: %s", what, sp, path,
		    strerror(e));
		errno = e;
		return -1;
	}
	if (!S_ISREG(sb->st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s%s%s is %s, not a regular file", what,
		    sp, path, mdt_file_kind(sb->st_mode));
		errno = EINVAL;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "%s%s%s: %s", what, sp, path,
		    strerror(e));
		errno = e;
		return -1;
	}
	return fd;
}
