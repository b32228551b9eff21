/*
 * prep_carry.c - what one meeting hands to the next: carry-forward of the
 * caseload due for review, the review of carried-forward actions in a slot
 * (and their reassignment), and scheduling a new meeting, which carries the caseload
 * forward and invites everyone known.  Each act is one transaction with
 * its audit row.
 */
#include "config.h"

#include "prep.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "prep_internal.h"
#include "purge.h"
#include "rows.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* ---- carry-forward --------------------------------------------------- */

enum mdt_status
mdt_carry_forward_tx(struct mdt_store *s, int64_t meeting_id,
    int64_t held_from, int *added)
{
	struct mdt_meeting_row m;
	struct mdt_id_text *due;	/* a patient, the date review is due */
	enum mdt_status st;
	char date[11];
	size_t i, n;
	int count = 0;

	*added = 0;
	st = mdt_row_meeting(s, meeting_id, false, &m);
	if (st != MDT_OK)
		return st;
	mdt_date_of(m.scheduled_start, date);
	st = mdt_read_array(s, &due, &n, sizeof(*due), NULL, mdt_row_id_text,
	    NULL, "reading the caseload",
	    "WITH latest AS (" LATEST_OUTCOME_SQL ")"
	    " SELECT patient_id, review_date FROM latest WHERE rn = 1"
	    " AND kind = 'stay' AND review_date <= ?2"
	    " AND patient_id NOT IN (SELECT id FROM patients"
	    "  WHERE purged_at IS NOT NULL)"
	    /* a death between meetings ends the reviews */
	    " AND patient_id NOT IN (SELECT patient_id FROM deaths)"
	    " ORDER BY patient_id", "it", meeting_id, date);
	for (i = 0; st == MDT_OK && i < n; i++) {
		int64_t cand;
		bool created;
		int changes = sqlite3_total_changes(s->db);
		char *note;

		st = mdt_candidate_ensure(s, meeting_id, due[i].id, &cand,
		    &created);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE candidates SET lists = lists | ?,"
			    " carried_forward = 1 WHERE id = ?"
			    " AND (carried_forward = 0 OR (lists & ?) = 0)",
			    "dii", MDT_LIST_CASELOAD, cand,
			    (int64_t)MDT_LIST_CASELOAD);
		if (st != MDT_OK)
			break;
		if (sqlite3_total_changes(s->db) == changes)
			continue;
		note = mdt_xasprintf("review due %s", due[i].text);
		st = mdt_candidate_note_add(s, cand, note);
		free(note);
		count++;
	}
	free(due);
	if (st == MDT_OK && count > 0)
		st = mdt_audit_add(s, "carry_forward", "meeting", m.uuid,
		    "%d caseload patient%s due for review", count,
		    count == 1 ? "" : "s");
	if (st == MDT_OK && m.state != MDT_MEETING_CLOSED) {
		int referrals = 0;

		st = mdt_referrals_carry_tx(s, meeting_id, held_from,
		    &referrals);
		count += referrals;
	}
	if (st == MDT_OK)
		*added = count;
	return st;
}

/* The caseload carried forward to the meeting; n: how many were added. */
static enum mdt_status
carry_forward_tx(struct mdt_store *s, struct mdt_act *a)
{
	return mdt_carry_forward_tx(s, a->meeting_id, 0, &a->n);
}

enum mdt_status
mdt_carry_forward(struct mdt_store *s, int64_t meeting_id, int *added)
{
	struct mdt_act a = { .meeting_id = meeting_id };
	enum mdt_status st;

	if (added != NULL)
		*added = 0;
	st = mdt_act_run(s, carry_forward_tx, 0, &a);
	if (st == MDT_OK && added != NULL)
		*added = a.n;
	return st;
}

/* ---- carried-forward actions ----------------------------------------- */

/* New owner and/or due date of an open action (due already parsed; "" or
 * owner 0 keep). */
