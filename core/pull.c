/*
 * pull.c - the central record read back into the store: each Task the
 * record holds for an action here, merged under the rules of docs/sync.md
 * ("Pull") in one transaction with the time of the pull, so that a pull
 * cut short changes nothing and the next one reads the same again.  A
 * Task completed or cancelled on the record closes the action here (an
 * act, audited "from the record"), unless a local change to it is not yet
 * sent: then the two are kept apart as a conflict, for a person to settle
 * (mdt_record_keep, mdt_record_take).  Nothing is overwritten silently:
 * neither the local change, nor the record (nothing is queued by a pull).
 */
#include "config.h"

#include "pull.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "model.h"
#include "rules.h"
#include "store.h"
#include "store_internal.h"
#include "textio.h"
#include "util.h"

/* The longest owner and note kept, in bytes. */
#define OWNER_MAX 400
#define NOTE_MAX 4000

/* Rows of an action not yet delivered. */
#define UNSENT_SQL \
	"SELECT count(*) FROM outbox WHERE entity = 'action'" \
	" AND entity_uuid = ? AND state IN ('pending', 'failed', 'conflict')"

enum mdt_status
mdt_pull_ids(struct mdt_store *s, const char *after, char (*out)[37],
    size_t max, size_t *n)
{
	sqlite3_stmt *st;
	enum mdt_status rc;
	int step;

	*n = 0;
	rc = mdt_prep(s, &st, "SELECT a.uuid FROM actions a"
	    " JOIN sync_versions v ON v.resource_type = 'Task'"
	    "  AND v.resource_id = a.uuid"
	    " WHERE a.uuid > ?1 AND a.withdrawn_at IS NULL"
	    " AND (a.status = 'open'"
	    "  OR EXISTS (SELECT 1 FROM record_tasks r WHERE r.action_id = a.id"
	    "   AND r.conflict = 1)"
	    "  OR EXISTS (SELECT 1 FROM outbox o WHERE o.entity = 'action'"
	    "   AND o.entity_uuid = a.uuid"
	    "   AND o.state IN ('pending', 'failed', 'conflict')))"
	    " ORDER BY a.uuid LIMIT ?2", "ti", after, (int64_t)max);
	if (rc != MDT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		mdt_col_copy(st, 0, out[(*n)++], 37);
	mdt_done(s, st);
	return step == SQLITE_DONE ? MDT_OK : mdt_fail_db(s, step,
	    "reading the actions to read back");
}

enum mdt_status
mdt_pull_since(struct mdt_store *s, const char *type, int64_t *since)
{
	enum mdt_status st;

	*since = 0;
	st = mdt_query_int(s, since, "SELECT since FROM record_pull"
	    " WHERE resource_type = ?", "t", type);
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

/* An instant as the audit shows it: "2026-12-06T20:25:29Z". */
static void
instant(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		mdt_strlcpy(out, "an unknown time", 32);
}

char *
mdt_text_from_record(const char *s, bool note, size_t max)
{
	char *cut, *out;
	bool ok;

	if (s == NULL || s[0] == '\0')
		return NULL;
	cut = mdt_xasprintf("%.*s", (int)mdt_text_cut(s, max), s);
	ok = note ? mdt_text_note_ok(cut, 0, NULL, 0) :
	    mdt_text_line_ok(cut, 0, NULL, 0);
	if (ok)
		return cut;
	out = mdt_text_escaped(cut, false);
	free(cut);
	return out;
}

/* The action a Task is of, as the merge needs it. */
struct local {
	int64_t id;
	enum mdt_action_status status;
	char *owner;		/* the owner's name here */
	char *prev_version;	/* the Task's version when last read */
	char *prev_owner;	/* the owner the record named then */
	bool conflict;
	char *ours;		/* the version our last write got */
};

static void
local_free(struct local *l)
{
	mdt_free_each(4, l->owner, l->prev_version, l->prev_owner, l->ours);
}

MDT_ROW_READER(read_local, struct local, l)
{
	mdt_cols(st, "ieSSSbS", MDT_F(l->id), MDT_F(l->status),
	    mdt_action_status_parse, (int)MDT_ACTION_OPEN, MDT_F(l->owner),
	    MDT_F(l->prev_version), MDT_F(l->prev_owner), MDT_F(l->conflict),
	    MDT_F(l->ours));
}

/* The action status a record's Task status closes an action with; -1
 * for a status that is not applied here. */
static int
status_taken(const char *status)
{
	if (strcmp(status, "completed") == 0)
		return MDT_ACTION_DONE;
	if (strcmp(status, "cancelled") == 0)
		return MDT_ACTION_CANCELLED;
	return -1;
}

struct apply {
	const char *from;
	const struct mdt_record_task *t;
	size_t n;
	int64_t since, requests, bytes;
	struct mdt_pull_result *out;
	enum { APPLY_ALL, APPLY_PART, APPLY_END } how;
};

/* The record's owner, when it names one other than ours: audited once
 * a change, shown, never applied. */
static enum mdt_status
owner_seen(struct mdt_store *s, const struct apply *a,
    const struct mdt_record_task *t, const struct local *l,
    const char *owner)
{
	if (owner == NULL || (l->owner != NULL &&
	    strcasecmp(owner, l->owner) == 0) || (l->prev_owner != NULL &&
	    strcmp(owner, l->prev_owner) == 0))
		return MDT_OK;
	a->out->owners++;
	return mdt_audit_add(s, "record_owner", "action", t->id, "the record"
	    " (%s) names %s as the owner (Task version %s); not applied here",
	    a->from, owner, t->version);
}

static enum mdt_status
merge_one(struct mdt_store *s, const struct apply *a,
    const struct mdt_record_task *t)
{
	struct local l;
	enum mdt_status st;
	char *owner = NULL, *note = NULL, when[32];
	int64_t unsent = 0, now = mdt_store_now(s);
	int to;

	st = mdt_read_row(s, &l, sizeof(l), read_local, NULL, "reading an"
	    " action", "SELECT a.id, a.status, p.name, r.version, r.owner,"
	    " coalesce(r.conflict, 0), v.version_id FROM actions a"
	    " JOIN people p ON p.id = a.owner_id"
	    " LEFT JOIN record_tasks r ON r.action_id = a.id"
	    " LEFT JOIN sync_versions v ON v.resource_type = 'Task'"
	    "  AND v.resource_id = a.uuid"
	    " WHERE a.uuid = ?", "t", t->id);
	if (st == MDT_ENOTFOUND) {
		a->out->unknown++;
		return MDT_OK;
	}
	if (st != MDT_OK)
		return st;
	if (l.prev_version != NULL && strcmp(l.prev_version, t->version) == 0) {
		a->out->unchanged++;
		local_free(&l);
		return MDT_OK;
	}
	owner = mdt_text_from_record(t->owner, false, OWNER_MAX);
	note = mdt_text_from_record(t->note, true, NOTE_MAX);
	st = mdt_run(s, "INSERT INTO record_tasks (action_id, version,"
	    " last_updated, status, modified, owner, note, seen_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (action_id) DO UPDATE SET version = ?2,"
	    " last_updated = ?3, status = ?4, modified = ?5, owner = ?6,"
	    " note = ?7, seen_at = ?8", "ititiTTi", l.id, t->version,
	    t->last_updated, t->status, t->modified, owner, note, now);
	if (st != MDT_OK)
		goto out;
	/* our own last write read back: nothing new */
	if (l.ours != NULL && strcmp(l.ours, t->version) == 0) {
		a->out->unchanged++;
		st = l.conflict ? mdt_run(s, "UPDATE record_tasks SET"
		    " conflict = 0 WHERE action_id = ?", "i", l.id) : MDT_OK;
		goto out;
	}
	st = owner_seen(s, a, t, &l, owner);
	to = status_taken(t->status);
	if (st != MDT_OK || to < 0)
		goto out;
	if (to == (int)l.status) {
		/* the same on both sides: nothing to settle */
		if (l.conflict)
			st = mdt_run(s, "UPDATE record_tasks SET conflict = 0"
			    " WHERE action_id = ?", "i", l.id);
		goto out;
	}
	instant(t->modified, when);
	st = mdt_query_int(s, &unsent, UNSENT_SQL, "t", t->id);
	if (st == MDT_OK && unsent > 0) {
		/* never over a local change not yet sent */
		if (!l.conflict)
			a->out->conflicts++;
		st = mdt_run(s, "UPDATE record_tasks SET conflict = 1"
		    " WHERE action_id = ?", "i", l.id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "record_conflict", "action",
			    t->id, "the record (%s) says %s at %s (Task version"
			    " %s); a local change is not sent: kept apart",
			    a->from, t->status, when, t->version);
		goto out;
	}
	if (st != MDT_OK)
		goto out;
	st = mdt_run(s, "UPDATE actions SET status = ?, closed_at = ?"
	    " WHERE id = ?", "tii", mdt_action_status_name(
	    (enum mdt_action_status)to), t->modified, l.id);
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE record_tasks SET applied_at = ?,"
		    " conflict = 0 WHERE action_id = ?", "ii", now, l.id);
	if (st == MDT_OK)
		st = mdt_audit_add(s, "action_from_record", "action", t->id,
		    "%s from the record (%s): Task version %s %s at %s%s%s",
		    mdt_action_status_name((enum mdt_action_status)to), a->from,
		    t->version, t->status, when, owner != NULL ? ", owner " :
		    "", owner != NULL ? owner : "");
	if (st == MDT_OK)
		a->out->closed++;
out:
	free(owner);
	free(note);
	local_free(&l);
	return st;
}

static enum mdt_status
apply_tx(struct mdt_store *s, void *ctx)
{
	struct apply *a = ctx;
	enum mdt_status st = MDT_OK;

	if (a->how == APPLY_ALL)
		memset(a->out, 0, sizeof(*a->out));
	for (size_t i = 0; i < a->n && st == MDT_OK; i++) {
		a->out->tasks++;
		st = merge_one(s, a, &a->t[i]);
	}
	if (st == MDT_OK && a->how != APPLY_PART)
		st = mdt_run(s, "INSERT INTO record_pull (resource_type, since,"
		    " pulled_at, requests, bytes, tasks, closed, conflicts,"
		    " owners, tried_at, error) VALUES ('Task', ?1, ?2, ?3, ?4,"
		    " ?5, ?6, ?7, ?8, ?2, NULL)"
		    " ON CONFLICT (resource_type) DO UPDATE SET since = CASE"
		    " WHEN ?1 > 0 THEN ?1 ELSE since END, pulled_at = ?2,"
		    " requests = ?3, bytes = ?4, tasks = ?5, closed = ?6,"
		    " conflicts = ?7, owners = ?8, tried_at = ?2, error = NULL",
		    "iiiiiiii", a->since, mdt_store_now(s), a->requests,
		    a->bytes, a->out->tasks, a->out->closed, a->out->conflicts,
		    a->out->owners);
	return st;
}

static enum mdt_status
apply_run(struct mdt_store *s, struct apply *a)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->t[i].id == NULL || a->t[i].version == NULL ||
		    a->t[i].status == NULL)
			return mdt_fail(s, MDT_EINVAL, "a Task read back has no"
			    " id, version or status");
	return mdt_tx_run_unleased(s, apply_tx, a, NULL);
}

