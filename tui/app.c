/*
 * app.c - the chair's console: terminal set-up and teardown, the libuv
 * loop, key dispatch, the top bar, the message line and the status bar.
 *
 * One thread, one loop.  Keys come from a uv_poll on a separate /dev/tty
 * descriptor (so stdout is never made non-blocking), read with wget_wch
 * until ERR because curses buffers bytes of its own.  A one-shot timer,
 * re-armed each time to the next flip of the seconds on screen, redraws
 * the clocks; with no seconds on screen (the meeting not open, the
 * privacy screen up) it wakes once a minute for the forecast, or not at
 * all.  Other windows' commits are heard through an inotify watch on the
 * database's write-ahead log (uv_fs_event), not by polling: an idle
 * console wakes for its clock only.  SIGWINCH, SIGTERM, SIGINT and SIGHUP
 * arrive as uv_signal
 * callbacks on the loop; crash signals use plain sigaction and restore the
 * terminal with async-signal-safe calls only, then re-raise.
 *
 * Nothing the meeting needs lives here: every act is a core call that
 * commits, followed by a reload of the meeting's snapshot.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <uv.h>

#include "app.h"
#include "draw.h"
#include "input.h"
#include "keys.h"
#include "screens.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

struct tui_loop {
	struct tui_app app;
	uv_loop_t loop;
	uv_poll_t input;
	uv_timer_t tick;
	uv_fs_event_t wal;		/* other windows' commits */
	uv_timer_t watch;		/* looks again after a wal event, or polls
					 * if wal cannot be watched */
	int rechecks;			/* looks again left after a wal event */
	bool polling;
	uv_timer_t idle;		/* the privacy screen after no key */
	uv_timer_t sync_draw;		/* a redraw for the sync engine's
					 * changes, at most every
					 * TUI_SYNC_DRAW_MS */
	uv_timer_t checkpoint;		/* the log into the database once the
					 * keys stop */
	uv_work_t checkpoint_job;	/* ... done in the thread pool */
	bool checkpointing;		/* checkpoint_job queued or running */
	struct mdt_store *checkpointer;	/* its own connection, made by the
					 * first job */
	uv_signal_t sig_winch;
	uv_signal_t sig_term;
	uv_signal_t sig_int;
	uv_signal_t sig_hup;
	int open_handles;
	bool loop_ready;
	uv_work_t sync_load;		/* libcurl, loaded off the loop */
	const struct sync_config *sync_cfg;	/* the engine's, once loaded */
	FILE *tty_in;
	SCREEN *screen;
	int empty_reads;		/* readable but no key: the tty is gone */
	bool cursor_shown;
};

static const struct tui_screen_ops *const tui_screens[TUI_SCREEN_COUNT] = {
	[TUI_SCREEN_AGENDA] = &tui_screen_agenda,
	[TUI_SCREEN_REGISTER] = &tui_screen_register,
	[TUI_SCREEN_SLOT] = &tui_screen_slot,
	[TUI_SCREEN_SUMMARY] = &tui_screen_summary,
	[TUI_SCREEN_SYNC] = &tui_screen_sync,
	[TUI_SCREEN_PREP] = &tui_screen_prep,
	[TUI_SCREEN_ACTIONS] = &tui_screen_actions,
	[TUI_SCREEN_PRESENT] = &tui_screen_present,
};

/* The chair's tabs: every screen but the projector's view. */
#define TUI_N_TABS (TUI_SCREEN_ACTIONS + 1)

/* ---- restoring the terminal, whatever happens ------------------------ */

/* Read by the crash handler: set up before it is installed. */
static volatile sig_atomic_t tui_term_active;
static int tui_tty_fd = -1;
static int tui_tty_flags = -1;
static bool tui_have_termios;
static struct termios tui_saved_termios;
static char tui_reset_seq[256];
static size_t tui_reset_len;

static const int tui_crash_signals[] = {
	SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL,
};
#define TUI_N_CRASH (sizeof(tui_crash_signals) / sizeof(tui_crash_signals[0]))
static struct sigaction tui_old_crash[TUI_N_CRASH];

static void
tui_crash_handler(int sig)
{
	int saved_errno = errno;

	/* Only async-signal-safe calls: no curses, no stdio. */
	if (tui_term_active) {
		ssize_t r = write(STDOUT_FILENO, tui_reset_seq, tui_reset_len);

		(void)r;
		if (tui_have_termios)
			tcsetattr(tui_tty_fd, TCSANOW, &tui_saved_termios);
		if (tui_tty_flags != -1)
			fcntl(tui_tty_fd, F_SETFL, tui_tty_flags);
		tui_term_active = 0;
	}
	errno = saved_errno;
	/* SA_RESETHAND put back the default action: this ends the process
	 * (with its core dump) once the handler returns. */
	raise(sig);
}

static void
tui_add_cap(const char *cap)
{
	char *s = tigetstr(cap);
	size_t len;

	if (s == NULL || s == (char *)-1)
		return;
	len = strlen(s);
	if (tui_reset_len + len >= sizeof(tui_reset_seq))
		return;
	memcpy(tui_reset_seq + tui_reset_len, s, len);
	tui_reset_len += len;
}

static void
tui_install_crash_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tui_crash_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < TUI_N_CRASH; i++)
		sigaction(tui_crash_signals[i], &sa, &tui_old_crash[i]);
}

static void
tui_remove_crash_handlers(void)
{
	for (size_t i = 0; i < TUI_N_CRASH; i++)
		sigaction(tui_crash_signals[i], &tui_old_crash[i], NULL);
}

static void
tui_restore_fd_flags(void)
{
	if (tui_tty_fd >= 0 && tui_tty_flags != -1)
		fcntl(tui_tty_fd, F_SETFL, tui_tty_flags);
}

/* Registered with atexit: an exit from anywhere leaves a usable shell. */
static void
tui_atexit(void)
{
	if (tui_term_active) {
		if (!isendwin())
			endwin();
		tui_term_active = 0;
		tui_restore_fd_flags();
	}
}

/* core/ calls this before it prints its reason and aborts (out of
 * memory): the reason must land on a normal terminal. */
static void
tui_fatal_hook(const char *msg)
{
	(void)msg;
	tui_atexit();
}

