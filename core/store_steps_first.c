/*
 * store_steps_first.c - the steps of the schema from the first (0 -> 1)
 * to version 16: one SQL text a step, applied by store_schema.c.  Steps
 * already applied are never edited.
 */
#include "config.h"

#include "store_steps.h"

#include "model.h"
#include "store.h"
#include "util.h"

const char *const mdt_steps_first[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE venues ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" address TEXT);"

	"CREATE TABLE people ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" name TEXT NOT NULL,"
	" role TEXT NOT NULL DEFAULT '',"
	" organisation TEXT NOT NULL DEFAULT '');"

	"CREATE TABLE meetings ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" title TEXT NOT NULL,"
	" venue_id INTEGER REFERENCES venues(id),"
	" scheduled_start INTEGER NOT NULL,"
	" planned_minutes INTEGER NOT NULL CHECK (planned_minutes > 0),"
	" warn_seconds INTEGER NOT NULL DEFAULT 300,"
	" over_seconds INTEGER NOT NULL DEFAULT 420,"
	" state TEXT NOT NULL DEFAULT 'planned'"
	"  CHECK (state IN ('planned', 'open', 'closed')),"
	" opened_at INTEGER,"
	" closed_at INTEGER,"
	" current_slot_id INTEGER REFERENCES slots(id) ON DELETE SET NULL);"

	"CREATE TABLE attendance ("
	" meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	" person_id INTEGER NOT NULL REFERENCES people(id),"
	" uuid TEXT NOT NULL UNIQUE,"
	" status TEXT NOT NULL DEFAULT 'unknown'"
	"  CHECK (status IN ('unknown', 'present', 'apologies')),"
	" confidentiality_ack INTEGER NOT NULL DEFAULT 0"
	"  CHECK (confidentiality_ack IN (0, 1)),"
	" PRIMARY KEY (meeting_id, person_id));"

	"CREATE TABLE patients ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" nhs_number TEXT NOT NULL UNIQUE CHECK (length(nhs_number) = 10),"
	" name TEXT NOT NULL,"
	" date_of_birth TEXT,"
	" practice TEXT,"
	" key_contact_id INTEGER REFERENCES people(id));"

	"CREATE TABLE slots ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id),"
	" position INTEGER NOT NULL,"
	" reason TEXT NOT NULL DEFAULT '',"
	" planned_seconds INTEGER NOT NULL DEFAULT 360"
	"  CHECK (planned_seconds > 0),"
	" extended_seconds INTEGER NOT NULL DEFAULT 0"
	"  CHECK (extended_seconds >= 0),"
	" started_at INTEGER,"
	" paused_at INTEGER,"
	" paused_ms INTEGER NOT NULL DEFAULT 0,"
	" closed_at INTEGER,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'running', 'paused', 'done')),"
	" UNIQUE (meeting_id, patient_id));"
	"CREATE INDEX slots_by_meeting ON slots(meeting_id, position);"

	"CREATE TABLE consent ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" slot_id INTEGER NOT NULL UNIQUE REFERENCES slots(id) ON DELETE CASCADE,"
	" basis TEXT NOT NULL"
	"  CHECK (basis IN ('given', 'best_interests', 'risk_to_others')),"
	" justification TEXT,"
	" recorded_at INTEGER NOT NULL,"
	" CHECK (basis = 'given'"
	"  OR length(trim(coalesce(justification, ''))) > 0));"

	"CREATE TABLE notes ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL CHECK (length(text) > 0),"
	" created_at INTEGER NOT NULL);"
	"CREATE INDEX notes_by_slot ON notes(slot_id);"

	"CREATE TABLE actions ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id),"
	" slot_id INTEGER REFERENCES slots(id) ON DELETE SET NULL,"
	" text TEXT NOT NULL CHECK (length(text) > 0),"
	" owner_id INTEGER NOT NULL REFERENCES people(id),"
	" due_date TEXT NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'open'"
	"  CHECK (status IN ('open', 'done', 'cancelled')),"
	" created_at INTEGER NOT NULL,"
	" closed_at INTEGER,"
	" kind TEXT);"
	"CREATE INDEX actions_by_patient ON actions(patient_id);"
	"CREATE INDEX actions_by_owner ON actions(owner_id, status);"

	"CREATE TABLE outcomes ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" slot_id INTEGER NOT NULL UNIQUE REFERENCES slots(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('stay', 'step_down', 'close', 'died')),"
	" review_date TEXT,"
	" recorded_at INTEGER NOT NULL,"
	" CHECK (kind <> 'stay' OR review_date IS NOT NULL));"

	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" entity TEXT,"
	" entity_uuid TEXT,"
	" detail TEXT);"

	"CREATE TABLE outbox ("
	OUTBOX_COLUMNS
	"  CHECK (state IN ('pending', 'sent', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER,"
	" last_error TEXT);"
	"CREATE INDEX outbox_by_state ON outbox(state, next_at);",

	/* 1 -> 2: delivery to the central record.  The outbox gains the
	 * 'conflict' state (a version clash on the server, for a person to
	 * settle) and the time each row was sent; SQLite cannot change a
	 * CHECK in place, so the table is copied.  sync_versions holds, per
	 * FHIR resource, the server's versionId (sent back in If-Match) and
	 * a hash of the body last acknowledged. */
	"CREATE TABLE outbox_v2 ("
	OUTBOX_COLUMNS
	"  CHECK (state IN ('pending', 'sent', 'failed', 'conflict')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at INTEGER,"
	" last_error TEXT,"
	" sent_at INTEGER);"
	"INSERT INTO outbox_v2 (id, uuid, entity, entity_uuid, op, created_at,"
	" state, attempts, next_at, last_error)"
	" SELECT id, uuid, entity, entity_uuid, op, created_at, state,"
	" attempts, next_at, last_error FROM outbox;"
	"DROP TABLE outbox;"
	"ALTER TABLE outbox_v2 RENAME TO outbox;"
	"CREATE INDEX outbox_by_state ON outbox(state, next_at);"
	"CREATE INDEX outbox_by_sent ON outbox(sent_at);"

	"CREATE TABLE sync_versions ("
	" resource_type TEXT NOT NULL,"
	" resource_id TEXT NOT NULL,"
	" version_id TEXT,"
	" body_hash TEXT,"
	" synced_at INTEGER NOT NULL,"
	" PRIMARY KEY (resource_type, resource_id)) WITHOUT ROWID;",

	/* 2 -> 3: agenda preparation.  candidates: one per meeting and
	 * patient, with the lists they came from (bit flags, see enum
	 * mdt_list), how else they came (carried forward, escalated from
	 * rising risk, added on the day), a note for reasons given outside
	 * the lists, and the reason for a deferral.  Selected candidates
	 * are those with a slot.  list_entries: what each list brought for
	 * a candidate, with a hash of the row so that importing the same
	 * file again changes nothing.  action_reviews: the verdict on each
	 * carried-forward action in a slot.  Slots gain a presenter and
	 * meetings the time the agenda was finalised.  Every existing slot
	 * gets its candidate. */
	"ALTER TABLE meetings ADD COLUMN agenda_finalised_at INTEGER;"
	"ALTER TABLE slots ADD COLUMN presenter_id INTEGER"
	" REFERENCES people(id);"

	"CREATE TABLE candidates ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id),"
	" lists INTEGER NOT NULL DEFAULT 0 CHECK (lists BETWEEN 0 AND 63),"
	" carried_forward INTEGER NOT NULL DEFAULT 0"
	"  CHECK (carried_forward IN (0, 1)),"
	" escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),"
	" added_on_day INTEGER NOT NULL DEFAULT 0"
	"  CHECK (added_on_day IN (0, 1)),"
	" note TEXT NOT NULL DEFAULT '',"
	" defer_reason TEXT"
	"  CHECK (defer_reason IS NULL OR length(trim(defer_reason)) > 0),"
	" created_at INTEGER NOT NULL,"
	" UNIQUE (meeting_id, patient_id));"
	"CREATE INDEX candidates_by_patient ON candidates(patient_id);"

	"CREATE TABLE list_entries ("
	" id INTEGER PRIMARY KEY,"
	" candidate_id INTEGER NOT NULL"
	"  REFERENCES candidates(id) ON DELETE CASCADE,"
	" list TEXT NOT NULL CHECK (list IN ('caseload', 'referral',"
	"  'inpatient', 'discharge', 'frequent-attender', 'ambulance')),"
	LIST_ENTRY_COLUMNS
	" UNIQUE (candidate_id, list));"

	"CREATE TABLE action_reviews ("
	" action_id INTEGER NOT NULL REFERENCES actions(id) ON DELETE CASCADE,"
	" slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	" verdict TEXT NOT NULL"
	"  CHECK (verdict IN ('open', 'done', 'reassigned', 'cancelled')),"
	" reviewed_at INTEGER NOT NULL,"
	" PRIMARY KEY (action_id, slot_id)) WITHOUT ROWID;"

	"INSERT INTO candidates (uuid, meeting_id, patient_id, note,"
	" created_at)"
	" SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2)))"
	" || '-4' || substr(lower(hex(randomblob(2))), 2) || '-'"
	" || substr('89ab', 1 + abs(random() % 4), 1)"
	" || substr(lower(hex(randomblob(2))), 2) || '-'"
	" || lower(hex(randomblob(6))),"
	" meeting_id, patient_id, reason,"
	" CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM slots;",

	/* v4: whether the chair has blanked the projected view of the
	 * meeting.  A column of the meeting so that the projector (another
	 * process on the same database) notices it as any other commit; it
	 * is no part of the clinical record and is never sent. */
	"ALTER TABLE meetings ADD COLUMN projector_blank INTEGER NOT NULL"
	" DEFAULT 0 CHECK (projector_blank IN (0, 1));",

	/* v5: information governance.  The organisations a patient asked
	 * to be kept from, recorded with their consent to be discussed; and
	 * when the retention purge removed the identifiable detail of a
	 * closed, fully delivered meeting (and of a patient nobody kept on
	 * the record needs any more). */
	"CREATE TABLE consent_exclusions ("
	" id INTEGER PRIMARY KEY,"
	" slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	" organisation TEXT NOT NULL COLLATE NOCASE"
	"  CHECK (length(trim(organisation)) > 0),"
	" UNIQUE (slot_id, organisation));"
	"ALTER TABLE meetings ADD COLUMN purged_at INTEGER;"
	"ALTER TABLE patients ADD COLUMN purged_at INTEGER;",

	/* v6: the outbox rows not yet sent, apart.  After years of
	 * delivery nearly every row is sent; the status bar counts the
	 * rest on every redraw, and with this index that costs what is
	 * left to send, not the whole history. */
	"CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox(state, next_at,"
	" attempts) WHERE state <> 'sent';",

	/* v7: the actions a meeting shows, found without reading every
	 * action its patients ever had (after ten years, six in seven are
	 * closed): the open ones, those agreed or reviewed in its slots,
	 * those closed since it opened.  On a cold start each row read
	 * is a read from the disk. */
	"CREATE INDEX IF NOT EXISTS actions_open ON actions(patient_id)"
	" WHERE status = 'open';"
	"CREATE INDEX IF NOT EXISTS actions_by_slot ON actions(slot_id);"
	"CREATE INDEX IF NOT EXISTS actions_closed ON actions(patient_id,"
	" closed_at) WHERE closed_at IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS action_reviews_by_slot"
	" ON action_reviews(slot_id);",

	/* v8: the outbox's rows counted by state as they change, by
	 * triggers, so that the status bar's count costs the same after ten
	 * years of rows never sent as after one meeting (it walked every
	 * unsent row, on each start and after each delivery), whoever
	 * writes; and the pending rows' attempts in an index of their own,
	 * for the highest of them (the next wait after a failure). */
	"CREATE TABLE outbox_tally ("
	" state TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO outbox_tally (state, n) SELECT v.column1,"
	" (SELECT count(*) FROM outbox WHERE state = v.column1)"
	" FROM (VALUES ('pending'), ('sent'), ('failed'), ('conflict')) AS v;"
	"CREATE TRIGGER outbox_tally_add AFTER INSERT ON outbox BEGIN"
	" UPDATE outbox_tally SET n = n + 1 WHERE state = NEW.state; END;"
	"CREATE TRIGGER outbox_tally_remove AFTER DELETE ON outbox BEGIN"
	" UPDATE outbox_tally SET n = n - 1 WHERE state = OLD.state; END;"
	"CREATE TRIGGER outbox_tally_move AFTER UPDATE OF state ON outbox"
	" WHEN NEW.state IS NOT OLD.state BEGIN"
	" UPDATE outbox_tally SET n = n - 1 WHERE state = OLD.state;"
	" UPDATE outbox_tally SET n = n + 1 WHERE state = NEW.state; END;"
	"CREATE INDEX IF NOT EXISTS outbox_pending_attempts ON outbox(attempts)"
	" WHERE state = 'pending';",

	/* v9: the follow-up after a death names nobody.  It read "Contact
	 * relatives of <the patient's name> to offer support and follow
	 * up", which the projector and the masked lists showed; each one
	 * made so reads as a new one does (the action's patient says whose).
	 * The central record keeps what it was sent until the action next
	 * changes. */
	"UPDATE actions SET text ="
	" 'Contact the relatives to offer support and follow up'"
	" WHERE kind = 'contact_relatives'"
	" AND text LIKE 'Contact relatives of % to offer support and follow up';",

	/* v10: the audit rows that name no record (exports of a period,
	 * verifications of the central record), apart: the sync panel shows
	 * the last verification on every redraw, and with this index that
	 * is one step, however long the log. */
	"CREATE INDEX IF NOT EXISTS audit_events ON audit(action, id)"
	" WHERE entity IS NULL;",

	/* v11: the chairing day as it runs.  The register changes on the
	 * day: who was added then, when each came and went; who chaired
	 * and who took the notes.  One console chairs a meeting at a time:
	 * its lease (who, which process on which host, renewed while it
	 * runs; a lease not renewed for a while, or whose process is gone,
	 * may be taken over).  A death's date.  Corrections as clinical
	 * systems make them: the original of a note, an outcome, a consent
	 * or an action's text is kept (as JSON of the row as it was), marked
	 * superseded or entered in error, with who and when; the purge
	 * empties it with the rest of the meeting's text.  The note being
	 * typed, kept as a draft so that a crash loses none of it. */
	"ALTER TABLE attendance ADD COLUMN arrived_at INTEGER;"
	"ALTER TABLE attendance ADD COLUMN left_at INTEGER;"
	"ALTER TABLE attendance ADD COLUMN added_on_day INTEGER NOT NULL"
	" DEFAULT 0 CHECK (added_on_day IN (0, 1));"
	"ALTER TABLE meetings ADD COLUMN chair_id INTEGER"
	" REFERENCES people(id);"
	"ALTER TABLE meetings ADD COLUMN notetaker_id INTEGER"
	" REFERENCES people(id);"
	"CREATE TABLE chair_lease ("
	" meeting_id INTEGER PRIMARY KEY"
	"  REFERENCES meetings(id) ON DELETE CASCADE,"
	" holder TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" pid INTEGER NOT NULL,"
	" token TEXT NOT NULL,"
	" acquired_at INTEGER NOT NULL,"
	" renewed_at INTEGER NOT NULL);"
	"ALTER TABLE outcomes ADD COLUMN died_on TEXT;"
	"ALTER TABLE actions ADD COLUMN withdrawn_at INTEGER;"
	"CREATE TABLE corrections ("
	" id INTEGER PRIMARY KEY,"
	" entity TEXT NOT NULL"
	"  CHECK (entity IN ('note', 'outcome', 'consent', 'action')),"
	" entity_uuid TEXT NOT NULL,"
	" slot_id INTEGER REFERENCES slots(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('superseded', 'entered-in-error')),"
	" original TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL);"
	"CREATE INDEX corrections_by_entity ON corrections(entity_uuid);"
	"CREATE INDEX corrections_by_slot ON corrections(slot_id);"
	"CREATE TABLE note_drafts ("
	" slot_id INTEGER PRIMARY KEY REFERENCES slots(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL,"
	" saved_at INTEGER NOT NULL);",

	/* v12: every reference to a patient is literal, to a Patient the
	 * record holds or is given (docs/fhir-mapping.md).  What the record
	 * acknowledged in the older shape (the patient by NHS number alone)
	 * is queued once more, so that the next sync sends it in the new
	 * shape over the version it holds: the discussions, consents,
	 * outcomes and actions, each through its own outbox row (the
	 * discussion record goes with each).  The meeting and a discussion
	 * now differ by type, and a consent replaced or not given says so
	 * by its status: sent again with them. */
	"INSERT INTO outbox (uuid, entity, entity_uuid, created_at, next_at)"
	" SELECT " MDT_SQL_UUID ", q.entity, q.uuid,"
	" CAST(strftime('%s', 'now') AS INTEGER) * 1000,"
	" CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM ("
	" SELECT 'meeting' AS entity, m2.uuid, m2.id AS meeting_id"
	"  FROM meetings m2 JOIN sync_versions v"
	"  ON v.resource_type = 'Encounter' AND v.resource_id = m2.uuid"
	" UNION ALL SELECT 'slot', s.uuid, s.meeting_id FROM slots s"
	"  JOIN sync_versions v ON v.resource_type = 'Encounter'"
	"  AND v.resource_id = s.uuid"
	" UNION ALL SELECT 'consent', c.uuid, s.meeting_id FROM consent c"
	"  JOIN slots s ON s.id = c.slot_id JOIN sync_versions v"
	"  ON v.resource_type = 'Consent' AND v.resource_id = c.uuid"
	" UNION ALL SELECT 'outcome', o.uuid, s.meeting_id FROM outcomes o"
	"  JOIN slots s ON s.id = o.slot_id JOIN sync_versions v"
	"  ON v.resource_type = 'Observation' AND v.resource_id = o.uuid"
	" UNION ALL SELECT 'action', a.uuid, s.meeting_id FROM actions a"
	"  LEFT JOIN slots s ON s.id = a.slot_id JOIN sync_versions v"
	"  ON v.resource_type = 'Task' AND v.resource_id = a.uuid) AS q"
	/* a purged meeting's record was delivered whole: never again */
	" LEFT JOIN meetings m ON m.id = q.meeting_id"
	" WHERE m.purged_at IS NULL;",

	/* v13: who people and organisations are on the NHS's registers, for
	 * the central record's readers: a person's professional
	 * registration (GMC, NMC or HCPC and the number) and NHS Spine (SDS)
	 * user id; an organisation's ODS code, by its name as people give
	 * it. */
	"ALTER TABLE people ADD COLUMN registration_body TEXT"
	" CHECK (registration_body IN ('gmc', 'nmc', 'hcpc'));"
	"ALTER TABLE people ADD COLUMN registration_number TEXT;"
	"ALTER TABLE people ADD COLUMN sds_user_id TEXT;"
	"CREATE TABLE organisations ("
	" name TEXT PRIMARY KEY COLLATE NOCASE,"
	" ods_code TEXT NOT NULL) WITHOUT ROWID;",

	/* v14: teams as well as people.  An action can be given to a team
	 * (district nursing, the social care duty desk) rather than to a
	 * person; and the network's multidisciplinary team itself, named
	 * once, whose members are everyone else.  Neither attends. */
	"ALTER TABLE people ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'"
	" CHECK (kind IN ('person', 'team', 'network'));"
	"CREATE UNIQUE INDEX people_one_network ON people(kind)"
	" WHERE kind = 'network';",

	/* v15: the outbox rows of a record, found by its uuid.  Whether a
	 * meeting's records are all delivered (retention's purge) and
	 * whether its own row ever was read the rows of each record; with
	 * no index on the record's uuid each such question read every row
	 * not sent, for every meeting: seconds after a year offline. */
	"CREATE INDEX outbox_by_entity ON outbox(entity_uuid, state);",

	/* v16: a death recorded between meetings (mdtchair died): no slot,
	 * no consent needed; one per patient. */
	"CREATE TABLE deaths ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" patient_id INTEGER NOT NULL UNIQUE REFERENCES patients(id),"
	" died_on TEXT NOT NULL CHECK (length(died_on) = 10),"
	" place TEXT CHECK (place IN ('home', 'hospital', 'care-home',"
	"  'hospice', 'other')),"
	" expected INTEGER CHECK (expected IN (0, 1)),"
	" recorded_at INTEGER NOT NULL);",
};

_Static_assert(MDT_COUNT(mdt_steps_first) == MDT_STEPS_FIRST,
    "the first steps are MDT_STEPS_FIRST");
