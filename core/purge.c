/*
 * purge.c - the retention purge: once a closed meeting is older than the
 * retention period and every record of it has been delivered to the
 * central record, the free text that identifies people (notes, consent
 * justifications, slot reasons, the originals kept of corrections, the text of finished actions, candidate
 * notes and list rows) is replaced by a fixed placeholder, and a patient
 * nobody kept on the record needs any more loses name, date of birth,
 * NHS number and practice.  What the six-monthly review counts (times,
 * states, outcome kinds, review dates, action statuses and owners,
 * attendance, staff) stays.  Nothing is purged before it is delivered,
 * because delivery builds each resource from the store at send time.
 *
 * One transaction per run, with an audit row per meeting and patient and
 * no outbox row; run with secure_delete on and the WAL emptied after the
 * commit, so that the old text does not linger in the files.
 */
#include "config.h"

#include "purge.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

#define DAY_MS INT64_C(86400000)

/* The uuids of every record that names patient P (an SQL expression): the
 * patient (key contact), the actions for them, their slots and what the
 * slots hold. */
#define PATIENT_RECORDS_SQL(P) \
	"SELECT uuid FROM patients WHERE id = " P \
	" UNION SELECT uuid FROM actions WHERE patient_id = " P \
	" UNION SELECT uuid FROM slots WHERE patient_id = " P \
	" UNION SELECT n.uuid FROM notes n JOIN slots s ON s.id = n.slot_id" \
	"  WHERE s.patient_id = " P \
	" UNION SELECT c.uuid FROM consent c JOIN slots s ON s.id = c.slot_id" \
	"  WHERE s.patient_id = " P \
	" UNION SELECT o.uuid FROM outcomes o JOIN slots s ON s.id = o.slot_id" \
	"  WHERE s.patient_id = " P \
	" UNION SELECT uuid FROM rising_risk WHERE patient_id = " P \
	" UNION SELECT uuid FROM care_plans WHERE patient_id = " P \
	" UNION SELECT i.uuid FROM plan_items i JOIN care_plans cp" \
	"  ON cp.id = i.plan_id WHERE cp.patient_id = " P

enum mdt_status
mdt_action_refuse_purged(struct mdt_store *s, int64_t action_id)
{
	enum mdt_status st;
	int64_t n = 0;

	st = mdt_query_int(s, &n, "SELECT count(*) FROM actions a"
	    " JOIN patients p ON p.id = a.patient_id"
	    " LEFT JOIN slots s ON s.id = a.slot_id"
	    " LEFT JOIN meetings m ON m.id = s.meeting_id WHERE a.id = ?"
	    " AND (p.purged_at IS NOT NULL OR (m.purged_at IS NOT NULL"
	    " AND a.status <> 'open'))", "i", action_id);
	if (st == MDT_OK && n > 0)
		return mdt_fail(s, MDT_ESTATE, "action %" PRId64 " was purged"
		    " under the retention rule", action_id);
	return st;
}

static enum mdt_status
check_days(struct mdt_store *s, int days, int64_t *cutoff)
{
	if (days < 1 || days > 36500)
		return mdt_fail(s, MDT_EINVAL,
		    "retention days must be 1 to 36500 (got %d)", days);
	*cutoff = mdt_store_now(s) - (int64_t)days * DAY_MS;
	return MDT_OK;
}

static void
purge_meeting_done(void *row)
{
	free(((struct mdt_purge_meeting *)row)->title);
}

void
mdt_purge_list_free(struct mdt_purge_meeting *arr, size_t n)
{
	mdt_array_free(arr, n, sizeof(*arr), purge_meeting_done);
}

static void
read_purge_meeting(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_purge_meeting *m = row;

	mdt_cols(st, "icsiidi", MDT_F(m->id), MDT_F(m->uuid), MDT_F(m->title),
	    MDT_F(m->scheduled_start), MDT_F(m->closed_at), MDT_F(m->patients),
	    MDT_F(m->undelivered));
	m->never_sent = mdt_col_int(st, 7) == 0;
	m->eligible = m->undelivered == 0 && !m->never_sent;
}

