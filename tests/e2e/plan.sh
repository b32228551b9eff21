#!/bin/bash
# plan.sh - the joined-up plan across two meetings, in a real terminal at
# 80x24: made in meeting 1's slot (L: a problem, a goal in the patient's
# words, an intervention, the next review), hostile text typed refused
# with a clear message and nothing saved; closing the case with the
# problem open asks why first; meeting 1 closed; the patient referred to
# meeting 2, whose preparation shows the plan (L on the candidate); the
# slot of meeting 2 opens on the plan, and an item is resolved there.
# The plan printed for the patient from the command line, plain text and
# Markdown, the stored text escaped; hostile text through every value of
# the command line refused, exit 2, nothing saved.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }
# settle: the window before gone, its tmux server ended, before the next
# (a loaded machine is slow to let the old server go)
settle() {
	tm kill-server >/dev/null 2>&1 || true
	while tm has-session >/dev/null 2>&1; do sleep 0.1; done
	sleep 0.3
}

FIRST=$("$MDTCHAIR" --db "$DB" demo --no-open) || fail "demo"
NHS=$(sql "SELECT p.nhs_number FROM slots s JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $FIRST ORDER BY s.position LIMIT 1")

# ---- the command line refuses hostile text ----------------------------
hostile=($'red\e[31m\e[2J' $'bell\a' $'two\nlines' $'rlo\xe2\x80\xaeevil' $'bad\xff')
hostile+=("$(printf 'é%.0s' $(seq 1 600))")
for h in "${hostile[@]}"; do
	for args in "add $NHS problem" "add $NHS goal"; do
		set +e
		mdt plan $args "$h" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
		rc=$?
		set -e
		[ "$rc" = 2 ] || [ "$rc" = 1 ] || fail "plan $args hostile: exit $rc"
		[ -s "$E2E_TMP/err" ] || fail "plan $args hostile: no reason"
	done
	set +e
	mdt plan review "$NHS" --next "$h" 2>/dev/null
	set -e
done
[ "$(sql "SELECT count(*) FROM care_plans") $(sql "SELECT count(*) FROM plan_items")" = "0 0" ] ||
    fail "hostile text saved something"
set +e
mdt plan 9434765918 >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "a wrong check digit: exit $rc"
pass "plan: hostile text and a wrong NHS number refused, nothing saved"

# ---- meeting 1: the plan made in the slot -------------------------------
tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
consent_given
keys L
wait_for "has no plan yet"
keys p
wait_for "Problem (what matters to the patient):"
keys Enter
wait_for "Not saved: write the words"
type_text $'Falls \xe2\x80\xae'
wait_for "cannot be typed here"
keys C-u
type_text "Falls at home, twice this month"
keys Enter
wait_for "Added to the plan: problem 1"
keys g
wait_for "Goal, as they say it"
type_text "I want to walk to the shop on my own"
keys Enter
wait_for "Whose words"
keys Enter
wait_for "Added to the plan: goal 2"
keys i
wait_for "What we will do:"
type_text "Physiotherapy at home"
keys Enter
wait_for "The action it is"
pick_row 1
wait_for "Added to the plan: intervention 3"
keys R
wait_for "Next review"
type_text "+28"
keys Enter
wait_for "Next review set"
wait_for "Joined-up plan:"
wait_for "1 of 1 problems open"
wait_for "Falls at home, twice this month"
wait_for "(no action yet - l)"
screen | grep -q "Next review: $(date -d +28days +%F)" || fail "no next review: $(screen)"
# at 80x24 nothing spills: the hints are on the last row but two
keys L
wait_for "Slot 1 of 12"
# closing the case with the problem open asks why first
keys o
wait_for "Outcome"
keys 3
wait_for "1 problem of the plan open - why close the case now?"
keys Escape
wait_gone "why close the case now?"
[ "$(sql "SELECT count(*) FROM outcomes")" = 0 ] || fail "closed without saying why"
meeting_close_quit
[ "$(sql "SELECT status FROM care_plans")" = active ] || fail "plan not active"
pass "meeting 1: the plan made in the slot (L), hostile text refused, closing asks why"

# ---- printed for the patient ---------------------------------------------
mdt plan "$NHS" >"$E2E_TMP/plan.txt" || fail "plan print"
for want in "What matters to me" "My goals" "What we will do (who, by when)" \
    "My key contact" "Next review" "Falls at home, twice this month" \
    "I want to walk to the shop on my own"; do
	grep -qF "$want" "$E2E_TMP/plan.txt" || fail "the print lacks '$want': $(cat "$E2E_TMP/plan.txt")"
done
others=$(sql "SELECT name FROM patients WHERE nhs_number <> '$NHS'")
while IFS= read -r other; do
	grep -qF "$other" "$E2E_TMP/plan.txt" && fail "the print names $other"
done <<<"$others"
sql "UPDATE plan_items SET text = 'I want *more* '|| char(27) || '[2J' WHERE kind = 'goal'"
mdt plan "$NHS" --format md >"$E2E_TMP/plan.md" || fail "plan md"
grep -q $'\e' "$E2E_TMP/plan.md" && fail "an escape reached the print"
grep -qF '\*more\*' "$E2E_TMP/plan.md" || fail "Markdown not escaped: $(cat "$E2E_TMP/plan.md")"
mdt plan "$NHS" >"$E2E_TMP/plan.txt"
grep -q $'\e' "$E2E_TMP/plan.txt" && fail "an escape reached the text print"
grep -qF '\x1b[2J' "$E2E_TMP/plan.txt" || fail "the escape is not shown escaped"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'export' AND detail LIKE 'plan %'")" -ge 3 ] ||
    fail "the prints are not audited"
pass "plan NHS: plain language, this patient only, audited, stored text escaped (txt, md)"

# ---- meeting 2: preparation shows the plan; the slot opens on it --------
SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule"
mdt refer "$NHS" --by "Matron Ruth Hale" --service "Community nursing" \
    --reason "Review of the plan" >/dev/null 2>&1 || fail "refer"
settle
tui_start --db "$DB" prepare "$SECOND"
wait_for "Preparation:"
keys L
wait_for "Joined-up plan:"
wait_for "Falls at home, twice this month"
keys L
wait_for "Preparation:"
keys Space
wait_for "On the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 2: the plan shows in preparation (L on the candidate)"

settle
tui_start --db "$DB" chair "$SECOND"
wait_for "Agenda"
meeting_start
keys n
wait_for "the plan from before - L for the slot"
wait_for "Joined-up plan:"
wait_for "Falls at home, twice this month"
keys x
wait_for "Resolved - why:"
type_text "No falls for six weeks"
keys Enter
wait_for "Item 1 resolved"
wait_for "0 of 1 problems open"
keys L
wait_for "Slot 1 of 1"
keys q
[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"
[ "$(sql "SELECT resolved_reason FROM plan_items WHERE position = 1")" = "No falls for six weeks" ] ||
    fail "not resolved in the store"
[ "$(sql "SELECT text FROM plan_items WHERE position = 1")" = "Falls at home, twice this month" ] ||
    fail "the problem's words were not kept"
pass "meeting 2: the slot opens on the plan, an item resolved (its words kept)"
