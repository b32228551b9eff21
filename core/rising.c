/*
 * rising.c - the rising-risk register's acts (rising.h): a patient put on
 * it by anyone or by a step down at a meeting, reviewed, escalated to a
 * meeting, taken off; an entry ended by a death or by a meeting's other
 * outcomes.  Each act is one transaction with its audit row and its
 * event; an entry begun or ended queues its Flag for the central record.
 * The register's listing is in rising_list.c.
 */
#include "config.h"

#include "rising.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "trace.h"
#include "util.h"

/* Who the events of an act name when nobody is given: the store's actor. */
static const char *
actor_of(struct mdt_store *s, const char *by)
{
	if (by != NULL)
		return by;
	return s->actor != NULL ? s->actor : "unknown";
}

bool
mdt_rising_every_parse(const char *in, int *days)
{
	char *end;
	long n;

	if (in == NULL || *in < '0' || *in > '9')
		return false;
	n = strtol(in, &end, 10);
	if (strcmp(end, "w") == 0)
		n *= 7;
	else if (*end != '\0' && strcmp(end, "d") != 0)
		return false;
	if (n < 1 || n > MDT_RISING_EVERY_MAX)
		return false;
	*days = (int)n;
	return true;
}

/* One event of an entry, with its reason, who and now. */
static enum mdt_status
event_add(struct mdt_store *s, int64_t entry, const char *kind,
    const char *reason, const char *by, int64_t meeting_id,
    const char *next_review)
{
	return mdt_run(s, "INSERT INTO rising_risk_events (entry_id, kind,"
	    " reason, actor, at, meeting_id, next_review)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", "itttiIT", entry, kind,
	    reason != NULL ? reason : "", actor_of(s, by), mdt_store_now(s),
	    meeting_id, next_review);
}

/* The patient's active entry: *id and uuid; MDT_ENOTFOUND if none. */
static enum mdt_status
active_entry(struct mdt_store *s, int64_t patient_id, int64_t *id,
    char uuid[37])
{
	struct mdt_id_text *row;
	enum mdt_status st;
	size_t n = 0;

	st = mdt_read_array(s, &row, &n, sizeof(*row), NULL, mdt_row_id_text,
	    NULL, "reading the rising-risk register",
	    "SELECT id, uuid FROM rising_risk WHERE patient_id = ?"
	    " AND ended_at IS NULL", "i", patient_id);
	if (st == MDT_OK && n == 0)
		st = MDT_ENOTFOUND;
	if (st == MDT_OK) {
		*id = row[0].id;
		memcpy(uuid, row[0].text, 37);
	}
	free(row);
	return st;
}

/* A new entry of the patient, due every days after day ("YYYY-MM-DD")
 * unless next (may be NULL) says when; its 'added' event, audit row and
 * Flag. */
static enum mdt_status
entry_begin(struct mdt_store *s, int64_t patient_id, const char *reason,
    const char *by, int every, const char *day, const char *next,
    int64_t meeting_id, int64_t *id)
{
	enum mdt_status st;
	char uuid[37], *due = NULL;

	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO rising_risk (uuid, patient_id, reason,"
	    " added_by, added_at, every_days, next_review)"
	    " VALUES (?, ?, ?, ?, ?, ?, coalesce(nullif(?, ''),"
	    " date(?, '+' || ? || ' days')))", "tittidTtd", uuid, patient_id,
	    reason, by, mdt_store_now(s), every, next, day, every);
	if (st != MDT_OK)
		return st;
	*id = sqlite3_last_insert_rowid(s->db);
	st = mdt_query_text(s, &due, "SELECT next_review FROM rising_risk"
	    " WHERE id = ?", "i", *id);
	if (st == MDT_OK)
		st = event_add(s, *id, "added", reason, by, meeting_id, due);
	if (st == MDT_OK)
		st = mdt_record_change(s, "rising_add", "rising", uuid,
		    "patient %" PRId64 " on the rising-risk register, review"
		    " due %s", patient_id, due);
	free(due);
	return st;
}

/* The entry (id, uuid) ended for the reason: its 'removed' event, audit
 * row, and its Flag inactive. */
