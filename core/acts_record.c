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

#include "consent_before.h"
#include "model.h"
#include "purge.h"
#include "deaths.h"
#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

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

/* Consent recorded in a slot (act.slot_id): its basis, the justification and
 * the organisations excluded. */
struct consent_act {
	struct mdt_act act;
	enum mdt_consent_basis basis;
	const char *justification;
	char **orgs;		/* tidied (orgs_tidy) */
	size_t n_orgs;
};

/* Recorded again: the slot's consent or outcome (entity, a row of table)
 * as it was is kept, superseded; nothing when none is recorded yet.  uuid:
 * the row's, the one it had or, for the first, a new one. */
static enum mdt_status
superseded(struct mdt_store *s, const char *entity, const char *table,
    int64_t slot_id, char uuid[37])
{
	enum mdt_status st;
	char sql[64], *was = NULL;

	snprintf(sql, sizeof(sql), "SELECT uuid FROM %s WHERE slot_id = ?",
	    table);
	st = mdt_query_text(s, &was, sql, "i", slot_id);
	if (st == MDT_OK)
		st = mdt_row_correction(s, entity, was, "superseded");
	if (was != NULL)
		snprintf(uuid, 37, "%s", was);
	else
		mdt_uuid_new(uuid);
	free(was);
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

static enum mdt_status
consent_tx(struct mdt_store *s, struct mdt_act *act)
{
	char said[24];
	const struct consent_act *a = (const struct consent_act *)act;
	enum mdt_status st;
	char uuid[37];
	size_t i;

	st = superseded(s, "consent", "consent", act->slot_id, uuid);
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO consent"
		    " (uuid, slot_id, basis, justification, recorded_at)"
		    " VALUES (?, ?, ?, ?, ?)"
		    " ON CONFLICT (slot_id) DO UPDATE SET"
		    " basis = excluded.basis,"
		    " justification = excluded.justification,"
		    " recorded_at = excluded.recorded_at", "titTi",
		    uuid, act->slot_id, mdt_consent_name(a->basis),
		    mdt_str_blank(a->justification) ? NULL : a->justification,
		    mdt_store_now(s));
	/* The list is recorded whole each time: it replaces the last. */
	/* started from the answer asked before: which one */
	if (st == MDT_OK) {
		struct mdt_consent_asked ca = { 0 };
		int64_t pid = 0;

		st = mdt_query_int(s, &pid, "SELECT patient_id FROM slots"
		    " WHERE id = ?", "i", act->slot_id);
		if (st == MDT_OK)
			st = mdt_consent_asked_get(s, pid, &ca);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE consent SET asked_id = nullif(?,"
			    " 0) WHERE slot_id = ?", "ii",
			    mdt_consent_asked_basis(&ca) == a->basis ? ca.id :
			    (int64_t)0, act->slot_id);
		mdt_consent_asked_done(&ca);
	}
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM consent_exclusions"
		    " WHERE slot_id = ?", "i", act->slot_id);
	for (i = 0; st == MDT_OK && i < a->n_orgs; i++)
		st = mdt_run(s, "INSERT INTO consent_exclusions"
		    " (slot_id, organisation) VALUES (?, ?)", "it", act->slot_id,
		    a->orgs[i]);
	/* The log counts the organisations and never names them. */
	if (st == MDT_OK && a->n_orgs > 0)
		st = mdt_record_change(s, "consent_record", "consent", uuid,
		    "%s: %s, %zu organisation%s excluded",
		    mdt_said_slot(s, act->slot_id, said),
		    mdt_consent_name(a->basis), a->n_orgs,
		    a->n_orgs == 1 ? "" : "s");
	else if (st == MDT_OK)
		st = mdt_record_change(s, "consent_record", "consent", uuid,
		    "%s: %s", mdt_said_slot(s, act->slot_id, said),
		    mdt_consent_name(a->basis));
	return st;
}

enum mdt_status
mdt_consent_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_consent_basis basis, const char *justification,
    const char *const *exclude, size_t n_exclude)
{
	struct consent_act a = { { .slot_id = slot_id }, basis, justification,
	    NULL, 0 };
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
		st = mdt_act_run(s, consent_tx, MDT_ACT_SLOT, &a.act);
	mdt_names_free(a.orgs, a.n_orgs);
	return st;
}

/* What is written in a slot is written once its consent is recorded. */
#define RECORDABLE (MDT_ACT_SLOT | MDT_ACT_CONSENTED)