enum mdt_status
mdt_purge_find(struct mdt_store *s, int days, struct mdt_purge_meeting **out,
    size_t *n)
{
	enum mdt_status status;
	int64_t cutoff = 0;

	*out = NULL;
	*n = 0;
	status = check_days(s, days, &cutoff);
	if (status != MDT_OK)
		return status;
	/* A meeting whose own row never reached the server is held back
	 * even with nothing waiting: delivery is what makes purging safe. */
	return mdt_read_array(s, out, n, sizeof(**out), purge_meeting_done,
	    read_purge_meeting, NULL, "finding meetings to purge",
	    MDT_PURGE_FIND_SQL, "i", cutoff);
}

/* Runs sql (no rows) with ?1 = id and adds the rows it changed to *count
 * (may be NULL). */
static enum mdt_status
run_counted(struct mdt_store *s, const char *sql, int64_t id, int *count)
{
	enum mdt_status st = mdt_run(s, sql, "i", id);

	if (st == MDT_OK && count != NULL)
		*count += sqlite3_changes(s->db);
	return st;
}

/* What purging a meeting (?1) does to the words of its records, in this
 * order, and what each statement's rows count as. */
enum purged { PURGED_NOTES, PURGED_ACTIONS, PURGED_TEXTS, PURGED_KINDS };
#define IN_SLOTS " IN (SELECT id FROM slots WHERE meeting_id = ?1)"

static const struct {
	const char *sql;
	enum purged counts;
} purge_steps[] = {
	{ "UPDATE notes SET text = '" MDT_PURGED_TEXT "' WHERE slot_id"
	    IN_SLOTS " AND text <> '" MDT_PURGED_TEXT "'", PURGED_NOTES },
	{ "UPDATE consent SET justification = '" MDT_PURGED_TEXT "'"
	    " WHERE slot_id" IN_SLOTS " AND justification IS NOT NULL"
	    " AND justification <> '" MDT_PURGED_TEXT "'", PURGED_TEXTS },
	{ "UPDATE slots SET reason = '" MDT_PURGED_TEXT "' WHERE meeting_id"
	    " = ?1 AND reason <> '' AND reason <> '" MDT_PURGED_TEXT "'",
	    PURGED_TEXTS },
	/* the organisations a patient asked to be kept from say much of
	 * them (a drug service, a mental health team): they go with the
	 * justification they were recorded with */
	{ "DELETE FROM consent_exclusions WHERE slot_id" IN_SLOTS,
	    PURGED_TEXTS },
	/* open actions are work still to do: they keep their words */
	{ "UPDATE actions SET text = '" MDT_PURGED_TEXT "' WHERE slot_id"
	    IN_SLOTS " AND status <> 'open' AND text <> '" MDT_PURGED_TEXT "'",
	    PURGED_ACTIONS },
	/* and what the central record's notes on them said, read back */
	{ "UPDATE record_tasks SET note = NULL WHERE note IS NOT NULL AND"
	    " action_id IN (SELECT id FROM actions WHERE slot_id" IN_SLOTS
	    " AND status <> 'open')", PURGED_TEXTS },
	/* the originals of what was corrected, and any note left half
	 * typed: the same text as the rest */
	{ "UPDATE corrections SET original = '{}' WHERE slot_id" IN_SLOTS
	    " AND original <> '{}'", PURGED_TEXTS },
	{ "DELETE FROM note_drafts WHERE slot_id" IN_SLOTS, PURGED_TEXTS },
	/* what the lists and the matron said about each candidate */
	{ "UPDATE candidates SET note = '', defer_reason = CASE WHEN"
	    " defer_reason IS NULL THEN NULL ELSE '" MDT_PURGED_TEXT "' END"
	    " WHERE meeting_id = ?1 AND (note <> '' OR defer_reason IS NOT"
	    " NULL)", PURGED_TEXTS },
	{ "DELETE FROM list_entries WHERE candidate_id IN (SELECT id FROM"
	    " candidates WHERE meeting_id = ?1)", PURGED_TEXTS },
	/* the words of the referrals it saw that are no longer waiting
	 * (the service stays: the review counts referrals by it) */
	{ "UPDATE referrals SET " REFERRAL_PURGE_SET " WHERE id IN"
	    " (SELECT referral_id FROM candidates WHERE meeting_id = ?1)"
	    " AND (withdrawn_at IS NOT NULL OR discussed_slot_id IS NOT NULL)"
	    " AND reason <> '" MDT_PURGED_TEXT "'", PURGED_TEXTS },
};

