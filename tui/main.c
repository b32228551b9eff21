/*
 * main.c - the mdtchair command line: global options and one function
 * per subcommand (the helpers they share are in cmd/common.c).  Exit
 * status: 0 success, 1 a user error (one line on stderr), 2 a usage
 * error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "app.h"
#include "cmd/cmd.h"
#include "mdt.h"
#include "sync.h"

/* ---- subcommands ---------------------------------------------------- */

/* ---- sync and status ------------------------------------------------ */

/* "2026-11-25 14:44 UTC" or "never", into out. */
static void
when_text(int64_t ms, char *out, size_t len)
{
	struct tm tm;
	time_t t;

	if (ms <= 0) {
		snprintf(out, len, "never");
		return;
	}
	t = (time_t)(ms / 1000);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, len, "%lld", (long long)ms);
}

struct sync_run {
	uv_loop_t loop;
	uv_timer_t tick;
	struct sync_engine *engine;
	struct mdt_store *store;
	int64_t sent0;		/* sent before this run */
	int64_t total;		/* rows to deliver when the run began */
	uint64_t deadline;	/* uv_now() limit */
	bool tty;
	bool done;
	bool timed_out;
	char last_line[512];
};

/* "sync: 12/40 sent, 0 failed, retrying in 2 s (HTTP 503 ...)" */
static void
sync_progress(struct sync_run *r, bool final)
{
	struct sync_status st;
	char line[512], wait[320];
	int64_t now = mdt_clock_real(NULL);

	sync_engine_status(r->engine, &st);
	wait[0] = '\0';
	if (st.next_attempt_at > 0 && st.pending > 0)
		snprintf(wait, sizeof wait, ", retrying in %lld s (%.200s)",
		    (long long)((st.next_attempt_at - now + 999) / 1000),
		    st.last_error);
	else if (st.busy)
		snprintf(wait, sizeof wait, ", sending");
	snprintf(line, sizeof line, "sync: %lld/%lld sent, %lld failed%s%s",
	    (long long)(st.sent - r->sent0), (long long)r->total,
	    (long long)(st.failed + st.conflicts), wait,
	    st.conflicts > 0 ? " (conflicts included)" : "");
	if (!final && strcmp(line, r->last_line) == 0)
		return;
	snprintf(r->last_line, sizeof r->last_line, "%s", line);
	if (r->tty)
		fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
	else
		fprintf(stderr, "%s\n", line);
}

static void
sync_on_change(void *ctx)
{
	sync_progress(ctx, false);
}

/* Every 100 ms: finished (nothing pending and nothing in flight), or
 * past the deadline? */
static void
sync_on_tick(uv_timer_t *t)
{
	struct sync_run *r = t->data;
	struct sync_status st;

	sync_engine_status(r->engine, &st);
	sync_progress(r, false);
	if (st.pending == 0 && !st.busy)
		r->done = true;
	else if (uv_now(&r->loop) >= r->deadline)
		r->done = r->timed_out = true;
	if (r->done) {
		uv_timer_stop(&r->tick);
		uv_close((uv_handle_t *)&r->tick, NULL);
		sync_engine_close(r->engine);
	}
}

