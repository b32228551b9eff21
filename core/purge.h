/*
 * purge.h - the retention purge (purge.c).  What purged text reads as
 * afterwards (MDT_PURGED_TEXT) and the token of a purged NHS number
 * (mdt_nhs_purged) are rules (rules.h).
 */
#ifndef MDT_PURGE_H
#define MDT_PURGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/*
 * Identifiable detail of closed meetings is kept only for the retention
 * period ([retention] days in the configuration), and never purged before
 * it has been delivered to the central record: delivery builds each FHIR
 * resource from the store at send time.  A team without a server never
 * delivers, so never purges.  docs/governance.md says what goes and what
 * stays.
 */

/* A closed meeting past the retention period that still holds
 * identifiable detail. */
struct mdt_purge_meeting {
	int64_t id;
	char uuid[37];
	char *title;
	int64_t scheduled_start;
	int64_t closed_at;
	int patients;			/* slots on its agenda */
	int64_t undelivered;		/* its records' outbox rows that are
					 * pending, failed or conflicting */
	bool never_sent;		/* the meeting itself never reached
					 * the central record */
	bool eligible;			/* delivered: undelivered == 0 and
					 * !never_sent */
};

/*
 * Closed meetings whose closed_at is at least days (1..36500) before the
 * store's clock and that are not purged, oldest first, eligible or held
 * back (see the fields).  MDT_EINVAL for days out of range.
 * DESTRUCTOR: mdt_purge_list_free.
 */
enum mdt_status mdt_purge_find(struct mdt_store *s, int days,
    struct mdt_purge_meeting **out, size_t *n);
void mdt_purge_list_free(struct mdt_purge_meeting *arr, size_t n);

struct mdt_purge_result {
	int meetings;		/* purged */
	int held_back;		/* past the period, not yet delivered */
	int slots;		/* of the purged meetings */
	int notes;
	int actions;		/* finished actions whose text went */
	int patients;		/* whose identity went */
	bool checkpointed;	/* the write-ahead log was emptied */
};

/*
 * Purges every eligible meeting (see mdt_purge_find) in one transaction:
 * notes, consent justifications, slot reasons, candidate notes and
 * deferral reasons, and the text of finished actions agreed in its slots
 * become MDT_PURGED_TEXT (or empty), its list rows are deleted, the
 * referrer, reason and withdrawal reason of the referrals it saw that no
 * longer wait become MDT_PURGED_TEXT (their service stays), and
 * meetings.purged_at is set.  Open actions keep their text.  Finished
 * actions of a meeting purged before also lose their text once delivered.
 * Then each patient nobody kept on the record needs (every meeting they
 * were a candidate of purged, no open action nor referral waiting, latest
 * outcome neither stay nor step down, every record naming them delivered) loses name, date of
 * birth, NHS number (see mdt_nhs_purged) and practice.  Times, states,
 * outcome kinds and review dates, action statuses, owners and dates,
 * attendance and staff stay.  One audit row per meeting, action and
 * patient (ids only); no outbox row.  Runs with secure_delete on and
 * empties the write-ahead log after the commit.  Running it again purges
 * nothing.
 */
enum mdt_status mdt_purge_run(struct mdt_store *s, int days,
    struct mdt_purge_result *res);

/* MDT_ESTATE (recorded) if an action's text went in the retention purge
 * (a finished action of a purged meeting, or any action of a purged
 * patient): such an action cannot be reopened. */
enum mdt_status mdt_action_refuse_purged(struct mdt_store *s,
    int64_t action_id);

/*
 * The closed meetings not purged, closed before ?1 (ms), each with its
 * patients, its records' outbox rows not sent, and whether its own row
 * was ever sent (mdt_purge_find's query; the tests read its plan: each
 * outbox question by the record's uuid, never a scan of the outbox).
 */
#define MDT_PURGE_FIND_SQL \
	"SELECT m.id, m.uuid, m.title, m.scheduled_start, m.closed_at," \
	" (SELECT count(*) FROM slots WHERE meeting_id = m.id)," \
	" (SELECT count(*) FROM outbox WHERE state <> 'sent'" \
	"  AND entity_uuid IN (" MDT_MEETING_RECORDS_SQL("m.id") "))," \
	" EXISTS (SELECT 1 FROM outbox WHERE state = 'sent'" \
	"  AND entity_uuid = m.uuid)" \
	" FROM meetings m INDEXED BY meetings_to_purge" \
	" WHERE m.state = 'closed' AND m.purged_at IS NULL" \
	" AND m.closed_at IS NOT NULL AND m.closed_at <= ?" \
	" ORDER BY m.scheduled_start, m.id"

#endif
