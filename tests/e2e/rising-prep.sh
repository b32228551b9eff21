#!/bin/bash
# rising-prep.sh - the rising-risk register across two meetings, in a real
# terminal at 80x24: a patient added between meetings (reviews every
# week) is on the register, not yet due, at meeting 1's preparation;
# meeting 1 chaired and closed; at meeting 2's preparation a week on the
# header says the review is due, the register lists the patient first,
# marked DUE, with the reason and who added them; e escalates them, they
# come to meeting 2 as an escalated candidate, Space puts them on the
# agenda, and the agenda for circulation has them.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }

FIRST=$(mdt schedule --title "MDT one" --date +0 --time 00:00) || fail "schedule"
mdt rising add 9434765919 --name "Bea Quinn" --reason "Falls, lives alone" \
    --by "Dr Kwame Mensah" --every 1w >/dev/null || fail "rising add"
mdt rising add 9434765927 --name "Carl Dunn" --reason "Carer unwell" \
    --by "Matron Ruth Hale" --every 4w >/dev/null || fail "rising add"

tui_start --db "$DB" prepare "$FIRST"
wait_for "Preparation: 0 candidates"
screen | grep -q "rising-risk review(s) due" && fail "a review is due at meeting 1: $(screen)"
keys r
wait_for "Rising-risk register: 2 patient(s), 0 review(s) due"
wait_for "Bea Quinn"
screen | grep "Bea Quinn" | grep -q "DUE" && fail "Bea Quinn is due at meeting 1"
wait_for "Reason: Falls, lives alone - added by Dr Kwame Mensah"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 1: the register lists the patients added, not yet due"

tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda"
meeting_start
meeting_close_quit
pass "meeting 1 opened and closed"

SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule the second"
tui_start --db "$DB" prepare "$SECOND"
wait_for "1 rising-risk review(s) due - r shows the register"
keys r
wait_for "Rising-risk register: 2 patient(s), 1 review(s) due"
# due first, marked, with its next review
row=$(screen | grep -n "Bea Quinn" | head -n 1)
[ -n "$row" ] || fail "Bea Quinn is not listed: $(screen)"
echo "$row" | grep -q "DUE" || fail "Bea Quinn is not marked due: $row"
echo "$row" | grep -q "$(date -d +7days +%F)" || fail "no next review: $row"
[ "${row%%:*}" -lt "$(screen | grep -n "Carl Dunn" | cut -d: -f1)" ] ||
    fail "the due patient is not first: $(screen)"
screen | grep "Carl Dunn" | grep -q "DUE" && fail "Carl Dunn is marked due"
keys e
wait_for "Escalate - reason:"
type_text "Two falls this week, daughter worried"
keys Enter
wait_for "Escalated to this meeting"
screen | grep "Bea Quinn" | grep -q "escalated" || fail "the register does not say escalated: $(screen)"
keys r
wait_for "1 referral(s) to schedule or defer"
screen | grep "Bea Quinn" | grep -q "escalated" || fail "Bea Quinn is not an escalated candidate: $(screen)"
wait_for "Reason: escalated from rising risk: Two falls this week"
keys Space
wait_for "On the agenda"
wait_for "Preparation: 1 candidates, 1 on the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
mdt agenda "$SECOND" --unmask >"$E2E_TMP/agenda" 2>/dev/null || fail "agenda"
grep -q "Bea Quinn" "$E2E_TMP/agenda" || fail "the agenda lacks the patient: $(cat "$E2E_TMP/agenda")"
grep -q "escalated from rising risk" "$E2E_TMP/agenda" || fail "the agenda does not say escalated"
pass "meeting 2: the review due in the header and marked first; escalated with e, on the agenda"
