/*
 * cmd.h - what the commands of the mdtchair command line share: the
 * arguments a command is run with, and the few helpers every command
 * needs (the database and configuration paths, opening the store,
 * finding a meeting, dates, one-line messages and usage errors).
 *
 * Exit status of every command: 0 success, 1 a user error (one line on
 * stderr), 2 a usage error.
 */
#ifndef TUI_CMD_H
#define TUI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <getopt.h>

#include "app.h"
#include "mdt.h"
#include "sync.h"

#define EXIT_USER 1
#define EXIT_USAGE 2

/* A text value on the command line (a title, a name, a venue) is one line
 * of at most this many characters (textio.h). */
#define CMD_TEXT_MAX 500

/* At most this many options to a command. */
#define CMD_MAX_OPTIONS 12

/* What a value (of an option, or an operand) is: how it is checked as it
 * is read, and how the shell completes it. */
enum cmd_value {
	CMD_TEXT,		/* any text */
	CMD_WORD,		/* one of the option's words */
	CMD_NUMBER,		/* a whole number from min to max */
	CMD_DATE,		/* YYYY-MM-DD: num is local midnight, in ms */
	CMD_FILE,		/* a file's name ("-" too, as an operand) */
	CMD_LIST,		/* a pre-meeting list (mdt_list_name) */
	CMD_MEETING,		/* a meeting's id or uuid */
	CMD_COMMAND,		/* a command's name */
};

/*
 * An option of a command: getopt_long's struct option (name and has_arg;
 * flag and val are the parser's), and what its value is.  With bad set,
 * the value is checked where it stands on the command line, so that the
 * first mistake is the one reported; without it, the command checks it.
 */
struct cmd_option {
	struct option opt;
	enum cmd_value value;
	const char *const *words;	/* CMD_WORD: the words, NULL-ended */
	long min, max;			/* CMD_NUMBER */
	const char *missing;	/* usage error without a value; NULL: the
				 * command's for an unknown option */
	const char *bad;	/* usage error for a wrong value */
};

/*
 * The rows of an option list: a flag; an option with a value of a kind
 * (missing and bad: its usage errors, or NULL); one with one of words; one
 * with a whole number from min to max; the end.
 */
#define CMD_FLAG(name) { .opt = { (name), no_argument, NULL, 0 } }
#define CMD_VALUE(name, kind, missing_, bad_) { \
	.opt = { (name), required_argument, NULL, 0 }, .value = (kind), \
	.missing = (missing_), .bad = (bad_) }
#define CMD_WORDS(name, words_, missing_, bad_) { \
	.opt = { (name), required_argument, NULL, 0 }, .value = CMD_WORD, \
	.words = (words_), .missing = (missing_), .bad = (bad_) }
#define CMD_RANGE(name, min_, max_, missing_, bad_) { \
	.opt = { (name), required_argument, NULL, 0 }, .value = CMD_NUMBER, \
	.min = (min_), .max = (max_), .missing = (missing_), .bad = (bad_) }
#define CMD_END { .opt = { NULL, 0, NULL, 0 } }
/* --since YYYY-MM-DD (audit, restore). */
#define CMD_SINCE CMD_VALUE("since", CMD_DATE, "--since needs YYYY-MM-DD", \
	"--since is YYYY-MM-DD")

/* The options before or after the command (main.c), and their index. */
enum { CMD_DB, CMD_CONFIG, CMD_HELP, CMD_VERSION };
extern const struct cmd_option cmd_global_options[];

/* What a command is run with: the global options, then its own. */
struct cmd_args {
	const char *db;		/* --db, MDTCHAIR_DB, or NULL for the default */
	char db_buf[4096];
	const char *config;	/* --config, or NULL for the usual places */
	char config_buf[4096];	/* the configuration file in use */
	const struct cmd_entry *cmd;	/* the command, for its messages */
	int how;		/* the part's how (struct cmd_entry) */
	struct mdt_store *store;	/* opened by cmd_open_store; main frees it */
	int argc;		/* the operands, options taken out */
	char **argv;
	/* Each option given, by its index in the command's list: its value
	 * (the last one given; "" for a flag), else NULL; and for CMD_WORD
	 * the word's index, CMD_NUMBER the number, CMD_DATE the time. */
	const char *opt[CMD_MAX_OPTIONS];
	int64_t num[CMD_MAX_OPTIONS];
};

