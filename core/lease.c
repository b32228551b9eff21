/*
 * lease.c - one chair at a time: the lease a console holds on the meeting
 * it chairs (lease.h).  Each step is one short transaction; the check
 * every act makes runs inside the act's own (store_sql.c, tx_run).
 */
#include "config.h"

#include "lease.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "rows.h"
#include "store.h"
#include "store_internal.h"
#include "util.h"

/* This machine's name, as a lease names it. */
static void
lease_host(char *out, size_t len)
{
	if (gethostname(out, len) != 0)
		snprintf(out, len, "unknown");
	out[len - 1] = '\0';
}

/* Whether process pid has ended: gone, or (where /proc says so) ended
 * and not yet reaped by its parent, a zombie. */
static bool
process_ended(int64_t pid)
{
	char path[64], line[256], *close;
	FILE *f;
	bool zombie = false;

	if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%" PRId64 "/stat", pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	/* "pid (name) S ...": the state follows the last ')' */
	if (fgets(line, sizeof(line), f) != NULL &&
	    (close = strrchr(line, ')')) != NULL)
		zombie = close[1] == ' ' && close[2] == 'Z';
	fclose(f);
	return zombie;
}

/* Whether the lease's holder was a process on this host that has ended. */
static bool
lease_ended(const struct mdt_lease *l)
{
	char host[256];

	lease_host(host, sizeof(host));
	return strcmp(host, l->host) == 0 && l->pid > 0 &&
	    process_ended(l->pid);
}

static void
read_lease(sqlite3_stmt *st, void *row, void *ctx)
{
	struct mdt_lease *l = row;
	char *token = ctx;

	mdt_cols(st, "cciii", MDT_F(l->holder), MDT_F(l->host), MDT_F(l->pid),
	    MDT_F(l->acquired_at), MDT_F(l->renewed_at));
	if (token != NULL)
		mdt_col_copy(st, 5, token, 37);
}

/* The lease row of meeting_id with its token; MDT_ENOTFOUND if none. */
static enum mdt_status
lease_read(struct mdt_store *s, int64_t meeting_id, struct mdt_lease *out,
    char token[37])
{
	enum mdt_status st;

	token[0] = '\0';
	st = mdt_read_row(s, out, sizeof(*out), read_lease, token,
	    "reading the chair's lease",
	    "SELECT holder, host, pid, acquired_at, renewed_at, token"
	    " FROM chair_lease WHERE meeting_id = ?", "i", meeting_id);
	if (st == MDT_OK) {
		out->ours = s->lease_token[0] != '\0' &&
		    strcmp(token, s->lease_token) == 0;
		out->ended = !out->ours && lease_ended(out);
		out->gone = !out->ours && (out->ended || mdt_store_now(s) -
		    out->renewed_at >= MDT_LEASE_STALE_MS);
	}
	return st;
}

/* "USER on HOST": who holds the lease, for a refusal. */
static enum mdt_status
lease_refuse(struct mdt_store *s, const struct mdt_lease *l)
{
	return mdt_fail(s, MDT_ECHAIR, "%s chairs it on %s%s", l->holder,
	    l->host, l->gone ? " (that console is gone)" : "");
}

enum mdt_status
mdt_lease_check(struct mdt_store *s)
{
	struct mdt_lease l;
	char token[37];
	enum mdt_status st;

	if (s->lease_meeting == 0)
		return MDT_OK;
	st = lease_read(s, s->lease_meeting, &l, token);
	if (st == MDT_OK && l.ours)
		return MDT_OK;
	if (st == MDT_ENOTFOUND)
		return mdt_fail(s, MDT_ECHAIR, "nobody holds the chair: take "
		    "it first");
	return st == MDT_OK ? lease_refuse(s, &l) : st;
}

struct take_act {
	int64_t meeting_id;
	bool take_over;
	struct mdt_lease held;	/* the holder found, if any */
	bool found;
};

