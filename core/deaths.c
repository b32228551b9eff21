/*
 * deaths.c - a death recorded between meetings (deaths.h).  The seeds'
 * teams "always follow up with relatives when a patient dies": the
 * follow-up is made at once, for the key contact.
 */
#include "config.h"

#include "deaths.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prep_internal.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

const char *const mdt_death_places[MDT_DEATH_PLACES + 1] = {
	"home", "hospital", "care-home", "hospice", "other", NULL
};

/* The death's act: the patient (its id in a.id), what was asked. */
struct death_act {
	struct mdt_act a;
	const struct mdt_death_in *in;
	const char *date;
	int cancelled;
};

/* The open actions of the patient but their follow-up: cancelled. */
static enum mdt_status
cancel_open(struct mdt_store *s, int64_t patient_id, int *count)
{
	enum mdt_status st;
	char *uuid = NULL;

	while ((st = mdt_query_text(s, &uuid, "SELECT uuid FROM actions"
	    " WHERE patient_id = ? AND status = 'open' AND kind IS NOT '"
	    MDT_RELATIVES_KIND "' ORDER BY id LIMIT 1", "i",
	    patient_id)) == MDT_OK) {
		st = mdt_run(s, "UPDATE actions SET status = 'cancelled',"
		    " closed_at = ? WHERE uuid = ?", "it", mdt_store_now(s),
		    uuid);
		if (st == MDT_OK)
			st = mdt_record_change(s, "action_status", "action",
			    uuid, "cancelled: the patient died");
		free(uuid);
		uuid = NULL;
		if (st != MDT_OK)
			return st;
		(*count)++;
	}
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* Who follows up with the relatives: the key contact if the patient did
 * not exclude their organisation, else the owner given; 0: nobody. */
static enum mdt_status
follow_up_owner(struct mdt_store *s, int64_t patient_id, int64_t given,
    int64_t *owner)
{
	enum mdt_status st;
	int64_t kc = 0;
	char *org = NULL;

	*owner = 0;
	st = mdt_query_int(s, &kc, "SELECT coalesce(key_contact_id, 0)"
	    " FROM patients WHERE id = ?", "i", patient_id);
	if (st == MDT_OK && kc != 0)
		st = mdt_row_excluded_org(s, patient_id, kc, &org);
	if (st == MDT_OK && kc != 0 && org == NULL) {
		*owner = kc;
		return st;
	}
	free(org);
	if (st == MDT_OK && given != 0) {
		st = mdt_row_person_allowed(s, patient_id, given,
		    "follow up with the relatives");
		if (st == MDT_OK)
			*owner = given;
	}
	return st;
}

/* The patient's candidates neither selected nor deferred, in meetings
 * still planned, removed (each audited): nobody is to choose them now. */
static enum mdt_status
drop_candidates(struct mdt_store *s, int64_t patient_id)
{
	struct mdt_id_text *rows;
	enum mdt_status st;
	size_t k, n;

	st = mdt_read_array(s, &rows, &n, sizeof(*rows), NULL, mdt_row_id_text,
	    NULL, "reading the candidates", "SELECT c.id, m.uuid"
	    " FROM candidates c JOIN meetings m ON m.id = c.meeting_id"
	    " WHERE c.patient_id = ? AND m.state = 'planned'"
	    " AND c.defer_reason IS NULL AND NOT EXISTS (SELECT 1 FROM slots"
	    "  s WHERE s.meeting_id = c.meeting_id"
	    "  AND s.patient_id = c.patient_id) ORDER BY c.id", "i",
	    patient_id);
	for (k = 0; st == MDT_OK && k < n; k++) {
		st = mdt_run(s, "DELETE FROM candidates WHERE id = ?", "i",
		    rows[k].id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "candidate_remove", "meeting",
			    rows[k].text, "a candidate removed: the patient"
			    " died");
	}
	free(rows);
	return st;
}

/* The follow-up with the relatives, once per patient: for the key
 * contact, else the owner asked for; refused when there is neither. */
static enum mdt_status
follow_up(struct mdt_store *s, int64_t pid, int64_t given)
{
	enum mdt_status st;
	int64_t made = 0, owner = 0;
	char uuid[37], due[11];

	st = mdt_query_int(s, &made, "SELECT count(*) FROM actions"
	    " WHERE patient_id = ? AND kind = '" MDT_RELATIVES_KIND "'"
	    " AND status <> 'cancelled'", "i", pid);
	if (st != MDT_OK || made > 0)
		return st;
	st = follow_up_owner(s, pid, given, &owner);
	if (st == MDT_OK && owner == 0)
		return mdt_fail(s, MDT_ESTATE, "no key contact: say who follows"
		    " up with the relatives (--owner PERSON)");
	if (st != MDT_OK)
		return st;
	if (mdt_date_parse("+7", mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "cannot work out the due date");
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO actions (uuid, patient_id, slot_id, text,"
	    " owner_id, due_date, status, created_at, kind)"
	    " VALUES (?, ?, NULL, ?, ?, ?, 'open', ?, ?)", "tititit", uuid, pid,
	    MDT_RELATIVES_TEXT, owner, due, mdt_store_now(s),
	    MDT_RELATIVES_KIND);
	if (st == MDT_OK)
		st = mdt_record_change(s, "action_add", "action", uuid,
		    "patient %" PRId64 ": follow-up with the relatives, due %s",
		    pid, due);
	return st;
}

static enum mdt_status
death_tx(struct mdt_store *s, struct mdt_act *a)
{
	struct death_act *d = (struct death_act *)a;
	const struct mdt_death_in *in = d->in;
	int64_t pid = a->id, open = 0;
	enum mdt_status st;
	char uuid[37], *known = NULL;

	st = mdt_query_text(s, &known, "SELECT died_on FROM deaths"
	    " WHERE patient_id = ?1 UNION ALL SELECT o.died_on FROM outcomes o"
	    " JOIN slots s ON s.id = o.slot_id WHERE s.patient_id = ?1"
	    " AND o.kind = 'died' LIMIT 1", "i", pid);
	if (st == MDT_OK) {
		st = mdt_fail(s, MDT_ESTATE, "the death is recorded already"
		    " (died on %s)", known != NULL ? known : "a day unknown");
		free(known);
		return st;
	}
	if (st != MDT_ENOTFOUND)
		return st;
	st = mdt_query_int(s, &open, "SELECT count(*) FROM actions"
	    " WHERE patient_id = ? AND status = 'open' AND kind IS NOT '"
	    MDT_RELATIVES_KIND "'", "i", pid);
	if (st == MDT_OK && open > 0 && in->actions == MDT_DEATH_ASK)
		return mdt_fail(s, MDT_ESTATE, "%" PRId64 " open action%s: say"
		    " keep (reviewed at the next meeting) or cancel", open,
		    open == 1 ? "" : "s");
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO deaths (uuid, patient_id, died_on, place,"
	    " expected, recorded_at) VALUES (?, ?, ?, ?, nullif(?, -1), ?)",
	    "titTdi", uuid, pid, d->date, in->place, in->expected,
	    mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_record_change(s, "death_record", "death", uuid,
		    "patient %" PRId64 ": died on %s, between meetings", pid,
		    d->date);
	/* nobody is to decide on the patient at a meeting planned, and the
	 * referral queue lets them go */
	if (st == MDT_OK)
		st = drop_candidates(s, pid);
	if (st == MDT_OK)
		st = mdt_rising_end_tx(s, pid, "the patient died");
	if (st == MDT_OK)
		st = mdt_plan_died_tx(s, pid);
	if (st == MDT_OK) {
		st = mdt_referral_withdraw_tx(s, pid, "the patient died");
		if (st == MDT_ENOTFOUND)
			st = MDT_OK;
	}
	if (st == MDT_OK && in->actions == MDT_DEATH_CANCEL)
		st = cancel_open(s, pid, &d->cancelled);
	if (st == MDT_OK)
		st = follow_up(s, pid, in->owner_id);
	return st;
}

enum mdt_status
mdt_death_between(struct mdt_store *s, const struct mdt_death_in *in,
    int *cancelled)
{
	struct death_act d = { .in = in };
	char nhs[11], day[11], today[11];
	enum mdt_status st;
	size_t i;

	if (cancelled != NULL)
		*cancelled = 0;
	if (in->nhs_number == NULL || (!mdt_local_id_normalise(in->nhs_number,
	    nhs) && (!mdt_nhs_normalise(in->nhs_number, nhs) ||
	    !mdt_nhs_valid(nhs))))
		return mdt_fail(s, MDT_EINVAL, "not an NHS number (ten digits"
		    " with a right check digit): %s", in->nhs_number != NULL ?
		    in->nhs_number : "");
	if (in->date == NULL || mdt_date_parse(in->date, mdt_store_now(s),
	    day) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "date of death \"%s\"",
		    in->date != NULL ? in->date : "");
	mdt_date_of(mdt_store_now(s), today);
	if (strcmp(day, today) > 0)
		return mdt_fail(s, MDT_EDATE, "death on %s: in the future",
		    day);
	if (in->expected < -1 || in->expected > 1)
		return mdt_fail(s, MDT_EINVAL, "whether the death was expected:"
		    " yes, no or not known");
	for (i = 0; in->place != NULL && mdt_death_places[i] != NULL; i++)
		if (strcmp(mdt_death_places[i], in->place) == 0)
			break;
	if (in->place != NULL && mdt_death_places[i] == NULL)
		return mdt_fail(s, MDT_EINVAL, "the place of death is home,"
		    " hospital, care-home, hospice or other");
	st = mdt_patient_known(s, nhs, false, &d.a.id);
	if (st != MDT_OK)
		return st;
	d.date = day;
	st = mdt_act_run(s, death_tx, 0, &d.a);
	if (st == MDT_OK && cancelled != NULL)
		*cancelled = d.cancelled;
	return st;
}

/* ---- the deaths a meeting hears of ----------------------------------- */

static void
death_done(void *row)
{
	free(((struct mdt_death *)row)->patient_name);
}

MDT_ROW_READER(read_death, struct mdt_death, d)
{
	mdt_cols(st, "icscccdb", MDT_F(d->patient_id), MDT_F(d->nhs_number),
	    MDT_F(d->patient_name), MDT_F(d->date_of_birth), MDT_F(d->died_on),
	    MDT_F(d->place), MDT_F(d->expected), MDT_F(d->in_slot));
	d->relatives_made = sqlite3_column_type(st, 8) != SQLITE_NULL;
	d->relatives = (enum mdt_action_status)mdt_col_state(st, 8,
	    mdt_action_status_parse, MDT_ACTION_OPEN);
}

/* Since the meeting before ?1 opened (or was to start): the deaths
 * recorded between meetings and in the slots of other meetings. */
enum mdt_status
mdt_deaths_since(struct mdt_store *s, int64_t meeting_id,
    struct mdt_death **out, size_t *n)
{
	return mdt_read_array(s, out, n, sizeof(**out), death_done, read_death,
	    NULL, "reading the deaths",
	    "WITH since AS (SELECT coalesce((SELECT coalesce(m.opened_at,"
	    "  m.scheduled_start) FROM meetings m WHERE m.id <> ?1"
	    "  AND m.scheduled_start < (SELECT scheduled_start FROM meetings"
	    "  WHERE id = ?1) ORDER BY m.scheduled_start DESC LIMIT 1), 0)"
	    "  AS t),"
	    " d AS (SELECT patient_id, died_on, coalesce(place, '') AS place,"
	    "  coalesce(expected, -1) AS expected, 0 AS in_slot FROM deaths"
	    "  WHERE recorded_at > (SELECT t FROM since)"
	    " UNION ALL SELECT s.patient_id, coalesce(o.died_on,"
	    "  date(o.recorded_at / 1000, 'unixepoch', 'localtime')), '', -1, 1"
	    "  FROM outcomes o JOIN slots s ON s.id = o.slot_id"
	    "  WHERE o.kind = 'died' AND s.meeting_id <> ?1"
	    "  AND o.recorded_at > (SELECT t FROM since))"
	    " SELECT d.patient_id, p.nhs_number, p.name,"
	    " coalesce(p.date_of_birth, ''), d.died_on, d.place, d.expected,"
	    " d.in_slot, (SELECT a.status FROM actions a"
	    "  WHERE a.patient_id = d.patient_id"
	    "  AND a.kind = '" MDT_RELATIVES_KIND "'"
	    "  AND a.status <> 'cancelled' ORDER BY a.id DESC LIMIT 1)"
	    " FROM d JOIN patients p ON p.id = d.patient_id"
	    " WHERE p.purged_at IS NULL ORDER BY d.died_on, p.name, p.id",
	    "i", meeting_id);
}

void
mdt_deaths_free(struct mdt_death *arr, size_t n)
{
	mdt_array_free(arr, n, sizeof(*arr), death_done);
}

char *
mdt_death_line(const struct mdt_death *d, bool unmask, char *buf, size_t len)
{
	char who[256];

	mdt_patient_label(d->patient_name, d->date_of_birth, d->nhs_number,
	    unmask, who, sizeof(who));
	snprintf(buf, len, "%s: died on %s%s%s%s; relatives: %s", who,
	    d->died_on, d->place[0] != '\0' ? ", " : "", d->place,
	    d->expected < 0 ? "" : d->expected == 1 ? ", expected" :
	    ", unexpected", !d->relatives_made ? "no follow-up" :
	    d->relatives == MDT_ACTION_DONE ? "follow-up done" :
	    "follow-up open");
	return buf;
}
