/*
 * outbox.c - the outbox as delivery sees it: counts by state, the rows to
 * send or to show (with a label for people and the server's reason), and
 * the state changes sync/ makes after each exchange with the central
 * record, each in one short transaction.  The versions the server gave
 * each resource live here too (sync_versions), so that later updates can
 * say which version they replace.  No network code: sync/ does that.
 */
#include "config.h"

#include "outbox.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

static const char *const state_names[] = {
	"pending", "sent", "failed", "conflict",
};

const char *
mdt_outbox_state_name(enum mdt_outbox_state st)
{
	return mdt_name_of(state_names, MDT_COUNT(state_names), (int)st, "?");
}

static int
state_parse(const char *name)
{
	return mdt_name_index(state_names, MDT_COUNT(state_names), name);
}

/* A row of outbox_tally (a state and its count) into the counts. */
static void
read_tally(sqlite3_stmt *st, void *ctx)
{
	struct mdt_outbox_counts *out = ctx;
	int64_t *count[] = {
		[MDT_OUTBOX_PENDING] = &out->pending,
		[MDT_OUTBOX_SENT] = &out->sent,
		[MDT_OUTBOX_FAILED] = &out->failed,
		[MDT_OUTBOX_CONFLICT] = &out->conflict,
	};
	int k = state_parse((const char *)sqlite3_column_text(st, 0));

	if (k >= 0 && (size_t)k < MDT_COUNT(count))
		*count[k] = mdt_col_int(st, 1);
}

/* The same, leaving out the sent rows. */
static void
read_unsent_tally(sqlite3_stmt *st, void *ctx)
{
	if (state_parse((const char *)sqlite3_column_text(st, 0)) !=
	    MDT_OUTBOX_SENT)
		read_tally(st, ctx);
}

/*
 * Counted by state as rows come and go (outbox_tally, kept by triggers
 * since schema 8), and when the next pending row is due and the most
 * attempts one has had, each the last entry of an index: the same cost
 * after ten years of rows as after one meeting.  With full, the sent
 * rows too and when the last one went.
 */
static enum mdt_status
count_outbox(struct mdt_store *s, struct mdt_outbox_counts *out, bool full)
{
	enum mdt_status status;
	int64_t attempts = 0;

	memset(out, 0, sizeof(*out));
	status = mdt_read_each(s, full ? read_tally : read_unsent_tally, out,
	    "counting the outbox", "SELECT state, n FROM outbox_tally", NULL);
	if (status != MDT_OK)
		return status;
	if (out->pending > 0) {
		int64_t now = mdt_store_now(s);

		int64_t last = 0;

		/* the first and last entries of outbox_by_state for
		 * 'pending': a row stamped past the longest wait is due now */
		status = mdt_query_int(s, &out->next_at, "SELECT"
		    " coalesce(min(next_at), 0) FROM outbox"
		    " WHERE state = 'pending'", NULL);
		if (status == MDT_OK)
			status = mdt_query_int(s, &last, "SELECT"
			    " coalesce(max(next_at), 0) FROM outbox"
			    " WHERE state = 'pending'", NULL);
		if (status == MDT_OK && last > now + MDT_OUTBOX_WAIT_MAX_MS)
			out->next_at = now;
		/* a row with no time at all (an older version's) is due */
		if (status == MDT_OK && out->next_at > now) {
			int64_t untimed = 0;

			status = mdt_query_int(s, &untimed, "SELECT EXISTS"
			    " (SELECT 1 FROM outbox WHERE state = 'pending'"
			    " AND next_at IS NULL)", NULL);
			if (untimed)
				out->next_at = now;
		}
		if (status == MDT_OK)
			/* named: without statistics SQLite would walk
			 * the pending rows through outbox_by_state */
			status = mdt_query_int(s, &attempts, "SELECT"
			    " coalesce(max(attempts), 0) FROM outbox"
			    " INDEXED BY outbox_pending_attempts"
			    " WHERE state = 'pending'", NULL);
		out->max_attempts = (int)attempts;
	}
	if (status == MDT_OK && full && out->sent > 0)
		status = mdt_query_int(s, &out->last_sent_at, "SELECT"
		    " coalesce(max(sent_at), 0) FROM outbox", NULL);
	return status;
}

enum mdt_status
mdt_outbox_counts(struct mdt_store *s, struct mdt_outbox_counts *out)
{
	return count_outbox(s, out, true);
}

enum mdt_status
mdt_outbox_unsent_counts(struct mdt_store *s, struct mdt_outbox_counts *out)
{
	return count_outbox(s, out, false);
}

