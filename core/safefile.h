/*
 * safefile.h - how mdtchair opens the files it is given (safefile.c).
 * A file written with patient data in it is created 0600, never through
 * a symbolic link, never over an existing file unless asked to replace
 * it; a replaced file is only ever a regular one, swapped atomically for
 * a new file made beside it.  A file read is a regular file, found so
 * before any byte is read: a FIFO, a directory or a device is refused at
 * once rather than waited on.
 */
#ifndef MDT_SAFEFILE_H
#define MDT_SAFEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/*
 * Each function that can fail writes its one-line reason into err, of
 * errlen bytes (not NULL).
 *
 * A file being written (mdt_outfile_open .. mdt_outfile_commit or
 * mdt_outfile_abort).  fp is where to write.
 */
struct mdt_outfile {
	FILE *fp;
	char *path;		/* the file asked for */
	char *tmp;		/* replacing: the new file beside it, renamed
				 * over it at the commit; else NULL */
	dev_t dev;		/* the file made, to remove only that one */
	ino_t ino;
};

/*
 * Opens path for writing.  A file that is not there is created, mode
 * 0600, with O_CREAT|O_EXCL|O_NOFOLLOW.  An existing one is kept unless
 * replace, and even then only a regular file of this user's is replaced
 * (never a symbolic link, a device, a FIFO or a directory, whose mode is
 * not touched either): the text goes to a new 0600 file in the same
 * folder that mdt_outfile_commit renames over it.  0, or -1 with a one-line reason
 * naming the file in err (an existing file: "PATH exists: give --force
 * to replace it").
 */
int mdt_outfile_open(struct mdt_outfile *f, const char *path, bool replace,
    char *err, size_t errlen);

/*
 * A scratch file for what must not stay in memory: made 0600 in the
 * folder of beside (a file's path), with no name (O_TMPFILE; where the
 * file system has none, a new name of its own, removed at once), so that
 * it goes when its descriptor is closed and no one can open it by name.
 * Read and write; its descriptor, or -1 with errno set.
 */
int mdt_scratch_open(const char *beside);

/*
 * Writes out what is buffered and makes it durable (fflush, fsync),
 * keeping the file open: 0, or -1 and the reason in err.  For a writer
 * that wants to know before its commit that every byte reached the disk.
 */
int mdt_outfile_sync(struct mdt_outfile *f, char *err, size_t errlen);

/*
 * Finishes the file: synced, closed and, when replacing, renamed over
 * the file it replaces.  0, or -1 with the reason in err and nothing
 * left behind (the new file removed, a replaced file as it was).  f is
 * done with either way.
 */
int mdt_outfile_commit(struct mdt_outfile *f, char *err, size_t errlen);

/* Gives the file up: closed, and the file it made removed (a file it
 * was to replace is left as it was).  A closed f is left alone. */
void mdt_outfile_abort(struct mdt_outfile *f);

/*
 * Opens path for reading, a regular file only.  It is opened without
 * waiting (O_NONBLOCK, so that a FIFO with no writer does not hang),
 * checked with fstat, then set to blocking reads.  The open descriptor
 * (its stat in *sb), or -1 with a one-line reason in err: "WHAT PATH is
 * a directory, not a regular file", "WHAT PATH: No such file or directory"
 * (errno kept from the failing call, ENOENT for a missing file; EINVAL
 * for a file that is not regular).  what may be NULL.
 */
int mdt_infile_open(const char *path, const char *what, struct stat *sb,
    char *err, size_t errlen);

/* True if path names the file sb describes (the same device and inode,
 * through any symbolic or hard link); false if it names no file. */
bool mdt_file_is(const char *path, const struct stat *sb);

/* True if paths a and b both name one file (through any link). */
bool mdt_file_same(const char *a, const char *b);

/* What kind of file the mode says: "a regular file", "a directory",
 * "a FIFO", "a device", "a socket", "a symbolic link". */
const char *mdt_file_kind(mode_t mode);

#endif