/* What a command takes besides its options, and its usage errors. */
struct cmd_operands {
	int most;		/* at most this many operands; -1 any number */
	enum cmd_value kind;	/* what an operand is */
	const char *unknown;	/* usage error for an unknown option */
	const char *extra;	/* usage error for an operand too many */
};

/* What most commands take (args.c): nothing, every mistake "unexpected
 * argument"; or [MEETING], "unknown option" and "too many arguments". */
extern const struct cmd_operands cmd_no_operands;
extern const struct cmd_operands cmd_one_meeting;
/* A patient's NHS number (or local identifier): refer, referrals withdraw
 * and the register's acts say "one NHS number (quote a number with
 * spaces)" to one too many; consent and died "one NHS number at a time". */
extern const struct cmd_operands cmd_one_nhs;
extern const struct cmd_operands cmd_nhs_at_a_time;

/* The options of an act done with a reason and nothing else (plan
 * resolve and end, referrals withdraw): --reason, at index 0. */
extern const struct cmd_option cmd_reason_options[];

/*
 * A command: its name, its arguments and help for people, its options
 * and operands, and its function.  A command without options takes its
 * arguments as they are.  A command with parts (actions done, people add)
 * lists them in subs, each an entry of its own; its first argument picks
 * one.
 */
struct cmd_entry {
	const char *name;
	const char *usage;	/* its arguments, after the name */
	const char *summary;	/* one line, in 'mdtchair --help' */
	const char *help;	/* 'mdtchair CMD --help' (tui/cmd/help.txt) */
	const struct cmd_option *options;	/* ended by a NULL name */
	const struct cmd_operands *operands;
	const struct cmd_entry *const *subs;	/* NULL-ended */
	int (*run)(struct cmd_args *cli);	/* the exit status */
	int how;	/* parts that share a function: which this one is
			 * (cmd_args.how), e.g. the status actions done sets */
};

/*
 * The arguments of a command (argv[0] its name) into cli, through
 * getopt_long and the entry's options: the entry to run (a part of cmd,
 * or cmd), or NULL after a usage error on stderr.
 */
/*
 * A command's entry, cmd_ID_entry: its name ID (a word), usage, one-line
 * summary, options (or NULL), operands, sub-commands (or NULL) and
 * function.  Its help is the section "%% ID" of tui/cmd/help.txt, made
 * the string cmd_help_ID at build time: a command without one does not
 * link.
 */
#define CMD_ENTRY(id, usage_, summary_, options_, operands_, subs_, run_) \
	extern const char cmd_help_##id[]; \
	const struct cmd_entry cmd_##id##_entry = { .name = #id, \
	    .usage = (usage_), .summary = (summary_), \
	    .help = cmd_help_##id, .options = (options_), \
	    .operands = (operands_), .subs = (subs_), .run = (run_) }

/* A part of a command ("people add"): one of the command's subs, named
 * name_ on its command line. */
#define CMD_PART(id, name_, usage_, options_, operands_, run_) \
	static const struct cmd_entry id = { .name = (name_), \
	    .usage = (usage_), .options = (options_), \
	    .operands = (operands_), .run = (run_) }

/* A part that shares its function run_ with others: how_ says which it
 * is (cli->how as it runs). */
#define CMD_PART_AS(id, name_, usage_, options_, operands_, run_, how_) \
	static const struct cmd_entry id = { .name = (name_), \
	    .usage = (usage_), .options = (options_), \
	    .operands = (operands_), .run = (run_), .how = (how_) }

/* The parts of a command (CMD_ENTRY's subs): the CMD_PART entries given,
 * NULL-ended. */
#define CMD_PARTS(...) \
	((const struct cmd_entry *const []){ __VA_ARGS__, NULL })

const struct cmd_entry *cmd_parse(const struct cmd_entry *cmd, int argc,
    char **argv, struct cmd_args *cli);

/* The option of opts (ended by a NULL name) that arg ("--name" or
 * "--name=value") names exactly; -1 if none.  *value gets what follows
 * '=', else NULL. */
int cmd_option_find(const struct cmd_option *opts, const char *arg,
    const char **value);

/* Every command, in the order of 'mdtchair --help' (table.c). */
extern const struct cmd_entry *const cmd_table[];
extern const size_t cmd_table_size;

/* The command called name; NULL if none. */
const struct cmd_entry *cmd_find(const char *name);