static bool
tui_term_start(struct tui_loop *L, char *err, size_t errlen)
{
	static bool atexit_done;
	int fd;

	if (!isatty(STDOUT_FILENO)) {
		snprintf(err, errlen,
		    "the chair's console needs a terminal on standard output");
		return false;
	}
	L->tty_in = fopen("/dev/tty", "re");
	if (L->tty_in == NULL) {
		snprintf(err, errlen, "cannot open the terminal /dev/tty: %s",
		    strerror(errno));
		return false;
	}
	fd = fileno(L->tty_in);
	tui_tty_fd = fd;
	tui_tty_flags = fcntl(fd, F_GETFL);
	tui_have_termios = tcgetattr(fd, &tui_saved_termios) == 0;

	L->screen = newterm(NULL, stdout, L->tty_in);
	if (L->screen == NULL) {
		const char *term = getenv("TERM");

		snprintf(err, errlen, "cannot use the terminal type \"%s\"",
		    term != NULL ? term : "");
		fclose(L->tty_in);
		L->tty_in = NULL;
		tui_tty_fd = -1;
		return false;
	}
	set_term(L->screen);

	tui_reset_len = 0;
	tui_add_cap("sgr0");
	tui_add_cap("cnorm");
	tui_add_cap("rmkx");
	tui_add_cap("rmcup");
	if (tui_reset_len + 2 < sizeof(tui_reset_seq)) {
		memcpy(tui_reset_seq + tui_reset_len, "\r\n", 2);
		tui_reset_len += 2;
	}
	tui_term_active = 1;
	/* After newterm: curses installs its own handlers there. */
	tui_install_crash_handlers();
	mdt_set_fatal_hook(tui_fatal_hook);
	if (!atexit_done) {
		atexit(tui_atexit);
		atexit_done = true;
	}

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	L->cursor_shown = false;
	/*
	 * Until its first endwin, ncurses (6.4, _nc_mvcur) writes out its
	 * buffer after every cursor movement, taking the screen for one not
	 * yet set up: each frame went out as one write per changed line,
	 * each waking the terminal.  Leaving once and coming back, before
	 * the first frame, makes every frame after one write.
	 */
	endwin();
	refresh();
#ifdef HAVE_SET_ESCDELAY
	/* Esc cancels prompts: do not wait a second for a key sequence. */
	set_escdelay(25);
#endif
	tui_draw_init();
	return true;
}

static void
tui_term_stop(struct tui_loop *L)
{
	if (L->screen == NULL)
		return;
	curs_set(1);
	endwin();
	tui_term_active = 0;
	mdt_set_fatal_hook(NULL);
	tui_remove_crash_handlers();
	tui_restore_fd_flags();
	delscreen(L->screen);
	L->screen = NULL;
	fclose(L->tty_in);
	L->tty_in = NULL;
	tui_tty_fd = -1;
}

/* ---- shared helpers for the screens --------------------------------- */

void
tui_app_message(struct tui_app *app, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->message, sizeof(app->message), fmt, ap);
	va_end(ap);
	app->message_error = error;
}

bool
tui_app_reload(struct tui_app *app)
{
	enum mdt_status st;
	int64_t pending = 0;

	/* only the parts that changed are read again; on failure the screen
	 * keeps what it had */
	st = mdt_snapshot_refresh(app->store, app->meeting_id, &app->snap);
	if (st != MDT_OK) {
		tui_app_message(app, true, "Could not reload the meeting: %s",
		    mdt_store_error(app->store));
		return false;
	}
	app->reloads++;
	if (mdt_outbox_pending(app->store, &pending) == MDT_OK) {
		app->outbox_pending = pending;
		app->outbox_known = true;
	} else {
		app->outbox_known = false;
	}
	return true;
}

/*
 * A save the disk refused: what happened and what to do, on one line.  A
 * prompt keeps its text (see input.h), so Enter saves it again once the
 * disk is fixed; nothing of the failed act was written.
 */
static bool
tui_app_disk_failed(struct tui_app *app, enum mdt_status st)
{
	bool prompt = app->input.submitting;

	if (st == MDT_EFULL) {
		tui_app_message(app, true, "Not saved: the disk is full. Free"
		    " some space, then %s", prompt ?
		    "press Enter to save again" : "do it again");
		return true;
	}
	if (st == MDT_EDISK) {
		tui_app_message(app, true, "Not saved: disk I/O error. Check"
		    " the disk, then %s", prompt ?
		    "press Enter to save again" : "do it again");
		return true;
	}
	return false;
}

bool
tui_app_check(struct tui_app *app, enum mdt_status st)
{
	if (st != MDT_OK) {
		const char *why = mdt_store_error(app->store);

		if (!tui_app_disk_failed(app, st))
			tui_app_message(app, true, "%s", why != NULL &&
			    why[0] != '\0' ? why : mdt_strerror(st));
		/* Whatever did get committed is what the screen shows. */
		tui_app_reload(app);
		return false;
	}
	tui_app_reload(app);
	/* Something was committed: its outbox row can go now. */
	tui_app_sync_kick(app);
	return true;
}

void
tui_app_sync_status(struct tui_app *app, struct sync_status *out,
    bool brief)
{
	if (app->sync != NULL) {
		if (brief)
			sync_engine_status_brief(app->sync, out);
		else
			sync_engine_status(app->sync, out);
		return;
	}
	memset(out, 0, sizeof(*out));
	out->configured = out->starting = app->sync_starting;
	out->pending = app->outbox_known ? app->outbox_pending : -1;
}

bool
tui_app_sync_kick(struct tui_app *app)
{
	if (app->sync == NULL)
		/* a new engine starts with a pass anyway */
		return app->sync_starting;
	sync_engine_kick(app->sync);
	return true;
}

bool
tui_app_sync_now(struct tui_app *app)
{
	if (app->sync == NULL) {
		if (!app->sync_starting)
			return false;
		app->sync_now_asked = true;	/* done once it has started */
		return true;
	}
	sync_engine_send_now(app->sync);
	return true;
}

void
tui_app_switch(struct tui_app *app, enum tui_screen_id screen)
{
	const struct tui_screen_ops *old = tui_screens[app->screen];
	const struct tui_screen_ops *new = tui_screens[screen];

	if (old->leave != NULL)
		old->leave(app);
	app->screen = screen;
	if (new->enter != NULL)
		new->enter(app);
}

long
tui_app_slot_index(const struct tui_app *app, int64_t slot_id)
{
	for (size_t i = 0; i < app->snap.n_slots; i++)
		if (app->snap.slots[i].id == slot_id)
			return (long)i;
	return -1;
}

const struct mdt_slot *
tui_app_view_slot(const struct tui_app *app)
{
	const struct mdt_slot *s = NULL;

	if (app->view_slot_id != 0)
		s = mdt_snapshot_slot(&app->snap, app->view_slot_id);
	if (s == NULL)
		s = mdt_snapshot_current(&app->snap);
	return s;
}

int64_t
tui_app_slot_elapsed(const struct tui_app *app, const struct mdt_slot *slot)
{
	return mdt_slot_elapsed_ms(slot->state, &slot->times, app->now);
}

void
tui_list_clamp(size_t n, size_t rows, size_t *sel, size_t *top)
{
	if (n == 0) {
		*sel = 0;
		*top = 0;
		return;
	}
	if (*sel >= n)
		*sel = n - 1;
	if (rows == 0)
		rows = 1;
	if (*sel < *top)
		*top = *sel;
	if (*sel >= *top + rows)
		*top = *sel - rows + 1;
	if (*top + rows > n)
		*top = n > rows ? n - rows : 0;
}

/* Whether someone present has this role (case apart: "GP" and "gp"). */
static bool
tui_role_present(const struct mdt_snapshot *snap, const char *role,
    size_t len)
{
	for (size_t i = 0; i < snap->n_attendees; i++) {
		const char *r = tui_str(snap->attendees[i].person.role);

		if (snap->attendees[i].status == MDT_ATTEND_PRESENT &&
		    strlen(r) == len && strncasecmp(r, role, len) == 0)
			return true;
	}
	return false;
}

