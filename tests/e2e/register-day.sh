#!/bin/bash
# register-day.sh - the register on the day.  The meeting is scheduled
# (its register made), then a visiting consultant is added with `people
# add`: on the console, a on the register adds her (the picker offers only
# those not on it); she counts for the quorum at once, and the projector
# withholds patients until she acknowledges confidentiality.  l marks her
# late arrival (a time typed; a time that is not one refused), C and N who
# chairs and who takes the notes; an action is given to her as present.
# d marks her early departure: she no longer counts for the quorum nor for
# the projector's rule, and the owner picker shows her as not here.  The
# minutes, the audit and the outbox follow; `mdtchair register` does the
# same from the command line.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
ANA=$("$MDTCHAIR" --db "$DB" people add "Dr Ana Ferreira" \
    --role "Consultant geriatrician" --org "St Thomas' Hospital")
[ "$(sql "SELECT count(*) FROM attendance WHERE person_id = $ANA")" = 0 ] ||
    fail "someone added after scheduling is on the register already"
# Everyone scheduled is present and has acknowledged (taken by hand in
# the other scripts).
sql "UPDATE attendance SET status = 'present', confidentiality_ack = 1"
minutes_json >"$E2E_TMP/before.json"
nhs1=$(jqr '.slots[0].patient.nhs_number' "$E2E_TMP/before.json" | tr -d ' ')
mask1="NHS ***-***-*${nhs1:7:3}"
printf '[meeting]\nquorum = GP, Consultant geriatrician\n' >"$E2E_TMP/config.ini"

tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
wait_for "Quorum not met: no Consultant geriatrician present"
pres_start --db "$DB" present
pres_wait_for "$mask1"

keys 2
wait_for "Present: 10"
keys ?
wait_for "Add someone on the day"
for k in "Late arrival (HH:MM/now)" "Left early / came back" \
    "Chair (again: nobody)" "Note-taker (again: nobody)"; do
	screen | grep -qF "$k" || fail "the help overlay lacks '$k'"
done
keys Escape
wait_gone "Add someone on the day"
keys a
wait_for "Add to the register"
wait_for "Dr Ana Ferreira (Consultant geriatrician, St Thomas' Hospital)"
screen | grep -qF "Ade Okonkwo (Social worker" && fail "the picker offers someone on the register already"
type_text "thomas"
keys Enter
wait_for "On the register: Dr Ana Ferreira, present"
wait_for "Present: 11"
wait_gone "Quorum not met"
[ "$(sql "SELECT status || ' ' || added_on_day FROM attendance WHERE person_id = $ANA")" = "present 1" ] ||
    fail "the attendance row is not present and added on the day"
pres_wait_for "Waiting for: Dr Ana Ferreira"
pres_screen | grep -qF "$mask1" && fail "the projector shows a patient with someone present unacknowledged"
pass "someone added with people add after scheduling is added on the day; quorum and projector follow"

keys c
wait_for "Dr Ana Ferreira: confidentiality acknowledged"
pres_wait_for "$mask1"
keys l
wait_for "Dr Ana Ferreira arrived at (HH:MM, Enter = now):"
type_text "25:70"
keys Enter
wait_for "Not a time of day: type HH:MM, or Enter for now"
keys C-u
type_text "00:00"
keys Enter
wait_for "Dr Ana Ferreira arrived at 00:00"
wait_for "in 00:00"
pass "a late arrival at a time typed; a time that is not one refused"

# Chair and note-taker: the first two rows.
keys Home
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do keys k; done
keys C
wait_for "Chair: Ade Okonkwo"
keys j N
wait_for "Note-taker: Bridget Fennelly"
wait_for "Ade Okonkwo [chair]"
wait_for "Bridget Fennelly [not"
[ "$(sql "SELECT p1.name || '|' || p2.name FROM meetings m JOIN people p1
    ON p1.id = m.chair_id JOIN people p2 ON p2.id = m.notetaker_id
    WHERE m.id = $MEETING")" = "Ade Okonkwo|Bridget Fennelly" ] ||
    fail "the chair and the note-taker are not recorded"
pass "C and N record who chairs and who takes the notes"

# An action given to the late arrival, as present.
first_slot
keys a
wait_for "Action:"
type_text "Comprehensive geriatric assessment"
keys Enter
wait_for "Owner (present first)"
type_text "ferreira"
wait_for "Dr Ana Ferreira (Consultant geriatrician, St Thomas' Hospital)"
screen | grep -F "Dr Ana Ferreira" | grep -qF "not here" && fail "the late arrival is not here for the owner picker"
keys Enter
wait_for "Due (YYYY-MM-DD"
type_text "+7"
keys Enter
wait_for "Action saved: Dr Ana Ferreira, due"
pass "an action given to the late arrival as present"

