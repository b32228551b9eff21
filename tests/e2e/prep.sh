#!/bin/bash
# prep.sh - preparing an agenda in a real terminal: two pre-meeting lists
# imported for a scheduled meeting (a patient on both is one candidate
# with both flags), then on the preparation screen: a stepped-down patient
# escalated back from the rising-risk view and deferred; put patients on the
# agenda, order them, plan minutes and a presenter, see finalising refused
# while a referral is neither scheduled nor deferred, defer it with a
# reason, finalise; a patient added on the day; the agenda printed for
# circulation with identifiers masked.  Checked on screen and in the
# record.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

DEMO=$("$MDTCHAIR" --db "$DB" demo --no-open)
stepped=$("$MDTCHAIR" --db "$DB" minutes "$DEMO" --format json | jqr '.slots[0].patient.name')

# The demo meeting steps its first patient down to rising risk, and closes.
demo_step_down_close "$DEMO"

MEETING=$("$MDTCHAIR" --db "$DB" schedule --title "MDT next week" --date +7 --minutes 60 | tail -n 1)
[ -n "$MEETING" ] || fail "schedule printed no meeting id"

cat >"$E2E_TMP/referrals.csv" <<'CSV'
nhs_number,name,date_of_birth,practice,reason,referred_by
943 476 5919,Bea Quinn,1950-02-03,Larkhall Green Practice,"Falls, lives alone",Dr Kwame Mensah
9000000009,Carl Dunn,1944-07-19,Riverside Surgery,Carer breakdown,Ade Okonkwo
CSV
printf 'nhs_number,name,date_of_birth,admitted\r\n9434765919,Bea Quinn,1950-02-03,2026-11-20\r\n9449305552,Dora Ellis,1938-12-01,2026-11-22\r\n' \
    >"$E2E_TMP/inpatients.csv"
"$MDTCHAIR" --db "$DB" import --list referral "$E2E_TMP/referrals.csv" --meeting "$MEETING" >/dev/null ||
    fail "import of the referrals"
"$MDTCHAIR" --db "$DB" import --list inpatient "$E2E_TMP/inpatients.csv" --meeting "$MEETING" >/dev/null ||
    fail "import of the inpatients"
cands() { "$SQLITE3_BIN" "$DB" "SELECT count(*) FROM candidates WHERE meeting_id = $MEETING"; }
[ "$(cands)" = 3 ] || fail "3 patients on 4 rows should make 3 candidates, not $(cands)"

tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation: 3 candidates, 0 on the agenda"
wait_for "2 referral(s) to schedule or defer"
screen | grep "Bea Quinn" | grep -q "referral, inpatie" || fail "Bea Quinn is not one candidate with both flags"
pass "two lists: one candidate per patient, with the flags of both"

# The rising-risk view lists who was stepped down; e escalates them back
# to this meeting, as a referral to decide.
keys r
wait_for "Rising-risk register: 1 patient(s)"
wait_for "$stepped"
keys e
wait_for "Escalate - reason:"
type_text "Daughter reports two falls this week"
keys Enter
wait_for "Escalated to this meeting"
keys r
wait_for "Preparation: 4 candidates, 0 on the agenda"
wait_for "3 referral(s) to schedule or defer"
screen | grep "$stepped" | grep -q "escalated" || fail "$stepped is not shown as escalated"
press_until "Reason: .*escalated from rising risk" j
keys D
wait_for "Defer - reason:"
type_text "Discussed at the falls huddle on Monday"
keys Enter
wait_for "Deferred: Discussed at the falls huddle"
wait_for "2 referral(s) to schedule or defer"
pass "rising risk: a stepped-down patient escalated back, then deferred with a reason"

# Back to the top; Space on each of the three undecided ones (the cursor
# follows the row it acted on).
keys k k k k k
keys Space
wait_for "On the agenda"
wait_for "1 on the agenda"
keys j Space
wait_for "2 on the agenda"
keys j Space
wait_for "3 on the agenda (0:18:00)"
pass "three patients put on the agenda with Space"

