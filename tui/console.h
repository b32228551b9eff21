/*
 * console.h - the chair's console as the loop drives it (console.c): the
 * first screen, a key, a frame.
 */
#ifndef TUI_CONSOLE_H
#define TUI_CONSOLE_H

#include <stdbool.h>
#include <wchar.h>

struct tui_app;

/*
 * The parts of tui_run that need no terminal or loop, for tui_run and
 * for driving the screens without a terminal (tests/fuzz/fuzz_keys.c).
 * tui_app_begin: with store, meeting_id, mode and the snapshot set up,
 * picks the first screen and enters it.  tui_app_key: one key as
 * wget_wch gave it (is_code for a function key).  tui_app_draw: draws
 * the whole screen with curses (not refreshed); true if the cursor
 * should show.
 */
void tui_app_begin(struct tui_app *app);
void tui_app_key(struct tui_app *app, bool is_code, wint_t key);
bool tui_app_draw(struct tui_app *app);

#endif
