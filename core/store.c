/*
 * store.c - the SQLite store: opening (and refusing) database files, the
 * schema and its migrations, transactions, the statement helpers, and the
 * audit and outbox writers shared by the acts.
 */
#include "config.h"

#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "model.h"
#include "rules.h"
#include "store_internal.h"
#include "util.h"

/* ---- schema ---------------------------------------------------------- */

/*
 * Each entry takes the schema from version i to i + 1.  A later schema is
 * one more entry; steps already applied are never edited.
 */
static const char *const migrations[] = {
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
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" entity TEXT NOT NULL,"
	" entity_uuid TEXT NOT NULL,"
	" op TEXT NOT NULL DEFAULT 'upsert',"
	" created_at INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending'"
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
	" id INTEGER PRIMARY KEY,"
	" uuid TEXT NOT NULL UNIQUE,"
	" entity TEXT NOT NULL,"
	" entity_uuid TEXT NOT NULL,"
	" op TEXT NOT NULL DEFAULT 'upsert',"
	" created_at INTEGER NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending'"
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
	" reason TEXT NOT NULL DEFAULT '',"
	" referred_by TEXT NOT NULL DEFAULT '',"
	" review_date TEXT,"
	" source TEXT NOT NULL,"
	" line INTEGER NOT NULL,"
	" row_hash TEXT NOT NULL,"
	" imported_at INTEGER NOT NULL,"
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
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(N_MIGRATIONS == MDT_SCHEMA_VERSION,
    "one migration step per schema version");

/* ---- errors ---------------------------------------------------------- */

enum mdt_status
mdt_db_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return MDT_OK;
	case SQLITE_FULL:
		return MDT_EFULL;
	case SQLITE_IOERR:
		return MDT_EDISK;
	case SQLITE_READONLY:
		return MDT_EREADONLY;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return MDT_EBUSY;
	case SQLITE_NOTADB:
		return MDT_ENOTMDT;
	case SQLITE_NOMEM:
		return MDT_ENOMEM;
	default:
		return MDT_EDB;
	}
}

enum mdt_status
mdt_fail(struct mdt_store *s, enum mdt_status st, const char *fmt, ...)
{
	char detail[400];
	va_list ap;

	if (fmt == NULL) {
		mdt_strlcpy(s->err, mdt_strerror(st), sizeof(s->err));
		return st;
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(s->err, sizeof(s->err), "%s: %s", mdt_strerror(st), detail);
	return st;
}

enum mdt_status
mdt_fail_db(struct mdt_store *s, int rc, const char *what)
{
	enum mdt_status st = mdt_db_status(rc);

	if (st == MDT_OK)
		st = MDT_EDB;
	/* What the person at the keyboard can do about it, too: whatever
	 * failed was rolled back whole. */
	if (st == MDT_EFULL || st == MDT_EDISK)
		return mdt_fail(s, st, "nothing was saved (%s%s%s); %s and"
		    " try again", sqlite3_errmsg(s->db), what != NULL ?
		    ", while " : "", what != NULL ? what : "",
		    st == MDT_EFULL ? "free some space" : "check the disk");
	if (what != NULL)
		return mdt_fail(s, st, "%s (%s)", sqlite3_errmsg(s->db), what);
	return mdt_fail(s, st, "%s", sqlite3_errmsg(s->db));
}

/* ---- transactions ---------------------------------------------------- */

/* Runs one of BEGIN IMMEDIATE, COMMIT, ROLLBACK (kept prepared, as every
 * act runs two of them); MDT_OK or the failure recorded, saying while
 * doing what. */
static enum mdt_status
tx_step(struct mdt_store *s, const char *sql, const char *what)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	int rc;

	status = mdt_prep(s, &st, sql, NULL);
	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, what);
	mdt_done(s, st);
	return status;
}

enum mdt_status
mdt_tx_begin(struct mdt_store *s)
{
	return tx_step(s, "BEGIN IMMEDIATE", "starting a transaction");
}

enum mdt_status
mdt_tx_commit(struct mdt_store *s)
{
	enum mdt_status st = tx_step(s, "COMMIT", "saving");

	if (st != MDT_OK)
		mdt_tx_rollback(s);
	return st;
}