/* A note written in the slot (slot_id): text; made: the note's id. */
static enum mdt_status
note_tx(struct mdt_store *s, struct mdt_act *a)
{
	char said[24];
	enum mdt_status st;
	char uuid[37];

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO notes (uuid, slot_id, text, created_at)"
	    " VALUES (?, ?, ?, ?)", "titi", uuid, a->sl.id, a->text,
	    mdt_store_now(s));
	if (st != MDT_OK)
		return st;
	a->made = sqlite3_last_insert_rowid(s->db);
	/* the draft it was typed in is done with */
	st = mdt_run(s, "DELETE FROM note_drafts WHERE slot_id = ?", "i",
	    a->sl.id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "note_add", "note", uuid, "%s",
		    mdt_said_slot(s, a->sl.id, said));
	return st;
}

enum mdt_status
mdt_note_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t *note_id)
{
	struct mdt_act a = { .slot_id = slot_id, .text = text };
	enum mdt_status st;

	if (note_id != NULL)
		*note_id = 0;
	if (mdt_str_blank(text))
		return mdt_fail(s, MDT_EINVAL, "the note is empty");
	st = mdt_text_check(s, "the note", text, true, 0);
	if (st == MDT_OK)
		st = mdt_act_run(s, note_tx, RECORDABLE, &a);
	if (st == MDT_OK && note_id != NULL)
		*note_id = a.made;
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

/* An action agreed in the slot (slot_id): text, its owner (person_id) and
 * when it is due (date); made: its id. */
static enum mdt_status
action_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;

	st = mdt_row_person_allowed(s, a->sl.patient_id, a->person_id,
	    "own this action");
	if (st != MDT_OK)
		return st;
	return insert_action(s, &a->sl, a->text, a->person_id, a->date, NULL,
	    &a->made);
}

enum mdt_status
mdt_action_add(struct mdt_store *s, int64_t slot_id, const char *text,
    int64_t owner_id, const char *due, int64_t *action_id)
{
	struct mdt_act a = { .slot_id = slot_id, .text = text,
	    .person_id = owner_id };
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
	a.date = date;
	st = mdt_act_run(s, action_tx, RECORDABLE, &a);
	if (st == MDT_OK && action_id != NULL)
		*action_id = a.made;
	return st;
}

/* The action (id) set to status n (wrote: false when it was so
 * already). */
static enum mdt_status
action_status_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_action_status status = (enum mdt_action_status)a->n;
	const char *name = mdt_action_status_name(status);
	struct mdt_action_row row;
	enum mdt_status st;

	st = mdt_row_action(s, a->id, &row);
	if (st != MDT_OK || row.status == status)
		return st;
	/* a purged action has lost its words: reopening it would send the
	 * placeholder as the task; nor is work reopened for someone the
	 * patient has since excluded */
	st = mdt_row_action_openable(s, &row, true,
	    status == MDT_ACTION_OPEN);
	if (st != MDT_OK)
		return st;
	if (status == MDT_ACTION_OPEN)
		st = mdt_run(s, "UPDATE actions SET status = 'open',"
		    " closed_at = NULL WHERE id = ?", "i", a->id);
	else
		st = mdt_run(s, "UPDATE actions SET status = ?, closed_at = ?"
		    " WHERE id = ?", "tii", name, mdt_store_now(s), a->id);
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
	if (status != MDT_ACTION_OPEN && status != MDT_ACTION_DONE &&
	    status != MDT_ACTION_CANCELLED)
		return mdt_fail(s, MDT_EINVAL, "unknown action status %d",
		    (int)status);
	return mdt_act_run(s, action_status_tx, MDT_ACT_WROTE,
	    &(struct mdt_act){ .id = action_id, .n = (int)status });
}

/*
 * After a death: the follow-up with the relatives.  Its text is the same
 * for every patient (the action's patient and slot say whose), so that it
 * names nobody wherever it is shown, the projector included.
 */
#define RELATIVES_KIND MDT_RELATIVES_KIND
#define RELATIVES_TEXT MDT_RELATIVES_TEXT

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
	enum mdt_status st;
	int64_t kc = 0, *ids;
	size_t n;
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
	st = mdt_read_array(s, &ids, &n, sizeof(*ids), NULL, mdt_row_int, NULL,
	    "reading who is present", "SELECT a.person_id"
	    " FROM attendance a JOIN people p ON p.id = a.person_id"
	    " WHERE a.meeting_id = ? AND a.status = 'present'"
	    " AND a.left_at IS NULL ORDER BY p.name, p.id", "i", meeting_id);
	for (size_t i = 0; st == MDT_OK && !ok && i < n; i++) {
		st = relatives_owner_ok(s, sl->patient_id, ids[i], &ok);
		if (ok)
			*owner = ids[i];
	}
	free(ids);
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