static enum mdt_status
entry_end(struct mdt_store *s, int64_t id, const char *uuid,
    const char *reason, const char *by, int64_t meeting_id)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE rising_risk SET ended_at = ?, end_reason = ?"
	    " WHERE id = ?", "iti", mdt_store_now(s), reason, id);
	if (st == MDT_OK)
		st = event_add(s, id, "removed", reason, by, meeting_id, NULL);
	if (st == MDT_OK)
		st = mdt_record_change(s, "rising_remove", "rising", uuid,
		    "off the rising-risk register");
	return st;
}

/* ---- what a meeting decides ------------------------------------------ */

enum mdt_status
mdt_rising_outcome_tx(struct mdt_store *s, int64_t patient_id,
    int64_t meeting_id, enum mdt_outcome_kind kind, const char *review)
{
	enum mdt_status st;
	int64_t entry = 0, same = 0;
	char uuid[37], *at = NULL, *day = NULL, *why;
	const char *words;

	st = mdt_query_text(s, &at, "SELECT title || ' (' || date("
	    "scheduled_start / 1000, 'unixepoch', 'localtime') || ')'"
	    " FROM meetings WHERE id = ?", "i", meeting_id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &day, "SELECT date(scheduled_start"
		    " / 1000, 'unixepoch', 'localtime') FROM meetings"
		    " WHERE id = ?", "i", meeting_id);
	if (st == MDT_OK) {
		st = active_entry(s, patient_id, &entry, uuid);
		if (st == MDT_ENOTFOUND) {
			st = MDT_OK;
			entry = 0;
		}
	}
	if (st != MDT_OK)
		goto done;
	switch (kind) {
	case MDT_OUTCOME_STEP_DOWN:
		why = mdt_xasprintf("stepped down at %s", at);
		if (entry == 0)
			st = entry_begin(s, patient_id, why, "the meeting",
			    MDT_RISING_EVERY_DAYS, day, review, meeting_id,
			    &entry);
		else {
			/* recorded again at the same meeting: the date only */
			st = mdt_query_int(s, &same, "SELECT count(*) FROM"
			    " rising_risk_events WHERE entry_id = ? AND"
			    " meeting_id = ? AND kind IN ('added',"
			    " 'stepped_down')", "ii", entry, meeting_id);
			if (st == MDT_OK)
				st = mdt_run(s, "UPDATE rising_risk SET"
				    " escalated = 0, next_review ="
				    " coalesce(nullif(?, ''), date(?, '+' ||"
				    " every_days || ' days')) WHERE id = ?",
				    "Tti", review, day, entry);
			if (st == MDT_OK && same == 0)
				st = event_add(s, entry, "stepped_down", why,
				    "the meeting", meeting_id, NULL);
			if (st == MDT_OK)
				st = mdt_audit_add(s, "rising_step_down",
				    "rising", uuid, "stepped down again");
		}
		free(why);
		break;
	case MDT_OUTCOME_STAY:
	case MDT_OUTCOME_CLOSE:
	case MDT_OUTCOME_DIED:
		if (entry == 0)
			break;
		words = kind == MDT_OUTCOME_STAY ? "on the caseload from" :
		    kind == MDT_OUTCOME_CLOSE ? "case closed at" : "died; at";
		why = mdt_xasprintf("%s %s", words, at);
		st = entry_end(s, entry, uuid, why, "the meeting", meeting_id);
		free(why);
		break;
	case MDT_OUTCOME_NONE:
	default:
		break;
	}
done:
	free(at);
	free(day);
	return st;
}

enum mdt_status
mdt_rising_end_tx(struct mdt_store *s, int64_t patient_id, const char *reason)
{
	enum mdt_status st;
	int64_t entry = 0;
	char uuid[37];

	st = active_entry(s, patient_id, &entry, uuid);
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	if (st == MDT_OK)
		st = entry_end(s, entry, uuid, reason, NULL, 0);
	return st;
}

/* ---- the tool's acts ------------------------------------------------- */

/* The patient an NHS number or local identifier names (typed: checked
 * already, into nhs); MDT_ENOTFOUND said. */
static enum mdt_status
patient_of(struct mdt_store *s, const char *nhs, int64_t *id)
{
	enum mdt_status st;

	st = mdt_patient_find(s, nhs, true, id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "nobody is known by %s", nhs);
	return st;
}

