/*
 * args.c - a command's arguments read in one place, through getopt_long
 * and the entry's own options: options ("--name value" or "--name=value",
 * names in full) and operands in any order, each value checked where it
 * stands, so that the first mistake on the line is the one reported with
 * the command's own usage error.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* getopt_long's val of the option at index i of a command's list. */
#define OPTION_VAL 0x100

int
cmd_option_find(const struct cmd_option *opts, const char *arg,
    const char **value)
{
	const char *eq;
	size_t len;

	*value = NULL;
	if (arg[0] != '-' || arg[1] != '-')
		return -1;
	arg += 2;
	eq = strchr(arg, '=');
	len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (int i = 0; opts[i].opt.name != NULL; i++)
		if (strlen(opts[i].opt.name) == len &&
		    strncmp(opts[i].opt.name, arg, len) == 0) {
			*value = eq != NULL ? eq + 1 : NULL;
			return i;
		}
	return -1;
}

const struct cmd_operands cmd_no_operands = {
	0, CMD_TEXT, "unexpected argument", "unexpected argument"
};

const struct cmd_operands cmd_one_meeting = {
	1, CMD_MEETING, "unknown option", "too many arguments"
};

const struct cmd_operands cmd_one_nhs = {
	1, CMD_TEXT, "unknown option",
	"one NHS number (quote a number with spaces)"
};

const struct cmd_operands cmd_nhs_at_a_time = {
	1, CMD_TEXT, "unknown option", "one NHS number at a time"
};

const struct cmd_option cmd_reason_options[] = {
	CMD_VALUE("reason", CMD_TEXT, "--reason needs a value", NULL),
	CMD_END
};

/* Whether the value v of o is right (where o has a check), and what
 * the command reads of it into *num. */
static bool
value_ok(const struct cmd_option *o, const char *v, int64_t *num)
{
	*num = 0;
	switch (o->value) {
	case CMD_WORD:
		for (int i = 0; o->words[i] != NULL; i++)
			if (strcmp(o->words[i], v) == 0) {
				*num = i;
				return true;
			}
		return false;
	case CMD_NUMBER:
		return mdt_str_number(v, o->min, o->max, num);
	case CMD_DATE:
		return (*num = cmd_day_start_ms(v)) >= 0;
	default:
		return true;
	}
}

/* Whether a text value v (of the option named name, or an operand with
 * NULL) is one line of text under the input policy; false after the usage
 * error, which shows the offending character escaped. */
static bool
text_ok(const struct cmd_entry *cmd, const char *name, const char *v)
{
	char why[96], what[160];

	if (mdt_text_line_ok(v, CMD_TEXT_MAX, why, sizeof why))
		return true;
	if (name != NULL)
		snprintf(what, sizeof what, "--%s %s", name, why);
	else
		snprintf(what, sizeof what, "an argument %s", why);
	cmd_usage_error(cmd, what);
	return false;
}

/* The part of cmd that its first argument names; NULL if none. */
static const struct cmd_entry *
find_sub(const struct cmd_entry *cmd, const char *word)
{
	for (int i = 0; cmd->subs != NULL && cmd->subs[i] != NULL; i++)
		if (strcmp(cmd->subs[i]->name, word) == 0)
			return cmd->subs[i];
	return NULL;
}

/* An operand, into cli->argv; false after the usage error. */
static bool
add_operand(const struct cmd_operands *ops, struct cmd_args *cli, char *arg)
{
	/* "-" is a file (standard input's name) or else an option */
	if (arg[0] == '-' && ops->kind != CMD_FILE) {
		cmd_usage_error(cli->cmd, ops->unknown);
		return false;
	}
	if (ops->most >= 0 && cli->argc >= ops->most) {
		cmd_usage_error(cli->cmd, ops->extra);
		return false;
	}
	if (ops->kind == CMD_TEXT && !text_ok(cli->cmd, NULL, arg))
		return false;
	cli->argv[cli->argc++] = arg;
	return true;
}

const struct cmd_entry *
cmd_parse(const struct cmd_entry *cmd, int argc, char **argv,
    struct cmd_args *cli)
{
	struct option lo[CMD_MAX_OPTIONS + 1];
	const struct cmd_entry *c = cmd, *sub;
	const struct cmd_operands *ops;
	const struct cmd_option *o;
	int n = 0, ch;

	cli->cmd = cmd;
	cli->argc = 0;
	while (argc > 1 && (sub = find_sub(c, argv[1])) != NULL) {
		c = sub;
		argc--;
		argv++;
	}
	cli->how = c->how;
	ops = c->operands;
	if (c->options == NULL) {
		/* no options: the arguments are taken as they are */
		if (ops->most >= 0 && argc - 1 > ops->most) {
			cmd_usage_error(cmd, ops->extra);
			return NULL;
		}
		for (int i = 1; i < argc; i++) {
			if (ops->kind == CMD_TEXT && !text_ok(cmd, NULL,
			    argv[i]))
				return NULL;
			cli->argv[cli->argc++] = argv[i];
		}
		return c;
	}
	for (; c->options[n].opt.name != NULL && n < CMD_MAX_OPTIONS; n++) {
		lo[n] = c->options[n].opt;
		lo[n].flag = NULL;
		lo[n].val = OPTION_VAL + n;
	}
	memset(&lo[n], 0, sizeof lo[n]);
	/* '-': operands come back in order, as option 1; ':' a missing
	 * value as ':'; nothing printed by getopt itself */
	opterr = 0;
	optind = 0;
	for (;;) {
		int next = optind > 0 ? optind : 1;
		const char *value;

		/* names in full only, and "--" is no end of options here */
		if (next < argc && argv[next][0] == '-' && argv[next][1] == '-' &&
		    cmd_option_find(c->options, argv[next], &value) < 0) {
			cmd_usage_error(cmd, ops->unknown);
			return NULL;
		}
		if ((ch = getopt_long(argc, argv, "-:", lo, NULL)) == -1)
			break;
		if (ch == 1) {
			if (!add_operand(ops, cli, optarg))
				return NULL;
			continue;
		}
		if (ch == ':') {
			o = &c->options[optopt - OPTION_VAL];
			cmd_usage_error(cmd, o->missing != NULL ? o->missing :
			    ops->unknown);
			return NULL;
		}
		if (ch < OPTION_VAL || ch >= OPTION_VAL + n) {
			cmd_usage_error(cmd, ops->unknown);
			return NULL;
		}
		o = &c->options[ch - OPTION_VAL];
		if (o->bad != NULL && !value_ok(o, optarg,
		    &cli->num[ch - OPTION_VAL])) {
			cmd_usage_error(cmd, o->bad);
			return NULL;
		}
		if (o->value == CMD_TEXT && optarg != NULL &&
		    !text_ok(cmd, o->opt.name, optarg))
			return NULL;
		cli->opt[ch - OPTION_VAL] = optarg != NULL ? optarg : "";
	}
	return c;
}
