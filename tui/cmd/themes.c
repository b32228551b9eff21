/*
 * themes.c - mdtchair themes: the themes a discussion can be tagged with
 * (core/themes.h), listed; the network's own added; a slot tagged with
 * one, or the tag taken off (as t on the slot screen does).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

enum { FORMAT };

static const char *const formats[] = { "txt", "json", NULL };

static const struct cmd_option options[] = {
	[FORMAT] = CMD_WORDS("format", formats, "--format needs txt or json",
	    "--format is txt or json"),
	CMD_END
};

static int
cmd_themes(struct cmd_args *cli)
{
	struct mdt_store *store;
	struct mdt_theme *v = NULL;
	size_t n = 0;
	int rc;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_themes_list(store, 0, &v, &n) != MDT_OK)
		return cmd_store_error(store);
	rc = mdt_themes_write(store, v, n, cli->num[FORMAT] == 1, stdout) !=
	    MDT_OK ? cmd_store_error(store) : 0;
	mdt_themes_free(v, n);
	return rc;
}

/* themes add NAME */
static const struct cmd_operands one_name = {
	1, CMD_TEXT, "unknown option", "one theme (in quotes if it has spaces)"
};

static int
themes_add(struct cmd_args *cli)
{
	struct mdt_store *store;
	int64_t id = 0;

	if (cmd_operand(cli) == NULL)
		return cmd_usage_error(cli->cmd, "name the theme");
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_theme_add(store, cmd_operand(cli), &id) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

/* themes tag|untag MEETING SLOT THEME */
static const struct cmd_operands slot_theme = {
	3, CMD_TEXT, "unknown option",
	"the meeting, the slot's number on its agenda, and one theme"
};

/* tag (how 1) or untag (0) */
static int
themes_set(struct cmd_args *cli)
{
	bool on = cli->how != 0;
	struct mdt_store *store;
	int64_t meeting = 0, slot = 0, theme = 0;
	char *end;
	long pos;

	if (cli->argc != 3)
		return cmd_usage_error(cli->cmd, "give the meeting, the slot's"
		    " number on its agenda (as #4) and the theme");
	pos = strtol(cli->argv[1][0] == '#' ? cli->argv[1] + 1 : cli->argv[1],
	    &end, 10);
	if (*end != '\0' || pos < 1 || pos > 10000 || end == cli->argv[1])
		return cmd_usage_error(cli->cmd, "the slot is its number on the"
		    " agenda (1, 2, ...)");
	if (cmd_open_meeting(cli, cli->argv[0], &store, &meeting) != 0)
		return EXIT_USER;
	if (mdt_slot_at(store, meeting, pos, &slot) != MDT_OK ||
	    mdt_theme_find(store, cli->argv[2], &theme) != MDT_OK ||
	    mdt_slot_theme_set(store, slot, theme, on) != MDT_OK)
		return cmd_store_error(store);
	return 0;
}

CMD_PART(themes_add_entry, "add", "NAME", NULL, &one_name, themes_add);
CMD_PART_AS(themes_tag_entry, "tag", "MEETING SLOT THEME", NULL,
    &slot_theme, themes_set, 1);
CMD_PART_AS(themes_untag_entry, "untag", "MEETING SLOT THEME", NULL,
    &slot_theme, themes_set, 0);

static const struct cmd_entry *const parts[] = {
	&themes_add_entry, &themes_tag_entry, &themes_untag_entry, NULL
};

CMD_ENTRY(themes, "[--format txt|json] | add NAME | tag | untag",
    "the themes of discussions; the network's own; a slot tagged",
    options, &cmd_no_operands, parts, cmd_themes);
