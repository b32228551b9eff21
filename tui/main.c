/*
 * main.c - the mdtchair command line: the global options (before or
 * after the command), then the command of the table in cmd/ is run.
 * Exit status: 0 success, 1 a user error (one line on stderr), 2 a usage
 * error.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

int
main(int argc, char **argv)
{
	struct cmd_args cli = { 0 };
	const struct cmd_entry *cmd = NULL;
	char **rest;
	int n = 0, want_help = 0;

	/* Character widths (plain-text headings, the screens) follow the
	 * user's locale; numbers stay C. */
	setlocale(LC_CTYPE, "");
	/* Options may stand before or after the command; the rest go to it. */
	if (!(rest = calloc((size_t)argc + 1, sizeof *rest))) {
		fputs("mdtchair: out of memory\n", stderr);
		return EXIT_USER;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--db") == 0) {
			if (++i == argc) {
				fputs("mdtchair: --db needs a path\n", stderr);
				free(rest);
				return EXIT_USAGE;
			}
			cli.db = argv[i];
		} else if (strncmp(a, "--db=", 5) == 0)
			cli.db = a + 5;
		else if (strcmp(a, "--config") == 0) {
			if (++i == argc) {
				fputs("mdtchair: --config needs a path\n", stderr);
				free(rest);
				return EXIT_USAGE;
			}
			cli.config = argv[i];
		} else if (strncmp(a, "--config=", 9) == 0)
			cli.config = a + 9;
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			want_help = 1;
		else if (strcmp(a, "--version") == 0) {
			puts(PACKAGE_STRING);
			free(rest);
			return 0;
		} else if (!cmd && a[0] != '-') {
			if (!(cmd = cmd_find(a))) {
				fprintf(stderr, "mdtchair: no command '%s'\n"
				    "Try 'mdtchair --help'.\n", a);
				free(rest);
				return EXIT_USAGE;
			}
		} else
			rest[n++] = argv[i];
	}
	if (cli.db && !cli.db[0]) {
		fputs("mdtchair: --db needs a path\n", stderr);
		free(rest);
		return EXIT_USAGE;
	}
	if (!cli.db && getenv("MDTCHAIR_DB") && getenv("MDTCHAIR_DB")[0])
		cli.db = getenv("MDTCHAIR_DB");
	cli.argc = n;
	cli.argv = rest;

	int rc;
	if (want_help) {
		if (cmd)
			cmd_print_help(cmd);
		else
			cmd_print_usage(stdout);
		rc = 0;
	} else if (!cmd) {
		cmd_print_usage(stderr);
		rc = EXIT_USAGE;
	} else
		rc = cmd->run(&cli);
	free(rest);
	return rc;
}
