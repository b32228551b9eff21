#!/bin/bash
# tick-reads.sh - the preparation and slot screens read the store when
# what they show may have changed (an act, another window's commit), not on
# each clock tick of an open meeting or a running slot, nor on each move of
# the cursor: the real mdtchair runs with tests/e2e/stepcount.so
# preloaded, which counts the rows its queries read.  An act, a change made
# from the command line and a note left half typed are read and shown.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

: "${STEPCOUNT:?STEPCOUNT must name tests/e2e/stepcount.so}"
MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
[ -n "$MEETING" ] || fail "demo printed no meeting id"
COUNT="$E2E_TMP/reads"
COUNTED=$(preloaded counted "$STEPCOUNT" MDT_STEP_COUNT "$COUNT")
reads() { tr -d ' \n' <"$COUNT"; }

MDTCHAIR=$COUNTED tui_start --db "$DB" chair
demo_started
keys 6
wait_for "Preparation: 12 candidates, 12 on the agenda"
sleep 0.5
before=$(reads)
[ "$before" -gt 0 ] || fail "no read counted ($before)"
# the meeting is open: the clock ticks each second
sleep 3.2
[ "$(reads)" = "$before" ] ||
    fail "three clock ticks read $(( $(reads) - before )) rows"
pass "three clock ticks on the preparation screen read nothing"

# a move reads at most what the record says of the patient it lands on
# (their own actions' Tasks read back, by index): one row a move at most
keys j j j k j j k k
sleep 0.5
[ "$(reads)" -le $((before + 8)) ] ||
    fail "eight moves of the cursor read $(( $(reads) - before )) rows"
pass "moves of the cursor read at most the record's news of the patient"

# an act reads the screen again
keys Space
wait_for "11 on the agenda"
after=$(reads)
[ "$after" -gt "$before" ] || fail "the act read nothing"
# and so does another window's commit: the first candidate deferred from
# the command line
"$SQLITE3_BIN" "$DB" "UPDATE candidates SET defer_reason = 'away'
    WHERE id = (SELECT min(id) FROM candidates WHERE meeting_id = $MEETING
    AND id NOT IN (SELECT c.id FROM candidates c JOIN slots s
    ON s.meeting_id = c.meeting_id AND s.patient_id = c.patient_id))" ||
    fail "deferring from the command line"
wait_for "1 deferred"
[ "$(reads)" -gt "$after" ] || fail "another window's commit read nothing"
pass "an act and another window's commit are read and shown"

# the slot screen, a slot running: the clock ticks each second
keys 3
wait_for "No slot is running"
keys n
wait_for "Slot 1 of"
sleep 0.5
before=$(reads)
sleep 3.2
[ "$(reads)" = "$before" ] ||
    fail "three ticks of a running slot read $(( $(reads) - before )) rows"
pass "three ticks of a running slot read nothing"
# a note half typed: shown once written elsewhere, gone once dropped here
consent_given
"$SQLITE3_BIN" "$DB" "INSERT INTO note_drafts (slot_id, text, saved_at)
    SELECT current_slot_id, 'left by another window', 0 FROM meetings
    WHERE id = $MEETING" || fail "a draft from the command line"
wait_for "A note half typed was kept"
keys w
wait_for "left by another window"
keys Escape
wait_for "Cancelled"
[ "$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM note_drafts")" = 0 ] ||
    fail "the draft dropped with Esc stayed"
sleep 1.2
screen | grep -qF "A note half typed was kept" &&
    fail "the draft dropped with Esc is still shown"
pass "a note half typed elsewhere is shown, and gone once dropped"
