/*
 * acts_register.c - the register on the day: someone added to the
 * meeting's register while it runs, a late arrival, an early departure,
 * and who chairs and who takes the notes.
 *
 * Each act is one transaction with its audit row and the outbox row of
 * what changed (the attendance row, or the meeting for the chair and the
 * note-taker), as the other acts.  Someone who left (left_at set) stays on
 * the register but is no longer present: not for the quorum, not for the
 * projector's confidentiality rule, not to be given an action as present
 * (mdt_attendee_here).
 */
#include "config.h"

#include "acts.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "rows.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* The attendance row's uuid, or MDT_ENOTFOUND with a reason. */
static enum mdt_status
attendance_uuid(struct mdt_store *s, int64_t meeting_id, int64_t person_id,
    char **uuid)
{
	enum mdt_status st;

	*uuid = NULL;
	st = mdt_query_text(s, uuid, "SELECT uuid FROM attendance"
	    " WHERE meeting_id = ? AND person_id = ?", "ii", meeting_id,
	    person_id);
	if (st == MDT_OK && *uuid == NULL)
		st = MDT_ENOTFOUND;
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, MDT_ENOTFOUND, "not on this meeting's"
		    " register");
	return st;
}

/* person_id put on the register, present. */
static enum mdt_status
register_add_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char uuid[37], who[128];

	st = mdt_row_person_exists(s, a->person_id);
	if (st == MDT_OK)
		st = mdt_refuse_when(s, MDT_EINVAL, "a team does not attend:"
		    " only people are on the register",
		    "SELECT kind <> 'person' FROM people WHERE id = ?", "i",
		    a->person_id);
	if (st == MDT_OK)
		st = mdt_refuse_when(s, MDT_ESTATE, "already on this meeting's"
		    " register", "SELECT count(*) FROM attendance"
		    " WHERE meeting_id = ? AND person_id = ?", "ii", a->m.id,
		    a->person_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO attendance (meeting_id, person_id, uuid,"
	    " status, added_on_day) VALUES (?, ?, ?, 'present', 1)", "iit",
	    a->m.id, a->person_id, uuid);
	if (st == MDT_OK)
		st = mdt_record_change(s, "register_add", "attendance", uuid,
		    "%s: added on the day, present",
		    mdt_said_person(s, a->person_id, who));
	return st;
}

enum mdt_status
mdt_register_add(struct mdt_store *s, int64_t meeting_id, int64_t person_id)
{
	return mdt_act_run(s, register_add_tx, MDT_ACT_MEETING,
	    &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id });
}

/* person_id arrived at the time at. */
static enum mdt_status
register_arrived_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char *uuid = NULL, when[6], who[128];

	st = attendance_uuid(s, a->m.id, a->person_id, &uuid);
	if (st == MDT_OK && a->at <= 0)
		st = mdt_fail(s, MDT_EINVAL, "no time of arrival");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE attendance SET status = 'present',"
		    " arrived_at = ?1, left_at = CASE WHEN left_at < ?1"
		    " THEN NULL ELSE left_at END"
		    " WHERE meeting_id = ?2 AND person_id = ?3", "iii", a->at,
		    a->m.id, a->person_id);
	if (st == MDT_OK) {
		mdt_clock_hhmm(a->at, when);
		st = mdt_record_change(s, "register_arrived", "attendance",
		    uuid, "%s: arrived at %s", mdt_said_person(s, a->person_id,
		    who), when);
	}
	free(uuid);
	return st;
}

enum mdt_status
mdt_register_arrived(struct mdt_store *s, int64_t meeting_id,
    int64_t person_id, int64_t at)
{
	return mdt_act_run(s, register_arrived_tx, MDT_ACT_MEETING,
	    &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id, .at = at });
}

/* person_id left at the time at (0: back in the room). */
static enum mdt_status
register_left_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	int64_t present = 0, arrived = 0;
	char *uuid = NULL, when[6], who[128];

	st = attendance_uuid(s, a->m.id, a->person_id, &uuid);
	if (st == MDT_OK)
		st = mdt_query_int(s, &present, "SELECT status = 'present'"
		    " FROM attendance WHERE meeting_id = ? AND person_id = ?",
		    "ii", a->m.id, a->person_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &arrived, "SELECT coalesce(arrived_at, 0)"
		    " FROM attendance WHERE meeting_id = ? AND person_id = ?",
		    "ii", a->m.id, a->person_id);
	if (st == MDT_OK && a->at != 0 && !present)
		st = mdt_fail(s, MDT_ESTATE, "only someone marked present"
		    " can leave");
	if (st == MDT_OK && a->at != 0 && arrived != 0 && a->at < arrived)
		st = mdt_fail(s, MDT_EINVAL, "left before arriving");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE attendance SET left_at = ?"
		    " WHERE meeting_id = ? AND person_id = ?", "Iii", a->at,
		    a->m.id, a->person_id);
	if (st == MDT_OK) {
		mdt_clock_hhmm(a->at, when);
		st = mdt_record_change(s, "register_left", "attendance",
		    uuid, "%s: %s%s", mdt_said_person(s, a->person_id, who),
		    a->at != 0 ? "left at " : "back in the room",
		    a->at != 0 ? when : "");
	}
	free(uuid);
	return st;
}

