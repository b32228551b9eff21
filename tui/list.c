/*
 * list.c - the scrolling lists of the screens (list.h): the agenda, the
 * register, the slot's actions, the summary and the others keep their
 * selection in view with tui_list_clamp, and move it with tui_list_move.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "list.h"

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

bool
tui_list_move(enum tui_action act, size_t *sel, size_t n, size_t page)
{
	switch (act) {
	case TUI_ACT_MOVE_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return true;
	case TUI_ACT_MOVE_UP:
		if (*sel > 0)
			(*sel)--;
		return true;
	case TUI_ACT_PAGE_DOWN:
		*sel += page;
		if (n > 0 && *sel >= n)
			*sel = n - 1;
		return true;
	case TUI_ACT_PAGE_UP:
		*sel = *sel > page ? *sel - page : 0;
		return true;
	default:
		return false;
	}
}