enum mdt_status
mdt_pull_apply_part(struct mdt_store *s, const char *from,
    const struct mdt_record_task *t, size_t n, struct mdt_pull_result *out)
{
	struct apply a = { from != NULL ? from : "the central record", t, n,
	    0, 0, 0, out, APPLY_PART };

	return apply_run(s, &a);
}

enum mdt_status
mdt_pull_apply_end(struct mdt_store *s, int64_t since, int64_t requests,
    int64_t bytes, struct mdt_pull_result *out)
{
	struct apply a = { "the central record", NULL, 0, since, requests,
	    bytes, out, APPLY_END };

	return apply_run(s, &a);
}

enum mdt_status
mdt_pull_apply(struct mdt_store *s, const char *from,
    const struct mdt_record_task *t, size_t n, int64_t since,
    int64_t requests, int64_t bytes, struct mdt_pull_result *out)
{
	struct apply a = { from != NULL ? from : "the central record", t, n,
	    since, requests, bytes, out, APPLY_ALL };

	for (size_t i = 0; i < n; i++)
		if (t[i].id == NULL || t[i].version == NULL ||
		    t[i].status == NULL)
			return mdt_fail(s, MDT_EINVAL, "a Task read back has no"
			    " id, version or status");
	return mdt_tx_run_unleased(s, apply_tx, &a, NULL);
}