static enum mdt_status
reassign(struct mdt_store *s, const struct mdt_action_row *a, int64_t owner,
    const char *due)
{
	char who[128];
	enum mdt_status st = MDT_OK;

	if (a->status != MDT_ACTION_OPEN)
		return mdt_fail(s, MDT_ESTATE, "the action is %s; only an open"
		    " action is reassigned", mdt_action_status_name(a->status));
	/* the owner it keeps too: the patient may have excluded them since */
	st = mdt_row_person_allowed(s, a->patient_id, owner > 0 ? owner :
	    a->owner_id, "own this action");
	if (st == MDT_OK && owner > 0)
		st = mdt_run(s, "UPDATE actions SET owner_id = ? WHERE id = ?",
		    "ii", owner, a->id);
	if (st == MDT_OK && *due != '\0')
		st = mdt_run(s, "UPDATE actions SET due_date = ? WHERE id = ?",
		    "ti", due, a->id);
	if (st == MDT_OK)
		st = mdt_record_change(s, "action_reassign", "action", a->uuid,
		    "owner %s, due %s", owner > 0 ? mdt_said_person(s, owner,
		    who) : "unchanged", *due != '\0' ? due : "unchanged");
	return st;
}

/* Parses an optional due date into due ("" when none). */
static enum mdt_status
parse_due(struct mdt_store *s, const char *in, char due[11])
{
	due[0] = '\0';
	if (mdt_str_blank(in))
		return MDT_OK;
	if (mdt_date_parse(in, mdt_store_now(s), due) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "due date \"%s\"", in);
	return mdt_date_past(s, "due date", due);
}

/* The action (id) reassigned: its new owner (person_id) and due date
 * (date), "" and 0 keeping, as reassign. */
static enum mdt_status
reassign_tx(struct mdt_store *s, struct mdt_act *v)
{
	struct mdt_action_row a;
	enum mdt_status st;

	st = mdt_row_action(s, v->id, &a);
	if (st == MDT_OK)
		st = reassign(s, &a, v->person_id, v->date);
	return st;
}

enum mdt_status
mdt_action_reassign(struct mdt_store *s, int64_t action_id,
    int64_t new_owner_id, const char *new_due)
{
	char due[11];
	enum mdt_status st;

	st = parse_due(s, new_due, due);
	if (st != MDT_OK)
		return st;
	if (new_owner_id <= 0 && due[0] == '\0')
		return mdt_fail(s, MDT_EINVAL, "give a new owner or due date");
	return mdt_act_run(s, reassign_tx, 0, &(struct mdt_act){
	    .id = action_id, .person_id = new_owner_id, .date = due });
}

/* The action (id) reviewed in the slot (slot_id): its verdict (n), and
 * for a reassignment its new owner (person_id) and due date (date). */