void
mdt_tx_rollback(struct mdt_store *s)
{
	char err[sizeof(s->err)];

	/* A failed statement (disk full, I/O error) may already have rolled
	 * the transaction back.  The error line stays that of the failure. */
	if (sqlite3_get_autocommit(s->db))
		return;
	memcpy(err, s->err, sizeof(err));
	(void)tx_step(s, "ROLLBACK", "undoing a transaction");
	memcpy(s->err, err, sizeof(err));
}

enum mdt_status
mdt_tx_end(struct mdt_store *s, enum mdt_status st)
{
	if (st == MDT_OK)
		return mdt_tx_commit(s);
	mdt_tx_rollback(s);
	return st;
}

/* ---- statements ------------------------------------------------------ */

static uint32_t
sql_hash(const char *sql)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 16777619u;
	return h;
}

/* A kept statement for sql that is not handed out, marked handed out;
 * NULL if there is none. */
static sqlite3_stmt *
stmt_take(struct mdt_store *s, const char *sql)
{
	uint32_t h = sql_hash(sql);

	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *k = &s->stmts[i];

		if (k->st != NULL && !k->busy && k->hash == h &&
		    strcmp(sqlite3_sql(k->st), sql) == 0) {
			k->busy = true;
			k->used = ++s->stmt_clock;
			return k->st;
		}
	}
	return NULL;
}

/*
 * Prepares sql, keeping the statement (handed out) in a free place or in
 * place of the one used longest ago that is not handed out; when every
 * place holds a handed-out statement it is not kept, and mdt_done
 * finalizes it.
 */
static int
stmt_prepare(struct mdt_store *s, const char *sql, sqlite3_stmt **out)
{
	struct mdt_stmt_slot *k = NULL;
	int rc;

	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *c = &s->stmts[i];

		if (c->st == NULL) {
			k = c;
			break;
		}
		if (!c->busy && (k == NULL || c->used < k->used))
			k = c;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1,
	    k != NULL ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
	if (rc != SQLITE_OK || k == NULL || *out == NULL)
		return rc;
	if (k->st != NULL)
		sqlite3_finalize(k->st);
	k->st = *out;
	k->hash = sql_hash(sql);
	k->busy = true;
	k->used = ++s->stmt_clock;
	return rc;
}

void
mdt_done(struct mdt_store *s, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		struct mdt_stmt_slot *k = &s->stmts[i];

		if (k->st == st) {
			/* the step's error, if any, was read already */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			k->busy = false;
			return;
		}
	}
	sqlite3_finalize(st);
}

int
mdt_store_statements_open(struct mdt_store *s)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(s->db, st)) != NULL) {
		size_t i;

		for (i = 0; i < MDT_STMT_CACHE; i++)
			if (s->stmts[i].st == st)
				break;
		if (i == MDT_STMT_CACHE || s->stmts[i].busy)
			n++;
	}
	return n;
}

static void
stmts_free(struct mdt_store *s)
{
	for (size_t i = 0; i < MDT_STMT_CACHE; i++) {
		sqlite3_finalize(s->stmts[i].st);
		s->stmts[i].st = NULL;
	}
}

enum mdt_status
mdt_vprep(struct mdt_store *s, sqlite3_stmt **out, const char *sql,
    const char *fmt, va_list ap)
{
	sqlite3_stmt *st = NULL;
	int rc, i, idx;
	const char *str;
	int64_t v;

	*out = NULL;
	st = stmt_take(s, sql);
	if (st == NULL) {
		rc = stmt_prepare(s, sql, &st);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return mdt_fail_db(s, rc, "preparing a query");
		}
	}
	for (i = 0; fmt != NULL && fmt[i] != '\0'; i++) {
		idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		case 'I':
			v = va_arg(ap, int64_t);
			rc = v == 0 ? sqlite3_bind_null(st, idx) :
			    sqlite3_bind_int64(st, idx, v);
			break;
		case 'd':
			rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
			break;
		case 't':
		case 'T':
			str = va_arg(ap, const char *);
			if (str == NULL || (fmt[i] == 'T' && *str == '\0'))
				rc = sqlite3_bind_null(st, idx);
			else
				rc = sqlite3_bind_text(st, idx, str, -1,
				    SQLITE_TRANSIENT);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
		if (rc != SQLITE_OK) {
			enum mdt_status status = mdt_fail_db(s, rc,
			    "binding a value");

			mdt_done(s, st);
			return status;
		}
	}
	*out = st;
	return MDT_OK;
}