static int
cmd_sync(struct cmd_args *cli)
{
	struct sync_config *cfg = NULL;
	struct mdt_outbox_counts c;
	struct sync_status st;
	struct sync_run r;
	long deadline_s = 60;
	bool retry = false;
	int rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i], *v = NULL;
		char *end;

		if (strcmp(a, "--deadline") == 0) {
			if (++i == cli->argc)
				return cmd_usage_error("sync", "--deadline needs seconds");
			v = cli->argv[i];
		} else if (strncmp(a, "--deadline=", 11) == 0)
			v = a + 11;
		else if (strcmp(a, "--retry-failed") == 0) {
			retry = true;
			continue;
		} else
			return cmd_usage_error("sync", "unexpected argument");
		errno = 0;
		deadline_s = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || deadline_s < 1 ||
		    deadline_s > 86400)
			return cmd_usage_error("sync", "--deadline is 1 to 86400 seconds");
	}
	if (sync_config_path(cli->config, cli->config_buf,
	    sizeof cli->config_buf) != 0) {
		say("%s", "no HOME or XDG_CONFIG_HOME: give the configuration"
		    " with --config PATH");
		return EXIT_USER;
	}
	{
		char err[512];
		int lr = sync_config_load(cli->config_buf, &cfg, err,
		    sizeof err);

		if (lr < 0) {
			say("%s", err);
			return EXIT_USER;
		}
		if (lr > 0 || !sync_config_has_server(cfg)) {
			say("sync is not configured: %s %s (see docs/sync.md)",
			    lr > 0 ? "write" : "add a [server] section to",
			    cli->config_buf);
			sync_config_free(cfg);
			return EXIT_USER;
		}
	}
	{
		char why[512];

		/* libcurl is loaded only now; without it nothing can go */
		if (sync_prepare(why, sizeof why) != 0) {
			say("%s", why);
			sync_config_free(cfg);
			return EXIT_USER;
		}
	}
	memset(&r, 0, sizeof r);
	if (!(r.store = cmd_open_store(cli, 0))) {
		sync_config_free(cfg);
		return EXIT_USER;
	}
	if (retry) {
		int64_t n;

		if (mdt_outbox_retry_problems(r.store, &n) != MDT_OK) {
			say("%s", mdt_store_error(r.store));
			mdt_store_free(r.store);
			sync_config_free(cfg);
			return EXIT_USER;
		}
	}
	if (mdt_outbox_counts(r.store, &c) != MDT_OK) {
		say("%s", mdt_store_error(r.store));
		mdt_store_free(r.store);
		sync_config_free(cfg);
		return EXIT_USER;
	}
	r.sent0 = c.sent;
	r.total = c.pending;
	r.tty = isatty(STDERR_FILENO) == 1;
	if (uv_loop_init(&r.loop) != 0) {
		say("%s", "cannot start the event loop");
		mdt_store_free(r.store);
		sync_config_free(cfg);
		return EXIT_USER;
	}
	r.engine = sync_engine_new(&r.loop, r.store, cfg);
	sync_engine_on_change(r.engine, sync_on_change, &r);
	r.deadline = uv_now(&r.loop) + (uint64_t)deadline_s * 1000;
	uv_timer_init(&r.loop, &r.tick);
	r.tick.data = &r;
	uv_timer_start(&r.tick, sync_on_tick, 100, 100);
	/* asked for by a person: no waiting out an earlier backoff */
	sync_engine_send_now(r.engine);
	/* runs until the tick has closed the engine and itself */
	uv_run(&r.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&r.loop) != 0)
		say("%s", "the event loop did not close cleanly");

	if (mdt_outbox_counts(r.store, &c) != MDT_OK) {
		say("%s", mdt_store_error(r.store));
		rc = EXIT_USER;
	} else {
		memset(&st, 0, sizeof st);
		st.pending = c.pending;
		st.failed = c.failed;
		st.conflicts = c.conflict;
		if (r.tty && r.last_line[0] != '\0')
			fputc('\n', stderr);
		if (c.pending + c.failed + c.conflict == 0)
			fprintf(stderr, "sync: all sent (%lld this time)\n",
			    (long long)(c.sent - r.sent0));
		else {
			struct mdt_outbox_row *rows = NULL;
			size_t n = 0;
			const char *why = NULL;

			if (mdt_outbox_list(r.store,
			    MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
			    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT) |
			    MDT_OUTBOX_MASK(MDT_OUTBOX_PENDING), 1, &rows,
			    &n) == MDT_OK && n > 0)
				why = rows[0].last_error;
			say("sync: %lld not sent (%lld pending, %lld failed, %lld"
			    " conflict%s)%s%s%s", (long long)(c.pending +
			    c.failed + c.conflict), (long long)c.pending,
			    (long long)c.failed, (long long)c.conflict,
			    r.timed_out ? "; deadline reached" : "",
			    why != NULL ? ": " : "", why != NULL ? why : "",
			    "; see 'mdtchair status'");
			mdt_outbox_rows_free(rows, n);
			rc = EXIT_USER;
		}
	}
	mdt_store_free(r.store);
	sync_config_free(cfg);
	return rc;
}

