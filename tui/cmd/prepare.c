/*
 * prepare.c - mdtchair prepare: the chair's screens (chair.c) opened on
 * a meeting's preparation (its candidates and agenda), which leaves the
 * meeting as it is.
 */
#include "config.h"

#include "cmd.h"

const struct cmd_entry cmd_prepare_entry = {
	.name = "prepare",
	.usage = "[MEETING]",
	.summary = "prepare a meeting's agenda from its candidates",
	.help =
	    "Opens the preparation screen: the patients imported from the\n"
	    "pre-meeting lists, to put on the agenda, order, plan or defer, and\n"
	    "the rising-risk group.  The meeting is not opened.",
	.operands = &cmd_one_meeting,
	.run = cmd_screens,
};
