/*
 * store_steps.h - what the steps of the schema (store_steps_first.c,
 * store_steps_later.c) share: the columns that more than one step writes
 * out, and the two halves of the list of steps that store_schema.c runs.
 * Internal to core/.
 */
#ifndef MDT_STORE_STEPS_H
#define MDT_STORE_STEPS_H

/* The steps in store_steps_first.c: those to version 16. */
#define MDT_STEPS_FIRST 16

/* Step i takes the schema from version i to i + 1. */
extern const char *const mdt_steps_first[MDT_STEPS_FIRST];
/* Step MDT_STEPS_FIRST + i, as many as MDT_SCHEMA_VERSION asks. */
extern const char *const mdt_steps_later[];

/* The outbox's columns up to its state, as step 0 made them and step 1
 * copied them into the table that took the state 'conflict' (the CHECK
 * on the state, which follows, is what changed). */
#define OUTBOX_COLUMNS \
	" id INTEGER PRIMARY KEY," \
	" uuid TEXT NOT NULL UNIQUE," \
	" entity TEXT NOT NULL," \
	" entity_uuid TEXT NOT NULL," \
	" op TEXT NOT NULL DEFAULT 'upsert'," \
	" created_at INTEGER NOT NULL," \
	" state TEXT NOT NULL DEFAULT 'pending'"

/* A list entry's columns after its list, up to its time of import, as
 * step 2 made them and step 27 copied them (the CHECK on the list, which
 * comes before, is what changed). */
#define LIST_ENTRY_COLUMNS \
	" reason TEXT NOT NULL DEFAULT ''," \
	" referred_by TEXT NOT NULL DEFAULT ''," \
	" review_date TEXT," \
	" source TEXT NOT NULL," \
	" line INTEGER NOT NULL," \
	" row_hash TEXT NOT NULL," \
	" imported_at INTEGER NOT NULL,"

/* A referral's columns before its consent, and from the time it was
 * raised on, as step 16 made them and step 27 copied them (the CHECK on
 * the consent, between them, is what changed). */
#define REFERRAL_COLUMNS_HEAD \
	" id INTEGER PRIMARY KEY," \
	" uuid TEXT NOT NULL UNIQUE," \
	" patient_id INTEGER NOT NULL REFERENCES patients(id)," \
	" referrer TEXT NOT NULL DEFAULT ''," \
	" service TEXT NOT NULL DEFAULT ''," \
	" reason TEXT NOT NULL DEFAULT ''," \
	" urgency TEXT NOT NULL DEFAULT 'routine'" \
	"  CHECK (urgency IN ('routine', 'urgent')),"
#define REFERRAL_COLUMNS_TAIL \
	" raised_at INTEGER NOT NULL," \
	" source TEXT NOT NULL CHECK (source IN ('import', 'tool'))," \
	" withdrawn_at INTEGER," \
	" withdraw_reason TEXT," \
	" discussed_slot_id INTEGER REFERENCES slots(id) ON DELETE SET NULL," \
	" CHECK (withdrawn_at IS NULL" \
	"  OR length(trim(coalesce(withdraw_reason, ''))) > 0));"

/* The indexes of the referrals, as step 16 made them and step 27 made
 * them again. */
#define REFERRAL_INDEXES \
	"CREATE UNIQUE INDEX referrals_open ON referrals(patient_id)" \
	" WHERE withdrawn_at IS NULL AND discussed_slot_id IS NULL;" \
	"CREATE INDEX referrals_queue ON referrals(raised_at)" \
	" WHERE withdrawn_at IS NULL AND discussed_slot_id IS NULL;" \
	"CREATE INDEX referrals_by_raised ON referrals(raised_at);"

/*
 * Each entry takes the schema from version i to i + 1.  A later schema is
 * one more entry; steps already applied are never edited.
 */
/* SQL: a random (version 4) UUID, as the store writes them. */
#define MDT_SQL_UUID \
	"lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||" \
	" substr(hex(randomblob(2)), 2) || '-' ||" \
	" substr('89ab', 1 + abs(random()) % 4, 1) ||" \
	" substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"

#endif
