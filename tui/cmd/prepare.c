/*
 * prepare.c - mdtchair prepare: the screens opened on a meeting's
 * preparation (its candidates and agenda), which leaves the meeting as it is.
 */
#include "config.h"

#include "cmd.h"

static int
cmd_prepare(struct cmd_args *cli)
{
	return cmd_open_screens(cli, TUI_MODE_PREPARE);
}

const struct cmd_entry cmd_prepare_entry = {
	.name = "prepare",
	.usage = "[MEETING]",
	.summary = "prepare a meeting's agenda from its candidates",
	.help =
	    "Opens the preparation screen: the patients imported from the\n"
	    "pre-meeting lists, to put on the agenda, order, plan or defer, and\n"
	    "the rising-risk group.  The meeting is not opened.",
	.operands = 1,
	.operand = CMD_MEETING,
	.extra = "too many arguments",
	.run = cmd_prepare,
};