enum mdt_status
mdt_prep(struct mdt_store *s, sqlite3_stmt **out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	va_list ap;

	va_start(ap, fmt);
	status = mdt_vprep(s, out, sql, fmt, ap);
	va_end(ap);
	return status;
}

enum mdt_status
mdt_run(struct mdt_store *s, const char *sql, const char *fmt, ...)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	status = mdt_vprep(s, &st, sql, fmt, ap);
	va_end(ap);
	if (status != MDT_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		status = mdt_fail_db(s, rc, NULL);
	mdt_done(s, st);
	return status;
}

/* Steps a one-value query: MDT_OK with *st on the row (the caller reads
 * column 0 and gives it back with mdt_done), MDT_ENOTFOUND or an error
 * with *st given back. */
static enum mdt_status
query_one(struct mdt_store *s, sqlite3_stmt **st, const char *sql,
    const char *fmt, va_list ap)
{
	enum mdt_status status = mdt_vprep(s, st, sql, fmt, ap);
	int rc;

	if (status != MDT_OK)
		return status;
	rc = sqlite3_step(*st);
	if (rc == SQLITE_ROW)
		return MDT_OK;
	status = rc == SQLITE_DONE ? MDT_ENOTFOUND : mdt_fail_db(s, rc, NULL);
	mdt_done(s, *st);
	*st = NULL;
	return status;
}

enum mdt_status
mdt_query_int(struct mdt_store *s, int64_t *out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	va_list ap;

	*out = 0;
	va_start(ap, fmt);
	status = query_one(s, &st, sql, fmt, ap);
	va_end(ap);
	if (status == MDT_OK) {
		*out = sqlite3_column_int64(st, 0);
		mdt_done(s, st);
	}
	return status;
}

enum mdt_status
mdt_query_text(struct mdt_store *s, char **out, const char *sql,
    const char *fmt, ...)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	va_list ap;

	*out = NULL;
	va_start(ap, fmt);
	status = query_one(s, &st, sql, fmt, ap);
	va_end(ap);
	if (status == MDT_OK) {
		*out = mdt_col_dup(st, 0);
		mdt_done(s, st);
	}
	return status;
}

int64_t
mdt_col_int(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

char *
mdt_col_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t == NULL ? NULL : mdt_xstrdup((const char *)t);
}

char *
mdt_col_dup0(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return mdt_xstrdup(t == NULL ? "" : (const char *)t);
}

void
mdt_col_copy(sqlite3_stmt *st, int col, char *dst, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	mdt_strlcpy(dst, t == NULL ? "" : (const char *)t, n);
}

/* ---- audit and outbox ------------------------------------------------ */

enum mdt_status
mdt_audit_add(struct mdt_store *s, const char *action, const char *entity,
    const char *entity_uuid, const char *fmt, ...)
{
	enum mdt_status status;
	char *detail = NULL;
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		detail = mdt_xvasprintf(fmt, ap);
		va_end(ap);
	}
	status = mdt_run(s,
	    "INSERT INTO audit (at, actor, action, entity, entity_uuid, detail)"
	    " VALUES (?, ?, ?, ?, ?, ?)", "itttTt",
	    mdt_store_now(s), s->actor, action, entity, entity_uuid, detail);
	free(detail);
	return status;
}

enum mdt_status
mdt_outbox_add(struct mdt_store *s, const char *entity,
    const char *entity_uuid, const char *op)
{
	char uuid[37];
	int64_t now = mdt_store_now(s);

	mdt_uuid_new(uuid);
	return mdt_run(s,
	    "INSERT INTO outbox (uuid, entity, entity_uuid, op, created_at,"
	    " next_at) VALUES (?, ?, ?, ?, ?, ?)", "ttttii",
	    uuid, entity, entity_uuid, op != NULL ? op : "upsert", now, now);
}

/* ---- names ----------------------------------------------------------- */

static int
parse_name(const char *name, const char *(*fn)(int), int n)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(fn(i), name) == 0)
			return i;
	return -1;
}

static const char *
slot_state_at(int i)
{
	return mdt_slot_state_name((enum mdt_slot_state)i);
}

