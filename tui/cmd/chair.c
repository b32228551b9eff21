/*
 * chair.c - mdtchair chair: the chair's screens on a meeting; and
 * mdtchair prepare, the same screens on its preparation (prepare.c).
 */
#include "config.h"

#include "cmd.h"

int
cmd_screens(struct cmd_args *cli)
{
	enum tui_mode mode = cli->cmd == &cmd_prepare_entry ?
	    TUI_MODE_PREPARE : TUI_MODE_CHAIR;
	struct mdt_store *store;
	int64_t id;

	if (cmd_open_meeting(cli, cmd_operand(cli), &store, &id) != 0)
		return EXIT_USER;
	return cmd_run_screens(cli, store, id, mode);
}

const struct cmd_entry cmd_chair_entry = {
	.name = "chair",
	.usage = "[MEETING]",
	.summary = "chair a meeting (default: the open one)",
	.help =
	    "Opens the chair screen.  MEETING is an id or uuid (see 'mdtchair\n"
	    "meetings'); without it, the open meeting, else the next one.\n"
	    "Opening only looks: S starts the meeting (asked first, with a\n"
	    "warning when it is not the scheduled day).  One console chairs\n"
	    "a meeting at a time: another follows it, read-only, and O takes\n"
	    "the chair over once that console is gone.\n"
	    "Press ? on any screen for its keys.",
	.operands = &cmd_one_meeting,
	.run = cmd_screens,
};
