/*
 * referrals.c - the referral queue's acts: a referral raised in the tool
 * or by the referral list, withdrawn with a reason, settled once its
 * patient is discussed, and carried to each meeting prepared as a
 * candidate on the referral list.  The queue's listing is in
 * referrals_list.c.
 */
#include "config.h"

#include "referrals.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "consent_before.h"
#include "model.h"
#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "trace.h"
#include "util.h"

/* ---- settling ---------------------------------------------------------- */

/* Referrals discussed since raised: the patient's slots closed with
 * consent or an outcome, at or after r's raised_at.  Through the
 * slots_by_patient index: a few rows per open referral. */
#define SETTLE_SQL \
	"UPDATE referrals SET discussed_slot_id = (SELECT s.id" \
	REFERRAL_DISCUSSED_FROM("referrals") " ORDER BY s.closed_at, s.id" \
	" LIMIT 1) WHERE withdrawn_at IS NULL AND discussed_slot_id IS NULL" \
	" AND EXISTS (SELECT 1" REFERRAL_DISCUSSED_FROM("referrals") ")"

/* The referrals settling now: open, their patient discussed since (of
 * one patient: through referrals_open, not every open referral). */
#define SETTLING_SQL \
	"SELECT id, uuid FROM referrals WHERE withdrawn_at IS NULL" \
	" AND discussed_slot_id IS NULL AND EXISTS (SELECT 1" \
	REFERRAL_DISCUSSED_FROM("referrals") ")"

/* Settled referrals go to the central record (a ServiceRequest, once
 * the discussion that settled it is there: sync/fhir_rows.c). */
enum mdt_status
mdt_referrals_settle_tx(struct mdt_store *s, int64_t patient_id)
{
	struct mdt_id_text *settling;
	enum mdt_status st;
	size_t n;

	st = patient_id != 0 ? mdt_read_array(s, &settling, &n,
	    sizeof(*settling), NULL, mdt_row_id_text, NULL,
	    "reading the referrals discussed",
	    SETTLING_SQL " AND patient_id = ?", "i", patient_id) :
	    mdt_read_array(s, &settling, &n, sizeof(*settling), NULL,
	    mdt_row_id_text, NULL, "reading the referrals discussed",
	    SETTLING_SQL, NULL);
	if (st != MDT_OK || n == 0) {
		free(settling);
		return st;
	}
	st = patient_id != 0 ? mdt_run(s, SETTLE_SQL " AND patient_id = ?",
	    "i", patient_id) : mdt_run(s, SETTLE_SQL, NULL);
	for (size_t i = 0; st == MDT_OK && i < n; i++)
		st = mdt_outbox_add(s, "referral", settling[i].text, "upsert");
	free(settling);
	return st;
}

/* ---- into a meeting ---------------------------------------------------- */

/* The open referral (id) made a candidate of the meeting, on the referral
 * list with the referral's reason and referrer; *changed whether anything
 * was written. */
static enum mdt_status
carry_one(struct mdt_store *s, int64_t meeting_id, int64_t id,
    int64_t patient_id, bool *changed)
{
	enum mdt_status st;
	int64_t cand = 0;
	int before = sqlite3_total_changes(s->db);
	bool created;

	*changed = false;
	st = mdt_candidate_ensure(s, meeting_id, patient_id, &cand, &created);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET lists = lists | ?1,"
		    " referral_id = ?2 WHERE id = ?3 AND ((lists & ?1) = 0"
		    " OR referral_id IS NOT ?2)", "dii", MDT_LIST_REFERRAL, id,
		    cand);
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO list_entries (candidate_id, list,"
		    " reason, referred_by, source, line, row_hash, imported_at)"
		    " SELECT ?1, 'referral', r.reason, r.referrer ||"
		    " CASE WHEN r.service <> '' THEN ' (' || r.service || ')'"
		    " ELSE '' END, 'queue', 0, '', ?3 FROM referrals r"
		    " WHERE r.id = ?2 AND NOT EXISTS (SELECT 1 FROM list_entries"
		    "  WHERE candidate_id = ?1 AND list = 'referral')", "iii",
		    cand, id, mdt_store_now(s));
	if (st == MDT_OK)
		*changed = sqlite3_total_changes(s->db) != before;
	return st;
}

/* The candidates of planned meetings that only the queue made, for a
 * referral no longer open: removed, so that they hold up no agenda.
 * From the meetings (CROSS JOIN keeps that order): the planned ones'
 * candidates are read, not every candidate a referral ever made. */
