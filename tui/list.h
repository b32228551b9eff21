/*
 * list.h - the scrolling lists of the screens (list.c): the selection
 * kept in view, and moved by the list keys.
 */
#ifndef TUI_LIST_H
#define TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

/* Keeps *sel inside [0, n) and *top so that the selection is visible in a
 * list of rows rows; shared by the scrolling lists. */
void tui_list_clamp(size_t n, size_t rows, size_t *sel, size_t *top);

/*
 * Moves *sel for a list key: a row down or up, a page of page rows down
 * or up; false (nothing moved) for any other action.  Down stops at the
 * last of n rows; with n SIZE_MAX the list's drawing clamps it instead.
 */
bool tui_list_move(enum tui_action act, size_t *sel, size_t n, size_t page);

#endif
