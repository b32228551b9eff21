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

#include "app.h"
#include "mdt.h"
#include "sync.h"

#define EXIT_USER 1
#define EXIT_USAGE 2

/* What a command is run with: the global options, then its own. */
struct cmd_args {
	const char *db;		/* --db, MDTCHAIR_DB, or NULL for the default */
	char db_buf[4096];
	const char *config;	/* --config, or NULL for the usual places */
	char config_buf[4096];	/* the configuration file in use */
	int argc;		/* the command's own arguments */
	char **argv;
};

/* A command: its name, its arguments and help for people, its function. */
struct cmd_entry {
	const char *name;
	const char *usage;	/* its arguments, after the name */
	const char *summary;	/* one line, in 'mdtchair --help' */
	const char *help;	/* 'mdtchair CMD --help' */
	int (*run)(struct cmd_args *cli);	/* the exit status */
};

/* Every command, in the order of 'mdtchair --help' (table.c). */
extern const struct cmd_entry *const cmd_table[];
extern const size_t cmd_table_size;

/* The command called name; NULL if none. */
const struct cmd_entry *cmd_find(const char *name);

/* 'mdtchair --help': the commands and the global options, to f. */
void cmd_print_usage(FILE *f);
/* 'mdtchair CMD --help', to stdout. */
void cmd_print_help(const struct cmd_entry *c);

/* One line on stderr, prefixed with the program's name. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "mdtchair CMD: WHAT" and where to look, on stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *cmd, const char *what);

/*
 * Opens the store (the default database, its folder made 0700, when
 * there is no --db nor MDTCHAIR_DB); NULL after saying why.  Free it with
 * mdt_store_free.
 */
struct mdt_store *cmd_open_store(struct cmd_args *cli, unsigned flags);

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

/* "YYYY-MM-DD" as local midnight in ms since the epoch; -1 if not a date. */
int64_t cmd_day_start_ms(const char *text);

/*
 * The chair's screens on a meeting of the open store, delivering to the
 * central record if set up (the opening is audited); the exit status.
 */
int cmd_run_screens(struct cmd_args *cli, struct mdt_store *store,
    int64_t meeting_id, enum tui_mode mode);

/* chair and prepare: the screens on the meeting cli->argv names (at most
 * one argument; none: the open one, else the next). */
int cmd_open_screens(struct cmd_args *cli, const char *cmd,
    enum tui_mode mode);

/* Flushes stdout; -1 after saying "cannot write the WHAT: reason". */
int cmd_flush(const char *what);

/* The value of option name at cli->argv[*i] ("--name V" or "--name=V");
 * NULL if cli->argv[*i] is not that option.  *missing is set when V is
 * absent. */
const char *cmd_opt_value(struct cmd_args *cli, int *i, const char *name,
    bool *missing);

/* The entries, each in its own file. */
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_chair_entry;
extern const struct cmd_entry cmd_prepare_entry;
extern const struct cmd_entry cmd_present_entry;
extern const struct cmd_entry cmd_minutes_entry;
extern const struct cmd_entry cmd_meetings_entry;
extern const struct cmd_entry cmd_audit_entry;
extern const struct cmd_entry cmd_schedule_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_agenda_entry;
extern const struct cmd_entry cmd_people_entry;
extern const struct cmd_entry cmd_actions_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_purge_entry;
extern const struct cmd_entry cmd_review_entry;
extern const struct cmd_entry cmd_help_entry;

#endif
