/*
 * consent_before.c - consent asked before the meeting (consent_before.h).
 */
#include "config.h"

#include "consent_before.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prep_internal.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

const char *const mdt_asked_answers[] = {
	"given", "refused", "best-interests", "representative", NULL
};

/* The longest name or justification, in characters. */
#define ASKED_TEXT_MAX 500

static enum mdt_asked_answer
answer_of(const char *word)
{
	for (int i = 0; word != NULL && mdt_asked_answers[i] != NULL; i++)
		if (strcmp(mdt_asked_answers[i], word) == 0)
			return (enum mdt_asked_answer)(i + 1);
	return MDT_ASKED_NONE;
}

bool
mdt_consent_asked_bars(const struct mdt_consent_asked *a)
{
	return a->id != 0 && a->answer == MDT_ASKED_REFUSED &&
	    (a->justification == NULL || a->justification[0] == '\0');
}

enum mdt_consent_basis
mdt_consent_asked_basis(const struct mdt_consent_asked *a)
{
	switch (a->id != 0 ? a->answer : MDT_ASKED_NONE) {
	case MDT_ASKED_GIVEN:
	case MDT_ASKED_REPRESENTATIVE:
		return MDT_CONSENT_GIVEN;
	case MDT_ASKED_BEST_INTERESTS:
		return MDT_CONSENT_BEST_INTERESTS;
	case MDT_ASKED_REFUSED:
		return mdt_consent_asked_bars(a) ? MDT_CONSENT_NONE :
		    MDT_CONSENT_RISK_TO_OTHERS;
	case MDT_ASKED_NONE:
		break;
	}
	return MDT_CONSENT_NONE;
}

char *
mdt_consent_asked_line(const struct mdt_consent_asked *a, bool named,
    char *buf, size_t len)
{
	char who[600];

	if (a->id == 0) {
		snprintf(buf, len, "not asked");
		return buf;
	}
	snprintf(who, sizeof(who), "(asked by %s, %s)", a->asked_by,
	    a->asked_on);
	switch (a->answer) {
	case MDT_ASKED_REPRESENTATIVE:
		if (named && a->representative != NULL)
			snprintf(buf, len, "given by a representative, %s %s",
			    a->representative, who);
		else
			snprintf(buf, len, "given by a representative %s", who);
		break;
	case MDT_ASKED_REFUSED:
		if (mdt_consent_asked_bars(a))
			snprintf(buf, len, "refused %s", who);
		else
			snprintf(buf, len, "refused; discussed as an exception:"
			    " %s %s", a->justification, who);
		break;
	case MDT_ASKED_BEST_INTERESTS:
		snprintf(buf, len, "lacks capacity: best interests %s", who);
		break;
	case MDT_ASKED_GIVEN:
	case MDT_ASKED_NONE:
		snprintf(buf, len, "given %s", who);
		break;
	}
	return buf;
}

/* ---- reading ---------------------------------------------------------- */

static void
read_asked(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_consent_asked *a = row;
	const char *word = (const char *)sqlite3_column_text(st, 1);

	(void)ctx;
	mdt_cols(st, "i-scSS", MDT_F(a->id), MDT_F(a->asked_by),
	    MDT_F(a->asked_on), MDT_F(a->representative),
	    MDT_F(a->justification));
	a->answer = answer_of(word);
}

static void
asked_row_done(void *row)
{
	mdt_consent_asked_done(row);
}

/* The latest answer of patient ?1: by the day asked, then as recorded. */
#define LATEST_ASKED_SQL \
	"SELECT id, answer, asked_by, asked_on, representative," \
	" justification FROM consent_asked WHERE id = (" \
	MDT_ASKED_LATEST_SQL("?1") ")"

enum mdt_status
mdt_consent_asked_get(struct mdt_store *s, int64_t patient_id,
    struct mdt_consent_asked *out)
{
	struct mdt_consent_asked *rows = NULL;
	enum mdt_status st;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	st = mdt_read_array(s, &rows, &n, sizeof(*rows), asked_row_done,
	    read_asked, NULL, "reading the consent asked", LATEST_ASKED_SQL,
	    "i", patient_id);
	if (st == MDT_OK && n == 1)
		*out = rows[0];
	free(rows);
	return st;
}

