/*
 * acts_record.c - the acts that record the discussion of a slot: consent
 * (with the organisations the patient asks to exclude), notes, actions
 * and their status, outcomes (a death with its follow-up with the
 * relatives) and a patient's key contact.  Each act is one transaction
 * that writes the change, one audit row and the outbox row(s) for the
 * central record, or nothing at all.
 */
#include "config.h"

#include "acts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "purge.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

static enum mdt_status
has_consent(struct mdt_store *s, const struct mdt_slot_row *sl)
{
	enum mdt_status st;
	int64_t n;

	/* a death counts: a dead patient cannot consent */
	st = mdt_query_int(s, &n, "SELECT (SELECT count(*) FROM consent"
	    " WHERE slot_id = ?1) + (SELECT count(*) FROM outcomes"
	    " WHERE slot_id = ?1 AND kind = 'died')", "i", sl->id);
	if (st == MDT_OK && n == 0)
		st = mdt_fail(s, MDT_ECONSENT, "record consent for %s first",
		    sl->patient);
	return st;
}

/* The slot exists, its meeting is not closed and (if need_consent) its
 * consent is recorded. */
static enum mdt_status
recordable_slot(struct mdt_store *s, int64_t slot_id, bool need_consent,
    struct mdt_slot_row *sl, struct mdt_meeting_row *m)
{
	enum mdt_status st;

	st = mdt_row_slot(s, slot_id, sl);
	if (st == MDT_OK)
		st = mdt_row_meeting(s, sl->meeting_id, true, m);
	if (st == MDT_OK && need_consent)
		st = has_consent(s, sl);
	return st;
}

/* Bytes of the first chars characters of UTF-8 text. */
static int
utf8_prefix(const char *s, size_t chars)
{
	const char *p = s;

	for (; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80 && chars-- == 0)
			break;
	return (int)(p - s);
}

/*
 * The organisations as they are recorded (see mdt_consent_record): tidied,
 * blank ones dropped, repeats merged into their first spelling, within
 * the limits.  DESTRUCTOR: mdt_names_free (also on failure).
 */
static enum mdt_status
orgs_tidy(struct mdt_store *s, const char *const *in, size_t n_in,
    char ***out, size_t *n_out)
{
	char **orgs = NULL, *name;
	size_t i, j, n = 0;

	if (n_in > 0)
		orgs = mdt_xcalloc(n_in, sizeof(*orgs));
	*out = orgs;
	*n_out = 0;
	for (i = 0; i < n_in; i++) {
		if ((name = mdt_org_tidy(in[i])) == NULL)
			continue;
		for (j = 0; j < n && !mdt_org_same(orgs[j], name); j++)
			;
		if (j < n) {
			free(name);
			continue;
		}
		orgs[n++] = name;
		*n_out = n;
		/* its white space made one space: the rest must be text */
		if (mdt_text_check(s, "an organisation", name, false, 0) !=
		    MDT_OK)
			return MDT_EINVAL;
		if (mdt_text_chars(name) > MDT_ORGANISATION_MAX)
			return mdt_fail(s, MDT_ETOOLONG, "an organisation's"
			    " name may have at most %d characters (\"%.*s...\")",
			    MDT_ORGANISATION_MAX, utf8_prefix(name, 40), name);
	}
	if (n > MDT_EXCLUSIONS_MAX)
		return mdt_fail(s, MDT_ETOOLONG, "at most %d organisations can"
		    " be excluded (%zu given)", MDT_EXCLUSIONS_MAX, n);
	return MDT_OK;
}

struct consent_act {
	int64_t slot_id;
	enum mdt_consent_basis basis;
	const char *justification;
	char **orgs;		/* tidied (orgs_tidy) */
	size_t n_orgs;
};

