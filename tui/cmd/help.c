/*
 * help.c - the help of mdtchair and of each command, from the table:
 * 'mdtchair --help', 'mdtchair CMD --help' and 'mdtchair help [CMD]'.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

void
cmd_print_usage(FILE *f)
{
	fputs("Usage: mdtchair [--db PATH] COMMAND [ARGS]\n"
	    "Chair a multi-disciplinary team meeting from the terminal.\n\n"
	    "Commands:\n", f);
	/* one line a command where it fits 80 columns, else the summary on
	 * a line of its own below */
	for (size_t i = 0; i < cmd_table_size; i++) {
		const struct cmd_entry *c = cmd_table[i];
		size_t u = strlen(c->usage);

		size_t sum = strlen(c->summary);

		if (12 + (u > 31 ? u : 31) + 1 + sum <= 79)
			fprintf(f, "  %-9s %-31s %s\n", c->name, c->usage,
			    c->summary);
		else if (u == 0)
			fprintf(f, "  %-9s %s\n", c->name, c->summary);
		else
			fprintf(f, "  %-9s %s\n%12s%s\n", c->name, c->usage, "",
			    c->summary);
	}
	fputs("\nOptions:\n"
	    "  --db PATH   the database (else $MDTCHAIR_DB, else\n"
	    "              $XDG_DATA_HOME/mdtchair/mdtchair.db)\n"
	    "  --config PATH  delivery to the central record (else\n"
	    "              $MDTCHAIR_CONFIG, else $XDG_CONFIG_HOME/mdtchair/config.ini)\n"
	    "  --help      this help; 'mdtchair COMMAND --help' for a command\n"
	    "  --version   the version\n\n"
	    "Exit status: 0 success, 1 error (reason on stderr), 2 usage.\n", f);
}

/* The usage line within 80 columns: where it would be wider, it breaks
 * before a " | " and goes on under the command, indented. */
static void
print_usage(const struct cmd_entry *c)
{
	const char *seg = c->usage, *bar;
	int col = printf("Usage: mdtchair [--db PATH] %s", c->name);
	size_t len;

	while (*seg != '\0') {
		bar = strstr(seg, " | ");
		len = bar != NULL ? (size_t)(bar - seg) : strlen(seg);
		if (seg != c->usage && col + 3 + (int)len > 80)
			col = printf("\n       |") - 1;
		else if (seg != c->usage)
			col += printf(" |");
		col += printf(" %.*s", (int)len, seg);
		seg += len + (bar != NULL ? 3 : 0);
	}
	putchar('\n');
}

void
cmd_print_help(const struct cmd_entry *c)
{
	print_usage(c);
	printf("%s\n", c->help);
}

/* [COMMAND] (more are let be) */
static const struct cmd_operands operands = { -1, CMD_COMMAND, NULL, NULL };

enum { COMPLETION };
static const struct cmd_option options[] = { [COMPLETION] = CMD_FLAG("bash-completion"),
    CMD_END };

static int
cmd_help(struct cmd_args *cli)
{
	const struct cmd_entry *c;

	if (cli->opt[COMPLETION] != NULL) {
		cmd_print_completion(stdout);
		return cmd_flush("completion");
	}
	if (cli->argc == 0) {
		cmd_print_usage(stdout);
		return 0;
	}
	if (!(c = cmd_find(cli->argv[0]))) {
		fprintf(stderr, "mdtchair: no command '%s'\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	cmd_print_help(c);
	return 0;
}

CMD_ENTRY(help, "[COMMAND] [--bash-completion]",
    "show help for mdtchair or a command",
    options, &operands, NULL, cmd_help);
