/*
 * snapshot.c - reading one meeting into a plain copy for the screens and
 * the minutes, the forecast of when it will end, a patient's earlier
 * exclusions, and finding and listing meetings.
 */
#include "config.h"

#include "snapshot.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consent_before.h"
#include "model.h"
#include "rules.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* What an element of each of a snapshot's arrays owns, freed. */
static void
person_done(void *row)
{
	struct mdt_person *p = row;

	mdt_free_each(3, p->name, p->role, p->organisation);
}

static void
attendee_done(void *row)
{
	person_done(&((struct mdt_attendee *)row)->person);
}

static void
slot_done(void *row)
{
	struct mdt_slot *sl = row;

	mdt_free_each(8, sl->patient_name, sl->practice, sl->reason,
	    sl->consent_justification, sl->key_contact_name,
	    sl->presenter_name, sl->asked_line, sl->asked_justification);
	mdt_names_free(sl->exclusions, sl->n_exclusions);
}

static void
note_done(void *row)
{
	free(((struct mdt_note *)row)->text);
}

static void
action_done(void *row)
{
	struct mdt_action *a = row;

	mdt_free_each(3, a->text, a->owner_name, a->record_owner);
}

static void
read_meeting(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_meeting *m = row;

	mdt_cols(st, "icssidddeiiibii", MDT_F(m->id), MDT_F(m->uuid),
	    MDT_F(m->title), MDT_F(m->venue), MDT_F(m->scheduled_start),
	    MDT_F(m->planned_minutes), MDT_F(m->warn_s), MDT_F(m->over_s),
	    MDT_F(m->state), mdt_meeting_state_parse, MDT_MEETING_PLANNED,
	    MDT_F(m->opened_at), MDT_F(m->closed_at),
	    MDT_F(m->current_slot_id), MDT_F(m->projector_blank),
	    MDT_F(m->chair_id), MDT_F(m->notetaker_id));
}

static enum mdt_status
load_meeting(struct mdt_store *s, int64_t id, struct mdt_meeting *m)
{
	return mdt_read_id(s, m, sizeof(*m), read_meeting, "meeting",
	    "SELECT m.id, m.uuid, m.title, v.name, m.scheduled_start,"
	    " m.planned_minutes, m.warn_seconds, m.over_seconds, m.state,"
	    " m.opened_at, m.closed_at, m.current_slot_id, m.projector_blank,"
	    " m.chair_id, m.notetaker_id"
	    " FROM meetings m LEFT JOIN venues v ON v.id = m.venue_id"
	    " WHERE m.id = ?", id);
}

static void
read_person(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_person *p = row;

	mdt_cols(st, "icsss", MDT_F(p->id), MDT_F(p->uuid), MDT_F(p->name),
	    MDT_F(p->role), MDT_F(p->organisation));
}

/* Someone known, and whether a team (column 5). */
static void
read_known(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_person *p = row;

	read_person(st, p, ctx);
	mdt_cols(st, "-----b", MDT_F(p->team));
}

static void
read_attendee(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_attendee *at = row;

	read_person(st, &at->person, NULL);
	mdt_cols(st, "-----ebiib", MDT_F(at->status), mdt_attend_parse,
	    MDT_ATTEND_UNKNOWN, MDT_F(at->confidentiality_ack),
	    MDT_F(at->arrived_at), MDT_F(at->left_at), MDT_F(at->added_on_day));
}

static void
read_slot(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_slot *sl = row;

	mdt_cols(st, "iciccscsse" "iiiidd" "eSeciSiSc", MDT_F(sl->id),
	    MDT_F(sl->uuid), MDT_F(sl->patient_id), MDT_F(sl->patient_uuid),
	    MDT_F(sl->nhs_number), MDT_F(sl->patient_name),
	    MDT_F(sl->date_of_birth), MDT_F(sl->practice), MDT_F(sl->reason),
	    MDT_F(sl->state), mdt_slot_state_parse, MDT_SLOT_PENDING,
	    MDT_F(sl->times.started_at), MDT_F(sl->times.paused_at),
	    MDT_F(sl->times.closed_at), MDT_F(sl->times.paused_ms),
	    MDT_F(sl->times.planned_s), MDT_F(sl->times.extended_s),
	    MDT_F(sl->consent), mdt_consent_parse, MDT_CONSENT_NONE,
	    MDT_F(sl->consent_justification),
	    MDT_F(sl->outcome), mdt_outcome_parse, MDT_OUTCOME_NONE,
	    MDT_F(sl->review_date), MDT_F(sl->key_contact_id),
	    MDT_F(sl->key_contact_name), MDT_F(sl->presenter_id),
	    MDT_F(sl->presenter_name), MDT_F(sl->died_on));
	/* columns 25-30: the consent asked before, as the candidates read
	 * it */
	if (mdt_col_int(st, 25) != 0) {
		struct mdt_consent_asked a = {
			.id = mdt_col_int(st, 25),
			.answer = (enum mdt_asked_answer)mdt_col_int(st, 26),
			.asked_by = mdt_col_dup0(st, 27),
			.representative = mdt_col_dup(st, 29),
			.justification = mdt_col_dup(st, 30),
		};
		char line[1400];

		mdt_col_copy(st, 28, a.asked_on, sizeof(a.asked_on));
		sl->asked_line = mdt_xstrdup(mdt_consent_asked_line(&a, true,
		    line, sizeof(line)));
		sl->asked_basis = mdt_consent_asked_basis(&a);
		sl->asked_justification = a.justification;
		a.justification = NULL;
		mdt_consent_asked_done(&a);
	}
}

