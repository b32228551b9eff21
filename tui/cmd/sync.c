/*
 * sync.c - mdtchair sync: the outbox sent to the central record once, on
 * its own event loop, until nothing is pending or a deadline passes, with
 * a progress line on stderr; then the record read back (the actions'
 * Tasks changed since the last pull, merged, and the discussions of the
 * next agenda's patients at meetings not held here: docs/sync.md "Pull").
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "cmd.h"

enum { DEADLINE, RETRY_FAILED, NOW, VERIFY, PULL, NO_PULL };

static const struct cmd_option options[] = {
	[DEADLINE] = CMD_RANGE("deadline", 1, 86400, "--deadline needs seconds",
	    "--deadline is 1 to 86400 seconds"),
	[RETRY_FAILED] = CMD_FLAG("retry-failed"),
	[NOW] = CMD_FLAG("now"),
	[VERIFY] = CMD_FLAG("verify"),
	[PULL] = CMD_FLAG("pull"),
	[NO_PULL] = CMD_FLAG("no-pull"),
	CMD_END
};

struct sync_run {
	uv_loop_t loop;
	uv_timer_t tick;
	struct sync_engine *engine;
	struct mdt_store *store;
	int64_t sent0;		/* sent before this run */
	int64_t total;		/* rows to deliver when the run began */
	uint64_t deadline;	/* uv_now() limit */
	int64_t deadline_at;	/* the same, as a time (ms since the epoch) */
	int64_t waits_until;	/* the rows wait past the deadline: till then */
	bool tty;
	bool done;
	bool timed_out;
	bool online;		/* the engine reached the record at the end */
	char last_line[512];
};

/* "sync: 12/40 sent, 0 failed, retrying in 2 s (HTTP 503 ...)" */
static void
sync_progress(struct sync_run *r, bool final)
{
	struct sync_status st;
	char line[512], wait[320];
	int64_t now = mdt_clock_real(NULL);

	sync_engine_status(r->engine, &st);
	wait[0] = '\0';
	/* on a terminal a countdown, rewritten in place; in a log (cron)
	 * the time of the next try, so that a line is written only when
	 * something changes, not every second of an outage */
	if (st.next_attempt_at > 0 && st.pending > 0 && r->tty)
		snprintf(wait, sizeof wait, ", retrying in %lld s%s%.200s%s",
		    (long long)((st.next_attempt_at - now + 999) / 1000),
		    st.last_error[0] != '\0' ? " (" : "", st.last_error,
		    st.last_error[0] != '\0' ? ")" : "");
	else if (st.next_attempt_at > 0 && st.pending > 0) {
		time_t t = (time_t)(st.next_attempt_at / 1000);
		struct tm tm;
		char at[16] = "";

		if (localtime_r(&t, &tm) != NULL)
			strftime(at, sizeof at, "%H:%M:%S", &tm);
		snprintf(wait, sizeof wait, ", retrying at %s%s%.200s%s", at,
		    st.last_error[0] != '\0' ? " (" : "", st.last_error,
		    st.last_error[0] != '\0' ? ")" : "");
	}
	else if (st.busy)
		snprintf(wait, sizeof wait, ", sending");
	snprintf(line, sizeof line, "sync: %lld/%lld sent, %lld failed%s%s",
	    (long long)(st.sent - r->sent0), (long long)r->total,
	    (long long)(st.failed + st.conflicts), wait,
	    st.conflicts > 0 ? " (conflicts included)" : "");
	if (!final && strcmp(line, r->last_line) == 0)
		return;
	snprintf(r->last_line, sizeof r->last_line, "%s", line);
	if (r->tty) {
		/* the line rewritten in place: the return and erase go to
		 * the terminal itself, the line (the server's words in it)
		 * through stderr, which escapes what it holds */
		fflush(stderr);
		if (write(STDERR_FILENO, "\r\033[K", 4) != 4)
			return;
		fprintf(stderr, "%s%s", line, final ? "\n" : "");
	} else
		fprintf(stderr, "%s\n", line);
}

static void
sync_on_change(void *ctx)
{
	sync_progress(ctx, false);
}

/* Every 100 ms: finished (nothing pending and nothing in flight), or
 * past the deadline? */
static void
sync_on_tick(uv_timer_t *t)
{
	struct sync_run *r = t->data;
	struct sync_status st;

	sync_engine_status(r->engine, &st);
	sync_progress(r, false);
	if (st.pending == 0 && !st.busy)
		r->done = true;
	else if (!st.busy && st.next_attempt_at > r->deadline_at) {
		/* the rows wait (a backoff, the server's Retry-After) past
		 * the deadline: no use waiting for it */
		r->waits_until = st.next_attempt_at;
		r->done = true;
	} else if (uv_now(&r->loop) >= r->deadline)
		r->done = r->timed_out = true;
	if (r->done) {
		r->online = st.online;
		uv_timer_stop(&r->tick);
		uv_close((uv_handle_t *)&r->tick, NULL);
		sync_engine_close(r->engine);
	}
}

