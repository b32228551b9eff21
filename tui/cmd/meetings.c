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

CMD_ENTRY(meetings, "",
    "list the meetings in the database",
    NULL, &cmd_no_operands, NULL, cmd_meetings);
