/*
 * agenda.c - mdtchair agenda: a meeting's agenda for circulation,
 * patients masked unless --unmask, its export audited.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int
cmd_agenda(struct cmd_args *cli)
{
	enum mdt_agenda_format fmt = MDT_AGENDA_MD;
	struct mdt_store *store;
	const char *ref = NULL;
	bool unmask = false, missing;
	int64_t id;
	int rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i], *v;

		if ((v = cmd_opt_value(cli, &i, "--format", &missing)) != NULL) {
			if (strcmp(v, "md") == 0)
				fmt = MDT_AGENDA_MD;
			else if (strcmp(v, "txt") == 0)
				fmt = MDT_AGENDA_TXT;
			else
				return cmd_usage_error("agenda", "--format is md or txt");
		} else if (missing)
			return cmd_usage_error("agenda", "--format needs md or txt");
		else if (strcmp(a, "--unmask") == 0)
			unmask = true;
		else if (a[0] == '-')
			return cmd_usage_error("agenda", "unknown option");
		else if (ref)
			return cmd_usage_error("agenda", "too many arguments");
		else
			ref = a;
	}
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (cmd_resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_agenda_write(store, id, fmt, unmask, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("agenda") != 0) {
		rc = EXIT_USER;
	} else if (mdt_audit_meeting(store, id, "export", fmt ==
	    MDT_AGENDA_TXT ? (unmask ? "agenda txt unmasked" : "agenda txt") :
	    (unmask ? "agenda md unmasked" : "agenda md")) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_agenda_entry = {
	.name = "agenda",
	.usage = "[MEETING] [--format F] [--unmask]",
	.summary = "print a meeting's agenda for circulation",
	.help =
	    "F is md (Markdown, the default) or txt.\n"
	    "Prints the agenda: per slot the order, time, planned minutes,\n"
	    "presenter, patient, lists and reason; then the deferred candidates and\n"
	    "any referral still waiting for a decision.  Patients are masked\n"
	    "(initials, year of birth, last three digits of the NHS number) unless\n"
	    "--unmask is given.",
	.run = cmd_agenda,
};
