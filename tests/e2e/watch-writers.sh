#!/bin/bash
# watch-writers.sh - a commit by a program without mdtchair's log hook (the
# sqlite3 shell: its log writes wake a window before the commit can be
# read, and nothing wakes it after; the window looks again after them)
# reaches the windows open on the database: the projector's view, which
# commits nothing itself, and the chair's console, also when the shell
# commits just after one of the console's own acts (whose log events need
# no second look).  The shell runs on a slow disk (tests/faults/faultvfs.so
# preloaded, "slow-sync": each sync sleeps 0.8 s), so that its commit can
# be read only well after its log was written.  The text the shell writes is hostile (an escape
# sequence that would retitle the terminal, a bell, a right-to-left
# override): it shows made harmless, and the pane's title is unchanged.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -cmd '.timeout 5000' "$DB" "$1"; }
slow_sql() {
	local preload=$FAULTVFS asan
	[ -f "$FAULTVFS" ] || fail "no $FAULTVFS (make check builds it)"
	# a sanitizer build's VFS wants its runtime first; the shell's own
	# allocations are not ours to check for leaks
	asan=$(ldd "$FAULTVFS" 2>/dev/null | awk '/libasan/ { print $3; exit }')
	[ -z "$asan" ] || preload="$asan:$FAULTVFS"
	echo slow-sync >"$E2E_TMP/slow"
	LD_PRELOAD=$preload MDT_FAULT_FILE="$E2E_TMP/slow" \
	    ASAN_OPTIONS=detect_leaks=0 \
	    "$SQLITE3_BIN" -cmd '.timeout 5000' -cmd 'PRAGMA synchronous = FULL' \
	    "$DB" "$1" >/dev/null 2>"$E2E_TMP/slow.err" ||
	    fail "the shell failed: $(grep -v 'configure SQLite' "$E2E_TMP/slow.err")"
}
: "${FAULTVFS:?FAULTVFS must name tests/faults/faultvfs.so}"
hostile() {		# TITLE: TITLE, then ESC ] 0;pwned BEL, RLO, " renamed"
	echo "'$1' || char(27) || ']0;pwned' || char(7) || char(8238) ||
	    ' renamed'"
}

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

# The projector alone first, in the first window (screen, wait_for): no
# other window writes (a chair's console renews its lease every 5 s, and
# each renewal would wake it), so only its looks again after the shell's
# log events can show the shell's commit.
tui_start --db "$DB" present "$MEETING"
wait_for "Demo MDT"
title0=$(tm display-message -p -t e2e:w '#{pane_title}')

t0=$(date +%s%N)
slow_sql "UPDATE meetings SET title = $(hostile 'Quill MDT') WHERE id = $MEETING"
# the slow disk was met: the commit's sync alone took 0.8 s
[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 800 ] ||
    fail "the shell's commit was not slowed: the test proves nothing"
wait_for "Quill MDT"
screen | grep -q "Quill MDT.*renamed" ||
    fail "the projector does not show the new title whole: $(screen | head -1)"
[ "$(tm display-message -p -t e2e:w '#{pane_title}')" = "$title0" ] ||
    fail "the shell's title retitled the projector's terminal"
pass "a commit of the sqlite3 shell shows on the projector, made harmless"

# The chair's console in the second window (pres_keys, pres_wait_for):
# its own act and the shell's commit one after the other; the act's log
# events must not hide the shell's.
pres_start --db "$DB" chair "$MEETING"
pres_wait_for "Agenda: 12 patients"
pres_keys S
pres_wait_for "Start the meeting now?"
pres_keys y
slow_sql "UPDATE meetings SET title = $(hostile 'Wren MDT') WHERE id = $MEETING"
pres_wait_for "Meeting started at"
pres_wait_for "Wren MDT"
wait_for "Wren MDT"
[ "$(sql "SELECT count(*) FROM meetings WHERE id = $MEETING AND opened_at IS NOT NULL")" = 1 ] ||
    fail "the meeting was not started"
[ "$(tm display-message -p -t e2e:p '#{pane_title}')" != "pwned" ] ||
    fail "the shell's title retitled the chair's terminal"
pass "a commit of the sqlite3 shell just after the chair's act shows on both"