static enum mdt_status
consent_tx(struct mdt_store *s, void *ctx)
{
	char said[24];
	const struct consent_act *a = ctx;
	struct mdt_slot_row sl;
	struct mdt_meeting_row m;
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL;
	size_t i;

	st = recordable_slot(s, a->slot_id, false, &sl, &m);
	if (st != MDT_OK)
		return st;
	/* recorded again: the consent as it was is kept, superseded */
	st = mdt_query_text(s, &row_uuid, "SELECT uuid FROM consent"
	    " WHERE slot_id = ?", "i", a->slot_id);
	if (st == MDT_OK)
		st = mdt_row_correction(s, "consent", row_uuid, "superseded");
	free(row_uuid);
	row_uuid = NULL;
	if (st != MDT_OK && st != MDT_ENOTFOUND)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO consent"
	    " (uuid, slot_id, basis, justification, recorded_at)"
	    " VALUES (?, ?, ?, ?, ?)"
	    " ON CONFLICT (slot_id) DO UPDATE SET basis = excluded.basis,"
	    " justification = excluded.justification,"
	    " recorded_at = excluded.recorded_at", "titTi",
	    uuid, a->slot_id, mdt_consent_name(a->basis),
	    mdt_str_blank(a->justification) ? NULL : a->justification,
	    mdt_store_now(s));
	/* The list is recorded whole each time: it replaces the last. */
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM consent_exclusions"
		    " WHERE slot_id = ?", "i", a->slot_id);
	for (i = 0; st == MDT_OK && i < a->n_orgs; i++)
		st = mdt_run(s, "INSERT INTO consent_exclusions"
		    " (slot_id, organisation) VALUES (?, ?)", "it", a->slot_id,
		    a->orgs[i]);
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid,
		    "SELECT uuid FROM consent WHERE slot_id = ?", "i",
		    a->slot_id);
	/* The log counts the organisations and never names them. */
	if (st == MDT_OK && a->n_orgs > 0)
		st = mdt_record_change(s, "consent_record", "consent", row_uuid,
		    "%s: %s, %zu organisation%s excluded",
		    mdt_said_slot(s, a->slot_id, said),
		    mdt_consent_name(a->basis), a->n_orgs,
		    a->n_orgs == 1 ? "" : "s");
	else if (st == MDT_OK)
		st = mdt_record_change(s, "consent_record", "consent", row_uuid,
		    "%s: %s", mdt_said_slot(s, a->slot_id, said),
		    mdt_consent_name(a->basis));
	free(row_uuid);
	return st;
}

enum mdt_status
mdt_consent_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_consent_basis basis, const char *justification,
    const char *const *exclude, size_t n_exclude)
{
	struct consent_act a = { slot_id, basis, justification, NULL, 0 };
	enum mdt_status st;

	st = mdt_consent_check(basis, justification);
	if (st == MDT_EJUSTIFY)
		return mdt_fail(s, st, "write why (%s)",
		    mdt_consent_label(basis));
	if (st != MDT_OK)
		return mdt_fail(s, st, "unknown consent basis %d", (int)basis);
	st = mdt_text_check(s, "the justification", justification, false, 0);
	if (st != MDT_OK)
		return st;
	st = orgs_tidy(s, exclude, n_exclude, &a.orgs, &a.n_orgs);
	if (st == MDT_OK)
		st = mdt_tx_run(s, consent_tx, &a, NULL);
	mdt_names_free(a.orgs, a.n_orgs);
	return st;
}

/* A note or an action written in a slot; id gets its row. */
struct entry_act {
	int64_t slot_id;
	const char *text;
	int64_t owner_id;	/* an action's */
	const char *due;	/* an action's, parsed */
	int64_t id;
};

static enum mdt_status
note_tx(struct mdt_store *s, void *ctx)
{
	char said[24];
	struct entry_act *a = ctx;
	struct mdt_slot_row sl;
	struct mdt_meeting_row m;
	enum mdt_status st;
	char uuid[37];

	st = recordable_slot(s, a->slot_id, true, &sl, &m);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO notes (uuid, slot_id, text, created_at)"
	    " VALUES (?, ?, ?, ?)", "titi", uuid, a->slot_id, a->text,
	    mdt_store_now(s));
	if (st != MDT_OK)
		return st;
	a->id = sqlite3_last_insert_rowid(s->db);
	/* the draft it was typed in is done with */
	st = mdt_run(s, "DELETE FROM note_drafts WHERE slot_id = ?", "i",
	    a->slot_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "note_add", "note", uuid, "%s",
		    mdt_said_slot(s, a->slot_id, said));
	return st;
}

enum mdt_status
mdt_note_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t *note_id)
{
	struct entry_act a = { .slot_id = slot_id, .text = text };
	enum mdt_status st;

	if (note_id != NULL)
		*note_id = 0;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "the note is empty");
	st = mdt_text_check(s, "the note", text, true, 0);
	if (st == MDT_OK)
		st = mdt_tx_run(s, note_tx, &a, NULL);
	if (st == MDT_OK && note_id != NULL)
		*note_id = a.id;
	return st;
}

