/*
 * consent_before.h - consent asked before the meeting (consent_before.c):
 * at referral or triage someone asks the patient whether their care may
 * be discussed; who asked, when, and the answer (given; refused; lacks
 * capacity, decided in best interests; given by a representative) are
 * kept, the latest answer standing.  Preparation, the agenda and the slot
 * show it; the slot's consent starts from it.  A refusal without an
 * exception keeps the patient off the agenda, visibly: their undecided
 * candidates of planned meetings are deferred "consent refused", and
 * selecting them is refused until a new answer.  Nothing of it goes to
 * the central record before the slot's consent does (it goes with it).
 */
#ifndef MDT_CONSENT_BEFORE_H
#define MDT_CONSENT_BEFORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct mdt_store;

enum mdt_asked_answer {
	MDT_ASKED_NONE,			/* not asked */
	MDT_ASKED_GIVEN,		/* by the patient */
	MDT_ASKED_REFUSED,		/* an exception may still hold */
	MDT_ASKED_BEST_INTERESTS,	/* lacks capacity: best interests */
	MDT_ASKED_REPRESENTATIVE,	/* given by a representative */
};

/* The answers as stored and typed, by enum value from GIVEN; NULL-ended. */
extern const char *const mdt_asked_answers[];

/* The defer reason's start for a refusal (mdt_consent_asked_line). */
#define MDT_REFUSED_DEFER "consent refused"

/* SQL: the id of the latest answer of the patient (column or value p),
 * and an answer (row a's) as its enum's value. */
#define MDT_ASKED_LATEST_SQL(p) \
	"SELECT x.id FROM consent_asked x WHERE x.patient_id = " p \
	" ORDER BY x.asked_on DESC, x.id DESC LIMIT 1"
#define MDT_ASKED_ANSWER_SQL(a) \
	"CASE " a ".answer WHEN 'given' THEN 1 WHEN 'refused' THEN 2" \
	" WHEN 'best-interests' THEN 3 WHEN 'representative' THEN 4" \
	" ELSE 0 END"

/* What was asked, as recorded. */
struct mdt_consent_ask_in {
	const char *nhs_number;		/* ten digits, or a local identifier */
	const char *answer;		/* one of mdt_asked_answers */
	const char *asked_by;		/* who asked (required) */
	const char *asked_on;		/* YYYY-MM-DD or +0; NULL: today */
	const char *representative;	/* who answered for the patient
					 * (required for representative) */
	const char *justification;	/* best interests: why (required);
					 * refused: the exception for which
					 * the patient is discussed anyway */
};

/*
 * Records the answer, in one act with its audit row (no outbox row: it
 * goes with the slot's consent).  A refusal without an exception defers
 * the patient's undecided candidates of planned meetings; a later answer
 * that allows discussion lifts those deferrals.  MDT_ENHS for a wrong
 * NHS number; MDT_ENOTFOUND for no such patient; MDT_EDATE for a date not
 * one or in the future; MDT_EINVAL for an unknown answer, a missing or
 * hostile field, a representative or justification the answer does not
 * take.
 */
enum mdt_status mdt_consent_ask(struct mdt_store *s,
    const struct mdt_consent_ask_in *in);

/* The same within an act, for the patient (id). */
enum mdt_status mdt_consent_ask_tx(struct mdt_store *s, int64_t patient_id,
    const struct mdt_consent_ask_in *in);

/* The latest answer of a patient. */
struct mdt_consent_asked {
	int64_t id;			/* 0: never asked */
	enum mdt_asked_answer answer;
	char *asked_by;
	char asked_on[11];
	char *representative;		/* NULL if none */
	char *justification;		/* NULL if none */
};

/* The answer of the patient (id) standing now; out->id 0 if none.
 * DESTRUCTOR: mdt_consent_asked_done. */
enum mdt_status mdt_consent_asked_get(struct mdt_store *s, int64_t patient_id,
    struct mdt_consent_asked *out);
void mdt_consent_asked_done(struct mdt_consent_asked *a);

/* True when the answer keeps the patient off the agenda: refused with no
 * exception. */
bool mdt_consent_asked_bars(const struct mdt_consent_asked *a);

/* The slot's basis the answer starts from (NONE if none). */
enum mdt_consent_basis mdt_consent_asked_basis(
    const struct mdt_consent_asked *a);

/* The answer in words for a screen or a document: "given (asked by Ade
 * Okonkwo, 2026-12-01)", "given by a representative, NAME (...)",
 * "refused (...)", "refused; discussed as an exception: WHY (...)",
 * "lacks capacity: best interests (...)"; "not asked" when none.  The
 * representative's name only when named is true.  Into buf. */
char *mdt_consent_asked_line(const struct mdt_consent_asked *a, bool named,
    char *buf, size_t len);

#endif