static enum mdt_status
purge_meeting(struct mdt_store *s, const struct mdt_purge_meeting *m,
    struct mdt_purge_result *res)
{
	enum mdt_status st = MDT_OK;
	int counted[PURGED_KINDS] = { 0 };
	int slots, notes, actions, texts;

	/* a referral discussed since last looked at is no longer waiting */
	st = mdt_referrals_settle_tx(s, 0);
	for (size_t i = 0; st == MDT_OK && i < MDT_COUNT(purge_steps); i++)
		st = run_counted(s, purge_steps[i].sql, m->id,
		    &counted[purge_steps[i].counts]);
	notes = counted[PURGED_NOTES];
	actions = counted[PURGED_ACTIONS];
	texts = counted[PURGED_TEXTS];
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE meetings SET purged_at = ? WHERE id = ?",
		    "ii", mdt_store_now(s), m->id);
	slots = m->patients;
	if (st == MDT_OK)
		st = mdt_audit_add(s, "purge", "meeting", m->uuid,
		    "retention purge: %d slot%s, %d note%s, %d action%s,"
		    " %d other text%s", slots, slots == 1 ? "" : "s",
		    notes, notes == 1 ? "" : "s", actions,
		    actions == 1 ? "" : "s", texts, texts == 1 ? "" : "s");
	if (st == MDT_OK) {
		res->meetings++;
		res->slots += slots;
		res->notes += notes;
		res->actions += actions;
	}
	return st;
}

/*
 * Each record sql finds (its id and uuid) purged by purge_one, with an
 * audit row naming the entity and saying what went; *count gains one a
 * record.
 */
static enum mdt_status
purge_each(struct mdt_store *s, const char *sql,
    enum mdt_status (*purge_one)(struct mdt_store *s, int64_t id),
    const char *entity, const char *what, int *count)
{
	struct mdt_id_text *arr;	/* id and uuid */
	enum mdt_status st;
	size_t n;

	st = mdt_read_array(s, &arr, &n, sizeof(*arr), NULL, mdt_row_id_text,
	    NULL, "finding records to purge", sql, NULL);
	for (size_t i = 0; st == MDT_OK && i < n; i++) {
		st = purge_one(s, arr[i].id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "purge", entity, arr[i].text,
			    "retention purge: %s", what);
		if (st == MDT_OK)
			(*count)++;
	}
	free(arr);
	return st;
}

static enum mdt_status
purge_action_text(struct mdt_store *s, int64_t id)
{
	enum mdt_status st;

	st = mdt_run(s, "UPDATE actions SET text = '" MDT_PURGED_TEXT
	    "' WHERE id = ?", "i", id);
	return st == MDT_OK ? mdt_run(s, "UPDATE record_tasks SET note = NULL"
	    " WHERE action_id = ?", "i", id) : st;
}

/*
 * Finished actions of meetings purged earlier (closed after the purge),
 * once their last change has been delivered; a verdict in a meeting
 * still going may yet be undone.  Read through the index of the
 * finished actions whose words are still there (schema 29), not among
 * every action.
 */
#define LATE_ACTIONS_SQL \
	"SELECT a.id, a.uuid FROM actions a" \
	" INDEXED BY actions_finished_unpurged" \
	" JOIN slots s ON s.id = a.slot_id" \
	" JOIN meetings m ON m.id = s.meeting_id" \
	" WHERE m.purged_at IS NOT NULL AND a.status <> 'open'" \
	" AND a.text <> '" MDT_PURGED_TEXT "'" \
	" AND NOT EXISTS (SELECT 1 FROM action_reviews r" \
	"  JOIN slots rs ON rs.id = r.slot_id" \
	"  JOIN meetings rm ON rm.id = rs.meeting_id" \
	"  WHERE r.action_id = a.id AND rm.state <> 'closed')" \
	" AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.state <> 'sent'" \
	"  AND o.entity_uuid = a.uuid) ORDER BY a.id"

