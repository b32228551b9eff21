/*
 * term.c - the terminal the console runs on: curses on /dev/tty (so that
 * stdout is never made non-blocking), set up and taken down, its size
 * followed, and restored whatever happens: on exit (atexit), before
 * core/ prints a fatal reason, and on a crash signal, where only
 * async-signal-safe calls put the terminal back before the signal is
 * raised again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>

#include "draw.h"
#include "mdt.h"
#include "term.h"

/* ---- restoring the terminal, whatever happens ------------------------ */

/* Read by the crash handler: set up before it is installed. */
FILE *tui_term_stdout;
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

bool
tui_term_start(struct tui_term *t, char *err, size_t errlen)
{
	static bool atexit_done;
	int fd;

	if (!isatty(STDOUT_FILENO)) {
		snprintf(err, errlen,
		    "the chair's console needs a terminal on standard output");
		return false;
	}
	t->tty_in = fopen("/dev/tty", "re");
	if (t->tty_in == NULL) {
		snprintf(err, errlen, "cannot open the terminal /dev/tty: %s",
		    strerror(errno));
		return false;
	}
	fd = fileno(t->tty_in);
	tui_tty_fd = fd;
	tui_tty_flags = fcntl(fd, F_GETFL);
	tui_have_termios = tcgetattr(fd, &tui_saved_termios) == 0;

	t->screen = newterm(NULL, tui_term_stdout != NULL ? tui_term_stdout :
	    stdout, t->tty_in);
	if (t->screen == NULL) {
		const char *term = getenv("TERM");

		snprintf(err, errlen, "cannot use the terminal type \"%s\"",
		    term != NULL ? term : "");
		fclose(t->tty_in);
		t->tty_in = NULL;
		tui_tty_fd = -1;
		return false;
	}
	set_term(t->screen);

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
	t->cursor_shown = false;
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

void
tui_term_stop(struct tui_term *t)
{
	if (t->screen == NULL)
		return;
	curs_set(1);
	endwin();
	tui_term_active = 0;
	mdt_set_fatal_hook(NULL);
	tui_remove_crash_handlers();
	tui_restore_fd_flags();
	delscreen(t->screen);
	t->screen = NULL;
	fclose(t->tty_in);
	t->tty_in = NULL;
	tui_tty_fd = -1;
}

void
tui_term_check_size(void)
{
	struct winsize ws;

	if (ioctl(tui_tty_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS)) {
		resizeterm(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
	}
}

int
tui_term_fd(void)
{
	return tui_tty_fd;
}

void
tui_term_show(struct tui_term *t, bool want_cursor)
{
	if (want_cursor != t->cursor_shown) {
		curs_set(want_cursor ? 1 : 0);
		t->cursor_shown = want_cursor;
	}
	refresh();
}
