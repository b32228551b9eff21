/*
 * prep.c - choosing who is discussed before a meeting: selecting a
 * candidate onto the agenda, taking one off, deferring with a reason,
 * the order, planned time and presenter of each slot, finalising the
 * agenda (refused while a referral waits for a decision), and patients
 * added on the day.  Each act is one transaction with its audit row; the
 * acts that change the agenda also queue the meeting for the central
 * record.
 */
#include "config.h"

#include "prep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "consent_before.h"
#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* ---- a candidate, as the acts read it -------------------------------- */

struct cand_row {
	int64_t id;
	char uuid[37];
	int64_t meeting_id;
	int64_t patient_id;
	char patient[96];
	unsigned lists;
	bool escalated;
	bool deferred;
	int64_t slot_id;	/* 0 if not selected */
	char slot_uuid[37];
	enum mdt_slot_state slot_state;
	bool slot_has_record;	/* consent, notes, outcome or actions */
};

static void
read_candidate(sqlite3_stmt *st, void *row, void *ctx)
{
	struct cand_row *c = row;

	mdt_cols(st, "iciicdbbiceb", MDT_F(c->id), MDT_F(c->uuid),
	    MDT_F(c->meeting_id), MDT_F(c->patient_id), MDT_F(c->patient),
	    MDT_F(c->lists), MDT_F(c->escalated), MDT_F(c->deferred),
	    MDT_F(c->slot_id), MDT_F(c->slot_uuid),
	    MDT_F(c->slot_state), mdt_slot_state_parse, MDT_SLOT_PENDING,
	    MDT_F(c->slot_has_record));
}

static enum mdt_status
get_candidate(struct mdt_store *s, int64_t id, struct cand_row *c)
{
	return mdt_read_id(s, c, sizeof(*c), read_candidate, "candidate",
	    "SELECT c.id, c.uuid, c.meeting_id, c.patient_id, p.name, c.lists,"
	    " c.escalated, c.defer_reason IS NOT NULL, s.id, s.uuid, s.state,"
	    " s.id IS NOT NULL AND (s.started_at IS NOT NULL"
	    "  OR EXISTS (SELECT 1 FROM consent WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM notes WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM outcomes WHERE slot_id = s.id)"
	    "  OR EXISTS (SELECT 1 FROM actions WHERE slot_id = s.id))"
	    " FROM candidates c JOIN patients p ON p.id = c.patient_id"
	    " LEFT JOIN slots s ON s.meeting_id = c.meeting_id"
	    "  AND s.patient_id = c.patient_id"
	    " WHERE c.id = ?", id);
}

/* The reason of a candidate: its note and every list's reason. */

/* ---- the agenda ------------------------------------------------------ */

/* Renumbers the meeting's slots 1..n in agenda order, with moved (if not
 * 0) put at position (clamped). */
static enum mdt_status
renumber(struct mdt_store *s, int64_t meeting_id, int64_t moved, int position)
{
	struct mdt_rows r = { 0 };
	enum mdt_status status;
	int64_t *ids;
	size_t i;

	status = mdt_read_rows(s, &r, sizeof(*ids), mdt_row_int, NULL,
	    "reading the agenda", "SELECT id FROM slots WHERE meeting_id = ?"
	    " AND id <> ? ORDER BY position, id", "ii", meeting_id, moved);
	if (status == MDT_OK && moved != 0) {
		size_t at;

		if (position < 1)
			position = 1;
		at = (size_t)position - 1;
		if (at > r.n)
			at = r.n;
		r.v = mdt_grow(r.v, r.n, &r.cap, sizeof(*ids));
		ids = r.v;
		memmove(ids + at + 1, ids + at, (r.n - at) * sizeof(*ids));
		ids[at] = moved;
		r.n++;
	}
	ids = r.v;
	for (i = 0; status == MDT_OK && i < r.n; i++)
		status = mdt_run(s, "UPDATE slots SET position = ? WHERE id = ?"
		    " AND position <> ?", "dii", (int)i + 1, ids[i],
		    (int64_t)i + 1);
	free(ids);
	return status;
}

