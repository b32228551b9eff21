/*
 * fhir_rows.c - which FHIR resources an outbox row changes (fhir.h): a
 * meeting its Encounter and its discussions, an act the resource it makes
 * and the discussion record that lists it.  A slot is on the record only
 * once it is discussed (SYNC_DISCUSSED); of a slot never discussed, only
 * what an older version sent (the server acknowledged it) goes again, to
 * be withdrawn.
 */
#include "config.h"

#include <string.h>

#include "fhir.h"
#include "fhir_json.h"
#include "text.h"
#include "util.h"

struct rows {
	sqlite3 *db;
	sync_ref_fn fn;
	void *ctx;
	char *err;
	size_t errlen;
};

static void
add(const struct rows *r, enum sync_kind kind, const char *uuid)
{
	struct sync_ref ref;

	ref.kind = kind;
	mdt_strlcpy(ref.uuid, uuid, sizeof(ref.uuid));
	r->fn(r->ctx, &ref);
}

/* 1 if the server acknowledged the resource once, 0 if not, -1 on error. */
static int
acknowledged(const struct rows *r, enum sync_kind kind, const char *uuid)
{
	struct sync_ref ref;
	sqlite3_stmt *st;
	char id[37];
	int rc;

	ref.kind = kind;
	mdt_strlcpy(ref.uuid, uuid, sizeof(ref.uuid));
	sync_ref_id(&ref, id);
	st = fhir_query(r->db, "SELECT 1 FROM sync_versions"
	    " WHERE resource_type = ?1 AND resource_id = ?2", NULL, r->err,
	    r->errlen);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, sync_kind_type(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	fhir_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		mdt_set_err(r->err, r->errlen, "reading the store: %s",
		    sqlite3_errmsg(r->db));
		return -1;
	}
	return rc == SQLITE_ROW;
}

/*
 * The query's rows (column 0 a slot's UUID, 1 whether it was discussed,
 * 2 whether it has started): the discussion Encounter of each, and the
 * record of each started one with record; of a slot never discussed,
 * only what the server once acknowledged, to be withdrawn.
 */
static int
add_slots(const struct rows *r, const char *sql, const char *arg,
    bool encounter, bool record)
{
	sqlite3_stmt *st;
	int rc, ok = 0;

	st = fhir_query(r->db, sql, NULL, r->err, r->errlen);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while (ok == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *uuid = (const char *)sqlite3_column_text(st, 0);
		bool discussed = sqlite3_column_int(st, 1) != 0;
		bool started = sqlite3_column_int(st, 2) != 0;
		int acked;

		if (uuid == NULL)
			continue;
		if (encounter) {
			acked = discussed ? 1 : acknowledged(r,
			    SYNC_DISCUSSION, uuid);
			if (acked < 0)
				ok = -1;
			else if (acked)
				add(r, SYNC_DISCUSSION, uuid);
		}
		if (ok == 0 && record && (started || !discussed)) {
			acked = discussed ? 1 : acknowledged(r, SYNC_RECORD,
			    uuid);
			if (acked < 0)
				ok = -1;
			else if (acked)
				add(r, SYNC_RECORD, uuid);
		}
	}
	if (ok == 0 && rc != SQLITE_DONE) {
		mdt_set_err(r->err, r->errlen, "reading the store: %s",
		    sqlite3_errmsg(r->db));
		ok = -1;
	}
	fhir_done(st);
	return ok;
}

#define SLOT_COLUMNS \
	"s.uuid, " SYNC_DISCUSSED("s") ", s.state <> 'pending'"

/* The slot of a note or an outcome, withdrawn or not: a withdrawn one is
 * gone from its table, and its slot is the one its correction names. */
#define SLOT_OF_CORRECTABLE(table) \
	"SELECT " SLOT_COLUMNS " FROM slots s" \
	" WHERE s.id IN (SELECT slot_id FROM " table " WHERE uuid = ?1" \
	" UNION SELECT slot_id FROM corrections WHERE entity_uuid = ?1)"

/* No resource of its own. */
#define NO_KIND SYNC_N_KINDS