static void
read_action(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_action *a = row;

	mdt_cols(st, "iciisisceiebbciS", MDT_F(a->id), MDT_F(a->uuid),
	    MDT_F(a->patient_id), MDT_F(a->slot_id), MDT_F(a->text),
	    MDT_F(a->owner_id), MDT_F(a->owner_name), MDT_F(a->due_date),
	    MDT_F(a->status), mdt_action_status_parse, MDT_ACTION_OPEN,
	    MDT_F(a->created_at),
	    MDT_F(a->verdict), mdt_action_verdict_parse, MDT_VERDICT_NONE,
	    MDT_F(a->record_conflict), MDT_F(a->record_applied),
	    MDT_F(a->record_status), MDT_F(a->record_modified),
	    MDT_F(a->record_owner));
}

static void
read_note(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_note *n = row;

	mdt_cols(st, "icisi", MDT_F(n->id), MDT_F(n->uuid), MDT_F(n->slot_id),
	    MDT_F(n->text), MDT_F(n->created_at));
}

/*
 * The parts mdt_snapshot_refresh reads apart, and the tables each is read
 * from (the meeting's own row is read every time).  A query that reads
 * another table names it here, or a change to it would not be seen.
 */
enum snap_part {
	PART_REGISTER,		/* attendance */
	PART_PEOPLE,		/* people: names in every other part too */
	PART_SLOTS,		/* slots with their patients, consent,
				 * exclusions and outcomes */
	PART_NOTES,
	PART_ACTIONS,		/* actions and their reviews */
};

static const struct {
	const char *table;
	enum snap_part part;
} part_tables[] = {
	{ "attendance", PART_REGISTER },
	{ "people", PART_PEOPLE },
	{ "slots", PART_SLOTS },
	{ "patients", PART_SLOTS },
	{ "consent", PART_SLOTS },
	{ "consent_exclusions", PART_SLOTS },
	{ "consent_asked", PART_SLOTS },
	{ "outcomes", PART_SLOTS },
	{ "notes", PART_NOTES },
	{ "actions", PART_ACTIONS },
	{ "action_reviews", PART_ACTIONS },
	{ "record_tasks", PART_ACTIONS },
};
#define N_PART_TABLES MDT_COUNT(part_tables)

_Static_assert(PART_ACTIONS + 1 == MDT_SNAPSHOT_PARTS,
    "MDT_SNAPSHOT_PARTS counts enum snap_part");

/* One of a snapshot's arrays: its part, where its pointer and count lie,
 * how an element is read and freed, and the query that reads it (its
 * one value, if fmt says so, the meeting's id). */
struct snap_array {
	enum snap_part part;
	size_t rows, n, size;
	void (*done)(void *row);
	mdt_row_fn read;
	const char *what, *sql, *fmt;
};

#define SNAP_ARRAY(field, n_field) offsetof(struct mdt_snapshot, field), \
	offsetof(struct mdt_snapshot, n_field), \
	sizeof(*((struct mdt_snapshot *)NULL)->field)