/* MDT_ESTATE, said, when the patient has died. */
static enum mdt_status
alive(struct mdt_store *s, int64_t patient_id)
{
	return mdt_refuse_when(s, MDT_ESTATE, "the patient has died",
	    "SELECT EXISTS (SELECT 1 FROM deaths WHERE patient_id = ?1)"
	    " OR EXISTS (SELECT 1 FROM outcomes o JOIN slots sl"
	    " ON sl.id = o.slot_id WHERE sl.patient_id = ?1"
	    " AND o.kind = 'died')", "i", patient_id);
}

/* An act on one patient of the register, typed: the number checked
 * (into nhs), the fields asked. */
struct rising_act {
	const struct mdt_rising_in *in;	/* add */
	char nhs[11];			/* "" for a patient new, not traced */
	char dob[11];
	const char *text;		/* the reason or note */
	const char *by;
	char next[11];			/* review: "" for every_days on */
	int64_t meeting_id;		/* escalate */
	int64_t id;			/* the entry, or the candidate */
	/* review, remove: what is done to the entry (id), whose uuid is
	 * given (entry_tx) */
	enum mdt_status (*on_entry)(struct mdt_store *s,
	    const struct rising_act *a, const char *uuid);
};

static enum mdt_status
add_tx(struct mdt_store *s, void *ctx)
{
	struct rising_act *a = ctx;
	const struct mdt_rising_in *in = a->in;
	enum mdt_status st;
	int64_t patient_id = 0, entry = 0;
	char today[11], uuid[37], *since = NULL;

	st = mdt_patient_typed_tx(s, a->nhs, in->name, a->dob, true,
	    "nobody is known by", &patient_id);
	if (st == MDT_OK)
		st = alive(s, patient_id);
	if (st == MDT_OK && active_entry(s, patient_id, &entry, uuid) ==
	    MDT_OK) {
		st = mdt_query_text(s, &since, "SELECT date(added_at / 1000,"
		    " 'unixepoch', 'localtime') FROM rising_risk WHERE id = ?",
		    "i", entry);
		if (st == MDT_OK)
			st = mdt_fail(s, MDT_ESTATE, "%s is on the register"
			    " already (since %s)", a->nhs, since);
		free(since);
	}
	if (st != MDT_OK)
		return st;
	mdt_date_of(mdt_store_now(s), today);
	return entry_begin(s, patient_id, in->reason, in->by,
	    in->every_days > 0 ? in->every_days : MDT_RISING_EVERY_DAYS,
	    today, NULL, 0, &a->id);
}

/* The number as typed (an NHS number or a local identifier) into nhs;
 * MDT_ENHS said if it is neither. */
static enum mdt_status
number_of(struct mdt_store *s, const char *typed, char nhs[11])
{
	if (typed != NULL && (mdt_local_id_normalise(typed, nhs) ||
	    (mdt_nhs_normalise(typed, nhs) && mdt_nhs_valid(nhs))))
		return MDT_OK;
	return mdt_fail(s, MDT_ENHS, "\"%s\"", typed != NULL ? typed : "");
}