# The third goes first; plan 10 minutes for it, and a presenter.
keys K K
wait_for " 1 Dora Ellis"
keys m
wait_for "Planned minutes:"
type_text 10
keys Enter
wait_for "Planned 10 minutes"
wait_for "(0:22:00)"
keys P
wait_for "Presenter"
pick_row 2
wait_for "Presenter set"
# A presenter not yet known: the name typed to find is offered as new.
keys P
wait_for "Presenter"
type_text "Dr Nadia Haddad"
wait_for "New: Dr Nadia Haddad"
keys Enter
wait_for "New person's name: Dr Nadia Haddad"
keys Enter
wait_for "Their organisation"
type_text "King's College Hospital"
keys Enter
wait_for "Their role"
type_text "Consultant cardiologist"
keys Enter
wait_gone "Their role"
i=0
until [ "$("$SQLITE3_BIN" -batch -noheader "$DB" "SELECT count(*) FROM slots s
    JOIN people p ON p.id = s.presenter_id WHERE s.meeting_id = $MEETING
    AND p.name = 'Dr Nadia Haddad'")" = 1 ]; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "the new presenter is not the slot's"
	sleep 0.05
done
pass "order, planned minutes and presenter (someone new too)"

# Take Carl Dunn (a referral) off again: finalising is then refused.
keys j
wait_for "Reason: "
press_until "Reason: Carer breakdown" j
keys Space
wait_for "Taken off the agenda"
keys F
wait_for "Finalise the agenda for circulation? (y/n)"
keys y
wait_for "1 referral(s) to schedule or defer"
screen | grep -q "Carl Dunn" || fail "Carl Dunn vanished"
[ "$("$SQLITE3_BIN" "$DB" "SELECT agenda_finalised_at IS NULL FROM meetings WHERE id = $MEETING")" = 1 ] ||
    fail "the agenda was finalised with a referral undecided"
pass "finalising is refused while a referral is neither scheduled nor deferred"

keys D
wait_for "Defer - reason:"
keys Enter
wait_for "Defer - reason:"
type_text "Seen by the frailty team on Friday; bring back next month"
keys Enter
wait_for "Deferred: Seen by the frailty team"
keys F
wait_for "Finalise the agenda for circulation? (y/n)"
keys y
wait_for "Agenda finalised"
pass "a deferral needs a reason; then the agenda is finalised"

# A patient added on the day, from the agenda screen.
keys 1
keys A
wait_for "Add on the day - NHS number:"
type_text "999 000 0019"
keys Enter
wait_for "Not a valid NHS number"
keys C-u
type_text "9990000018"
keys Enter
wait_for "Patient's name:"
type_text "Éamon Walsh"
keys Enter
wait_for "Date of birth"
type_text 1947-05-30
keys Enter
wait_for "Practice"
keys Enter
wait_for "Reason for discussion:"
type_text "Discharged yesterday, no package of care"
keys Enter
wait_for "Added on the day: Éamon Walsh"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "a patient added on the day, after a wrong NHS number was refused"

"$MDTCHAIR" --db "$DB" agenda "$MEETING" --format txt >"$E2E_TMP/agenda.txt" || fail "agenda"
grep -q "Dora Ellis" "$E2E_TMP/agenda.txt" && fail "the circulated agenda shows a full name"
grep -q "9449305552\|944 930 5552" "$E2E_TMP/agenda.txt" && fail "the circulated agenda shows a full NHS number"
grep -q "D.E." "$E2E_TMP/agenda.txt" || fail "no masked patient in the agenda: $(cat "$E2E_TMP/agenda.txt")"
"$MDTCHAIR" --db "$DB" agenda "$MEETING" --format txt --unmask | grep -q "Dora Ellis" ||
    fail "--unmask does not show the name"
