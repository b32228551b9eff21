/*
 * faultvfs.c - a SQLite VFS for the I/O fault tests: it wraps the default
 * VFS, becomes the default itself, and makes writes, syncs and truncations
 * fail on demand as a full disk or a failing one would.
 *
 * Two ways in:
 *  - built as faultvfs.so and put in LD_PRELOAD of the real mdtchair (the
 *    product is unchanged): a constructor registers the VFS, and before
 *    each write, sync or truncation the file named by $MDT_FAULT_FILE is
 *    read.  Absent or empty: no fault.  "full": writes and truncations fail
 *    with SQLITE_FULL.  "eio": writes, syncs and truncations fail with
 *    SQLITE_IOERR_WRITE / _FSYNC / _TRUNCATE.  "eio-sync": only syncs fail
 *    (the bytes reach the file, their durability is unknown).  "slow-sync":
 *    nothing fails, but each sync first sleeps 0.8 s (a slow disk: a
 *    writer's log is written well before its commit can be read).
 *  - compiled into a unit test, which calls faultvfs_install() and sets the
 *    fault with faultvfs_set() (NULL or "" for none; the file is then not
 *    read).
 *
 * faultvfs_count() says how many calls were failed, so that a test can
 * tell that the fault was met and not stepped around.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "faultvfs.h"

enum fault {
	FAULT_NONE,
	FAULT_FULL,
	FAULT_EIO,
	FAULT_EIO_SYNC,
	FAULT_SLOW_SYNC,
};

struct fault_file {
	sqlite3_file base;	/* must be first */
	sqlite3_file *real;	/* allocated after this struct */
};

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *real_vfs;
static const char *fault_path;		/* from $MDT_FAULT_FILE */
static int fault_forced = -1;		/* set by faultvfs_set; -1: the file */
static unsigned long fault_hits;

static enum fault
fault_parse(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (n == 4 && memcmp(s, "full", 4) == 0)
		return FAULT_FULL;
	if (n == 3 && memcmp(s, "eio", 3) == 0)
		return FAULT_EIO;
	if (n == 8 && memcmp(s, "eio-sync", 8) == 0)
		return FAULT_EIO_SYNC;
	if (n == 9 && memcmp(s, "slow-sync", 9) == 0)
		return FAULT_SLOW_SYNC;
	return FAULT_NONE;
}

/* The fault in force now (the control file is read on every call, so a
 * test can switch it while the program runs). */
static enum fault
fault_now(void)
{
	char buf[32];
	ssize_t n;
	int fd, saved = errno;

	if (fault_forced >= 0)
		return (enum fault)fault_forced;
	if (fault_path == NULL)
		return FAULT_NONE;
	fd = open(fault_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = saved;
		return FAULT_NONE;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	errno = saved;
	return n > 0 ? fault_parse(buf, (size_t)n) : FAULT_NONE;
}

static struct fault_file *
ff(sqlite3_file *f)
{
	return (struct fault_file *)f;
}

/* ---- the file methods ------------------------------------------------ */

static int
fault_close(sqlite3_file *f)
{
	int rc = ff(f)->real->pMethods != NULL ?
	    ff(f)->real->pMethods->xClose(ff(f)->real) : SQLITE_OK;

	return rc;
}

static int
fault_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
	return ff(f)->real->pMethods->xRead(ff(f)->real, buf, amt, off);
}

static int
fault_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
	switch (fault_now()) {
	case FAULT_FULL:
		fault_hits++;
		return SQLITE_FULL;
	case FAULT_EIO:
		fault_hits++;
		return SQLITE_IOERR_WRITE;
	default:
		return ff(f)->real->pMethods->xWrite(ff(f)->real, buf, amt,
		    off);
	}
}

static int
fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	switch (fault_now()) {
	case FAULT_FULL:
		fault_hits++;
		return SQLITE_FULL;
	case FAULT_EIO:
		fault_hits++;
		return SQLITE_IOERR_TRUNCATE;
	default:
		return ff(f)->real->pMethods->xTruncate(ff(f)->real, size);
	}
}

static int
fault_sync(sqlite3_file *f, int flags)
{
	switch (fault_now()) {
	case FAULT_EIO:
	case FAULT_EIO_SYNC:
		fault_hits++;
		return SQLITE_IOERR_FSYNC;
	case FAULT_SLOW_SYNC:
		usleep(800000);
		return ff(f)->real->pMethods->xSync(ff(f)->real, flags);
	default:
		return ff(f)->real->pMethods->xSync(ff(f)->real, flags);
	}
}

static int
fault_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return ff(f)->real->pMethods->xFileSize(ff(f)->real, size);
}

static int
fault_lock(sqlite3_file *f, int level)
{
	return ff(f)->real->pMethods->xLock(ff(f)->real, level);
}

static int
fault_unlock(sqlite3_file *f, int level)
{
	return ff(f)->real->pMethods->xUnlock(ff(f)->real, level);
}

