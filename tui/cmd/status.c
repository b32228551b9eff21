/*
 * status.c - mdtchair status: what has been sent to the central record,
 * what waits and what the server refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cmd.h"

/* The last pull: what it read and took, or why the last try took
 * nothing; the conflicts waiting, and how to settle them.  -1 if the
 * store cannot say. */
static int
pull_print(struct mdt_store *store)
{
	struct mdt_pull_last l;
	char when[64], done[64];

	if (mdt_pull_last(store, &l) != MDT_OK)
		return -1;
	cmd_when_text(l.tried_at, when, sizeof when);
	cmd_when_text(l.pulled_at, done, sizeof done);
	if (l.tried_at == 0)
		printf("last pull: never (mdtchair sync --pull)\n");
	else if (l.error != NULL) {
		printf("last pull: failed %s, nothing taken (last complete:"
		    " %s): ", when, done);
		mdt_text_fput_flat(stdout, l.error, false);
		putchar('\n');
	} else
		printf("last pull: %s, %lld Tasks read, %lld closed from the"
		    " record, %lld owners shown (%lld requests, %lld bytes)\n",
		    when, (long long)l.tasks, (long long)l.closed,
		    (long long)l.owners, (long long)l.requests,
		    (long long)l.bytes);
	if (l.waiting > 0)
		printf("record conflicts: %lld waiting ('mdtchair actions' lists"
		    " them; 'mdtchair actions keep ID' keeps ours, 'take ID'"
		    " takes the record's)\n", (long long)l.waiting);
	mdt_pull_last_free(&l);
	return 0;
}

/* What status prints, from the store and the configuration as it could
 * be read (cfg NULL, cfg_err why, if it could not); the exit status. */
static int
status_print(struct cmd_args *cli, struct mdt_store *store,
    const struct sync_config *cfg, const char *cfg_err)
{
	struct mdt_outbox_counts c;
	struct mdt_outbox_row *rows = NULL;
	char last[64], next[64];
	size_t n = 0;
	int rc = 0;

	if (mdt_outbox_counts(store, &c) != MDT_OK)
		return cmd_store_error(store);
	cmd_when_text(c.last_sent_at, last, sizeof last);
	printf("central record: %s\n", sync_config_has_server(cfg) ?
	    sync_config_base_url(cfg) : cfg_err[0] != '\0' ?
	    "configuration refused" : "not configured");
	printf("configuration: %s\n", cfg_err[0] != '\0' ? cfg_err :
	    cli->config_buf);
	printf("pending: %lld\nsent: %lld\nfailed: %lld\nconflict: %lld\n"
	    "last success: %s\n", (long long)c.pending, (long long)c.sent,
	    (long long)c.failed, (long long)c.conflict, last);
	if (c.pending > 0 && c.next_at > mdt_clock_real(NULL)) {
		cmd_when_text(c.next_at, next, sizeof next);
		printf("next attempt: %s\n", next);
	}
	{
		int64_t at;
		char *detail;

		if (mdt_audit_last_event(store, "verify", &at, &detail) !=
		    MDT_OK)
			return cmd_store_error(store);
		cmd_when_text(at, next, sizeof next);
		printf("last verification: %s%s%s\n", next,
		    detail != NULL ? ", " : " (mdtchair sync --verify)",
		    detail != NULL ? detail : "");
		free(detail);
	}
	if (pull_print(store) != 0)
		return cmd_store_error(store);
	if (mdt_outbox_list(store, MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), 0, &rows, &n) == MDT_OK) {
		for (size_t i = 0; i < n; i++)
			printf("%s: %s: %s\n",
			    mdt_outbox_state_name(rows[i].state), rows[i].label,
			    rows[i].last_error != NULL ? rows[i].last_error :
			    "(no reason kept)");
		mdt_outbox_rows_free(rows, n);
	} else
		rc = EXIT_USER;
	/* rows that cannot go while a resource they need is refused */
	if (mdt_outbox_list_held(store, 21, &rows, &n) == MDT_OK) {
		for (size_t i = 0; i < n && i < 20; i++)
			printf("waiting: %s: %s\n", rows[i].label,
			    rows[i].last_error);
		if (n > 20)
			printf("waiting: and more (all wait on the refused"
			    " records above)\n");
		mdt_outbox_rows_free(rows, n);
	} else
		rc = EXIT_USER;
	if (cmd_flush("status") != 0)
		rc = EXIT_USER;
	return rc;
}

static int
cmd_status(struct cmd_args *cli)
{
	struct sync_config *cfg = NULL;
	struct mdt_store *store;
	char cfg_err[512] = "";
	int rc = EXIT_USER;

	/* the counts are shown whatever the state of the configuration */
	if (sync_config_path(cli->config, cli->config_buf,
	    sizeof cli->config_buf) != 0)
		snprintf(cli->config_buf, sizeof cli->config_buf, "(none)");
	else if (sync_config_load(cli->config_buf, &cfg, cfg_err,
	    sizeof cfg_err) < 0)
		cfg = NULL;
	if ((store = cmd_open_store(cli, 0)) != NULL)
		rc = status_print(cli, store, cfg, cfg_err);
	sync_config_free(cfg);
	return rc;
}

CMD_ENTRY(status, "",
    "show what has been sent to the central record",
    NULL, &cmd_no_operands, NULL, cmd_status);