q() { "$SQLITE3_BIN" "$DB" "$1"; }
[ "$(q "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $MEETING ORDER BY s.position" | tr '\n' '|')" = "Dora Ellis|Bea Quinn|Éamon Walsh|" ] ||
    fail "agenda order: $(q "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $MEETING ORDER BY s.position" | tr '\n' '|')"
[ "$(q "SELECT planned_seconds FROM slots s JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $MEETING AND p.name = 'Dora Ellis'")" = 600 ] ||
    fail "Dora Ellis is not planned for 10 minutes"
[ "$(q "SELECT count(*) FROM patients WHERE nhs_number IN ('9434765919','9000000009','9449305552','9990000018')")" = 4 ] ||
    fail "patients lost or duplicated"
pass "the agenda is masked for circulation, and the record holds the order, plan and patients once each"

# Referrals are never turned away: the meeting is held (Bea Quinn, a
# referral, discussed; Carl Dunn deferred), then the next one scheduled:
# Carl Dunn comes forward on his own, with why he was put off and how long
# he has waited; Bea Quinn does not.
tui_start --db "$DB" chair "$MEETING"
wait_for "Agenda: 3 patients"
meeting_start
keys n
wait_for "Slot 1 of 3"
consent_given
keys n
wait_for "Slot 2 of 3"
consent_given
keys 4 C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"
NEXT=$("$MDTCHAIR" --db "$DB" schedule --title "MDT in a fortnight" --date +14 2>/dev/null | tail -n 1)
[ -n "$NEXT" ] || fail "schedule printed no meeting id"
tui_start --db "$DB" prepare "$NEXT"
wait_for "Preparation:"
wait_for "Carl Dunn"
screen | grep -q "Bea Quinn" && fail "a referral discussed came forward again"
wait_for "referral(s) to schedule or defer"
wait_for "deferred 1x ("
screen | grep -qE "deferred 1x \([0-9]{4}-[0-9]{2}-[0-9]{2}: Seen by the frailty team" ||
    fail "the deferral's day and reason: $(screen | grep deferred)"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "a deferred referral comes to the next meeting on its own, with its reason; one discussed does not"

# The queue across meetings, for circulation: masked, audited.
"$MDTCHAIR" --db "$DB" referrals >"$E2E_TMP/queue.txt" || fail "referrals"
head -n 1 "$E2E_TMP/queue.txt" | grep -q "^Referrals waiting: 1 " || fail "the queue's count: $(head -n 1 "$E2E_TMP/queue.txt")"
grep -q "^ routine C\.D\., born 1944, NHS \*\*\*-\*\*\*-\*009$" "$E2E_TMP/queue.txt" ||
    fail "the queue reads: $(cat "$E2E_TMP/queue.txt")"
grep -q "deferred 1x" "$E2E_TMP/queue.txt" && grep -qE "^ +deferred [0-9]{4}-[0-9]{2}-[0-9]{2}: Seen by the frailty team" "$E2E_TMP/queue.txt" &&
    grep -q "referred by Ade Okonkwo (.*): Carer breakdown" "$E2E_TMP/queue.txt" || fail "the queue reads: $(cat "$E2E_TMP/queue.txt")"
grep -q "Carl Dunn\|Bea Quinn\|B\.Q\." "$E2E_TMP/queue.txt" && fail "the queue shows a name, or a referral discussed"
"$MDTCHAIR" --db "$DB" referrals --unmask | grep -q "Carl Dunn, born 1944-07-19" || fail "referrals --unmask"
[ "$("$SQLITE3_BIN" "$DB" "SELECT group_concat(detail, '|') FROM (SELECT detail FROM audit WHERE action = 'export' AND detail LIKE 'referrals%' ORDER BY id)")" = "referrals txt|referrals txt unmasked" ] ||
    fail "the listings are not audited as masked, then unmasked: $("$SQLITE3_BIN" "$DB" "SELECT group_concat(detail, '|') FROM audit WHERE action = 'export'")"
pass "referrals: the queue across meetings, masked for circulation, each listing audited"