int
cmd_sync_setup(struct cmd_args *cli, struct sync_config **cfg)
{
	char err[512];
	int lr;

	*cfg = NULL;
	if (sync_config_path(cli->config, cli->config_buf,
	    sizeof cli->config_buf) != 0) {
		say("%s", "no HOME or XDG_CONFIG_HOME: give the configuration"
		    " with --config PATH");
		return -1;
	}
	if ((lr = sync_config_load(cli->config_buf, cfg, err,
	    sizeof err)) < 0) {
		say("%s", err);
		return -1;
	}
	if (lr > 0 || !sync_config_has_server(*cfg)) {
		say("sync is not configured: %s %s (see docs/sync.md)",
		    lr > 0 ? "write" : "add a [server] section to",
		    cli->config_buf);
	/* libcurl is loaded only now; without it nothing can go */
	} else if (sync_prepare(err, sizeof err) != 0)
		say("%s", err);
	else
		return 0;
	sync_config_free(*cfg);
	*cfg = NULL;
	return -1;
}

/* After the run: "all sent", else what stays and the first reason; the
 * exit status. */
static int
sync_report(struct sync_run *r)
{
	struct mdt_outbox_counts c;
	struct mdt_outbox_row *rows = NULL;
	const char *why = NULL;
	size_t n = 0;

	if (mdt_outbox_counts(r->store, &c) != MDT_OK)
		return cmd_store_error(r->store);
	if (r->tty && r->last_line[0] != '\0')
		fputc('\n', stderr);
	if (c.pending + c.failed + c.conflict == 0) {
		fprintf(stderr, "sync: all sent (%lld this time)\n",
		    (long long)(c.sent - r->sent0));
		return 0;
	}
	if (r->waits_until > 0 && c.failed + c.conflict == 0) {
		char when[64];

		cmd_when_text(r->waits_until, when, sizeof when);
		say("sync: %lld pending, waiting until %s as the last try"
		    " asked (%s); 'mdtchair sync --now' sends them now",
		    (long long)c.pending, when, c.pending > 0 &&
		    mdt_outbox_list(r->store, MDT_OUTBOX_MASK(
		    MDT_OUTBOX_PENDING), 1, &rows, &n) == MDT_OK && n > 0 &&
		    rows[0].last_error != NULL ? rows[0].last_error :
		    "a retry scheduled earlier");
		mdt_outbox_rows_free(rows, n);
		return EXIT_USER;
	}
	if (mdt_outbox_list(r->store, MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 1, &rows, &n) == MDT_OK &&
	    n > 0)
		why = rows[0].last_error;
	say("sync: %lld not sent (%lld pending, %lld failed, %lld"
	    " conflict%s)%s%s%s", (long long)(c.pending + c.failed +
	    c.conflict), (long long)c.pending, (long long)c.failed,
	    (long long)c.conflict, r->timed_out ? "; deadline reached" : "",
	    why != NULL ? ": " : "", why != NULL ? why : "",
	    "; see 'mdtchair status'");
	mdt_outbox_rows_free(rows, n);
	return EXIT_USER;
}

/* The discussions of the next meeting's patients at meetings not held
 * here, read back after the Tasks: what was kept, one line; 0, or -1
 * when nothing could be taken. */
static int
sync_elsewhere_run(struct sync_run *r, const struct sync_config *cfg)
{
	struct sync_elsewhere_result er;

	if (sync_pull_elsewhere(&r->loop, r->store, cfg, &er) != 0) {
		say("sync: no discussions taken from the central record: %s"
		    " (%lld requests)", er.error, (long long)er.requests);
		return -1;
	}
	if (er.patients > 0)
		fprintf(stderr, "sync: read %lld discussions of the %lld"
		    " patients of the next agenda (%lld requests, %lld bytes):"
		    " %lld new, %lld changed, %lld held here\n",
		    (long long)er.kept.read, (long long)er.patients,
		    (long long)er.requests, (long long)er.bytes,
		    (long long)er.kept.added, (long long)er.kept.changed,
		    (long long)er.kept.ours);
	return 0;
}

/* The record read back after the drain (or alone, --pull): what it
 * did, one line; then, with elsewhere, the discussions elsewhere; 0, or
 * EXIT_USER when it failed or conflicts wait. */
static int
sync_pull_run(struct sync_run *r, const struct sync_config *cfg,
    bool elsewhere)
{
	struct sync_pull_result pr;
	const struct mdt_pull_result *m = &pr.merged;
	int64_t conflicts = 0;

	if (sync_pull(&r->loop, r->store, cfg, &pr) != 0) {
		say("sync: nothing taken from the central record: %s (%lld"
		    " requests)", pr.error, (long long)pr.requests);
		return EXIT_USER;
	}
	fprintf(stderr, "sync: pulled %lld changed Tasks of %lld actions"
	    " (%lld requests, %lld bytes): %lld closed from the record, %lld"
	    " conflicts, %lld owners shown\n", (long long)m->tasks,
	    (long long)pr.actions, (long long)pr.requests,
	    (long long)pr.bytes, (long long)m->closed,
	    (long long)m->conflicts, (long long)m->owners);
	if (elsewhere && sync_elsewhere_run(r, cfg) != 0)
		return EXIT_USER;
	if (mdt_record_conflicts(r->store, &conflicts) != MDT_OK)
		return cmd_store_error(r->store);
	if (conflicts > 0) {
		say("sync: %lld actions changed here and closed on the record;"
		    " see 'mdtchair actions --all', then 'mdtchair actions"
		    " keep ID' (ours) or 'take ID' (the record's)",
		    (long long)conflicts);
		return EXIT_USER;
	}
	return 0;
}

