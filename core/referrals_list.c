/*
 * referrals_list.c - the referral queue read and printed for
 * circulation: every open referral, oldest first, with its urgency, who
 * referred from which service, how long it has waited, how often and why
 * meetings deferred it; as text, CSV or JSON, patients masked unless
 * asked otherwise.
 */
#include "config.h"

#include "referrals.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import_internal.h"
#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

static void
referral_done(void *row)
{
	struct mdt_referral *r = row;

	free(r->patient_name);
	free(r->referrer);
	free(r->service);
	free(r->reason);
	for (int i = 0; i < r->times_deferred; i++)
		free(r->deferrals[i].reason);
	free(r->deferrals);
}

MDT_ROW_READER(read_deferral, struct mdt_deferral, d)
{
	mdt_cols(st, "cs", MDT_F(d->on), MDT_F(d->reason));
}

static void
deferral_done(void *row)
{
	free(((struct mdt_deferral *)row)->reason);
}

/* Every deferral of the referral (r), oldest first: a meeting that deferred
 * it, and why.  One small read per referral waiting. */
static enum mdt_status
load_deferrals(struct mdt_store *s, struct mdt_referral *r)
{
	size_t n = 0;
	enum mdt_status st;

	st = mdt_read_array(s, &r->deferrals, &n, sizeof(*r->deferrals),
	    deferral_done, read_deferral, NULL, "reading a referral's"
	    " deferrals", "SELECT date(m.scheduled_start / 1000, 'unixepoch',"
	    " 'localtime'), d.defer_reason FROM candidates d"
	    " JOIN meetings m ON m.id = d.meeting_id"
	    " WHERE d.referral_id = ? AND d.defer_reason IS NOT NULL"
	    " ORDER BY m.scheduled_start, d.id", "i", r->id);
	r->times_deferred = (int)n;
	return st;
}

/* The deferrals as one line: "YYYY-MM-DD: why; ..." (caller frees). */
static char *
deferrals_line(const struct mdt_referral *r)
{
	char *line = mdt_xstrdup(""), *next;

	for (int i = 0; i < r->times_deferred; i++) {
		next = mdt_xasprintf("%s%s%s: %s", line, i > 0 ? "; " : "",
		    r->deferrals[i].on, r->deferrals[i].reason);
		free(line);
		line = next;
	}
	return line;
}

static void
read_referral(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_referral *r = row;
	int64_t now = *(const int64_t *)ctx;

	mdt_cols(st, "icccssscccis", MDT_F(r->id), MDT_F(r->uuid),
	    MDT_F(r->nhs_number), MDT_F(r->date_of_birth),
	    MDT_F(r->patient_name), MDT_F(r->referrer), MDT_F(r->service),
	    MDT_F(r->urgency), MDT_F(r->consent), MDT_F(r->source),
	    MDT_F(r->raised_at), MDT_F(r->reason));
	r->days_waited = now > r->raised_at ?
	    (int)((now - r->raised_at) / 86400000) : 0;
}

