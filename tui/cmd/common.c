/*
 * common.c - the helpers the commands share: messages, the default
 * database path, opening the store and the configuration, finding a
 * meeting, dates, and opening the chair's screens.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

void
say(const char *fmt, ...)
{
	va_list ap;

	fputs("mdtchair: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cmd_usage_error(const struct cmd_entry *cmd, const char *what)
{
	fprintf(stderr, "mdtchair %s: %s\nTry 'mdtchair %s --help'.\n",
	    cmd->name, what, cmd->name);
	return EXIT_USAGE;
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

int
cmd_default_db(struct cmd_args *cli)
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

struct mdt_store *
cmd_open_store(struct cmd_args *cli, unsigned flags)
{
	struct mdt_clock clock = { mdt_clock_real, NULL };
	struct mdt_store *store = NULL;
	char err[512];

	if (!cli->db && cmd_default_db(cli) != 0)
		return NULL;
	if (mdt_store_open(cli->db, &clock, flags, &store, err,
	    sizeof err) != MDT_OK) {
		say("%s", err);
		return NULL;
	}
	mdt_store_free(cli->store);
	cli->store = store;
	return store;
}

int
cmd_store_error(struct mdt_store *store)
{
	say("%s", mdt_store_error(store));
	return EXIT_USER;
}

const char *
cmd_operand(const struct cmd_args *cli)
{
	return cli->argc > 0 ? cli->argv[0] : NULL;
}

int
cmd_resolve_meeting(struct mdt_store *store, const char *ref, int64_t *id)
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

int
cmd_load_config(struct cmd_args *cli, struct sync_config **cfg)
{
	char err[512];
	int r;

	*cfg = NULL;
	if (sync_config_path(cli->config, cli->config_buf,
	    sizeof cli->config_buf) != 0) {
		say("%s", "no HOME or XDG_CONFIG_HOME: give the configuration with --config PATH");
		return -1;
	}
	r = sync_config_load(cli->config_buf, cfg, err, sizeof err);
	if (r < 0) {
		say("%s", err);
		return -1;
	}
	if (r > 0 && cli->config) {
		say("no configuration file %s", cli->config_buf);
		return -1;
	}
	return 0;
}

int64_t
cmd_action_id(const char *a, int64_t min)
{
	int64_t v;

	if (a[0] == '#')
		a++;
	return mdt_str_number(a, min, INT64_MAX, &v) ? v : -1;
}

int64_t
cmd_day_start_ms(const char *text)
{
	struct tm tm;
	char *end;
	long y, m, d;

	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return -1;
	y = strtol(text, &end, 10);
	if (end != text + 4)
		return -1;
	m = strtol(text + 5, &end, 10);
	if (end != text + 7)
		return -1;
	d = strtol(text + 8, &end, 10);
	if (*end != '\0' || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)(m - 1);
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

int
cmd_patient_typed(struct cmd_args *cli, bool untraced, const char *name,
    const char *needed, const char *bad, char nhs[11])
{
	const char *typed = cmd_operand(cli);

	if (typed == NULL && !untraced)
		return cmd_usage_error(cli->cmd, needed);
	if (typed != NULL && untraced)
		return cmd_usage_error(cli->cmd, "an NHS number or --untraced,"
		    " not both");
	if (typed == NULL && name == NULL)
		return cmd_usage_error(cli->cmd, "--untraced needs the"
		    " patient's --name");
	if (typed != NULL && !mdt_local_id_normalise(typed, nhs) &&
	    (!mdt_nhs_normalise(typed, nhs) || !mdt_nhs_valid(nhs)))
		return cmd_usage_error(cli->cmd, bad);
	return 0;
}

void
cmd_say_untraced(const char *nhs)
{
	if (mdt_nhs_local(nhs))
		say("held under %s, not traced: it goes on no agenda and to no"
		    " record until its NHS number is traced ('mdtchair trace %s"
		    " NHS')", nhs, nhs);
}

int
cmd_open_meeting(struct cmd_args *cli, const char *ref,
    struct mdt_store **store, int64_t *id)
{
	if (!(*store = cmd_open_store(cli, 0)))
		return -1;
	if (cmd_resolve_meeting(*store, ref, id) != 0)
		return -1;
	return 0;
}

int
cmd_flush(const char *what)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		say("cannot write the %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_printed(struct mdt_store *store, enum mdt_status st, const char *what)
{
	if (st != MDT_OK)
		return cmd_store_error(store);
	return what != NULL && cmd_flush(what) != 0 ? EXIT_USER : 0;
}

int
cmd_list(struct cmd_args *cli, enum mdt_status (*list)(
    struct mdt_store *store, FILE *out), const char *what)
{
	struct mdt_store *store;
	int rc;

	if (!(store = cmd_open_store(cli, 0)))
		return EXIT_USER;
	rc = cmd_printed(store, list(store, stdout), what);
	return rc;
}

/* Held in memory up to this; past it, in the scratch file. */
#define HELD_IN_MEMORY (1024 * 1024)

