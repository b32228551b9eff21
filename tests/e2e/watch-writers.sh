#!/bin/bash
# watch-writers.sh - a commit by a program without mdtchair's log hook (the
# sqlite3 shell: its log writes wake a window, maybe before the commit can
# be read; the window looks again after them) reaches the windows open on
# the database: the projector's view, which commits nothing itself, and
# the chair's console, also when the shell commits just after one of the
# console's own acts (whose log events need no second look).  The text the shell writes is hostile (an escape
# sequence that would retitle the terminal, a bell, a right-to-left
# override): it shows made harmless, and the pane's title is unchanged.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -cmd '.timeout 5000' "$DB" "$1"; }
hostile() {		# TITLE: TITLE, then ESC ] 0;pwned BEL, RLO, " renamed"
	echo "'$1' || char(27) || ']0;pwned' || char(7) || char(8238) ||
	    ' renamed'"
}

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

tui_start --db "$DB" chair "$MEETING"
wait_for "Agenda: 12 patients"
pres_start --db "$DB" present "$MEETING"
pres_wait_for "Demo MDT"
title0=$(tm display-message -p -t e2e:p '#{pane_title}')

# the projector: it commits nothing, so every log event is another's
sql "UPDATE meetings SET title = $(hostile 'Quill MDT') WHERE id = $MEETING"
pres_wait_for "Quill MDT"
pres_screen | grep -q "Quill MDT.*renamed" ||
    fail "the projector does not show the new title whole: $(pres_screen | head -1)"
[ "$(tm display-message -p -t e2e:p '#{pane_title}')" = "$title0" ] ||
    fail "the shell's title retitled the projector's terminal"
pass "a commit of the sqlite3 shell shows on the projector, made harmless"

# the chair's console, its own act and the shell's commit one after the
# other: the act's log events must not hide the shell's
keys S
wait_for "Start the meeting now?"
keys y
sql "UPDATE meetings SET title = $(hostile 'Wren MDT') WHERE id = $MEETING"
wait_for "Meeting started at"
pres_wait_for "Wren MDT"
wait_for "Wren MDT"
[ "$(sql "SELECT count(*) FROM meetings WHERE id = $MEETING AND opened_at IS NOT NULL")" = 1 ] ||
    fail "the meeting was not started"
[ "$(tm display-message -p -t e2e:w '#{pane_title}')" != "pwned" ] ||
    fail "the shell's title retitled the chair's terminal"
pass "a commit of the sqlite3 shell just after the chair's act shows on both"