enum mdt_status
mdt_outbox_pending(struct mdt_store *s, int64_t *count)
{
	return mdt_query_int(s, count, "SELECT coalesce(sum(n), 0)"
	    " FROM outbox_tally WHERE state <> 'sent'", NULL);
}

/* A label per entity, for the sync panel. */
#define LABEL_SQL \
	"CASE o.entity" \
	" WHEN 'meeting' THEN 'meeting: ' ||" \
	"  (SELECT title FROM meetings WHERE uuid = o.entity_uuid)" \
	" WHEN 'slot' THEN 'discussion: ' || (SELECT p.name FROM slots s" \
	"  JOIN patients p ON p.id = s.patient_id" \
	"  WHERE s.uuid = o.entity_uuid)" \
	" WHEN 'attendance' THEN 'attendance: ' || (SELECT p.name" \
	"  FROM attendance a JOIN people p ON p.id = a.person_id" \
	"  WHERE a.uuid = o.entity_uuid)" \
	" WHEN 'consent' THEN 'consent: ' || (SELECT p.name FROM consent c" \
	"  JOIN slots s ON s.id = c.slot_id JOIN patients p" \
	"  ON p.id = s.patient_id WHERE c.uuid = o.entity_uuid)" \
	" WHEN 'note' THEN 'note: ' || (SELECT p.name FROM notes n" \
	"  JOIN slots s ON s.id = n.slot_id JOIN patients p" \
	"  ON p.id = s.patient_id WHERE n.uuid = o.entity_uuid)" \
	" WHEN 'action' THEN 'action: ' ||" \
	"  (SELECT text FROM actions WHERE uuid = o.entity_uuid)" \
	" WHEN 'outcome' THEN 'outcome: ' || (SELECT p.name FROM outcomes x" \
	"  JOIN slots s ON s.id = x.slot_id JOIN patients p" \
	"  ON p.id = s.patient_id WHERE x.uuid = o.entity_uuid)" \
	" WHEN 'patient' THEN 'key contact: ' ||" \
	"  (SELECT name FROM patients WHERE uuid = o.entity_uuid)" \
	" WHEN 'person' THEN 'person: ' ||" \
	"  (SELECT name FROM people WHERE uuid = o.entity_uuid)" \
	" WHEN 'referral' THEN 'referral: ' || (SELECT p.name FROM" \
	"  referrals r JOIN patients p ON p.id = r.patient_id" \
	"  WHERE r.uuid = o.entity_uuid)" \
	" END"

/* The state's name if mask asks for it, else NULL (matches no row). */
static const char *
mask_state(unsigned mask, enum mdt_outbox_state st)
{
	return (mask & MDT_OUTBOX_MASK(st)) != 0 ? state_names[st] : NULL;
}

static void
outbox_row_done(void *row)
{
	struct mdt_outbox_row *r = row;

	mdt_free_each(2, r->label, r->last_error);
}

static void
read_outbox_row(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_outbox_row *r = row;

	mdt_cols(st, "iccediiiSS", MDT_F(r->id), MDT_F(r->entity),
	    MDT_F(r->entity_uuid), MDT_F(r->state), state_parse,
	    MDT_OUTBOX_PENDING, MDT_F(r->attempts), MDT_F(r->created_at),
	    MDT_F(r->next_at), MDT_F(r->sent_at), MDT_F(r->label),
	    MDT_F(r->last_error));
	if (r->label == NULL)
		r->label = mdt_xasprintf("%s %s", r->entity,
		    r->entity_uuid);
}

/* What read_outbox_row reads, from the outbox as o. */
#define ROW_COLUMNS \
	"o.id, o.entity, o.entity_uuid, o.state, o.attempts, o.created_at," \
	" o.next_at, o.sent_at, " LABEL_SQL ", o.last_error"

enum mdt_status
mdt_outbox_list(struct mdt_store *s, unsigned mask, size_t max,
    struct mdt_outbox_row **rows, size_t *n)
{
	return mdt_outbox_list_from(s, mask, 0, max, rows, n);
}