static enum mdt_status
failed_tx(struct mdt_store *s, void *ctx)
{
	return mdt_run(s, "INSERT INTO record_pull (resource_type, since,"
	    " pulled_at, requests, bytes, tried_at, error) VALUES ('Task', 0,"
	    " 0, 0, 0, ?1, ?2) ON CONFLICT (resource_type) DO UPDATE SET"
	    " tried_at = ?1, error = ?2", "it", mdt_store_now(s),
	    (const char *)ctx);
}

enum mdt_status
mdt_pull_failed(struct mdt_store *s, const char *why)
{
	char *line = mdt_text_escaped(why != NULL ? why : "", false);
	enum mdt_status st = mdt_tx_run_unleased(s, failed_tx, line, NULL);

	free(line);
	return st;
}

MDT_ROW_READER(read_last, struct mdt_pull_last, l)
{
	mdt_cols(st, "iiiiiiiiS", MDT_F(l->pulled_at), MDT_F(l->tried_at),
	    MDT_F(l->tasks), MDT_F(l->closed), MDT_F(l->conflicts),
	    MDT_F(l->owners), MDT_F(l->requests), MDT_F(l->bytes),
	    MDT_F(l->error));
}

enum mdt_status
mdt_pull_last(struct mdt_store *s, struct mdt_pull_last *out)
{
	enum mdt_status st;

	memset(out, 0, sizeof(*out));
	st = mdt_read_row(s, out, sizeof(*out), read_last, NULL, "reading"
	    " the last pull", "SELECT pulled_at, coalesce(tried_at, pulled_at),"
	    " tasks, closed, conflicts, owners, requests, bytes, error"
	    " FROM record_pull WHERE resource_type = 'Task'", NULL);
	if (st == MDT_ENOTFOUND)
		st = MDT_OK;
	if (st == MDT_OK)
		st = mdt_record_conflicts(s, &out->waiting);
	return st;
}

