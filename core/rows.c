/*
 * rows.c - the rows an act reads before it writes: a meeting (its state,
 * date and current slot; a closed one refused when asked), a slot (its
 * clock and its patient's name for messages), an action, and whether a
 * person exists; a venue by its name (made when there is none).  Each
 * read is one kept statement; a missing row is MDT_ENOTFOUND with a line
 * naming it.  And the act runner, which reads what an act acts on before
 * its body runs, in the act's one transaction.
 */
#include "config.h"

#include "rows.h"

#include <inttypes.h>
#include <stdlib.h>

#include "model.h"
#include "purge.h"
#include "rules.h"
#include "store_internal.h"
#include "util.h"

static void
read_meeting(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_meeting_row *m = row;

	mdt_cols(st, "iceiii", MDT_F(m->id), MDT_F(m->uuid),
	    MDT_F(m->state), mdt_meeting_state_parse, MDT_MEETING_PLANNED,
	    MDT_F(m->scheduled_start), MDT_F(m->opened_at), MDT_F(m->current));
}

enum mdt_status
mdt_row_meeting(struct mdt_store *s, int64_t id, bool refuse_closed,
    struct mdt_meeting_row *m)
{
	enum mdt_status st;

	st = mdt_read_id(s, m, sizeof(*m), read_meeting, "meeting",
	    "SELECT id, uuid, state, scheduled_start, opened_at,"
	    " current_slot_id FROM meetings WHERE id = ?", id);
	if (st == MDT_OK && refuse_closed && m->state == MDT_MEETING_CLOSED)
		return mdt_fail(s, MDT_ESTATE, "the meeting is closed");
	return st;
}

static void
read_slot(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_slot_row *sl = row;

	mdt_cols(st, "iciiie" "iiiidd" "c", MDT_F(sl->id), MDT_F(sl->uuid),
	    MDT_F(sl->meeting_id), MDT_F(sl->patient_id), MDT_F(sl->position),
	    MDT_F(sl->state), mdt_slot_state_parse, MDT_SLOT_PENDING,
	    MDT_F(sl->t.started_at), MDT_F(sl->t.paused_at),
	    MDT_F(sl->t.closed_at), MDT_F(sl->t.paused_ms),
	    MDT_F(sl->t.planned_s), MDT_F(sl->t.extended_s),
	    MDT_F(sl->patient));
}

enum mdt_status
mdt_row_slot(struct mdt_store *s, int64_t id, struct mdt_slot_row *sl)
{
	return mdt_read_id(s, sl, sizeof(*sl), read_slot, "slot",
	    "SELECT s.id, s.uuid, s.meeting_id, s.patient_id, s.position,"
	    " s.state, s.started_at, s.paused_at, s.closed_at, s.paused_ms,"
	    " s.planned_seconds, s.extended_seconds, p.name"
	    " FROM slots s JOIN patients p ON p.id = s.patient_id"
	    " WHERE s.id = ?", id);
}

static void
read_action(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_action_row *a = row;

	mdt_cols(st, "iciei", MDT_F(a->id), MDT_F(a->uuid),
	    MDT_F(a->patient_id), MDT_F(a->status), mdt_action_status_parse,
	    MDT_ACTION_OPEN, MDT_F(a->owner_id));
}

enum mdt_status
mdt_row_action(struct mdt_store *s, int64_t id, struct mdt_action_row *a)
{
	return mdt_read_id(s, a, sizeof(*a), read_action, "action",
	    "SELECT id, uuid, patient_id, status, owner_id FROM actions"
	    " WHERE id = ?", id);
}

