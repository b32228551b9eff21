/*
 * store_steps_later.c - the steps of the schema to version 17 and on: one
 * SQL text a step, applied by store_schema.c.  A later schema is one more
 * step at the end; steps already applied are never edited.
 */
#include "config.h"

#include "store_steps.h"

#include "model.h"
#include "store.h"
#include "util.h"

/*
 * Schema 29's triggers: the patient P (an SQL expression) put in
 * purge_recheck unless there.  Not INSERT OR IGNORE: a trigger takes the
 * conflict rule of the statement that fired it, and an upsert's is to
 * fail.  RECHECK_SLOTS: the patients of the slots whose ids are listed.
 */
#define RECHECK_NEW(P) \
	" NOT EXISTS (SELECT 1 FROM purge_recheck WHERE patient_id = " P ")"
#define RECHECK(P) \
	" INSERT INTO purge_recheck SELECT " P " WHERE" RECHECK_NEW(P) ";"
#define RECHECK_SLOTS(IDS) \
	" INSERT INTO purge_recheck SELECT DISTINCT s.patient_id FROM slots s" \
	" WHERE s.id IN (" IDS ") AND" RECHECK_NEW("s.patient_id") ";"

const char *const mdt_steps_later[] = {
	/* v17: referrals outlive a meeting.  A referral stays in the queue
	 * until its patient is discussed (the slot that did it) or it is
	 * withdrawn with a reason; one open referral per patient.  Each
	 * candidate it made points to it, so that a meeting shows how often
	 * and why it was deferred before.  The open queue and a patient's
	 * slots each have an index, so that the queue costs what is open,
	 * not the history.  Existing referral-list entries become referrals:
	 * discussed when their patient was discussed in that meeting, else
	 * one open referral per patient (the latest entry's words, the
	 * earliest entry's time). */
	"CREATE TABLE referrals ("
	REFERRAL_COLUMNS_HEAD
	" consent TEXT CHECK (consent IN ('given', 'refused', 'not-asked')),"
	REFERRAL_COLUMNS_TAIL
	REFERRAL_INDEXES
	"ALTER TABLE candidates ADD COLUMN referral_id INTEGER"
	" REFERENCES referrals(id);"
	"CREATE INDEX candidates_by_referral ON candidates(referral_id)"
	" WHERE referral_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS slots_by_patient ON slots(patient_id);"
	"INSERT INTO referrals (id, uuid, patient_id, referrer, reason,"
	" raised_at, source, discussed_slot_id)"
	" SELECT c.id, " MDT_SQL_UUID ", c.patient_id, e.referred_by,"
	" e.reason, e.imported_at, 'import', s.id"
	" FROM candidates c JOIN list_entries e ON e.candidate_id = c.id"
	"  AND e.list = 'referral'"
	" JOIN slots s ON s.meeting_id = c.meeting_id"
	"  AND s.patient_id = c.patient_id AND s.state = 'done'"
	" WHERE EXISTS (SELECT 1 FROM consent k WHERE k.slot_id = s.id)"
	"  OR EXISTS (SELECT 1 FROM outcomes o WHERE o.slot_id = s.id);"
	"INSERT INTO referrals (id, uuid, patient_id, referrer, reason,"
	" raised_at, source)"
	" SELECT max(c.id), " MDT_SQL_UUID ", c.patient_id, '', '', 0,"
	" 'import'"
	" FROM candidates c JOIN list_entries e ON e.candidate_id = c.id"
	"  AND e.list = 'referral'"
	" WHERE c.id NOT IN (SELECT id FROM referrals)"
	" GROUP BY c.patient_id;"
	"UPDATE referrals SET referrer = (SELECT e.referred_by"
	"  FROM list_entries e WHERE e.candidate_id = referrals.id"
	"  AND e.list = 'referral'),"
	" reason = (SELECT e.reason FROM list_entries e"
	"  WHERE e.candidate_id = referrals.id AND e.list = 'referral'),"
	" raised_at = (SELECT min(e.imported_at) FROM list_entries e"
	"  JOIN candidates c ON c.id = e.candidate_id"
	"  WHERE c.patient_id = referrals.patient_id"
	"  AND e.list = 'referral' AND c.id NOT IN (SELECT r2.id"
	"  FROM referrals r2 WHERE r2.discussed_slot_id IS NOT NULL))"
	" WHERE discussed_slot_id IS NULL;"
	"UPDATE candidates SET referral_id = CASE"
	" WHEN id IN (SELECT id FROM referrals"
	"  WHERE discussed_slot_id IS NOT NULL) THEN id"
	" ELSE (SELECT r.id FROM referrals r"
	"  WHERE r.patient_id = candidates.patient_id"
	"  AND r.discussed_slot_id IS NULL) END"
	" WHERE id IN (SELECT candidate_id FROM list_entries"
	"  WHERE list = 'referral');",

	/* v18: consent asked before the meeting, at referral or triage: who
	 * asked, on which day, the answer (the latest standing), who
	 * answered for the patient, why best interests or the exception to a
	 * refusal.  The slot's consent says which answer it started from. */
	"CREATE TABLE consent_asked ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id),"
	" answer TEXT NOT NULL CHECK (answer IN ('given', 'refused',"
	"  'best-interests', 'representative')),"
	" asked_by TEXT NOT NULL CHECK (length(asked_by) > 0),"
	" asked_on TEXT NOT NULL CHECK (length(asked_on) = 10),"
	" representative TEXT,"
	" justification TEXT,"
	" recorded_at INTEGER NOT NULL,"
	" CHECK ((answer = 'representative') ="
	"  (length(coalesce(representative, '')) > 0)),"
	" CHECK (answer <> 'best-interests'"
	"  OR length(coalesce(justification, '')) > 0));"
	"CREATE INDEX consent_asked_latest ON consent_asked(patient_id,"
	" asked_on, id);"
	"CREATE INDEX consent_asked_by_day ON consent_asked(asked_on);"
	"ALTER TABLE consent ADD COLUMN asked_id INTEGER"
	" REFERENCES consent_asked(id);",

	/* v19: the rising-risk register.  Anyone may put a patient on it
	 * with a reason and who they are; a patient stepped down at a
	 * meeting joins it by that outcome.  An entry is one stay on the
	 * register, from added to ended (removed, died, taken onto the
	 * caseload or closed by a meeting); a patient has at most one
	 * active entry.  Its monitoring reviews come due every_days apart
	 * (next_review); escalated says it was escalated to the network's
	 * meeting and not stepped down since.  Every event of an entry
	 * (added, reviewed, escalated, stepped down again, removed) is kept
	 * with its reason, who and when.  The patients whose latest outcome
	 * is a step down, alive and not purged, become its first entries. */
	"CREATE TABLE rising_risk ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id),"
	" reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),"
	" added_by TEXT NOT NULL CHECK (length(trim(added_by)) > 0),"
	" added_at INTEGER NOT NULL,"
	" every_days INTEGER NOT NULL DEFAULT 28"
	"  CHECK (every_days BETWEEN 1 AND 365),"
	" next_review TEXT NOT NULL CHECK (length(next_review) = 10),"
	" escalated INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),"
	" ended_at INTEGER,"
	" end_reason TEXT,"
	" CHECK (ended_at IS NULL"
	"  OR length(trim(coalesce(end_reason, ''))) > 0));"
	"CREATE UNIQUE INDEX rising_risk_active ON rising_risk(patient_id)"
	" WHERE ended_at IS NULL;"
	"CREATE INDEX rising_risk_by_patient ON rising_risk(patient_id);"
	"CREATE TABLE rising_risk_events ("
	" id INTEGER PRIMARY KEY,"
	" entry_id INTEGER NOT NULL REFERENCES rising_risk(id),"
	" kind TEXT NOT NULL CHECK (kind IN ('added', 'reviewed', 'escalated',"
	"  'stepped_down', 'removed')),"
	" reason TEXT NOT NULL DEFAULT '',"
	" actor TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" meeting_id INTEGER REFERENCES meetings(id) ON DELETE SET NULL,"
	" next_review TEXT);"
	"CREATE INDEX rising_risk_events_by_entry"
	" ON rising_risk_events(entry_id, at);"
	"CREATE INDEX rising_risk_events_by_at ON rising_risk_events(at);"
	"INSERT INTO rising_risk (uuid, patient_id, reason, added_by, added_at,"
	" next_review)"
	" SELECT " MDT_SQL_UUID ", l.patient_id,"
	" 'stepped down at ' || l.title || ' (' || date(l.scheduled_start"
	"  / 1000, 'unixepoch', 'localtime') || ')', 'the meeting',"
	" l.recorded_at, coalesce(l.review_date, date(l.scheduled_start / 1000,"
	"  'unixepoch', 'localtime', '+28 days'))"
	" FROM (SELECT s.patient_id, o.kind, o.review_date, o.recorded_at,"
	"  m.title, m.scheduled_start, row_number() OVER (PARTITION BY"
	"  s.patient_id ORDER BY m.scheduled_start DESC, o.recorded_at DESC,"
	"  o.id DESC) AS rn FROM outcomes o JOIN slots s ON s.id = o.slot_id"
	"  JOIN meetings m ON m.id = s.meeting_id) AS l"
	" JOIN patients p ON p.id = l.patient_id"
	" WHERE l.rn = 1 AND l.kind = 'step_down' AND p.purged_at IS NULL"
	" AND l.patient_id NOT IN (SELECT patient_id FROM deaths);"
	"INSERT INTO rising_risk_events (entry_id, kind, reason, actor, at,"
	" next_review)"
	" SELECT id, 'added', reason, added_by, added_at, next_review"
	" FROM rising_risk;",

	/* v20: what is read again and again reads only what it shows, however
	 * long the history.  The audit log by its time: `audit --since`
	 * reads from that day on, in order, and no earlier row. */
	"CREATE INDEX IF NOT EXISTS audit_by_at ON audit(at);"
	/* The actions by when they were agreed and closed: the review of a
	 * period reads those of the period. */
	"CREATE INDEX IF NOT EXISTS actions_by_created ON actions(created_at);"
	"CREATE INDEX IF NOT EXISTS actions_by_closed ON actions(closed_at);",

	/* v21: the joined-up plan.  Each patient has at most one plan,
	 * which outlasts the meetings: its problems, the goals that matter
	 * most to the patient in their own (or their carer's) words, and
	 * what will be done (interventions, each maybe one of the
	 * patient's actions), the next review.  An item is never deleted
	 * nor overwritten: resolving it keeps it, with when, why and who;
	 * every act has its audit row.  A plan is completed when the case
	 * closes with every problem resolved, ended (with a reason) when it
	 * closes otherwise or the patient dies; adding an item reopens
	 * it. */
	"CREATE TABLE care_plans ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" patient_id INTEGER NOT NULL UNIQUE REFERENCES patients(id),"
	" status TEXT NOT NULL DEFAULT 'active'"
	"  CHECK (status IN ('active', 'completed', 'ended')),"
	" next_review TEXT CHECK (next_review IS NULL"
	"  OR length(next_review) = 10),"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" ended_at INTEGER,"
	" end_reason TEXT,"
	" CHECK (status <> 'ended'"
	"  OR length(trim(coalesce(end_reason, ''))) > 0));"
	"CREATE TABLE plan_items ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" plan_id INTEGER NOT NULL REFERENCES care_plans(id),"
	" position INTEGER NOT NULL,"
	" kind TEXT NOT NULL"
	"  CHECK (kind IN ('problem', 'goal', 'intervention')),"
	" text TEXT NOT NULL CHECK (length(trim(text)) > 0),"
	" whose TEXT CHECK (whose IN ('patient', 'carer')),"
	" action_id INTEGER REFERENCES actions(id),"
	" created_at INTEGER NOT NULL,"
	" created_by TEXT NOT NULL,"
	" resolved_at INTEGER,"
	" resolved_reason TEXT,"
	" resolved_by TEXT,"
	" UNIQUE (plan_id, position),"
	" CHECK ((kind = 'goal') = (whose IS NOT NULL)),"
	" CHECK (action_id IS NULL OR kind = 'intervention'),"
	" CHECK (resolved_at IS NULL"
	"  OR length(trim(coalesce(resolved_reason, ''))) > 0));"
	"CREATE INDEX plan_items_by_action ON plan_items(action_id)"
	" WHERE action_id IS NOT NULL;",

	/* v22: what the six-monthly review asks, "is it working?".  A
	 * frequent-attender or ambulance list's count (attendances, calls)
	 * kept as a number on its entry (before, only in its reason: the
	 * reasons that begin with it are read back); the changes the team
	 * agreed at a review, with who and the day; the themes a
	 * discussion is tagged with (the six every network has, and the
	 * network's own). */
	"ALTER TABLE list_entries ADD COLUMN count INTEGER"
	" CHECK (count IS NULL OR count BETWEEN 0 AND 10000);"
	"UPDATE list_entries SET count = CAST(reason AS INTEGER)"
	" WHERE (list = 'frequent-attender'"
	"  AND reason GLOB '[0-9]* hospital attendance*')"
	" OR (list = 'ambulance' AND reason GLOB '[0-9]* ambulance call*');"
	"CREATE INDEX list_entries_counted ON list_entries(candidate_id,"
	" list, imported_at) WHERE count IS NOT NULL;"
	"CREATE TABLE review_notes ("
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" text TEXT NOT NULL CHECK (length(trim(text)) > 0),"
	" agreed_by TEXT NOT NULL CHECK (length(trim(agreed_by)) > 0),"
	" agreed_on TEXT NOT NULL CHECK (length(agreed_on) = 10),"
	" recorded_at INTEGER NOT NULL);"
	"CREATE INDEX review_notes_by_day ON review_notes(agreed_on, id);"
	"CREATE TABLE themes ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE"
	"  CHECK (length(trim(name)) > 0),"
	" own INTEGER NOT NULL DEFAULT 0 CHECK (own IN (0, 1)),"
	" created_at INTEGER NOT NULL);"
	"INSERT INTO themes (name, created_at) VALUES ('isolation', 0),"
	" ('housing', 0), ('falls', 0), ('carer strain', 0),"
	" ('medication', 0), ('end of life', 0);"
	"CREATE TABLE slot_themes ("
	" slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	" theme_id INTEGER NOT NULL REFERENCES themes(id),"
	" tagged_at INTEGER NOT NULL,"
	" PRIMARY KEY (slot_id, theme_id)) WITHOUT ROWID;"
	"CREATE INDEX slot_themes_by_theme ON slot_themes(theme_id);"
	"CREATE INDEX IF NOT EXISTS meetings_by_opened ON meetings(opened_at);",

	/* v23: the central record read back (docs/sync.md, "Pull").
	 * record_tasks: what the record said of an action's Task when last
	 * read (its version and time, status, owner and latest note), when
	 * its status was taken here (applied_at), and whether it is a
	 * conflict: the record closed the Task while a local change to it
	 * was not yet sent, kept for a person to settle.  record_pull: the
	 * server's time of the last complete pull of each type, from which
	 * the next one reads only what changed. */
	"CREATE TABLE record_tasks ("
	" action_id INTEGER PRIMARY KEY REFERENCES actions(id)"
	"  ON DELETE CASCADE,"
	" version TEXT NOT NULL,"
	" last_updated INTEGER NOT NULL,"
	" status TEXT NOT NULL,"
	" modified INTEGER NOT NULL,"
	" owner TEXT,"
	" note TEXT,"
	" seen_at INTEGER NOT NULL,"
	" applied_at INTEGER,"
	" conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)));"
	"CREATE INDEX record_tasks_conflicts ON record_tasks(action_id)"
	" WHERE conflict = 1;"
	"CREATE TABLE record_pull ("
	" resource_type TEXT PRIMARY KEY,"
	" since INTEGER NOT NULL,"
	" pulled_at INTEGER NOT NULL,"
	" requests INTEGER NOT NULL,"
	" bytes INTEGER NOT NULL) WITHOUT ROWID;",

	/* v24: the deaths a meeting hears of, read from the meeting before
	 * on: the meetings by when they were to start (the one before), the
	 * deaths and the outcomes "died" by when they were recorded. */
	"CREATE INDEX IF NOT EXISTS meetings_by_start"
	" ON meetings(scheduled_start);"
	"CREATE INDEX IF NOT EXISTS deaths_by_recorded ON deaths(recorded_at);"
	"CREATE INDEX IF NOT EXISTS outcomes_died ON outcomes(recorded_at)"
	" WHERE kind = 'died';",

	/* v25: the review of a period and the rising-risk register read what
	 * they show, however long the history.  The deaths by their date,
	 * between meetings and as outcomes: a period's deaths without
	 * reading every death ever recorded. */
	"CREATE INDEX IF NOT EXISTS deaths_by_died_on ON deaths(died_on);"
	"CREATE INDEX IF NOT EXISTS outcomes_died_on ON outcomes(died_on)"
	" WHERE kind = 'died';"
	/* The open actions (not withdrawn) counted by the month they are
	 * due, kept by triggers whoever writes: those overdue at a period's
	 * end are the months before its own, summed, and the days of its
	 * month read by when due (actions_open_due), less those agreed after
	 * it (by when agreed), not every open action ever agreed. */
	"CREATE TABLE actions_open_by_month ("
	" month TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO actions_open_by_month (month, n)"
	" SELECT substr(due_date, 1, 7), count(*) FROM actions"
	" WHERE status = 'open' AND withdrawn_at IS NULL GROUP BY 1;"
	"CREATE TRIGGER actions_open_add AFTER INSERT ON actions"
	" WHEN NEW.status = 'open' AND NEW.withdrawn_at IS NULL BEGIN"
	" INSERT INTO actions_open_by_month (month, n)"
	" VALUES (substr(NEW.due_date, 1, 7), 1)"
	" ON CONFLICT (month) DO UPDATE SET n = n + 1; END;"
	"CREATE TRIGGER actions_open_remove AFTER DELETE ON actions"
	" WHEN OLD.status = 'open' AND OLD.withdrawn_at IS NULL BEGIN"
	" UPDATE actions_open_by_month SET n = n - 1"
	" WHERE month = substr(OLD.due_date, 1, 7); END;"
	"CREATE TRIGGER actions_open_move AFTER UPDATE OF status,"
	" withdrawn_at, due_date ON actions BEGIN"
	" UPDATE actions_open_by_month SET n = n - 1"
	" WHERE OLD.status = 'open' AND OLD.withdrawn_at IS NULL"
	" AND month = substr(OLD.due_date, 1, 7);"
	" INSERT INTO actions_open_by_month (month, n)"
	" SELECT substr(NEW.due_date, 1, 7), 1"
	" WHERE NEW.status = 'open' AND NEW.withdrawn_at IS NULL"
	" ON CONFLICT (month) DO UPDATE SET n = n + 1; END;"
	"CREATE INDEX IF NOT EXISTS actions_open_due ON actions(due_date)"
	" WHERE status = 'open' AND withdrawn_at IS NULL;"
	/* The closed meetings not yet purged, by when they closed: the
	 * retention purge finds those past the retention period without
	 * reading every meeting it purged before. */
	"CREATE INDEX IF NOT EXISTS meetings_to_purge ON meetings(closed_at)"
	" WHERE state = 'closed' AND purged_at IS NULL;"
	/* Each stay's reviews by time: its latest is the last entry, not
	 * found among the events of every stay. */
	"CREATE INDEX IF NOT EXISTS rising_risk_reviews"
	" ON rising_risk_events(entry_id, at) WHERE kind = 'reviewed';",

	/* v26: the last pull told (docs/sync.md, "Pull"): what the last
	 * complete one found (Tasks read, actions closed from the record,
	 * conflicts, owners shown), and the last try, with its failure;
	 * the actions closed from the record by when (the slot shows those
	 * of late). */
	"ALTER TABLE record_pull ADD COLUMN tasks INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE record_pull ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE record_pull ADD COLUMN conflicts INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE record_pull ADD COLUMN owners INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE record_pull ADD COLUMN tried_at INTEGER;"
	"ALTER TABLE record_pull ADD COLUMN error TEXT;"
	/* the actions closed from the record lately, by when */
	"CREATE INDEX record_tasks_applied ON record_tasks(applied_at)"
	" WHERE applied_at IS NOT NULL;",

	/* v27: what the central record says of a patient's discussions at
	 * meetings not held here (read back for the next meeting's agenda):
	 * the discussion's Encounter, the meeting's day, title and venue,
	 * the outcome (coded kind, and its text as the record has it), the
	 * open actions agreed there (how many, their text), the plan, and
	 * when read.  record_discussion_reads: per patient, the server's
	 * time of the last complete read of their discussions (the next
	 * one asks only for what changed since). */
	"CREATE TABLE record_discussions ("
	" id INTEGER PRIMARY KEY,"
	" patient_id INTEGER NOT NULL REFERENCES patients(id)"
	"  ON DELETE CASCADE,"
	" encounter TEXT NOT NULL UNIQUE,"
	" version TEXT NOT NULL,"
	" day TEXT NOT NULL,"
	" meeting TEXT,"
	" venue TEXT,"
	" outcome_kind TEXT CHECK (outcome_kind IN ('stay', 'step_down',"
	"  'close', 'died')),"
	" outcome_text TEXT,"
	" open_actions INTEGER NOT NULL DEFAULT 0,"
	" actions TEXT,"
	" plan TEXT,"
	" read_at INTEGER NOT NULL);"
	"CREATE INDEX record_discussions_patient"
	" ON record_discussions(patient_id, day);"
	"CREATE TABLE record_discussion_reads ("
	" patient_id INTEGER PRIMARY KEY REFERENCES patients(id)"
	"  ON DELETE CASCADE,"
	" since INTEGER NOT NULL);",

	/* v28: the same constraints, cheaper to check.  SQLite checks
	 * "x IN (a, b, c, ...)" of more than two values by building a
	 * temporary index of them for every row written; a list entry and a
	 * referral were written with one each (an import writes one of each
	 * a row).  They become "x = a OR x = b ...", which admits the same
	 * values (and NULL, as IN did).  SQLite cannot change a CHECK in
	 * place, so both tables are copied.  Candidates refer to the
	 * referrals: the references are checked at the commit (deferred),
	 * when every referral is back under its id. */
	"CREATE TABLE list_entries_v28 ("
	" id INTEGER PRIMARY KEY,"
	" candidate_id INTEGER NOT NULL"
	"  REFERENCES candidates(id) ON DELETE CASCADE,"
	" list TEXT NOT NULL CHECK (list = 'caseload' OR list = 'referral'"
	"  OR list = 'inpatient' OR list = 'discharge'"
	"  OR list = 'frequent-attender' OR list = 'ambulance'),"
	LIST_ENTRY_COLUMNS
	" count INTEGER CHECK (count IS NULL OR count BETWEEN 0 AND 10000),"
	" UNIQUE (candidate_id, list));"
	"INSERT INTO list_entries_v28 (id, candidate_id, list, reason,"
	" referred_by, review_date, source, line, row_hash, imported_at, count)"
	" SELECT id, candidate_id, list, reason, referred_by, review_date,"
	" source, line, row_hash, imported_at, count FROM list_entries;"
	"DROP TABLE list_entries;"
	"ALTER TABLE list_entries_v28 RENAME TO list_entries;"
	"CREATE INDEX list_entries_counted ON list_entries(candidate_id,"
	" list, imported_at) WHERE count IS NOT NULL;"

	"PRAGMA defer_foreign_keys = ON;"
	"CREATE TEMP TABLE referrals_v27 AS SELECT * FROM referrals;"
	"DROP TABLE referrals;"
	"CREATE TABLE referrals ("
	REFERRAL_COLUMNS_HEAD
	" consent TEXT CHECK (consent = 'given' OR consent = 'refused'"
	"  OR consent = 'not-asked'),"
	REFERRAL_COLUMNS_TAIL
	"INSERT INTO referrals (id, uuid, patient_id, referrer, service, reason,"
	" urgency, consent, raised_at, source, withdrawn_at, withdraw_reason,"
	" discussed_slot_id)"
	" SELECT id, uuid, patient_id, referrer, service, reason, urgency,"
	" consent, raised_at, source, withdrawn_at, withdraw_reason,"
	" discussed_slot_id FROM temp.referrals_v27;"
	"DROP TABLE temp.referrals_v27;"
	REFERRAL_INDEXES,

	/* v29: the patients the purge looks at again.  A patient's identity
	 * goes once nobody needs it (purge.c); what could end that need
	 * puts them here (a meeting of theirs purged, a candidacy or slot
	 * gone, an action of theirs no longer open, a referral settled, a
	 * stay on the register ended, a plan no longer active, an outcome
	 * of theirs recorded or changed), so that each purge reads these,
	 * not every patient the history holds.  A purge leaves here only
	 * those whose records wait to be delivered.  ('(purged)' is
	 * MDT_PURGED_TEXT, rules.h.) */
	"CREATE TABLE purge_recheck (patient_id INTEGER PRIMARY KEY);"
	/* and the finished actions whose words the purge has yet to take:
	 * those of the meetings within the period, and the few closed
	 * after theirs was purged */
	"CREATE INDEX actions_finished_unpurged ON actions(slot_id)"
	" WHERE status <> 'open' AND text <> '(purged)';"
	"INSERT INTO purge_recheck SELECT DISTINCT c.patient_id"
	" FROM candidates c JOIN meetings m ON m.id = c.meeting_id"
	" JOIN patients p ON p.id = c.patient_id"
	" WHERE m.purged_at IS NOT NULL AND p.purged_at IS NULL;"
	"CREATE TRIGGER purge_recheck_meeting AFTER UPDATE OF purged_at,"
	" scheduled_start ON meetings BEGIN"
	" INSERT INTO purge_recheck SELECT patient_id FROM"
	"  (SELECT patient_id FROM candidates WHERE meeting_id = NEW.id"
	"   UNION SELECT patient_id FROM slots WHERE meeting_id = NEW.id) x"
	"  WHERE" RECHECK_NEW("x.patient_id") "; END;"
	"CREATE TRIGGER purge_recheck_candidate AFTER UPDATE OF meeting_id,"
	" patient_id ON candidates BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_candidate_gone AFTER DELETE ON candidates"
	" BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_slot AFTER UPDATE OF meeting_id,"
	" patient_id ON slots BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_slot_gone AFTER DELETE ON slots BEGIN"
	RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_action AFTER UPDATE OF status, patient_id"
	" ON actions WHEN OLD.status = 'open' BEGIN" RECHECK("OLD.patient_id")
	" END;"
	"CREATE TRIGGER purge_recheck_action_gone AFTER DELETE ON actions"
	" WHEN OLD.status = 'open' BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_referral AFTER UPDATE OF withdrawn_at,"
	" discussed_slot_id, patient_id ON referrals BEGIN"
	RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_referral_gone AFTER DELETE ON referrals"
	" BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_rising AFTER UPDATE OF ended_at,"
	" patient_id ON rising_risk BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_rising_gone AFTER DELETE ON rising_risk"
	" BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_plan AFTER UPDATE OF status, patient_id"
	" ON care_plans BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_plan_gone AFTER DELETE ON care_plans"
	" BEGIN" RECHECK("OLD.patient_id") " END;"
	"CREATE TRIGGER purge_recheck_outcome AFTER INSERT ON outcomes BEGIN"
	RECHECK_SLOTS("NEW.slot_id") " END;"
	"CREATE TRIGGER purge_recheck_outcome_changed AFTER UPDATE OF kind,"
	" slot_id, recorded_at ON outcomes BEGIN"
	RECHECK_SLOTS("OLD.slot_id, NEW.slot_id") " END;"
	"CREATE TRIGGER purge_recheck_outcome_gone AFTER DELETE ON outcomes"
	" BEGIN" RECHECK_SLOTS("OLD.slot_id") " END;",

	/* v30: the local identifiers traced ("L000000017 traced"), so that
	 * the next one is found by the highest ever given (trace.c) in one
	 * step, not by reading the whole audit */
	"CREATE INDEX audit_traces ON audit(detail)"
	" WHERE action = 'patient_trace';",

	/* v31: the meetings by state, then when: the one open, the next
	 * planned, those to come, each found among the few not closed.  By
	 * opened_at or scheduled_start alone, SQLite walked every meeting
	 * held looking for one open or planned, and did so whenever none
	 * was.  And by when closed: the last held, when none is to come */
	"CREATE INDEX meetings_by_state ON meetings(state, scheduled_start,"
	" id);"
	"CREATE INDEX meetings_by_closed ON meetings(closed_at, id);",
};

_Static_assert(MDT_STEPS_FIRST + MDT_COUNT(mdt_steps_later) ==
    MDT_SCHEMA_VERSION, "one step per schema version");