/* Inserts an action; *id gets its row id. */
static enum mdt_status
insert_action(struct mdt_store *s, const struct mdt_slot_row *sl,
    const char *text, int64_t owner_id, const char *due, const char *kind,
    int64_t *id)
{
	char said[24];
	char who[128];
	enum mdt_status st;
	char uuid[37];

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO actions (uuid, patient_id, slot_id, text,"
	    " owner_id, due_date, status, created_at, kind)"
	    " VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)", "tiititiT",
	    uuid, sl->patient_id, sl->id, text, owner_id, due,
	    mdt_store_now(s), kind);
	if (st != MDT_OK)
		return st;
	*id = sqlite3_last_insert_rowid(s->db);
	st = mdt_record_change(s, "action_add", "action", uuid,
	    "%s: owner %s, due %s", mdt_said_slot(s, sl->id, said),
	    mdt_said_person(s, owner_id, who), due);
	return st;
}

static enum mdt_status
action_tx(struct mdt_store *s, void *ctx)
{
	struct entry_act *a = ctx;
	struct mdt_slot_row sl;
	struct mdt_meeting_row m;
	enum mdt_status st;

	st = recordable_slot(s, a->slot_id, true, &sl, &m);
	if (st == MDT_OK)
		st = mdt_row_person_allowed(s, sl.patient_id, a->owner_id,
		    "own this action");
	if (st != MDT_OK)
		return st;
	return insert_action(s, &sl, a->text, a->owner_id, a->due, NULL,
	    &a->id);
}

enum mdt_status
mdt_action_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t owner_id, const char *due, int64_t *action_id)
{
	struct entry_act a = { slot_id, text, owner_id, NULL, 0 };
	enum mdt_status st;
	char date[11];

	if (action_id != NULL)
		*action_id = 0;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "the action has no text");
	if (mdt_text_check(s, "the action", text, false, 0) != MDT_OK)
		return MDT_EINVAL;
	if (mdt_date_parse(due, mdt_store_now(s), date) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "due date \"%s\"",
		    due != NULL ? due : "");
	if (mdt_date_past(s, "due date", date) != MDT_OK)
		return MDT_EINVAL;
	a.due = date;
	st = mdt_tx_run(s, action_tx, &a, NULL);
	if (st == MDT_OK && action_id != NULL)
		*action_id = a.id;
	return st;
}

struct status_act {
	int64_t action_id;
	enum mdt_action_status status;
	bool wrote;		/* false: the status was so already */
};