enum mdt_status
mdt_row_person_exists(struct mdt_store *s, int64_t person_id)
{
	enum mdt_status st;
	int64_t id;

	st = mdt_query_int(s, &id, "SELECT id FROM people WHERE id = ?", "i",
	    person_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no person %" PRId64, person_id);
	return st;
}

enum mdt_status
mdt_row_venue(struct mdt_store *s, const char *name, int64_t *id)
{
	enum mdt_status st;
	char uuid[37];

	*id = 0;
	if (mdt_str_blank(name))
		return MDT_OK;
	st = mdt_query_int(s, id, "SELECT id FROM venues WHERE name = ?"
	    " ORDER BY id LIMIT 1", "t", name);
	if (st != MDT_ENOTFOUND)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO venues (uuid, name) VALUES (?, ?)", "tt",
	    uuid, name);
	if (st == MDT_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return st;
}

/* ---- the organisations a patient asked to be kept from --------------- */

struct excluded_find {
	const char *org;	/* the person's, tidied */
	char *hit;		/* the exclusion it is, as recorded */
};

static void
excluded_match(sqlite3_stmt *st, void *ctx)
{
	struct excluded_find *f = ctx;
	char *name;

	if (f->hit != NULL)
		return;
	name = mdt_org_tidy((const char *)sqlite3_column_text(st, 0));
	if (name != NULL && mdt_org_same(name, f->org))
		f->hit = mdt_col_dup0(st, 0);
	free(name);
}

enum mdt_status
mdt_row_excluded_org(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, char **org)
{
	struct excluded_find f = { NULL, NULL };
	enum mdt_status st;
	char *raw = NULL, *mine;

	*org = NULL;
	st = mdt_query_text(s, &raw, "SELECT organisation FROM people"
	    " WHERE id = ?", "i", person_id);
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	mine = st == MDT_OK ? mdt_org_tidy(raw) : NULL;
	free(raw);
	if (mine == NULL)
		return st;
	f.org = mine;
	st = mdt_read_each(s, excluded_match, &f, "reading the exclusions",
	    "SELECT e.organisation FROM consent_exclusions e"
	    " WHERE e.slot_id = (SELECT c.slot_id FROM consent c"
	    "  JOIN slots sl ON sl.id = c.slot_id WHERE sl.patient_id = ?"
	    "  ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1)"
	    " ORDER BY e.id", "i", patient_id);
	free(mine);
	if (st == MDT_OK)
		*org = f.hit;
	else
		free(f.hit);
	return st;
}

enum mdt_status
mdt_row_person_allowed(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, const char *as)
{
	enum mdt_status st;
	char *org = NULL, *name = NULL;

	st = mdt_row_person_exists(s, person_id);
	if (st == MDT_OK)
		st = mdt_row_excluded_org(s, patient_id, person_id, &org);
	if (st != MDT_OK || org == NULL)
		return st;
	st = mdt_query_text(s, &name, "SELECT name FROM people WHERE id = ?",
	    "i", person_id);
	if (st == MDT_OK)
		st = mdt_fail(s, MDT_EEXCLUDED, "%s (%s cannot %s)", org,
		    name != NULL ? name : "this person", as);
	free(org);
	free(name);
	return st;
}

enum mdt_status
mdt_row_action_openable(struct mdt_store *s, const struct mdt_action_row *a,
    bool purged, bool owner)
{
	enum mdt_status st = MDT_OK;

	if (purged)
		st = mdt_action_refuse_purged(s, a->id);
	if (st == MDT_OK && owner)
		st = mdt_row_person_allowed(s, a->patient_id, a->owner_id,
		    "own this action");
	return st;
}

/* ---- acts ------------------------------------------------------------ */

/* The slot's consent is recorded, or its patient died (who cannot
 * consent). */
static enum mdt_status
act_consented(struct mdt_store *s, const struct mdt_slot_row *sl)
{
	enum mdt_status st;
	int64_t n;

	st = mdt_query_int(s, &n, "SELECT (SELECT count(*) FROM consent"
	    " WHERE slot_id = ?1) + (SELECT count(*) FROM outcomes"
	    " WHERE slot_id = ?1 AND kind = 'died')", "i", sl->id);
	if (st == MDT_OK && n == 0)
		st = mdt_fail(s, MDT_ECONSENT, "record consent for %s first",
		    sl->patient);
	return st;
}

enum mdt_status
mdt_row_unpurged(struct mdt_store *s, const struct mdt_meeting_row *m)
{
	return mdt_refuse_when(s, MDT_ESTATE, "the meeting was purged: its"
	    " record was delivered and is kept as it is", "SELECT purged_at"
	    " FROM meetings WHERE id = ?", "i", m->id);
}

/* What the act's transaction is given. */
struct act_run {
	mdt_act_fn body;
	unsigned reads;
	struct mdt_act *a;
};

static enum mdt_status
act_tx(struct mdt_store *s, void *ctx)
{
	const struct act_run *r = ctx;
	struct mdt_act *a = r->a;
	enum mdt_status st = MDT_OK;

	if (r->reads & MDT_ACT_SLOT) {
		st = mdt_row_slot(s, a->slot_id, &a->sl);
		a->meeting_id = a->sl.meeting_id;
	}
	if (st == MDT_OK && (r->reads & (MDT_ACT_MEETING | MDT_ACT_SLOT)))
		st = mdt_row_meeting(s, a->meeting_id,
		    !(r->reads & MDT_ACT_CLOSED_TOO), &a->m);
	if (st == MDT_OK && (r->reads & MDT_ACT_UNPURGED))
		st = mdt_row_unpurged(s, &a->m);
	if (st == MDT_OK && (r->reads & MDT_ACT_RUNNING))
		st = a->m.current == 0 ? mdt_fail(s, MDT_ESTATE,
		    "no slot is running") : mdt_row_slot(s, a->m.current, &a->sl);
	if (st == MDT_OK && (r->reads & MDT_ACT_CONSENTED))
		st = act_consented(s, &a->sl);
	if (st == MDT_OK)
		st = r->body(s, a);
	return st;
}

enum mdt_status
mdt_act_run(struct mdt_store *s, mdt_act_fn body, unsigned reads,
    struct mdt_act *a)
{
	struct act_run r = { body, reads, a };

	return mdt_tx_run(s, act_tx, &r,
	    (reads & MDT_ACT_WROTE) ? &a->wrote : NULL);
}

enum mdt_status
mdt_meeting_act(struct mdt_store *s, mdt_act_fn body, unsigned reads,
    int64_t meeting_id)
{
	return mdt_act_run(s, body, MDT_ACT_MEETING | reads,
	    &(struct mdt_act){ .meeting_id = meeting_id });
}