/* 'mdtchair --help': the commands and the global options, to f. */
void cmd_print_usage(FILE *f);
/* 'mdtchair CMD --help', to stdout. */
void cmd_print_help(const struct cmd_entry *c);
/* The bash completion of mdtchair, from the table (completion.c). */
void cmd_print_completion(FILE *f);

/* One line on stderr, prefixed with the program's name. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "mdtchair CMD: WHAT" and where to look, on stderr; returns EXIT_USAGE. */
int cmd_usage_error(const struct cmd_entry *cmd, const char *what);

/*
 * Opens the store (the default database, its folder made 0700, when
 * there is no --db nor MDTCHAIR_DB); NULL after saying why.  Free it with
 * mdt_store_free.
 */
struct mdt_store *cmd_open_store(struct cmd_args *cli, unsigned flags);

/* The default database, $XDG_DATA_HOME/mdtchair/mdtchair.db, into
 * cli->db (its folder made 0700); -1 after saying why. */
int cmd_default_db(struct cmd_args *cli);

/* The sync configuration, with a [server], and libcurl loaded (sync,
 * restore): 0 with *cfg set, else -1 after saying why. */
int cmd_sync_setup(struct cmd_args *cli, struct sync_config **cfg);

/* Says the store's last error; returns EXIT_USER. */
int cmd_store_error(struct mdt_store *store);

/* The first operand, or NULL. */
const char *cmd_operand(const struct cmd_args *cli);

/* The meeting ref names (id or uuid; NULL or "" for the open one, else
 * the next); -1 after saying why. */
int cmd_resolve_meeting(struct mdt_store *store, const char *ref,
    int64_t *id);

/*
 * The sync configuration: 0 with *cfg set, or NULL when there is no
 * configuration file (sync not set up); -1 after saying why it is
 * unusable.  cli->config_buf gets the path.  Free *cfg with
 * sync_config_free.
 */
int cmd_load_config(struct cmd_args *cli, struct sync_config **cfg);

/* An action's number, "12" or "#12", of at least min; -1 if neither. */
int64_t cmd_action_id(const char *a, int64_t min);

/* "YYYY-MM-DD" as local midnight in ms since the epoch; -1 if not a date. */
int64_t cmd_day_start_ms(const char *text);

/*
 * The chair's screens on a meeting of the open store, delivering to the
 * central record if set up (the opening is audited); the exit status.
 * The store stays open (main frees it).
 */
int cmd_run_screens(struct cmd_args *cli, struct mdt_store *store,
    int64_t meeting_id, enum tui_mode mode);

/*
 * refer and rising add: the patient, as the operand names them (their NHS
 * number or local identifier; none with untraced, when their name is
 * needed), into nhs in its stored form: 0, or a usage error (no operand
 * nor untraced: needed; neither a valid NHS number nor a local
 * identifier: bad).
 */
int cmd_patient_typed(struct cmd_args *cli, bool untraced, const char *name,
    const char *needed, const char *bad, char nhs[11]);

/* Says, when nhs is a local identifier, that the patient is held under it
 * until traced. */
void cmd_say_untraced(const char *nhs);

/* The store opened and the meeting ref names found (as
 * cmd_resolve_meeting): 0, or -1 after saying why, nothing left open. */
int cmd_open_meeting(struct cmd_args *cli, const char *ref,
    struct mdt_store **store, int64_t *id);

/* chair and prepare (chair.c): the chair's screens on the meeting the
 * operand names (none: the open one, else the next), opened on the
 * meeting or, for prepare, on its preparation. */
int cmd_screens(struct cmd_args *cli);

/* Flushes stdout; -1 after saying "cannot write the WHAT: reason". */
int cmd_flush(const char *what);
/* "2026-11-25 14:44:05 UTC" (ms since the epoch), or "never" for 0. */
void cmd_when_text(int64_t ms, char *out, size_t len);

/* What printing to stdout with the store came to (st): EXIT_USER after
 * saying the store's error, or (with what) that stdout cannot be
 * written ("cannot write the WHAT"); else 0. */
int cmd_printed(struct mdt_store *store, enum mdt_status st,
    const char *what);

/* meetings and people: what list prints, from the store, to stdout (as
 * cmd_printed says); the exit status. */
int cmd_list(struct cmd_args *cli, enum mdt_status (*list)(
    struct mdt_store *store, FILE *out), const char *what);