static int
fault_check_reserved(sqlite3_file *f, int *out)
{
	return ff(f)->real->pMethods->xCheckReservedLock(ff(f)->real, out);
}

static int
fault_file_control(sqlite3_file *f, int op, void *arg)
{
	return ff(f)->real->pMethods->xFileControl(ff(f)->real, op, arg);
}

static int
fault_sector_size(sqlite3_file *f)
{
	return ff(f)->real->pMethods->xSectorSize(ff(f)->real);
}

static int
fault_device_characteristics(sqlite3_file *f)
{
	return ff(f)->real->pMethods->xDeviceCharacteristics(ff(f)->real);
}

static int
fault_shm_map(sqlite3_file *f, int pg, int pgsz, int extend,
    void volatile **pp)
{
	return ff(f)->real->pMethods->xShmMap(ff(f)->real, pg, pgsz, extend,
	    pp);
}

static int
fault_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return ff(f)->real->pMethods->xShmLock(ff(f)->real, offset, n, flags);
}

static void
fault_shm_barrier(sqlite3_file *f)
{
	ff(f)->real->pMethods->xShmBarrier(ff(f)->real);
}

static int
fault_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return ff(f)->real->pMethods->xShmUnmap(ff(f)->real, delete_flag);
}

static int
fault_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
	return ff(f)->real->pMethods->xFetch(ff(f)->real, off, amt, pp);
}

static int
fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return ff(f)->real->pMethods->xUnfetch(ff(f)->real, off, p);
}

/* Version 3 methods; xShm* and xFetch are only called when the real file
 * has them (the methods table is chosen per file in fault_open). */
/* The methods every version has. */
#define FAULT_METHODS_V1 \
	.xClose = fault_close, \
	.xRead = fault_read, \
	.xWrite = fault_write, \
	.xTruncate = fault_truncate, \
	.xSync = fault_sync, \
	.xFileSize = fault_file_size, \
	.xLock = fault_lock, \
	.xUnlock = fault_unlock, \
	.xCheckReservedLock = fault_check_reserved, \
	.xFileControl = fault_file_control, \
	.xSectorSize = fault_sector_size, \
	.xDeviceCharacteristics = fault_device_characteristics

static const sqlite3_io_methods fault_methods = {
	.iVersion = 3,
	FAULT_METHODS_V1,
	.xShmMap = fault_shm_map,
	.xShmLock = fault_shm_lock,
	.xShmBarrier = fault_shm_barrier,
	.xShmUnmap = fault_shm_unmap,
	.xFetch = fault_fetch,
	.xUnfetch = fault_unfetch,
};

static const sqlite3_io_methods fault_methods_v1 = {
	.iVersion = 1,
	FAULT_METHODS_V1,
};

/* ---- the VFS methods ------------------------------------------------- */

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out_flags)
{
	struct fault_file *p = ff(f);
	int rc;

	(void)vfs;
	memset(p, 0, sizeof(*p));
	p->real = (sqlite3_file *)(p + 1);
	rc = real_vfs->xOpen(real_vfs, name, p->real, flags, out_flags);
	if (p->real->pMethods == NULL) {
		p->base.pMethods = NULL;
		return rc;
	}
	p->base.pMethods = p->real->pMethods->iVersion >= 3 ?
	    &fault_methods : &fault_methods_v1;
	return rc;
}

static int
fault_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int
fault_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
fault_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
fault_dl_open(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
fault_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*fault_dl_sym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
fault_dl_close(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int
fault_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
fault_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int
fault_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
fault_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
fault_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

/* ---- the interface --------------------------------------------------- */

int
faultvfs_install(void)
{
	if (real_vfs != NULL)
		return SQLITE_OK;
	real_vfs = sqlite3_vfs_find(NULL);
	if (real_vfs == NULL)
		return SQLITE_ERROR;
	fault_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct fault_file) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "faultvfs",
		.xOpen = fault_open,
		.xDelete = fault_delete,
		.xAccess = fault_access,
		.xFullPathname = fault_full_pathname,
		.xDlOpen = fault_dl_open,
		.xDlError = fault_dl_error,
		.xDlSym = fault_dl_sym,
		.xDlClose = fault_dl_close,
		.xRandomness = fault_randomness,
		.xSleep = fault_sleep,
		.xCurrentTime = fault_current_time,
		.xGetLastError = fault_last_error,
		.xCurrentTimeInt64 = fault_current_time_int64,
	};
	fault_path = getenv("MDT_FAULT_FILE");
	return sqlite3_vfs_register(&fault_vfs, 1);
}

void
faultvfs_set(const char *mode)
{
	fault_forced = mode == NULL ? FAULT_NONE :
	    (int)fault_parse(mode, strlen(mode));
}

unsigned long
faultvfs_count(void)
{
	return fault_hits;
}

#ifdef FAULTVFS_PRELOAD
/* In LD_PRELOAD: the VFS is the default before main() opens anything. */
__attribute__((constructor)) static void
faultvfs_preload(void)
{
	faultvfs_install();
}
#endif