/*
 * The open follow-ups with the relatives changed, each audited and queued:
 * with owner 0, those of the slot (an outcome corrected away from a death:
 * the outcome is now `now`) are cancelled; else those of the patient move
 * to owner (their key contact, just set).
 */
static enum mdt_status
relatives_change(struct mdt_store *s, int64_t slot_id, int64_t patient_id,
    int64_t owner, enum mdt_outcome_kind now)
{
	char who[128];
	enum mdt_status st;
	char *uuid = NULL;

	while ((st = owner == 0 ? mdt_query_text(s, &uuid, "SELECT uuid"
	    " FROM actions WHERE slot_id = ? AND kind = '" RELATIVES_KIND "'"
	    " AND status = 'open' ORDER BY id LIMIT 1", "i", slot_id) :
	    mdt_query_text(s, &uuid, "SELECT uuid FROM actions"
	    " WHERE patient_id = ? AND kind = '" RELATIVES_KIND "'"
	    " AND status = 'open' AND owner_id <> ? ORDER BY id LIMIT 1",
	    "ii", patient_id, owner)) == MDT_OK) {
		if (owner == 0)
			st = mdt_run(s, "UPDATE actions SET status = 'cancelled',"
			    " closed_at = ? WHERE uuid = ?", "it",
			    mdt_store_now(s), uuid);
		else
			st = mdt_run(s, "UPDATE actions SET owner_id = ?"
			    " WHERE uuid = ?", "it", owner, uuid);
		if (st == MDT_OK && owner == 0)
			st = mdt_record_change(s, "action_status", "action",
			    uuid, "cancelled: the outcome is now %s",
			    mdt_outcome_name(now));
		else if (st == MDT_OK)
			st = mdt_record_change(s, "action_reassign", "action",
			    uuid, "owner %s (the key contact)",
			    mdt_said_person(s, owner, who));
		free(uuid);
		uuid = NULL;
		if (st != MDT_OK)
			return st;
	}
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* The outcome (n) of the slot (slot_id), with its date: a review's, or for
 * a death the day it happened (wrote: false when recorded so already). */
static enum mdt_status
outcome_tx(struct mdt_store *s, struct mdt_act *a)
{
	char said[24];
	enum mdt_outcome_kind kind = (enum mdt_outcome_kind)a->n;
	const char *review = kind == MDT_OUTCOME_DIED ? "" : a->date;
	const char *died_on = kind == MDT_OUTCOME_DIED ? a->date : "";
	enum mdt_status st;
	char uuid[37];
	int64_t same = 0;

	/* recorded so already: nothing to write */
	st = mdt_query_int(s, &same, "SELECT kind = ?1 AND review_date IS ?2"
	    " AND died_on IS ?3 FROM outcomes WHERE slot_id = ?4", "TTTi",
	    mdt_outcome_name(kind), review, died_on, a->sl.id);
	if (st == MDT_OK && same != 0)
		return MDT_OK;
	if (st == MDT_OK || st == MDT_ENOTFOUND)
		st = superseded(s, "outcome", "outcomes", a->sl.id, uuid);
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO outcomes"
		    " (uuid, slot_id, kind, review_date, recorded_at, died_on)"
		    " VALUES (?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (slot_id) DO UPDATE SET kind = excluded.kind,"
		    " review_date = excluded.review_date,"
		    " recorded_at = excluded.recorded_at,"
		    " died_on = excluded.died_on", "titTiT",
		    uuid, a->sl.id, mdt_outcome_name(kind), review,
		    mdt_store_now(s), died_on);
	if (st == MDT_OK)
		st = mdt_record_change(s, "outcome_record", "outcome", uuid,
		    "%s: %s%s%s", mdt_said_slot(s, a->sl.id, said),
		    mdt_outcome_name(kind), *review != '\0' ?
		    ", review " : "", review);
	if (st == MDT_OK)
		st = mdt_rising_outcome_tx(s, a->sl.patient_id, a->m.id, kind,
		    review);
	if (st == MDT_OK)
		st = mdt_plan_outcome_tx(s, a->sl.patient_id, kind);
	if (st == MDT_OK && kind == MDT_OUTCOME_DIED)
		st = contact_relatives(s, &a->sl, &a->m);
	else if (st == MDT_OK)
		st = relatives_change(s, a->sl.id, 0, 0, kind);
	a->wrote = st == MDT_OK;
	return st;
}

