/*
 * people.c - mdtchair people: everyone who attends or owns actions, and
 * adding someone.
 */
#include "config.h"

#include <stdio.h>

#include "cmd.h"

static int
cmd_people(struct cmd_args *cli)
{
	struct mdt_store *store;
	int rc = 0;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_people_list(store, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("list") != 0) {
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

enum { ROLE, ORG };

static const struct cmd_option add_options[] = {
	[ROLE] = { { "role", required_argument, NULL, 0 } },
	[ORG] = { { "org", required_argument, NULL, 0 },
	    .missing = "an option needs a value" },
	{ { NULL, 0, NULL, 0 } }
};

/* people add NAME [--role R] [--org O] */
static int
people_add(struct cmd_args *cli)
{
	const char *name = cli->argc > 0 ? cli->argv[0] : NULL;
	const char *role = cli->opt[ROLE] != NULL ? cli->opt[ROLE] : "";
	const char *org = cli->opt[ORG] != NULL ? cli->opt[ORG] : "";
	struct mdt_store *store;
	int64_t id = 0;
	int rc = 0;

	if (name == NULL)
		return cmd_usage_error(cli->cmd, "add needs a NAME");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_person_add(store, name, role, org, &id) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else
		printf("%lld\n", (long long)id);
	mdt_store_free(store);
	return rc;
}

static const struct cmd_entry people_add_entry = {
	.name = "add",
	.usage = "NAME [--role R] [--org O]",
	.options = add_options,
	.operands = 1,
	.unknown = "unknown option",
	.extra = "one name at a time (quote a name with spaces)",
	.run = people_add,
};

static const struct cmd_entry *const parts[] = { &people_add_entry, NULL };

const struct cmd_entry cmd_people_entry = {
	.name = "people",
	.usage = "[add NAME [--role R] [--org O]]",
	.summary = "list or add the people who attend or own actions",
	.help =
	    "Without arguments, lists everyone known: id, name, role,\n"
	    "organisation.  'add' adds someone (the team's members, or someone\n"
	    "outside the NHS who owns actions, e.g. the voluntary sector) and\n"
	    "prints their id.  A name already known in the same organisation is\n"
	    "refused.",
	.extra = "the only subcommand is 'add'",
	.subs = parts,
	.run = cmd_people,
};