/* A slot as the screens show it; followed by WHERE on s. */
#define SLOT_SQL \
	"SELECT s.id, s.uuid, s.patient_id, pt.uuid, pt.nhs_number," \
	" pt.name, pt.date_of_birth, pt.practice, s.reason, s.state," \
	" s.started_at, s.paused_at, s.closed_at, s.paused_ms," \
	" s.planned_seconds, s.extended_seconds, c.basis," \
	" c.justification, o.kind, o.review_date, pt.key_contact_id," \
	" kc.name, s.presenter_id, pr.name, o.died_on," \
	" coalesce(ca.id, 0), " MDT_ASKED_ANSWER_SQL("ca") "," \
	" ca.asked_by, ca.asked_on, ca.representative, ca.justification" \
	" FROM slots s JOIN patients pt ON pt.id = s.patient_id" \
	" LEFT JOIN consent c ON c.slot_id = s.id" \
	/* the answer the slot's consent started from, else the latest */ \
	" LEFT JOIN consent_asked ca ON ca.id = coalesce(c.asked_id, (" \
	MDT_ASKED_LATEST_SQL("s.patient_id") "))" \
	" LEFT JOIN outcomes o ON o.slot_id = s.id" \
	" LEFT JOIN people kc ON kc.id = pt.key_contact_id" \
	" LEFT JOIN people pr ON pr.id = s.presenter_id"

/* In the order they are read: the slots before the notes and actions,
 * which other slots read again. */
static const struct snap_array snap_arrays[] = {
	{ PART_REGISTER, SNAP_ARRAY(attendees, n_attendees), attendee_done,
	    read_attendee, "reading the register",
	    "SELECT p.id, p.uuid, p.name, p.role, p.organisation, a.status,"
	    " a.confidentiality_ack, a.arrived_at, a.left_at, a.added_on_day"
	    " FROM attendance a JOIN people p ON p.id = a.person_id"
	    " WHERE a.meeting_id = ? ORDER BY p.name, p.id", "i" },
	{ PART_SLOTS, SNAP_ARRAY(slots, n_slots), slot_done, read_slot,
	    "reading the agenda",
	    SLOT_SQL " WHERE s.meeting_id = ? ORDER BY s.position, s.id", "i" },
	{ PART_NOTES, SNAP_ARRAY(notes, n_notes), note_done, read_note,
	    "reading the notes",
	    "SELECT n.id, n.uuid, n.slot_id, n.text, n.created_at"
	    " FROM notes n JOIN slots s ON s.id = n.slot_id"
	    " WHERE s.meeting_id = ? ORDER BY n.created_at, n.id", "i" },
	/* shown: open actions of its patients, those agreed in its slots,
	 * reviewed in them, or closed since it opened.  The ids first, each
	 * kind through its own index (schema v7), then only those rows: not
	 * every action its patients ever had (on a cold start each row is a
	 * read from the disk). */
	{ PART_ACTIONS, SNAP_ARRAY(actions, n_actions), action_done,
	    read_action, "reading the actions",
	    "WITH ms AS (SELECT id, patient_id FROM slots WHERE meeting_id = ?1),"
	    " rv AS (SELECT r.action_id, r.verdict FROM ms"
	    "  JOIN action_reviews r ON r.slot_id = ms.id),"
	    " shown(id) AS ("
	    "  SELECT a.id FROM ms JOIN actions a ON a.patient_id = ms.patient_id"
	    "   AND a.status = 'open'"
	    "  UNION SELECT a.id FROM ms JOIN actions a ON a.slot_id = ms.id"
	    "  UNION SELECT action_id FROM rv"
	    "  UNION SELECT a.id FROM ms JOIN actions a"
	    "   ON a.patient_id = ms.patient_id AND a.closed_at IS NOT NULL"
	    "   AND a.closed_at >= (SELECT opened_at FROM meetings"
	    "   WHERE id = ?1)"
	    /* closed from the central record lately: news to the chair
	     * (by when, schema 26) */
	    "  UNION SELECT a.id FROM record_tasks r"
	    "   JOIN actions a ON a.id = r.action_id"
	    "   JOIN ms ON ms.patient_id = a.patient_id"
	    "   WHERE r.applied_at >= (SELECT scheduled_start - "
	    MDT_RECORD_NEWS_MS " FROM meetings WHERE id = ?1))"
	    "SELECT a.id, a.uuid, a.patient_id,"
	    " CASE WHEN a.slot_id IN (SELECT id FROM ms) THEN a.slot_id"
	    " ELSE 0 END,"
	    " a.text, a.owner_id, p.name, a.due_date, a.status, a.created_at,"
	    " rv.verdict, coalesce(r.conflict, 0), r.applied_at IS NOT NULL,"
	    " r.status, coalesce(r.modified, 0), r.owner"
	    " FROM shown CROSS JOIN actions a ON a.id = shown.id"
	    " JOIN slots s ON s.patient_id = a.patient_id AND s.meeting_id = ?1"
	    " JOIN people p ON p.id = a.owner_id"
	    " LEFT JOIN rv ON rv.action_id = a.id"
	    " LEFT JOIN record_tasks r ON r.action_id = a.id"
	    " WHERE a.withdrawn_at IS NULL AND (a.status = 'open'"
	    " OR a.slot_id IN (SELECT id FROM ms)"
	    " OR rv.verdict IS NOT NULL OR r.applied_at IS NOT NULL"
	    /* closed during this meeting: still shown, so it can be undone */
	    " OR a.closed_at >= (SELECT opened_at FROM meetings WHERE id = ?1))"
	    " ORDER BY s.position, s.id, a.created_at, a.id", "i" },
	{ PART_PEOPLE, SNAP_ARRAY(people, n_people), person_done, read_known,
	    "reading the people",
	    "SELECT id, uuid, name, CASE kind WHEN 'person' THEN role"
	    " ELSE kind END, organisation, kind <> 'person' FROM people"
	    " ORDER BY name, id", NULL },
};

