#!/bin/bash
# exclusions.sh - the organisations a patient asks to exclude, recorded
# with consent: the consent form takes them after the basis, the slot
# shows them beside the consent (the projector does not), a name too long
# is refused with the text kept to correct, recording again offers the
# list to edit, the minutes (Markdown and JSON) hold them, and the
# patient's next meeting offers last time's list.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

M1=$("$MDTCHAIR" --db "$DB" demo --no-open)
MEETING=$M1 minutes_json >"$E2E_TMP/before.json"
P1=$(jqr '.slots[0].patient.name' "$E2E_TMP/before.json")
ASK="Organisations the patient asked to exclude (comma-separated; blank for none):"
dot=$(printf '\302\267')

# consent_form DIGIT: c, the basis; waits for the organisations' field.
consent_form() {
	keys c
	wait_for "Consent to be discussed"
	keys "$1"
	wait_for "$ASK"
}

# prompt_line: the bottom-but-one row, where the field's text is typed.
prompt_line() { screen | sed -n 23p; }

tui_start --db "$DB" chair "$M1"
pres_start --db "$DB" present "$M1" --unmask
wait_for "Agenda: 12 patients"
# The room sees patients once the register is taken and acknowledged.
keys 2
wait_for "Not marked: 10"
keys Space c
wait_for "Confidentiality acknowledged: 1"
keys 1
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
wait_for "$P1"

# ---- the form: after the basis, the field, empty (nothing recorded for
# ---- the patient before); Esc saves nothing.
consent_form 1
[ "$(prompt_line | sed 's/ *$//')" = ">" ] || fail "the field is not empty: '$(prompt_line)'"
keys Escape
wait_for "Cancelled: nothing saved"
[ "$(sql "SELECT count(*) FROM consent")" = 0 ] || fail "Esc saved the consent"

consent_form 1
type_text "Acme Care, Borough Housing"
keys Enter
wait_for "Consent recorded: Consent given $dot exclude: Acme Care, Borough Housing"
wait_for "Consent: Consent given $dot exclude: Acme Care, Borough Housing"
[ "$(sql "SELECT group_concat(organisation, '|') FROM (SELECT organisation FROM consent_exclusions ORDER BY id)")" = "Acme Care|Borough Housing" ] ||
    fail "exclusions in the database: $(sql "SELECT group_concat(organisation, '|') FROM consent_exclusions")"
pass "consent form takes 'Acme Care, Borough Housing'; the slot shows them"

# The projector shows the slot, never the exclusions.
pres_wait_for "$P1"
pres_screen | grep -qF "Acme Care" && fail "the projector shows the exclusions"
pres_screen | grep -qF "exclude" && fail "the projector mentions exclusions"
pres_keys q
[ "$(pres_wait_exit)" = 0 ] || fail "the projector did not exit 0"
pass "the projector does not show them"

# ---- recording again offers the list; a name too long is refused and
# ---- the text stays; the list typed replaces the old one, tidied.
consent_form 1
prompt_line | grep -qF "> Acme Care, Borough Housing" || fail "recording again does not offer the list: '$(prompt_line)'"
keys End
type_text ", $(printf 'x%.0s' $(seq 1 101))"
keys Enter
wait_for "too long to record: an organisation's name may have at most 100 characters"
wait_for "> "
keys C-u
type_text "  borough housing ,, Acme   Care, BOROUGH HOUSING , Castle Insurance"
keys Enter
wait_for "Consent: Consent given $dot exclude: borough housing, Acme Care, Castle Insurance"
[ "$(sql "SELECT count(*) FROM consent_exclusions")" = 3 ] || fail "the list was not replaced"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'consent_record'")" = 2 ] ||
    fail "not one audit row per recording"
# and back to the two, for the rest of the test
consent_form 1
keys C-u
type_text "Acme Care, Borough Housing"
keys Enter
wait_for "Consent: Consent given $dot exclude: Acme Care, Borough Housing"
pass "recorded again: the list offered, too long refused, replaced and tidied"

# ---- stay on the caseload, review due before the next meeting; close.
keys o 1
wait_for "Review date"
type_text "+3"
keys Enter
wait_for "Outcome recorded:"
keys n
wait_for "Slot 2 of 12"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not quit cleanly"

# ---- the minutes hold them.
"$MDTCHAIR" --db "$DB" minutes "$M1" --format md >"$E2E_TMP/m1.md"
grep -qxF "  - Organisations the patient asked to exclude: Acme Care, Borough Housing" "$E2E_TMP/m1.md" ||
    fail "the Markdown minutes lack the exclusions: $(grep -A2 'Consent:' "$E2E_TMP/m1.md" | head -n 3)"
[ "$(grep -c "asked to exclude" "$E2E_TMP/m1.md")" = 1 ] || fail "exclusions shown for another patient"
MEETING=$M1 minutes_json >"$E2E_TMP/m1.json"
[ "$(jqr '.slots[0].consent.excluded_organisations | join("|")' "$E2E_TMP/m1.json")" = "Acme Care|Borough Housing" ] ||
    fail "JSON minutes: $(jqr '.slots[0].consent' "$E2E_TMP/m1.json")"
[ "$(jqr '[.slots[1:][] | select(.consent != null)] | length' "$E2E_TMP/m1.json")" = 0 ] ||
    fail "JSON minutes: consent for a patient not discussed"
pass "minutes (md and json) hold the exclusions"

# ---- the next meeting: the patient comes forward, and the form offers
# ---- last time's list, to accept or change.
M2=$("$MDTCHAIR" --db "$DB" schedule --title "Follow-up MDT" --date +7 2>"$E2E_TMP/sched.err") ||
    fail "schedule: $(cat "$E2E_TMP/sched.err")"
tui_start --db "$DB" prepare "$M2"
wait_for "Preparation: 1 candidates, 0 on the agenda"
keys Space
wait_for "1 on the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"

tui_start --db "$DB" chair "$M2"
wait_for "Agenda: 1 patient"
meeting_start
keys n
wait_for "Slot 1 of 1"
wait_for "$P1"
wait_for "Consent: not recorded - press c"
consent_form 1
prompt_line | grep -qF "> Acme Care, Borough Housing" || fail "the next meeting's form is not prefilled: '$(prompt_line)'"
type_text ", Castle Insurance"
keys Enter
wait_for "Consent: Consent given $dot exclude: Acme Care, Borough Housing, Castle Insurance"
keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not quit cleanly"
[ "$(MEETING=$M2 minutes_json | jqr '.slots[0].consent.excluded_organisations | join("|")')" = "Acme Care|Borough Housing|Castle Insurance" ] ||
    fail "second meeting's minutes: $(MEETING=$M2 minutes_json | jqr '.slots[0].consent')"
[ "$(MEETING=$M1 minutes_json | jqr '.slots[0].consent.excluded_organisations | join("|")')" = "Acme Care|Borough Housing" ] ||
    fail "the first meeting's record changed"
pass "the next meeting's form offers last time's list"
