/*
 * minutes.h - the minutes of a meeting (minutes.c).
 */
#ifndef MDT_MINUTES_H
#define MDT_MINUTES_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"

/* The minutes: venue, register, and per patient consent, notes, outcome,
 * key contact, actions (owner, due) and the time taken against the band.
 * MD for people to edit, TXT for a plain terminal or e-mail, JSON for
 * other programs. */
enum mdt_minutes_format { MDT_MINUTES_MD, MDT_MINUTES_JSON, MDT_MINUTES_TXT };

enum mdt_status mdt_minutes_write(struct mdt_store *s, int64_t meeting_id,
    enum mdt_minutes_format fmt, FILE *out);

/* The referral that brought a patient on the agenda to the meeting. */
struct mdt_minutes_referral {
	int64_t slot_id;
	char *referrer;
	char *service;
	char *reason;
	char urgency[9];
	char raised_on[11];		/* YYYY-MM-DD */
	int waited_days;		/* to the meeting's day */
	int times_deferred;		/* by other meetings */
};

/* An event of the rising-risk register at the meeting, for a patient on
 * its agenda. */
struct mdt_minutes_event {
	int64_t slot_id;
	char kind[13];			/* as rising_risk_events holds it */
	char *reason;
	char *actor;
	char next_review[11];		/* "" if none */
};

/* The work between meetings as the minutes tell it (minutes_between.c). */
struct mdt_minutes_between {
	struct mdt_minutes_referral *referrals;
	size_t n_referrals;
	struct mdt_minutes_event *events;	/* by slot, then time */
	size_t n_events;
	struct mdt_death *deaths;	/* since the meeting before, by day */
	size_t n_deaths;		/* of them, on or before the meeting's */
	size_t deaths_read;
};

/* DESTRUCTOR: mdt_minutes_between_free. */
enum mdt_status mdt_minutes_between_load(struct mdt_store *s,
    int64_t meeting_id, struct mdt_minutes_between *out);
void mdt_minutes_between_free(struct mdt_minutes_between *b);

/* The referral of the slot, or NULL. */
const struct mdt_minutes_referral *mdt_minutes_referral_of(
    const struct mdt_minutes_between *b, int64_t slot_id);

/* A register event's kind in words ("escalated from the rising-risk
 * register"). */
const char *mdt_minutes_event_words(const char *kind);

#endif