static int
cmd_status(struct cmd_args *cli)
{
	struct sync_config *cfg = NULL;
	struct mdt_outbox_counts c;
	struct mdt_outbox_row *rows = NULL;
	struct mdt_store *store;
	char last[64], next[64];
	char cfg_err[512] = "";
	size_t n = 0;
	int rc = 0;

	if (cli->argc > 0)
		return cmd_usage_error("status", "unexpected argument");
	/* the counts are shown whatever the state of the configuration */
	if (sync_config_path(cli->config, cli->config_buf,
	    sizeof cli->config_buf) != 0)
		snprintf(cli->config_buf, sizeof cli->config_buf, "(none)");
	else if (sync_config_load(cli->config_buf, &cfg, cfg_err,
	    sizeof cfg_err) < 0)
		cfg = NULL;
	if (!(store = cmd_open_store(cli, 0))) {
		sync_config_free(cfg);
		return EXIT_USER;
	}
	if (mdt_outbox_counts(store, &c) != MDT_OK) {
		say("%s", mdt_store_error(store));
		mdt_store_free(store);
		sync_config_free(cfg);
		return EXIT_USER;
	}
	when_text(c.last_sent_at, last, sizeof last);
	printf("central record: %s\n", sync_config_has_server(cfg) ?
	    sync_config_base_url(cfg) : cfg_err[0] != '\0' ?
	    "configuration refused" : "not configured");
	printf("configuration: %s\n", cfg_err[0] != '\0' ? cfg_err :
	    cli->config_buf);
	printf("pending: %lld\nsent: %lld\nfailed: %lld\nconflict: %lld\n"
	    "last success: %s\n", (long long)c.pending, (long long)c.sent,
	    (long long)c.failed, (long long)c.conflict, last);
	if (c.pending > 0 && c.next_at > mdt_clock_real(NULL)) {
		when_text(c.next_at, next, sizeof next);
		printf("next attempt: %s\n", next);
	}
	if (mdt_outbox_list(store, MDT_OUTBOX_MASK(MDT_OUTBOX_FAILED) |
	    MDT_OUTBOX_MASK(MDT_OUTBOX_CONFLICT), 0, &rows, &n) == MDT_OK) {
		for (size_t i = 0; i < n; i++)
			printf("%s: %s: %s\n",
			    mdt_outbox_state_name(rows[i].state), rows[i].label,
			    rows[i].last_error != NULL ? rows[i].last_error :
			    "(no reason kept)");
		mdt_outbox_rows_free(rows, n);
	} else
		rc = EXIT_USER;
	if (cmd_flush("status") != 0)
		rc = EXIT_USER;
	mdt_store_free(store);
	sync_config_free(cfg);
	return rc;
}

/* ---- agenda preparation -------------------------------------------- */

/* "YYYY-MM-DD" and a real date, nothing else. */
static bool
strict_date(const char *v)
{
	char out[11];

	return v != NULL && strlen(v) == 10 && v[0] != '+' &&
	    mdt_date_parse(v, 0, out) == MDT_OK;
}

/*
 * Creates the chart file 0600 (an existing one only with force, and then
 * made 0600 as well); NULL after saying why.  *created tells whether the
 * file is new, to remove it if writing fails.
 */
static FILE *
create_export(const char *path, bool force, bool *created)
{
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	FILE *fp;

	*created = false;
	if (!force)
		flags |= O_EXCL;
	else
		*created = access(path, F_OK) != 0;
	fd = open(path, force ? flags | O_TRUNC : flags, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			say("%s exists: give --force to replace it", path);
		else
			say("cannot create %s: %s", path, strerror(errno));
		return NULL;
	}
	if (!force)
		*created = true;
	if (fchmod(fd, 0600) != 0 || !(fp = fdopen(fd, "w"))) {
		say("cannot write %s: %s", path, strerror(errno));
		close(fd);
		if (*created)
			unlink(path);
		return NULL;
	}
	return fp;
}

