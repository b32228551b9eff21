/*
 * schedule.c - mdtchair schedule: a new planned meeting (and the
 * database, if there is none yet), caseload patients due for review
 * carried forward to it.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

static int
cmd_schedule(struct cmd_args *cli)
{
	struct mdt_meeting_in in = { NULL, NULL, NULL, NULL, 0 };
	struct mdt_store *store;
	bool missing;
	int64_t id;
	int carried = 0, rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *v;

		if ((v = cmd_opt_value(cli, &i, "--title", &missing)) != NULL)
			in.title = v;
		else if ((v = cmd_opt_value(cli, &i, "--date", &missing)) != NULL)
			in.date = v;
		else if ((v = cmd_opt_value(cli, &i, "--time", &missing)) != NULL)
			in.time = v;
		else if ((v = cmd_opt_value(cli, &i, "--venue", &missing)) != NULL)
			in.venue = v;
		else if ((v = cmd_opt_value(cli, &i, "--minutes", &missing)) !=
		    NULL) {
			char *end;
			long m;

			errno = 0;
			m = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || m < 1 ||
			    m > 720)
				return cmd_usage_error("schedule",
				    "--minutes is 1 to 720");
			in.planned_minutes = (int)m;
		} else if (missing)
			return cmd_usage_error("schedule", "an option needs a value");
		else
			return cmd_usage_error("schedule", "unexpected argument");
	}
	if (in.title == NULL || in.date == NULL)
		return cmd_usage_error("schedule", "--title and --date are needed");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_meeting_create(store, &in, &id, &carried) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else {
		printf("%lld\n", (long long)id);
		if (carried > 0)
			fprintf(stderr, "mdtchair: %d caseload patient%s due for"
			    " review carried forward\n", carried,
			    carried == 1 ? "" : "s");
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_schedule_entry = {
	.name = "schedule",
	.usage = "--title T --date D [OPTIONS]",
	.summary = "schedule a new meeting and print its id",
	.help =
	    "Options: --time HH:MM, --venue NAME, --minutes N.\n"
	    "Creates a planned meeting (the database too, if there is none yet):\n"
	    "--title and --date (YYYY-MM-DD, or +N days) are needed; --time is the\n"
	    "local start (default 13:00), --venue the hosting practice (found by\n"
	    "name or added), --minutes the planned length (default 90).  Caseload\n"
	    "patients whose review date falls on or before the meeting are carried\n"
	    "forward as candidates.  Prints the meeting's id.",
	.run = cmd_schedule,
};
