/*
 * rising_list.c - the rising-risk register read (for the preparation
 * screen, with who is due by the meeting's date) and printed for
 * circulation: each patient on it, why and since when, who added them,
 * the last review and the next; as text, CSV or JSON, patients masked
 * unless asked otherwise.
 */
#include "config.h"

#include "rising.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import_internal.h"
#include "model.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* The day the register is asked about (?1 a meeting, or 0: today) as
 * SQL: its date. */
#define ASKED_DAY \
	"coalesce((SELECT date(scheduled_start / 1000, 'unixepoch'," \
	" 'localtime') FROM meetings WHERE id = ?1), ?2)"

/* The active entries of patients alive and not purged (r the entry, p the
 * patient). */
#define ACTIVE_FROM \
	" FROM rising_risk r JOIN patients p ON p.id = r.patient_id" \
	" WHERE r.ended_at IS NULL AND p.purged_at IS NULL" \
	" AND p.id NOT IN (SELECT patient_id FROM deaths)" \
	" AND NOT EXISTS (SELECT 1 FROM outcomes o JOIN slots sl" \
	"  ON sl.id = o.slot_id WHERE sl.patient_id = p.id" \
	"  AND o.kind = 'died')"

/* The entry r's latest review as e: the last of its reviews in
 * rising_risk_reviews (by time, then id), whatever else it holds. */
#define LAST_REVIEW_FROM \
	"FROM rising_risk_events e INDEXED BY rising_risk_reviews" \
	" WHERE e.entry_id = r.id AND e.kind = 'reviewed'" \
	" ORDER BY e.at DESC, e.id DESC LIMIT 1"

static void
rising_done(void *row)
{
	struct mdt_rising_risk *r = row;

	mdt_free_each(5, r->patient_name, r->practice, r->reason, r->added_by,
	    r->last_note);
}

MDT_ROW_READER(read_rising, struct mdt_rising_risk, r)
{
	mdt_cols(st, "icicscsss-dcbbcsdi", MDT_F(r->id), MDT_F(r->uuid),
	    MDT_F(r->patient_id), MDT_F(r->nhs_number),
	    MDT_F(r->patient_name), MDT_F(r->date_of_birth),
	    MDT_F(r->practice), MDT_F(r->reason), MDT_F(r->added_by),
	    MDT_F(r->every_days), MDT_F(r->next_review), MDT_F(r->due),
	    MDT_F(r->escalated), MDT_F(r->last_reviewed),
	    MDT_F(r->last_note), MDT_F(r->open_actions),
	    MDT_F(r->candidate_id));
	mdt_date_of(mdt_col_int(st, 9), r->added_on);
}

enum mdt_status
mdt_rising_risk_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_rising_risk **out, size_t *n)
{
	char today[11];

	mdt_date_of(mdt_store_now(s), today);
	return mdt_read_array(s, out, n, sizeof(**out), rising_done,
	    read_rising, NULL, "reading the rising-risk register",
	    "SELECT r.id, r.uuid, p.id, p.nhs_number, p.name,"
	    " p.date_of_birth, coalesce(p.practice, ''), r.reason,"
	    " r.added_by, r.added_at, r.every_days, r.next_review,"
	    " r.next_review <= " ASKED_DAY " AS due, r.escalated,"
	    " (SELECT date(e.at / 1000, 'unixepoch', 'localtime') "
	    LAST_REVIEW_FROM "),"
	    " (SELECT e.reason " LAST_REVIEW_FROM "),"
	    " (SELECT count(*) FROM actions a WHERE a.patient_id = p.id"
	    "  AND a.status = 'open'),"
	    " coalesce((SELECT id FROM candidates WHERE meeting_id = ?1"
	    "  AND patient_id = p.id), 0)"
	    ACTIVE_FROM
	    " ORDER BY due DESC, r.next_review, p.name, r.id",
	    "it", meeting_id, today);
}

void
mdt_rising_risk_free(struct mdt_rising_risk *arr, size_t n)
{
	mdt_array_free(arr, n, sizeof(*arr), rising_done);
}

enum mdt_status
mdt_rising_due(struct mdt_store *s, int64_t meeting_id, int *n)
{
	enum mdt_status st;
	char today[11];
	int64_t v = 0;

	*n = 0;
	mdt_date_of(mdt_store_now(s), today);
	st = mdt_query_int(s, &v, "SELECT count(*)" ACTIVE_FROM
	    " AND r.next_review <= " ASKED_DAY, "it", meeting_id, today);
	if (st == MDT_OK)
		*n = (int)v;
	return st;
}

/* ---- for circulation -------------------------------------------------- */

/* "every 4 weeks" or "every 10 days" into buf. */
static const char *
every_text(int days, char *buf, size_t len)
{
	if (days % 7 == 0)
		snprintf(buf, len, "every %d week%s", days / 7,
		    days == 7 ? "" : "s");
	else
		snprintf(buf, len, "every %d day%s", days, days == 1 ? "" : "s");
	return buf;
}