enum mdt_status
mdt_register_left(struct mdt_store *s, int64_t meeting_id, int64_t person_id,
    int64_t at)
{
	return mdt_act_run(s, register_left_tx, MDT_ACT_MEETING,
	    &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id, .at = at });
}

/* Who chairs or takes the notes (n, an enum mdt_meeting_role):
 * person_id, or nobody (0). */
static enum mdt_status
meeting_role_tx(struct mdt_store *s, struct mdt_act *a)
{
	bool chair = a->n == MDT_ROLE_CHAIR;
	const char *column = chair ? "chair_id" : "notetaker_id";
	const char *shown = chair ? "chair" : "note-taker";
	enum mdt_status st = MDT_OK;
	char *uuid = NULL, *sql, who[128];

	if (a->person_id != 0)
		st = attendance_uuid(s, a->m.id, a->person_id, &uuid);
	free(uuid);
	if (st != MDT_OK)
		return st;
	sql = mdt_xasprintf("UPDATE meetings SET %s = ? WHERE id = ?", column);
	st = mdt_run(s, sql, "Ii", a->person_id, a->m.id);
	free(sql);
	if (st == MDT_OK && a->person_id != 0)
		st = mdt_record_change(s, "meeting_role", "meeting", a->m.uuid,
		    "%s: %s", shown, mdt_said_person(s, a->person_id, who));
	else if (st == MDT_OK)
		st = mdt_record_change(s, "meeting_role", "meeting", a->m.uuid,
		    "%s: nobody", shown);
	return st;
}

enum mdt_status
mdt_meeting_role_set(struct mdt_store *s, int64_t meeting_id,
    enum mdt_meeting_role role, int64_t person_id)
{
	return mdt_act_run(s, meeting_role_tx, MDT_ACT_MEETING |
	    MDT_ACT_CLOSED_TOO, &(struct mdt_act){ .meeting_id = meeting_id,
	    .person_id = person_id, .n = (int)role });
}

bool
mdt_register_time(int64_t now, const char *text, int64_t *at)
{
	struct tm tm;
	time_t t = (time_t)(now / 1000);
	unsigned h, mi;
	int used = 0;

	if (text == NULL || mdt_str_blank(text)) {
		*at = now;
		return true;
	}
	while (*text == ' ')
		text++;
	if (strspn(text, "0123456789:") != strlen(text) ||
	    sscanf(text, "%2u:%2u%n", &h, &mi, &used) != 2 || h > 23 ||
	    mi > 59 || text[used] != '\0' || used < 4 ||
	    text[used - 3] != ':')
		return false;
	if (localtime_r(&t, &tm) == NULL)
		return false;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return false;
	*at = (int64_t)t * 1000;
	return true;
}

static void
print_attendee(sqlite3_stmt *st, void *ctx)
{
	FILE *out = ctx;
	char hhmm[6];

	fprintf(out, "%" PRId64, mdt_col_int(st, 0));
	mdt_col_fput(st, 1, 3, out);
	fprintf(out, "  %s", (const char *)sqlite3_column_text(st, 4));
	if (mdt_col_int(st, 5) != 0)
		fputs(", added on the day", out);
	if (mdt_col_int(st, 6) != 0) {
		mdt_clock_hhmm(mdt_col_int(st, 6), hhmm);
		fprintf(out, ", arrived %s", hhmm);
	}
	if (mdt_col_int(st, 7) != 0) {
		mdt_clock_hhmm(mdt_col_int(st, 7), hhmm);
		fprintf(out, ", left %s", hhmm);
	}
	if (mdt_col_int(st, 8) != 0)
		fputs(", chair", out);
	if (mdt_col_int(st, 9) != 0)
		fputs(", note-taker", out);
	fputc('\n', out);
}

enum mdt_status
mdt_register_list(struct mdt_store *s, int64_t meeting_id, FILE *out)
{
	struct mdt_meeting_row m;
	enum mdt_status st;

	st = mdt_row_meeting(s, meeting_id, false, &m);
	if (st != MDT_OK)
		return st;
	return mdt_read_each(s, print_attendee, out, "listing the register",
	    "SELECT p.id, p.name, p.role, p.organisation, a.status,"
	    " a.added_on_day, coalesce(a.arrived_at, 0),"
	    " coalesce(a.left_at, 0), p.id = coalesce(m.chair_id, 0),"
	    " p.id = coalesce(m.notetaker_id, 0)"
	    " FROM attendance a JOIN people p ON p.id = a.person_id"
	    " JOIN meetings m ON m.id = a.meeting_id"
	    " WHERE a.meeting_id = ? ORDER BY p.name COLLATE NOCASE, p.id",
	    "i", m.id);
}