static enum mdt_status
purge_identity(struct mdt_store *s, int64_t id)
{
	enum mdt_status st;

	/* the NHS number is UNIQUE and ten characters long: a token that no
	 * valid number can be takes its place */
	st = mdt_run(s, "UPDATE patients SET name = '" MDT_PURGED_TEXT
	    "', nhs_number = 'X' || printf('%09d', id),"
	    " date_of_birth = NULL, practice = NULL, purged_at = ?"
	    " WHERE id = ?", "ii", mdt_store_now(s), id);
	/* what the record said of their discussions elsewhere goes too */
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM record_discussions"
		    " WHERE patient_id = ?", "i", id);
	if (st == MDT_OK)
		st = mdt_run(s, "DELETE FROM list_entries WHERE"
		    " candidate_id IN (SELECT id FROM candidates"
		    " WHERE patient_id = ?)", "i", id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE candidates SET note = '',"
		    " defer_reason = CASE WHEN defer_reason IS NULL"
		    " THEN NULL ELSE '" MDT_PURGED_TEXT "' END"
		    " WHERE patient_id = ?", "i", id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE referrals SET " REFERRAL_PURGE_SET
		    " WHERE patient_id = ?", "i", id);
	/* the consent asked before: the answer and day stay; who answered
	 * for the patient, and why, go */
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE consent_asked SET"
		    " representative = CASE WHEN representative IS NULL THEN NULL"
		    " ELSE '" MDT_PURGED_TEXT "' END, justification = CASE WHEN"
		    " justification IS NULL THEN NULL ELSE '" MDT_PURGED_TEXT
		    "' END WHERE patient_id = ?", "i", id);
	/* the register's words go; its events' kinds and dates stay, which
	 * the review counts */
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE rising_risk SET reason = '"
		    MDT_PURGED_TEXT "', end_reason = CASE WHEN end_reason IS"
		    " NULL THEN NULL ELSE '" MDT_PURGED_TEXT "' END"
		    " WHERE patient_id = ?", "i", id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE rising_risk_events SET reason = CASE"
		    " WHEN reason = '' THEN '' ELSE '" MDT_PURGED_TEXT "' END"
		    " WHERE entry_id IN (SELECT id FROM rising_risk"
		    " WHERE patient_id = ?)", "i", id);
	/* the plan's words go with the patient; its items' kinds and dates
	 * stay */
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE care_plans SET end_reason = CASE WHEN"
		    " end_reason IS NULL THEN NULL ELSE '" MDT_PURGED_TEXT "'"
		    " END WHERE patient_id = ?", "i", id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE plan_items SET text = '" MDT_PURGED_TEXT
		    "', resolved_reason = CASE WHEN resolved_reason IS NULL THEN"
		    " NULL ELSE '" MDT_PURGED_TEXT "' END WHERE plan_id IN"
		    " (SELECT id FROM care_plans WHERE patient_id = ?)", "i", id);
	return st;
}

/*
 * A patient's identity goes when nobody kept on the record needs it: every
 * meeting they were a candidate of has been purged, no action for them is
 * open, they are not on the caseload nor on the rising-risk register
 * (their latest outcome is neither stay nor step down, and no stay on the
 * register is active: carry-forward and escalation would bring them
 * back), and every record naming them has been delivered.  Looked for
 * among the patients purge_recheck holds (schema 29: those whom a change
 * since the last purge could have freed), not among all the history's.
 */
#define PATIENT_DONE_WITH(P) \
	" EXISTS (SELECT 1 FROM candidates c JOIN meetings m" \
	"  ON m.id = c.meeting_id WHERE c.patient_id = " P \
	"  AND m.purged_at IS NOT NULL)" \
	" AND NOT EXISTS (SELECT 1 FROM candidates c JOIN meetings m" \
	"  ON m.id = c.meeting_id WHERE c.patient_id = " P \
	"  AND m.purged_at IS NULL)" \
	" AND NOT EXISTS (SELECT 1 FROM slots s JOIN meetings m" \
	"  ON m.id = s.meeting_id WHERE s.patient_id = " P \
	"  AND m.purged_at IS NULL)" \
	" AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.patient_id = " P \
	"  AND a.status = 'open')" \
	" AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.patient_id = " P \
	"  AND " REFERRAL_OPEN_SQL("r") ")" \
	" AND NOT EXISTS (SELECT 1 FROM rising_risk r WHERE r.patient_id = " P \
	"  AND r.ended_at IS NULL)" \
	" AND NOT EXISTS (SELECT 1 FROM care_plans cp" \
	"  WHERE cp.patient_id = " P " AND cp.status = 'active')" \
	" AND coalesce((SELECT o.kind FROM outcomes o" \
	"  JOIN slots s ON s.id = o.slot_id" \
	"  JOIN meetings m ON m.id = s.meeting_id WHERE s.patient_id = " P \
	"  ORDER BY m.scheduled_start DESC, o.recorded_at DESC, o.id DESC" \
	"  LIMIT 1), '') NOT IN ('stay', 'step_down')"