/* One entry as lines of text. */
static void
write_txt(FILE *out, const void *row, bool unmask)
{
	const struct mdt_rising_risk *r = row;
	char who[256], every[32];

	mdt_patient_label(r->patient_name, r->date_of_birth, r->nhs_number,
	    unmask, who, sizeof(who));
	fprintf(out, "%s%s ", r->due ? "DUE " : "    ", r->next_review);
	mdt_text_fput_flat(out, who, false);
	if (r->escalated)
		fputs(" [escalated]", out);
	fprintf(out, "\n         on the register since %s, reviewed %s",
	    r->added_on, every_text(r->every_days, every, sizeof(every)));
	fputs("; added by ", out);
	mdt_text_fput_flat(out, r->added_by, false);
	fputs("\n         reason: ", out);
	mdt_text_fput_flat(out, r->reason, false);
	fputc('\n', out);
	if (r->last_reviewed[0] != '\0') {
		fprintf(out, "         last review %s: ", r->last_reviewed);
		mdt_text_fput_flat(out, r->last_note, false);
		fputc('\n', out);
	}
}

/* One entry as a CSV row. */
static bool
write_csv(FILE *out, const void *row, bool unmask)
{
	const struct mdt_rising_risk *r = row;
	char who[256], every[16];
	const char *f[11];

	mdt_patient_label(r->patient_name, r->date_of_birth, r->nhs_number,
	    unmask, who, sizeof(who));
	snprintf(every, sizeof(every), "%d", r->every_days);
	f[0] = who;
	f[1] = mdt_nhs_local(r->nhs_number) ? "no" : "yes";
	f[2] = r->added_on;
	f[3] = r->added_by;
	f[4] = r->reason;
	f[5] = every;
	f[6] = r->next_review;
	f[7] = r->due ? "yes" : "no";
	f[8] = r->escalated ? "yes" : "no";
	f[9] = r->last_reviewed;
	f[10] = r->last_note;
	return mdt_csv_line(out, f, MDT_COUNT(f), true);
}

/* One entry as a JSON object. */
static json_t *
rising_json(const void *row, bool unmask)
{
	const struct mdt_rising_risk *r = row;
	json_t *o = json_object(), *p;

	p = mdt_listing_patient(r->patient_name, r->date_of_birth,
	    r->nhs_number, unmask);
	mdt_json_set(o, "uuid", mdt_json_text(r->uuid));
	mdt_json_set(p, "traced", json_boolean(!mdt_nhs_local(
	    r->nhs_number)));
	mdt_json_set(o, "patient", p);
	mdt_json_set(o, "added_on", mdt_json_text(r->added_on));
	mdt_json_set(o, "added_by", mdt_json_text(r->added_by));
	mdt_json_set(o, "reason", mdt_json_text(r->reason));
	mdt_json_set(o, "every_days", json_integer(r->every_days));
	mdt_json_set(o, "next_review", mdt_json_text(r->next_review));
	mdt_json_set(o, "due", json_boolean(r->due));
	mdt_json_set(o, "escalated", json_boolean(r->escalated));
	mdt_json_set(o, "last_reviewed", r->last_reviewed[0] != '\0' ?
	    mdt_json_text(r->last_reviewed) : json_null());
	mdt_json_set(o, "last_note", r->last_reviewed[0] != '\0' ?
	    mdt_json_text(r->last_note) : json_null());
	return o;
}

enum mdt_status
mdt_rising_write(struct mdt_store *s, enum mdt_rising_format fmt,
    bool due_only, bool unmask, FILE *out)
{
	static const char *const header[] = { "patient", "traced", "added_on",
	    "added_by", "reason", "every_days", "next_review", "due",
	    "escalated", "last_reviewed", "last_note" };
	struct mdt_rising_risk *r = NULL;
	enum mdt_status st;
	char heading[160];
	size_t n = 0, due = 0;

	st = mdt_rising_risk_load(s, 0, &r, &n);
	if (st != MDT_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		due += r[i].due;
	snprintf(heading, sizeof(heading), "Rising-risk register: %zu"
	    " patient%s, %zu review%s due (%s)\n", n, n == 1 ? "" : "s", due,
	    due == 1 ? "" : "s", unmask ? "NOT MASKED - confidential, do not"
	    " circulate" : "patients masked");
	/* the due come first */
	st = mdt_listing_write(s, &(struct mdt_listing){ .rows = r,
	    .n = due_only ? due : n, .size = sizeof(*r), .unmask = unmask,
	    .heading = heading, .header = header,
	    .n_header = MDT_COUNT(header), .count_key = "due", .count = due,
	    .key = "register", .what = "the register", .txt = write_txt,
	    .csv = write_csv, .json = rising_json },
	    (enum mdt_listing_format)fmt, out);
	mdt_rising_risk_free(r, n);
	return st;
}
