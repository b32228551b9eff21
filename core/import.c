/*
 * import.c - importing a pre-meeting list from a CSV file (docs/import.md)
 * into the candidates of a meeting.  The rows come checked, one at a time,
 * from import_read.c, and the good ones are merged per patient (NHS
 * number) as they come, in one transaction: all of them, or - when any row
 * is bad and the caller did not ask to skip bad rows - none (the
 * transaction rolled back; no row is written after the first bad one).
 * Each row is remembered per (candidate, list) with a hash of its content,
 * so that importing the same file again changes nothing.
 */
#include "config.h"

#include "import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "import_internal.h"
#include "model.h"
#include "prep_internal.h"
#include "rules.h"
#include "safefile.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "trace.h"
#include "util.h"

/* The statements of the import, prepared once for all its rows. */
enum query {
	Q_PATIENT,		/* find a patient */
	Q_UNTRACED,		/* find one held untraced by name and birth */
	Q_ENTRY,		/* find a list entry */
	Q_FIND_CAND,		/* find a candidate */
	Q_INS_PATIENT,
	Q_INS_CAND,
	Q_ADD_LIST,
	Q_INS_ENTRY,
	Q_INS_REFERRAL,
	N_QUERIES
};

static const char *const query_sql[N_QUERIES] = {
	[Q_PATIENT] = "SELECT id, date_of_birth, name, coalesce(practice, '')"
	    " FROM patients WHERE nhs_number = ?",
	[Q_UNTRACED] = "SELECT nhs_number FROM patients"
	    " WHERE nhs_number GLOB 'L[0-9]*' AND name = ?"
	    " AND date_of_birth = ? ORDER BY id LIMIT 1",
	[Q_ENTRY] = "SELECT id, row_hash FROM list_entries"
	    " WHERE candidate_id = ? AND list = ?",
	[Q_FIND_CAND] = "SELECT id FROM candidates"
	    " WHERE meeting_id = ? AND patient_id = ?",
	[Q_INS_PATIENT] = "INSERT INTO patients (uuid, nhs_number, name,"
	    " date_of_birth, practice) VALUES (?, ?, ?, ?, ?)",
	[Q_INS_CAND] = "INSERT INTO candidates (uuid, meeting_id, patient_id,"
	    " created_at, lists, referral_id) VALUES (?, ?, ?, ?, ?, ?)",
	[Q_ADD_LIST] = "UPDATE candidates SET lists = lists | ?1"
	    " WHERE id = ?2 AND (lists & ?1) = 0",
	[Q_INS_ENTRY] = "INSERT INTO list_entries (candidate_id, list, reason,"
	    " referred_by, review_date, source, line, row_hash, imported_at,"
	    " count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS INTEGER))",
	[Q_INS_REFERRAL] = REFERRAL_INSERT_SQL,
};

struct stmts {
	sqlite3_stmt *st[N_QUERIES];
};

/* The page cache of an import of more than 1,000 rows, in kB (as
 * PRAGMA cache_size takes it). */
#define IMPORT_CACHE_KB "-24576"

static void
stmts_done(struct mdt_store *s, struct stmts *q)
{
	for (int k = 0; k < N_QUERIES; k++)
		mdt_done(s, q->st[k]);
}

static enum mdt_status
stmts_prepare(struct mdt_store *s, struct stmts *q)
{
	enum mdt_status st = MDT_OK;

	for (int k = 0; st == MDT_OK && k < N_QUERIES; k++)
		st = mdt_prep(s, &q->st[k], query_sql[k], NULL);
	return st;
}

/*
 * Runs a prepared statement again with new values (fmt as mdt_prep: i
 * int64_t, I int64_t or NULL when 0, t text, T text or NULL when empty); *id (may be NULL) gets the
 * first column of a row, or the new rowid of an insert; *found whether
 * there was a row.
 */
