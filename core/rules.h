/*
 * rules.h - the pure rules of the meeting model (rules.c): status
 * messages, the real clock, NHS numbers, dates, the slot clock and its
 * band, consent, the names and labels of states, kinds and lists, and a
 * patient masked for circulation.  No store: nothing here reads or writes
 * the database.
 */
#ifndef MDT_RULES_H
#define MDT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* The fixed message of a status. */
const char *mdt_strerror(enum mdt_status st);

/* The real clock (CLOCK_REALTIME). */
int64_t mdt_clock_real(void *ctx);

/* ---- NHS numbers and dates ------------------------------------------ */

/* Modulus 11 check digit of the first nine digits; -1 if it would be 10
 * (no valid number has those nine digits). */
int mdt_nhs_check_digit(const char digits9[9]);

/* Accepts "9434765919" or "943 476 5919"; on success writes the ten digits
 * and a NUL into out and returns true. */
bool mdt_nhs_normalise(const char *in, char out[11]);

/* True if s (after normalising) is a valid NHS number. */
bool mdt_nhs_valid(const char *s);

/* What the retention purge leaves of free text and names (see
 * mdt_purge_run). */
#define MDT_PURGED_TEXT "(purged)"

/* True for the token that replaces a purged patient's NHS number ("X"
 * and nine digits of the patient's id; never a valid number). */
bool mdt_nhs_purged(const char *nhs_number);

/* True for the token of a patient held under a local identifier until
 * their NHS number is traced ("L" and nine digits; never a valid
 * number): a referral or a resident with no GP, or an out-of-area GP,
 * not yet traced.  Nothing of theirs goes to the central record and they
 * are put on no agenda until traced (mdt_patient_trace). */
bool mdt_nhs_local(const char *nhs_number);

/* Accepts a local identifier as typed ("L17", "l 000000017") and writes
 * its stored form ("L000000017") into out; false if it is not one. */
bool mdt_local_id_normalise(const char *in, char out[11]);

/* "943 476 5919" form of a ten-digit number (MDT_PURGED_TEXT for a purged
 * one; a local identifier as it is), into out[13]. */
void mdt_nhs_format(const char *digits10, char out[13]);

/* Parses "YYYY-MM-DD" (a real calendar date) or "+N" (N days after the
 * local date of today_ms, 0 <= N <= 3650) into out "YYYY-MM-DD". */
enum mdt_status mdt_date_parse(const char *in, int64_t today_ms, char out[11]);

/* True if s is exactly "YYYY-MM-DD" and a real date (no "+N"); out, when
 * not NULL, gets it. */
bool mdt_date_strict(const char *s, char out[11]);

/* The local date of ms as "YYYY-MM-DD". */
void mdt_date_of(int64_t ms, char out[11]);

/* ---- the slot clock, consent, states --------------------------------- */

/*
 * The names of states, kinds and bases ("pending", "given", "stay", ...),
 * as the database stores them, and back: each _parse gives the value of
 * a name, -1 for a name it does not know.
 */
const char *mdt_slot_state_name(enum mdt_slot_state st);	/* "pending", ... */
int mdt_slot_state_parse(const char *name);

/* Time on the clock: derived from stored wall-clock times only, so that a
 * restart keeps it right.  Never negative. */
int64_t mdt_slot_elapsed_ms(enum mdt_slot_state st,
    const struct mdt_slot_times *t, int64_t now);

enum mdt_band mdt_slot_band(int64_t elapsed_ms, int warn_s, int over_s,
    int extended_s);

const char *mdt_consent_name(enum mdt_consent_basis b);	/* "given", ... */
int mdt_consent_parse(const char *name);
const char *mdt_consent_label(enum mdt_consent_basis b);	/* for people */
bool mdt_consent_needs_justification(enum mdt_consent_basis b);
/* MDT_OK, MDT_EINVAL (basis NONE / unknown) or MDT_EJUSTIFY. */
enum mdt_status mdt_consent_check(enum mdt_consent_basis b,
    const char *justification);