void
mdt_consent_asked_done(struct mdt_consent_asked *a)
{
	mdt_free_each(3, a->asked_by, a->representative, a->justification);
	memset(a, 0, sizeof(*a));
}

/* ---- recording -------------------------------------------------------- */

/* The patient's undecided candidates of planned meetings: deferred for a
 * refusal (why), else the deferrals a refusal made lifted; each meeting's
 * finalised agenda checked again. */
static enum mdt_status
candidates_follow(struct mdt_store *s, int64_t patient_id, const char *why)
{
	static const char planned[] =
	    " AND meeting_id IN (SELECT id FROM meetings"
	    "  WHERE state = 'planned')"
	    " AND NOT EXISTS (SELECT 1 FROM slots sl"
	    "  WHERE sl.meeting_id = candidates.meeting_id"
	    "  AND sl.patient_id = candidates.patient_id)";
	enum mdt_status st;
	char *sql;
	int64_t *ids = NULL;
	size_t n = 0;

	if (why != NULL) {
		sql = mdt_xasprintf("UPDATE candidates SET defer_reason = ?"
		    " WHERE patient_id = ? AND defer_reason IS NULL%s",
		    planned);
		st = mdt_run(s, sql, "ti", why, patient_id);
	} else {
		sql = mdt_xasprintf("UPDATE candidates SET defer_reason = NULL"
		    " WHERE patient_id = ? AND defer_reason GLOB '"
		    MDT_REFUSED_DEFER " *'%s", planned);
		st = mdt_run(s, sql, "i", patient_id);
	}
	free(sql);
	if (st == MDT_OK)
		st = mdt_read_array(s, &ids, &n, sizeof(*ids), NULL,
		    mdt_row_int, NULL, "reading the meetings",
		    "SELECT DISTINCT c.meeting_id"
		    " FROM candidates c JOIN meetings m ON m.id = c.meeting_id"
		    " WHERE c.patient_id = ? AND m.state = 'planned'", "i",
		    patient_id);
	for (size_t i = 0; st == MDT_OK && i < n; i++)
		st = mdt_agenda_recheck(s, ids[i]);
	free(ids);
	return st;
}

enum mdt_status
mdt_consent_asked_defer_tx(struct mdt_store *s, int64_t candidate_id,
    int64_t patient_id)
{
	struct mdt_consent_asked a;
	enum mdt_status st;
	char line[1400], *why;

	st = mdt_consent_asked_get(s, patient_id, &a);
	if (st == MDT_OK && mdt_consent_asked_bars(&a)) {
		mdt_consent_asked_line(&a, false, line, sizeof(line));
		why = mdt_xasprintf("%s %s", MDT_REFUSED_DEFER, line +
		    strlen("refused "));
		st = mdt_run(s, "UPDATE candidates SET defer_reason = ?"
		    " WHERE id = ? AND defer_reason IS NULL", "ti", why,
		    candidate_id);
		free(why);
	}
	mdt_consent_asked_done(&a);
	return st;
}