static const char *
consent_at(int i)
{
	return mdt_consent_name((enum mdt_consent_basis)i);
}

static const char *
outcome_at(int i)
{
	return mdt_outcome_name((enum mdt_outcome_kind)i);
}

static const char *
action_status_at(int i)
{
	return mdt_action_status_name((enum mdt_action_status)i);
}

static const char *
attend_at(int i)
{
	return mdt_attend_name((enum mdt_attend)i);
}

static const char *
meeting_state_at(int i)
{
	return mdt_meeting_state_name((enum mdt_meeting_state)i);
}

int
mdt_slot_state_parse(const char *name)
{
	return parse_name(name, slot_state_at, MDT_SLOT_DONE + 1);
}

int
mdt_consent_parse(const char *name)
{
	return parse_name(name, consent_at, MDT_CONSENT_RISK_TO_OTHERS + 1);
}

int
mdt_outcome_parse(const char *name)
{
	return parse_name(name, outcome_at, MDT_OUTCOME_DIED + 1);
}

int
mdt_action_status_parse(const char *name)
{
	return parse_name(name, action_status_at, MDT_ACTION_CANCELLED + 1);
}

int
mdt_attend_parse(const char *name)
{
	return parse_name(name, attend_at, MDT_ATTEND_APOLOGIES + 1);
}

int
mdt_meeting_state_parse(const char *name)
{
	return parse_name(name, meeting_state_at, MDT_MEETING_CLOSED + 1);
}

static const char *
verdict_at(int i)
{
	return mdt_action_verdict_name((enum mdt_action_verdict)i);
}

int
mdt_action_verdict_parse(const char *name)
{
	return parse_name(name, verdict_at, MDT_VERDICT_CANCELLED + 1);
}

/* ---- opening --------------------------------------------------------- */

static void
set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* The folder that holds path ("." for a bare name). */
static char *
parent_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return mdt_xstrdup(".");
	if (slash == path)
		return mdt_xstrdup("/");
	return mdt_xasprintf("%.*s", (int)(slash - path), path);
}

/* Whether SQLite could write the file and the journal beside it. */
static bool
path_writable(const char *path)
{
	char *dir = parent_dir(path);
	bool ok = access(path, W_OK) == 0 && access(dir, W_OK) == 0;

	free(dir);
	return ok;
}

/*
 * The database holds patient records: a file (or its journal) that other
 * users can read is a leak waiting to happen, so it is refused before
 * anything is opened or changed, with the command that fixes it.
 */
static enum mdt_status
refuse_shared(const char *path, mode_t mode, char *errbuf, size_t errlen)
{
	if ((mode & 077) == 0)
		return MDT_OK;
	set_errbuf(errbuf, errlen,
	    "%s is readable by other users (mode %04o): chmod 600 %s", path,
	    (unsigned)(mode & 07777), path);
	return MDT_EOPEN;
}

/* The database file and any -wal or -shm beside it are private. */
static enum mdt_status
check_private(const char *path, const struct stat *sb, char *errbuf,
    size_t errlen)
{
	static const char *const suffix[] = { "-wal", "-shm" };
	struct stat jb;
	enum mdt_status st;
	char *journal;
	size_t i;

	st = refuse_shared(path, sb->st_mode, errbuf, errlen);
	for (i = 0; st == MDT_OK && i < sizeof(suffix) / sizeof(suffix[0]);
	    i++) {
		journal = mdt_xasprintf("%s%s", path, suffix[i]);
		if (stat(journal, &jb) == 0)
			st = refuse_shared(journal, jb.st_mode, errbuf, errlen);
		free(journal);
	}
	return st;
}

/*
 * Makes sure a file is there to open: an existing regular file, or (with
 * MDT_OPEN_CREATE) a new empty one made with mode 0600.
 */