void
mdt_pull_last_free(struct mdt_pull_last *l)
{
	free(l->error);
	l->error = NULL;
}

/* ---- what the record says, and its conflicts settled ---------------- */

MDT_ROW_READER(read_view, struct mdt_record_view, v)
{
	v->known = true;
	mdt_cols(st, "bbciSS", MDT_F(v->conflict), MDT_F(v->applied),
	    MDT_F(v->status), MDT_F(v->modified), MDT_F(v->owner),
	    MDT_F(v->note));
}

enum mdt_status
mdt_record_of_action(struct mdt_store *s, int64_t action_id,
    struct mdt_record_view *out)
{
	enum mdt_status st;

	st = mdt_read_row(s, out, sizeof(*out), read_view, NULL, "reading"
	    " what the record says", "SELECT conflict, applied_at IS NOT NULL,"
	    " status, modified, owner, note FROM record_tasks"
	    " WHERE action_id = ?", "i", action_id);
	return st == MDT_ENOTFOUND ? MDT_OK : st;
}

void
mdt_record_view_free(struct mdt_record_view *v)
{
	free(v->owner);
	free(v->note);
	memset(v, 0, sizeof(*v));
}

enum mdt_status
mdt_record_conflicts(struct mdt_store *s, int64_t *n)
{
	return mdt_query_int(s, n, "SELECT count(*) FROM record_tasks"
	    " WHERE conflict = 1", NULL);
}

