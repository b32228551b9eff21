#!/bin/bash
# chair-meeting.sh - the demo meeting chaired end to end in a real terminal:
# take the register, chair three patients through consent, a note, two
# actions with owners and an outcome each, kill -9 in the middle of the
# fourth slot, reopen (same slot, clock right, everything there), finish,
# close, and check that the JSON minutes hold exactly what was typed.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
# due and review dates some days ahead (a date before today is refused)
for n in 2 3 8 15 25 33 57; do eval "D$n=$(date -d "+$n days" +%F)"; done
minutes_json >"$E2E_TMP/before.json"
patient() { jqr ".slots[$(($1 - 1))].patient.name" "$E2E_TMP/before.json"; }

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
wait_for "$(patient 1)"

# ---- register: everyone present and acknowledging, but the 7th, who
# ---- sends apologies (people are listed by name).
keys 2
wait_for "Not marked: 10"
for i in 1 2 3 4 5 6 7 8 9 10; do
	if [ "$i" = 7 ]; then keys Space Space; else keys Space c; fi
	keys j
done
wait_for "Present: 9  Apologies: 1"
wait_for "Confidentiality acknowledged: 9"
minutes_json >"$E2E_TMP/reg.json"
absent=$(jqr '.attendance[6].name' "$E2E_TMP/reg.json")
[ "$(jqr '[.attendance[] | select(.status == "present" and .confidentiality_acknowledged)] | length' "$E2E_TMP/reg.json")" = 9 ] ||
    fail "register: 9 present and acknowledged not saved"
[ "$(jqr '.attendance[6].status' "$E2E_TMP/reg.json")" = apologies ] ||
    fail "register: apologies not saved"
screen | grep -qF "$absent" || fail "register does not show $absent"
pass "register taken: 9 present and acknowledged, apologies from $absent"

# The owner picker lists the present attendees, by name: digit d is the
# d-th of them.
present() { jqr "[.attendance[] | select(.status == \"present\")][$(($1 - 1))].name" "$E2E_TMP/reg.json"; }