enum mdt_status
mdt_rising_add(struct mdt_store *s, const struct mdt_rising_in *in,
    int64_t *id, char number[11])
{
	struct rising_act a = { .in = in };
	enum mdt_status st;

	if (id != NULL)
		*id = 0;
	if (in->nhs_number != NULL && number_of(s, in->nhs_number, a.nhs) !=
	    MDT_OK)
		return MDT_ENHS;
	if (in->date_of_birth != NULL && !mdt_date_strict(in->date_of_birth,
	    a.dob))
		return mdt_fail(s, MDT_EDATE, "date of birth \"%s\"",
		    in->date_of_birth);
	if (in->every_days < 0 || in->every_days > MDT_RISING_EVERY_MAX)
		return mdt_fail(s, MDT_EINVAL, "reviews come every 1 to %d"
		    " days", MDT_RISING_EVERY_MAX);
	if (mdt_text_field(s, "the name", in->name, true,
	    MDT_RISING_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "the reason", in->reason, false,
	    MDT_RISING_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "who adds them", in->by, false,
	    MDT_RISING_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	st = mdt_tx_run(s, add_tx, &a, NULL);
	if (st == MDT_OK && id != NULL)
		*id = a.id;
	if (st == MDT_OK && number != NULL)
		memcpy(number, a.nhs, sizeof(a.nhs));
	return st;
}

/* The patient's (typed into nhs) active entry into a->id, and on_entry
 * done to it; said when there is none. */
static enum mdt_status
entry_tx(struct mdt_store *s, void *ctx)
{
	struct rising_act *a = ctx;
	enum mdt_status st;
	int64_t patient_id = 0;
	char uuid[37];

	st = patient_of(s, a->nhs, &patient_id);
	if (st == MDT_OK)
		st = active_entry(s, patient_id, &a->id, uuid);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "%s is not on the rising-risk register",
		    a->nhs);
	if (st == MDT_OK)
		st = a->on_entry(s, a, uuid);
	return st;
}

/* An act on a patient's entry as typed: the number into a->nhs, then its
 * text (called what, as said when it is wrong) and who does it (by_what,
 * optional); MDT_ENHS or MDT_EINVAL, said, when not right. */
static enum mdt_status
entry_typed(struct mdt_store *s, const char *nhs, struct rising_act *a,
    const char *what, const char *by_what)
{
	if (number_of(s, nhs, a->nhs) != MDT_OK)
		return MDT_ENHS;
	if (mdt_text_field(s, what, a->text, false,
	    MDT_RISING_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, by_what, a->by, true,
	    MDT_RISING_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	return MDT_OK;
}

/* The entry reviewed: its next review set, the note kept. */
static enum mdt_status
review(struct mdt_store *s, const struct rising_act *a, const char *uuid)
{
	enum mdt_status st;
	char today[11], *due = NULL;

	mdt_date_of(mdt_store_now(s), today);
	st = mdt_run(s, "UPDATE rising_risk SET next_review ="
	    " coalesce(nullif(?, ''), date(?, '+' || every_days || ' days'))"
	    " WHERE id = ?", "tti", a->next, today, a->id);
	if (st == MDT_OK)
		st = mdt_query_text(s, &due, "SELECT next_review FROM"
		    " rising_risk WHERE id = ?", "i", a->id);
	if (st == MDT_OK)
		st = event_add(s, a->id, "reviewed", a->text, a->by, 0, due);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "rising_review", "rising", uuid,
		    "reviewed, next review %s", due);
	free(due);
	return st;
}

enum mdt_status
mdt_rising_review(struct mdt_store *s, const char *nhs, const char *note,
    const char *next, const char *by)
{
	struct rising_act a = { .text = note, .by = by, .on_entry = review };
	enum mdt_status st;

	st = entry_typed(s, nhs, &a, "the note", "who reviewed");
	if (st != MDT_OK)
		return st;
	if (next != NULL) {
		if (mdt_date_parse(next, mdt_store_now(s), a.next) != MDT_OK)
			return mdt_fail(s, MDT_EDATE, "next review \"%s\"",
			    next);
		if (mdt_date_past(s, "next review", a.next) != MDT_OK)
			return MDT_EINVAL;
	}
	return mdt_tx_run(s, entry_tx, &a, NULL);
}

/* The entry ended, for the reason given. */
static enum mdt_status
remove_entry(struct mdt_store *s, const struct rising_act *a,
    const char *uuid)
{
	return entry_end(s, a->id, uuid, a->text, a->by, 0);
}

enum mdt_status
mdt_rising_remove(struct mdt_store *s, const char *nhs, const char *reason,
    const char *by)
{
	struct rising_act a = { .text = reason, .by = by,
	    .on_entry = remove_entry };
	enum mdt_status st;

	st = entry_typed(s, nhs, &a, "the reason", "who removes them");
	if (st != MDT_OK)
		return st;
	return mdt_tx_run(s, entry_tx, &a, NULL);
}

/* ---- escalation ------------------------------------------------------- */

/* The patient (id) on the register escalated to the meeting's candidates
 * for the reason (text), by whom (by); made: the candidate. */
static enum mdt_status
escalate_tx(struct mdt_store *s, struct mdt_act *a)
{
	enum mdt_status st;
	int64_t entry = 0;
	char *note, *nhs = NULL, uuid[37], cand[37];
	bool created;

	st = mdt_query_text(s, &nhs, "SELECT nhs_number FROM patients"
	    " WHERE id = ?", "i", a->id);
	if (st == MDT_OK && mdt_nhs_local(nhs))
		st = mdt_fail(s, MDT_ESTATE, "%s is not traced: no agenda takes"
		    " them until 'mdtchair trace %s NHS'", nhs, nhs);
	free(nhs);
	if (st == MDT_OK)
		st = alive(s, a->id);
	if (st == MDT_OK) {
		st = active_entry(s, a->id, &entry, uuid);
		if (st == MDT_ENOTFOUND)
			st = mdt_fail(s, MDT_ESTATE, "patient %" PRId64
			    " is not on the rising-risk register", a->id);
	}
	if (st == MDT_OK)
		st = mdt_candidate_ensure(s, a->meeting_id, a->id, &a->made,
		    &created);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET lists = lists | ?,"
		    " escalated = 1, defer_reason = NULL WHERE id = ?", "di",
		    MDT_LIST_REFERRAL, a->made);
	if (st != MDT_OK)
		return st;
	note = mdt_xasprintf("escalated from rising risk: %s", a->text);
	st = mdt_candidate_note_add(s, a->made, note);
	free(note);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE rising_risk SET escalated = 1"
		    " WHERE id = ?", "i", entry);
	if (st == MDT_OK)
		st = event_add(s, entry, "escalated", a->text, a->by,
		    a->meeting_id, NULL);
	if (st == MDT_OK) {
		char *u = NULL;

		st = mdt_query_text(s, &u, "SELECT uuid FROM candidates"
		    " WHERE id = ?", "i", a->made);
		if (st == MDT_OK)
			mdt_strlcpy(cand, u, sizeof(cand));
		free(u);
	}
	if (st == MDT_OK)
		st = mdt_audit_add(s, "rising_risk_escalate", "candidate", cand,
		    "patient %" PRId64 " escalated", a->id);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, a->meeting_id);
	return st;
}

