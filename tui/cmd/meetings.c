/*
 * meetings.c - mdtchair meetings: one line per meeting.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

static int
cmd_meetings(struct cmd_args *cli)
{
	struct mdt_store *store;
	int rc = 0;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_meeting_list(store, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_meetings_entry = {
	.name = "meetings",
	.usage = "",
	.summary = "list the meetings in the database",
	.help =
	    "Prints one line per meeting: id, date, state, title.",
	.extra = "unexpected argument",
	.run = cmd_meetings,
};
