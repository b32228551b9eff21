/*
 * meetings.c - mdtchair meetings: one line per meeting.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

static int
cmd_meetings(struct cmd_args *cli)
{
	return cmd_list(cli, mdt_meeting_list, NULL);
}

const struct cmd_entry cmd_meetings_entry = {
	.name = "meetings",
	.usage = "",
	.summary = "list the meetings in the database",
	.help =
	    "Prints one line per meeting: id, date, state, title.",
	.operands = &cmd_no_operands,
	.run = cmd_meetings,
};