# consent N BASIS [JUSTIFICATION]: no organisation excluded
consent() {
	keys c
	wait_for "Consent to be discussed"
	keys "$1"
	if [ $# -gt 1 ]; then
		wait_for "Justification:"
		type_text "$2"
		keys Enter
	fi
	wait_for "Organisations the patient asked to exclude"
	keys Enter
	wait_for "Consent recorded:"
}

note() {
	keys w
	wait_for "Note:"
	type_text "$1"
	keys Enter
	wait_for "Note saved"
}

# action TEXT OWNER-DIGIT DUE ("" for the default)
action() {
	slot_action "$1" "$2" "$3"
	wait_for "Action saved: $(present "$2"), due"
}

# outcome DIGIT [REVIEW-DATE]
outcome() {
	keys o
	wait_for "Outcome"
	keys "$1"
	if [ $# -gt 1 ]; then
		wait_for "Review date"
		type_text "$2"
		keys Enter
	fi
	# a death asks its date: Enter for today
	if [ "$1" = 4 ]; then
		wait_for "Date of death (YYYY-MM-DD, Enter = today)"
		keys Enter
		wait_for "Recorded: died on"
		return
	fi
	wait_for "Outcome recorded:"
}

start_slot() {
	[ "$1" != 1 ] || meeting_start
	keys n
	wait_for "Slot $1 of 12"
	wait_for "$(patient "$1")"
}

keys 1
wait_for "Agenda: 12 patients"

# ---- patient 1: consent given, extended by a minute, stays on caseload.
start_slot 1
keys c
wait_for "Consent to be discussed"
keys Escape
wait_gone "Consent to be discussed"
keys w
wait_for "Record consent first: press c"
consent 1
note "Three falls since September; lives alone, daughter visits weekly."
action "Refer to the community falls service" 2 $D25
action "Review home safety with the OT — grab rails, key safe" 5 ""
due14=$(screen | sed -n 's/.*Action saved: .*, due \([0-9-]*\).*/\1/p')
[ "$due14" = "$(date -d '+14 days' +%F)" ] || fail "default due date is '$due14'"
keys +
wait_for "(+1:00)"
outcome 1 $D57
sleep 1.1
pass "patient 1: consent, note, two actions, extension, stay on caseload"

# ---- patient 2: not given but best interests, UTF-8 text, steps down.
start_slot 2
consent 2 "Lacks capacity today; daughter (LPA) agrees — discussed in best interests"
note "Ambulance called 6× in October; café lunch club helps."
action "Ask the pharmacist for a medication review" 6 $D8
action "Café lunch club place: confirm with Zoë's carer" 1 $D15
outcome 2
pass "patient 2: best-interests consent, UTF-8 note and actions, step down"

# ---- patient 3: risk to others, closed.
start_slot 3
consent 3 "Threats to neighbours; discussing protects them"
note "Police and housing informed; safeguarding referral already open."
action "Share the safeguarding plan with housing" 9 $D3
action "Tell the GP practice the case is closed here" 4 $D2
outcome 3
pass "patient 3: risk-to-others consent, closed"

# ---- patient 4: kill -9 in the middle of the slot.
start_slot 4
consent 1
note "New oxygen assessment booked; breathless on stairs."
action "Chase the oxygen assessment date" 3 $D33
sleep 2.2
before_kill=$(minutes_json | jqr '.slots[3].elapsed_seconds')
[ "$before_kill" -ge 2 ] || fail "slot 4 clock shows $before_kill s after 2 s"
pid=$(tui_pid)
kill -9 "$pid"
[ "$(wait_exit)" = 137 ] || fail "mdtchair was not killed"
sleep 1.5

tui_start --db "$DB" chair
wait_for "Slot 4 of 12"
wait_for "$(patient 4)"
wait_for "New oxygen assessment booked"
wait_for "Chase the oxygen assessment date"
wait_for "Consent: Consent given"
clock=$(screen | grep -o '[0-9][0-9]:[0-9][0-9] of 6:00' | head -n 1)
secs=$((10#${clock%%:*} * 60 + 10#$(echo "$clock" | cut -c4-5)))
[ "$secs" -ge $((before_kill + 1)) ] ||
    fail "after restart the clock shows $clock, it was ${before_kill}s before the kill"
[ "$(minutes_json | jqr '.slots[3].state')" = running ] || fail "slot 4 is not running after restart"
pass "after kill -9: same slot, clock right ($clock), note and action there"

# ---- finish slot 4 (died: a contact-relatives action appears), close.
outcome 4
wait_for "Contact the relatives"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "mdtchair ended with $st after q"
pass "meeting closed"

# ---- the minutes hold exactly what was typed.
minutes_json >"$E2E_TMP/after.json"
J="$E2E_TMP/after.json"
check() { # check JQ-EXPR EXPECTED
	got=$(jqr "$1" "$J")
	[ "$got" = "$2" ] || fail "minutes: $1 is '$got', expected '$2'"
}
check '.meeting.state' closed
check '[.attendance[] | select(.status == "present" and .confidentiality_acknowledged)] | length' 9
check '[.attendance[] | select(.status == "apologies")] | map(.name) | join(",")' "$absent"

check '[.slots[0:4][].state] | join(",")' done,done,done,done
check '[.slots[4:][].state] | unique | join(",")' pending
check '[.slots[4:][] | (.notes | length) + (.actions | length)] | add' 0
check '[.slots[4:][] | select(.consent != null or .outcome != null)] | length' 0
check '[.slots[].patient.name] | join("|")' "$(jqr '[.slots[].patient.name] | join("|")' "$E2E_TMP/before.json")"

check '[.slots[0:4][].consent.basis] | join(",")' given,best_interests,risk_to_others,given
check '.slots[1].consent.justification' "Lacks capacity today; daughter (LPA) agrees — discussed in best interests"
check '.slots[2].consent.justification' "Threats to neighbours; discussing protects them"
check '.slots[0].consent.justification' null
check '[.slots[0:4][].consent.excluded_organisations | length] | join(",")' 0,0,0,0

check '.slots[0].notes | join("|")' "Three falls since September; lives alone, daughter visits weekly."
check '.slots[1].notes | join("|")' "Ambulance called 6× in October; café lunch club helps."
check '.slots[2].notes | join("|")' "Police and housing informed; safeguarding referral already open."
check '.slots[3].notes | join("|")' "New oxygen assessment booked; breathless on stairs."

acts() { jqr ".slots[$1].actions | map(\"\(.text)/\(.owner)/\(.due_date)/\(.status)\") | join(\"|\")" "$J"; }
[ "$(acts 0)" = "Refer to the community falls service/$(present 2)/$D25/open|Review home safety with the OT — grab rails, key safe/$(present 5)/$due14/open" ] ||
    fail "slot 1 actions: $(acts 0)"
[ "$(acts 1)" = "Ask the pharmacist for a medication review/$(present 6)/$D8/open|Café lunch club place: confirm with Zoë's carer/$(present 1)/$D15/open" ] ||
    fail "slot 2 actions: $(acts 1)"
[ "$(acts 2)" = "Share the safeguarding plan with housing/$(present 9)/$D3/open|Tell the GP practice the case is closed here/$(present 4)/$D2/open" ] ||
    fail "slot 3 actions: $(acts 2)"
check '.slots[3].actions | length' 2
check '.slots[3].actions[0] | "\(.text)/\(.owner)/\(.due_date)"' "Chase the oxygen assessment date/$(present 3)/$D33"
check '.slots[3].actions[1].text' 'Contact the relatives to offer support and follow up'
check '.slots[3].actions[1].owner' "$(jqr '.slots[3].key_contact' "$J")"
check '[.slots[].actions[]] | length' 8

check '[.slots[0:4][].outcome.kind] | join(",")' stay,step_down,close,died
check '.slots[0].outcome.review_date' $D57
check '.slots[0].extended_seconds' 60
check '[.slots[1:4][].extended_seconds] | add' 0
check '.slots[0].elapsed_seconds >= 1' true
check '[.slots[0:4][] | .elapsed_seconds | type] | unique | join(",")' number
check "[.slots[3].elapsed_seconds >= $before_kill] | all" true
# With nothing open or planned, the minutes are the closed meeting's.
"$MDTCHAIR" --db "$DB" minutes --format json | "$JQ_BIN" -e ".meeting.id == $MEETING and .meeting.state == \"closed\"" >/dev/null ||
    fail "minutes without a meeting do not give the one just closed"
pass "minutes hold exactly what was typed, once"
