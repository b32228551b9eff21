/*
 * people.c - mdtchair people: everyone who attends or owns actions, and
 * adding someone.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int
cmd_people(struct cmd_args *cli)
{
	const char *name = NULL, *role = "", *org = "";
	struct mdt_store *store;
	int64_t id = 0;
	int rc = 0;

	if (cli->argc == 0) {
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
	if (strcmp(cli->argv[0], "add") != 0)
		return cmd_usage_error("people", "the only subcommand is 'add'");
	for (int i = 1; i < cli->argc; i++) {
		const char *v;
		bool missing;

		if ((v = cmd_opt_value(cli, &i, "--role", &missing)) != NULL)
			role = v;
		else if ((v = cmd_opt_value(cli, &i, "--org", &missing)) != NULL)
			org = v;
		else if (missing)
			return cmd_usage_error("people", "an option needs a value");
		else if (cli->argv[i][0] == '-')
			return cmd_usage_error("people", "unknown option");
		else if (name != NULL)
			return cmd_usage_error("people", "one name at a time (quote"
			    " a name with spaces)");
		else
			name = cli->argv[i];
	}
	if (name == NULL)
		return cmd_usage_error("people", "add needs a NAME");
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
	.run = cmd_people,
};
