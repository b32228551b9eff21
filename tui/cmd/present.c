/*
 * present.c - mdtchair present: the projector's read-only view of the
 * live meeting, patients masked unless --unmask.
 */
#include "config.h"

#include <stdbool.h>

#include "cmd.h"

enum { UNMASK };

static const struct cmd_option options[] = {
	[UNMASK] = CMD_FLAG("unmask"),
	CMD_END
};

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

const struct cmd_entry cmd_present_entry = {
	.name = "present",
	.usage = "[MEETING] [--unmask]",
	.summary = "show the live meeting on the room's projector (read-only)",
	.help =
	    "Shows the meeting being chaired (default: the open one) for the\n"
	    "room: the slot clock in large digits, green / amber / red as on the\n"
	    "chair's console, the agenda with the forecast finish and its cut-off,\n"
	    "and the actions agreed for the patient being discussed.  It follows\n"
	    "the chair's console (another window on the same database) and never\n"
	    "changes anything; keys: q quits, ? help, Ctrl-L redraws.  Patients\n"
	    "are masked (initials, year of birth, last three digits of the NHS\n"
	    "number).  --unmask shows full names and numbers: only for a private\n"
	    "screen, never a projector.  The chair's B key blanks the view.",
	.options = options,
	.operands = &cmd_one_meeting,
	.run = cmd_present,
};