/* A dead patient cannot consent: a death is recorded without. */
static enum mdt_status
outcome_run(struct mdt_store *s, int64_t slot_id, enum mdt_outcome_kind kind,
    const char *date)
{
	return mdt_act_run(s, outcome_tx, MDT_ACT_SLOT | MDT_ACT_WROTE |
	    (kind == MDT_OUTCOME_DIED ? 0 : MDT_ACT_CONSENTED),
	    &(struct mdt_act){ .slot_id = slot_id, .n = (int)kind,
	    .date = date });
}

enum mdt_status
mdt_outcome_record(struct mdt_store *s, int64_t slot_id,
    enum mdt_outcome_kind kind, const char *review_date)
{
	char review[11] = "";

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
	    mdt_date_parse(review_date, mdt_store_now(s), review) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "review date \"%s\"", review_date);
	if (review[0] != '\0' &&
	    mdt_date_past(s, "review date", review) != MDT_OK)
		return MDT_EINVAL;
	return outcome_run(s, slot_id, kind, review);
}

enum mdt_status
mdt_death_record(struct mdt_store *s, int64_t slot_id, const char *died_on)
{
	char today[11], day[11] = "";

	mdt_date_of(mdt_store_now(s), today);
	if (mdt_str_blank(died_on))
		memcpy(day, today, sizeof(today));
	else if (died_on[0] == '+' ||
	    mdt_date_parse(died_on, mdt_store_now(s), day) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "date of death \"%s\""
		    " (YYYY-MM-DD)", died_on);
	if (strcmp(day, today) > 0)
		return mdt_fail(s, MDT_EDATE, "death on %s: in the"
		    " future", day);
	return outcome_run(s, slot_id, MDT_OUTCOME_DIED, day);
}

/* The slot's (slot_id) outcome withdrawn, kept as entered in error. */
static enum mdt_status
outcome_withdraw_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	char *uuid = NULL, *kind = NULL, said[24];

	st = mdt_query_text(s, &uuid, "SELECT uuid FROM outcomes"
	    " WHERE slot_id = ?", "i", a->sl.id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no outcome is recorded for %s",
		    a->sl.patient);
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
		    mdt_said_slot(s, a->sl.id, said), kind);
	/* a death withdrawn: its follow-up with the relatives goes too */
	if (st == MDT_OK && strcmp(kind, "died") == 0)
		st = relatives_change(s, a->sl.id, 0, 0, MDT_OUTCOME_NONE);
	free(uuid);
	free(kind);
	return st;
}

enum mdt_status
mdt_outcome_withdraw(struct mdt_store *s, int64_t slot_id)
{
	return mdt_act_run(s, outcome_withdraw_tx, MDT_ACT_SLOT,
	    &(struct mdt_act){ .slot_id = slot_id });
}

/* The patient's (id) key contact is person_id. */
static enum mdt_status
key_contact_tx(struct mdt_store *s, struct mdt_act *a)
{
	char who[128];
	enum mdt_status st;
	char *uuid = NULL;
	int64_t purged = 0;

	st = mdt_query_int(s, &purged, "SELECT purged_at FROM patients"
	    " WHERE id = ?", "i", a->id);
	if (st == MDT_OK && purged != 0)
		return mdt_fail(s, MDT_ESTATE, "patient %" PRId64 " was purged"
		    " under the retention rule", a->id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM patients"
		    " WHERE id = ?", "i", a->id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no patient %" PRId64, a->id);
	if (st == MDT_OK)
		st = mdt_row_person_allowed(s, a->id, a->person_id,
		    "be the key contact");
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE patients SET key_contact_id = ?"
		    " WHERE id = ?", "ii", a->person_id, a->id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "key_contact_set", "patient", uuid,
		    "key contact: %s", mdt_said_person(s, a->person_id, who));
	if (st == MDT_OK)
		st = relatives_change(s, 0, a->id, a->person_id,
		    MDT_OUTCOME_NONE);
	free(uuid);
	return st;
}

enum mdt_status
mdt_key_contact_set(struct mdt_store *s, int64_t patient_id,
    int64_t person_id)
{
	return mdt_act_run(s, key_contact_tx, 0,
	    &(struct mdt_act){ .id = patient_id, .person_id = person_id });
}


enum mdt_status
mdt_person_allowed(struct mdt_store *s, int64_t patient_id,
    int64_t person_id, const char *as)
{
	return mdt_row_person_allowed(s, patient_id, person_id, as);
}