/* Audit row plus the meeting in the outbox: the agenda changed. */
static enum mdt_status
record_agenda(struct mdt_store *s, const struct mdt_meeting_row *m,
    const char *action, const char *entity, const char *uuid,
    const char *detail)
{
	enum mdt_status st;

	st = mdt_audit_add(s, action, entity, uuid, "%s", detail);
	if (st == MDT_OK)
		st = mdt_outbox_add(s, "meeting", m->uuid, "upsert");
	return st;
}

static enum mdt_status
check_plan(struct mdt_store *s, int planned_s, bool zero_ok)
{
	if ((planned_s == 0 && zero_ok) ||
	    (planned_s >= MDT_SLOT_MIN_S && planned_s <= MDT_SLOT_MAX_S))
		return MDT_OK;
	return mdt_fail(s, MDT_EINVAL, "a slot is planned for %d to %d"
	    " minutes", MDT_SLOT_MIN_S / 60, MDT_SLOT_MAX_S / 60);
}

static enum mdt_status
check_presenter(struct mdt_store *s, int64_t presenter_id)
{
	return presenter_id > 0 ? mdt_row_person_exists(s, presenter_id) :
	    MDT_OK;
}

/* A new slot at the end of the agenda; *slot_id and uuid get it. */
static enum mdt_status
slot_insert(struct mdt_store *s, int64_t meeting_id, int64_t patient_id,
    const char *reason, int planned_s, int64_t presenter_id,
    int64_t *slot_id, char uuid[37])
{
	enum mdt_status st;
	int64_t last = 0;

	st = mdt_query_int(s, &last, "SELECT coalesce(max(position), 0)"
	    " FROM slots WHERE meeting_id = ?", "i", meeting_id);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO slots (uuid, meeting_id, patient_id,"
	    " position, reason, planned_seconds, presenter_id)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", "tiiitdI", uuid, meeting_id,
	    patient_id, last + 1, reason != NULL ? reason : "",
	    planned_s != 0 ? planned_s : MDT_SLOT_DEFAULT_S,
	    presenter_id > 0 ? presenter_id : 0);
	if (st == MDT_OK)
		*slot_id = sqlite3_last_insert_rowid(s->db);
	return st;
}

/* The candidate an act is on (a->id) and its meeting (into a->m; a
 * closed one refused). */
static enum mdt_status
candidate_of(struct mdt_store *s, struct mdt_act *a, struct cand_row *c)
{
	enum mdt_status st = get_candidate(s, a->id, c);

	if (st == MDT_OK)
		st = mdt_row_meeting(s, c->meeting_id, true, &a->m);
	return st;
}

/* MDT_OK if the patient may go on an agenda: their NHS number known (a
 * patient held under a local identifier goes on none until traced), and
 * no refusal of consent asked before stands without an exception. */
static enum mdt_status
may_go_on(struct mdt_store *s, int64_t patient_id)
{
	enum mdt_status st;
	char *nhs = NULL;

	st = mdt_query_text(s, &nhs, "SELECT nhs_number FROM patients"
	    " WHERE id = ?", "i", patient_id);
	if (st == MDT_OK && mdt_nhs_local(nhs))
		st = mdt_fail(s, MDT_ESTATE, "not traced: trace the NHS number"
		    " first (mdtchair trace %s NHS)", nhs);
	free(nhs);
	if (st == MDT_OK) {
		struct mdt_consent_asked ca;
		char line[1400];

		st = mdt_consent_asked_get(s, patient_id, &ca);
		if (st == MDT_OK && mdt_consent_asked_bars(&ca))
			st = mdt_fail(s, MDT_ESTATE, "consent %s: record a new"
			    " answer, or the exception, first (mdtchair"
			    " consent)", mdt_consent_asked_line(&ca, false,
			    line, sizeof(line)));
		mdt_consent_asked_done(&ca);
	}
	return st;
}

/* The candidate (id) put on the agenda, planned for n seconds and
 * presented by person_id; made: its slot. */
