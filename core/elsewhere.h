/*
 * elsewhere.h - a patient's discussions at meetings not held on this
 * laptop, as the central record says them (elsewhere.c): which patients
 * to ask about (those on the next planned meeting's agenda), what was
 * read kept in one transaction, and the line the screens and the agenda
 * show.  sync/elsewhere.c does the reading; nothing here touches the
 * network.
 */
#ifndef MDT_ELSEWHERE_H
#define MDT_ELSEWHERE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* A patient whose discussions are asked for. */
struct mdt_elsewhere_patient {
	int64_t id;
	char nhs_number[11];
	int64_t since;		/* the server's time of the last complete
				 * read of their discussions, ms; 0: never */
};

/*
 * The patients on the agenda of the next planned meeting (the earliest
 * planned, by its start) who have a traced NHS number, by since and
 * then NHS number.  DESTRUCTOR: free.
 */
enum mdt_status mdt_elsewhere_patients(struct mdt_store *s,
    struct mdt_elsewhere_patient **out, size_t *n);

/* One discussion as the record holds it (strings as read, made valid R4
 * text; NULL: absent).  elsewhere.c bounds and escapes them. */
struct mdt_elsewhere_in {
	const char *encounter;	/* the discussion's Encounter id */
	const char *version;	/* its meta.versionId */
	const char *nhs_number;	/* the patient's */
	const char *day;	/* the meeting's day, YYYY-MM-DD */
	const char *meeting;	/* the meeting's title */
	const char *venue;
	const char *outcome_kind;	/* stay, step_down, close, died */
	const char *outcome_text;
	int open_actions;
	const char *actions;	/* the open actions' text, one a line */
	const char *plan;
};

/* What one read did. */
struct mdt_elsewhere_result {
	int64_t read;		/* discussions read */
	int64_t added;		/* new here */
	int64_t changed;	/* known, at another version */
	int64_t ours;		/* held on this laptop: left out */
	int64_t unknown;	/* of no patient asked about: left out */
};

/*
 * One transaction: each discussion kept (or updated when its version
 * changed), ours left out; then, when since is not 0, the time of this
 * read remembered for each of the n_ids patients asked about.  Reading
 * the same again changes nothing.
 */
enum mdt_status mdt_elsewhere_apply(struct mdt_store *s,
    const struct mdt_elsewhere_in *d, size_t n, const int64_t *ids,
    size_t n_ids, int64_t since, struct mdt_elsewhere_result *out);

/* A patient's discussions elsewhere, the latest first (by day). */
struct mdt_elsewhere {
	int n;			/* how many are kept; 0: none */
	char day[11];		/* the latest's */
	char *meeting;		/* its meeting's title, or NULL */
	char *venue;		/* or NULL */
	enum mdt_outcome_kind outcome;	/* NONE if the record has none */
	char *outcome_text;	/* as the record has it, or NULL */
	int open_actions;
	char *actions;		/* their text, one a line, or NULL */
	char *plan;		/* the patient's plan, in a line, or NULL */
};

/* The SQL columns that fill a struct mdt_elsewhere for the patient P (an
 * SQL expression), read by mdt_elsewhere_cols from column col on. */
#define MDT_ELSEWHERE_COLS_SQL(P) \
	" (SELECT count(*) FROM record_discussions WHERE patient_id = " P "),"\
	" rd.day, rd.meeting, rd.venue, rd.outcome_kind, rd.outcome_text," \
	" rd.open_actions, rd.actions, rd.plan"
#define MDT_ELSEWHERE_JOIN_SQL(P) \
	" LEFT JOIN record_discussions rd ON rd.id = (SELECT id FROM" \
	"  record_discussions WHERE patient_id = " P \
	"  ORDER BY day DESC, id DESC LIMIT 1)"
#define MDT_ELSEWHERE_NCOLS 9

/* The discussions elsewhere of the patient patient_id, as kept (none:
 * out->n is 0).  DESTRUCTOR: mdt_elsewhere_done. */
enum mdt_status mdt_elsewhere_of(struct mdt_store *s, int64_t patient_id,
    struct mdt_elsewhere *out);

struct sqlite3_stmt;
void mdt_elsewhere_cols(struct sqlite3_stmt *st, int col,
    struct mdt_elsewhere *out);
void mdt_elsewhere_done(struct mdt_elsewhere *e);

/*
 * The line shown for people, into buf (cut to fit; the record's text as
 * kept: escape it to show it): "2026-11-02 Tanner St MDT at Tanner St
 * Surgery: Stay on caseload; 2 open actions" (and "; 1 earlier").
 * Masked: only the day and how many ("discussed elsewhere on
 * 2026-11-02"), no title, outcome or action.  "" when there is none.
 */
char *mdt_elsewhere_line(const struct mdt_elsewhere *e, bool masked,
    char *buf, size_t len);

#endif
