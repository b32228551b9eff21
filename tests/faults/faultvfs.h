/*
 * faultvfs.h - a SQLite VFS that fails writes, syncs and truncations on
 * demand (a full disk, a failing disk), for the I/O fault tests.  See
 * faultvfs.c.
 */
#ifndef FAULTVFS_H
#define FAULTVFS_H

/* Registers the fault VFS as the default, over the one that was; SQLite
 * result code.  Connections opened afterwards go through it. */
int faultvfs_install(void);
/* "full", "eio" or "eio-sync"; NULL or "" for none.  Once called, the
 * control file ($MDT_FAULT_FILE) is no longer read. */
void faultvfs_set(const char *mode);
/* How many calls have been failed so far. */
unsigned long faultvfs_count(void);

#endif