/* The held stream's writer (fopencookie): to memory, then, once that
 * would pass HELD_IN_MEMORY, what memory holds and the rest to the
 * scratch file. */
static ssize_t
held_write(void *cookie, const char *p, size_t n)
{
	struct cmd_held *h = cookie;

	if (h->fd < 0 && h->len + n > HELD_IN_MEMORY) {
		if ((h->fd = mdt_scratch_open(h->beside)) < 0 ||
		    !mdt_write_all(h->fd, h->buf, h->len)) {
			h->err = errno;
			return -1;
		}
		free(h->buf);
		h->buf = NULL;
		h->len = h->cap = 0;
	}
	if (h->fd >= 0) {
		if (!mdt_write_all(h->fd, p, n)) {
			h->err = errno;
			return -1;
		}
		return (ssize_t)n;
	}
	if (h->len + n > h->cap) {
		h->cap = h->len + n > 2 * h->cap ? h->len + n : 2 * h->cap;
		h->buf = mdt_xrealloc(h->buf, h->cap);
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
	return (ssize_t)n;
}

int
cmd_held_open(struct cmd_held *h, struct mdt_store *store)
{
	memset(h, 0, sizeof(*h));
	h->fd = -1;
	h->beside = mdt_xstrdup(mdt_store_path(store));
	if (!(h->fp = fopencookie(h, "w", (cookie_io_functions_t){
	    .write = held_write }))) {
		say("cannot hold the export: %s", strerror(errno));
		cmd_held_drop(h);
		return -1;
	}
	return 0;
}

void
cmd_held_drop(struct cmd_held *h)
{
	if (h->fp != NULL)
		fclose(h->fp);
	if (h->fd >= 0)
		close(h->fd);
	free(h->buf);
	free(h->beside);
	memset(h, 0, sizeof(*h));
	h->fd = -1;
}

/* What the scratch file holds, to stdout: 0, or -1 after saying what
 * failed. */
static int
held_copy(int fd, const char *what)
{
	char buf[65536];
	ssize_t r;

	if (lseek(fd, 0, SEEK_SET) != 0)
		r = -1;
	else
		while ((r = read(fd, buf, sizeof(buf))) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			if (fwrite(buf, 1, (size_t)r, stdout) != (size_t)r) {
				say("cannot write the %s: %s", what,
				    strerror(errno));
				return -1;
			}
		}
	if (r < 0)
		say("cannot read back the %s held: %s", what, strerror(errno));
	return r < 0 ? -1 : 0;
}

int
cmd_held_print(struct cmd_held *h, const char *what)
{
	int rc = fclose(h->fp);

	h->fp = NULL;
	if (rc != 0) {
		say("cannot hold the %s: %s", what, strerror(h->err != 0 ?
		    h->err : errno));
		rc = EXIT_USER;
	} else if (h->fd >= 0 && held_copy(h->fd, what) != 0)
		rc = EXIT_USER;
	else if (h->fd < 0 && h->len > 0 &&
	    fwrite(h->buf, 1, h->len, stdout) != h->len) {
		say("cannot write the %s: %s", what, strerror(errno));
		rc = EXIT_USER;
	} else
		rc = cmd_flush(what) != 0 ? EXIT_USER : 0;
	cmd_held_drop(h);
	return rc;
}

int
cmd_held_export(struct cmd_args *cli, struct mdt_store *store,
    struct cmd_held *h, enum mdt_status written, int64_t meeting_id,
    const char *format, bool unmask, const char *what)
{
	char detail[64];

	/* the format, and whether the patients were shown in full */
	snprintf(detail, sizeof detail, "%s %s%s", cli->cmd->name, format,
	    unmask ? " unmasked" : "");
	/* printed only once the audit log has the export */
	if (written != MDT_OK || (meeting_id != 0 ? mdt_audit_meeting(store,
	    meeting_id, "export", detail) : mdt_audit_event(store, "export",
	    detail)) != MDT_OK)
		return cmd_held_error(h, store, what);
	return cmd_held_print(h, what);
}

int
cmd_held_error(struct cmd_held *h, struct mdt_store *store, const char *what)
{
	int rc = EXIT_USER;

	/* the writer's error is the hold's own when it could not be kept */
	if (h->err != 0)
		say("cannot hold the %s in a scratch file beside %s: %s", what,
		    h->beside, strerror(h->err));
	else
		rc = cmd_store_error(store);
	cmd_held_drop(h);
	return rc;
}

int
cmd_export(struct cmd_args *cli, enum mdt_status (*write)(
    struct mdt_store *store, int64_t meeting_id, const struct cmd_args *cli,
    FILE *out), const char *what, const char *format, bool unmask)
{
	struct mdt_store *store;
	struct cmd_held held;
	int64_t id;

	if (cmd_open_meeting(cli, cmd_operand(cli), &store, &id) != 0 ||
	    cmd_held_open(&held, store) != 0)
		return EXIT_USER;
	return cmd_held_export(cli, store, &held, write(store, id, cli,
	    held.fp), id, format, unmask, what);
}

const char *const cmd_listing_formats[] = { "txt", "csv", "json", NULL };

/* The index of the command's option called name ("--due"); -1 if it
 * has none. */
static int
option_of(const struct cmd_args *cli, const char *name)
{
	const char *value;

	return cmd_option_find(cli->cmd->options, name, &value);
}

/* Whether the command's option called name was given. */
static bool
given(const struct cmd_args *cli, const char *name)
{
	int i = option_of(cli, name);

	return i >= 0 && cli->opt[i] != NULL;
}

int
cmd_listing(struct cmd_args *cli, enum mdt_status (*write)(
    struct mdt_store *store, const struct cmd_listing *l, FILE *out),
    const char *what)
{
	struct cmd_listing l = {
		.format = (int)cli->num[option_of(cli, "--format")],
		.due = given(cli, "--due"),
		.unmask = given(cli, "--unmask") || given(cli, "--unmasked"),
	};
	struct mdt_store *store;
	struct cmd_held held;
	char format[16];

	if (!(store = cmd_open_store(cli, 0)) || cmd_held_open(&held, store) != 0)
		return EXIT_USER;
	snprintf(format, sizeof format, "%s%s",
	    cmd_listing_formats[l.format], l.due ? " due" : "");
	return cmd_held_export(cli, store, &held, write(store, &l, held.fp), 0,
	    format, l.unmask, what);
}

int
cmd_run_screens(struct cmd_args *cli, struct mdt_store *store,
    int64_t meeting_id, enum tui_mode mode)
{
	struct sync_config *cfg;
	int rc;

	if (cmd_load_config(cli, &cfg) != 0)
		rc = EXIT_USER;
	/* Who had the meeting's patients on screen, and when. */
	else if (mdt_audit_meeting(store, meeting_id, "open",
	    mode == TUI_MODE_PREPARE ? "prepare" : "chair") != MDT_OK)
		rc = cmd_store_error(store);
	else
		rc = tui_run(store, meeting_id, cfg, cli->config_buf, mode,
		    false);
	sync_config_free(cfg);
	return rc;
}

void
cmd_when_text(int64_t ms, char *out, size_t len)
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