bool
tui_quorum_missing(const struct tui_app *app, char *out, size_t len)
{
	const char *p = app->quorum;
	size_t used = 0, n;
	int w;

	out[0] = '\0';
	if (p == NULL)
		return false;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0 && !tui_role_present(&app->snap, p, n)) {
			w = snprintf(out + used, len - used, "%s%.*s",
			    used == 0 ? "Quorum not met: no " : ", ", (int)n, p);
			if (w < 0 || (size_t)w >= len - used)
				break;
			used += (size_t)w;
		}
		p += strcspn(p, ",");
	}
	if (used == 0)
		return false;
	if (used + sizeof(" present") <= len)
		memcpy(out + used, " present", sizeof(" present"));
	return true;
}

static const char *
tui_slot_name(const struct mdt_slot *s)
{
	return s != NULL ? tui_str(s->patient_name) : "";
}

bool
tui_app_chair(struct tui_app *app, enum tui_action act)
{
	struct mdt_store *store = app->store;
	int64_t mid = app->meeting_id;
	const struct mdt_slot *cur;
	enum mdt_status st;
	int64_t slot_id = 0;

	switch (act) {
	case TUI_ACT_SLOT_NEXT:
		st = mdt_slot_next(store, mid, &slot_id);
		if (st == MDT_ENOTFOUND) {
			tui_app_reload(app);
			app->view_slot_id = 0;
			tui_app_switch(app, TUI_SCREEN_SUMMARY);
			tui_app_message(app, false,
			    "No slot left to discuss: here is the summary");
			return true;
		}
		if (!tui_app_check(app, st))
			return true;
		app->view_slot_id = 0;
		tui_app_switch(app, TUI_SCREEN_SLOT);
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL)
			tui_app_message(app, false, "Slot %d: %s",
			    cur->position, tui_slot_name(cur));
		return true;
	case TUI_ACT_SLOT_PAUSE:
		if (!tui_app_check(app, mdt_slot_pause_toggle(store, mid)))
			return true;
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL)
			tui_app_message(app, false, "%s: %s",
			    cur->state == MDT_SLOT_PAUSED ? "Paused" :
			    "Resumed", tui_slot_name(cur));
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_SLOT_EXTEND:
		if (!tui_app_check(app, mdt_slot_extend(store, mid, 60)))
			return true;
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL) {
			char ext[16];

			tui_fmt_mmss((int64_t)cur->times.extended_s * 1000,
			    ext, sizeof(ext));
			tui_app_message(app, false,
			    "Extended by a minute (+%s in all)", ext);
		}
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_SLOT_PARK:
		cur = mdt_snapshot_current(&app->snap);
		slot_id = cur != NULL ? cur->id : 0;
		if (!tui_app_check(app, mdt_slot_park(store, mid)))
			return true;
		{
			const struct mdt_slot *parked =
			    mdt_snapshot_slot(&app->snap, slot_id);

			tui_app_message(app, false,
			    "Parked %s at the end of the agenda",
			    tui_slot_name(parked));
		}
		app->view_slot_id = 0;
		return true;
	case TUI_ACT_PROJECTOR_BLANK: {
		bool blank = !app->snap.meeting.projector_blank;

		if (!tui_app_check(app, mdt_projector_blank(store, mid, blank)))
			return true;
		tui_app_message(app, false, "%s", blank ?
		    "Projector blanked (B restores it)" : "Projector restored");
		return true;
	}
	case TUI_ACT_SLOT_PREV:
		if (!tui_app_check(app, mdt_slot_previous(store, mid)))
			return true;
		cur = mdt_snapshot_current(&app->snap);
		if (cur != NULL)
			tui_app_message(app, false, "Back to slot %d: %s",
			    cur->position, tui_slot_name(cur));
		app->view_slot_id = 0;
		return true;
	default:
		return false;
	}
}

/* ---- drawing --------------------------------------------------------- */

static void
tui_draw_top(struct tui_app *app)
{
	static const char *const wide[TUI_N_TABS] = {
		"1 Agenda", "2 Register", "3 Slot", "4 Summary", "5 Sync",
		"6 Prep", "7 Actions",
	};
	/* Below 100 columns the longer names shorten, so that the title
	 * (or PROJECTOR BLANK) keeps its 15 columns at 80. */
	static const char *const narrow[TUI_N_TABS] = {
		"1 Agenda", "2 Reg", "3 Slot", "4 Sum", "5 Sync", "6 Prep",
		"7 Acts",
	};
	const char *const *tabs = COLS >= 100 ? wide : narrow;
	const struct mdt_meeting *m = &app->snap.meeting;
	attr_t bar = tui_attr(TUI_STYLE_TITLE);
	int tabs_w = 0, x;
	char title[512];

	for (int i = 0; i < TUI_N_TABS; i++)
		tabs_w += tui_text_width(tabs[i]) + 2;
	tabs_w += 7;	/* "? Help" */
	tui_fill(0, 0, COLS, bar);
	if (m->venue != NULL && m->venue[0] != '\0')
		snprintf(title, sizeof(title), " %s, %s", tui_str(m->title),
		    m->venue);
	else
		snprintf(title, sizeof(title), " %s", tui_str(m->title));
	/* While the room's projector is blanked the chair must see it at
	 * once: it takes the title's place (15 columns at 80). */
	if (m->projector_blank)
		tui_put(0, 0, COLS - tabs_w - 1, "PROJECTOR BLANK",
		    tui_attr(TUI_STYLE_BANNER) | A_BOLD, false);
	else
		tui_put(0, 0, COLS - tabs_w - 1, title, bar, false);
	x = COLS - tabs_w;
	for (int i = 0; i < TUI_N_TABS; i++) {
		attr_t a = i == (int)app->screen ? tui_attr(TUI_STYLE_TAB) :
		    bar;
		char buf[32];

		snprintf(buf, sizeof(buf), " %s ", tabs[i]);
		x += tui_put(0, x, COLS - x, buf, a, false);
	}
	tui_put(0, x, COLS - x, " ? Help", bar, false);
}