static int
cmd_review(struct cmd_args *cli)
{
	enum mdt_review_format fmt = MDT_REVIEW_TXT;
	const char *from = NULL, *to = NULL, *chart = NULL, *v;
	struct mdt_store *store;
	struct mdt_review r;
	bool force = false, missing, created = false;
	char detail[128];
	FILE *fp = NULL;
	int rc = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i];

		if ((v = cmd_opt_value(cli, &i, "--from", &missing)) != NULL)
			from = v;
		else if ((v = cmd_opt_value(cli, &i, "--to", &missing)) != NULL)
			to = v;
		else if ((v = cmd_opt_value(cli, &i, "--chart", &missing)) != NULL)
			chart = v;
		else if ((v = cmd_opt_value(cli, &i, "--format", &missing)) !=
		    NULL) {
			if (strcmp(v, "txt") == 0)
				fmt = MDT_REVIEW_TXT;
			else if (strcmp(v, "json") == 0)
				fmt = MDT_REVIEW_JSON;
			else
				return cmd_usage_error("review", "--format is txt or json");
		} else if (missing)
			return cmd_usage_error("review", "an option needs a value");
		else if (strcmp(a, "--force") == 0)
			force = true;
		else
			return cmd_usage_error("review", "unexpected argument");
	}
	if (from == NULL || to == NULL)
		return cmd_usage_error("review", "--from and --to are needed");
	if (!strict_date(from) || !strict_date(to))
		return cmd_usage_error("review", "--from and --to are dates,"
		    " YYYY-MM-DD");
	if (strcmp(from, to) > 0)
		return cmd_usage_error("review", "--from is after --to");
	if (chart != NULL && chart[0] == '\0')
		return cmd_usage_error("review", "--chart needs a file name");
	if (force && chart == NULL)
		return cmd_usage_error("review", "--force goes with --chart");

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_review_load(store, from, to, &r) != MDT_OK) {
		say("%s", mdt_store_error(store));
		mdt_store_free(store);
		return EXIT_USER;
	}
	if (chart != NULL && !(fp = create_export(chart, force, &created)))
		rc = EXIT_USER;
	else if (mdt_review_write(store, &r, fmt, stdout) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	} else if (fp != NULL && mdt_review_svg(store, &r, fp) != MDT_OK) {
		say("%s: %s", chart, mdt_store_error(store));
		rc = EXIT_USER;
	}
	if (fp != NULL && fclose(fp) != 0 && rc == 0) {
		say("cannot write %s: %s", chart, strerror(errno));
		rc = EXIT_USER;
	}
	if (rc != 0 && fp != NULL && created)
		unlink(chart);
	/* An aggregate export: dates and formats only, no record named. */
	snprintf(detail, sizeof(detail), "review %s to %s %s%s", from, to,
	    fmt == MDT_REVIEW_JSON ? "json" : "txt", chart != NULL ?
	    ", chart" : "");
	if (rc == 0 && mdt_audit_event(store, "export", detail) != MDT_OK) {
		say("%s", mdt_store_error(store));
		rc = EXIT_USER;
	}
	mdt_review_free(&r);
	mdt_store_free(store);
	return rc;
}

/* ---- retention --------------------------------------------------- */

/* The retention period: --days, else [retention] days of the
 * configuration; 0 with a message when neither is set, -1 on an error
 * already reported. */
static int
retention_days(struct cmd_args *cli, int days_opt, char *source, size_t len)
{
	struct sync_config *cfg;
	int days;

	if (days_opt > 0) {
		snprintf(source, len, "--days");
		return days_opt;
	}
	if (cmd_load_config(cli, &cfg) != 0)
		return -1;
	days = sync_config_retention_days(cfg);
	sync_config_free(cfg);
	if (days <= 0) {
		say("no retention period: give --days N or set [retention]"
		    " days = N in %s", cli->config_buf);
		return 0;
	}
	snprintf(source, len, "%s", cli->config_buf);
	return days;
}

static void
plural(char *buf, size_t len, long long n, const char *one, const char *many)
{
	snprintf(buf, len, "%lld %s", n, n == 1 ? one : many);
}

static int
cmd_purge(struct cmd_args *cli)
{
	struct mdt_purge_meeting *list = NULL;
	struct mdt_purge_result res;
	struct mdt_store *store;
	char source[4096], date[11], a[48], b[48], c[48], d[48];
	const char *v;
	bool missing, dry_run = false;
	int days_opt = 0, days, rc = 0, eligible = 0;
	size_t n = 0;

	for (int i = 0; i < cli->argc; i++) {
		const char *arg = cli->argv[i];
		char *end;
		long l;

		if ((v = cmd_opt_value(cli, &i, "--days", &missing)) != NULL) {
			errno = 0;
			l = strtol(v, &end, 10);
			if (errno != 0 || end == v || *end != '\0' || l < 1 ||
			    l > 36500)
				return cmd_usage_error("purge",
				    "--days is a whole number from 1 to 36500");
			days_opt = (int)l;
		} else if (missing)
			return cmd_usage_error("purge", "--days needs a number");
		else if (strcmp(arg, "--dry-run") == 0)
			dry_run = true;
		else if (arg[0] == '-')
			return cmd_usage_error("purge", "unknown option");
		else
			return cmd_usage_error("purge", "unexpected argument");
	}
	days = retention_days(cli, days_opt, source, sizeof source);
	if (days <= 0)
		return EXIT_USER;
	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	if (mdt_purge_find(store, days, &list, &n) != MDT_OK) {
		say("cannot look for meetings to purge: %s",
		    mdt_store_error(store));
		mdt_store_free(store);
		return EXIT_USER;
	}
	printf("retention: %d day%s (%s)\n", days, days == 1 ? "" : "s",
	    source);
	for (size_t i = 0; i < n; i++) {
		mdt_date_of(list[i].scheduled_start, date);
		plural(a, sizeof a, list[i].patients, "patient", "patients");
		if (list[i].eligible) {
			eligible++;
			printf("%s %s  %s  (%s)\n", dry_run ? "would purge" :
			    "purge", date, list[i].title, a);
		} else if (list[i].undelivered > 0) {
			plural(b, sizeof b, list[i].undelivered, "row",
			    "rows");
			printf("skip  %s  %s  (%s): not yet delivered: %s"
			    " pending/failed\n", date, list[i].title, a, b);
		} else
			printf("skip  %s  %s  (%s): not yet delivered: never"
			    " sent to the central record\n", date,
			    list[i].title, a);
	}
	mdt_purge_list_free(list, n);
	if (dry_run) {
		printf("dry run: %d meeting%s would be purged, nothing"
		    " changed\n", eligible, eligible == 1 ? "" : "s");
		goto out;
	}
	if (mdt_purge_run(store, days, &res) != MDT_OK) {
		say("cannot purge: %s", mdt_store_error(store));
		rc = EXIT_USER;
		goto out;
	}
	plural(a, sizeof a, res.meetings, "meeting", "meetings");
	plural(b, sizeof b, res.notes, "note", "notes");
	plural(c, sizeof c, res.actions, "finished action", "finished actions");
	plural(d, sizeof d, res.patients, "patient identity",
	    "patient identities");
	printf("purged %s (%s, %s, %s)", a, b, c, d);
	if (res.held_back > 0)
		printf("; %d held back until delivered", res.held_back);
	putchar('\n');
	if (!res.checkpointed)
		say("%s", "another window has the database open: the purged"
		    " text leaves the write-ahead log when it closes");
out:
	if (cmd_flush("list") != 0)
		rc = EXIT_USER;
	mdt_store_free(store);
	return rc;
}