/* The address of arr's pointer in snap (a T **), and of its count. */
static void *
array_at(struct mdt_snapshot *snap, const struct snap_array *arr)
{
	return (char *)snap + arr->rows;
}

static size_t *
count_at(struct mdt_snapshot *snap, const struct snap_array *arr)
{
	return (size_t *)(void *)((char *)snap + arr->n);
}

/* Reads arr of snap's meeting into snap. */
static enum mdt_status
array_read(struct mdt_store *s, const struct snap_array *arr,
    struct mdt_snapshot *snap)
{
	return mdt_read_array(s, array_at(snap, arr), count_at(snap, arr),
	    arr->size, arr->done, arr->read, NULL, arr->what, arr->sql,
	    arr->fmt, snap->meeting.id);
}

/* Moves arr from old into out, leaving old without it. */
static void
array_take(struct mdt_snapshot *out, struct mdt_snapshot *old,
    const struct snap_array *arr)
{
	memcpy(array_at(out, arr), array_at(old, arr), sizeof(void *));
	*count_at(out, arr) = *count_at(old, arr);
	memset(array_at(old, arr), 0, sizeof(void *));
	*count_at(old, arr) = 0;
}

/* Frees arr of snap, each element given to its done. */
static void
array_free(struct mdt_snapshot *snap, const struct snap_array *arr)
{
	void *rows;

	memcpy(&rows, array_at(snap, arr), sizeof(rows));
	mdt_array_free(rows, *count_at(snap, arr), arr->size, arr->done);
}

#ifdef SQLITE_ENABLE_PREUPDATE_HOOK
/* In the pre-update hook of an update of slots: whether the row keeps its
 * meeting, patient and position (it stays where it is on its agenda). */
static bool
slot_stays(const struct mdt_store *s, sqlite3 *db)
{
	for (size_t i = 0; i < MDT_COUNT(s->snap_slot_cols); i++) {
		sqlite3_value *was, *now;

		if (s->snap_slot_cols[i] < 0 ||
		    sqlite3_preupdate_old(db, s->snap_slot_cols[i], &was) !=
		    SQLITE_OK ||
		    sqlite3_preupdate_new(db, s->snap_slot_cols[i], &now) !=
		    SQLITE_OK ||
		    sqlite3_value_type(was) != sqlite3_value_type(now) ||
		    sqlite3_value_int64(was) != sqlite3_value_int64(now))
			return false;
	}
	return true;
}

/* Called by SQLite before each row this connection inserts, updates or
 * deletes (those of triggers, cascades and WITHOUT ROWID tables too,
 * which the plain update hook misses). */
static void
count_change(void *arg, sqlite3 *db, int op, const char *schema,
    const char *table, sqlite3_int64 key1, sqlite3_int64 key2)
{
	struct mdt_store *s = arg;
	uint64_t *n = &s->snap_changes[PART_SLOTS];

	(void)schema;
	for (size_t i = 0; i < N_PART_TABLES; i++) {
		if (strcmp(table, part_tables[i].table) != 0)
			continue;
		if (part_tables[i].part != PART_SLOTS)
			s->snap_changes[part_tables[i].part]++;
		else if (op == SQLITE_UPDATE && key1 == key2 &&
		    strcmp(table, "slots") == 0 && slot_stays(s, db))
			s->snap_slot_ids[(*n)++ % MDT_SNAP_SLOT_RING] = key1;
		else {
			s->snap_slots_other++;
			(*n)++;
		}
		return;
	}
}
#endif

