/*
 * audit.h - the audit log read back for information governance, and the
 * audit rows of what changes no record (audit.c).  The acts write theirs
 * through mdt_audit_add (store_internal.h).
 */
#ifndef MDT_AUDIT_H
#define MDT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* Prints the audit log oldest first, one tab-separated line a row: local
 * time, actor, action, entity and its uuid, detail.  meeting_id 0: every
 * row; otherwise only the rows of that meeting and what hangs off it.
 * Only rows at or after since_ms (0: all). */
enum mdt_status mdt_audit_list(struct mdt_store *s, int64_t meeting_id,
    int64_t since_ms, FILE *out);

/* Writes an audit row about a meeting for something that changes no
 * record: "open" (its screens), "export" (minutes or agenda printed). */
enum mdt_status mdt_audit_meeting(struct mdt_store *s, int64_t meeting_id,
    const char *action, const char *detail);

/* Writes an audit row that belongs to no one record (an aggregate export
 * such as the review): action, and a detail of ids and dates only. */
enum mdt_status mdt_audit_event(struct mdt_store *s, const char *action,
    const char *detail);

/* The latest audit row of action that names no record (an event): its
 * time into *at and its detail into *detail (the caller frees it);
 * *at 0 and *detail NULL if there is none.  One step of the audit_events
 * index, however long the log. */
enum mdt_status mdt_audit_last_event(struct mdt_store *s, const char *action,
    int64_t *at, char **detail);

#endif