/*
 * Splits text typed as "Acme Care, Borough Housing" at its commas into
 * *names (new strings, as typed between the commas; *n 0 for NULL or
 * "").  Tidying is mdt_consent_record's.  DESTRUCTOR: mdt_names_free.
 */
void mdt_exclusions_split(const char *text, char ***names, size_t *n);

/* A copy of an organisation's name trimmed, with each inner run of white
 * space made one space; NULL if nothing is left.  DESTRUCTOR: free. */
char *mdt_org_tidy(const char *name);
/* Whether two (tidied) organisations' names are the same, ASCII letters
 * compared case apart as the store's NOCASE does. */
bool mdt_org_same(const char *a, const char *b);

/*
 * The id of an organisation, or of a venue, by its name (tidied, ASCII
 * letters in lower case): a name-based (v5) UUID in a namespace of
 * mdtchair's, the same on every laptop, so that the central record holds
 * one Organization (Location) of each name.  False for a blank name.
 */
bool mdt_org_uuid(const char *name, char out[37]);
bool mdt_venue_uuid(const char *name, char out[37]);

/*
 * Identifiers of people and organisations, as the NHS writes them:
 * a professional registration (body "gmc": 7 digits; "nmc": 2 digits, a
 * letter, 4 digits, a letter; "hcpc": 2 letters and 5 or 6 digits), an
 * NHS Spine (SDS) user id (12 digits), an ODS organisation code (3 to 10
 * letters and digits).  Letters in upper case.  Each true if well formed.
 */
bool mdt_registration_ok(const char *body, const char *number);
bool mdt_sds_ok(const char *id);
bool mdt_ods_ok(const char *code);

/* Frees n strings and the array that holds them (NULL is fine). */
void mdt_names_free(char **names, size_t n);

const char *mdt_outcome_name(enum mdt_outcome_kind k);	/* "stay", ... */
int mdt_outcome_parse(const char *name);
const char *mdt_outcome_label(enum mdt_outcome_kind k);	/* for people */

const char *mdt_action_status_name(enum mdt_action_status s);
int mdt_action_status_parse(const char *name);

const char *mdt_action_verdict_name(enum mdt_action_verdict v);	/* "open" */
int mdt_action_verdict_parse(const char *name);

const char *mdt_attend_name(enum mdt_attend a);
int mdt_attend_parse(const char *name);

const char *mdt_meeting_state_name(enum mdt_meeting_state s);
int mdt_meeting_state_parse(const char *name);

const char *mdt_candidate_state_name(enum mdt_candidate_state st);
							/* "candidate", ... */

/* ---- the pre-meeting lists ------------------------------------------ */

/* "caseload", "referral", "inpatient", "discharge", "frequent-attender",
 * "ambulance" (the names of `mdtchair import --list`); "?" for anything
 * but one flag. */
const char *mdt_list_name(enum mdt_list l);
/* For people: "caseload", "referral", "inpatient", "recent discharge",
 * "frequent attender", "ambulance caller". */
const char *mdt_list_label(enum mdt_list l);
/* The flag of a name (as mdt_list_name); 0 if unknown. */
enum mdt_list mdt_list_parse(const char *name);
/* "inpatient, frequent attender" for a set of flags, in the order of the
 * enum, into buf (truncated; "" for none).  Returns buf. */
char *mdt_lists_label(unsigned lists, char *buf, size_t len);

/* ---- patients in documents ------------------------------------------ */

/*
 * A patient's identifiers masked for circulation: initials, year of
 * birth and the last three digits of the NHS number, e.g. "Z.A., born
 * 1941, NHS ***-***-*633".  Into buf (truncated).  Returns buf.
 */
char *mdt_patient_mask(const char *name, const char *date_of_birth,
    const char *nhs_number, char *buf, size_t len);

/* The patient as printed in a document: masked as above, or (unmask)
 * "Name, born YYYY-MM-DD, NHS 999 339 5633".  Into buf; returns buf. */
char *mdt_patient_label(const char *name, const char *date_of_birth,
    const char *nhs_number, bool unmask, char *buf, size_t len);

#endif