static enum mdt_status
prune(struct mdt_store *s)
{
	return mdt_run(s, "DELETE FROM candidates WHERE id IN (SELECT c.id"
	    " FROM meetings m CROSS JOIN candidates c ON c.meeting_id = m.id"
	    " WHERE m.state = 'planned'"
	    " AND c.lists = ?1 AND c.carried_forward = 0 AND c.escalated = 0"
	    " AND c.added_on_day = 0 AND c.defer_reason IS NULL"
	    /* the referral first: most are open (one look, not two) */
	    " AND EXISTS (SELECT 1 FROM referrals r WHERE r.id = c.referral_id"
	    "  AND (r.withdrawn_at IS NOT NULL"
	    "  OR r.discussed_slot_id IS NOT NULL))"
	    " AND NOT EXISTS (SELECT 1 FROM slots sl"
	    "  WHERE sl.meeting_id = c.meeting_id"
	    "  AND sl.patient_id = c.patient_id)"
	    " AND NOT EXISTS (SELECT 1 FROM list_entries e"
	    "  WHERE e.candidate_id = c.id AND e.source <> 'queue'))", "d",
	    MDT_LIST_REFERRAL);
}

/* An open referral and its patient. */
struct open_referral {
	int64_t id;
	int64_t patient_id;
};

static void
read_open(sqlite3_stmt *st, void *row, void *ctx)
{
	struct open_referral *r = row;

	mdt_cols(st, "ii", MDT_F(r->id), MDT_F(r->patient_id));
}

enum mdt_status
mdt_referrals_carry_tx(struct mdt_store *s, int64_t meeting_id,
    int64_t held_from, int *added)
{
	struct open_referral *open;
	enum mdt_status st;
	size_t i, n = 0;
	int count = 0;
	bool changed;

	*added = 0;
	st = mdt_referrals_settle_tx(s, 0);
	if (st == MDT_OK)
		st = prune(s);
	if (st == MDT_OK)
		st = mdt_read_array(s, &open, &n, sizeof(*open), NULL,
		    read_open, NULL, "reading the referrals",
		    "SELECT r.id, r.patient_id FROM referrals r"
		    " JOIN patients p ON p.id = r.patient_id"
		    " WHERE r.id < ?3"
		    " AND " REFERRAL_OPEN_SQL("r") " AND p.purged_at IS NULL"
		    /* not those the meeting holds already as carry_one
		     * leaves them (a list just imported) */
		    " AND NOT EXISTS (SELECT 1 FROM candidates c"
		    "  WHERE c.meeting_id = ?1 AND c.patient_id = r.patient_id"
		    "  AND c.referral_id = r.id AND (c.lists & ?2) <> 0"
		    "  AND EXISTS (SELECT 1 FROM list_entries e"
		    "   WHERE e.candidate_id = c.id AND e.list = 'referral'))"
		    " ORDER BY r.raised_at, r.id", "idi", meeting_id,
		    MDT_LIST_REFERRAL, held_from > 0 ? held_from : INT64_MAX);
	if (st != MDT_OK)
		return st;
	for (i = 0; st == MDT_OK && i < n; i++) {
		st = carry_one(s, meeting_id, open[i].id, open[i].patient_id,
		    &changed);
		count += changed;
	}
	free(open);
	if (st == MDT_OK && count > 0)
		st = mdt_agenda_recheck(s, meeting_id);
	if (st == MDT_OK && count > 0) {
		char *uuid = NULL;

		st = mdt_query_text(s, &uuid, "SELECT uuid FROM meetings"
		    " WHERE id = ?", "i", meeting_id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "referrals_carry", "meeting",
			    uuid, "%d open referral%s", count,
			    count == 1 ? "" : "s");
		free(uuid);
	}
	if (st == MDT_OK)
		*added = count;
	return st;
}

/* ---- raised ------------------------------------------------------------ */

/* The patient's open referral raised or updated: who refers, their
 * service, why, urgency and consent (NULL keeps an open referral's).
 * *id gets it; *updated whether it was open already.  A patient made by
 * the same act (patient_new) has none open and none to settle. */