# Her acknowledgement withdrawn withholds patients again; her departure
# lifts that, and takes her out of the quorum.
keys 2
wait_for "Present: 11"
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do keys k; done
keys j j j
keys c
wait_for "Dr Ana Ferreira: confidentiality not acknowledged"
pres_wait_for "Waiting for: Dr Ana Ferreira"
keys d
wait_for "Dr Ana Ferreira left at (HH:MM, Enter = now):"
keys Enter
wait_for "left at"
wait_for "no longer present"
wait_for "Present: 10  Apologies: 0  Not marked: 0  Left: 1"
wait_for "Quorum not met: no Consultant geriatrician present"
pres_wait_gone "Waiting for:"
pres_wait_for "Slot 1/12"
[ "$(sql "SELECT left_at IS NOT NULL FROM attendance WHERE person_id = $ANA")" = 1 ] ||
    fail "the departure is not recorded"
keys 3
wait_for "Slot 1 of 12"
keys a
wait_for "Action:"
type_text "Letter to the hospital team"
keys Enter
wait_for "Owner (present first)"
type_text "ferreira"
wait_for "Dr Ana Ferreira - not here (Consultant geriatrician"
keys Escape
wait_for "Cancelled"
pass "an early departure: no longer present for the quorum, the projector or an action"

keys 2
wait_for "Left: 1"
keys d
wait_for "Dr Ana Ferreira: back in the room"
wait_for "Present: 11"
wait_gone "Quorum not met"
keys d
wait_for "left at (HH:MM, Enter = now):"
type_text "23:59"
keys Enter
wait_for "left at 23:59"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "back in the room, and left again at a time typed"

# The record: minutes, audit, outbox.
"$MDTCHAIR" --db "$DB" minutes "$MEETING" --format txt >"$E2E_TMP/min.txt"
grep -F "Dr Ana Ferreira" "$E2E_TMP/min.txt" | grep -qF "present, added on the day, arrived 00:00, left 23:59" ||
    fail "the minutes lack the arrival and departure: $(grep -F Ferreira "$E2E_TMP/min.txt")"
grep -F "Ade Okonkwo" "$E2E_TMP/min.txt" | grep -qF "present, chair" || fail "the minutes lack the chair"
grep -F "Bridget Fennelly" "$E2E_TMP/min.txt" | grep -qF "present, note-taker" || fail "the minutes lack the note-taker"
minutes_json >"$E2E_TMP/after.json"
[ "$(jqr '.attendance[] | select(.name == "Dr Ana Ferreira") | [.added_on_day, .arrived_at != null, .left_at != null] | @tsv' "$E2E_TMP/after.json")" = "true	true	true" ] ||
    fail "the JSON minutes lack the day's register"
[ "$(sql "SELECT group_concat(action) FROM (SELECT action FROM audit WHERE action LIKE 'register_%' OR action = 'meeting_role' ORDER BY id)")" = \
    "register_add,register_arrived,meeting_role,meeting_role,register_left,register_left,register_left" ] ||
    fail "the audit lacks the register's acts: $(sql "SELECT group_concat(action) FROM audit WHERE action LIKE 'register_%' OR action = 'meeting_role'")"
sql "SELECT detail FROM audit WHERE action LIKE 'register_%' OR action = 'meeting_role'" | grep -qE '(person|owner) [0-9]+' &&
    fail "the audit names a person by row id"
sql "SELECT detail FROM audit WHERE action = 'register_add'" | grep -qF "Dr Ana Ferreira: added on the day" ||
    fail "the audit does not name who was added"
[ "$(sql "SELECT count(*) FROM outbox WHERE entity = 'attendance' AND entity_uuid = (SELECT uuid FROM attendance WHERE person_id = $ANA)")" -ge 1 ] ||
    fail "the attendance is not queued for the central record"
pass "minutes, audit and outbox follow the register"

# From the command line: someone added after scheduling, on a meeting's
# register.
M2=$("$MDTCHAIR" --db "$DB" schedule --title "Follow-up MDT" --date +7)
RAJ=$("$MDTCHAIR" --db "$DB" people add "Raj Patel" --role "Student nurse" --org "King's College London")
"$MDTCHAIR" --db "$DB" register "$M2" | grep -qF "Raj Patel" && fail "register lists someone not on it"
"$MDTCHAIR" --db "$DB" register add "$M2" "$RAJ" >/dev/null || fail "register add failed"
"$MDTCHAIR" --db "$DB" register "$M2" | grep -F "Raj Patel" | grep -qF "present" ||
    fail "register does not list Raj Patel present"
set +e
"$MDTCHAIR" --db "$DB" register add "$M2" "$RAJ" 2>"$E2E_TMP/err"; rc=$?
"$MDTCHAIR" --db "$DB" register add "$M2" 99999 2>"$E2E_TMP/err2"; rc2=$?
set -e
[ "$rc" = 1 ] && grep -qF "already on this meeting's register" "$E2E_TMP/err" ||
    fail "adding twice: exit $rc, $(cat "$E2E_TMP/err")"
[ "$rc2" = 1 ] || fail "adding nobody known exited $rc2"
pass "register and register add from the command line"
