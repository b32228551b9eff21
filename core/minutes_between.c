/*
 * minutes_between.c - what the minutes say of the work between meetings:
 * for each patient on the agenda the referral that brought them (who,
 * from which service, when, why, how long it waited, how often deferred)
 * and the rising-risk register's events of this meeting (escalated to
 * it, stepped down onto the register, taken off it); for the meeting,
 * the deaths recorded since the meeting before.  Each is read for the
 * meeting alone, through indexes: the minutes do not grow with the
 * history.
 */
#include "config.h"

#include "minutes.h"

#include <stdlib.h>
#include <string.h>

#include "deaths.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

MDT_ROW_READER(read_referral, struct mdt_minutes_referral, r)
{
	mdt_cols(st, "isssccdd", MDT_F(r->slot_id), MDT_F(r->referrer),
	    MDT_F(r->service), MDT_F(r->reason), MDT_F(r->urgency),
	    MDT_F(r->raised_on), MDT_F(r->waited_days),
	    MDT_F(r->times_deferred));
}

static void
referral_done(void *row)
{
	struct mdt_minutes_referral *r = row;

	mdt_free_each(3, r->referrer, r->service, r->reason);
}

MDT_ROW_READER(read_event, struct mdt_minutes_event, e)
{
	mdt_cols(st, "icssc", MDT_F(e->slot_id), MDT_F(e->kind),
	    MDT_F(e->reason), MDT_F(e->actor), MDT_F(e->next_review));
}

static void
event_done(void *row)
{
	struct mdt_minutes_event *e = row;

	mdt_free_each(2, e->reason, e->actor);
}

/* Each slot's referral: who, from which service, when, why, how long
 * it waited until the meeting, how often it was deferred before. */
static const char referrals_sql[] =
    "SELECT s.id, r.referrer, r.service, r.reason, r.urgency,"
    " date(r.raised_at / 1000, 'unixepoch', 'localtime'),"
    " max(0, (m.scheduled_start - r.raised_at) / 86400000),"
    " (SELECT count(*) FROM candidates d WHERE d.referral_id = r.id"
    "  AND d.meeting_id <> s.meeting_id"
    "  AND d.defer_reason IS NOT NULL)"
    " FROM slots s JOIN meetings m ON m.id = s.meeting_id"
    " JOIN candidates c ON c.meeting_id = s.meeting_id"
    "  AND c.patient_id = s.patient_id"
    " JOIN referrals r ON r.id = c.referral_id"
    " WHERE s.meeting_id = ?1 ORDER BY s.id";

/* The rising-risk register's events of the meeting, by slot. */
static const char events_sql[] =
    "SELECT s.id, e.kind, e.reason, e.actor, coalesce(e.next_review, '')"
    " FROM slots s JOIN rising_risk r ON r.patient_id = s.patient_id"
    " JOIN rising_risk_events e ON e.entry_id = r.id"
    " WHERE s.meeting_id = ?1 AND e.meeting_id = ?1"
    " ORDER BY s.id, e.at, e.id";

enum mdt_status
mdt_minutes_between_load(struct mdt_store *s, int64_t meeting_id,
    struct mdt_minutes_between *out)
{
	enum mdt_status st;
	char *day = NULL;

	memset(out, 0, sizeof(*out));
	st = mdt_read_array(s, &out->referrals, &out->n_referrals,
	    sizeof(*out->referrals), referral_done, read_referral, NULL,
	    "reading the referrals of the agenda", referrals_sql, "i",
	    meeting_id);
	if (st == MDT_OK)
		st = mdt_read_array(s, &out->events, &out->n_events,
		    sizeof(*out->events), event_done, read_event, NULL,
		    "reading the rising-risk register of the agenda",
		    events_sql, "i", meeting_id);
	if (st == MDT_OK)
		st = mdt_deaths_since(s, meeting_id, &out->deaths,
		    &out->deaths_read);
	if (st == MDT_OK)
		st = mdt_query_text(s, &day, "SELECT date(scheduled_start"
		    " / 1000, 'unixepoch', 'localtime') FROM meetings"
		    " WHERE id = ?", "i", meeting_id);
	/* the minutes of a meeting tell the deaths before its day, however
	 * late they are written */
	while (st == MDT_OK && out->n_deaths < out->deaths_read &&
	    strcmp(out->deaths[out->n_deaths].died_on, day) <= 0)
		out->n_deaths++;
	free(day);
	if (st != MDT_OK)
		mdt_minutes_between_free(out);
	return st;
}

void
mdt_minutes_between_free(struct mdt_minutes_between *b)
{
	mdt_array_free(b->referrals, b->n_referrals, sizeof(*b->referrals),
	    referral_done);
	mdt_array_free(b->events, b->n_events, sizeof(*b->events),
	    event_done);
	mdt_deaths_free(b->deaths, b->deaths_read);
	memset(b, 0, sizeof(*b));
}

const struct mdt_minutes_referral *
mdt_minutes_referral_of(const struct mdt_minutes_between *b, int64_t slot_id)
{
	for (size_t i = 0; i < b->n_referrals; i++)
		if (b->referrals[i].slot_id == slot_id)
			return &b->referrals[i];
	return NULL;
}

const char *
mdt_minutes_event_words(const char *kind)
{
	static const struct { const char *kind, *words; } words[] = {
		{ "added", "put on the rising-risk register" },
		{ "reviewed", "reviewed on the rising-risk register" },
		{ "escalated", "escalated from the rising-risk register" },
		{ "stepped_down", "stepped down to the rising-risk register" },
		{ "removed", "taken off the rising-risk register" },
	};

	for (size_t i = 0; i < MDT_COUNT(words); i++)
		if (strcmp(kind, words[i].kind) == 0)
			return words[i].words;
	return kind;
}