static enum mdt_status
upsert(struct mdt_store *s, int64_t patient_id, const char *source,
    const struct mdt_referral_in *in, bool patient_new, int64_t *id,
    bool *updated)
{
	enum mdt_status st = MDT_ENOTFOUND;
	char uuid[37];

	*updated = false;
	if (!patient_new)
		st = mdt_referrals_settle_tx(s, patient_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, id, "SELECT id FROM referrals r"
		    " WHERE patient_id = ?1 AND " REFERRAL_OPEN_SQL("r"), "i",
		    patient_id);
	if (st == MDT_OK) {
		*updated = true;
		return mdt_run(s, "UPDATE referrals SET referrer = ?,"
		    " service = coalesce(?, service), reason = ?,"
		    " urgency = coalesce(?, urgency),"
		    " consent = coalesce(?, consent) WHERE id = ?", "tTtTTi",
		    in->referrer, in->service, in->reason, in->urgency,
		    in->consent, *id);
	}
	if (st != MDT_ENOTFOUND)
		return st;
	/* a list's come by the thousand: ordered, appended to the index */
	if (strcmp(source, "import") == 0)
		mdt_uuid_new_ordered(uuid);
	else
		mdt_uuid_new(uuid);
	st = mdt_run(s, REFERRAL_INSERT_SQL, "titTtTTit", uuid, patient_id, in->referrer,
	    in->service, in->reason, in->urgency, in->consent,
	    mdt_store_now(s), source);
	if (st == MDT_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return st;
}

enum mdt_status
mdt_referral_from_list_tx(struct mdt_store *s, int64_t patient_id,
    int64_t candidate_id, const char *referred_by, const char *reason,
    bool patient_new, int64_t *referral_id)
{
	struct mdt_referral_in in = { .referrer = referred_by,
	    .reason = reason };
	enum mdt_status st;
	int64_t id = 0;
	bool updated;

	st = upsert(s, patient_id, "import", &in, patient_new, &id,
	    &updated);
	if (st == MDT_OK && candidate_id != 0)
		st = mdt_run(s, "UPDATE candidates SET referral_id = ?"
		    " WHERE id = ?", "ii", id, candidate_id);
	if (referral_id != NULL)
		*referral_id = id;
	return st;
}

/* A referral raised in the tool, checked: the patient found or made, the
 * referral raised, and carried to the next planned meeting. */
struct refer_act {
	const struct mdt_referral_in *in;
	char nhs[11];		/* "" for a patient new and not traced */
	char dob[11];		/* "" if not given */
	int64_t id;
	bool updated;
};

static enum mdt_status
refer_tx(struct mdt_store *s, void *ctx)
{
	struct refer_act *a = ctx;
	enum mdt_status st;
	int64_t patient_id = 0, next = 0;
	char *uuid = NULL;
	int carried;

	st = mdt_patient_typed_tx(s, a->nhs, a->in->name, a->dob, false,
	    "no patient is held under", &patient_id);
	if (st == MDT_ENOTFOUND)
		return st;
	if (st == MDT_OK)
		st = upsert(s, patient_id, "tool", a->in, false, &a->id,
		    &a->updated);
	/* asked at referral: by the referrer, today */
	if (st == MDT_OK && a->in->consent != NULL &&
	    strcmp(a->in->consent, "not-asked") != 0) {
		struct mdt_consent_ask_in ask = { .answer = a->in->consent,
		    .asked_by = a->in->referrer };

		st = mdt_consent_ask_tx(s, patient_id, &ask);
	}
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM referrals"
		    " WHERE id = ?", "i", a->id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, a->updated ? "referral_update" :
		    "referral_raise", "referral", uuid, "%s",
		    a->in->urgency != NULL ? a->in->urgency : "routine");
	free(uuid);
	if (st == MDT_OK)
		st = mdt_query_int(s, &next, "SELECT id FROM meetings"
		    " WHERE state = 'planned'"
		    " ORDER BY scheduled_start, id LIMIT 1", NULL);
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	if (st == MDT_OK)
		st = mdt_referrals_carry_tx(s, next, 0, &carried);
	return st;
}

/* The word of words that w is, or -1. */
static int
word_of(const char *const *words, const char *w)
{
	for (int i = 0; w != NULL && words[i] != NULL; i++)
		if (strcmp(words[i], w) == 0)
			return i;
	return -1;
}