enum mdt_status
mdt_outbox_list_from(struct mdt_store *s, unsigned mask, int64_t from_id,
    size_t max, struct mdt_outbox_row **rows, size_t *n)
{
	/*
	 * The states as a list of values (NULL for those not asked for),
	 * so that SQLite walks outbox_by_state for each and keeps only the
	 * first max ids in its sorter.  A condition on the mask in SQL
	 * ("?1 & 1 AND state = 'pending' OR ...") made it gather the ids of
	 * every matching row in memory first: 4.6 MB, kept by the process,
	 * for a history of 194,000 rows never sent.
	 */
	return mdt_read_array(s, rows, n, sizeof(**rows), outbox_row_done,
	    read_outbox_row, NULL, "reading the outbox",
	    "SELECT " ROW_COLUMNS
	    " FROM outbox o WHERE o.state IN (?1, ?2, ?3, ?4) AND o.id >= ?6"
	    " ORDER BY o.id LIMIT ?5", "ttttii",
	    mask_state(mask, MDT_OUTBOX_PENDING),
	    mask_state(mask, MDT_OUTBOX_SENT),
	    mask_state(mask, MDT_OUTBOX_FAILED),
	    mask_state(mask, MDT_OUTBOX_CONFLICT),
	    max == 0 ? (int64_t)-1 : (int64_t)max, from_id);
}

enum mdt_status
mdt_outbox_id_before(struct mdt_store *s, unsigned mask, int64_t before_id,
    size_t back, int64_t *id)
{
	enum mdt_status status;

	*id = 0;
	if (back == 0)
		return MDT_OK;
	status = mdt_query_int(s, id, "SELECT o.id FROM outbox o"
	    " WHERE o.state IN (?1, ?2, ?3, ?4) AND o.id < ?5"
	    " ORDER BY o.id DESC LIMIT 1 OFFSET ?6", "ttttii",
	    mask_state(mask, MDT_OUTBOX_PENDING),
	    mask_state(mask, MDT_OUTBOX_SENT),
	    mask_state(mask, MDT_OUTBOX_FAILED),
	    mask_state(mask, MDT_OUTBOX_CONFLICT), before_id,
	    (int64_t)back - 1);
	if (status == MDT_ENOTFOUND) {
		/* fewer than back rows before: from the first */
		*id = 0;
		return MDT_OK;
	}
	return status;
}

/* Pending rows that match when (an SQL condition on o and ?1, ?2), from
 * from_id, oldest first, at most max. */
#define PENDING_SQL(when) \
	"SELECT " ROW_COLUMNS " FROM outbox o WHERE o.state = 'pending'" \
	" AND " when " AND o.id >= ?4 ORDER BY o.id LIMIT ?3"

static enum mdt_status
list_pending(struct mdt_store *s, const char *sql, int64_t a, int64_t b,
    int64_t from_id, size_t max, struct mdt_outbox_row **rows, size_t *n)
{
	return mdt_read_array(s, rows, n, sizeof(**rows), outbox_row_done,
	    read_outbox_row, NULL, "reading the outbox", sql, "iiii", a, b,
	    max == 0 ? (int64_t)-1 : (int64_t)max, from_id);
}

enum mdt_status
mdt_outbox_list_due(struct mdt_store *s, size_t max,
    struct mdt_outbox_row **rows, size_t *n)
{
	int64_t now = mdt_store_now(s);

	/* next_at at most now, past the longest wait, or none (an older
	 * version's row) */
	return list_pending(s, PENDING_SQL("(o.next_at <= ?1"
	    " OR o.next_at > ?2 OR o.next_at IS NULL)"), now,
	    now + MDT_OUTBOX_WAIT_MAX_MS, 0, max, rows, n);
}

enum mdt_status
mdt_outbox_list_held(struct mdt_store *s, size_t max,
    struct mdt_outbox_row **rows, size_t *n)
{
	return mdt_outbox_list_held_from(s, 0, max, rows, n);
}

enum mdt_status
mdt_outbox_list_held_from(struct mdt_store *s, int64_t from_id, size_t max,
    struct mdt_outbox_row **rows, size_t *n)
{
	int64_t now = mdt_store_now(s);

	/* held rows wait a day: past half of it, only they are read (a
	 * range of outbox_by_state), never the rows due or soon due */
	return list_pending(s, PENDING_SQL("o.next_at > ?2 AND o.last_error"
	    " LIKE '" MDT_OUTBOX_WAITING_ON "%'"), 0,
	    now + MDT_OUTBOX_WAIT_MAX_MS / 2, from_id, max, rows, n);
}

void
mdt_outbox_rows_free(struct mdt_outbox_row *rows, size_t n)
{
	mdt_array_free(rows, n, sizeof(*rows), outbox_row_done);
}