/* Starts counting the store's changes by part, if SQLite can. */
static void
count_changes(struct mdt_store *s)
{
#ifdef SQLITE_ENABLE_PREUPDATE_HOOK
	static const char *const cols[] = { "meeting_id", "patient_id",
	    "position" };

	_Static_assert(MDT_COUNT(cols) == MDT_COUNT(s->snap_slot_cols),
	    "a column index for each column");
	if (!s->snap_counting) {
		for (size_t i = 0; i < MDT_COUNT(cols); i++) {
			int64_t cid;

			if (mdt_query_int(s, &cid, "SELECT cid FROM"
			    " pragma_table_info('slots') WHERE name = ?", "t",
			    cols[i]) != MDT_OK)
				cid = -1;
			s->snap_slot_cols[i] = (int)cid;
		}
		sqlite3_preupdate_hook(s->db, count_change, s);
		s->snap_counting = true;
	}
#else
	(void)s;
#endif
}

/* Appends a copy of name to a list of names. */
static void
names_add(char ***names, size_t *n, const char *name)
{
	*names = mdt_xreallocarray(*names, *n + 1, sizeof(**names));
	(*names)[(*n)++] = mdt_xstrdup(name);
}

/* The organisations each slot's consent excludes, in the order given. */
static enum mdt_status
load_exclusions(struct mdt_store *s, struct mdt_snapshot *snap)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	size_t i = 0;
	int rc;

	status = mdt_prep(s, &st,
	    "SELECT e.slot_id, e.organisation FROM consent_exclusions e"
	    " JOIN slots s ON s.id = e.slot_id WHERE s.meeting_id = ?"
	    " ORDER BY s.position, s.id, e.id", "i", snap->meeting.id);
	if (status != MDT_OK)
		return status;
	/* In agenda order, as the slots are: one pass over both. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t slot_id = mdt_col_int(st, 0);
		struct mdt_slot *sl;

		while (i < snap->n_slots && snap->slots[i].id != slot_id)
			i++;
		if (i == snap->n_slots)
			break;
		sl = &snap->slots[i];
		names_add(&sl->exclusions, &sl->n_exclusions,
		    (const char *)sqlite3_column_text(st, 1));
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		status = mdt_fail_db(s, rc, "reading the exclusions");
	mdt_done(s, st);
	return status;
}

/* The slots of a and b are the same patients in the same order: what the
 * notes and actions are read by. */
static bool
same_slots(const struct mdt_snapshot *a, const struct mdt_snapshot *b)
{
	if (a->n_slots != b->n_slots)
		return false;
	for (size_t i = 0; i < a->n_slots; i++)
		if (a->slots[i].id != b->slots[i].id ||
		    a->slots[i].patient_id != b->slots[i].patient_id)
			return false;
	return true;
}

#define PART(p) (1u << (p))

/* A snapshot being read: the parts to read (PART bits), and whether the
 * others may be taken from old. */
struct snapshot_read {
	int64_t meeting_id;
	struct mdt_snapshot *old;
	struct mdt_snapshot *out;
	unsigned read;
	bool partial;
};

/* After the agenda is read (status): each slot's position and
 * exclusions, and, for other patients or another order, their notes and
 * actions read again. */
static enum mdt_status
slots_read(struct mdt_store *s, struct snapshot_read *a,
    enum mdt_status status)
{
	for (size_t i = 0; i < a->out->n_slots; i++)
		a->out->slots[i].position = (int)i + 1;
	if (status == MDT_OK)
		status = load_exclusions(s, a->out);
	if (status == MDT_OK && a->partial && !same_slots(a->old, a->out))
		a->read |= PART(PART_NOTES) | PART(PART_ACTIONS);
	return status;
}

/* Frees the first n of the slots read alone. */
static void
slots_fresh_free(struct mdt_slot **fresh, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mdt_array_free(fresh[i], 1, sizeof(*fresh[i]), slot_done);
}

/*
 * The slots of a->old brought up to date in place, when all that changed
 * in their part since it was read is this connection's updates of slots
 * rows that leave each slot where it was (a pause, a resume, an
 * extension), no more than the ring holds: each slot updated is read
 * again alone, the others kept.  *done false: that does not hold, and
 * nothing was changed (the slots are then read whole).
 */
