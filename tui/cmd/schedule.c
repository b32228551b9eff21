/*
 * schedule.c - mdtchair schedule: a new planned meeting (and the
 * database, if there is none yet), caseload patients due for review
 * carried forward to it.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

enum { TITLE, DATE, TIME, VENUE, MINUTES };

static const struct cmd_option options[] = {
	[TITLE] = CMD_VALUE("title", CMD_TEXT, NULL, NULL),
	[DATE] = CMD_VALUE("date", CMD_TEXT, NULL, NULL),
	[TIME] = CMD_VALUE("time", CMD_TEXT, NULL, NULL),
	[VENUE] = CMD_VALUE("venue", CMD_TEXT, NULL, NULL),
	[MINUTES] = CMD_RANGE("minutes", 1, 720, "an option needs a value",
	    "--minutes is 1 to 720"),
	CMD_END
};

static int
cmd_schedule(struct cmd_args *cli)
{
	struct mdt_meeting_in in = {
		cli->opt[TITLE], cli->opt[DATE], cli->opt[TIME], cli->opt[VENUE],
		(int)cli->num[MINUTES]	/* 0: the default */
	};
	struct mdt_store *store;
	int64_t id;
	int carried = 0, rc = 0;

	if (in.title == NULL || in.date == NULL)
		return cmd_usage_error(cli->cmd, "--title and --date are needed");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_meeting_create(store, &in, &id, &carried) != MDT_OK)
		rc = cmd_store_error(store);
	else {
		printf("%lld\n", (long long)id);
		if (carried > 0)
			fprintf(stderr, "mdtchair: %d caseload patient%s due for"
			    " review carried forward\n", carried,
			    carried == 1 ? "" : "s");
	}
	return rc;
}

CMD_ENTRY(schedule, "--title T --date D [OPTIONS]",
    "schedule a new meeting and print its id",
    options, &cmd_no_operands, NULL, cmd_schedule);