static enum mdt_status
review_tx(struct mdt_store *s, struct mdt_act *v)
{
	enum mdt_action_verdict verdict = (enum mdt_action_verdict)v->n;
	struct mdt_action_row a;
	enum mdt_status st;
	int64_t consent = 0;
	const char *status = NULL;

	st = mdt_query_int(s, &consent, "SELECT count(*) FROM consent"
	    " WHERE slot_id = ?", "i", v->slot_id);
	if (st == MDT_OK && consent == 0)
		st = mdt_fail(s, MDT_ECONSENT, "record consent first");
	if (st == MDT_OK)
		st = mdt_row_action(s, v->id, &a);
	if (st == MDT_OK && a.patient_id != v->sl.patient_id)
		st = mdt_fail(s, MDT_EINVAL, "action %" PRId64 " is another"
		    " patient's", v->id);
	/* a purged action has lost its words: it stays closed; kept open,
	 * for someone the patient did not exclude (reassign checks its
	 * own) */
	if (st == MDT_OK)
		st = mdt_row_action_openable(s, &a,
		    a.status != MDT_ACTION_OPEN &&
		    (verdict == MDT_VERDICT_OPEN ||
		    verdict == MDT_VERDICT_REASSIGNED),
		    verdict == MDT_VERDICT_OPEN);
	if (st != MDT_OK)
		return st;
	switch (verdict) {
	case MDT_VERDICT_OPEN:
		status = "open";
		break;
	case MDT_VERDICT_DONE:
		status = "done";
		break;
	case MDT_VERDICT_CANCELLED:
		status = "cancelled";
		break;
	case MDT_VERDICT_REASSIGNED:
	case MDT_VERDICT_NONE:
	default:
		break;
	}
	if (verdict == MDT_VERDICT_REASSIGNED) {
		if (a.status != MDT_ACTION_OPEN) {
			st = mdt_run(s, "UPDATE actions SET status = 'open',"
			    " closed_at = NULL WHERE id = ?", "i", a.id);
			a.status = MDT_ACTION_OPEN;
		}
		if (st == MDT_OK)
			st = reassign(s, &a, v->person_id, v->date);
	} else if (strcmp(status, mdt_action_status_name(a.status)) != 0) {
		if (verdict == MDT_VERDICT_OPEN)
			st = mdt_run(s, "UPDATE actions SET status = 'open',"
			    " closed_at = NULL WHERE id = ?", "i", a.id);
		else
			st = mdt_run(s, "UPDATE actions SET status = ?,"
			    " closed_at = ? WHERE id = ?", "tii", status,
			    mdt_store_now(s), a.id);
		if (st == MDT_OK)
			st = mdt_outbox_add(s, "action", a.uuid, "upsert");
	}
	if (st == MDT_OK)
		st = mdt_run(s, "INSERT INTO action_reviews (action_id, slot_id,"
		    " verdict, reviewed_at) VALUES (?, ?, ?, ?)"
		    " ON CONFLICT (action_id, slot_id) DO UPDATE SET"
		    " verdict = excluded.verdict,"
		    " reviewed_at = excluded.reviewed_at", "iiti", a.id,
		    v->slot_id, mdt_action_verdict_name(verdict),
		    mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_audit_add(s, "action_review", "action", a.uuid,
		    "slot %" PRId64 ": %s", v->slot_id,
		    mdt_action_verdict_name(verdict));
	return st;
}

enum mdt_status
mdt_action_review(struct mdt_store *s, int64_t slot_id, int64_t action_id,
    enum mdt_action_verdict verdict, int64_t new_owner_id,
    const char *new_due)
{
	char due[11] = "";
	enum mdt_status st;

	if (verdict != MDT_VERDICT_OPEN && verdict != MDT_VERDICT_DONE &&
	    verdict != MDT_VERDICT_REASSIGNED &&
	    verdict != MDT_VERDICT_CANCELLED)
		return mdt_fail(s, MDT_EINVAL, "unknown verdict %d",
		    (int)verdict);
	if (verdict == MDT_VERDICT_REASSIGNED) {
		st = parse_due(s, new_due, due);
		if (st != MDT_OK)
			return st;
		if (new_owner_id <= 0 && due[0] == '\0')
			return mdt_fail(s, MDT_EINVAL,
			    "give a new owner or due date");
	}
	return mdt_act_run(s, review_tx, MDT_ACT_SLOT, &(struct mdt_act){
	    .slot_id = slot_id, .id = action_id, .n = (int)verdict,
	    .person_id = new_owner_id, .date = due });
}

enum mdt_status
mdt_slot_unreviewed_actions(struct mdt_store *s, int64_t slot_id, int *n)
{
	enum mdt_status st;
	int64_t v = 0;

	*n = 0;
	st = mdt_query_int(s, &v,
	    "SELECT count(*) FROM slots s JOIN actions a"
	    " ON a.patient_id = s.patient_id AND a.status = 'open'"
	    " WHERE s.id = ?1"
	    " AND (a.slot_id IS NULL OR a.slot_id NOT IN"
	    "  (SELECT id FROM slots WHERE meeting_id = s.meeting_id))"
	    " AND NOT EXISTS (SELECT 1 FROM action_reviews r"
	    "  WHERE r.action_id = a.id AND r.slot_id = s.id)", "i", slot_id);
	if (st == MDT_OK)
		*n = (int)v;
	return st;
}

/* ---- scheduling a meeting -------------------------------------------- */

/* Local time, in ms, of plus days after date "YYYY-MM-DD" at "HH:MM"; -1
 * if invalid. */
static int64_t
local_ms(const char *date, const char *hhmm, int plus)
{
	struct tm tm;
	time_t t;
	int h, mi;

	if (strlen(hhmm) != 5 || hhmm[2] != ':' ||
	    hhmm[0] < '0' || hhmm[0] > '2' || hhmm[1] < '0' || hhmm[1] > '9' ||
	    hhmm[3] < '0' || hhmm[3] > '5' || hhmm[4] < '0' || hhmm[4] > '9')
		return -1;
	h = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
	mi = (hhmm[3] - '0') * 10 + (hhmm[4] - '0');
	if (h > 23)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 +
	    (date[2] - '0') * 10 + (date[3] - '0') - 1900;
	tm.tm_mon = (date[5] - '0') * 10 + (date[6] - '0') - 1;
	tm.tm_mday = (date[8] - '0') * 10 + (date[9] - '0') + plus;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	return (int64_t)t * 1000;
}

/* The register of a new meeting lists everyone known, not yet marked:
 * the administrator marks who came (and adds nobody by hand). */
static enum mdt_status
invite_everyone(struct mdt_store *s, int64_t meeting_id)
{
	enum mdt_status st;
	int64_t *ids;
	size_t n;
	char uuid[37];

	st = mdt_read_array(s, &ids, &n, sizeof(*ids), NULL, mdt_row_int,
	    NULL, "reading the people",
	    "SELECT id FROM people WHERE kind = 'person' ORDER BY id", "");
	for (size_t i = 0; st == MDT_OK && i < n; i++) {
		mdt_uuid_new(uuid);
		st = mdt_run(s, "INSERT INTO attendance (meeting_id, person_id,"
		    " uuid) VALUES (?, ?, ?)", "iit", meeting_id, ids[i],
		    uuid);
	}
	free(ids);
	return st;
}

struct create_act {
	const struct mdt_meeting_in *in;
	int64_t start;
	int minutes;
	bool carry;		/* carry the caseload forward to it */
	int64_t id;		/* the meeting made */
	int carried;		/* candidates carried forward */
};

static enum mdt_status
meeting_create_tx(struct mdt_store *s, void *ctx)
{
	struct create_act *a = ctx;
	enum mdt_status st;
	int64_t venue = 0;
	char uuid[37];

	st = mdt_row_venue(s, a->in->venue, &venue);
	if (st != MDT_OK)
		return st;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO meetings (uuid, title, venue_id,"
	    " scheduled_start, planned_minutes) VALUES (?, ?, ?, ?, ?)",
	    "ttIid", uuid, a->in->title, venue, a->start, a->minutes);
	if (st != MDT_OK)
		return st;
	a->id = sqlite3_last_insert_rowid(s->db);
	st = mdt_record_change(s, "meeting_create", "meeting", uuid, "%s",
	    a->in->title);
	if (st == MDT_OK)
		st = invite_everyone(s, a->id);
	if (st == MDT_OK && a->carry)
		st = mdt_carry_forward_tx(s, a->id, 0, &a->carried);
	return st;
}

/* A series of meetings to make: count of them, every days apart, at
 * venues in turn from first (or all at the one venue). */
struct series_act {
	const struct mdt_meeting_in *in;
	const char *date;
	int every, count;
	const char *const *venues;
	size_t n_venues, first;
	int minutes;
	int64_t *ids;
	int carried;
};

static enum mdt_status
meeting_series_tx(struct mdt_store *s, void *ctx)
{
	struct series_act *a = ctx;
	enum mdt_status st = MDT_OK;

	for (int k = 0; st == MDT_OK && k < a->count; k++) {
		struct mdt_meeting_in in = *a->in;
		struct create_act c = { .in = &in, .minutes = a->minutes,
		    .carry = k == 0 };
		char *venue = NULL;

		/* a rota's names as typed between its commas: tidied */
		if (a->n_venues > 0)
			in.venue = venue = mdt_org_tidy(a->venues[(a->first +
			    (size_t)k) % a->n_venues]);
		c.start = local_ms(a->date, in.time != NULL ? in.time :
		    "13:00", k * a->every);
		st = meeting_create_tx(s, &c);
		free(venue);
		a->ids[k] = c.id;
		a->carried += c.carried;
	}
	return st;
}

enum mdt_status
mdt_meeting_series(struct mdt_store *s, const struct mdt_meeting_in *in,
    int every_days, int count, const char *const *venues, size_t n_venues,
    size_t first, int64_t *ids, int *carried)
{
	struct series_act a = { .in = in, .every = every_days, .count = count,
	    .venues = venues, .n_venues = n_venues, .first = first, .ids = ids };
	enum mdt_status st;
	char date[11];

	for (int k = 0; k < count; k++)
		ids[k] = 0;
	if (carried != NULL)
		*carried = 0;
	if (count < 1 || count > 104 || every_days < 0 || (count > 1 &&
	    every_days < 1))
		return mdt_fail(s, MDT_EINVAL, "a series is 1 to 104 meetings,"
		    " at least a day apart");
	if (mdt_str_blank(in->title))
		return mdt_fail(s, MDT_EINVAL, "the meeting has no title");
	if (mdt_text_check(s, "the title", in->title, false, 0) != MDT_OK ||
	    mdt_text_check(s, "the venue", in->venue, false, 0) != MDT_OK)
		return MDT_EINVAL;
	for (size_t v = 0; v < n_venues; v++)
		if (mdt_str_blank(venues[v]) || mdt_text_check(s, "the venue",
		    venues[v], false, 0) != MDT_OK)
			return mdt_str_blank(venues[v]) ? mdt_fail(s,
			    MDT_EINVAL, "a venue of the rota is blank") :
			    MDT_EINVAL;
	if (mdt_date_parse(in->date, mdt_store_now(s), date) != MDT_OK)
		return mdt_fail(s, MDT_EDATE, "meeting date \"%s\"",
		    in->date != NULL ? in->date : "");
	a.date = date;
	if (local_ms(date, in->time != NULL ? in->time : "13:00", 0) < 0)
		return mdt_fail(s, MDT_EINVAL, "not a time of day (HH:MM): %s",
		    in->time);
	a.minutes = in->planned_minutes != 0 ? in->planned_minutes : 90;
	if (a.minutes < 1 || a.minutes > 720)
		return mdt_fail(s, MDT_EINVAL, "a meeting is planned for 1 to"
		    " 720 minutes");
	st = mdt_tx_run(s, meeting_series_tx, &a, NULL);
	if (st != MDT_OK)
		for (int k = 0; k < count; k++)
			ids[k] = 0;
	else if (carried != NULL)
		*carried = a.carried;
	return st;
}

enum mdt_status
mdt_meeting_create(struct mdt_store *s, const struct mdt_meeting_in *in,
    int64_t *meeting_id, int *carried)
{
	return mdt_meeting_series(s, in, 0, 1, NULL, 0, 0, meeting_id,
	    carried);
}

/* The venue of the latest meeting scheduled, by name (NULL: none). */
enum mdt_status
mdt_rota_next(struct mdt_store *s, const char *const *venues, size_t n,
    size_t *first)
{
	enum mdt_status st;
	char *last = NULL;

	*first = 0;
	st = mdt_query_text(s, &last, "SELECT v.name FROM meetings m"
	    " JOIN venues v ON v.id = m.venue_id"
	    " ORDER BY m.scheduled_start DESC, m.id DESC LIMIT 1", "");
	if (st == MDT_ENOTFOUND)
		return MDT_OK;
	for (size_t i = 0; st == MDT_OK && last != NULL && i < n; i++)
		if (mdt_org_same(venues[i], last)) {
			*first = (i + 1) % n;
			break;
		}
	free(last);
	return st;
}