static enum mdt_status
prepare_file(const char *path, unsigned flags, bool *created, char *errbuf,
    size_t errlen)
{
	struct stat sb;
	int fd;

	*created = false;
	if (stat(path, &sb) == 0) {
		if (!S_ISREG(sb.st_mode)) {
			set_errbuf(errbuf, errlen,
			    "cannot open the database %s: not a regular file",
			    path);
			return MDT_EOPEN;
		}
		return check_private(path, &sb, errbuf, errlen);
	}
	if (errno != ENOENT || !(flags & MDT_OPEN_CREATE)) {
		set_errbuf(errbuf, errlen, "cannot open the database %s: %s",
		    path, strerror(errno));
		return MDT_EOPEN;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)	/* made by someone else meanwhile */
			return MDT_OK;
		set_errbuf(errbuf, errlen, "cannot create the database %s: %s",
		    path, strerror(errno));
		return MDT_EOPEN;
	}
	if (fchmod(fd, 0600) != 0 || close(fd) != 0) {
		set_errbuf(errbuf, errlen, "cannot create the database %s: %s",
		    path, strerror(errno));
		unlink(path);
		return MDT_EOPEN;
	}
	*created = true;
	return MDT_OK;
}

/* Reads an integer pragma without changing anything; SQLite result code. */
static int
pragma_int(sqlite3 *db, const char *pragma, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	rc = sqlite3_prepare_v2(db, pragma, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* An SQLite failure while only reading an existing file. */
static enum mdt_status
read_failure(struct mdt_store *s, int rc, char *errbuf, size_t errlen)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		set_errbuf(errbuf, errlen,
		    "%s is not an mdtchair database (not an SQLite database)",
		    s->path);
		return MDT_ENOTMDT;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		if (!path_writable(s->path)) {
			set_errbuf(errbuf, errlen,
			    "the database is read-only: %s", s->path);
			return MDT_EREADONLY;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		set_errbuf(errbuf, errlen, "the database is busy: %s: %s",
		    s->path, sqlite3_errmsg(s->db));
		return MDT_EBUSY;
	default:
		break;
	}
	set_errbuf(errbuf, errlen, "cannot open the database %s: %s", s->path,
	    sqlite3_errmsg(s->db));
	return mdt_db_status(rc) == MDT_EDB ? MDT_EOPEN : mdt_db_status(rc);
}

/*
 * The checks made before anything is written: read-only, not a database,
 * another program's database, a newer schema.
 */
static enum mdt_status
check_identity(struct mdt_store *s, bool memory, char *errbuf, size_t errlen)
{
	int64_t app_id, version, tables;
	int rc;

	if (!memory && (sqlite3_db_readonly(s->db, "main") == 1 ||
	    !path_writable(s->path))) {
		set_errbuf(errbuf, errlen, "the database is read-only: %s",
		    s->path);
		return MDT_EREADONLY;
	}
	rc = pragma_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "PRAGMA user_version", &version);
	if (rc == SQLITE_OK)
		rc = pragma_int(s->db, "SELECT count(*) FROM sqlite_master"
		    " WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%'"
		    " ESCAPE '\\'", &tables);
	if (rc != SQLITE_OK)
		return read_failure(s, rc, errbuf, errlen);
	if (app_id != 0 && app_id != MDT_APPLICATION_ID) {
		set_errbuf(errbuf, errlen, "%s is not an mdtchair database"
		    " (application_id 0x%08" PRIx64 ")", s->path,
		    (uint64_t)app_id & 0xffffffffu);
		return MDT_ENOTMDT;
	}
	if (app_id == 0 && tables > 0) {
		set_errbuf(errbuf, errlen, "%s is not an mdtchair database"
		    " (it holds another program's tables)", s->path);
		return MDT_ENOTMDT;
	}
	if (version > MDT_SCHEMA_VERSION) {
		set_errbuf(errbuf, errlen, "%s was written by a newer mdtchair"
		    " (schema %" PRId64 "; this one reads up to %d)", s->path,
		    version, MDT_SCHEMA_VERSION);
		return MDT_ENEWER;
	}
	if (version < 0) {
		set_errbuf(errbuf, errlen, "%s is not an mdtchair database"
		    " (schema %" PRId64 ")", s->path, version);
		return MDT_ENOTMDT;
	}
	return MDT_OK;
}

