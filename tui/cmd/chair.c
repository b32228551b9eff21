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

CMD_ENTRY(chair, "[MEETING]",
    "chair a meeting (default: the open one)",
    NULL, &cmd_one_meeting, NULL, cmd_screens);
