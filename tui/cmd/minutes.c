/*
 * minutes.c - mdtchair minutes: a meeting's record in Markdown, plain
 * text or JSON, its export audited.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int
cmd_minutes(struct cmd_args *cli)
{
	enum mdt_minutes_format fmt = MDT_MINUTES_MD;
	struct mdt_store *store;
	const char *ref = NULL;
	int64_t id;
	int rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i], *v = NULL;

		if (strcmp(a, "--format") == 0) {
			if (++i == cli->argc)
				return cmd_usage_error("minutes", "--format needs md, txt or json");
			v = cli->argv[i];
		} else if (strncmp(a, "--format=", 9) == 0)
			v = a + 9;
		else if (a[0] == '-')
			return cmd_usage_error("minutes", "unknown option");
		else if (ref)
			return cmd_usage_error("minutes", "too many arguments");
		else
			ref = a;
		if (!v)
			continue;
		if (strcmp(v, "md") == 0)
			fmt = MDT_MINUTES_MD;
		else if (strcmp(v, "json") == 0)
			fmt = MDT_MINUTES_JSON;
		else if (strcmp(v, "txt") == 0)
			fmt = MDT_MINUTES_TXT;
		else
			return cmd_usage_error("minutes", "--format is md, txt or json");
	}
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (cmd_resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_minutes_write(store, id, fmt, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (cmd_flush("minutes") != 0) {
		rc = EXIT_USER;
	} else if (mdt_audit_meeting(store, id, "export", fmt ==
	    MDT_MINUTES_JSON ? "minutes json" : fmt == MDT_MINUTES_TXT ?
	    "minutes txt" : "minutes md") != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

const struct cmd_entry cmd_minutes_entry = {
	.name = "minutes",
	.usage = "[MEETING] [--format md|txt|json]",
	.summary = "print a meeting's record",
	.help =
	    "Prints venue, attendance and, per patient: consent (with the\n"
	    "organisations the patient asked to exclude), key contact, notes,\n"
	    "actions with owners and due dates, outcome, and the time taken\n"
	    "against the 5-7 minute band; then the actions by owner.  md is\n"
	    "Markdown (the default), txt plain text, json for other programs\n"
	    "(docs/minutes.md describes the JSON).",
	.run = cmd_minutes,
};