enum mdt_status
mdt_consent_ask_tx(struct mdt_store *s, int64_t patient_id,
    const struct mdt_consent_ask_in *in)
{
	enum mdt_asked_answer answer = answer_of(in->answer);
	enum mdt_status st;
	char day[11], today[11], uuid[37];

	if (answer == MDT_ASKED_NONE)
		return mdt_fail(s, MDT_EINVAL, "the answer is given, refused,"
		    " best-interests or representative");
	mdt_date_of(mdt_store_now(s), today);
	if (in->asked_on == NULL)
		memcpy(day, today, sizeof(day));
	else if (mdt_date_parse(in->asked_on, mdt_store_now(s), day) !=
	    MDT_OK)
		return mdt_fail(s, MDT_EDATE, "asked on \"%s\"", in->asked_on);
	if (strcmp(day, today) > 0)
		return mdt_fail(s, MDT_EDATE, "asked on %s: in the future",
		    day);
	if (mdt_str_blank(in->asked_by))
		return mdt_fail(s, MDT_EINVAL, "say who asked the patient");
	if (mdt_text_check(s, "who asked", in->asked_by, false,
	    ASKED_TEXT_MAX) != MDT_OK)
		return MDT_EINVAL;
	if ((answer == MDT_ASKED_REPRESENTATIVE) !=
	    (in->representative != NULL && !mdt_str_blank(in->representative)))
		return mdt_fail(s, MDT_EINVAL, answer == MDT_ASKED_REPRESENTATIVE
		    ? "say who answered for the patient (the representative)"
		    : "a representative goes only with the answer"
		    " representative");
	if (answer == MDT_ASKED_BEST_INTERESTS && (in->justification == NULL ||
	    mdt_str_blank(in->justification)))
		return mdt_fail(s, MDT_EINVAL, "say why the discussion is in"
		    " the patient's best interests (the justification)");
	if (in->justification != NULL && !mdt_str_blank(in->justification) &&
	    answer != MDT_ASKED_BEST_INTERESTS && answer != MDT_ASKED_REFUSED)
		return mdt_fail(s, MDT_EINVAL, "a justification goes only with"
		    " best-interests, or with refused as the exception");
	if ((in->representative != NULL && mdt_text_check(s,
	    "the representative", in->representative, false,
	    ASKED_TEXT_MAX) != MDT_OK) || (in->justification != NULL &&
	    mdt_text_check(s, "the justification", in->justification, false,
	    ASKED_TEXT_MAX) != MDT_OK))
		return MDT_EINVAL;
	mdt_uuid_new(uuid);
	st = mdt_run(s, "INSERT INTO consent_asked (uuid, patient_id, answer,"
	    " asked_by, asked_on, representative, justification, recorded_at)"
	    " VALUES (?, ?, ?, ?, ?, nullif(trim(?), ''), nullif(trim(?), ''),"
	    " ?)", "tittTTTi", uuid, patient_id, mdt_asked_answers[answer - 1],
	    in->asked_by, day, in->representative, in->justification,
	    mdt_store_now(s));
	if (st == MDT_OK)
		st = mdt_audit_add(s, "consent_asked", "patient_consent", uuid,
		    "%s, asked on %s", mdt_asked_answers[answer - 1], day);
	if (st == MDT_OK) {
		struct mdt_consent_asked a;
		char line[1400], *why = NULL;

		st = mdt_consent_asked_get(s, patient_id, &a);
		if (st == MDT_OK && mdt_consent_asked_bars(&a)) {
			mdt_consent_asked_line(&a, false, line, sizeof(line));
			why = mdt_xasprintf("%s %s", MDT_REFUSED_DEFER, line +
			    strlen("refused "));
		}
		if (st == MDT_OK)
			st = candidates_follow(s, patient_id, why);
		free(why);
		mdt_consent_asked_done(&a);
	}
	return st;
}

struct ask_act {
	const struct mdt_consent_ask_in *in;
	char nhs[11];
};

static enum mdt_status
ask_tx(struct mdt_store *s, void *ctx)
{
	struct ask_act *a = ctx;
	enum mdt_status st;
	int64_t patient_id = 0;

	st = mdt_patient_known(s, a->nhs, true, &patient_id);
	if (st == MDT_OK)
		st = mdt_consent_ask_tx(s, patient_id, a->in);
	return st;
}

enum mdt_status
mdt_consent_ask(struct mdt_store *s, const struct mdt_consent_ask_in *in)
{
	struct ask_act a = { .in = in };

	if (in->nhs_number == NULL || (!mdt_local_id_normalise(in->nhs_number,
	    a.nhs) && (!mdt_nhs_normalise(in->nhs_number, a.nhs) ||
	    !mdt_nhs_valid(a.nhs))))
		return mdt_fail(s, MDT_ENHS, "\"%s\"", in->nhs_number != NULL ?
		    in->nhs_number : "");
	return mdt_tx_run(s, ask_tx, &a, NULL);
}
