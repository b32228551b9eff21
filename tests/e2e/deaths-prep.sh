#!/bin/bash
# deaths-prep.sh - a death learnt of between two meetings reaches the next
# one's preparation: meeting 1 steps its first patient down to rising
# risk and closes; 'mdtchair died' records their death; meeting 2 is
# scheduled; its preparation screen (80x24) lists the death with its date,
# place and the follow-up with the relatives, and the rising-risk view no
# longer lists them; X records the death of a referral there, each answer
# checked as typed; the agenda for circulation lists the deaths masked.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

DEMO=$("$MDTCHAIR" --db "$DB" demo --no-open)
NAME=$(sql "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id
    WHERE s.meeting_id = $DEMO AND s.position = 1")
NHS=$(sql "SELECT p.nhs_number FROM slots s JOIN patients p ON p.id = s.patient_id
    WHERE s.meeting_id = $DEMO AND s.position = 1")

# ---- meeting 1: the first patient stepped down to rising risk; closed.
demo_step_down_close "$DEMO"

# ---- between the meetings: the death, on the command line.
TODAY=$(date +%F)
"$MDTCHAIR" --db "$DB" died "$NHS" --date "$TODAY" --place hospice \
    --expected yes >/dev/null || fail "died failed"
MEETING=$("$MDTCHAIR" --db "$DB" schedule --title "MDT next week" --date +7 | tail -n 1)
[ -n "$MEETING" ] || fail "schedule printed no meeting id"

# a referral for meeting 2: a patient of meeting 1 never discussed
NHS3=$(sql "SELECT p.nhs_number FROM slots s JOIN patients p ON p.id = s.patient_id
    WHERE s.meeting_id = $DEMO AND s.position = 3")
NAME3=$(sql "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id
    WHERE s.meeting_id = $DEMO AND s.position = 3")
DOB3=$(sql "SELECT p.date_of_birth FROM slots s JOIN patients p ON p.id = s.patient_id
    WHERE s.meeting_id = $DEMO AND s.position = 3")
printf 'nhs_number,name,date_of_birth,reason,referred_by\n%s,"%s",%s,Falls,Dr Kwame Mensah\n' \
    "$NHS3" "$NAME3" "$DOB3" >"$E2E_TMP/referral.csv"
"$MDTCHAIR" --db "$DB" import --list referral "$E2E_TMP/referral.csv" --meeting "$MEETING" >/dev/null ||
    fail "import of the referral"

# ---- meeting 2's preparation lists it.
tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation:"
wait_for "Died"
line=$(screen | grep -F "Died ")
echo "$line" | grep -qF "${NAME:0:6}" || fail "the death's line lacks the patient: $line"
echo "$line" | grep -qF "${NHS:0:3} ${NHS:3:3} ${NHS:6:4}" || fail "the death's line lacks the NHS number: $line"
echo "$line" | grep -qF "$TODAY, hospice; relatives open" ||
    fail "the death's line lacks its date, place or follow-up: $line"
pass "the next meeting's preparation lists the death with its date, place and follow-up"
keys r
wait_for "Rising-risk register:"
wait_for "Nobody is on the rising-risk register."
pass "the rising-risk view no longer lists the patient who died"

# ---- X on the referral: their death, asked there; a place not in the
# ---- list is refused and stays typed.
keys r
wait_for "Preparation: 1 candidates"
keys X
wait_for "Died - date (YYYY-MM-DD, Enter: today):"
type_text "2099-01-01"
keys Enter
wait_for "Date of death: YYYY-MM-DD, not in the future"
keys C-u Enter
wait_for "Place (home, hospital, care-home, hospice, other; Enter: not known):"
type_text "garden"
keys Enter
wait_for "home, hospital, care-home, hospice, other, or Enter if not known"
[ "$(sql "SELECT count(*) FROM deaths")" = 1 ] || fail "a death was saved before every answer"
keys C-u
type_text "hospital"
keys Enter
wait_for "Expected? (y/n, Enter: not known):"
type_text "n"
keys Enter
wait_for "Recorded: died on $TODAY"
[ "$(sql "SELECT d.place || ' ' || d.expected FROM deaths d JOIN patients p
    ON p.id = d.patient_id WHERE p.nhs_number = '$NHS3'")" = "hospital 0" ] ||
    fail "X did not record the death as answered"
wait_for "Preparation: 0 candidates"
[ "$(screen | grep -c "^ Died ")" = 2 ] || fail "the preparation does not list both deaths"
pass "X records the candidate's death as answered; the undecided referral leaves the list"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"

"$MDTCHAIR" --db "$DB" agenda "$MEETING" --format txt >"$E2E_TMP/agenda.txt" ||
    fail "agenda failed"
grep -qF "Deaths since the last meeting:" "$E2E_TMP/agenda.txt" || fail "the agenda lists no deaths"
grep -qF "NHS ***-***-*${NHS:7:3}: died on $TODAY, hospice, expected" "$E2E_TMP/agenda.txt" ||
    fail "the agenda's death line: $(grep -A2 Deaths "$E2E_TMP/agenda.txt")"
if grep -qF "$NAME" "$E2E_TMP/agenda.txt"; then fail "the masked agenda names the patient"; fi
pass "the agenda lists the death, masked"
