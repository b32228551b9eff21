/*
 * term.h - the terminal the chair's console runs on (term.c): curses on
 * /dev/tty, restored on exit, on a fatal error and on a crash.  There is
 * one terminal per process.
 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <curses.h>

struct tui_term {
	FILE *tty_in;		/* /dev/tty, read by curses */
	SCREEN *screen;
	bool cursor_shown;
};

/* The standard output as the process started with it, for curses (the
 * program's stdout escapes what it is given; main sets this). */
extern FILE *tui_term_stdout;

/* Takes the terminal (the keys from /dev/tty, the screen on stdout) and
 * sets up curses, colours and the handlers that restore it; false with a
 * one-line reason in err (the terminal untouched). */
bool tui_term_start(struct tui_term *t, char *err, size_t errlen);
/* Gives the terminal back as it was; nothing if it was never taken. */
void tui_term_stop(struct tui_term *t);
/* The descriptor the keys are read from, to be polled; -1 if none. */
int tui_term_fd(void);
/* Follows the terminal's size (SIGWINCH is not always delivered, and
 * curses learns of it only on its next read). */
void tui_term_check_size(void);
/* Puts out the frame drawn, with the cursor shown or not. */
void tui_term_show(struct tui_term *t, bool want_cursor);

#endif