/*
 * Runs sql once per id, inside the caller's transaction: ?1 is the id, ?2
 * and ?3 the integers a and b, ?4 the text (NULL allowed); parameters the
 * statement does not use are not bound.  *changed (if not NULL) gains
 * the rows the statement itself changed, not those of triggers.
 */
static enum mdt_status
run_each(struct mdt_store *s, const char *sql, const int64_t *ids, size_t n,
    int64_t a, int64_t b, const char *text, int64_t *changed)
{
	enum mdt_status status;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	status = mdt_prep(s, &st, sql, NULL);
	if (status != MDT_OK)
		return status;
	for (i = 0; i < n && status == MDT_OK; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, a);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int64(st, 3, b);
		if (sqlite3_bind_parameter_count(st) >= 4) {
			if (text != NULL)
				sqlite3_bind_text(st, 4, text, -1,
				    SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, 4);
		}
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			status = mdt_fail_db(s, rc, "updating the outbox");
		else if (changed != NULL)
			*changed += sqlite3_changes64(s->db);
	}
	mdt_done(s, st);
	return status;
}

/* One statement run for each id, as the body of a transaction (see
 * run_each). */
struct each_act {
	const char *sql;
	const int64_t *ids;
	size_t n;
	int64_t a, b;
	const char *text;
};

static enum mdt_status
each_tx(struct mdt_store *s, void *ctx)
{
	const struct each_act *e = ctx;

	return run_each(s, e->sql, e->ids, e->n, e->a, e->b, e->text, NULL);
}

struct sent_act {
	const int64_t *ids;
	size_t n;
	const struct mdt_sync_version *v;
	size_t nv;
};

static enum mdt_status
sent_tx(struct mdt_store *s, void *ctx)
{
	const struct sent_act *a = ctx;
	enum mdt_status status;
	int64_t now = mdt_store_now(s), sent = 0;
	size_t i;

	status = run_each(s,
	    "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL"
	    " WHERE id = ?1 AND state = 'pending'",
	    a->ids, a->n, now, 0, NULL, &sent);
	/* One audit row per delivery (not per record): what left the
	 * database for the central record, and when. */
	if (status == MDT_OK && sent > 0)
		status = mdt_audit_add(s, "sync", "outbox", NULL,
		    "%" PRId64 " record%s delivered", sent, sent == 1 ? "" : "s");
	for (i = 0; i < a->nv && status == MDT_OK; i++)
		status = mdt_run(s,
		    "INSERT OR REPLACE INTO sync_versions (resource_type,"
		    " resource_id, version_id, body_hash, synced_at)"
		    " VALUES (?, ?, ?, ?, ?)", "ttTTi", a->v[i].type,
		    a->v[i].id, a->v[i].version_id, a->v[i].body_hash, now);
	return status;
}

enum mdt_status
mdt_outbox_mark_sent(struct mdt_store *s, const int64_t *ids, size_t n,
    const struct mdt_sync_version *v, size_t nv)
{
	/* a power cut that undoes the mark only sends the rows again, which
	 * is idempotent (our own ids; the same content is recognised on the
	 * way back) */
	return mdt_tx_run_unflushed(s, sent_tx,
	    &(struct sent_act){ ids, n, v, nv });
}

enum mdt_status
mdt_outbox_mark_retry(struct mdt_store *s, const int64_t *ids, size_t n,
    int64_t next_at, const char *why)
{
	return mdt_tx_run_unleased(s, each_tx, &(struct each_act){
	    "UPDATE outbox SET attempts = attempts + 1, next_at = ?2,"
	    " last_error = ?4 WHERE id = ?1 AND state = 'pending'",
	    ids, n, next_at, 0, why }, NULL);
}

enum mdt_status
mdt_outbox_mark_failed(struct mdt_store *s, const int64_t *ids, size_t n,
    enum mdt_outbox_state state, const char *why)
{
	if (state != MDT_OUTBOX_FAILED && state != MDT_OUTBOX_CONFLICT)
		return mdt_fail(s, MDT_EINVAL, "not a failure state");
	return mdt_tx_run_unleased(s, each_tx, &(struct each_act){
	    "UPDATE outbox SET state = CASE ?2 WHEN 1 THEN 'conflict'"
	    " ELSE 'failed' END, attempts = attempts + 1, last_error = ?4"
	    " WHERE id = ?1 AND state = 'pending'",
	    ids, n, state == MDT_OUTBOX_CONFLICT, 0,
	    why != NULL ? why : "refused by the server" }, NULL);
}