static enum mdt_status
rerun(struct mdt_store *s, sqlite3_stmt *st, int64_t *id, bool *found,
    const char *fmt, ...)
{
	va_list ap;
	int rc = SQLITE_OK, i;
	int64_t v;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	va_start(ap, fmt);
	for (i = 0; fmt[i] != '\0' && rc == SQLITE_OK; i++) {
		const char *t;

		switch (fmt[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'I':
			v = va_arg(ap, int64_t);
			if (v != 0)
				rc = sqlite3_bind_int64(st, i + 1, v);
			break;
		default:
			t = va_arg(ap, const char *);
			if (t != NULL && (fmt[i] == 't' || *t != '\0'))
				rc = sqlite3_bind_text(st, i + 1, t, -1,
				    SQLITE_STATIC);
			break;
		}
	}
	va_end(ap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (found != NULL)
		*found = rc == SQLITE_ROW;
	if (id != NULL)
		*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) :
		    sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mdt_fail_db(s, rc, "importing a row");
	return MDT_OK;
}

/* Checks a good row against the record: a date of birth that differs. */
static enum mdt_status
check_record(struct mdt_store *s, struct stmts *q, struct mdt_import_row *r,
    int64_t *patient_id, char **name, char **practice)
{
	int rc;
	const char *dob;

	*patient_id = 0;
	*name = *practice = NULL;
	sqlite3_reset(q->st[Q_PATIENT]);
	sqlite3_bind_text(q->st[Q_PATIENT], 1, r->nhs, -1, SQLITE_STATIC);
	if (r->untraced) {
		/* the one held already by this name and birth, if any */
		sqlite3_reset(q->st[Q_UNTRACED]);
		sqlite3_bind_text(q->st[Q_UNTRACED], 1, r->name, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(q->st[Q_UNTRACED], 2, r->dob, -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(q->st[Q_UNTRACED]);
		if (rc == SQLITE_ROW)
			mdt_col_copy(q->st[Q_UNTRACED], 0, r->nhs,
			    sizeof(r->nhs));
		sqlite3_reset(q->st[Q_UNTRACED]);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return mdt_fail_db(s, rc, "reading the patients");
		if (rc == SQLITE_DONE)
			return MDT_OK;	/* held anew when written */
		sqlite3_bind_text(q->st[Q_PATIENT], 1, r->nhs, -1,
		    SQLITE_STATIC);
	}
	rc = sqlite3_step(q->st[Q_PATIENT]);
	if (rc == SQLITE_DONE && mdt_nhs_local(r->nhs) && !r->untraced) {
		sqlite3_reset(q->st[Q_PATIENT]);
		r->error = mdt_xasprintf("no patient is held under %s",
		    r->nhs);
		return MDT_OK;
	}
	if (rc == SQLITE_DONE)
		return MDT_OK;
	if (rc != SQLITE_ROW)
		return mdt_fail_db(s, rc, "reading the patients");
	*patient_id = sqlite3_column_int64(q->st[Q_PATIENT], 0);
	dob = (const char *)sqlite3_column_text(q->st[Q_PATIENT], 1);
	if (dob != NULL && strcmp(dob, r->dob) != 0)
		r->error = mdt_xasprintf("date of birth %s differs from the"
		    " record (%s)", r->dob, dob);
	*name = mdt_col_dup0(q->st[Q_PATIENT], 2);
	*practice = mdt_col_dup0(q->st[Q_PATIENT], 3);
	sqlite3_reset(q->st[Q_PATIENT]);
	return MDT_OK;
}

/* Imports one good row (when write), unless the record makes it bad or
 * finds it a repeat of an earlier row's patient (held locally). */
static enum mdt_status
apply_row(struct mdt_store *s, struct stmts *q, struct mdt_import_parse *p,
    int64_t meeting_id, enum mdt_list list, const char *source,
    struct mdt_import_row *r, struct mdt_import_report *rep, bool write)
{
	enum mdt_status st;
	int64_t patient_id, cand = 0, entry_id = 0, referral = 0;
	char *name = NULL, *practice = NULL, *hash = NULL, uuid[37];
	bool created_cand = false, found = false, patient_new = false;
	int rc;

	st = check_record(s, q, r, &patient_id, &name, &practice);
	/* a patient held locally, found: a repeat of an earlier row? (one
	 * made now is registered when made) */
	if (st == MDT_OK && patient_id != 0)
		mdt_import_repeat_local(p, r);
	if (r->error == NULL && r->duplicate) {
		rep->duplicates++;
		goto out;
	}
	if (r->error != NULL)
		goto out;
	if (!write) {
		/* only checked, in an import refused (rolled back) at the
		 * end: an untraced patient is still held, so that a repeat
		 * of them further on is found as it would be */
		if (st == MDT_OK && patient_id == 0 && r->untraced) {
			st = mdt_patient_local_add_tx(s, r->name, r->dob,
			    &patient_id, r->nhs);
			if (st == MDT_OK)
				mdt_import_repeat_local(p, r);
		}
		goto out;
	}
	if (st == MDT_OK && patient_id != 0)
		st = rerun(s, q->st[Q_FIND_CAND], &cand, &found, "ii",
		    meeting_id, patient_id);
	if (st != MDT_OK)
		goto out;
	if (!found)
		cand = 0;
	if (cand != 0) {
		sqlite3_reset(q->st[Q_ENTRY]);
		sqlite3_bind_int64(q->st[Q_ENTRY], 1, cand);
		sqlite3_bind_text(q->st[Q_ENTRY], 2, mdt_list_name(list), -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(q->st[Q_ENTRY]);
		if (rc == SQLITE_ROW) {
			entry_id = sqlite3_column_int64(q->st[Q_ENTRY], 0);
			hash = mdt_col_dup0(q->st[Q_ENTRY], 1);
		} else if (rc != SQLITE_DONE)
			st = mdt_fail_db(s, rc, "reading the lists");
		sqlite3_reset(q->st[Q_ENTRY]);
		if (st != MDT_OK)
			goto out;
		if (hash != NULL && strcmp(hash, r->hash) == 0) {
			rep->unchanged++;
			goto out;
		}
	}
	/* the patient: new, or details from the newest row */
	if (patient_id == 0 && r->untraced) {
		st = mdt_patient_local_add_tx(s, r->name, r->dob, &patient_id,
		    r->nhs);
		if (st == MDT_OK)
			mdt_import_repeat_local(p, r);
		if (st == MDT_OK && r->practice[0] != '\0')
			st = mdt_run(s, "UPDATE patients SET practice = ?"
			    " WHERE id = ?", "ti", r->practice, patient_id);
		if (st == MDT_OK)
			rep->patients_created++;
		patient_new = true;
	} else if (patient_id == 0) {
		mdt_uuid_new_ordered(uuid);
		st = rerun(s, q->st[Q_INS_PATIENT], &patient_id, NULL, "tttTT",
		    uuid, r->nhs, r->name, r->dob, r->practice);
		if (st == MDT_OK)
			rep->patients_created++;
		patient_new = true;
	} else if (strcmp(name, r->name) != 0 || (*r->practice != '\0' &&
	    strcmp(practice, r->practice) != 0))
		st = mdt_run(s, "UPDATE patients SET name = ?, practice ="
		    " coalesce(?, practice), date_of_birth ="
		    " coalesce(date_of_birth, ?) WHERE id = ?", "tTti", r->name,
		    r->practice, r->dob, patient_id);
	/* a referral stays in the queue until discussed or withdrawn; a
	 * candidate made now is made with its link to it.  A patient the
	 * list makes has none to settle or update: theirs is raised here,
	 * by the statement prepared once */
	if (st == MDT_OK && cand == 0 && list == MDT_LIST_REFERRAL &&
	    patient_new) {
		mdt_uuid_new_ordered(uuid);
		st = rerun(s, q->st[Q_INS_REFERRAL], &referral, NULL,
		    "titttttit", uuid, patient_id, r->referred_by,
		    (const char *)NULL, r->entry_reason, (const char *)NULL,
		    (const char *)NULL, mdt_store_now(s), "import");
	} else if (st == MDT_OK && cand == 0 && list == MDT_LIST_REFERRAL)
		st = mdt_referral_from_list_tx(s, patient_id, 0,
		    r->referred_by, r->entry_reason, patient_new, &referral);
	if (st == MDT_OK && cand == 0) {
		mdt_uuid_new_ordered(uuid);
		st = rerun(s, q->st[Q_INS_CAND], &cand, NULL, "tiiiiI", uuid,
		    meeting_id, patient_id, mdt_store_now(s), (int64_t)list,
		    referral);
		created_cand = true;
	}
	if (st == MDT_OK && !created_cand)
		st = rerun(s, q->st[Q_ADD_LIST], NULL, NULL, "ii",
		    (int64_t)list, cand);
	if (st != MDT_OK)
		goto out;
	if (entry_id != 0) {
		st = mdt_run(s, "UPDATE list_entries SET reason = ?,"
		    " referred_by = ?, review_date = ?, source = ?, line = ?,"
		    " row_hash = ?, imported_at = ?, count = CAST(? AS INTEGER)"
		    " WHERE id = ?", "ttTtitiTi",
		    r->entry_reason, r->referred_by, r->review, source,
		    (int64_t)r->line, r->hash, mdt_store_now(s), r->count,
		    entry_id);
		rep->updated++;
	} else {
		st = rerun(s, q->st[Q_INS_ENTRY], NULL, NULL, "itttTtitiT",
		    cand, mdt_list_name(list), r->entry_reason, r->referred_by,
		    r->review, source, (int64_t)r->line, r->hash,
		    mdt_store_now(s), r->count);
		if (created_cand)
			rep->added++;
		else
			rep->merged++;
	}
	if (st == MDT_OK && list == MDT_LIST_REFERRAL && !created_cand)
		st = mdt_referral_from_list_tx(s, patient_id, cand,
		    r->referred_by, r->entry_reason, patient_new, NULL);
	if (st == MDT_OK && mdt_nhs_local(r->nhs))
		rep->untraced++;
out:
	free(name);
	free(practice);
	free(hash);
	return st;
}

/* Writes a field of a CSV file (the rejects, the referral queue),
 * quoted: escaped as every output is (textio.h), and with a quote before
 * what a spreadsheet would take for a formula ('=', '+', '-', '@', a tab
 * or CR at its start). */
bool
mdt_csv_field(FILE *fp, const char *s)
{
	char *shown = mdt_text_escaped(s, false);
	char *field = mdt_xasprintf("%s%s", *s != '\0' &&
	    strchr("=+-@\t\r", *s) != NULL ? "'" : "", shown);
	bool ok = csv_fwrite(fp, field, strlen(field)) == 0;

	free(field);
	free(shown);
	return ok;
}

bool
mdt_csv_line(FILE *fp, const char *const *f, size_t n, bool quoted)
{
	bool ok = true;

	for (size_t j = 0; ok && j < n; j++)
		ok = (j == 0 || fputc(',', fp) != EOF) && (quoted ?
		    mdt_csv_field(fp, f[j]) : fputs(f[j], fp) != EOF);
	return ok && fputc('\n', fp) != EOF;
}

/* Writes a row of the rejects file: the fields, each quoted, then why,
 * CRLF. */
static bool
csv_row(FILE *fp, char *const *f, size_t nf, const char *why)
{
	bool ok = true;

	for (size_t j = 0; ok && j < nf; j++)
		ok = (j == 0 || fputc(',', fp) != EOF) &&
		    mdt_csv_field(fp, f[j]);
	if (ok)
		ok = (nf == 0 || fputc(',', fp) != EOF) &&
		    mdt_csv_field(fp, why);
	return ok && fputs("\r\n", fp) != EOF;
}

/* A list read (mdt_import_open) to write into the meeting's candidates;
 * wrote is false when every row was there already. */
struct import_act {
	struct mdt_store *s;
	int64_t meeting_id;
	enum mdt_list list;
	const char *path;
	bool skip_invalid;
	const char *rejects_path;
	bool replace_rejects;
	struct mdt_import_parse *p;
	struct mdt_import_report *rep;
	bool wrote;
	struct stmts q;
	struct mdt_outfile rejects;	/* opened at the first bad row */
	bool rejects_open;
};

/* The rejects file: created (safefile.h: 0600, an existing one only
 * replaced on request) at the first bad row with its header and a column
 * for the reason; then each bad row. */
static enum mdt_status
write_reject(struct mdt_store *s, struct import_act *a,
    const struct mdt_import_row *r)
{
	const struct mdt_import_row *hdr = &a->p->header;
	char err[400];
	bool ok = true;

	if (!a->rejects_open) {
		if (mdt_outfile_open(&a->rejects, a->rejects_path,
		    a->replace_rejects, err, sizeof(err)) != 0)
			return mdt_fail(s, MDT_EFILE, "%s; nothing imported",
			    err);
		a->rejects_open = true;
		ok = csv_row(a->rejects.fp, hdr->f, hdr->nf, "error");
	}
	ok = ok && csv_row(a->rejects.fp, r->f, r->nf, r->error);
	if (!ok)
		return mdt_fail(s, MDT_EIO, "cannot write the rejects to %s: %s",
		    a->rejects_path, strerror(errno));
	return MDT_OK;
}

/* One row read and checked: written, counted, or set aside. */
static enum mdt_status
import_row(struct mdt_import_row *r, void *ctx)
{
	struct import_act *a = ctx;
	struct mdt_store *s = a->s;
	struct mdt_import_report *rep = a->rep;
	enum mdt_status st;

	if (r->error == NULL && r->duplicate) {
		rep->duplicates++;
		return MDT_OK;
	}
	if (r->error == NULL) {
		/* after a bad row, unless skipped, only checked */
		st = apply_row(s, &a->q, a->p, a->meeting_id, a->list,
		    a->path, r, rep, rep->rejected == 0 || a->skip_invalid);
		if (st != MDT_OK || r->error == NULL)
			return st;
	}
	rep->rejected++;
	mdt_import_report_add(rep, a->path, r->line, r->error);
	if (a->skip_invalid && a->rejects_path != NULL)
		return write_reject(s, a, r);
	return MDT_OK;
}
static enum mdt_status
import_tx(struct mdt_store *s, void *ctx)
{
	struct import_act *a = ctx;
	struct mdt_import_report *rep = a->rep;
	struct mdt_meeting_row m;
	enum mdt_status st;
	char err[400];
	int64_t held_from = 0;
	int before;

	st = mdt_row_meeting(s, a->meeting_id, true, &m);
	/* the referrals a referral list makes come after every one there
	 * was (unless the ids ran out: then SQLite picks them at random),
	 * each held by the meeting with its candidate and entry: the
	 * carrying at the end need not read them again */
	if (st == MDT_OK && a->list == MDT_LIST_REFERRAL) {
		st = mdt_query_int(s, &held_from, "SELECT coalesce(max(id), 0)"
		    " FROM referrals", NULL);
		held_from = held_from < INT64_MAX ? held_from + 1 : 0;
	}
	before = sqlite3_total_changes(s->db);
	if (st == MDT_OK)
		st = stmts_prepare(s, &a->q);
	if (st == MDT_OK)
		st = mdt_import_rows(s, a->p, import_row, a);
	stmts_done(s, &a->q);
	/* every reject on the disk before the commit; the file is put in
	 * place after it (mdt_import_csv) */
	if (a->rejects_open && st == MDT_OK &&
	    mdt_outfile_sync(&a->rejects, err, sizeof(err)) != 0)
		st = mdt_fail(s, MDT_EIO, "%s; nothing imported", err);
	if (st == MDT_OK && rep->rejected > 0 && !a->skip_invalid)
		st = mdt_fail(s, MDT_EINVAL, "%d bad row%s in %s; nothing"
		    " imported", rep->rejected, rep->rejected == 1 ? "" : "s",
		    a->path);
	if (st == MDT_OK)
		st = mdt_carry_forward_tx(s, a->meeting_id, held_from,
		    &rep->carried_forward);
	if (st == MDT_OK)
		st = mdt_agenda_recheck(s, a->meeting_id);
	if (st == MDT_OK && sqlite3_total_changes(s->db) != before) {
		a->wrote = true;
		st = mdt_audit_add(s, "import", "meeting", m.uuid,
		    "%s list %s: %d rows, %d new, %d merged, %d updated,"
		    " %d unchanged, %d duplicates, %d rejected",
		    mdt_list_name(a->list), a->path, rep->rows, rep->added,
		    rep->merged, rep->updated, rep->unchanged,
		    rep->duplicates, rep->rejected);
	}
	return st;
}

enum mdt_status
mdt_import_csv(struct mdt_store *s, int64_t meeting_id, enum mdt_list list,
    const char *path, bool skip_invalid, const char *rejects_path,
    bool replace_rejects, struct mdt_import_report *rep)
{
	const char *db = mdt_store_path(s), *wal = mdt_store_wal_path(s);
	struct mdt_import_parse p;
	struct import_act a;
	enum mdt_status st;
	int64_t cache = 0;
	char err[400];

	memset(rep, 0, sizeof(*rep));
	if (strcmp(mdt_list_name(list), "?") == 0)
		return mdt_fail(s, MDT_EINVAL, "unknown list %d", (int)list);
	if (!skip_invalid)
		rejects_path = NULL;
	/* the rejects never go over the list, nor over the database */
	if (rejects_path != NULL && (strcmp(rejects_path, path) == 0 ||
	    mdt_file_same(rejects_path, path)))
		return mdt_fail(s, MDT_EFILE, "the rejects file %s is the list"
		    " %s itself: give the rejects another name", rejects_path,
		    path);
	if (rejects_path != NULL && ((db != NULL &&
	    mdt_file_same(rejects_path, db)) || (wal != NULL &&
	    mdt_file_same(rejects_path, wal))))
		return mdt_fail(s, MDT_EFILE, "the rejects file %s is the"
		    " database: give the rejects another name", rejects_path);
	st = mdt_import_open(s, list, path, &p, rep);
	if (st != MDT_OK)
		return st;
	rep->rows = (int)p.rows;
	memset(&a, 0, sizeof(a));
	a.s = s;
	a.meeting_id = meeting_id;
	a.list = list;
	a.path = path;
	a.skip_invalid = skip_invalid;
	a.rejects_path = rejects_path;
	a.replace_rejects = replace_rejects;
	a.p = &p;
	a.rep = rep;

	/* a bounded page cache, large enough that a long list's indexes
	 * are not spilled to the WAL over and over before the commit */
	if (mdt_query_int(s, &cache, "PRAGMA cache_size", NULL) != MDT_OK)
		cache = 0;
	if (cache != 0 && p.rows > 1000)
		mdt_run(s, "PRAGMA cache_size = " IMPORT_CACHE_KB, NULL);
	st = mdt_tx_run(s, import_tx, &a, &a.wrote);
	if (cache != 0 && p.rows > 1000) {
		char *sql = mdt_xasprintf("PRAGMA cache_size = %" PRId64, cache);

		mdt_run(s, sql, NULL);
		free(sql);
	}
	if (st != MDT_OK) {
		/* nothing was imported: the counts would mislead */
		int rejected = rep->rejected;

		rep->added = rep->merged = rep->updated = rep->unchanged = 0;
		rep->duplicates = rep->patients_created = 0;
		rep->carried_forward = 0;
		rep->rejected = rejected;
	}
	if (a.rejects_open && st != MDT_OK)
		mdt_outfile_abort(&a.rejects);
	else if (a.rejects_open &&
	    mdt_outfile_commit(&a.rejects, err, sizeof(err)) != 0)
		st = mdt_fail(s, MDT_EIO, "the list was imported, but the"
		    " rejects were not written: %s", err);
	mdt_import_close(&p);
	return st;
}
