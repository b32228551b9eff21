/*
 * chair.c - mdtchair chair: the chair's screens on a meeting.
 */
#include "config.h"

#include "cmd.h"

static int
cmd_chair(struct cmd_args *cli)
{
	return cmd_open_screens(cli, TUI_MODE_CHAIR);
}

const struct cmd_entry cmd_chair_entry = {
	.name = "chair",
	.usage = "[MEETING]",
	.summary = "chair a meeting (default: the open one)",
	.help =
	    "Opens the chair screen.  MEETING is an id or uuid (see 'mdtchair\n"
	    "meetings'); without it, the open meeting, else the next one.\n"
	    "Press ? on any screen for its keys.",
	.operands = 1,
	.operand = CMD_MEETING,
	.extra = "too many arguments",
	.run = cmd_chair,
};
