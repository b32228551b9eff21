/*
 * deaths.h - a death recorded between meetings (deaths.c): no consent
 * needed; it stops the patient's carry-forward, settles their open
 * actions and makes the follow-up with the relatives.
 */
#ifndef MDT_DEATHS_H
#define MDT_DEATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct mdt_store;

/* The follow-up with the relatives that a death makes (in a slot or
 * between meetings): the same words for every patient, naming nobody. */
#define MDT_RELATIVES_KIND "contact_relatives"
#define MDT_RELATIVES_TEXT \
	"Contact the relatives to offer support and follow up"

/* What becomes of the patient's open actions. */
enum mdt_death_actions {
	MDT_DEATH_ASK,		/* refuse while any is open, saying so */
	MDT_DEATH_KEEP,		/* left open, reviewed at the next meeting */
	MDT_DEATH_CANCEL,	/* cancelled, each audited */
};

/* The places of death, as stored; NULL-ended. */
#define MDT_DEATH_PLACES 5
extern const char *const mdt_death_places[MDT_DEATH_PLACES + 1];

struct mdt_death_in {
	const char *nhs_number;		/* ten digits (spaces allowed), or a
					 * local identifier (trace.h) */
	const char *date;		/* YYYY-MM-DD, not in the future */
	const char *place;		/* home, hospital, care-home, hospice,
					 * other; NULL: not known */
	int expected;			/* 1 yes, 0 no, -1 not known */
	enum mdt_death_actions actions;
	int64_t owner_id;		/* the follow-up's owner when the
					 * patient has no key contact; 0 */
};

/*
 * Records a patient's death between meetings, in one act: the death
 * (audited, queued as 'death'), the open actions cancelled or kept as
 * asked, and the follow-up with the relatives (due in 7 days) for the
 * key contact, else owner_id.  Refused with nothing written: MDT_EINVAL
 * for an NHS number not well formed (its check digit), a date not
 * YYYY-MM-DD or in the future, or an unknown place; MDT_ENOTFOUND for no
 * such patient; MDT_ESTATE if the death is recorded already (naming the
 * date), if actions are open and ASK was given (saying how many), or if
 * nobody can own the follow-up.  *cancelled (may be NULL) gets how many
 * actions were cancelled.
 */
enum mdt_status mdt_death_between(struct mdt_store *s,
    const struct mdt_death_in *in, int *cancelled);

/* A death as preparation and the agenda show it. */
struct mdt_death {
	int64_t patient_id;
	char nhs_number[11];
	char *patient_name;
	char date_of_birth[11];
	char died_on[11];
	char place[16];			/* "" unknown */
	int expected;			/* 1, 0; -1 unknown */
	bool in_slot;			/* recorded as a slot's outcome */
	enum mdt_action_status relatives;	/* the follow-up's status */
	bool relatives_made;		/* false: none made */
};

/*
 * The deaths recorded (between meetings, or in a slot of another meeting)
 * after the meeting before meeting_id opened (or, not opened, was to
 * start), by date of death; every death when there is no meeting before.
 * DESTRUCTOR: mdt_deaths_free.
 */
enum mdt_status mdt_deaths_since(struct mdt_store *s, int64_t meeting_id,
    struct mdt_death **out, size_t *n);
void mdt_deaths_free(struct mdt_death *arr, size_t n);

/* A death in one line for a document or a screen: "<patient>: died on
 * D, at home, expected; relatives: follow-up done", the patient masked
 * (mdt_patient_label) unless unmask.  Into buf; returns buf. */
char *mdt_death_line(const struct mdt_death *d, bool unmask, char *buf,
    size_t len);

#endif