static void
tui_draw_status(struct tui_app *app)
{
	const struct mdt_meeting *m = &app->snap.meeting;
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	char clock[32], slot[32], finish[96], sync[64], fin[16], plan[16];
	char quorum[160], room[96];
	const char *parts[4];
	int widths[4], total = 0, y = LINES - 1, x = 0;
	const char *sep;
	bool late = false, sync_problem = false, no_quorum, withheld = false;
	attr_t bar = tui_attr(TUI_STYLE_STATUS);
	struct sync_status ss;

	if (m->opened_at > 0) {
		int64_t until = m->closed_at > 0 ? m->closed_at : app->now;

		tui_fmt_hms(until - m->opened_at, clock, sizeof(clock));
	} else {
		snprintf(clock, sizeof(clock), "not opened");
	}
	if (cur != NULL)
		snprintf(slot, sizeof(slot), "Slot %d/%zu", cur->position,
		    app->snap.n_slots);
	else
		snprintf(slot, sizeof(slot), "Slot -/%zu", app->snap.n_slots);
	tui_fmt_hhmm(app->planned_end, plan, sizeof(plan));
	if (m->state == MDT_MEETING_CLOSED) {
		tui_fmt_hhmm(m->closed_at, fin, sizeof(fin));
		late = m->closed_at > app->planned_end;
		snprintf(finish, sizeof(finish), "Finished %s (plan %s)%s",
		    fin, plan, late ? " LATE" : "");
	} else {
		tui_fmt_hhmm(app->finish, fin, sizeof(fin));
		late = app->finish > app->planned_end;
		snprintf(finish, sizeof(finish), "Finish ~%s (plan %s)%s",
		    fin, plan, late ? " LATE" : "");
	}
	tui_app_sync_status(app, &ss, true);
	if (!ss.configured)
		snprintf(sync, sizeof(sync), "Sync: %lld queued (not set up)",
		    (long long)ss.pending);
	else if (ss.starting)
		snprintf(sync, sizeof(sync), "Sync: starting, %lld pending",
		    (long long)ss.pending);
	else if (ss.unavailable) {
		/* the sync panel (5) shows why */
		snprintf(sync, sizeof(sync), "Sync: unavailable, %lld pending",
		    (long long)ss.pending);
		sync_problem = true;
	} else if (ss.failed + ss.conflicts > 0) {
		snprintf(sync, sizeof(sync), "Sync: %s, %lld pending, %lld"
		    " refused", ss.online ? "online" : "offline",
		    (long long)ss.pending,
		    (long long)(ss.failed + ss.conflicts));
		sync_problem = true;
	} else if (ss.pending > 0)
		snprintf(sync, sizeof(sync), "Sync: %s, %lld pending",
		    ss.online ? "online" : "offline", (long long)ss.pending);
	else
		snprintf(sync, sizeof(sync), "Sync: %s, all sent",
		    ss.online ? "online" : "offline");

	/* The chair must not miss it: in place of the meeting clock. */
	no_quorum = tui_quorum_missing(app, quorum, sizeof(quorum));
	/* A patient is being discussed while the projector withholds them. */
	if (!no_quorum && cur != NULL && m->state == MDT_MEETING_OPEN) {
		size_t waiting = 0;

		withheld = !mdt_snapshot_room_cleared(&app->snap, &waiting);
		if (waiting > 0)
			snprintf(room, sizeof(room), "Projector: %zu not"
			    " acknowledged", waiting);
		else
			snprintf(room, sizeof(room), "Projector: no register");
	}
	parts[0] = no_quorum ? quorum : withheld ? room : clock;
	parts[1] = slot;
	parts[2] = finish;
	parts[3] = sync;
	for (int i = 0; i < 4; i++) {
		widths[i] = tui_text_width(parts[i]);
		total += widths[i];
	}
	/* A warning in place of the clock is longer: the forecast loses
	 * its planned time before anything is cut off at the edge. */
	if (total + 2 + 3 * 3 > COLS) {
		char *paren = strstr(finish, " (plan ");

		if (paren != NULL) {
			memmove(paren, late ? " LATE" : "", late ? 6 : 1);
			total -= widths[2];
			widths[2] = tui_text_width(finish);
			total += widths[2];
		}
	}
	if (total + 2 + 3 * 3 <= COLS) {
		sep = tui_draw_utf8() ? " \u2502 " : " | ";
	} else if (total + 2 + 3 * 2 <= COLS) {
		sep = "  ";
	} else {
		sep = " ";
	}
	tui_fill(y, 0, COLS, bar);
	x = 1;
	for (int i = 0; i < 4 && x < COLS; i++) {
		attr_t a = bar;

		if ((i == 0 && (no_quorum || withheld)) || (i == 2 && late) ||
		    (i == 3 && sync_problem))
			a = tui_attr(TUI_STYLE_ERROR);
		if (i > 0)
			x += tui_put(y, x, COLS - x, sep, bar, false);
		x += tui_put(y, x, COLS - x, parts[i], a, false);
	}
}

/* A key of every chair screen (listed apart in the help). */
static bool
tui_key_global(unsigned on)
{
	return (on & TUI_ON_ALL) == TUI_ON_ALL;
}

void
tui_app_draw_hints(const struct tui_app *app, int y)
{
	unsigned here = 1u << app->screen;
	char buf[512];
	size_t used;

	/* "? help" first so that it shows however narrow the screen; then
	 * the keys of this screen only, then those it shares. */
	used = (size_t)snprintf(buf, sizeof(buf), "? help");
	for (int pass = 0; pass < 2; pass++) {
		for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
			unsigned on = tui_action_screens((enum tui_action)a);
			int n;

			if (!(on & here) || tui_key_global(on) ||
			    (pass == 0) != ((on & ~TUI_ON_PRESENT) == here))
				continue;
			n = snprintf(buf + used, sizeof(buf) - used, "  %s %s",
			    tui_action_keys((enum tui_action)a),
			    tui_action_name((enum tui_action)a));
			if (n < 0 || (size_t)n >= sizeof(buf) - used)
				break;
			used += (size_t)n;
		}
	}
	tui_put(y, 0, COLS, buf, tui_attr(TUI_STYLE_DIM), true);
}

static void
tui_draw_message(struct tui_app *app)
{
	int y = LINES - 2;

	/* A prompt owns the bottom line; its error goes just above it. */
	if (app->input.kind == TUI_INPUT_PROMPT ||
	    app->input.kind == TUI_INPUT_CONFIRM)
		y = LINES - 3;
	if (app->message[0] == '\0') {
		if (y == LINES - 2)
			tui_fill(y, 0, COLS, A_NORMAL);
		return;
	}
	tui_put(y, 0, COLS, app->message,
	    tui_attr(app->message_error ? TUI_STYLE_ERROR : TUI_STYLE_INFO),
	    true);
}

/* The help overlay: the bindings of this screen, then the global ones,
 * straight from the key table.  The two lists sit side by side when each
 * fits in a column, else they flow down and across. */