/*
 * What an outbox row of each kind changes: its own resource (kind, unless
 * NO_KIND), and what add_slots finds for the slots sql names (none without
 * sql): their discussion Encounters too with encounter, else their records
 * only.
 */
static const struct entity_rows {
	const char *entity;
	enum sync_kind kind;
	bool encounter;
	const char *sql;
} entity_rows[] = {
	{ "meeting", SYNC_MEETING, true, "SELECT " SLOT_COLUMNS " FROM slots s"
	    " JOIN meetings m ON m.id = s.meeting_id WHERE m.uuid = ?1"
	    " ORDER BY s.position, s.id" },
	{ "slot", NO_KIND, true, "SELECT " SLOT_COLUMNS " FROM slots s"
	    " WHERE s.uuid = ?1" },
	{ "consent", SYNC_CONSENT, false, "SELECT " SLOT_COLUMNS
	    " FROM consent c JOIN slots s ON s.id = c.slot_id"
	    " WHERE c.uuid = ?1" },
	{ "note", NO_KIND, false, SLOT_OF_CORRECTABLE("notes") },
	/* the record of a purged meeting was delivered whole and holds
	 * placeholders now: never sent again */
	{ "action", SYNC_TASK, false, "SELECT " SLOT_COLUMNS " FROM actions a"
	    " JOIN slots s ON s.id = a.slot_id"
	    " JOIN meetings m ON m.id = s.meeting_id"
	    " WHERE a.uuid = ?1 AND s.state <> 'pending'"
	    " AND m.purged_at IS NULL" },
	/* a withdrawn outcome's Observation goes as entered in error, built
	 * from its correction */
	{ "outcome", SYNC_OUTCOME, false, SLOT_OF_CORRECTABLE("outcomes") },
	{ "person", SYNC_ROLE, false, NULL },
	/* its ODS code: entity_uuid is its Organization's id */
	{ "organisation", SYNC_ORGANIZATION, false, NULL },
	/* the key contact: on the record of the latest discussion */
	{ "patient", NO_KIND, false, "SELECT " SLOT_COLUMNS " FROM slots s"
	    " JOIN patients p ON p.id = s.patient_id"
	    " JOIN meetings m ON m.id = s.meeting_id WHERE p.uuid = ?1"
	    " AND s.state <> 'pending' AND m.purged_at IS NULL"
	    " AND " SYNC_DISCUSSED("s")
	    " ORDER BY s.started_at DESC, s.id DESC LIMIT 1" },
};

/* A resource of kind for each row of sql (column 0 a UUID; ?1 uuid); with
 * kind SYNC_N_KINDS, of the kind in column 1: 0 Practitioner, 1 its
 * role, 2 CareTeam. */
static int
add_query(const struct rows *r, enum sync_kind kind, const char *sql,
    const char *uuid)
{
	static const enum sync_kind someone[] = { SYNC_PRACTITIONER,
	    SYNC_ROLE, SYNC_TEAM };
	sqlite3_stmt *st;
	int rc;

	st = fhir_query(r->db, sql, NULL, r->err, r->errlen);
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(r, kind != SYNC_N_KINDS ? kind :
		    someone[sqlite3_column_int(st, 1) % 3],
		    (const char *)sqlite3_column_text(st, 0));
	fhir_done(st);
	if (rc == SQLITE_DONE)
		return 0;
	mdt_set_err(r->err, r->errlen, "reading the store: %s",
	    sqlite3_errmsg(r->db));
	return -1;
}

static void
count_row(void *ctx, const struct sync_ref *ref)
{
	(void)ref;
	(*(int *)ctx)++;
}

/* 1 if sql (?1 uuid) has a row, 0 if not, -1 on error. */
static int
exists(const struct rows *r, const char *sql, const char *uuid)
{
	int n = 0;
	const struct rows count = { r->db, count_row, &n, r->err, r->errlen };

	return add_query(&count, SYNC_TASK, sql, uuid) != 0 ? -1 : n > 0;
}

/* An attendance row changes the Encounter of its meeting. */
#define ATTENDANCE_MEETING \
	"SELECT m.uuid FROM attendance a JOIN meetings m" \
	" ON m.id = a.meeting_id WHERE a.uuid = ?1"

