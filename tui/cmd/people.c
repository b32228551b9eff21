/*
 * people.c - mdtchair people: everyone who attends or owns actions, and
 * adding someone.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

/* people: nothing but the part 'add' */
static const struct cmd_operands operands = {
	0, CMD_TEXT, NULL, "the only subcommand is 'add'"
};

/* people add: one NAME */
static const struct cmd_operands add_operands = {
	1, CMD_TEXT, "unknown option",
	"one name at a time (quote a name with spaces)"
};

enum { ROLE, ORG };

static const struct cmd_option add_options[] = {
	[ROLE] = CMD_VALUE("role", CMD_TEXT, NULL, NULL),
	[ORG] = CMD_VALUE("org", CMD_TEXT, "an option needs a value", NULL),
	CMD_END
};

static int
cmd_people(struct cmd_args *cli)
{
	return cmd_list(cli, mdt_people_list, "list");
}

/* people add NAME [--role R] [--org O] */
static int
people_add(struct cmd_args *cli)
{
	const char *name = cmd_operand(cli);
	const char *role = cli->opt[ROLE] != NULL ? cli->opt[ROLE] : "";
	const char *org = cli->opt[ORG] != NULL ? cli->opt[ORG] : "";
	struct mdt_store *store;
	int64_t id = 0;
	int rc = 0;

	if (name == NULL)
		return cmd_usage_error(cli->cmd, "add needs a NAME");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_person_add(store, name, role, org, &id) != MDT_OK)
		rc = cmd_store_error(store);
	else
		printf("%lld\n", (long long)id);
	return rc;
}

CMD_PART(people_add_entry, "add", "NAME [--role R] [--org O]",
    add_options, &add_operands, people_add);

static const struct cmd_entry *const parts[] = { &people_add_entry, NULL };

CMD_ENTRY(people, "[add NAME [--role R] [--org O]]",
    "list or add the people who attend or own actions",
    NULL, &operands, parts, cmd_people);