/* A conflict to settle: the action and what the record said. */
struct settle {
	int64_t action_id;
	bool keep;
	struct conflict_row {
		char uuid[37];
		char version[65];
		char status[24];
		int64_t modified;
	} r;
};

MDT_ROW_READER(read_conflict, struct conflict_row, r)
{
	mdt_cols(st, "ccci", MDT_F(r->uuid), MDT_F(r->version),
	    MDT_F(r->status), MDT_F(r->modified));
}

static enum mdt_status
settle_tx(struct mdt_store *s, void *ctx)
{
	struct settle *c = ctx;
	int64_t now = mdt_store_now(s);
	char when[32];
	enum mdt_status st;
	int to;

	st = mdt_read_row(s, &c->r, sizeof(c->r), read_conflict, NULL,
	    "reading the conflict", "SELECT a.uuid, r.version, r.status,"
	    " r.modified FROM record_tasks r JOIN actions a"
	    " ON a.id = r.action_id WHERE r.action_id = ? AND r.conflict = 1",
	    "i", c->action_id);
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, MDT_ESTATE, "action #%" PRId64 " is not in"
		    " conflict with the central record", c->action_id);
	if (st != MDT_OK)
		return st;
	instant(c->r.modified, when);
	if (c->keep) {
		/* ours goes over the version the record has now */
		st = mdt_run(s, "UPDATE sync_versions SET version_id = ?"
		    " WHERE resource_type = 'Task' AND resource_id = ?", "tt",
		    c->r.version, c->r.uuid);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE outbox SET state = 'pending',"
			    " attempts = 0, next_at = ?, last_error = NULL"
			    " WHERE entity = 'action' AND entity_uuid = ?"
			    " AND state IN ('pending', 'conflict')", "it", now,
			    c->r.uuid);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "record_keep", "action",
			    c->r.uuid, "kept ours over the record's (%s at %s,"
			    " Task version %s): sent over it", c->r.status,
			    when, c->r.version);
	} else {
		to = status_taken(c->r.status);
		st = mdt_run(s, "UPDATE actions SET status = ?, closed_at = ?"
		    " WHERE id = ?", "tii", mdt_action_status_name(
		    (enum mdt_action_status)(to < 0 ? MDT_ACTION_DONE : to)),
		    c->r.modified, c->action_id);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE outbox SET state = 'sent',"
			    " sent_at = ?, last_error = 'settled: the central"
			    " record''s Task was taken' WHERE entity = 'action'"
			    " AND entity_uuid = ? AND state IN ('pending',"
			    " 'failed', 'conflict')", "it", now, c->r.uuid);
		if (st == MDT_OK)
			st = mdt_run(s, "UPDATE record_tasks SET applied_at = ?"
			    " WHERE action_id = ?", "ii", now, c->action_id);
		if (st == MDT_OK)
			st = mdt_audit_add(s, "record_take", "action",
			    c->r.uuid, "took the record's (%s at %s, Task"
			    " version %s); the local change is not sent",
			    c->r.status, when, c->r.version);
	}
	if (st == MDT_OK)
		st = mdt_run(s, "UPDATE record_tasks SET conflict = 0"
		    " WHERE action_id = ?", "i", c->action_id);
	return st;
}

enum mdt_status
mdt_record_keep(struct mdt_store *s, int64_t action_id)
{
	return mdt_tx_run(s, settle_tx, &(struct settle){ .action_id =
	    action_id, .keep = true }, NULL);
}

enum mdt_status
mdt_record_take(struct mdt_store *s, int64_t action_id)
{
	return mdt_tx_run(s, settle_tx, &(struct settle){ .action_id =
	    action_id, .keep = false }, NULL);
}