static int
cmd_sync(struct cmd_args *cli)
{
	int64_t n, deadline_s = cli->opt[DEADLINE] != NULL ?
	    cli->num[DEADLINE] : 60;
	struct sync_config *cfg;
	struct mdt_outbox_counts c;
	struct sync_run r;
	int rc = EXIT_USER;

	if (cmd_sync_setup(cli, &cfg) != 0)
		return EXIT_USER;
	memset(&r, 0, sizeof r);
	if (!(r.store = cmd_open_store(cli, 0))) {
		sync_config_free(cfg);
		return EXIT_USER;
	}
	if ((cli->opt[RETRY_FAILED] != NULL &&
	    mdt_outbox_retry_problems(r.store, &n) != MDT_OK) ||
	    mdt_outbox_counts(r.store, &c) != MDT_OK) {
		rc = cmd_store_error(r.store);
		goto out;
	}
	r.sent0 = c.sent;
	r.total = c.pending;
	r.tty = isatty(STDERR_FILENO) == 1;
	if (uv_loop_init(&r.loop) != 0) {
		say("%s", "cannot start the event loop");
		goto out;
	}
	if (cli->opt[PULL] != NULL && cli->opt[NO_PULL] != NULL) {
		uv_loop_close(&r.loop);
		sync_config_free(cfg);
		return cmd_usage_error(cli->cmd, "give --pull or --no-pull, not"
		    " both");
	}
	if (cli->opt[PULL] != NULL) {
		/* the record read back, nothing sent */
		rc = sync_pull_run(&r, cfg, true);
		if (uv_loop_close(&r.loop) != 0)
			say("%s", "the event loop did not close cleanly");
		goto out;
	}
	if (cli->opt[VERIFY] != NULL) {
		struct sync_verify_result vr;

		/* the record's Tasks read back first, so that a Task closed
		 * there is merged, not taken for a difference (the
		 * discussions elsewhere wait for the pull after delivery); then
		 * what the record should hold, read back; the difference
		 * is queued, and the delivery below sends it */
		if (cli->opt[NO_PULL] == NULL &&
		    sync_pull_run(&r, cfg, false) != 0)
			rc = EXIT_USER;
		if (sync_verify(&r.loop, r.store, cfg, &vr) != 0) {
			say("sync --verify: %s (%lld resources checked)",
			    vr.error, (long long)vr.checked);
			uv_loop_close(&r.loop);
			goto out;
		}
		fprintf(stderr, "sync: verified %lld resources with the"
		    " central record: %lld missing, %lld different, %lld"
		    " queued again, %lld changed on the record and read"
		    " back%s\n", (long long)vr.checked,
		    (long long)vr.missing, (long long)vr.different,
		    (long long)vr.queued, (long long)vr.from_record,
		    vr.not_queued > 0 ?
		    " (the rest belong to purged or deleted records)" : "");
		if (mdt_outbox_counts(r.store, &c) != MDT_OK) {
			rc = cmd_store_error(r.store);
			uv_loop_close(&r.loop);
			goto out;
		}
		r.total = c.pending;
	}
	r.engine = sync_engine_new(&r.loop, r.store, cfg);
	sync_engine_on_change(r.engine, sync_on_change, &r);
	r.deadline = uv_now(&r.loop) + (uint64_t)deadline_s * 1000;
	r.deadline_at = mdt_clock_real(NULL) + deadline_s * 1000;
	uv_timer_init(&r.loop, &r.tick);
	r.tick.data = &r;
	uv_timer_start(&r.tick, sync_on_tick, 100, 100);
	/* the schedule kept in the outbox holds, unless --now */
	if (cli->opt[NOW] != NULL)
		sync_engine_send_now(r.engine);
	else
		sync_engine_kick(r.engine);
	/* runs until the tick has closed the engine and itself */
	uv_run(&r.loop, UV_RUN_DEFAULT);
	rc = sync_report(&r);
	/* then what the record says, if it could be reached */
	if (cli->opt[NO_PULL] == NULL && r.online &&
	    sync_pull_run(&r, cfg, true) != 0)
		rc = EXIT_USER;
	if (uv_loop_close(&r.loop) != 0)
		say("%s", "the event loop did not close cleanly");
out:
	sync_config_free(cfg);
	return rc;
}

CMD_ENTRY(sync, "[--deadline SECONDS] [OPTIONS]",
    "send the outbox to the central record once",
    options, &cmd_no_operands, NULL, cmd_sync);