enum mdt_status
mdt_refer(struct mdt_store *s, const struct mdt_referral_in *in, int64_t *id,
    bool *updated, char number[11])
{
	static const char *const urgencies[] = { "routine", "urgent", NULL };
	static const char *const consents[] = { "given", "refused",
	    "not-asked", NULL };
	struct refer_act a = { .in = in };
	enum mdt_status st;

	if (id != NULL)
		*id = 0;
	if (updated != NULL)
		*updated = false;
	if (in->nhs_number != NULL &&
	    !mdt_local_id_normalise(in->nhs_number, a.nhs) &&
	    (!mdt_nhs_normalise(in->nhs_number, a.nhs) ||
	    !mdt_nhs_valid(a.nhs)))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", in->nhs_number);
	if (in->date_of_birth != NULL && !mdt_date_strict(in->date_of_birth,
	    a.dob))
		return mdt_fail(s, MDT_EDATE, "date of birth \"%s\"",
		    in->date_of_birth);
	if ((in->urgency != NULL && word_of(urgencies, in->urgency) < 0) ||
	    (in->consent != NULL && word_of(consents, in->consent) < 0))
		return mdt_fail(s, MDT_EINVAL, "urgency is routine or urgent;"
		    " consent given, refused or not-asked");
	if (mdt_text_field(s, "the name", in->name, true,
	    MDT_REFERRAL_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "who refers", in->referrer, false,
	    MDT_REFERRAL_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "their service", in->service, false,
	    MDT_REFERRAL_TEXT_MAX) != MDT_OK ||
	    mdt_text_field(s, "the reason", in->reason, false,
	    MDT_REFERRAL_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	st = mdt_tx_run(s, refer_tx, &a, NULL);
	if (st == MDT_OK && number != NULL)
		memcpy(number, a.nhs, sizeof(a.nhs));
	if (st == MDT_OK && id != NULL)
		*id = a.id;
	if (st == MDT_OK && updated != NULL)
		*updated = a.updated;
	return st;
}

/* ---- withdrawn --------------------------------------------------------- */

struct withdraw_act {
	const char *nhs;
	const char *reason;
};

enum mdt_status
mdt_referral_withdraw_tx(struct mdt_store *s, int64_t patient_id,
    const char *reason)
{
	enum mdt_status st;
	int64_t id = 0;
	char *uuid = NULL, *why;

	st = mdt_referrals_settle_tx(s, patient_id);
	if (st == MDT_OK)
		st = mdt_query_int(s, &id, "SELECT id FROM referrals r"
		    " WHERE patient_id = ?1 AND " REFERRAL_OPEN_SQL("r"), "i",
		    patient_id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE referrals SET withdrawn_at = ?,"
		    " withdraw_reason = ? WHERE id = ?", "iti",
		    mdt_store_now(s), reason, id);
	why = mdt_xasprintf("referral withdrawn: %s", reason);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET defer_reason = ?"
		    " WHERE referral_id = ? AND defer_reason IS NULL"
		    " AND meeting_id IN (SELECT id FROM meetings"
		    "  WHERE state = 'planned')"
		    " AND NOT EXISTS (SELECT 1 FROM slots sl"
		    "  WHERE sl.meeting_id = candidates.meeting_id"
		    "  AND sl.patient_id = candidates.patient_id)", "ti", why,
		    id);
	free(why);
	if (st == MDT_OK)
		st = mdt_query_text(s, &uuid, "SELECT uuid FROM referrals"
		    " WHERE id = ?", "i", id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "referral_withdraw", "referral", uuid,
		    "withdrawn");
	free(uuid);
	return st;
}

static enum mdt_status
withdraw_tx(struct mdt_store *s, void *ctx)
{
	struct withdraw_act *a = ctx;
	enum mdt_status st;
	int64_t patient_id = 0;

	st = mdt_patient_find(s, a->nhs, false, &patient_id);
	if (st == MDT_OK)
		st = mdt_referral_withdraw_tx(s, patient_id, a->reason);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, st, "no open referral for NHS %s", a->nhs);
	return st;
}

enum mdt_status
mdt_referral_withdraw(struct mdt_store *s, const char *nhs, const char *reason)
{
	struct withdraw_act a = { .reason = reason };
	char digits[11];

	if (!mdt_nhs_normalise(nhs, digits) || !mdt_nhs_valid(digits))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", nhs != NULL ? nhs : "");
	if (mdt_text_field(s, "the reason", reason, false,
	    MDT_REFERRAL_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	a.nhs = digits;
	return mdt_tx_run(s, withdraw_tx, &a, NULL);
}
