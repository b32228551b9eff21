#!/bin/bash
# ticks.sh - the console asks the store nothing on a clock tick: while a
# slot runs, its clock is redrawn every second on the slot screen, the
# preparation screen and the agenda, and a key that only moves the cursor
# on preparation is drawn from what was read; an act, or another window's
# commit, is read again.  The statements' steps are counted by
# tests/e2e/stepcount.so, preloaded into the real binary.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

: "${STEPCOUNT:?STEPCOUNT must name tests/e2e/stepcount.so}"
COUNT="$E2E_TMP/steps"
preloaded stepped "$STEPCOUNT" "MDT_STEP_COUNT='$COUNT'"

steps() { tr -d ' \n' <"$COUNT"; }

# quiet WHAT [clock]: three ticks pass (a slot runs: the console is woken
# every second) and the count does not move; with "clock", the screen shows
# the slot's seconds and must have changed
quiet() {
	local before after s1 s2
	sleep 1.2
	s1=$(screen)
	before=$(steps)
	sleep 3.3
	after=$(steps)
	s2=$(screen)
	[ "${2:-}" != clock ] || [ "$s1" != "$s2" ] ||
	    fail "$1: the screen did not change in three seconds (no tick?)"
	[ "$before" = "$after" ] ||
	    fail "$1: $((after - before)) statement steps over three ticks"
	pass "$1: three ticks redrawn, no statement stepped"
}

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
MDTCHAIR="$E2E_TMP/stepped" tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
first_slot
[ -s "$COUNT" ] || fail "the step counter was not preloaded"
quiet "the slot screen while slot 1 runs" clock

keys 6
wait_for "Preparation:"
quiet "the preparation screen while slot 1 runs"
before=$(steps)
keys j
sleep 0.5
keys j
sleep 0.5
[ "$(steps)" = "$before" ] || fail "j on preparation stepped $(( $(steps) - before )) statements"
pass "j on preparation moves the cursor over what was read"

# another window's commit is read again (a patient put on the register
# from the command line)
before=$(steps)
"$MDTCHAIR" --db "$DB" rising add 9990506310 --reason "Lives alone" --by "Dr A" \
    >"$E2E_TMP/out" 2>&1 || fail "rising add: $(cat "$E2E_TMP/out")"
sleep 1.5
[ "$(steps)" != "$before" ] || fail "another window's commit was not read again"
pass "another window's commit is read again"

keys 1
wait_for "Agenda: 12 patients"
quiet "the agenda while slot 1 runs"