/* A new answer replaces the patient's one before it: the consent of the
 * same patient just before consent ?1 (by when it was recorded), of a
 * meeting not purged. */
#define REPLACED_CONSENT \
	"SELECT c2.uuid FROM consent c JOIN slots s ON s.id = c.slot_id" \
	" JOIN slots s2 ON s2.patient_id = s.patient_id" \
	" JOIN consent c2 ON c2.slot_id = s2.id" \
	" JOIN meetings m ON m.id = s2.meeting_id" \
	" WHERE c.uuid = ?1 AND m.purged_at IS NULL" \
	" AND (c2.recorded_at, c2.id) < (c.recorded_at, c.id)" \
	" ORDER BY c2.recorded_at DESC, c2.id DESC LIMIT 1"

/* Someone (?1): a person is who they are (Practitioner) and their role; a
 * team or the network a CareTeam; and the network's CareTeam lists them
 * all (column 1 each resource's kind, column 0 its record's uuid). */
#define SOMEONE \
	"SELECT uuid, CASE kind WHEN 'person' THEN 0 ELSE 2 END FROM people" \
	" WHERE uuid = ?1 UNION ALL SELECT uuid, 1 FROM people" \
	" WHERE uuid = ?1 AND kind = 'person' UNION ALL" \
	" SELECT n.uuid, 2 FROM people n, people p" \
	" WHERE n.kind = 'network' AND p.uuid = ?1 AND p.kind <> 'network'"

/* A patient is on the record once discussed (consent recorded, or a
 * death in a slot) at a meeting not purged: only then may what is
 * recorded of them between meetings go to it. */
#define ON_RECORD(patient) \
	"EXISTS (SELECT 1 FROM slots s JOIN meetings m ON m.id = s.meeting_id" \
	" WHERE s.patient_id = " patient " AND m.purged_at IS NULL" \
	" AND " SYNC_DISCUSSED("s") ")"

/* A death between meetings, of a patient on the record. */
#define DEATH_ON_RECORD \
	"SELECT d.uuid FROM deaths d WHERE d.uuid = ?1" \
	" AND " ON_RECORD("d.patient_id")

/* A referral settled by a discussion on the record, of a patient traced
 * (a local identifier never leaves). */
#define REFERRAL_ON_RECORD \
	"SELECT r.uuid FROM referrals r JOIN slots s" \
	" ON s.id = r.discussed_slot_id JOIN meetings m ON m.id = s.meeting_id" \
	" JOIN patients p ON p.id = r.patient_id WHERE r.uuid = ?1" \
	" AND m.purged_at IS NULL AND p.nhs_number NOT GLOB 'L*'" \
	" AND " SYNC_DISCUSSED("s")

/* An action made in no slot by a death between meetings (the follow-up
 * with the relatives) goes only for a patient on the record; any other
 * action goes as the entity table says. */
#define SLOTLESS_ACTION \
	"SELECT a.uuid FROM actions a WHERE a.uuid = ?1 AND a.slot_id IS NULL" \
	" AND a.patient_id IN (SELECT patient_id FROM deaths)"

/* A stay on the rising-risk register, of a patient traced and on the
 * record. */
#define FLAG_ON_RECORD \
	"SELECT r.uuid FROM rising_risk r JOIN patients p" \
	" ON p.id = r.patient_id WHERE r.uuid = ?1" \
	" AND p.nhs_number NOT GLOB 'L*' AND " ON_RECORD("r.patient_id")

/* A consent puts its patient on the record: their stays on the register
 * go with it (once acknowledged, unchanged ones are not sent again). */
#define FLAGS_OF_CONSENT \
	"SELECT r.uuid FROM consent c JOIN slots s ON s.id = c.slot_id" \
	" JOIN meetings m ON m.id = s.meeting_id" \
	" JOIN rising_risk r ON r.patient_id = s.patient_id" \
	" JOIN patients p ON p.id = r.patient_id" \
	" WHERE c.uuid = ?1 AND m.purged_at IS NULL" \
	" AND p.nhs_number NOT GLOB 'L*'"