static enum mdt_status
slots_patch(struct mdt_store *s, struct snapshot_read *a, bool *done)
{
	struct mdt_snapshot *old = a->old;
	uint64_t from = old->seen[PART_SLOTS], to = a->out->seen[PART_SLOTS];
	struct mdt_slot *fresh[MDT_SNAP_SLOT_RING];
	size_t at[MDT_SNAP_SLOT_RING], n_fresh = 0, n = 0, i, j;
	enum mdt_status status;

	*done = false;
	/* a slot that changed meeting, patient or place is "other" */
	if (old->seen_slots_other != a->out->seen_slots_other ||
	    to - from > MDT_SNAP_SLOT_RING)
		return MDT_OK;
	for (uint64_t k = from; k < to; k++) {
		int64_t id = s->snap_slot_ids[k % MDT_SNAP_SLOT_RING];

		for (i = 0; i < old->n_slots && old->slots[i].id != id; i++)
			;
		for (j = 0; j < n_fresh && at[j] != i; j++)
			;
		if (i == old->n_slots || j < n_fresh)
			continue;	/* another meeting's, or read already */
		status = mdt_read_array(s, &fresh[n_fresh], &n,
		    sizeof(*fresh[n_fresh]), slot_done, read_slot, NULL,
		    "reading the agenda",
		    SLOT_SQL " WHERE s.id = ? AND s.meeting_id = ?", "ii", id,
		    a->meeting_id);
		if (status != MDT_OK || n != 1) {
			if (status == MDT_OK)
				mdt_array_free(fresh[n_fresh], n,
				    sizeof(*fresh[n_fresh]), slot_done);
			slots_fresh_free(fresh, n_fresh);
			return status;
		}
		at[n_fresh++] = i;
	}
	/* nothing can fail from here: old is changed whole or not at all */
	for (j = 0; j < n_fresh; j++) {
		struct mdt_slot *sl = &old->slots[at[j]];

		fresh[j]->position = sl->position;
		/* exclusions are not in the slots table: they stand */
		fresh[j]->exclusions = sl->exclusions;
		fresh[j]->n_exclusions = sl->n_exclusions;
		sl->exclusions = NULL;
		sl->n_exclusions = 0;
		slot_done(sl);
		*sl = *fresh[j];
		free(fresh[j]);
	}
	*done = true;
	return MDT_OK;
}

/* The parts read, in one read transaction so that they agree with each
 * other. */
static enum mdt_status
snapshot_tx(struct mdt_store *s, void *ctx)
{
	struct snapshot_read *a = ctx;
	enum mdt_status status;

	status = load_meeting(s, a->meeting_id, &a->out->meeting);
	/* after a read, so that it is this transaction's */
	if (status == MDT_OK)
		status = mdt_query_int(s, &a->out->data_version,
		    "PRAGMA data_version", NULL);
	a->out->from = s->snap_counting ? s : NULL;
	memcpy(a->out->seen, s->snap_changes, sizeof(a->out->seen));
	a->out->seen_slots_other = s->snap_slots_other;
	if (status == MDT_OK && a->old != NULL && a->out->from != NULL &&
	    a->old->from == s && a->old->meeting.id == a->meeting_id &&
	    a->old->data_version == a->out->data_version) {
		a->partial = true;
		a->read = 0;
		for (int p = 0; p < MDT_SNAPSHOT_PARTS; p++)
			if (a->old->seen[p] != a->out->seen[p])
				a->read |= PART(p);
		if (a->read & PART(PART_PEOPLE)) {
			a->partial = false;
			a->read = ~0u;
		}
		/* the actions shown depend on when the meeting opened */
		if (a->old->meeting.opened_at != a->out->meeting.opened_at)
			a->read |= PART(PART_ACTIONS);
	}
	for (size_t i = 0; status == MDT_OK && i < MDT_COUNT(snap_arrays);
	    i++) {
		const struct snap_array *arr = &snap_arrays[i];

		if (!(a->read & PART(arr->part)))
			continue;
		if (arr->part == PART_SLOTS && a->partial) {
			bool done;

			status = slots_patch(s, a, &done);
			if (status != MDT_OK)
				break;
			if (done) {
				/* taken from old with the rest */
				a->read &= ~PART(PART_SLOTS);
				continue;
			}
		}
		status = array_read(s, arr, a->out);
		if (arr->part == PART_SLOTS)
			status = slots_read(s, a, status);
	}
	return status;
}

/*
 * Reads meeting_id into *out.  With old (a snapshot of the same store and
 * meeting, nothing committed by another connection since), the parts whose
 * tables this connection has not changed are taken from old (which then
 * no longer holds them) instead of being read.
 */