static enum mdt_status
set_pragmas(struct mdt_store *s, bool memory, char *errbuf, size_t errlen)
{
	char *mode = NULL;
	enum mdt_status st;
	int64_t fk;

	st = mdt_query_text(s, &mode, "PRAGMA journal_mode = WAL", NULL);
	if (st == MDT_OK && !memory && (mode == NULL ||
	    strcmp(mode, "wal") != 0)) {
		st = mdt_fail(s, MDT_EDB, "cannot switch %s to WAL mode",
		    s->path);
	}
	free(mode);
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA synchronous = FULL", NULL);
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA foreign_keys = ON", NULL);
	/* Freed space is zeroed, so that a patient's old words do not
	 * linger in the file after an edit or the retention purge. */
	if (st == MDT_OK)
		st = mdt_run(s, "PRAGMA secure_delete = ON", NULL);
	if (st == MDT_OK)
		st = mdt_query_int(s, &fk, "PRAGMA foreign_keys", NULL);
	if (st == MDT_OK && fk != 1)
		st = mdt_fail(s, MDT_EDB, "foreign keys are not supported");
	if (st != MDT_OK)
		set_errbuf(errbuf, errlen, "cannot open the database %s: %s",
		    s->path, s->err);
	return st;
}

/*
 * Called after every commit, once other connections can read it and the
 * write lock is gone: touches the log's times, so that a window watching
 * the file (uv_fs_event, inotify) is woken when the commit is visible.
 * The log's writes wake it too, but too early: with synchronous=FULL the
 * commit becomes visible only after the fsync that follows them.  This
 * hook replaces SQLite's automatic checkpoint, so it checkpoints as that
 * does, once the log holds 1000 pages.
 */
static int
store_wal_hook(void *ctx, sqlite3 *db, const char *name, int pages)
{
	struct mdt_store *s = ctx;

	if (s->wal_path != NULL)
		utimensat(AT_FDCWD, s->wal_path, NULL, 0);
	s->wal_pages = pages;
	if (pages >= (s->defer_checkpoints ? 4000 : 1000) &&
	    sqlite3_wal_checkpoint(db, name) == SQLITE_OK)
		s->wal_pages = 0;
	return SQLITE_OK;
}

void
mdt_store_defer_checkpoints(struct mdt_store *s, bool defer)
{
	s->defer_checkpoints = defer;
}

int
mdt_store_wal_pages(const struct mdt_store *s)
{
	return s->wal_pages;
}

enum mdt_status
mdt_store_checkpoint(struct mdt_store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	/* busy: another window is checkpointing; it will do */
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return mdt_fail_db(s, rc, "copying the log into the database");
	s->wal_pages = 0;
	return MDT_OK;
}

/* Applies the migration steps one transaction each. */
static enum mdt_status
migrate(struct mdt_store *s, char *errbuf, size_t errlen)
{
	enum mdt_status st = MDT_OK;
	char sql[96];
	int64_t version;
	int rc;

	for (;;) {
		st = mdt_tx_begin(s);
		if (st != MDT_OK)
			break;
		/* Read again inside the lock: another window may have
		 * migrated meanwhile. */
		st = mdt_query_int(s, &version, "PRAGMA user_version", NULL);
		if (st != MDT_OK || version >= N_MIGRATIONS) {
			mdt_tx_rollback(s);
			break;
		}
		rc = sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			st = mdt_fail_db(s, rc, "creating the schema");
			mdt_tx_rollback(s);
			break;
		}
		if (version == 0) {
			snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
			    MDT_APPLICATION_ID);
			st = mdt_run(s, sql, NULL);
		}
		if (st == MDT_OK) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			    (int)version + 1);
			st = mdt_run(s, sql, NULL);
		}
		st = mdt_tx_end(s, st);
		if (st != MDT_OK)
			break;
	}
	if (st != MDT_OK)
		set_errbuf(errbuf, errlen, "cannot set up the database %s: %s",
		    s->path, s->err);
	return st;
}

static void
remove_created(const char *path)
{
	char *side;

	unlink(path);
	side = mdt_xasprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = mdt_xasprintf("%s-shm", path);
	unlink(side);
	free(side);
}

/*
 * Once a process, before SQLite starts: no bulk allocation for a page
 * cache.  SQLite gives every new cache one block of 20 pages and links
 * them all, and every temporary table a statement builds (a WITH, a
 * UNION, an IN list) has a cache of its own: the snapshot made half a
 * dozen a key, each a block written through, freed, and given back to
 * the system.  Pages one at a time cost a table of a few rows nothing.
 * Too late once SQLite has started (a test that registers a VFS first):
 * then it keeps its way, which is only slower.
 */
