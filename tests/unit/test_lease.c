/*
 * test_lease.c - one chair at a time: two stores on one database file
 * stand for two consoles.  The first takes the lease, renews it and
 * releases it; the second is refused while the first is live (and cannot
 * act, in the act's own transaction), takes over once the lease is stale
 * or its process on this host has ended (only when asked to); the first
 * then finds at its renewal that it lost the chair, and its acts are
 * refused.  Delivery's bookkeeping is not an act and is never refused.
 * The heartbeat and the marks of rows sent are not flushed on their own,
 * and every act after them is.
 */
#include "config.h"

#include <inttypes.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static struct mdt_store *
second_console(struct fx *f)
{
	struct mdt_store *other = NULL;
	char err[256];

	assert_int_equal(mdt_store_open(f->path, &f->clock, MDT_OPEN_CREATE,
	    &other, err, sizeof(err)), MDT_OK);
	mdt_store_set_actor(other, "second");
	return other;
}

static void
test_take_renew_release(void **state)
{
	struct fx *f = *state;
	struct mdt_lease l;
	uint64_t commits;

	mdt_store_set_actor(f->s, "first");
	assert_false(mdt_lease_held(f->s));
	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, &l), MDT_OK);
	assert_true(mdt_lease_held(f->s));
	assert_true(l.ours);
	assert_string_equal(l.holder, "first");
	assert_int_equal(l.pid, (int64_t)getpid());
	assert_int_equal(l.acquired_at, FX_T0);
	/* taking it again is renewing it */
	f->now += 2 * FX_SEC;
	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, NULL), MDT_OK);
	f->now += 5 * FX_SEC;
	commits = mdt_store_commits(f->s);
	assert_int_equal(mdt_lease_renew(f->s, NULL), MDT_OK);
	assert_int_equal(fx_int(f->s, "SELECT renewed_at FROM chair_lease"),
	    FX_T0 + 7 * FX_SEC);
	/* one commit, counted (the console's watch tells its own by it);
	 * the heartbeat is not flushed, and the acts after it are again */
	assert_int_equal(mdt_store_commits(f->s), commits + 1);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);
	assert_int_equal(fx_int(f->s, "SELECT acquired_at FROM chair_lease"),
	    FX_T0);
	/* the holder acts */
	assert_int_equal(mdt_meeting_open(f->s, f->meeting), MDT_OK);
	assert_int_equal(mdt_lease_release(f->s), MDT_OK);
	assert_false(mdt_lease_held(f->s));
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM chair_lease"), 0);
	assert_int_equal(mdt_lease_holder(f->s, f->meeting, &l),
	    MDT_ENOTFOUND);
}

static void
test_refused_while_live(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = second_console(f);
	struct mdt_lease l;
	int64_t slot = 0, audit;

	mdt_store_set_actor(f->s, "first");
	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, NULL), MDT_OK);
	f->now += 29 * FX_SEC;		/* not renewed for 29 s: still live */
	memset(&l, 0, sizeof(l));
	assert_int_equal(mdt_lease_take(other, f->meeting, false, &l),
	    MDT_ECHAIR);
	assert_string_equal(l.holder, "first");
	assert_false(l.gone);
	assert_false(l.ours);
	assert_non_null(strstr(mdt_store_error(other), "first chairs it"));
	/* asking to take over a live console changes nothing */
	assert_int_equal(mdt_lease_take(other, f->meeting, true, &l),
	    MDT_ECHAIR);
	assert_false(mdt_lease_held(other));
	/* the follower cannot act: n is refused in its transaction */
	audit = fx_int(f->s, "SELECT count(*) FROM audit");
	assert_int_equal(mdt_slot_next(other, f->meeting, &slot), MDT_ECHAIR);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM slots"
	    " WHERE state <> 'pending'"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"), audit);
	assert_int_equal(fx_int(f->s, "SELECT state = 'planned' FROM meetings"
	    " WHERE id = %" PRId64, f->meeting), 1);
	/* the holder can */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_OK);
	assert_true(slot != 0);
	mdt_store_free(other);
}

static void
test_steal_when_stale(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = second_console(f);
	struct mdt_lease l;
	int64_t slot = 0, n = 0;

	mdt_store_set_actor(f->s, "first");
	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, NULL), MDT_OK);
	f->now += 30 * FX_SEC;		/* not renewed for 30 s: gone */
	assert_int_equal(mdt_lease_take(other, f->meeting, false, &l),
	    MDT_ECHAIR);
	assert_true(l.gone);
	assert_false(l.ended);	/* stale, its process still there */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'chair_take_over'"), 0);
	/* with the confirmation, taken over and audited */
	assert_int_equal(mdt_lease_take(other, f->meeting, true, &l), MDT_OK);
	assert_true(l.ours);
	assert_string_equal(l.holder, "second");
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM audit"
	    " WHERE action = 'chair_take_over' AND actor = 'second'"), 1);
	/* the first console, back, finds at its renewal it lost the chair */
	memset(&l, 0, sizeof(l));
	assert_int_equal(mdt_lease_renew(f->s, &l), MDT_ECHAIR);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);	/* FULL */
	assert_string_equal(l.holder, "second");
	assert_false(mdt_lease_held(f->s));
	/* and cannot act, even before it noticed (the token check) */
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_ECHAIR);
	assert_int_equal(mdt_slot_next(other, f->meeting, &slot), MDT_OK);
	/* delivery's bookkeeping is not refused */
	assert_int_equal(mdt_outbox_retry_problems(f->s, &n), MDT_OK);
	mdt_store_free(other);
}