enum mdt_status
mdt_referrals_load(struct mdt_store *s, struct mdt_referral **out, size_t *n)
{
	int64_t now = mdt_store_now(s);
	enum mdt_status st;

	st = mdt_read_array(s, out, n, sizeof(**out), referral_done,
	    read_referral, &now, "reading the referrals",
	    "SELECT r.id, r.uuid, p.nhs_number, p.date_of_birth, p.name,"
	    " r.referrer, r.service, r.urgency, r.consent, r.source,"
	    " r.raised_at, r.reason"
	    " FROM referrals r JOIN patients p ON p.id = r.patient_id"
	    " WHERE " REFERRAL_OPEN_SQL("r")
	    " ORDER BY r.raised_at, r.id", NULL);
	for (size_t i = 0; st == MDT_OK && i < *n; i++)
		st = load_deferrals(s, &(*out)[i]);
	if (st != MDT_OK) {
		mdt_referrals_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return st;
}

void
mdt_referrals_free(struct mdt_referral *arr, size_t n)
{
	mdt_array_free(arr, n, sizeof(*arr), referral_done);
}

/* One referral as lines of text. */
static void
write_txt(FILE *out, const void *row, bool unmask)
{
	const struct mdt_referral *r = row;
	char who[256], raised[11];

	mdt_patient_label(r->patient_name, r->date_of_birth, r->nhs_number,
	    unmask, who, sizeof(who));
	mdt_date_of(r->raised_at, raised);
	fprintf(out, "%s%-7s ", strcmp(r->urgency, "urgent") == 0 ? "!" :
	    " ", r->urgency);
	mdt_text_fput_flat(out, who, false);
	fprintf(out, "\n         raised %s, waited %d day%s, deferred %dx",
	    raised, r->days_waited, r->days_waited == 1 ? "" : "s",
	    r->times_deferred);
	if (r->consent[0] != '\0')
		fprintf(out, ", consent %s", r->consent);
	fputs("\n         referred by ", out);
	mdt_text_fput_flat(out, r->referrer, false);
	fputs(" (", out);
	mdt_text_fput_flat(out, r->service[0] != '\0' ? r->service :
	    "service not given", false);
	fputs("): ", out);
	mdt_text_fput_flat(out, r->reason, false);
	fputc('\n', out);
	for (int i = 0; i < r->times_deferred; i++) {
		fprintf(out, "         deferred %s: ", r->deferrals[i].on);
		mdt_text_fput_flat(out, r->deferrals[i].reason, false);
		fputc('\n', out);
	}
}

/* One referral as a CSV row. */
static bool
write_csv(FILE *out, const void *row, bool unmask)
{
	const struct mdt_referral *r = row;
	char who[256], raised[11], days[16], times[16];
	const char *f[10];
	char *deferrals = deferrals_line(r);
	bool ok;

	mdt_patient_label(r->patient_name, r->date_of_birth, r->nhs_number,
	    unmask, who, sizeof(who));
	mdt_date_of(r->raised_at, raised);
	snprintf(days, sizeof(days), "%d", r->days_waited);
	snprintf(times, sizeof(times), "%d", r->times_deferred);
	f[0] = who;
	f[1] = r->urgency;
	f[2] = raised;
	f[3] = days;
	f[4] = r->referrer;
	f[5] = r->service;
	f[6] = r->reason;
	f[7] = r->consent;
	f[8] = times;
	f[9] = deferrals;
	ok = mdt_csv_line(out, f, MDT_COUNT(f), true);
	free(deferrals);
	return ok;
}

/* One referral as a JSON object. */
static json_t *
referral_json(const void *row, bool unmask)
{
	const struct mdt_referral *r = row;
	json_t *o = json_object(), *d = json_array();
	char raised[11];

	mdt_date_of(r->raised_at, raised);
	mdt_json_set(o, "uuid", mdt_json_text(r->uuid));
	mdt_json_set(o, "patient", mdt_listing_patient(r->patient_name,
	    r->date_of_birth, r->nhs_number, unmask));
	mdt_json_set(o, "urgency", mdt_json_text(r->urgency));
	mdt_json_set(o, "raised_on", mdt_json_text(raised));
	mdt_json_set(o, "days_waited", json_integer(r->days_waited));
	mdt_json_set(o, "referrer", mdt_json_text(r->referrer));
	mdt_json_set(o, "service", mdt_json_text(r->service));
	mdt_json_set(o, "reason", mdt_json_text(r->reason));
	mdt_json_set(o, "consent", r->consent[0] != '\0' ?
	    mdt_json_text(r->consent) : json_null());
	mdt_json_set(o, "source", mdt_json_text(r->source));
	mdt_json_set(o, "times_deferred", json_integer(r->times_deferred));
	for (int i = 0; i < r->times_deferred; i++) {
		json_t *one = json_object();

		mdt_json_set(one, "meeting_date",
		    mdt_json_text(r->deferrals[i].on));
		mdt_json_set(one, "reason",
		    mdt_json_text(r->deferrals[i].reason));
		mdt_json_push(d, one);
	}
	mdt_json_set(o, "deferrals", d);
	return o;
}

enum mdt_status
mdt_referrals_write(struct mdt_store *s, enum mdt_referrals_format fmt,
    bool unmask, FILE *out)
{
	static const char *const header[] = { "patient", "urgency", "raised",
	    "days_waited", "referrer", "service", "reason", "consent",
	    "times_deferred", "deferrals" };
	struct mdt_referral *r = NULL;
	enum mdt_status st;
	char heading[128];
	size_t n = 0;

	st = mdt_referrals_load(s, &r, &n);
	if (st != MDT_OK)
		return st;
	snprintf(heading, sizeof(heading), "Referrals waiting: %zu (oldest"
	    " first; %s)\n", n, unmask ? "NOT MASKED - confidential, do not"
	    " circulate" : "patients masked");
	st = mdt_listing_write(s, &(struct mdt_listing){ .rows = r, .n = n,
	    .size = sizeof(*r), .unmask = unmask, .heading = heading,
	    .header = header, .n_header = MDT_COUNT(header),
	    .key = "referrals", .what = "the referrals", .txt = write_txt,
	    .csv = write_csv, .json = referral_json },
	    (enum mdt_listing_format)fmt, out);
	mdt_referrals_free(r, n);
	return st;
}
