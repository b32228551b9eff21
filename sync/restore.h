/*
 * restore.h - a new database from the central record: what restore.c
 * read, written into the new store (restore_write.c).
 */
#ifndef MDT_SYNC_RESTORE_H
#define MDT_SYNC_RESTORE_H

#include <jansson.h>

#include "mdt.h"
#include "sync.h"

/*
 * Writes into the new, empty store s what got holds (every resource
 * read, by "Type/id"): the meetings since since (YYYY-MM-DD) and what
 * they need, each resource of ours as acknowledged by the record at the
 * version read (nothing in the outbox), and the audit row of the restore
 * from base.  Counts into out; 0, or -1 with out->error.
 */
int sync_restore_write(struct mdt_store *s, json_t *got, const char *base,
    const char *since, struct sync_restore_result *out);

#endif