static void
tui_draw_help(struct tui_app *app)
{
	unsigned here = 1u << app->screen;
	enum tui_action rows[TUI_ACT_COUNT + 2];
	int n = 0, n_local, top = 1, h = LINES - 3, per_col, cols, col_w;
	int keys_w = 8;

	/* TUI_ACT_NONE and TUI_ACT_COUNT stand for the two headings. */
	rows[n++] = TUI_ACT_NONE;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		unsigned on = tui_action_screens((enum tui_action)a);

		if ((on & here) && !tui_key_global(on))
			rows[n++] = (enum tui_action)a;
	}
	n_local = n;
	rows[n++] = TUI_ACT_COUNT;
	for (int a = TUI_ACT_NONE + 1; a < TUI_ACT_COUNT; a++) {
		unsigned on = tui_action_screens((enum tui_action)a);

		if (tui_key_global(on) && (on & here))
			rows[n++] = (enum tui_action)a;
	}
	for (int i = 0; i < n; i++) {
		int w;

		if (rows[i] == TUI_ACT_NONE || rows[i] == TUI_ACT_COUNT)
			continue;
		w = tui_text_width(tui_action_keys(rows[i])) + 2;
		if (w > keys_w)
			keys_w = w;
	}
	per_col = h - 2;
	if (n_local <= per_col && n - n_local <= per_col) {
		/* This screen's keys left, the global ones right. */
		cols = 2;
	} else {
		cols = (n + per_col - 1) / per_col;
	}
	if (cols < 1)
		cols = 1;
	col_w = (COLS - 4) / cols;
	tui_box(top, 0, h, COLS, "Keys - press any key to close",
	    tui_attr(TUI_STYLE_BOX));
	for (int i = 0; i < n; i++) {
		int c, r, y, x;

		if (cols == 2 && n_local <= per_col &&
		    n - n_local <= per_col) {
			c = i < n_local ? 0 : 1;
			r = i < n_local ? i : i - n_local;
		} else {
			c = i / per_col;
			r = i % per_col;
		}
		y = top + 1 + r;
		x = 2 + c * col_w;
		if (rows[i] == TUI_ACT_NONE || rows[i] == TUI_ACT_COUNT) {
			char head[64];

			if (rows[i] == TUI_ACT_NONE)
				snprintf(head, sizeof(head), "%s screen",
				    tui_screens[app->screen]->title);
			else
				snprintf(head, sizeof(head), "Every screen");
			tui_put(y, x, col_w - 1, head,
			    tui_attr(TUI_STYLE_HEADER), false);
			continue;
		}
		tui_put(y, x + 1, keys_w, tui_action_keys(rows[i]), A_BOLD,
		    false);
		tui_put(y, x + 1 + keys_w, col_w - keys_w - 2,
		    tui_action_help(rows[i]), A_NORMAL, false);
	}
}

static void
tui_draw_small(void)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "Terminal too small: %dx%d needed, this "
	    "is %dx%d", TUI_MIN_COLS, TUI_MIN_LINES, COLS, LINES);
	tui_put(LINES / 2 - 1 >= 0 ? LINES / 2 - 1 : 0, 0, COLS, buf, A_BOLD,
	    false);
	tui_put(LINES / 2, 0, COLS, "Enlarge the window (q quits)", A_NORMAL,
	    false);
}

bool
tui_app_draw(struct tui_app *app)
{
	bool want_cursor;

	app->now = mdt_store_now(app->store);
	if (app->snap.n_slots > app->ends_cap) {
		int64_t *ends = realloc(app->ends,
		    app->snap.n_slots * sizeof(*ends));

		if (ends != NULL) {
			app->ends = ends;
			app->ends_cap = app->snap.n_slots;
		}
	}
	if (app->ends != NULL && app->ends_cap >= app->snap.n_slots) {
		app->finish = mdt_forecast(&app->snap, app->now, app->ends);
	} else {
		app->finish = 0;
	}
	app->planned_end = mdt_meeting_planned_end(&app->snap.meeting);

	erase();
	if (app->locked) {
		/* Nothing of the meeting at all: a passer-by sees only
		 * this. */
		static const char msg[] =
		    "Screen locked for privacy - press any key";
		int w = tui_text_width(msg);

		tui_put(LINES / 2, COLS > w ? (COLS - w) / 2 : 0, COLS, msg,
		    A_BOLD, false);
		want_cursor = false;
	} else if (app->mode == TUI_MODE_PRESENT) {
		/* The projector's view owns the whole screen and scales to
		 * it: no bars, no messages, no minimum size. */
		tui_screens[app->screen]->draw(app, 0, LINES);
		if (app->help_open && LINES >= 8)
			tui_draw_help(app);
		want_cursor = false;
	} else if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		tui_draw_small();
		want_cursor = false;
	} else {
		tui_draw_top(app);
		tui_screens[app->screen]->draw(app, 1, LINES - 3);
		if (app->help_open)
			tui_draw_help(app);
		tui_draw_message(app);
		tui_draw_status(app);
		tui_input_draw(app);
		want_cursor = app->input.kind == TUI_INPUT_PROMPT;
	}
	return want_cursor;
}

static void
tui_draw(struct tui_loop *L)
{
	bool want_cursor = tui_app_draw(&L->app);

	if (want_cursor != L->cursor_shown) {
		curs_set(want_cursor ? 1 : 0);
		L->cursor_shown = want_cursor;
	}
	refresh();
}

/* ---- events ---------------------------------------------------------- */

void
tui_app_key(struct tui_app *app, bool is_code, wint_t key)
{
	enum tui_action act;

	/* The key that lifts the privacy screen does nothing else: the
	 * chair cannot see what it would act on. */
	if (app->locked) {
		app->locked = false;
		return;
	}
	if (app->mode != TUI_MODE_PRESENT &&
	    (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS)) {
		if (!is_code && key == L'q')
			app->quit = true;
		return;
	}
	if (app->help_open) {
		app->help_open = false;
		return;
	}
	/* A message stays until the next key. */
	app->message[0] = '\0';
	if (tui_input_active(app)) {
		tui_input_key(app, is_code, key);
		return;
	}
	act = tui_keys_lookup(app->screen, is_code, key);
	switch (act) {
	case TUI_ACT_NONE:
		return;
	case TUI_ACT_HELP:
		app->help_open = true;
		return;
	case TUI_ACT_QUIT:
		app->quit = true;
		return;
	case TUI_ACT_REDRAW:
		clearok(curscr, TRUE);
		tui_app_reload(app);
		return;
	case TUI_ACT_GO_AGENDA:
		tui_app_switch(app, TUI_SCREEN_AGENDA);
		return;
	case TUI_ACT_GO_REGISTER:
		tui_app_switch(app, TUI_SCREEN_REGISTER);
		return;
	case TUI_ACT_GO_SLOT:
		app->view_slot_id = 0;
		tui_app_switch(app, TUI_SCREEN_SLOT);
		return;
	case TUI_ACT_GO_SUMMARY:
		tui_app_switch(app, TUI_SCREEN_SUMMARY);
		return;
	case TUI_ACT_GO_SYNC:
		tui_app_switch(app, TUI_SCREEN_SYNC);
		return;
	case TUI_ACT_GO_PREP:
		tui_app_switch(app, TUI_SCREEN_PREP);
		return;
	case TUI_ACT_GO_ACTIONS:
		tui_app_switch(app, TUI_SCREEN_ACTIONS);
		return;
	default:
		break;
	}
	/* The projector's view is read-only: its table has no other key,
	 * and nothing here may reach an act even so. */
	if (app->mode == TUI_MODE_PRESENT)
		return;
	if (!tui_screens[app->screen]->key(app, act))
		tui_app_chair(app, act);
}

