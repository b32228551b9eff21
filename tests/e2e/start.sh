#!/bin/bash
# start.sh - opening the console is looking, starting is an act: chairing
# a meeting scheduled for tomorrow leaves it planned (nothing opened in the
# record, no audit row), its planned end and the agenda's forecasts stay
# anchored to the scheduled start; S asks before starting and warns that
# today is not the scheduled day; n on a meeting not started asks to start
# it with its first slot; once started, the times run from the real start.
# The demo meeting is scheduled for today: S and y start it, no warning.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" "$DB" "$1"; }
hhmm() { date -d "@$(($1 / 1000))" +%H:%M; }

MEETING=$("$MDTCHAIR" --db "$DB" schedule --title "MDT tomorrow" --date +1 --time 09:00 --minutes 60 | tail -n 1)
[ -n "$MEETING" ] || fail "schedule printed no meeting id"
printf 'nhs_number,name,date_of_birth,admitted\n%s\n%s\n' \
    '9434765919,Ann Able,1950-02-03,2026-11-20' \
    '9449305552,Ben Baker,1938-12-01,2026-11-22' >"$E2E_TMP/inpatients.csv"
"$MDTCHAIR" --db "$DB" import --list inpatient "$E2E_TMP/inpatients.csv" --meeting "$MEETING" >/dev/null ||
    fail "import of the inpatients"
tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation: 2 candidates, 0 on the agenda"
keys Space j Space
wait_for "2 on the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"

tui_start --db "$DB" chair "$MEETING"
wait_for "Agenda: 2 patients"
sleep 0.3
[ "$(sql "SELECT state || '/' || coalesce(opened_at, 'none') FROM meetings WHERE id = $MEETING")" = "planned/none" ] ||
    fail "opening the console changed the meeting: $(sql "SELECT state, opened_at FROM meetings WHERE id = $MEETING")"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'meeting_open'")" = 0 ] ||
    fail "opening the console wrote a meeting_open audit row"
screen | tail -1 | grep -qF "not started" || fail "the status bar does not say the meeting has not started"
screen | grep -qF "Planned end 10:00" || fail "the planned end is not the scheduled start plus 60 minutes"
screen | grep -qF "Forecast ~09:12" || fail "the forecast is not anchored to the scheduled start"
pass "opened, a meeting for tomorrow stays planned, its plan anchored to 09:00"

# The agenda and the register can be used before the start.
keys 2
wait_for "Not marked:"
keys Space
sleep 0.3
keys 1
wait_for "Agenda: 2 patients"
[ "$(sql "SELECT state FROM meetings WHERE id = $MEETING")" = planned ] || fail "the register started the meeting"

# ? lists S on the agenda.
keys '?'
wait_for "Start the meeting (asked)"
keys x
wait_gone "Keys - press any key to close"

# S asks, and warns: not today.
keys S
wait_for "NOT TODAY ($(date -d tomorrow '+%a %d %b'))! Start the meeting now? (y/n)"
wait_for "Start the meeting now? (y/n)"
keys n
wait_gone "Start the meeting now?"
[ "$(sql "SELECT state FROM meetings WHERE id = $MEETING")" = planned ] || fail "n to the question started the meeting"
pass "S asks, warns that today is not the scheduled day, and n leaves it planned"

# n (next slot) asks to start the meeting first.
keys n
wait_for "NOT TODAY ($(date -d tomorrow '+%a %d %b'))! Start the meeting and slot 1 now? (y/n)"
keys n
wait_gone "Start the meeting and slot 1 now?"
[ "$(sql "SELECT count(*) FROM slots WHERE meeting_id = $MEETING AND state <> 'pending'")" = 0 ] ||
    fail "a slot ran though the start was refused"
keys p
wait_for "The meeting has not started: S starts it"
pass "n asks to start the meeting; refused, nothing runs"

# Started: the times run from the real start.
keys S
wait_for "Start the meeting now?"
keys y
wait_for "Meeting started at"
opened=$(sql "SELECT opened_at FROM meetings WHERE id = $MEETING")
[ "$(sql "SELECT state FROM meetings WHERE id = $MEETING")" = open ] || fail "y did not start the meeting"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'meeting_open'")" = 1 ] || fail "no audit row for the start"
plan=$(hhmm $((opened + 3600 * 1000)))
wait_for "Planned end $plan"
pass "started, the planned end runs from the real start ($plan)"
keys S
wait_for "The meeting started at $(hhmm "$opened")"
keys n
wait_for "Slot 1 of 2"
keys q
[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"

# The demo meeting is today's: S and y start it, with no warning.
DEMO=$("$MDTCHAIR" --db "$E2E_TMP/demo.db" demo --no-open)
DB="$E2E_TMP/demo.db" tui_start --db "$E2E_TMP/demo.db" chair "$DEMO"
wait_for "Agenda: 12 patients"
keys n
wait_for "Start the meeting and slot 1 now? (y/n)"
screen | grep -qF "NOT TODAY" && fail "the demo meeting warned that it is not today"
keys y
wait_for "Slot 1 of 12"
[ "$("$SQLITE3_BIN" "$E2E_TMP/demo.db" "SELECT state FROM meetings WHERE id = $DEMO")" = open ] ||
    fail "the demo meeting did not start"
pass "demo: n and y start today's meeting and its first slot"
keys q
[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"
