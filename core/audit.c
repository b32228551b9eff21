/*
 * audit.c - reading the audit log back for information governance, and
 * the audit rows of things the chair does that change no record (opening
 * the meeting's screens, printing minutes or an agenda, and exports that
 * belong to no one record, such as the review of a period).  Audit details
 * hold ids, uuids and dates only, never patient data or free text.
 */
#include "config.h"

#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* Rows that belong to one meeting: the meeting itself and everything
 * whose uuid hangs off it or off one of its slots. */
static const char meeting_filter[] =
    " AND entity_uuid IN ("
    "SELECT uuid FROM meetings WHERE id = ?1"
    " UNION SELECT uuid FROM slots WHERE meeting_id = ?1"
    " UNION SELECT uuid FROM attendance WHERE meeting_id = ?1"
    " UNION SELECT uuid FROM candidates WHERE meeting_id = ?1"
    " UNION SELECT n.uuid FROM notes n JOIN slots s ON s.id = n.slot_id"
    "  WHERE s.meeting_id = ?1"
    " UNION SELECT a.uuid FROM actions a JOIN slots s ON s.id = a.slot_id"
    "  WHERE s.meeting_id = ?1"
    " UNION SELECT o.uuid FROM outcomes o JOIN slots s ON s.id = o.slot_id"
    "  WHERE s.meeting_id = ?1"
    " UNION SELECT c.uuid FROM consent c JOIN slots s ON s.id = c.slot_id"
    "  WHERE s.meeting_id = ?1)";

static void
print_row(sqlite3_stmt *st, void *ctx)
{
	char when[32];

	mdt_time_format(mdt_col_int(st, 0), false, "%Y-%m-%d %H:%M:%S", when,
	    sizeof(when), "?");
	/* one row a line, its fields between tabs: a field's own line
	 * breaks and tabs are escaped */
	fputs(when, ctx);
	for (int i = 1; i <= 5; i++) {
		fputc(i == 4 ? ' ' : '\t', ctx);
		mdt_text_fput(ctx, (const char *)sqlite3_column_text(st, i),
		    false);
	}
	fputc('\n', ctx);
}

enum mdt_status
mdt_audit_list(struct mdt_store *s, int64_t meeting_id, int64_t since_ms,
    FILE *out)
{
	enum mdt_status status;
	char *sql;

	sql = mdt_xasprintf("SELECT at, actor, action, coalesce(entity, ''),"
	    " coalesce(entity_uuid, ''), coalesce(detail, '') FROM audit"
	    " WHERE at >= ?2%s ORDER BY at, id",
	    meeting_id != 0 ? meeting_filter : " AND ?1 IS NOT NULL");
	status = mdt_read_each(s, print_row, out, "cannot read the audit log",
	    sql, "ii", meeting_id, since_ms);
	free(sql);
	return status;
}

enum mdt_status
mdt_audit_meeting(struct mdt_store *s, int64_t meeting_id,
    const char *action, const char *detail)
{
	char *uuid = NULL;
	enum mdt_status st;

	st = mdt_query_text(s, &uuid, "SELECT uuid FROM meetings WHERE id = ?",
	    "i", meeting_id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, action, "meeting", uuid, "%s", detail);
	free(uuid);
	return st;
}

enum mdt_status
mdt_audit_event(struct mdt_store *s, const char *action, const char *detail)
{
	return mdt_audit_add(s, action, NULL, NULL, "%s", detail);
}

enum mdt_status
mdt_audit_last_event(struct mdt_store *s, const char *action, int64_t *at,
    char **detail)
{
	enum mdt_status status;
	int64_t id = 0;

	*at = 0;
	*detail = NULL;
	status = mdt_query_int(s, &id, "SELECT coalesce(max(id), 0) FROM audit"
	    " INDEXED BY audit_events WHERE action = ? AND entity IS NULL",
	    "t", action);
	if (status != MDT_OK || id == 0)
		return status;
	status = mdt_query_int(s, at, "SELECT at FROM audit WHERE id = ?",
	    "i", id);
	if (status == MDT_OK)
		status = mdt_query_text(s, detail, "SELECT coalesce(detail, '')"
		    " FROM audit WHERE id = ?", "i", id);
	return status;
}
