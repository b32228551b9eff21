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
#include <unistd.h>

#include "cmd/cmd.h"
#include "term.h"

const struct cmd_option cmd_global_options[] = {
	[CMD_DB] = CMD_VALUE("db", CMD_FILE, "--db needs a path", NULL),
	[CMD_CONFIG] = CMD_VALUE("config", CMD_FILE, "--config needs a path",
	    NULL),
	[CMD_HELP] = CMD_FLAG("help"),
	[CMD_VERSION] = CMD_FLAG("version"),
	CMD_END
};

/* What the program prints goes out with every control character escaped
 * (textio.h), whatever a field of the database holds; curses keeps the
 * real standard output. */
static FILE *real_stdout, *real_stderr;

static void
guard_std(void)
{
	FILE *out = mdt_text_guard(STDOUT_FILENO, false);
	FILE *err = mdt_text_guard(STDERR_FILENO, true);

	real_stdout = tui_term_stdout = stdout;
	real_stderr = stderr;
	if (out != NULL)
		stdout = out;
	if (err != NULL)
		stderr = err;
}

/* The guards written out and closed, the real streams back; a failure
 * to write what was printed is the command's failure. */
static int
unguard_std(int rc)
{
	if (stdout != real_stdout && fclose(stdout) != 0 && rc == 0)
		rc = EXIT_USER;
	stdout = real_stdout;
	if (stderr != real_stderr)
		fclose(stderr);
	stderr = real_stderr;
	return rc;
}

int
main(int argc, char **argv)
{
	struct cmd_args cli = { 0 };
	const struct cmd_entry *cmd = NULL, *run;
	char **rest, **operands;
	int n = 1, want_help = 0, rc;

	/* Character widths (plain-text headings, the screens) follow the
	 * user's locale; numbers stay C. */
	setlocale(LC_CTYPE, "");
	guard_std();
	/* Options may stand before or after the command; the rest go to it
	 * (rest[0] is its name, for getopt_long). */
	rest = calloc((size_t)argc + 1, sizeof *rest);
	operands = calloc((size_t)argc + 1, sizeof *operands);
	if (rest == NULL || operands == NULL) {
		fputs("mdtchair: out of memory\n", stderr);
		free(rest);
		free(operands);
		return EXIT_USER;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int g = cmd_option_find(cmd_global_options, a, &v);

		if (g >= 0 && v != NULL &&
		    cmd_global_options[g].opt.has_arg == no_argument)
			g = -1;		/* --help=x is none of ours */
		else if (strcmp(a, "-h") == 0)
			g = CMD_HELP;
		if (g >= 0 && cmd_global_options[g].opt.has_arg !=
		    no_argument && v == NULL) {
			if (++i == argc) {
				fprintf(stderr, "mdtchair: %s\n",
				    cmd_global_options[g].missing);
				rc = EXIT_USAGE;
				goto out;
			}
			v = argv[i];
		}
		if (g == CMD_DB)
			cli.db = v;
		else if (g == CMD_CONFIG)
			cli.config = v;
		else if (g == CMD_HELP)
			want_help = 1;
		else if (g == CMD_VERSION) {
			puts(PACKAGE_STRING);
			rc = 0;
			goto out;
		} else if (!cmd && a[0] != '-') {
			if (!(cmd = cmd_find(a))) {
				fprintf(stderr, "mdtchair: no command '%s'\n"
				    "Try 'mdtchair --help'.\n", a);
				rc = EXIT_USAGE;
				goto out;
			}
			rest[0] = argv[i];
		} else
			rest[n++] = argv[i];
	}
	if (cli.db && !cli.db[0]) {
		fprintf(stderr, "mdtchair: %s\n",
		    cmd_global_options[CMD_DB].missing);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!cli.db && getenv("MDTCHAIR_DB") && getenv("MDTCHAIR_DB")[0])
		cli.db = getenv("MDTCHAIR_DB");
	cli.argv = operands;

	if (want_help) {
		if (cmd)
			cmd_print_help(cmd);
		else
			cmd_print_usage(stdout);
		rc = 0;
	} else if (!cmd) {
		cmd_print_usage(stderr);
		rc = EXIT_USAGE;
	} else if (!(run = cmd_parse(cmd, n, rest, &cli)))
		rc = EXIT_USAGE;
	else
		rc = run->run(&cli);
	mdt_store_free(cli.store);
out:
	free(rest);
	free(operands);
	return unguard_std(rc);
}
