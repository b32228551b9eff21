/*
 * chair.h - one chair at a time on the console (chair.c): the chair
 * screen takes the meeting's lease (core/lease.h) when it opens, renews it
 * on the loop and gives it up on a clean quit.  Without it the console
 * follows: the meeting live, read-only, every act refused with who chairs
 * and since when; O takes the chair over, after a confirmation, once the
 * other console is gone.  A console whose lease another took over notices
 * at its next renewal (or its next act) and follows.  A console opened
 * after the chair's console on the same machine ended (a crash, kill -9)
 * takes the chair at once and says so: that process cannot come back.
 */
#ifndef TUI_CHAIR_H
#define TUI_CHAIR_H

#include <stdbool.h>

#include "keys.h"

struct tui_app;

/* Takes the lease, or follows; before the first screen. */
void tui_chair_begin(struct tui_app *app);
/* After the first screen: says the console follows, and asks to take
 * over when the chair's console is gone. */
void tui_chair_greet(struct tui_app *app);
/* Every MDT_LEASE_RENEW_MS: renews, or notices the chair was taken. */
void tui_chair_renew(struct tui_app *app);
/* A clean quit gives the chair up. */
void tui_chair_end(struct tui_app *app);
/* An act was refused because another console chairs: follow. */
void tui_chair_lost(struct tui_app *app);
/* While following, true (with the reason on the message line) for an act
 * that would change the record; looking around is allowed. */
bool tui_chair_refuses(struct tui_app *app, enum tui_action act);
/* O: take the chair over (asked first), or say why not. */
void tui_chair_take_over(struct tui_app *app);
/* The line shown while following and no message is up; NULL otherwise. */
const char *tui_chair_line(struct tui_app *app, char *buf, size_t len);

#endif
