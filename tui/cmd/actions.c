/*
 * actions.c - mdtchair actions: each owner's actions across meetings,
 * and closing (or reopening) actions by number.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum { OWNER, ORG, FORMAT, OVERDUE, ALL, UNMASK };

/* --format's words, and what each is */
static const char *const formats[] = { "txt", "md", "json", NULL };
static const enum mdt_actions_format format_of[] = {
	MDT_ACTIONS_TXT, MDT_ACTIONS_MD, MDT_ACTIONS_JSON
};

static const struct cmd_option options[] = {
	[OWNER] = CMD_VALUE("owner", CMD_TEXT, NULL, NULL),
	[ORG] = CMD_VALUE("org", CMD_TEXT, NULL, NULL),
	[FORMAT] = CMD_WORDS("format", formats, "an option needs a value",
	    "--format is txt, md or json"),
	[OVERDUE] = CMD_FLAG("overdue"),
	[ALL] = CMD_FLAG("all"),
	[UNMASK] = CMD_FLAG("unmask"),
	CMD_END
};

/* The numbers given checked, and the store opened: NULL after saying
 * why (*rc the exit status). */
static struct mdt_store *
ids_store(struct cmd_args *cli, int *rc)
{
	struct mdt_store *store = NULL;

	*rc = 0;
	if (cli->argc < 1)
		*rc = cmd_usage_error(cli->cmd, "give the number of each"
		    " action (#ID, as listed)");
	for (int i = 0; i < cli->argc && *rc == 0; i++)
		if (cmd_action_id(cli->argv[i], 1) < 0)
			*rc = cmd_usage_error(cli->cmd, "an action is given by"
			    " its number, e.g. 12 or #12");
	if (*rc == 0 && !(store = cmd_open_store(cli, 0)))
		*rc = EXIT_USER;
	return store;
}

/* actions done|cancel|reopen ID...: each one act, in the order given,
 * to the status the part sets (its how); stops at the first that cannot
 * be done. */
static int
actions_close(struct cmd_args *cli)
{
	enum mdt_action_status to = (enum mdt_action_status)cli->how;
	struct mdt_store *store;
	int rc = 0;

	if (!(store = ids_store(cli, &rc)))
		return rc;
	for (int i = 0; i < cli->argc && rc == 0; i++) {
		int64_t id = cmd_action_id(cli->argv[i], 1);
		struct mdt_action_item *it = NULL;

		if (mdt_action_item(store, id, &it) != MDT_OK)
			rc = cmd_store_error(store);
		else if (it == NULL) {
			say("no action #%lld (see 'mdtchair actions --all')",
			    (long long)id);
			rc = EXIT_USER;
		} else if (it->status == to) {
			printf("#%lld was %s already: %s\n", (long long)id,
			    mdt_action_status_name(to), it->text);
		} else if (mdt_action_set_status(store, id, to) != MDT_OK)
			rc = cmd_store_error(store);
		else
			printf("#%lld %s: %s (%s)\n", (long long)id, to ==
			    MDT_ACTION_OPEN ? "open again" :
			    mdt_action_status_name(to), it->text,
			    it->owner_name);
		if (it != NULL)
			mdt_action_items_free(it, 1);
	}
	return rc;
}

/* actions keep|take ID...: a conflict with the central record settled,
 * one act each: ours sent over the record's (keep), or the record's
 * taken. */
enum { TAKE, KEEP };

static int
actions_settle(struct cmd_args *cli)
{
	bool keep = cli->how == KEEP;
	struct mdt_store *store;
	int rc = 0;

	if (!(store = ids_store(cli, &rc)))
		return rc;
	for (int i = 0; i < cli->argc && rc == 0; i++) {
		int64_t id = cmd_action_id(cli->argv[i], 1);

		if ((keep ? mdt_record_keep(store, id) :
		    mdt_record_take(store, id)) != MDT_OK)
			rc = cmd_store_error(store);
		else
			printf("#%lld: %s\n", (long long)id, keep ? "ours kept;"
			    " it goes to the central record over its copy" :
			    "the central record's taken; the local change is"
			    " not sent");
	}
	return rc;
}

/* Whether anyone's name (or organisation) holds part, case apart;
 * true when it cannot tell (the query then speaks for itself). */
static bool
someone_matches(const char *part, bool org, struct mdt_store *store)
{
	int64_t n = 1;

	(void)mdt_people_count(store, org ? NULL : part, org ? part : NULL,
	    &n);
	return n > 0;
}

static int
cmd_actions(struct cmd_args *cli)
{
	struct mdt_actions_filter f = {
		.owner = cli->opt[OWNER], .org = cli->opt[ORG],
		.overdue = cli->opt[OVERDUE] != NULL,
		.closed = cli->opt[ALL] != NULL,
	};
	int fi = (int)cli->num[FORMAT];	/* txt unless --format */
	bool unmask = cli->opt[UNMASK] != NULL;
	struct mdt_store *store;
	struct cmd_held held;
	enum mdt_status st;

	if (f.owner != NULL && f.org != NULL)
		return cmd_usage_error(cli->cmd,
		    "give --owner or --org, not both");
	if ((f.owner != NULL && f.owner[0] == '\0') ||
	    (f.org != NULL && f.org[0] == '\0'))
		return cmd_usage_error(cli->cmd,
		    "--owner and --org need a name");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (f.owner != NULL && !someone_matches(f.owner, false, store)) {
		say("nobody known is called '%s' (see 'mdtchair people')",
		    f.owner);
		return EXIT_USER;
	}
	if (f.org != NULL && !someone_matches(f.org, true, store)) {
		say("nobody known is from '%s' (see 'mdtchair people')", f.org);
		return EXIT_USER;
	}
	if (cmd_held_open(&held, store) != 0)
		return EXIT_USER;
	st = mdt_actions_print(store, &f, format_of[fi], unmask, held.fp);
	return cmd_held_export(cli, store, &held, st, 0, formats[fi], unmask,
	    "actions");
}

/* actions done|cancel|reopen ID...: the numbers, checked by
 * actions_close */
static const struct cmd_operands ids = { -1, CMD_TEXT, NULL, NULL };

CMD_PART_AS(actions_done_entry, "done", "ID...", NULL, &ids, actions_close,
    MDT_ACTION_DONE);
CMD_PART_AS(actions_cancel_entry, "cancel", "ID...", NULL, &ids,
    actions_close, MDT_ACTION_CANCELLED);
CMD_PART_AS(actions_reopen_entry, "reopen", "ID...", NULL, &ids,
    actions_close, MDT_ACTION_OPEN);
CMD_PART_AS(actions_keep_entry, "keep", "ID...", NULL, &ids, actions_settle,
    KEEP);
CMD_PART_AS(actions_take_entry, "take", "ID...", NULL, &ids, actions_settle,
    TAKE);

CMD_ENTRY(actions, "[--owner N|--org O] [--overdue] [OPTIONS]",
    "each owner's actions across meetings; close one",
    options, &cmd_no_operands, CMD_PARTS(&actions_done_entry,
    &actions_cancel_entry, &actions_reopen_entry, &actions_keep_entry,
    &actions_take_entry), cmd_actions);
