/*
 * people.c - mdtchair people: everyone who attends or owns actions,
 * adding someone, who they are on the NHS's registers, and an
 * organisation's ODS code.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

/* people: nothing but its parts */
static const struct cmd_operands operands = {
	0, CMD_TEXT, NULL, "the subcommands are 'add', 'ids' and 'ods'"
};

/* people add: one NAME */
static const struct cmd_operands add_operands = {
	1, CMD_TEXT, "unknown option",
	"one name at a time (quote a name with spaces)"
};

enum { ROLE, ORG, TEAM, NETWORK };

static const struct cmd_option add_options[] = {
	[ROLE] = CMD_VALUE("role", CMD_TEXT, NULL, NULL),
	[ORG] = CMD_VALUE("org", CMD_TEXT, "an option needs a value", NULL),
	[TEAM] = CMD_FLAG("team"),
	[NETWORK] = CMD_FLAG("network"),
	CMD_END
};

static int
cmd_people(struct cmd_args *cli)
{
	return cmd_list(cli, mdt_people_list, "list");
}

/* people add NAME [--role R] [--org O] [--team | --network] */
static int
people_add(struct cmd_args *cli)
{
	const char *name = cmd_operand(cli);
	const char *role = cli->opt[ROLE] != NULL ? cli->opt[ROLE] : "";
	const char *org = cli->opt[ORG] != NULL ? cli->opt[ORG] : "";
	struct mdt_store *store;
	int64_t id = 0;
	int rc = 0;

	bool team = cli->opt[TEAM] != NULL, network = cli->opt[NETWORK] != NULL;

	if (name == NULL)
		return cmd_usage_error(cli->cmd, "add needs a NAME");
	if ((team || network) && (cli->opt[ROLE] != NULL || (team &&
	    network)))
		return cmd_usage_error(cli->cmd, "a team has no role: --team"
		    " or --network, with --org");
	if (!(store = cmd_open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if ((team || network ? mdt_team_add(store, name, org, network, &id) :
	    mdt_person_add(store, name, role, org, &id)) != MDT_OK)
		rc = cmd_store_error(store);
	else
		printf("%lld\n", (long long)id);
	return rc;
}

CMD_PART(people_add_entry, "add",
    "NAME [--role R] [--org O] [--team | --network]",
    add_options, &add_operands, people_add);

/* people ids PERSON [--gmc N | --nmc N | --hcpc N] [--sds N] */
static const struct cmd_operands one_person = {
	1, CMD_TEXT, "unknown option", "one person's id (from 'mdtchair people')"
};

enum { GMC, NMC, HCPC, SDS };

static const struct cmd_option ids_options[] = {
	[GMC] = CMD_VALUE("gmc", CMD_TEXT, "an option needs a value", NULL),
	[NMC] = CMD_VALUE("nmc", CMD_TEXT, "an option needs a value", NULL),
	[HCPC] = CMD_VALUE("hcpc", CMD_TEXT, "an option needs a value", NULL),
	[SDS] = CMD_VALUE("sds", CMD_TEXT, "an option needs a value", NULL),
	CMD_END
};

static int
people_ids(struct cmd_args *cli)
{
	static const char *const bodies[] = { "gmc", "nmc", "hcpc" };
	const char *who = cmd_operand(cli), *body = NULL, *number = NULL;
	struct mdt_store *store;
	int64_t id;
	char *end;
	int i;

	if (who == NULL)
		return cmd_usage_error(cli->cmd, "ids needs a PERSON");
	errno = 0;
	id = strtoll(who, &end, 10);
	if (errno != 0 || *end != '\0' || end == who || id <= 0)
		return cmd_usage_error(cli->cmd, "PERSON is an id from"
		    " 'mdtchair people'");
	for (i = GMC; i <= HCPC; i++) {
		if (cli->opt[i] == NULL)
			continue;
		if (number != NULL)
			return cmd_usage_error(cli->cmd, "one registration:"
			    " --gmc, --nmc or --hcpc");
		body = bodies[i];
		number = cli->opt[i];
	}
	if (number == NULL && cli->opt[SDS] == NULL)
		return cmd_usage_error(cli->cmd, "say --gmc, --nmc, --hcpc"
		    " or --sds");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_person_set_ids(store, id, body, number, cli->opt[SDS]) !=
	    MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(people_ids_entry, "ids",
    "PERSON [--gmc N | --nmc N | --hcpc N] [--sds N]", ids_options,
    &one_person, people_ids);

/* people ods ORGANISATION CODE */
static const struct cmd_operands org_code = {
	2, CMD_TEXT, "unknown option",
	"an organisation and its ODS code (quote a name with spaces)"
};

static int
people_ods(struct cmd_args *cli)
{
	struct mdt_store *store;

	if (cli->argc != 2)
		return cmd_usage_error(cli->cmd, "ods needs ORGANISATION and"
		    " CODE");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_org_set_ods(store, cli->argv[0], cli->argv[1]) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(people_ods_entry, "ods", "ORGANISATION CODE", NULL, &org_code,
    people_ods);

CMD_ENTRY(people, "[add NAME [OPTIONS] | ids PERSON [OPTIONS] | ods ORG CODE]",
    "list or add the people who attend or own actions",
    NULL, &operands, CMD_PARTS(&people_add_entry, &people_ids_entry,
    &people_ods_entry), cmd_people);