static void
test_token_check_in_act(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = second_console(f);
	int64_t slot = 0;

	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, NULL), MDT_OK);
	assert_int_equal(mdt_lease_take(other, f->meeting, false, NULL),
	    MDT_ECHAIR);
	/* the lease row changed under the holder (another console's token):
	 * its next act is refused though it did not renew */
	fx_exec(f->s, "UPDATE chair_lease SET token = 'not-ours'");
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_ECHAIR);
	/* nobody holds it: still refused, to both */
	fx_exec(f->s, "DELETE FROM chair_lease");
	assert_int_equal(mdt_slot_next(f->s, f->meeting, &slot), MDT_ECHAIR);
	assert_int_equal(mdt_slot_next(other, f->meeting, &slot), MDT_ECHAIR);
	/* a free lease is taken without asking */
	assert_int_equal(mdt_lease_take(other, f->meeting, false, NULL),
	    MDT_OK);
	assert_int_equal(mdt_slot_next(other, f->meeting, &slot), MDT_OK);
	mdt_store_free(other);
}

static void
test_process_gone_on_this_host(void **state)
{
	struct fx *f = *state;
	struct mdt_store *other = second_console(f);
	struct mdt_lease l;
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	/* ended but not yet reaped by its parent (a terminal's server that
	 * has not waited for it): a zombie, as gone as the rest */
	{
		siginfo_t info;

		assert_int_equal(waitid(P_PID, (id_t)child, &info,
		    WEXITED | WNOWAIT), 0);
	}
	assert_int_equal(mdt_lease_take(f->s, f->meeting, false, NULL), MDT_OK);
	/* the lease was taken by a process that has ended (kill -9) */
	{
		char sql[96];

		snprintf(sql, sizeof(sql), "UPDATE chair_lease SET pid = %ld",
		    (long)child);
		fx_exec(f->s, sql);
	}
	f->now += FX_SEC;		/* renewed a second ago */
	assert_int_equal(mdt_lease_take(other, f->meeting, false, &l),
	    MDT_ECHAIR);
	assert_true(l.gone);
	assert_true(l.ended);
	assert_int_equal(mdt_lease_take(other, f->meeting, true, NULL), MDT_OK);
	assert_int_equal(waitpid(child, NULL, 0), child);
	/* on another host a live-looking pid is not looked up */
	fx_exec(f->s, "UPDATE chair_lease SET host = 'elsewhere.example',"
	    " token = 'x'");
	assert_int_equal(mdt_lease_take(f->s, f->meeting, true, &l),
	    MDT_ECHAIR);
	assert_false(l.gone);
	assert_false(l.ended);
	mdt_store_free(other);
}

/* what the body saw of the connection, and what it writes */
struct unflushed {
	int synchronous;
	enum mdt_status st;
};

static enum mdt_status
unflushed_tx(struct mdt_store *s, void *ctx)
{
	struct unflushed *u = ctx;

	u->synchronous = (int)fx_int(s, "PRAGMA synchronous");
	fx_exec(s, "UPDATE meetings SET title = 'Quill \x1b]0;x\x07'"
	    " WHERE id = (SELECT min(id) FROM meetings)");
	return u->st;
}

static void
test_unflushed(void **state)
{
	struct fx *f = *state;
	struct unflushed u = { -1, MDT_OK };
	uint64_t commits = mdt_store_commits(f->s);

	/* the transaction runs at NORMAL (1), the connection is FULL (2)
	 * after it: committed, counted, unleased */
	assert_int_equal(mdt_tx_run_unflushed(f->s, unflushed_tx, &u), MDT_OK);
	assert_int_equal(u.synchronous, 1);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);
	assert_int_equal(mdt_store_commits(f->s), commits + 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE title LIKE 'Quill %%'"), 1);
	/* refused by its body: rolled back, and FULL again all the same */
	fx_exec(f->s, "UPDATE meetings SET title = 'MDT'");
	u = (struct unflushed){ -1, MDT_EINVAL };
	assert_int_equal(mdt_tx_run_unflushed(f->s, unflushed_tx, &u),
	    MDT_EINVAL);
	assert_int_equal(u.synchronous, 1);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM meetings"
	    " WHERE title LIKE 'Quill %%'"), 0);
	/* the marks of rows sent go the same way */
	assert_int_equal(mdt_outbox_mark_sent(f->s, NULL, 0, NULL, 0), MDT_OK);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_take_renew_release,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_while_live,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_steal_when_stale,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_token_check_in_act,
		    fx_setup_file_demo, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unflushed, fx_setup_file_demo,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_process_gone_on_this_host,
		    fx_setup_file_demo, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