static enum mdt_status
action_status_tx(struct mdt_store *s, void *ctx)
{
	struct status_act *a = ctx;
	struct mdt_action_row row;
	enum mdt_status st;
	const char *name = mdt_action_status_name(a->status);

	st = mdt_row_action(s, a->action_id, &row);
	if (st != MDT_OK || row.status == a->status)
		return st;
	/* a purged action has lost its words: reopening it would send the
	 * placeholder as the task */
	st = mdt_action_refuse_purged(s, a->action_id);
	/* nor is work reopened for someone the patient has since excluded */
	if (st == MDT_OK && a->status == MDT_ACTION_OPEN)
		st = mdt_row_person_allowed(s, row.patient_id, row.owner_id,
		    "own this action");
	if (st != MDT_OK)
		return st;
	if (a->status == MDT_ACTION_OPEN)
		st = mdt_run(s, "UPDATE actions SET status = 'open',"
		    " closed_at = NULL WHERE id = ?", "i", a->action_id);
	else
		st = mdt_run(s, "UPDATE actions SET status = ?, closed_at = ?"
		    " WHERE id = ?", "tii", name, mdt_store_now(s),
		    a->action_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "action_status", "action", row.uuid,
		    "%s", name);
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_action_set_status(struct mdt_store *s, int64_t action_id,
    enum mdt_action_status status)
{
	struct status_act a = { action_id, status, false };

	if (status != MDT_ACTION_OPEN && status != MDT_ACTION_DONE &&
	    status != MDT_ACTION_CANCELLED)
		return mdt_fail(s, MDT_EINVAL, "unknown action status %d",
		    (int)status);
	return mdt_tx_run(s, action_status_tx, &a, &a.wrote);
}

/*
 * After a death: the follow-up with the relatives.  Its text is the same
 * for every patient (the action's patient and slot say whose), so that it
 * names nobody wherever it is shown, the projector included.
 */
#define RELATIVES_KIND "contact_relatives"
#define RELATIVES_TEXT \
	"Contact the relatives to offer support and follow up"

/* Whether person may own a patient's follow-up: someone whose
 * organisation the patient did not exclude. */
static enum mdt_status
relatives_owner_ok(struct mdt_store *s, int64_t patient_id, int64_t person,
    bool *ok)
{
	enum mdt_status st;
	char *org = NULL;

	st = mdt_row_excluded_org(s, patient_id, person, &org);
	*ok = st == MDT_OK && org == NULL;
	free(org);
	return st;
}

/* Who owns the follow-up: the patient's key contact; without one (or if
 * the patient has since excluded their organisation), the first attendee
 * marked present, in name order, whose organisation the patient did not
 * exclude.  *owner 0: nobody can. */
static enum mdt_status
relatives_owner(struct mdt_store *s, const struct mdt_slot_row *sl,
    int64_t meeting_id, int64_t *owner)
{
	struct mdt_rows r = { 0 };
	enum mdt_status st;
	int64_t kc = 0, *ids;
	bool ok = false;

	*owner = 0;
	st = mdt_query_int(s, &kc, "SELECT key_contact_id FROM patients"
	    " WHERE id = ?", "i", sl->patient_id);
	if (st == MDT_OK && kc != 0)
		st = relatives_owner_ok(s, sl->patient_id, kc, &ok);
	if (st != MDT_OK || ok) {
		*owner = ok ? kc : 0;
		return st;
	}
	st = mdt_read_rows(s, &r, sizeof(int64_t), mdt_row_int, NULL,
	    "reading who is present", "SELECT a.person_id"
	    " FROM attendance a JOIN people p ON p.id = a.person_id"
	    " WHERE a.meeting_id = ? AND a.status = 'present'"
	    " AND a.left_at IS NULL ORDER BY p.name, p.id", "i", meeting_id);
	ids = r.v;
	for (size_t i = 0; st == MDT_OK && !ok && i < r.n; i++) {
		st = relatives_owner_ok(s, sl->patient_id, ids[i], &ok);
		if (ok)
			*owner = ids[i];
	}
	free(r.v);
	return st;
}

/* Made once per patient (a cancelled one does not count). */
static enum mdt_status
contact_relatives(struct mdt_store *s, const struct mdt_slot_row *sl,
    const struct mdt_meeting_row *m)
{
	enum mdt_status st;
	int64_t n, owner = 0, id;
	char due[11];

	st = mdt_query_int(s, &n, "SELECT count(*) FROM actions"
	    " WHERE patient_id = ? AND kind = '" RELATIVES_KIND "'"
	    " AND status <> 'cancelled'", "i", sl->patient_id);
	if (st != MDT_OK || n > 0)
		return st;
	st = relatives_owner(s, sl, m->id, &owner);
	if (st == MDT_OK && owner == 0)
		return mdt_fail(s, MDT_ESTATE, "%s has no key contact and"
		    " nobody the patient allows is marked present to follow up"
		    " with the relatives", sl->patient);
	if (st != MDT_OK)
		return st;
	if (mdt_date_parse("+7", mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "cannot work out the due date");
	return insert_action(s, sl, RELATIVES_TEXT, owner, due, RELATIVES_KIND,
	    &id);
}

/* An outcome corrected away from a death: the slot's open follow-up with
 * the relatives is cancelled, each one audited and queued. */
static enum mdt_status
relatives_cancel(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind now)
{
	enum mdt_status st;
	char *uuid = NULL;

	while ((st = mdt_query_text(s, &uuid, "SELECT uuid FROM actions"
	    " WHERE slot_id = ? AND kind = '" RELATIVES_KIND "'"
	    " AND status = 'open' ORDER BY id LIMIT 1", "i", slot_id)) ==
	    MDT_OK) {
		st = mdt_run(s, "UPDATE actions SET status = 'cancelled',"
		    " closed_at = ? WHERE uuid = ?", "it", mdt_store_now(s),
		    uuid);
		if (st == MDT_OK)
			st = mdt_record_change(s, "action_status", "action",
			    uuid, "cancelled: the outcome is now %s",
			    mdt_outcome_name(now));
		free(uuid);
		uuid = NULL;
		if (st != MDT_OK)
			return st;
	}
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* A key contact set: the patient's open follow-up with the relatives
 * moves to them, each move audited and queued. */
static enum mdt_status
relatives_move(struct mdt_store *s, int64_t patient_id, int64_t person_id)
{
	char who[128];
	enum mdt_status st;
	char *uuid = NULL;

	while ((st = mdt_query_text(s, &uuid, "SELECT uuid FROM actions"
	    " WHERE patient_id = ? AND kind = '" RELATIVES_KIND "'"
	    " AND status = 'open' AND owner_id <> ? ORDER BY id LIMIT 1",
	    "ii", patient_id, person_id)) == MDT_OK) {
		st = mdt_run(s, "UPDATE actions SET owner_id = ?"
		    " WHERE uuid = ?", "it", person_id, uuid);
		if (st == MDT_OK)
			st = mdt_record_change(s, "action_reassign", "action",
			    uuid, "owner %s (the key contact)",
			    mdt_said_person(s, person_id, who));
		free(uuid);
		uuid = NULL;
		if (st != MDT_OK)
			return st;
	}
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

struct outcome_act {
	int64_t slot_id;
	enum mdt_outcome_kind kind;
	char review[11];	/* "" if none */
	char died_on[11];	/* a death's date; "" if none */
	bool wrote;		/* false: recorded so already */
};

static enum mdt_status
outcome_tx(struct mdt_store *s, void *ctx)
{
	char said[24];
	struct outcome_act *a = ctx;
	struct mdt_slot_row sl;
	struct mdt_meeting_row m;
	enum mdt_status st;
	char uuid[37], *row_uuid = NULL;
	int64_t same = 0;

	/* a dead patient cannot consent: a death is recorded without */
	st = recordable_slot(s, a->slot_id, a->kind != MDT_OUTCOME_DIED, &sl,
	    &m);
	if (st != MDT_OK)
		return st;
	/* recorded again: the outcome as it was is kept, superseded */
	st = mdt_query_text(s, &row_uuid, "SELECT uuid FROM outcomes"
	    " WHERE slot_id = ?", "i", a->slot_id);
	if (st == MDT_OK) {
		st = mdt_query_int(s, &same, "SELECT kind = ?1 AND"
		    " review_date IS ?2 AND died_on IS ?3 FROM outcomes"
		    " WHERE uuid = ?4", "TTTt", mdt_outcome_name(a->kind),
		    a->review, a->died_on, row_uuid);
		if (st == MDT_OK && same != 0) {
			free(row_uuid);
			return MDT_OK;
		}
		if (st == MDT_OK)
			st = mdt_row_correction(s, "outcome", row_uuid,
			    "superseded");
	}
	free(row_uuid);
	row_uuid = NULL;
	if (st != MDT_OK && st != MDT_ENOTFOUND)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO outcomes"
	    " (uuid, slot_id, kind, review_date, recorded_at, died_on)"
	    " VALUES (?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (slot_id) DO UPDATE SET kind = excluded.kind,"
	    " review_date = excluded.review_date,"
	    " recorded_at = excluded.recorded_at,"
	    " died_on = excluded.died_on", "titTiT",
	    uuid, a->slot_id, mdt_outcome_name(a->kind), a->review,
	    mdt_store_now(s), a->died_on);
	if (st == MDT_OK)
		st = mdt_query_text(s, &row_uuid,
		    "SELECT uuid FROM outcomes WHERE slot_id = ?", "i",
		    a->slot_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "outcome_record", "outcome", row_uuid,
		    "%s: %s%s%s", mdt_said_slot(s, a->slot_id, said),
		    mdt_outcome_name(a->kind), *a->review != '\0' ?
		    ", review " : "", a->review);
	free(row_uuid);
	if (st == MDT_OK && a->kind == MDT_OUTCOME_DIED)
		st = contact_relatives(s, &sl, &m);
	else if (st == MDT_OK)
		st = relatives_cancel(s, sl.id, a->kind);
	a->wrote = st == MDT_OK;
	return st;
}

enum mdt_status
mdt_outcome_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind kind, const char *review_date)
{
	struct outcome_act a = { slot_id, kind, "", "", false };

	if (kind == MDT_OUTCOME_DIED)
		return mdt_death_record(s, slot_id, NULL);
	if (kind != MDT_OUTCOME_STAY && kind != MDT_OUTCOME_STEP_DOWN &&
	    kind != MDT_OUTCOME_CLOSE && kind != MDT_OUTCOME_DIED)
		return mdt_fail(s, MDT_EINVAL, "unknown outcome %d", (int)kind);
	if (kind == MDT_OUTCOME_STAY && mdt_str_blank(review_date))
		return mdt_fail(s, MDT_EDATE,
		    "staying on the caseload needs a review date");
	/* A review date is kept for any outcome but a death. */
	if (kind != MDT_OUTCOME_DIED && !mdt_str_blank(review_date) &&
	    mdt_date_parse(review_date, mdt_store_now(s), a.review) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "review date \"%s\"", review_date);
	if (a.review[0] != '\0' &&
	    mdt_date_past(s, "review date", a.review) != MDT_OK)
		return MDT_EINVAL;
	return mdt_tx_run(s, outcome_tx, &a, &a.wrote);
}

enum mdt_status
mdt_death_record(struct mdt_store *s, int64_t slot_id, const char *died_on)
{
	struct outcome_act a = { slot_id, MDT_OUTCOME_DIED, "", "", false };
	char today[11];

	mdt_date_of(mdt_store_now(s), today);
	if (mdt_str_blank(died_on))
		memcpy(a.died_on, today, sizeof(today));
	else if (died_on[0] == '+' ||
	    mdt_date_parse(died_on, mdt_store_now(s), a.died_on) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "date of death \"%s\""
		    " (YYYY-MM-DD)", died_on);
	if (strcmp(a.died_on, today) > 0)
		return mdt_fail(s, MDT_EDATE, "death on %s: in the"
		    " future", a.died_on);
	return mdt_tx_run(s, outcome_tx, &a, &a.wrote);
}

static enum mdt_status
outcome_withdraw_tx(struct mdt_store *s, void *ctx)
{
	const struct outcome_act *a = ctx;
	struct mdt_slot_row sl;
	struct mdt_meeting_row m;
	enum mdt_status st;
	char *uuid = NULL, *kind = NULL, said[24];

	st = recordable_slot(s, a->slot_id, false, &sl, &m);
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM outcomes"
		    " WHERE slot_id = ?", "i", a->slot_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no outcome is recorded for %s",
		    sl.patient);
	if (st == MDT_OK)
		st = mdt_query_text(s, &kind, "SELECT kind FROM outcomes"
		    " WHERE uuid = ?", "t", uuid);
	if (st == MDT_OK)
		st = mdt_row_correction(s, "outcome", uuid, "entered-in-error");
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM outcomes WHERE uuid = ?", "t",
		    uuid);
	if (st == MDT_OK)
		st = mdt_record_change(s, "outcome_withdraw", "outcome", uuid,
		    "%s: %s withdrawn, kept as entered in error",
		    mdt_said_slot(s, a->slot_id, said), kind);
	/* a death withdrawn: its follow-up with the relatives goes too */
	if (st == MDT_OK && strcmp(kind, "died") == 0)
		st = relatives_cancel(s, sl.id, MDT_OUTCOME_NONE);
	free(uuid);
	free(kind);
	return st;
}

