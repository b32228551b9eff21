/*
 * present.c - mdtchair present: the projector's read-only view of the
 * live meeting, patients masked unless --unmask.
 */
#include "config.h"

#include <stdbool.h>

#include "cmd.h"

enum { UNMASK };

static const struct cmd_option options[] = { [UNMASK] = CMD_FLAG("unmask"),
    CMD_END };

/* The projector's view: read-only, no delivery (the chair's console
 * delivers), patients masked unless --unmask. */
static int
cmd_present(struct cmd_args *cli)
{
	bool unmask = cli->opt[UNMASK] != NULL;
	struct mdt_store *store;
	int64_t id;
	int rc;

	if (cmd_open_meeting(cli, cmd_operand(cli), &store, &id) != 0)
		return EXIT_USER;
	/* The one write of the projector: who showed the meeting's
	 * patients to a room, and whether unmasked. */
	if (mdt_audit_meeting(store, id, "open", unmask ?
	    "projector, unmasked" : "projector") != MDT_OK)
		rc = cmd_store_error(store);
	else
		rc = tui_run(store, id, NULL, cli->config_buf,
		    TUI_MODE_PRESENT, unmask);
	return rc;
}

CMD_ENTRY(present, "[MEETING] [--unmask]",
    "show the live meeting on the room's projector (read-only)",
    options, &cmd_one_meeting, NULL, cmd_present);