static void
store_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

enum mdt_status
mdt_store_open(const char *path, const struct mdt_clock *clock,
    unsigned flags, struct mdt_store **out, char *errbuf, size_t errlen)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;

	struct mdt_store *s;
	enum mdt_status st;
	bool memory, created = false;
	const char *actor;
	int rc;

	(void)pthread_once(&configured, store_configure);
	*out = NULL;
	set_errbuf(errbuf, errlen, "%s", "");
	if (path == NULL || *path == '\0') {
		set_errbuf(errbuf, errlen, "no database path given");
		return MDT_EOPEN;
	}
	memory = strcmp(path, ":memory:") == 0;
	if (!memory) {
		st = prepare_file(path, flags, &created, errbuf, errlen);
		if (st != MDT_OK)
			return st;
	}

	s = mdt_xcalloc(1, sizeof(*s));
	s->path = mdt_xstrdup(path);
	if (clock != NULL && clock->now != NULL)
		s->clock = *clock;
	else
		s->clock.now = mdt_clock_real;
	actor = getenv("USER");
	if (actor == NULL || *actor == '\0')
		actor = getenv("LOGNAME");
	s->actor = mdt_xstrdup(actor != NULL && *actor != '\0' ? actor :
	    "unknown");

	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    (memory ? SQLITE_OPEN_CREATE : 0), NULL);
	if (rc != SQLITE_OK) {
		if (s->db == NULL) {
			set_errbuf(errbuf, errlen,
			    "cannot open the database %s: out of memory", path);
			st = MDT_ENOMEM;
		} else
			st = read_failure(s, rc, errbuf, errlen);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (!memory)
		s->wal_path = mdt_xasprintf("%s-wal", path);
	sqlite3_wal_hook(s->db, store_wal_hook, s);

	st = check_identity(s, memory, errbuf, errlen);
	if (st == MDT_OK)
		st = set_pragmas(s, memory, errbuf, errlen);
	if (st == MDT_OK)
		st = migrate(s, errbuf, errlen);
	if (st == MDT_OK &&
	    pragma_int(s->db, "PRAGMA data_version", &s->data_version) !=
	    SQLITE_OK)
		s->data_version = 0;
	if (st != MDT_OK)
		goto fail;
	*out = s;
	return MDT_OK;

fail:
	mdt_store_free(s);
	if (created)
		remove_created(path);
	return st;
}

void
mdt_store_free(struct mdt_store *s)
{
	sqlite3_stmt *st;

	if (s == NULL)
		return;
	stmts_free(s);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK) {
		/* A statement left open is a bug; close cleanly anyway so
		 * that the WAL is checkpointed. */
		while ((st = sqlite3_next_stmt(s->db, NULL)) != NULL)
			sqlite3_finalize(st);
		sqlite3_close(s->db);
	}
	free(s->path);
	free(s->wal_path);
	free(s->actor);
	free(s);
}

const char *
mdt_store_error(const struct mdt_store *s)
{
	if (s == NULL)
		return "no store";
	return s->err[0] != '\0' ? s->err : mdt_strerror(MDT_OK);
}

int64_t
mdt_store_now(const struct mdt_store *s)
{
	return s->clock.now(s->clock.ctx);
}

void
mdt_store_set_actor(struct mdt_store *s, const char *actor)
{
	free(s->actor);
	s->actor = mdt_xstrdup(mdt_str_blank(actor) ? "unknown" : actor);
}

void
mdt_store_set_busy_timeout(struct mdt_store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms);
}

struct sqlite3 *
mdt_store_db(struct mdt_store *s)
{
	return s->db;
}

const char *
mdt_store_wal_path(const struct mdt_store *s)
{
	return s->wal_path;
}

const char *
mdt_store_path(const struct mdt_store *s)
{
	return s->path;
}

enum mdt_status
mdt_store_changed(struct mdt_store *s, bool *changed)
{
	enum mdt_status st;
	int64_t v;

	*changed = false;
	st = mdt_query_int(s, &v, "PRAGMA data_version", NULL);
	if (st != MDT_OK)
		return st;
	if (v != s->data_version) {
		*changed = true;
		s->data_version = v;
	}
	return MDT_OK;
}
