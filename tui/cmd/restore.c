/*
 * restore.c - mdtchair restore: a new database made from the central
 * record (sync_restore), so that a new or lost laptop can chair the next
 * meeting: the meetings since a day and what they need.  Never over a
 * file: the database named must not exist.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <uv.h>

#include "cmd.h"

enum { SINCE };

static const struct cmd_option options[] = {
	[SINCE] = CMD_SINCE,
	CMD_END
};

static int
cmd_restore(struct cmd_args *cli)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct sync_restore_result r;
	struct sync_config *cfg;
	struct passwd *pw = getpwuid(getuid());
	uv_loop_t loop;
	int rc;

	if (cli->opt[SINCE] == NULL)
		return cmd_usage_error(cli->cmd, "give --since YYYY-MM-DD (the"
		    " first day of the meetings to restore)");
	if (!cli->db && cmd_default_db(cli) != 0)
		return EXIT_USER;
	if (cmd_sync_setup(cli, &cfg) != 0)
		return EXIT_USER;
	if (uv_loop_init(&loop) != 0) {
		sync_config_free(cfg);
		say("%s", "cannot start the event loop");
		return EXIT_USER;
	}
	rc = sync_restore(&loop, cfg, cli->db, cli->opt[SINCE], &clock,
	    pw != NULL ? pw->pw_name : NULL, &r);
	if (uv_loop_close(&loop) != 0)
		say("%s", "the event loop did not close cleanly");
	if (rc != 0)
		say("restore: nothing restored: %s (%lld requests)", r.error,
		    (long long)r.requests);
	else {
		printf("restored %lld meetings, %lld discussions, %lld actions"
		    " (%lld open), %lld plans, %lld people from %s into %s"
		    " (%lld requests, %lld bytes)\n", (long long)r.meetings,
		    (long long)r.discussions, (long long)r.actions,
		    (long long)r.open_actions, (long long)r.plans,
		    (long long)r.people, sync_config_base_url(cfg), cli->db,
		    (long long)r.requests, (long long)r.bytes);
		if (r.skipped > 0)
			printf("skipped %lld resources not made by mdtchair or"
			    " not well formed\n", (long long)r.skipped);
		printf("next: 'mdtchair --db %s meetings', then 'mdtchair --db"
		    " %s schedule' and 'prepare' for the next meeting\n",
		    cli->db, cli->db);
	}
	sync_config_free(cfg);
	return rc != 0 ? EXIT_USER : cmd_flush("summary");
}

CMD_ENTRY(restore, "--since YYYY-MM-DD",
    "make a new database from the central record (a new laptop)",
    options, &cmd_no_operands, NULL, cmd_restore);
