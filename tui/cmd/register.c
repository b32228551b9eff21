/*
 * register.c - mdtchair register: a meeting's register, and adding
 * someone to it (someone added with `people add` after the meeting was
 * scheduled, a visitor) as the chair's a does on the register screen.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

/* register [MEETING] */
static int
cmd_register(struct cmd_args *cli)
{
	struct mdt_store *store;
	int64_t id;

	if (cmd_open_meeting(cli, cmd_operand(cli), &store, &id) != 0)
		return EXIT_USER;
	return cmd_printed(store, mdt_register_list(store, id, stdout),
	    "register");
}

/* register add: MEETING PERSON */
static const struct cmd_operands add_operands = {
	2, CMD_TEXT, "unknown option", "a meeting and one person's id"
};

static int
register_add(struct cmd_args *cli)
{
	struct mdt_store *store;
	int64_t meeting, person;
	char *end;

	if (cli->argc != 2)
		return cmd_usage_error(cli->cmd, "add needs MEETING and PERSON"
		    " (an id from 'mdtchair people')");
	errno = 0;
	person = strtoll(cli->argv[1], &end, 10);
	if (errno != 0 || *end != '\0' || end == cli->argv[1] || person <= 0)
		return cmd_usage_error(cli->cmd, "PERSON is an id from"
		    " 'mdtchair people'");
	if (cmd_open_meeting(cli, cli->argv[0], &store, &meeting) != 0)
		return EXIT_USER;
	if (mdt_register_add(store, meeting, person) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(register_add_entry, "add", "MEETING PERSON", NULL,
    &add_operands, register_add);

CMD_ENTRY(register, "[MEETING | add MEETING PERSON]",
    "list a meeting's register, or add someone to it",
    NULL, &cmd_one_meeting, CMD_PARTS(&register_add_entry), cmd_register);