static enum mdt_status
retry_problems_tx(struct mdt_store *s, void *ctx)
{
	int64_t *count = ctx;
	enum mdt_status status;

	status = mdt_query_int(s, count, "SELECT count(*) FROM outbox"
	    " WHERE state IN ('failed', 'conflict')", NULL);
	if (status == MDT_OK)
		status = mdt_run(s, "UPDATE outbox SET state = 'pending',"
		    " attempts = 0, next_at = ? WHERE state IN ('failed',"
		    " 'conflict')", "i", mdt_store_now(s));
	if (status == MDT_OK)
		status = mdt_outbox_release_held(s);
	return status;
}

enum mdt_status
mdt_outbox_release_held(struct mdt_store *s)
{
	int64_t now = mdt_store_now(s);

	/* held rows wait a day: past half of it, only they are read */
	return mdt_run(s, "UPDATE outbox SET next_at = ?1 WHERE state ="
	    " 'pending' AND next_at > ?2 AND last_error LIKE '"
	    MDT_OUTBOX_WAITING_ON "%'", "ii", now,
	    now + MDT_OUTBOX_WAIT_MAX_MS / 2);
}

enum mdt_status
mdt_outbox_retry_problems(struct mdt_store *s, int64_t *count)
{
	*count = 0;
	return mdt_tx_run_unleased(s, retry_problems_tx, count, NULL);
}

enum mdt_status
mdt_outbox_due_now(struct mdt_store *s)
{
	return mdt_run(s, "UPDATE outbox SET next_at = ? WHERE state ="
	    " 'pending' AND next_at > ?", "ii", mdt_store_now(s),
	    mdt_store_now(s));
}

/* The versions a row of sync_versions holds, into the caller's buffers
 * (ctx); the row itself is whether it was found. */
static void
read_version(sqlite3_stmt *st, void *row, void *ctx)
{
	char **bufs = ctx;

	*(bool *)row = true;
	mdt_col_copy(st, 0, bufs[0], 65);
	mdt_col_copy(st, 1, bufs[1], 33);
}

enum mdt_status
mdt_sync_version_get(struct mdt_store *s, const char *type, const char *id,
    char version_id[65], char body_hash[33], bool *found)
{
	char *bufs[] = { version_id, body_hash };
	enum mdt_status status;

	version_id[0] = '\0';
	body_hash[0] = '\0';
	status = mdt_read_row(s, found, sizeof(*found), read_version, bufs,
	    "reading the synced versions", "SELECT version_id, body_hash"
	    " FROM sync_versions WHERE resource_type = ? AND resource_id = ?",
	    "tt", type, id);
	return status == MDT_ENOTFOUND ? MDT_OK : status;
}

static void
read_synced(sqlite3_stmt *st, void *ctx)
{
	struct mdt_rows *r = ctx;
	struct mdt_synced *v = (struct mdt_synced *)r->v + r->n;

	if (r->n == r->cap)
		return;
	mdt_cols(st, "cc", MDT_F(v->id), MDT_F(v->body_hash));
	r->n++;
}

enum mdt_status
mdt_synced_page(struct mdt_store *s, const char *type, const char *after,
    struct mdt_synced *out, size_t max, size_t *n)
{
	struct mdt_rows r = { out, 0, max };
	enum mdt_status status;

	/* the primary key, walked from after: the same cost for every page */
	status = mdt_read_each(s, read_synced, &r, "reading the synced"
	    " versions", "SELECT resource_id, coalesce(body_hash, '')"
	    " FROM sync_versions WHERE resource_type = ? AND resource_id > ?"
	    " ORDER BY resource_id LIMIT ?", "tti", type, after,
	    (int64_t)max);
	*n = r.n;
	return status;
}

struct requeue {
	const char *type, *id, *entity, *entity_uuid;
	bool missing;
};

static enum mdt_status
requeue_tx(struct mdt_store *s, void *ctx)
{
	const struct requeue *q = ctx;
	enum mdt_status status = MDT_OK;

	if (q->missing)
		status = mdt_run(s, "DELETE FROM sync_versions WHERE"
		    " resource_type = ? AND resource_id = ?", "tt", q->type,
		    q->id);
	if (status == MDT_OK)
		status = mdt_outbox_add(s, q->entity, q->entity_uuid, "upsert");
	return status;
}

enum mdt_status
mdt_synced_requeue(struct mdt_store *s, const char *type, const char *id,
    bool missing, const char *entity, const char *entity_uuid)
{
	struct requeue q = { type, id, entity, entity_uuid, missing };

	return mdt_tx_run_unleased(s, requeue_tx, &q, NULL);
}
