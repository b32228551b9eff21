/*
 * main.c - the mdtchair command line: global options, the database path,
 * and one function per subcommand.  Exit status: 0 success, 1 a user error
 * (one line on stderr), 2 a usage error.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "mdt.h"

#define EXIT_USER 1
#define EXIT_USAGE 2

struct cli {
	const char *db;		/* --db, MDTCHAIR_DB, or NULL for the default */
	char db_buf[4096];
	int argc;		/* the subcommand's own arguments */
	char **argv;
};

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	int (*run)(struct cli *cli);
};

static const struct command *find_command(const char *name);

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr, prefixed with the program's name. */
static void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("mdtchair: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Makes each missing directory of path (not the last component) 0700. */
static int
make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			*p = '/';
			errno = e;
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* The default database: $XDG_DATA_HOME/mdtchair/mdtchair.db. */
static int
default_db(struct cli *cli)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(cli->db_buf, sizeof cli->db_buf,
		    "%s/mdtchair/mdtchair.db", xdg);
	else if (home && home[0] == '/')
		n = snprintf(cli->db_buf, sizeof cli->db_buf,
		    "%s/.local/share/mdtchair/mdtchair.db", home);
	else {
		say("%s", "no HOME or XDG_DATA_HOME: give the database with --db PATH");
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof cli->db_buf) {
		say("%s", "the default database path is too long");
		return -1;
	}
	if (make_parents(cli->db_buf) != 0) {
		say("cannot create the directory for %s: %s", cli->db_buf,
		    strerror(errno));
		return -1;
	}
	cli->db = cli->db_buf;
	return 0;
}

/* Opens the store; on failure prints the store's one-line reason. */
static struct mdt_store *
open_store(struct cli *cli, unsigned flags)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct mdt_store *store = NULL;
	char err[512];

	if (!cli->db && default_db(cli) != 0)
		return NULL;
	if (mdt_store_open(cli->db, &clock, flags, &store, err,
	    sizeof err) != MDT_OK) {
		say("%s", err);
		return NULL;
	}
	return store;
}

static int
resolve_meeting(struct mdt_store *store, const char *ref, int64_t *id)
{
	enum mdt_status st = mdt_meeting_find(store, ref, id);

	if (st == MDT_OK)
		return 0;
	if (st == MDT_ENOTFOUND) {
		if (ref && ref[0])
			say("no meeting '%s' (see 'mdtchair meetings')", ref);
		else
			say("%s", "no open meeting (see 'mdtchair meetings', or try 'mdtchair demo')");
	} else
		say("%s", mdt_store_error(store));
	return -1;
}

static int
usage_error(const char *cmd, const char *what)
{
	fprintf(stderr, "mdtchair %s: %s\nTry 'mdtchair %s --help'.\n", cmd,
	    what, cmd);
	return EXIT_USAGE;
}

/* ---- subcommands ---------------------------------------------------- */

static int
cmd_demo(struct cli *cli)
{
	struct mdt_store *store;
	int64_t id;
	int no_open = 0, rc;

	for (int i = 0; i < cli->argc; i++) {
		if (strcmp(cli->argv[i], "--no-open") == 0)
			no_open = 1;
		else
			return usage_error("demo", "unexpected argument");
	}
	if (!(store = open_store(cli, MDT_OPEN_CREATE)))
		return EXIT_USER;
	if (mdt_demo_create(store, &id) != MDT_OK) {
		say("cannot create the demo meeting: %s",
		    mdt_store_error(store));
		mdt_store_free(store);
		return EXIT_USER;
	}
	if (no_open) {
		printf("%lld\n", (long long)id);
		rc = 0;
	} else
		rc = tui_run(store, id);
	mdt_store_free(store);
	return rc;
}

static int
cmd_chair(struct cli *cli)
{
	struct mdt_store *store;
	const char *ref = NULL;
	int64_t id;
	int rc;

	if (cli->argc > 1)
		return usage_error("chair", "too many arguments");
	if (cli->argc == 1)
		ref = cli->argv[0];
	if (!(store = open_store(cli, 0)))
		return EXIT_USER;
	if (resolve_meeting(store, ref, &id) != 0) {
		mdt_store_free(store);
		return EXIT_USER;
	}
	rc = tui_run(store, id);
	mdt_store_free(store);
	return rc;
}

