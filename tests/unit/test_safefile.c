/*
 * test_safefile.c - the files mdtchair writes and reads (core/safefile.c):
 * a new file 0600 under umask 022; an existing one kept, or replaced only
 * when asked and only when regular, whole or not at all (a failed write
 * leaves the old one); a symbolic link, a FIFO or a device never opened
 * for writing, their target and mode untouched; reading refuses a FIFO
 * at once and a directory; two names of one file found the same.
 */
#include "config.h"

#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int
setup(void **state)
{
	struct fx *f = fx_new();

	fx_tempdir(f);
	*state = f;
	return 0;
}

static char *
in(struct fx *f, const char *name)
{
	static char paths[8][300];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", f->dir, name);
	return p;
}

static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
assert_holds(const char *path, const char *text)
{
	size_t len;
	unsigned char *got = fx_slurp(path, &len);

	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	free(got);
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	return sb.st_mode & 07777;
}

/* The entries of the test's folder (to find temporary files left). */
static int
entries(struct fx *f)
{
	DIR *d = opendir(f->dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
test_new_file(void **state)
{
	struct fx *f = *state;
	struct mdt_outfile o;
	char err[512];
	const char *path = in(f, "new \x1b[31m\xe2\x80\xae\nfile.csv");
	mode_t old = umask(022);

	assert_int_equal(mdt_outfile_open(&o, path, false, err, sizeof(err)),
	    0);
	umask(old);
	assert_null(o.tmp);
	assert_true(fputs("rows\n", o.fp) >= 0);
	assert_int_equal(mdt_outfile_commit(&o, err, sizeof(err)), 0);
	assert_holds(path, "rows\n");
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(entries(f), 1);

	/* given up: the file it made is gone */
	path = in(f, "given-up.csv");
	assert_int_equal(mdt_outfile_open(&o, path, false, err, sizeof(err)),
	    0);
	mdt_outfile_abort(&o);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(entries(f), 1);
}

static void
test_existing_file(void **state)
{
	struct fx *f = *state;
	struct mdt_outfile o;
	char err[512];
	const char *path = in(f, "rejects.csv");

	put(path, "old\n", 0644);
	assert_int_equal(mdt_outfile_open(&o, path, false, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "exists: give --force to replace it"));
	assert_holds(path, "old\n");
	assert_int_equal(mode_of(path), 0644);

	/* replaced: the old file whole until the commit, then the new one,
	 * 0600, no temporary file left */
	assert_int_equal(mdt_outfile_open(&o, path, true, err, sizeof(err)), 0);
	assert_non_null(o.tmp);
	assert_int_equal(mode_of(o.tmp), 0600);
	assert_true(fputs("new\n", o.fp) >= 0);
	assert_holds(path, "old\n");
	assert_int_equal(mdt_outfile_commit(&o, err, sizeof(err)), 0);
	assert_holds(path, "new\n");
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(entries(f), 1);

	/* a replacement given up leaves the old file */
	assert_int_equal(mdt_outfile_open(&o, path, true, err, sizeof(err)), 0);
	assert_true(fputs("half", o.fp) >= 0);
	mdt_outfile_abort(&o);
	assert_holds(path, "new\n");
	assert_int_equal(entries(f), 1);
}

static void
test_not_regular(void **state)
{
	struct fx *f = *state;
	struct mdt_outfile o;
	struct stat before, after;
	char err[512];
	const char *target = in(f, "target.txt");
	const char *link = in(f, "link.svg");
	const char *fifo = in(f, "pipe.svg");
	const char *dir = in(f, "folder.svg");

	put(target, "not yours\n", 0644);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	for (int replace = 0; replace < 2; replace++) {
		assert_int_equal(mdt_outfile_open(&o, link, replace, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "is a symbolic link, not a regular"
		    " file"));
		assert_int_equal(mdt_outfile_open(&o, fifo, replace, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "is a FIFO"));
		assert_int_equal(mdt_outfile_open(&o, dir, replace, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "is a directory"));
	}
	assert_holds(target, "not yours\n");
	assert_int_equal(mode_of(target), 0644);
	assert_int_equal(mode_of(fifo), 0644);

	/* a device: refused with replace, and its mode left alone */
	assert_int_equal(stat("/dev/null", &before), 0);
	assert_int_equal(mdt_outfile_open(&o, "/dev/null", true, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "/dev/null is a device, not a regular file:"
	    " it is left as it is (give another name)");
	assert_int_equal(stat("/dev/null", &after), 0);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(entries(f), 4);

	/* another user's regular file: not replaced (root can make one) */
	if (geteuid() == 0) {
		put(target, "theirs\n", 0644);
		assert_int_equal(chown(target, 65534, 65534), 0);
		assert_int_equal(mdt_outfile_open(&o, target, true, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "belongs to another user"));
		assert_holds(target, "theirs\n");
		assert_int_equal(entries(f), 4);
	}
}

static void
test_read(void **state)
{
	struct fx *f = *state;
	struct stat sb;
	char err[512];
	const char *list = in(f, "list.csv");
	const char *fifo = in(f, "pipe.csv");
	const char *hard = in(f, "hard.csv");
	const char *soft = in(f, "soft.csv");
	int fd;

	put(list, "a,b\n", 0644);
	fd = mdt_infile_open(list, "list", &sb, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(sb.st_size, 4);
	close(fd);

	/* a FIFO with no writer: refused, not waited on */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(mdt_infile_open(fifo, "list", &sb, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "is a FIFO, not a regular file"));
	assert_int_equal(mdt_infile_open(f->dir, NULL, &sb, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "is a directory, not a regular file"));
	assert_int_equal(mdt_infile_open(in(f, "none.csv"), "list", &sb, err,
	    sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "list "));

	/* one file by three names; another file is not it */
	assert_int_equal(link(list, hard), 0);
	assert_int_equal(symlink(list, soft), 0);
	assert_true(mdt_file_same(hard, list));
	assert_true(mdt_file_same(soft, list));
	assert_false(mdt_file_same(fifo, list));
	assert_false(mdt_file_same(in(f, "none.csv"), list));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_file, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_existing_file, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_read, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