static enum mdt_status
select_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct cand_row c;
	enum mdt_status st;
	char uuid[37], *reason = NULL, *detail;

	st = candidate_of(s, a, &c);
	if (st == MDT_OK && c.slot_id != 0)
		st = mdt_fail(s, MDT_ESTATE, "%s is already on the agenda",
		    c.patient);
	if (st == MDT_OK)
		st = may_go_on(s, c.patient_id);
	if (st == MDT_OK)
		st = check_presenter(s, a->person_id);
	if (st == MDT_OK)
		st = mdt_candidate_reason(s, a->id, &reason);
	if (st == MDT_OK)
		st = slot_insert(s, a->m.id, c.patient_id, reason, a->n,
		    a->person_id, &a->made, uuid);
	free(reason);
	if (st == MDT_OK && c.deferred)
		st = mdt_run(s, "UPDATE candidates SET defer_reason = NULL"
		    " WHERE id = ?", "i", a->id);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("candidate %" PRId64 " on the agenda",
	    a->id);
	st = record_agenda(s, &a->m, "candidate_select", "slot", uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_candidate_select(struct mdt_store *s, int64_t candidate_id,
    int planned_s, int64_t presenter_id, int64_t *slot_id)
{
	struct mdt_act a = { .id = candidate_id, .n = planned_s,
	    .person_id = presenter_id };
	enum mdt_status st;

	if (slot_id != NULL)
		*slot_id = 0;
	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	st = mdt_act_run(s, select_tx, 0, &a);
	if (st == MDT_OK && slot_id != NULL)
		*slot_id = a.made;
	return st;
}

/* Takes a candidate's slot off the agenda, if it has not started. */
static enum mdt_status
unschedule(struct mdt_store *s, const struct mdt_meeting_row *m,
    const struct cand_row *c, const char *action)
{
	enum mdt_status st;
	char *detail;

	if (c->slot_state != MDT_SLOT_PENDING || c->slot_has_record)
		return mdt_fail(s, MDT_ESTATE, "the discussion of %s has"
		    " started; it stays on the agenda", c->patient);
	st = mdt_run(s, "DELETE FROM slots WHERE id = ?", "i", c->slot_id);
	if (st == MDT_OK)
		st = renumber(s, m->id, 0, 0);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("candidate %" PRId64 " off the agenda"
	    " (slot %" PRId64 ")", c->id, c->slot_id);
	st = record_agenda(s, m, action, "candidate", c->uuid, detail);
	free(detail);
	return st;
}

/* The candidate (id) taken off the agenda, or undeferred. */
static enum mdt_status
deselect_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct cand_row c;
	enum mdt_status st;

	st = candidate_of(s, a, &c);
	if (st != MDT_OK)
		return st;
	if (c.slot_id != 0)
		st = unschedule(s, &a->m, &c, "candidate_deselect");
	else if (c.deferred) {
		st = mdt_run(s, "UPDATE candidates SET defer_reason = NULL"
		    " WHERE id = ?", "i", a->id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "candidate_undefer", "candidate",
			    c.uuid, "candidate %" PRId64 " undecided again",
			    a->id);
	} else
		st = mdt_fail(s, MDT_ESTATE, "%s is neither on the agenda"
		    " nor deferred", c.patient);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, a->m.id);
	return st;
}

enum mdt_status
mdt_candidate_deselect(struct mdt_store *s, int64_t candidate_id)
{
	return mdt_act_run(s, deselect_tx, 0,
	    &(struct mdt_act){ .id = candidate_id });
}

/* The candidate (id) deferred, for the reason text. */
static enum mdt_status
defer_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct cand_row c;
	enum mdt_status st;

	st = candidate_of(s, a, &c);
	if (st == MDT_OK && c.slot_id != 0)
		st = unschedule(s, &a->m, &c, "candidate_deselect");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET defer_reason = ?"
		    " WHERE id = ?", "ti", a->text, a->id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "candidate_defer", "candidate", c.uuid,
		    "candidate %" PRId64 " deferred", a->id);
	return st;
}

enum mdt_status
mdt_candidate_defer(struct mdt_store *s, int64_t candidate_id,
    const char *reason)
{
	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why it is deferred");
	if (mdt_text_check(s, "the reason", reason, false, 0) != MDT_OK)
		return MDT_EINVAL;
	return mdt_act_run(s, defer_tx, 0,
	    &(struct mdt_act){ .id = candidate_id, .text = reason });
}