enum mdt_status
mdt_outcome_withdraw(struct mdt_store *s, int64_t slot_id)
{
	struct outcome_act a = { slot_id, MDT_OUTCOME_NONE, "", "", false };

	return mdt_tx_run(s, outcome_withdraw_tx, &a, NULL);
}

struct key_contact_act {
	int64_t patient_id;
	int64_t person_id;
};

static enum mdt_status
key_contact_tx(struct mdt_store *s, void *ctx)
{
	char who[128];
	const struct key_contact_act *a = ctx;
	enum mdt_status st;
	char *uuid = NULL;
	int64_t purged = 0;

	st = mdt_query_int(s, &purged, "SELECT purged_at FROM patients"
	    " WHERE id = ?", "i", a->patient_id);
	if (st == MDT_OK && purged != 0)
		return mdt_fail(s, MDT_ESTATE, "patient %" PRId64 " was purged"
		    " under the retention rule", a->patient_id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM patients"
		    " WHERE id = ?", "i", a->patient_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no patient %" PRId64, a->patient_id);
	if (st == MDT_OK)
		st = mdt_row_person_allowed(s, a->patient_id, a->person_id,
		    "be the key contact");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE patients SET key_contact_id = ?"
		    " WHERE id = ?", "ii", a->person_id, a->patient_id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "key_contact_set", "patient", uuid,
		    "key contact: %s", mdt_said_person(s, a->person_id, who));
	if (st == MDT_OK)
		st = relatives_move(s, a->patient_id, a->person_id);
	free(uuid);
	return st;
}

enum mdt_status
mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id)
{
	return mdt_tx_run(s, key_contact_tx,
	    &(struct key_contact_act){ patient_id, person_id }, NULL);
}


enum mdt_status
mdt_person_allowed(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, const char *as)
{
	return mdt_row_person_allowed(s, patient_id, person_id, as);
}