static int
cmd_minutes(struct cli *cli)
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
				return usage_error("minutes", "--format needs md or json");
			v = cli->argv[i];
		} else if (strncmp(a, "--format=", 9) == 0)
			v = a + 9;
		else if (a[0] == '-')
			return usage_error("minutes", "unknown option");
		else if (ref)
			return usage_error("minutes", "too many arguments");
		else
			ref = a;
		if (!v)
			continue;
		if (strcmp(v, "md") == 0)
			fmt = MDT_MINUTES_MD;
		else if (strcmp(v, "json") == 0)
			fmt = MDT_MINUTES_JSON;
		else
			return usage_error("minutes", "--format is md or json");
	}
	if (!(store = open_store(cli, 0)))
		return EXIT_USER;
	if (resolve_meeting(store, ref, &id) != 0)
		rc = EXIT_USER;
	else if (mdt_minutes_write(store, id, fmt, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		say("cannot write the minutes: %s", strerror(errno));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

static int
cmd_meetings(struct cli *cli)
{
	struct mdt_store *store;
	int rc = 0;

	if (cli->argc > 0)
		return usage_error("meetings", "unexpected argument");
	if (!(store = open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_meeting_list(store, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_store_free(store);
	return rc;
}

static int
cmd_help(struct cli *cli);

static const struct command commands[] = {
	{ "demo", "[--no-open]",
	  "create the demo meeting (once) and chair it",
	  "Creates, if not already there, a demo venue, ten attendees, twelve\n"
	  "fictional patients and a meeting, then opens the chair screen on it.\n"
	  "--no-open prints the meeting's id instead of opening it.",
	  cmd_demo },
	{ "chair", "[MEETING]",
	  "chair a meeting (default: the open one)",
	  "Opens the chair screen.  MEETING is an id or uuid (see 'mdtchair\n"
	  "meetings'); without it, the open meeting, else the next one.\n"
	  "Press ? on any screen for its keys.",
	  cmd_chair },
	{ "minutes", "[MEETING] [--format md|json]",
	  "print a meeting's record",
	  "Prints venue, attendance and, per patient: consent, notes, actions\n"
	  "with owners and due dates, outcome and time taken.",
	  cmd_minutes },
	{ "meetings", "",
	  "list the meetings in the database",
	  "Prints one line per meeting: id, date, state, title.",
	  cmd_meetings },
	{ "help", "[COMMAND]",
	  "show help for mdtchair or a command",
	  "Shows the commands, or the help of one command.",
	  cmd_help },
};

static void
print_usage(FILE *f)
{
	fputs("Usage: mdtchair [--db PATH] COMMAND [ARGS]\n"
	    "Chair a multi-disciplinary team meeting from the terminal.\n\n"
	    "Commands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %-31s %s\n", commands[i].name,
		    commands[i].args, commands[i].summary);
	fputs("\nOptions:\n"
	    "  --db PATH   the database (else $MDTCHAIR_DB, else\n"
	    "              $XDG_DATA_HOME/mdtchair/mdtchair.db)\n"
	    "  --help      this help; 'mdtchair COMMAND --help' for a command\n"
	    "  --version   the version\n\n"
	    "Exit status: 0 success, 1 error (reason on stderr), 2 usage.\n", f);
}

static void
print_command_help(const struct command *c)
{
	printf("Usage: mdtchair [--db PATH] %s %s\n%s\n", c->name, c->args,
	    c->help);
}

static int
cmd_help(struct cli *cli)
{
	const struct command *c;

	if (cli->argc == 0) {
		print_usage(stdout);
		return 0;
	}
	if (!(c = find_command(cli->argv[0]))) {
		fprintf(stderr, "mdtchair: no command '%s'\n", cli->argv[0]);
		return EXIT_USAGE;
	}
	print_command_help(c);
	return 0;
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	struct cli cli = { 0 };
	const struct command *cmd = NULL;
	char **rest;
	int n = 0, want_help = 0;

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
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			want_help = 1;
		else if (strcmp(a, "--version") == 0) {
			puts(PACKAGE_STRING);
			free(rest);
			return 0;
		} else if (!cmd && a[0] != '-') {
			if (!(cmd = find_command(a))) {
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
			print_command_help(cmd);
		else
			print_usage(stdout);
		rc = 0;
	} else if (!cmd) {
		print_usage(stderr);
		rc = EXIT_USAGE;
	} else
		rc = cmd->run(&cli);
	free(rest);
	return rc;
}