static enum mdt_status
take_tx(struct mdt_store *s, void *ctx)
{
	struct take_act *a = ctx;
	struct mdt_meeting_row m;
	char token[37], host[256];
	int64_t now = mdt_store_now(s);
	enum mdt_status st;

	st = mdt_row_meeting(s, a->meeting_id, false, &m);
	if (st != MDT_OK)
		return st;
	st = lease_read(s, a->meeting_id, &a->held, token);
	if (st != MDT_OK && st != MDT_ENOTFOUND)
		return st;
	a->found = st == MDT_OK;
	if (a->found && a->held.ours)
		return mdt_run(s, "UPDATE chair_lease SET renewed_at = ?"
		    " WHERE meeting_id = ?", "ii", now, a->meeting_id);
	if (a->found && !(a->held.gone && a->take_over))
		return lease_refuse(s, &a->held);
	mdt_uuid_new(token);
	lease_host(host, sizeof(host));
	st = mdt_run(s, "INSERT OR REPLACE INTO chair_lease (meeting_id,"
	    " holder, host, pid, token, acquired_at, renewed_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", "ittitii", a->meeting_id,
	    s->actor, host, (int64_t)getpid(), token, now, now);
	if (st == MDT_OK && a->found)
		st = mdt_audit_add(s, "chair_take_over", "meeting", m.uuid,
		    "took over the chair from %s on %s", a->held.holder,
		    a->held.host);
	if (st == MDT_OK)
		memcpy(s->lease_token, token, sizeof(s->lease_token));
	return st;
}

enum mdt_status
mdt_lease_take(struct mdt_store *s, int64_t meeting_id, bool take_over,
    struct mdt_lease *holder)
{
	struct take_act a = { .meeting_id = meeting_id,
	    .take_over = take_over };
	enum mdt_status st;

	if (s->lease_meeting != meeting_id)
		s->lease_token[0] = '\0';
	s->lease_meeting = meeting_id;
	st = mdt_tx_run_unleased(s, take_tx, &a, NULL);
	if (st != MDT_OK && s->lease_token[0] != '\0' && !a.held.ours)
		s->lease_token[0] = '\0';	/* the insert rolled back */
	if (holder != NULL) {
		if (a.found && st != MDT_OK)
			*holder = a.held;
		else if (st == MDT_OK)
			(void)mdt_lease_holder(s, meeting_id, holder);
	}
	return st;
}

static enum mdt_status
renew_tx(struct mdt_store *s, void *ctx)
{
	enum mdt_status st;

	(void)ctx;
	st = mdt_run(s, "UPDATE chair_lease SET renewed_at = ?"
	    " WHERE meeting_id = ? AND token = ?", "iit", mdt_store_now(s),
	    s->lease_meeting, s->lease_token);
	if (st != MDT_OK || sqlite3_changes(s->db) == 1)
		return st;
	return mdt_lease_check(s);	/* says who took it */
}

enum mdt_status
mdt_lease_renew(struct mdt_store *s, struct mdt_lease *holder)
{
	enum mdt_status st;

	if (s->lease_meeting == 0 || s->lease_token[0] == '\0')
		st = mdt_fail(s, MDT_ECHAIR, "this console does not hold the "
		    "chair");
	else	/* a heartbeat, not a record: not worth a flush of its own
		 * (and the idle console's sleep) every few seconds; one lost
		 * to a power cut only ages the lease, as the cut did */
		st = mdt_tx_run_unflushed(s, renew_tx, NULL);
	if (st == MDT_ECHAIR) {
		s->lease_token[0] = '\0';
		if (holder != NULL && s->lease_meeting != 0)
			(void)mdt_lease_holder(s, s->lease_meeting, holder);
	}
	return st;
}

static enum mdt_status
release_tx(struct mdt_store *s, void *ctx)
{
	(void)ctx;
	return mdt_run(s, "DELETE FROM chair_lease WHERE meeting_id = ?"
	    " AND token = ?", "it", s->lease_meeting, s->lease_token);
}

enum mdt_status
mdt_lease_release(struct mdt_store *s)
{
	enum mdt_status st = MDT_OK;

	if (s->lease_meeting != 0 && s->lease_token[0] != '\0')
		st = mdt_tx_run_unleased(s, release_tx, NULL, NULL);
	s->lease_meeting = 0;
	s->lease_token[0] = '\0';
	return st;
}

enum mdt_status
mdt_lease_holder(struct mdt_store *s, int64_t meeting_id,
    struct mdt_lease *out)
{
	char token[37];

	return lease_read(s, meeting_id, out, token);
}

bool
mdt_lease_held(const struct mdt_store *s)
{
	return s->lease_meeting != 0 && s->lease_token[0] != '\0';
}