static void
tui_check_size(struct tui_loop *L)
{
	struct winsize ws;

	if (ioctl(tui_tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS)) {
		resizeterm(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
	}
}

static void
tui_stop(struct tui_loop *L)
{
	uv_stop(&L->loop);
}

static void tui_schedule_tick(struct tui_loop *L);

static void
tui_on_idle(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	L->app.locked = true;
	tui_draw(L);
	tui_schedule_tick(L);
}

/* Every key puts the privacy screen off by the idle time again. */
static void
tui_idle_restart(struct tui_loop *L)
{
	if (L->app.idle_lock_ms > 0 && L->idle.data != NULL)
		uv_timer_start(&L->idle, tui_on_idle,
		    (uint64_t)L->app.idle_lock_ms, 0);
}

/* Pages of log worth a checkpoint when the keys stop (about 1.2 MB); the
 * store still checkpoints at the end of a commit past 4,000 pages. */
#define TUI_CHECKPOINT_PAGES 300
#define TUI_CHECKPOINT_AFTER_MS 1500

/*
 * In the thread pool, on a connection of its own (made the first time):
 * copying a megabyte of log into the database and syncing it takes tens
 * of milliseconds, and SQLite lets the chair's commits go on beside it
 * (a passive checkpoint copies what was committed when it began).  A
 * failure loses nothing (the log keeps every commit); the next
 * checkpoint, or a commit past 4,000 pages, tries again.
 */
static void
tui_checkpoint_work(uv_work_t *req)
{
	struct tui_loop *L = req->data;
	char err[256];

	if (L->checkpointer == NULL && mdt_store_open(mdt_store_path(
	    L->app.store), NULL, 0, &L->checkpointer, err, sizeof(err)) !=
	    MDT_OK)
		return;
	(void)mdt_store_checkpoint(L->checkpointer);
}

static void
tui_checkpoint_done(uv_work_t *req, int status)
{
	struct tui_loop *L = req->data;

	(void)status;
	L->checkpointing = false;
}

static void
tui_on_checkpoint(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	if (L->checkpointing || L->app.mode == TUI_MODE_PRESENT ||
	    mdt_store_wal_pages(L->app.store) < TUI_CHECKPOINT_PAGES)
		return;
	L->checkpoint_job.data = L;
	if (uv_queue_work(&L->loop, &L->checkpoint_job, tui_checkpoint_work,
	    tui_checkpoint_done) == 0)
		L->checkpointing = true;
}

/* After commits, a checkpoint once nothing has been written for a moment:
 * then it costs no key its redraw. */
static void
tui_checkpoint_later(struct tui_loop *L)
{
	if (L->checkpoint.data != NULL &&
	    mdt_store_wal_pages(L->app.store) >= TUI_CHECKPOINT_PAGES)
		uv_timer_start(&L->checkpoint, tui_on_checkpoint,
		    TUI_CHECKPOINT_AFTER_MS, 0);
}

/* Reads every key curses has, then draws once; false if there was none. */
static bool
tui_read_keys(struct tui_loop *L)
{
	struct tui_app *app = &L->app;
	bool any = false;
	wint_t key;
	int r;

	while (!app->quit && (r = wget_wch(stdscr, &key)) != ERR) {
		any = true;
		if (r == KEY_CODE_YES && key == KEY_RESIZE) {
			tui_check_size(L);
			continue;
		}
		tui_app_key(app, r == KEY_CODE_YES, key);
	}
	if (any) {
		tui_idle_restart(L);
		tui_checkpoint_later(L);
	}
	/* Also here: SIGWINCH is not always delivered. */
	tui_check_size(L);
	if (app->quit) {
		tui_stop(L);
	} else {
		tui_draw(L);
		/* a key may have started the clock, or lifted the privacy
		 * screen */
		if (any)
			tui_schedule_tick(L);
	}
	return any;
}

static void
tui_on_input(uv_poll_t *h, int status, int events)
{
	struct tui_loop *L = h->data;

	if (status < 0) {
		snprintf(L->app.fatal, sizeof(L->app.fatal),
		    "reading the keyboard failed: %s", uv_strerror(status));
		L->app.exit_status = 1;
		L->app.quit = true;
		tui_stop(L);
		return;
	}
	if (tui_read_keys(L)) {
		L->empty_reads = 0;
	} else if (++L->empty_reads > 200) {
		/* Readable again and again, yet never a key: the terminal
		 * has gone away. */
		L->app.quit = true;
		tui_stop(L);
	}
}

static void tui_on_tick(uv_timer_t *t);

/*
 * Arms the timer for just after the next flip of the seconds shown: those
 * of the running slot if any, else those of the meeting clock while the
 * meeting is open.  Nothing else on screen shows seconds: with neither,
 * the next flip of the minute (the forecast's hh:mm); behind the privacy
 * screen, nothing until a key.
 */
static void
tui_schedule_tick(struct tui_loop *L)
{
	struct tui_app *app = &L->app;
	const struct mdt_slot *cur = mdt_snapshot_current(&app->snap);
	const struct mdt_meeting *m = &app->snap.meeting;
	int64_t now = mdt_store_now(app->store);
	int64_t phase, period = 1000;

	if (L->tick.data == NULL)
		return;
	if (app->locked) {
		uv_timer_stop(&L->tick);
		return;
	}
	if (cur != NULL && cur->state == MDT_SLOT_RUNNING)
		phase = mdt_slot_elapsed_ms(cur->state, &cur->times, now);
	else if (m->opened_at > 0 && m->closed_at == 0)
		phase = now - m->opened_at;
	else {
		phase = now;
		period = 60000;
	}
	if (phase < 0)
		phase = 0;
	uv_timer_start(&L->tick, tui_on_tick,
	    (uint64_t)(period - phase % period + 5), 0);
}

static void
tui_on_tick(uv_timer_t *t)
{
	struct tui_loop *L = t->data;

	tui_draw(L);
	tui_schedule_tick(L);
}

/* Another window (a projector view, a second note-taker) or a command
 * (`mdtchair actions done`) may have committed: show it, and have the
 * engine look for what it queued (it is kicked by this window's acts
 * only, and would otherwise wait for the next).  True if it had. */
static bool
tui_check_others(struct tui_loop *L)
{
	bool changed = false;

	if (mdt_store_changed(L->app.store, &changed) == MDT_OK && changed) {
		tui_app_reload(&L->app);
		tui_draw(L);
		tui_schedule_tick(L);
		sync_engine_kick(L->app.sync);
	}
	return changed;
}

/*
 * After a wal event that showed nothing new, look again a little later:
 * a writer without store_wal_hook (the sqlite3 shell, another program)
 * wakes us with its log writes only, before its commit is visible (it is
 * once the fsync that follows is done).  At most three looks, then
 * nothing until the next event.
 */
static void
tui_on_recheck(uv_timer_t *t)
{
	static const uint64_t after_ms[] = { 50, 250, 1000 };
	struct tui_loop *L = t->data;

	if (tui_check_others(L) || L->rechecks <= 0)
		return;
	L->rechecks--;
	uv_timer_start(&L->watch, tui_on_recheck, after_ms[2 - L->rechecks],
	    0);
}

/* Without the watch: every quarter of a second. */
static void
tui_on_watch(uv_timer_t *t)
{
	tui_check_others(t->data);
}

static bool tui_watch_wal(struct tui_loop *L);

/*
 * The log was written or touched (store_wal_hook touches it once a
 * commit is visible).  Our own commits come here too and change nothing:
 * data_version counts other connections' commits only.
 */
static void
tui_on_wal(uv_fs_event_t *h, const char *name, int events, int status)
{
	struct tui_loop *L = h->data;

	(void)name;
	if (status < 0 || (events & UV_RENAME)) {
		/* gone or replaced: watch the path afresh, else poll */
		uv_fs_event_stop(h);
		if (status < 0 || !tui_watch_wal(L)) {
			L->polling = true;
			uv_timer_start(&L->watch, tui_on_watch, 250, 250);
		}
	}
	if (!tui_check_others(L) && !L->polling) {
		L->rechecks = 2;
		uv_timer_start(&L->watch, tui_on_recheck, 50, 0);
	}
}

static bool
tui_watch_wal(struct tui_loop *L)
{
	const char *path = mdt_store_wal_path(L->app.store);

	return path != NULL && uv_fs_event_start(&L->wal, tui_on_wal, path,
	    0) == 0;
}

static void
tui_on_signal(uv_signal_t *h, int signum)
{
	struct tui_loop *L = h->data;

	if (signum == SIGWINCH) {
		tui_check_size(L);
		/* resizeterm may queue KEY_RESIZE, which no poll reports. */
		tui_read_keys(L);
		return;
	}
	L->app.quit = true;
	tui_stop(L);
}

static void
tui_on_close(uv_handle_t *h)
{
	struct tui_loop *L = h->data;

	L->open_handles--;
}

static void
tui_close_handle(struct tui_loop *L, uv_handle_t *h)
{
	if (h->data != NULL && !uv_is_closing(h)) {
		uv_close(h, tui_on_close);
	}
	(void)L;
}

static int
tui_loop_start(struct tui_loop *L, char *err, size_t errlen)
{
	struct {
		uv_signal_t *h;
		int signum;
	} sigs[] = {
		{ &L->sig_winch, SIGWINCH },
		{ &L->sig_term, SIGTERM },
		{ &L->sig_int, SIGINT },
		{ &L->sig_hup, SIGHUP },
	};
	int r;

	r = uv_loop_init(&L->loop);
	if (r < 0)
		goto fail;
	L->loop_ready = true;
	r = uv_poll_init(&L->loop, &L->input, tui_tty_fd);
	if (r < 0)
		goto fail;
	L->input.data = L;
	L->open_handles++;
	r = uv_poll_start(&L->input, UV_READABLE, tui_on_input);
	if (r < 0)
		goto fail;
	r = uv_timer_init(&L->loop, &L->tick);
	if (r < 0)
		goto fail;
	L->tick.data = L;
	L->open_handles++;
	r = uv_timer_init(&L->loop, &L->watch);
	if (r < 0)
		goto fail;
	L->watch.data = L;
	L->open_handles++;
	r = uv_fs_event_init(&L->loop, &L->wal);
	if (r < 0)
		goto fail;
	L->wal.data = L;
	L->open_handles++;
	/* No inotify (or no watches left): poll data_version instead. */
	if (!tui_watch_wal(L)) {
		L->polling = true;
		r = uv_timer_start(&L->watch, tui_on_watch, 250, 250);
		if (r < 0)
			goto fail;
	}
	r = uv_timer_init(&L->loop, &L->idle);
	if (r < 0)
		goto fail;
	L->idle.data = L;
	L->open_handles++;
	tui_idle_restart(L);
	r = uv_timer_init(&L->loop, &L->sync_draw);
	if (r < 0)
		goto fail;
	L->sync_draw.data = L;
	L->open_handles++;
	r = uv_timer_init(&L->loop, &L->checkpoint);
	if (r < 0)
		goto fail;
	L->checkpoint.data = L;
	L->open_handles++;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		r = uv_signal_init(&L->loop, sigs[i].h);
		if (r < 0)
			goto fail;
		sigs[i].h->data = L;
		L->open_handles++;
		r = uv_signal_start(sigs[i].h, tui_on_signal, sigs[i].signum);
		if (r < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot start the event loop: %s",
	    uv_strerror(r));
	return -1;
}

static void
tui_loop_finish(struct tui_loop *L)
{
	if (!L->loop_ready)
		return;
	if (L->app.sync != NULL) {
		sync_engine_close(L->app.sync);
		L->app.sync = NULL;
	}
	if (L->app.sync_starting) {
		/* no engine after all; a load under way is waited for below
		 * (it is bounded), one not begun is dropped */
		L->app.sync_starting = false;
		uv_cancel((uv_req_t *)&L->sync_load);
	}
	tui_close_handle(L, (uv_handle_t *)&L->input);
	tui_close_handle(L, (uv_handle_t *)&L->tick);
	tui_close_handle(L, (uv_handle_t *)&L->watch);
	tui_close_handle(L, (uv_handle_t *)&L->wal);
	tui_close_handle(L, (uv_handle_t *)&L->idle);
	tui_close_handle(L, (uv_handle_t *)&L->sync_draw);
	tui_close_handle(L, (uv_handle_t *)&L->checkpoint);
	tui_close_handle(L, (uv_handle_t *)&L->sig_winch);
	tui_close_handle(L, (uv_handle_t *)&L->sig_term);
	tui_close_handle(L, (uv_handle_t *)&L->sig_int);
	tui_close_handle(L, (uv_handle_t *)&L->sig_hup);
	/* Handles (ours and the sync engine's) may only go once their close
	 * callbacks have run: with every handle closing, this returns as
	 * soon as they have. */
	uv_run(&L->loop, UV_RUN_DEFAULT);
	uv_loop_close(&L->loop);
	/* the checkpoint under way, if any, has been waited for too */
	if (L->checkpointer != NULL) {
		mdt_store_free(L->checkpointer);
		L->checkpointer = NULL;
	}
}

/* ---- the program ---------------------------------------------------- */

/*
 * The sync engine's state changed: show it, a little later.  While a long
 * outbox drains the engine changes with every reply (some twenty a
 * second); each redraw counts what is left.  One redraw for them all in
 * TUI_SYNC_DRAW_MS keeps the loop free for the chair's keys, whose own
 * redraws show the status bar as it stands anyway.
 */
#define TUI_SYNC_DRAW_MS 100

static void
tui_on_sync_draw(uv_timer_t *t)
{
	tui_draw(t->data);
}

static void
tui_on_sync_change(void *ctx)
{
	struct tui_loop *L = ctx;

	if (!uv_is_active((uv_handle_t *)&L->sync_draw))
		uv_timer_start(&L->sync_draw, tui_on_sync_draw,
		    TUI_SYNC_DRAW_MS, 0);
	tui_checkpoint_later(L);
}

/*
 * libcurl and its forty-odd libraries are mapped on a worker thread after
 * the first frame, so that neither the first frame nor a key waits for
 * them; the engine (and curl_global_init) comes on the loop thread once
 * they are in.
 */
static void
tui_sync_load(uv_work_t *req)
{
	char why[256];

	(void)req;
	/* a failure is kept: the engine made next shows it */
	sync_prepare(why, sizeof(why));
}

static void
tui_sync_loaded(uv_work_t *req, int status)
{
	struct tui_loop *L = req->data;
	struct tui_app *app = &L->app;

	if (status != 0 || !app->sync_starting)
		return;		/* the console is closing */
	app->sync_starting = false;
	app->sync = sync_engine_new(&L->loop, app->store, L->sync_cfg);
	sync_engine_on_change(app->sync, tui_on_sync_change, L);
	if (app->sync_now_asked)
		sync_engine_send_now(app->sync);
	else
		sync_engine_kick(app->sync);
	app->sync_now_asked = false;
	tui_draw(L);
}

/* The engine for sync: at once without a [server] (nothing to load),
 * else once libcurl has loaded on a worker. */
static void
tui_sync_start(struct tui_loop *L, const struct sync_config *sync)
{
	struct tui_app *app = &L->app;

	if (sync_config_has_server(sync)) {
		L->sync_cfg = sync;
		L->sync_load.data = L;
		if (uv_queue_work(&L->loop, &L->sync_load, tui_sync_load,
		    tui_sync_loaded) == 0) {
			app->sync_starting = true;
			return;
		}
		/* no worker: load it here, the old way */
	}
	app->sync_starting = false;
	app->sync = sync_engine_new(&L->loop, app->store, sync);
	sync_engine_on_change(app->sync, tui_on_sync_change, L);
	sync_engine_kick(app->sync);
}

/* ---- the retention purge, offered when the chair's screens open ---- */

static void
tui_purge_confirmed(struct tui_app *app)
{
	struct mdt_purge_result res;

	if (mdt_purge_run(app->store, app->retention_days, &res) != MDT_OK) {
		tui_app_message(app, true, "Purge failed: %s",
		    mdt_store_error(app->store));
		return;
	}
	/* the meeting on screen may be one of those purged */
	tui_app_reload(app);
	tui_app_message(app, false, "Purged %d meeting%s: %d note%s,"
	    " %d finished action%s, %d patient identit%s%s", res.meetings,
	    res.meetings == 1 ? "" : "s", res.notes, res.notes == 1 ? "" : "s",
	    res.actions, res.actions == 1 ? "" : "s", res.patients,
	    res.patients == 1 ? "y" : "ies", res.checkpointed ? "" :
	    " (the log empties when other windows close)");
}

/*
 * With a retention period set, the chair is asked (once, on the first
 * screen) whether to purge the delivered meetings past it.  Nothing is
 * asked when none is due, or if looking fails (the chair is not held up
 * for housekeeping).
 */
static void
tui_purge_offer(struct tui_app *app)
{
	struct mdt_purge_meeting *list;
	char question[160];
	size_t n, i;
	int due = 0;

	if (app->mode != TUI_MODE_CHAIR || app->retention_days <= 0 ||
	    mdt_purge_find(app->store, app->retention_days, &list, &n) !=
	    MDT_OK)
		return;
	for (i = 0; i < n; i++)
		due += list[i].eligible;
	mdt_purge_list_free(list, n);
	if (due == 0)
		return;
	snprintf(question, sizeof(question), "%d delivered meeting%s over %d"
	    " days old hold%s identifiable detail. Purge? (y/n)", due,
	    due == 1 ? "" : "s", app->retention_days, due == 1 ? "s" : "");
	tui_confirm_open(app, question, tui_purge_confirmed);
}

void
tui_app_begin(struct tui_app *app)
{
	tui_app_reload(app);
	if (app->mode == TUI_MODE_PRESENT)
		app->screen = TUI_SCREEN_PRESENT;
	else if (app->mode == TUI_MODE_PREPARE)
		app->screen = TUI_SCREEN_PREP;
	else if (mdt_snapshot_current(&app->snap) != NULL)
		app->screen = TUI_SCREEN_SLOT;
	if (tui_screens[app->screen]->enter != NULL)
		tui_screens[app->screen]->enter(app);
	tui_purge_offer(app);
}

int
tui_run(struct mdt_store *store, int64_t meeting_id,
    const struct sync_config *sync, const char *config_path,
    enum tui_mode mode, bool unmask)
{
	struct tui_loop *L;
	struct tui_app *app;
	char err[512];
	enum mdt_status st;
	int status;

	/* Names are UTF-8 (the character type is all the screens need of
	 * the locale, as for the commands: numbers, dates and messages
	 * stay in the C form core/ writes; loading every category read a
	 * dozen files at start-up). */
	setlocale(LC_CTYPE, "");

	L = calloc(1, sizeof(*L));
	if (L == NULL) {
		fprintf(stderr, "mdtchair: out of memory\n");
		return 1;
	}
	app = &L->app;
	app->store = store;
	app->meeting_id = meeting_id;
	app->config_path = config_path;
	app->sync_url = sync_config_has_server(sync) ?
	    sync_config_base_url(sync) : NULL;
	app->quorum = sync_config_quorum(sync);
	/* The projector has no keys to wake it: it never locks. */
	if (mode != TUI_MODE_PRESENT)
		app->idle_lock_ms = sync_config_idle_lock_s(sync) * 1000;
	app->retention_days = sync_config_retention_days(sync);
	app->screen = TUI_SCREEN_AGENDA;
	app->mode = mode;
	app->unmask = unmask;
	if (mode == TUI_MODE_PRESENT) {
		/* The projector never delivers (the chair's console does)
		 * and never writes. */
		sync = NULL;
		app->sync_url = NULL;
	}

	if (!tui_keys_init(err, sizeof(err))) {
		fprintf(stderr, "mdtchair: %s\n", err);
		free(L);
		return 1;
	}
	/* Before the screen changes, so that a failure is a plain line. */
	st = mdt_snapshot_load(store, meeting_id, &app->snap);
	if (st == MDT_OK && mode == TUI_MODE_CHAIR &&
	    app->snap.meeting.state != MDT_MEETING_CLOSED) {
		st = mdt_meeting_open(store, meeting_id);
		if (st == MDT_OK) {
			mdt_snapshot_free(&app->snap);
			memset(&app->snap, 0, sizeof(app->snap));
			st = mdt_snapshot_load(store, meeting_id, &app->snap);
		}
	}
	if (st != MDT_OK) {
		fprintf(stderr, "mdtchair: %s\n", mdt_store_error(store));
		mdt_snapshot_free(&app->snap);
		free(L);
		return 1;
	}
	/* From here on a write never holds the loop for long: if another
	 * window is mid-commit, the act fails as busy and can be retried. */
	mdt_store_set_busy_timeout(store, 250);
	mdt_store_defer_checkpoints(store, true);
	tui_app_begin(app);

	if (!tui_term_start(L, err, sizeof(err))) {
		fprintf(stderr, "mdtchair: %s\n", err);
		mdt_snapshot_free(&app->snap);
		free(L);
		return 1;
	}
	if (tui_loop_start(L, err, sizeof(err)) == 0) {
		if (sync_config_has_server(sync))
			/* the first frame says so until libcurl is in */
			app->sync_starting = true;
		tui_draw(L);
		if (sync != NULL)
			tui_sync_start(L, sync);
		tui_schedule_tick(L);
		/* Keys typed before the poll started are already buffered. */
		tui_read_keys(L);
		if (!app->quit)
			uv_run(&L->loop, UV_RUN_DEFAULT);
	} else {
		snprintf(app->fatal, sizeof(app->fatal), "%s", err);
		app->exit_status = 1;
	}
	tui_input_close(app);
	tui_loop_finish(L);
	tui_term_stop(L);

	status = app->exit_status;
	if (app->fatal[0] != '\0') {
		fprintf(stderr, "mdtchair: %s\n", app->fatal);
		status = 1;
	}
	mdt_snapshot_free(&app->snap);
	free(app->ends);
	free(L);
	return status;
}