/* ---- people and each owner's actions ------------------------------- */

const struct cmd_entry cmd_sync_entry = {
	.name = "sync",
	.usage = "[--deadline SECONDS] [--retry-failed]",
	.summary = "send the outbox to the central record once",
	.help =
	    "Sends everything waiting in the outbox to the central FHIR record\n"
	    "(see docs/sync.md for the configuration), retrying transient failures\n"
	    "until nothing is pending or the deadline (default 60 s) passes, with a\n"
	    "progress line on stderr.  --retry-failed first puts rows the server\n"
	    "refused back in the queue.  Exit status 0 only if nothing stays\n"
	    "unsent (pending, failed or in conflict).",
	.run = cmd_sync,
};

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.usage = "",
	.summary = "show what has been sent to the central record",
	.help =
	    "Prints the outbox counts (pending, sent, failed, conflict), the last\n"
	    "success, and each refused record with the server's reason.",
	.run = cmd_status,
};

const struct cmd_entry cmd_purge_entry = {
	.name = "purge",
	.usage = "[--days N] [--dry-run]",
	.summary = "remove old meetings' identifiable detail",
	.help =
	    "Retention: closed meetings older than N days (--days, else\n"
	    "[retention] days in the configuration) whose every record has been\n"
	    "delivered to the central record lose their notes, consent\n"
	    "justifications, reasons and the text of finished actions, and a\n"
	    "patient nobody on the record needs any more loses name, date of\n"
	    "birth, NHS number and practice.  Times, states, outcomes, action\n"
	    "statuses, owners and attendance stay.  Lists each meeting it purges\n"
	    "and each one it skips because something is not yet delivered.\n"
	    "--dry-run only lists.  See docs/governance.md.",
	.run = cmd_purge,
};

const struct cmd_entry cmd_review_entry = {
	.name = "review",
	.usage = "--from D --to D [OPTIONS]",
	.summary = "the figures of a period for the network's leads",
	.help =
	    "Options: --format txt|json, --chart FILE.svg [--force].\n"
	    "Prints the figures for the local dates D to D (both included, as\n"
	    "YYYY-MM-DD): meetings held, patients and slots discussed, minutes per\n"
	    "slot (mean, median, 90th percentile) and the share within and over the\n"
	    "band, actions opened, closed, cancelled and overdue with the median\n"
	    "days to close, outcomes by kind, the lists patients came from and\n"
	    "their referrers, and attendance by discipline (docs/review.md defines\n"
	    "each).  --format json gives the same for other programs.  --chart\n"
	    "writes an SVG of slot times per meeting against the band and of\n"
	    "actions closed per week (per month for ranges over 27 weeks), mode\n"
	    "0600; an existing file is kept unless --force.  No patient is named.\n"
	    "The export is written to the audit log.",
	.run = cmd_review,
};

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