/*
 * An export held until its audit row is committed (cmd_held_open, then
 * cmd_held_print or cmd_held_drop): the document is written to fp and
 * reaches stdout only once the audit log has it, so that an export the
 * audit could not record (a full disk) is never shown.  Held in memory up
 * to a megabyte; past that (twenty years of actions), in a scratch file
 * beside the database (safefile.h's mdt_scratch_open: 0600, no name).
 */
struct cmd_held {
	FILE *fp;		/* where the export writes */
	char *buf;		/* held in memory: len bytes */
	size_t len, cap;
	int fd;			/* or in the scratch file; else -1 */
	char *beside;		/* the database's path */
	int err;		/* errno of a write that failed */
};
/* Held beside the store's database; 0, or -1 after saying why. */
int cmd_held_open(struct cmd_held *h, struct mdt_store *store);
/* The document to stdout, flushed (as cmd_flush, "cannot write the
 * WHAT"), and h freed: 0 or EXIT_USER. */
int cmd_held_print(struct cmd_held *h, const char *what);
/* The export not written, or its audit not committed: says why (the
 * hold's own failure, else the store's error), h freed, nothing
 * printed; the exit status. */
int cmd_held_error(struct cmd_held *h, struct mdt_store *store,
    const char *what);
/* h freed, nothing printed. */
void cmd_held_drop(struct cmd_held *h);

/*
 * minutes and agenda: write writes the meeting the operand names (none:
 * the open one, else the next) to out, held (struct cmd_held); the export
 * is written to the audit log (the command, the format, and "unmasked"
 * when the patients were shown in full) and committed; only then is the
 * document printed to stdout.  The exit status.
 */
int cmd_export(struct cmd_args *cli, enum mdt_status (*write)(
    struct mdt_store *store, int64_t meeting_id, const struct cmd_args *cli,
    FILE *out), const char *what, const char *format, bool unmask);

/*
 * The end of an export written to h (written: how writing it went): the
 * audit row "export" for the meeting meeting_id, or (0) for no one
 * record, saying the command, format (which may say more: "csv due") and
 * "unmasked" when the patients were shown in full; then the document
 * printed as cmd_held_print prints it.  Dropped after the store's error
 * if it was not written or not audited.  The exit status.
 */
int cmd_held_export(struct cmd_args *cli, struct mdt_store *store,
    struct cmd_held *h, enum mdt_status written, int64_t meeting_id,
    const char *format, bool unmask, const char *what);

/* The words of --format of a listing across meetings (referrals, rising),
 * that option's row, and the rows of --unmask and --unmasked (the same). */
extern const char *const cmd_listing_formats[];
#define CMD_LISTING_FORMAT CMD_WORDS("format", cmd_listing_formats, \
	"--format needs txt, csv or json", "--format is txt, csv or json")
#define CMD_UNMASK_ROWS CMD_FLAG("unmask"), CMD_FLAG("unmasked")

/* What a listing across meetings is asked for, by the options of these
 * names that its command has: --format (the index of its word in
 * cmd_listing_formats), --due, and --unmask or --unmasked. */
struct cmd_listing {
	int format;
	bool due;
	bool unmask;
};

/* referrals and rising: the listing write writes (as l asks) to out,
 * exported as cmd_export's but across meetings; the exit status. */
int cmd_listing(struct cmd_args *cli, enum mdt_status (*write)(
    struct mdt_store *store, const struct cmd_listing *l, FILE *out),
    const char *what);

/* The entries, each in its own file. */
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_chair_entry;
extern const struct cmd_entry cmd_prepare_entry;
extern const struct cmd_entry cmd_present_entry;
extern const struct cmd_entry cmd_referrals_entry;
extern const struct cmd_entry cmd_trace_entry;
extern const struct cmd_entry cmd_consent_entry;
extern const struct cmd_entry cmd_died_entry;
extern const struct cmd_entry cmd_minutes_entry;
extern const struct cmd_entry cmd_meetings_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_schedule_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_agenda_entry;
extern const struct cmd_entry cmd_refer_entry;
extern const struct cmd_entry cmd_rising_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_referrals_entry;
extern const struct cmd_entry cmd_people_entry;
extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_actions_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_restore_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_purge_entry;
extern const struct cmd_entry cmd_review_entry;
extern const struct cmd_entry cmd_themes_entry;
extern const struct cmd_entry cmd_help_entry;

#endif