static enum mdt_status
snapshot_read(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *old, struct mdt_snapshot *out)
{
	struct snapshot_read a = { meeting_id, old, out, ~0u, false };
	enum mdt_status status;

	memset(out, 0, sizeof(*out));
	count_changes(s);
	status = mdt_tx_read(s, snapshot_tx, &a);
	if (status != MDT_OK) {
		mdt_snapshot_free(out);
		return status;
	}
	for (size_t i = 0; i < MDT_COUNT(snap_arrays); i++)
		if (!(a.read & PART(snap_arrays[i].part)))
			array_take(out, old, &snap_arrays[i]);
	return MDT_OK;
}

enum mdt_status
mdt_snapshot_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *out)
{
	return snapshot_read(s, meeting_id, NULL, out);
}

enum mdt_status
mdt_snapshot_refresh(struct mdt_store *s, int64_t meeting_id,
    struct mdt_snapshot *snap)
{
	struct mdt_snapshot fresh;
	enum mdt_status status;

	status = snapshot_read(s, meeting_id, snap, &fresh);
	if (status != MDT_OK)
		return status;
	mdt_snapshot_free(snap);
	*snap = fresh;
	return MDT_OK;
}

void
mdt_snapshot_free(struct mdt_snapshot *snap)
{
	if (snap == NULL)
		return;
	free(snap->meeting.title);
	free(snap->meeting.venue);
	for (size_t i = 0; i < MDT_COUNT(snap_arrays); i++)
		array_free(snap, &snap_arrays[i]);
	memset(snap, 0, sizeof(*snap));
}

enum mdt_status
mdt_record_news(struct mdt_store *s, int64_t meeting_id, int64_t patient_id,
    struct mdt_action **out, size_t *n)
{
	return mdt_read_array(s, out, n, sizeof(**out), action_done,
	    read_action, NULL, "reading what the record says",
	    "SELECT a.id, a.uuid, a.patient_id, 0, a.text, a.owner_id, p.name,"
	    " a.due_date, a.status, a.created_at, NULL, r.conflict,"
	    " r.applied_at IS NOT NULL, r.status, r.modified, r.owner"
	    " FROM actions a JOIN record_tasks r ON r.action_id = a.id"
	    " JOIN people p ON p.id = a.owner_id"
	    " WHERE a.patient_id = ?2 AND a.withdrawn_at IS NULL"
	    " AND (r.conflict = 1 OR r.applied_at >= (SELECT scheduled_start - "
	    MDT_RECORD_NEWS_MS " FROM meetings WHERE id = ?1)"
	    "  OR (a.status = 'open' AND lower(r.owner) <> lower(p.name)))"
	    " ORDER BY r.conflict DESC, r.applied_at IS NOT NULL DESC,"
	    " r.modified DESC, a.id DESC LIMIT 4",
	    "ii", meeting_id, patient_id);
}

void
mdt_record_news_free(struct mdt_action *a, size_t n)
{
	mdt_array_free(a, n, sizeof(*a), action_done);
}

const struct mdt_slot *
mdt_snapshot_slot(const struct mdt_snapshot *snap, int64_t slot_id)
{
	size_t i;

	if (slot_id == 0)
		return NULL;
	for (i = 0; i < snap->n_slots; i++)
		if (snap->slots[i].id == slot_id)
			return &snap->slots[i];
	return NULL;
}

const struct mdt_slot *
mdt_snapshot_current(const struct mdt_snapshot *snap)
{
	return mdt_snapshot_slot(snap, snap->meeting.current_slot_id);
}

bool
mdt_attendee_here(const struct mdt_attendee *a)
{
	return a->status == MDT_ATTEND_PRESENT && a->left_at == 0;
}

const struct mdt_attendee *
mdt_snapshot_attendee(const struct mdt_snapshot *snap, int64_t person_id)
{
	for (size_t i = 0; i < snap->n_attendees; i++)
		if (snap->attendees[i].person.id == person_id)
			return &snap->attendees[i];
	return NULL;
}

bool
mdt_snapshot_room_cleared(const struct mdt_snapshot *snap, size_t *waiting)
{
	size_t present = 0, unack = 0;

	for (size_t i = 0; i < snap->n_attendees; i++) {
		if (!mdt_attendee_here(&snap->attendees[i]))
			continue;
		present++;
		if (!snap->attendees[i].confidentiality_ack)
			unack++;
	}
	if (waiting != NULL)
		*waiting = unack;
	return present > 0 && unack == 0;
}

int64_t
mdt_meeting_planned_end(const struct mdt_meeting *m)
{
	int64_t start = m->opened_at != 0 ? m->opened_at : m->scheduled_start;

	return start + (int64_t)m->planned_minutes * 60000;
}

/* What is left of a slot's allowance (planned + extended), never less
 * than nothing. */
