#!/bin/bash
# lease.sh - one chair at a time: two consoles on one database, in two
# tmux windows.  The first chairs; the second follows it read-only (who
# chairs and since when on its message line) and its acts are refused,
# so n in both runs one slot, not two.  The first stopped and its lease
# stale: the second takes over after a confirmation, and the first, back,
# notices at its renewal that it now follows.  kill -9 of the chair: the
# follower on the same host sees its process gone and takes over, asked
# first.  A console opened on the same host after a crash takes the chair
# at once and says so (the crashed process cannot come back), audited as a
# take-over; a clean quit gives the chair up.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -cmd '.timeout 5000' "$DB" "$1"; }
pres_pid() {
	pgrep -P "$(tm display-message -p -t e2e:p '#{pane_pid}')" -n
}
running() { sql "SELECT group_concat(position) FROM slots WHERE meeting_id = $MEETING AND state = 'running'"; }
done_n() { sql "SELECT count(*) FROM slots WHERE meeting_id = $MEETING AND state = 'done'"; }
E2E_TIMEOUT=15

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

tui_start --db "$DB" chair "$MEETING"
wait_for "Agenda: 12 patients"
meeting_start
FIRST=$(tui_pid)
[ "$(sql "SELECT pid FROM chair_lease WHERE meeting_id = $MEETING")" = "$FIRST" ] ||
    fail "the first console holds no lease"
WHO="$(sql "SELECT holder FROM chair_lease") on $(hostname) since"

pres_start --db "$DB" chair "$MEETING"
pres_wait_for "Following: $WHO"
pres_wait_for "chairs this meeting (read-only)"
SECOND=$(pres_pid)
[ "$(sql "SELECT pid FROM chair_lease WHERE meeting_id = $MEETING")" = "$FIRST" ] ||
    fail "the second console took the lease"
pass "the second console follows, saying who chairs"

# n in both: one slot runs, the second's n is refused with who chairs.
pres_keys n
pres_wait_for "Read-only: $WHO"
keys n
wait_for "Slot 1 of 12"
pres_keys n
sleep 0.5
pres_screen | grep -qF "Read-only:" || fail "the second n was not refused"
[ "$(running)" = 1 ] && [ "$(done_n)" = 0 ] ||
    fail "n in both consoles changed the slots: running $(running), done $(done_n)"
pres_wait_for "Slot 1/12"		# the follower shows the meeting live
pres_keys 3
pres_wait_for "Slot 1 of 12"
pres_keys w
pres_wait_for "Read-only:"
pres_screen | grep -qF "Note:" && fail "the follower opened the note prompt"
pres_keys 1
pres_keys '?'
pres_wait_for "Take over the chair (asked)"
pres_keys x
pres_wait_gone "Keys - press any key to close"
pres_keys O
pres_wait_for "Still there: $WHO"
pass "n in both runs one slot: the follower's acts are refused"

# The chair's console stops answering (its lease goes stale): the second
# takes over, asked first; the first, back, follows.
kill -STOP "$FIRST"
sql "UPDATE chair_lease SET renewed_at = renewed_at - 60000"
pres_wait_for "is gone: O takes over"
pres_keys O
pres_wait_for "is gone. Take over the chair? (y/n)"
pres_keys y
pres_wait_for "This console chairs the meeting now"
[ "$(sql "SELECT pid FROM chair_lease WHERE meeting_id = $MEETING")" = "$SECOND" ] ||
    fail "the take-over did not move the lease"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'chair_take_over'")" = 1 ] ||
    fail "the take-over is not in the audit"
kill -CONT "$FIRST"
wait_for "Taken over: this console follows (read-only); $WHO"
keys p
wait_for "Read-only:"
[ "$(sql "SELECT state FROM slots WHERE meeting_id = $MEETING AND position = 1")" = running ] ||
    fail "the console that lost the chair paused the slot"
pres_keys p
pres_wait_for "Paused"
pass "a stale chair is taken over with a confirmation; the old console notices and follows"

# kill -9 of the chair: on the same host its process is seen gone.
kill -9 "$SECOND"
[ "$(pres_wait_exit)" = 137 ] || fail "the second console did not die of SIGKILL"
wait_for "is gone: O takes over"
keys O
wait_for "Take over the chair? (y/n)"
keys y
wait_for "This console chairs the meeting now"
keys p
wait_for "Resumed"
pass "after kill -9 of the chair, the follower takes over, asked first"

# A crash leaves the lease: the console opened next is asked.
kill -9 "$FIRST"
[ "$(wait_exit)" = 137 ] || fail "the first console did not die of SIGKILL"
[ "$(sql "SELECT count(*) FROM chair_lease")" = 1 ] || fail "the crash left no lease"
tui_start --db "$DB" chair "$MEETING"
wait_for "The console that chaired this meeting here had ended: this one chairs now"
[ "$(sql "SELECT pid FROM chair_lease")" = "$(tui_pid)" ] || fail "the reopened console holds no lease"
keys q
[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"
[ "$(sql "SELECT count(*) FROM chair_lease")" = 0 ] || fail "a clean quit kept the lease"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'chair_take_over'")" = 3 ] ||
    fail "not every take-over is in the audit"
pass "reopened after a crash: chairs at once; a clean quit gives the chair up"