/* The slot (slot_id) moved to position n of the agenda. */
static enum mdt_status
move_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char *detail;
	int64_t before = 0, after = 0;

	st = mdt_query_int(s, &before, "SELECT count(*) FROM slots"
	    " WHERE meeting_id = ?1 AND (position, id) <"
	    " (SELECT position, id FROM slots WHERE id = ?2)", "ii",
	    a->m.id, a->slot_id);
	if (st == MDT_OK)
		st = renumber(s, a->m.id, a->slot_id, a->n);
	if (st == MDT_OK)
		st = mdt_query_int(s, &after, "SELECT position FROM slots"
		    " WHERE id = ?", "i", a->slot_id);
	if (st != MDT_OK || after == before + 1)
		return st;
	detail = mdt_xasprintf("slot %" PRId64 " from %" PRId64 " to %" PRId64,
	    a->slot_id, before + 1, after);
	st = record_agenda(s, &a->m, "slot_move", "slot", a->sl.uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_move(struct mdt_store *s, int64_t slot_id, int position)
{
	return mdt_act_run(s, move_tx, MDT_ACT_SLOT,
	    &(struct mdt_act){ .slot_id = slot_id, .n = position });
}

/* The slot's (slot_id) planned time (n seconds; 0: as it is) and presenter
 * (person_id; -1: as it is). */
static enum mdt_status
plan_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st = MDT_OK;
	char *detail;
	int changes;

	if (a->person_id >= 0)
		st = check_presenter(s, a->person_id);
	if (st != MDT_OK)
		return st;
	changes = sqlite3_total_changes(s->db);
	if (a->n != 0)
		st = mdt_run(s, "UPDATE slots SET planned_seconds = ?"
		    " WHERE id = ? AND planned_seconds <> ?", "dii",
		    a->n, a->slot_id, (int64_t)a->n);
	if (st == MDT_OK && a->person_id >= 0)
		st = mdt_run(s, "UPDATE slots SET presenter_id = ?1"
		    " WHERE id = ?2 AND presenter_id IS NOT ?1", "Ii",
		    a->person_id, a->slot_id);
	if (st != MDT_OK || sqlite3_total_changes(s->db) == changes)
		return st;
	detail = mdt_xasprintf("slot %" PRId64 ": %d s, presenter %" PRId64,
	    a->slot_id, a->n, a->person_id);
	st = record_agenda(s, &a->m, "slot_plan", "slot", a->sl.uuid, detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_set_plan(struct mdt_store *s, int64_t slot_id, int planned_s,
    int64_t presenter_id)
{
	enum mdt_status st;

	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	return mdt_act_run(s, plan_tx, MDT_ACT_SLOT, &(struct mdt_act){
	    .slot_id = slot_id, .n = planned_s, .person_id = presenter_id });
}

/* The referrals that keep an agenda from being finalised, named. */
struct waiting {
	char *names;		/* "NAME (NHS 999 339 5633), ..." */
	int n;
};

static void
name_waiting(sqlite3_stmt *st, void *ctx)
{
	struct waiting *w = ctx;
	char nhs[13], *more;

	mdt_nhs_format((const char *)sqlite3_column_text(st, 1), nhs);
	more = mdt_xasprintf("%s%s%s (NHS %s)", w->names != NULL ? w->names :
	    "", w->names != NULL ? ", " : "",
	    (const char *)sqlite3_column_text(st, 0), nhs);
	free(w->names);
	w->names = more;
	w->n++;
}

/* The meeting's agenda finalised, once no referral waits. */
static enum mdt_status
finalise_tx(struct mdt_store *s, struct mdt_act *a)
{
	int64_t meeting_id = a->m.id;
	struct waiting w = { NULL, 0 };
	enum mdt_status st;
	int64_t done = 0;

	st = mdt_read_each(s, name_waiting, &w, "reading the referrals",
	    "SELECT p.name, p.nhs_number" UNRESOLVED_SQL
	    " ORDER BY p.name, p.id", "i", meeting_id);
	if (st == MDT_OK && w.n > 0)
		st = mdt_fail(s, MDT_ESTATE, "%d referral%s neither scheduled"
		    " nor deferred: %s", w.n, w.n == 1 ? " is" : "s are",
		    w.names);
	free(w.names);
	if (st == MDT_OK)
		st = mdt_query_int(s, &done, "SELECT coalesce("
		    "agenda_finalised_at, 0) FROM meetings WHERE id = ?", "i",
		    meeting_id);
	if (st != MDT_OK || done != 0)
		return st;
	st = mdt_run(s, "UPDATE meetings SET agenda_finalised_at = ?"
	    " WHERE id = ?", "ii", mdt_store_now(s), meeting_id);
	if (st == MDT_OK)
		st = record_agenda(s, &a->m, "agenda_finalise", "meeting",
		    a->m.uuid, "agenda finalised");
	return st;
}

MDT_MEETING_ACT(mdt_agenda_finalise, finalise_tx, 0)

/* ---- added on the day ------------------------------------------------ */

/* A patient added on the day to the meeting (act.meeting_id), checked
 * (nhs and dob normalised), for the reason act.text, planned for act.n
 * seconds and presented by act.person_id; act.made gets their slot. */
struct day_act {
	struct mdt_act act;
	const struct mdt_patient_in *p;
	char nhs[11];
	char dob[11];
};

static enum mdt_status
add_on_day_tx(struct mdt_store *s, struct mdt_act *act)
{
	struct day_act *a = (struct day_act *)act;
	enum mdt_status st;
	int64_t patient_id = 0, cand = 0, existing = 0;
	char uuid[37], *detail;
	bool created;

	st = check_presenter(s, act->person_id);
	if (st != MDT_OK)
		return st;
	st = mdt_patient_find_or_add(s, a->nhs, a->p->name, a->dob,
	    a->p->practice, &patient_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &existing, "SELECT count(*) FROM slots"
		    " WHERE meeting_id = ? AND patient_id = ?", "ii",
		    act->meeting_id, patient_id);
	if (st == MDT_OK && existing > 0)
		st = mdt_fail(s, MDT_ESTATE, "%s is already on the agenda",
		    a->p->name);
	if (st == MDT_OK)
		st = mdt_candidate_ensure(s, act->meeting_id, patient_id, &cand,
		    &created);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET added_on_day = 1,"
		    " defer_reason = NULL WHERE id = ?", "i", cand);
	if (st == MDT_OK)
		st = mdt_candidate_note_add(s, cand, act->text);
	if (st == MDT_OK)
		st = slot_insert(s, act->meeting_id, patient_id, act->text,
		    act->n, act->person_id, &act->made, uuid);
	if (st != MDT_OK)
		return st;
	detail = mdt_xasprintf("added on the day: slot %" PRId64, act->made);
	st = record_agenda(s, &act->m, "slot_add_on_day", "slot", uuid,
	    detail);
	free(detail);
	return st;
}

enum mdt_status
mdt_slot_add_on_day(struct mdt_store *s, int64_t meeting_id,
    const struct mdt_patient_in *p, const char *reason, int planned_s,
    int64_t presenter_id, int64_t *slot_id)
{
	struct day_act a = { .act = { .meeting_id = meeting_id,
	    .text = reason, .n = planned_s, .person_id = presenter_id },
	    .p = p };
	enum mdt_status st;

	if (slot_id != NULL)
		*slot_id = 0;
	if (p == NULL || !mdt_nhs_normalise(p->nhs_number, a.nhs) ||
	    !mdt_nhs_valid(a.nhs))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", p != NULL &&
		    p->nhs_number != NULL ? p->nhs_number : "");
	if (mdt_str_blank(p->name))
		return mdt_fail(s, MDT_EINVAL, "the patient has no name");
	if (p->date_of_birth == NULL || p->date_of_birth[0] == '+' ||
	    mdt_date_parse(p->date_of_birth, mdt_store_now(s), a.dob) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "date of birth \"%s\"",
		    p->date_of_birth != NULL ? p->date_of_birth : "");
	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why the patient is added");
	if (mdt_text_check(s, "the name", p->name, false, 0) != MDT_OK ||
	    mdt_text_check(s, "the practice", p->practice, false, 0) !=
	    MDT_OK || mdt_text_check(s, "the reason", reason, false, 0) !=
	    MDT_OK)
		return MDT_EINVAL;
	st = check_plan(s, planned_s, true);
	if (st != MDT_OK)
		return st;
	st = mdt_act_run(s, add_on_day_tx, MDT_ACT_MEETING, &a.act);
	if (st == MDT_OK && slot_id != NULL)
		*slot_id = a.act.made;
	return st;
}