static int64_t
remaining_ms(const struct mdt_slot *sl, int64_t now)
{
	int64_t allowance = ((int64_t)sl->times.planned_s +
	    sl->times.extended_s) * 1000;
	int64_t left = allowance - mdt_slot_elapsed_ms(sl->state, &sl->times,
	    now);

	return left < 0 ? 0 : left;
}

int64_t
mdt_forecast(const struct mdt_snapshot *snap, int64_t now, int64_t *ends)
{
	const struct mdt_slot *cur = mdt_snapshot_current(snap);
	int64_t t = now, finish;
	size_t i;

	/* Not yet started: it starts when scheduled, or now if later. */
	if (snap->meeting.state == MDT_MEETING_PLANNED &&
	    snap->meeting.scheduled_start > now)
		t = snap->meeting.scheduled_start;
	if (cur != NULL && cur->state != MDT_SLOT_DONE)
		t += remaining_ms(cur, now);
	else
		cur = NULL;
	finish = t;
	for (i = 0; i < snap->n_slots; i++) {
		const struct mdt_slot *sl = &snap->slots[i];
		int64_t end;

		if (sl == cur)
			end = t;
		else if (sl->state == MDT_SLOT_DONE)
			end = sl->times.closed_at;
		else {
			finish += remaining_ms(sl, now);
			end = finish;
		}
		if (ends != NULL)
			ends[i] = end;
	}
	/* Closed slots may end after the others' forecast only in odd
	 * histories; the meeting ends at the latest. */
	for (i = 0; i < snap->n_slots; i++)
		if (snap->slots[i].state == MDT_SLOT_DONE &&
		    snap->slots[i].times.closed_at > finish)
			finish = snap->slots[i].times.closed_at;
	return finish;
}

/* ---- a patient's earlier exclusions ---------------------------------- */

static void
read_name(sqlite3_stmt *st, void *row, void *ctx)
{
	*(char **)row = mdt_col_dup0(st, 0);
}

static void
name_done(void *row)
{
	free(*(char **)row);
}

enum mdt_status
mdt_exclusions_previous(struct mdt_store *s, int64_t slot_id, char ***names,
    size_t *n)
{
	return mdt_read_array(s, names, n, sizeof(**names), name_done, read_name,
	    NULL, "reading the earlier exclusions",
	    "WITH latest AS (SELECT c.slot_id FROM consent c"
	    "  JOIN slots o ON o.id = c.slot_id"
	    "  JOIN slots this ON this.patient_id = o.patient_id"
	    "  WHERE this.id = ?1 AND o.id <> ?1"
	    "  ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1)"
	    " SELECT e.organisation FROM consent_exclusions e"
	    " JOIN latest l ON l.slot_id = e.slot_id ORDER BY e.id", "i",
	    slot_id);
}

/* ---- finding meetings ------------------------------------------------ */

enum mdt_status
mdt_meeting_find(struct mdt_store *s, const char *ref, int64_t *id)
{
	enum mdt_status st;

	*id = 0;
	if (ref == NULL || *ref == '\0') {
		st = mdt_query_int(s, id,
		    "SELECT id FROM meetings WHERE state = 'open'"
		    " ORDER BY opened_at DESC, id DESC LIMIT 1", NULL);
		if (st == MDT_ENOTFOUND)
			st = mdt_query_int(s, id,
			    "SELECT id FROM meetings WHERE state IN ('planned',"
			    " 'open') ORDER BY scheduled_start DESC, id DESC"
			    " LIMIT 1",
			    NULL);
		/* Nothing to come: the last one held (its record). */
		if (st == MDT_ENOTFOUND)
			st = mdt_query_int(s, id,
			    "SELECT id FROM meetings"
			    " ORDER BY closed_at DESC, id DESC LIMIT 1", NULL);
		if (st == MDT_ENOTFOUND)
			return mdt_fail(s, st, "there is no meeting yet");
		return st;
	}
	if (mdt_str_digits(ref)) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(ref, &end, 10);
		if (errno != 0 || *end != '\0' || v <= 0)
			return mdt_fail(s, MDT_ENOTFOUND, "no meeting %s", ref);
		st = mdt_query_int(s, id, "SELECT id FROM meetings WHERE id = ?",
		    "i", (int64_t)v);
	} else if (mdt_uuid_like(ref))
		st = mdt_query_int(s, id,
		    "SELECT id FROM meetings WHERE uuid = lower(?)", "t", ref);
	else
		st = MDT_ENOTFOUND;
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no meeting %s", ref);
	return st;
}