/* The joined-up plan of a patient traced and on the record. */
#define PLAN_ON_RECORD \
	"SELECT c.uuid FROM care_plans c JOIN patients p" \
	" ON p.id = c.patient_id WHERE c.uuid = ?1" \
	" AND p.nhs_number NOT GLOB 'L*' AND " ON_RECORD("c.patient_id")

/* A consent puts its patient on the record: their plan goes with it. */
#define PLAN_OF_CONSENT \
	"SELECT cp.uuid FROM consent c JOIN slots s ON s.id = c.slot_id" \
	" JOIN meetings m ON m.id = s.meeting_id" \
	" JOIN care_plans cp ON cp.patient_id = s.patient_id" \
	" JOIN patients p ON p.id = cp.patient_id" \
	" WHERE c.uuid = ?1 AND m.purged_at IS NULL" \
	" AND p.nhs_number NOT GLOB 'L*'"

/* The goals of the plans that plans (SQL, ?1) names. */
#define GOALS_OF(plans) \
	"SELECT i.uuid FROM plan_items i JOIN care_plans c" \
	" ON c.id = i.plan_id WHERE i.kind = 'goal' AND c.uuid IN (" \
	plans ")"

/* The plans that plans names (SQL, ?1 uuid), their goals first (each a
 * Goal: a changed one is sent again, one unchanged not), then each
 * CarePlan. */
static int
add_plans(const struct rows *r, const char *goals, const char *plans,
    const char *uuid)
{
	if (add_query(r, SYNC_GOAL, goals, uuid) != 0)
		return -1;
	return add_query(r, SYNC_CAREPLAN, plans, uuid);
}

int
sync_map_row(sqlite3 *db, const char *entity, const char *uuid,
    sync_ref_fn fn, void *ctx, char *err, size_t errlen)
{
	const struct rows r = { db, fn, ctx, err, errlen };
	size_t i;
	int slotless;

	if (strcmp(entity, "attendance") == 0)
		return add_query(&r, SYNC_MEETING, ATTENDANCE_MEETING, uuid);
	if (strcmp(entity, "referral") == 0)
		return add_query(&r, SYNC_REFERRAL, REFERRAL_ON_RECORD, uuid);
	if (strcmp(entity, "death") == 0)
		return add_query(&r, SYNC_DEATH, DEATH_ON_RECORD, uuid);
	if (strcmp(entity, "rising") == 0)
		return add_query(&r, SYNC_FLAG, FLAG_ON_RECORD, uuid);
	if (strcmp(entity, "plan") == 0)
		return add_plans(&r, GOALS_OF(PLAN_ON_RECORD), PLAN_ON_RECORD,
		    uuid);
	if (strcmp(entity, "action") == 0 && (slotless = exists(&r,
	    SLOTLESS_ACTION, uuid)) != 0)
		return slotless < 0 ? -1 : add_query(&r, SYNC_TASK,
		    SLOTLESS_ACTION " AND " ON_RECORD("a.patient_id"), uuid);
	for (i = 0; i < sizeof(entity_rows) / sizeof(entity_rows[0]); i++) {
		const struct entity_rows *e = &entity_rows[i];

		if (strcmp(entity, e->entity) != 0)
			continue;
		if (e->kind == SYNC_ROLE)
			return add_query(&r, SYNC_N_KINDS, SOMEONE, uuid);
		if (e->kind != NO_KIND)
			add(&r, e->kind, uuid);
		if (e->kind == SYNC_CONSENT && (add_query(&r, SYNC_CONSENT,
		    REPLACED_CONSENT, uuid) != 0 || add_query(&r, SYNC_FLAG,
		    FLAGS_OF_CONSENT, uuid) != 0 || add_plans(&r,
		    GOALS_OF(PLAN_OF_CONSENT), PLAN_OF_CONSENT, uuid) != 0))
			return -1;
		if (e->sql == NULL)
			return 0;
		return add_slots(&r, e->sql, uuid, e->encounter, true);
	}
	mdt_set_err(err, errlen, "unknown kind of record '%s'", entity);
	return -1;
}