/* Escalation's checks and act: by NULL for the store's actor. */
static enum mdt_status
escalate_run(struct mdt_store *s, int64_t patient_id, int64_t meeting_id,
    const char *reason, const char *by, int64_t *candidate_id)
{
	struct mdt_act a = { .meeting_id = meeting_id, .id = patient_id,
	    .text = reason, .by = by };
	enum mdt_status st;

	if (candidate_id != NULL)
		*candidate_id = 0;
	if (mdt_str_blank(reason))
		return mdt_fail(s, MDT_EINVAL, "write why the patient is"
		    " escalated");
	if (mdt_text_check(s, "the reason", reason, false,
	    MDT_RISING_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "who escalates", by, true,
	    MDT_RISING_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	st = mdt_act_run(s, escalate_tx, MDT_ACT_MEETING, &a);
	if (st == MDT_OK && candidate_id != NULL)
		*candidate_id = a.made;
	return st;
}

enum mdt_status
mdt_rising_risk_escalate(struct mdt_store *s, int64_t patient_id,
    int64_t meeting_id, const char *reason, int64_t *candidate_id)
{
	return escalate_run(s, patient_id, meeting_id, reason, NULL,
	    candidate_id);
}

enum mdt_status
mdt_rising_escalate(struct mdt_store *s, const char *nhs, const char *reason,
    int64_t meeting_id, const char *by, int64_t *candidate_id)
{
	enum mdt_status st;
	int64_t patient_id = 0;
	char digits[11];

	if (candidate_id != NULL)
		*candidate_id = 0;
	if (number_of(s, nhs, digits) != MDT_OK)
		return MDT_ENHS;
	if (mdt_nhs_local(digits))
		return mdt_fail(s, MDT_ESTATE, "%s is not traced: no agenda"
		    " takes them until 'mdtchair trace %s NHS'", digits,
		    digits);
	st = patient_of(s, digits, &patient_id);
	if (st == MDT_OK && meeting_id == 0) {
		st = mdt_query_int(s, &meeting_id, "SELECT id FROM meetings"
		    " WHERE state = 'planned'"
		    " ORDER BY scheduled_start, id LIMIT 1", NULL);
		if (st == MDT_ENOTFOUND)
			return mdt_fail(s, MDT_ESTATE, "no meeting is planned:"
			    " schedule one first (mdtchair schedule)");
	}
	if (st != MDT_OK)
		return st;
	return escalate_run(s, patient_id, meeting_id, reason, by,
	    candidate_id);
}