#define PATIENTS_DONE_WITH_SQL \
	"SELECT p.id, p.uuid FROM purge_recheck k" \
	" CROSS JOIN patients p ON p.id = k.patient_id" \
	" WHERE p.purged_at IS NULL" \
	" AND" PATIENT_DONE_WITH("p.id") \
	" AND NOT EXISTS (SELECT 1 FROM outbox WHERE state <> 'sent'" \
	"  AND entity_uuid IN (" PATIENT_RECORDS_SQL("p.id") "))" \
	" ORDER BY p.id"

/* What the next purge need not read again: every patient looked at but
 * those done with whose records wait to be delivered.  (CROSS JOIN: the
 * patients are read through purge_recheck, never the other way.) */
#define RECHECKED_SQL \
	"DELETE FROM purge_recheck WHERE patient_id NOT IN" \
	" (SELECT p.id FROM purge_recheck k CROSS JOIN patients p" \
	"  ON p.id = k.patient_id WHERE p.purged_at IS NULL" \
	"  AND" PATIENT_DONE_WITH("p.id") ")"

/* Empties the WAL into the database file and truncates it; *done is
 * false if a reader (another window) kept it from finishing. */
static void
read_checkpoint(sqlite3_stmt *st, void *row, void *ctx)
{
	*(bool *)row = sqlite3_column_int(st, 0) == 0;
}

static enum mdt_status
checkpoint(struct mdt_store *s, bool *done)
{
	enum mdt_status status;

	status = mdt_read_row(s, done, sizeof(*done), read_checkpoint, NULL,
	    "emptying the write-ahead log", "PRAGMA wal_checkpoint(TRUNCATE)",
	    NULL);
	return status == MDT_ENOTFOUND ? MDT_OK : status;
}

struct purge_act {
	int days;
	struct mdt_purge_result *res;
};

static enum mdt_status
purge_tx(struct mdt_store *s, void *ctx)
{
	const struct purge_act *a = ctx;
	struct mdt_purge_meeting *list = NULL;
	enum mdt_status st;
	size_t n = 0, i;

	st = mdt_purge_find(s, a->days, &list, &n);
	for (i = 0; st == MDT_OK && i < n; i++) {
		if (list[i].eligible)
			st = purge_meeting(s, &list[i], a->res);
		else
			a->res->held_back++;
	}
	if (st == MDT_OK)
		st = purge_each(s, LATE_ACTIONS_SQL, purge_action_text,
		    "action", "text of a finished action", &a->res->actions);
	if (st == MDT_OK)
		st = purge_each(s, PATIENTS_DONE_WITH_SQL, purge_identity,
		    "patient", "identity removed", &a->res->patients);
	if (st == MDT_OK)
		st = mdt_run(s, RECHECKED_SQL, NULL);
	mdt_purge_list_free(list, n);
	return st;
}

enum mdt_status
mdt_purge_run(struct mdt_store *s, int days, struct mdt_purge_result *res)
{
	enum mdt_status st;
	int64_t cutoff = 0, secure = 0;
	bool changed;

	memset(res, 0, sizeof(*res));
	st = check_days(s, days, &cutoff);
	if (st != MDT_OK)
		return st;
	/* freed space is overwritten with zeros, so that what the purge
	 * removes is gone from the file and not merely unlinked */
	st = mdt_query_int(s, &secure, "PRAGMA secure_delete", NULL);
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA secure_delete = ON", NULL);
	if (st != MDT_OK)
		return st;
	st = mdt_tx_run(s, purge_tx, &(struct purge_act){ days, res }, NULL);
	if (st != MDT_OK)	/* rolled back: nothing was purged */
		memset(res, 0, sizeof(*res));
	changed = res->meetings > 0 || res->actions > 0 || res->patients > 0;
	if (st == MDT_OK && changed)
		st = checkpoint(s, &res->checkpointed);
	else if (st == MDT_OK)
		res->checkpointed = true;
	if (secure == 0)
		mdt_run(s, "PRAGMA secure_delete = OFF", NULL);
	return st;
}
