#!/bin/bash
# review-actions.sh - open actions agreed in an earlier meeting come
# forward to the patient's slot in the next one and are reviewed there,
# one by one: done (d), still open (v), reassigned (r: owner, due) and
# cancelled (x, asked first).  Moving on (n) with some not reviewed asks
# first.  Checked on the screen, in the JSON minutes of both meetings and
# in the database: every action keeps exactly the status, owner and due
# date its verdict gives, each verdict is recorded once, none disappears.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }
# due dates a month and more ahead, in a fixed order whatever today is
for n in 34 36 39 44 49 54 84; do eval "D$n=$(date -d "+$n days" +%F)"; done

M1=$("$MDTCHAIR" --db "$DB" demo --no-open)
MEETING=$M1 minutes_json >"$E2E_TMP/before.json"
patient() { jqr ".slots[$(($1 - 1))].patient.name" "$E2E_TMP/before.json"; }
# Everyone is present in both meetings, and the owner picker lists the
# present attendees by name: digit d is the d-th of them.
present() { jqr ".attendance[$(($1 - 1))].name" "$E2E_TMP/before.json"; }
P1=$(patient 1)
P2=$(patient 2)

# register N: everyone present and acknowledging.
register() {
	keys 2
	wait_for "Not marked: 10"
	for i in 1 2 3 4 5 6 7 8 9 10; do keys Space c j; done
	wait_for "Present: 10"
	keys 1
}

consent() {
	consent_given
}

# action TEXT OWNER-DIGIT DUE ("" for the default)
action() {
	slot_action "$1" "$2" "$3"
	wait_for "Action saved: $(present "$2"), due"
}

# stay REVIEW-DATE: the outcome "stay on caseload", reviewed then.
stay() {
	keys o
	wait_for "Outcome"
	keys 1
	wait_for "Review date"
	type_text "$1"
	keys Enter
	wait_for "Outcome recorded:"
}

# ---- the first meeting: four actions for patient 1 are left open, a
# ---- fifth is done there (it must not come forward); patient 2's only
# ---- action is done too.  Both stay on the caseload, due for review
# ---- before the next meeting.
tui_start --db "$DB" chair "$M1"
wait_for "Agenda: 12 patients"
register
meeting_start
keys n
wait_for "Slot 1 of 12"
wait_for "$P1"
consent
action "Fit grab rails in the bathroom" 2 "$D39"
action "Chase the falls clinic letter" 3 "$D44"
action "Book a medication review" 4 "$D49"
action "Arrange a befriending visit" 5 "$D54"
action "Test the pendant alarm" 1 "$D34"
keys d
wait_for "Action marked done"
stay +7
# a first meeting has nothing carried forward: n asks nothing
keys n
wait_for "Slot 2 of 12"
wait_for "$P2"
consent
action "Carer's assessment for the wife" 7 "$D36"
keys d
wait_for "Action marked done"
stay +3
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not quit cleanly"
screen | grep -qF "Move on anyway" && fail "n asked about reviews in a first meeting"
pass "first meeting: patient 1 has four open actions and one done"

# ---- the second meeting, a week later.  Scheduling it carries both
# ---- patients forward as candidates (their reviews are due) and lists
# ---- everyone in its register; the preparation screen puts them on the
# ---- agenda, patient 1 first.
M2=$("$MDTCHAIR" --db "$DB" schedule --title "Follow-up MDT" --date +7 2>"$E2E_TMP/sched.err") ||
    fail "schedule: $(cat "$E2E_TMP/sched.err")"
[ "$(sql "SELECT count(*) FROM candidates WHERE meeting_id = $M2 AND carried_forward = 1")" = 2 ] ||
    fail "scheduling did not carry both patients forward"
p1=$(sql "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $M1 AND s.position = 1")
tui_start --db "$DB" prepare "$M2"
wait_for "Preparation: 2 candidates, 0 on the agenda"
keys Space
wait_for "1 on the agenda"
keys j Space
wait_for "2 on the agenda"
if ! screen | grep -q "^ \[x\]  1 $p1"; then
	screen | grep -q "^ \[x\]  2 $p1" || fail "$p1 is not on the agenda"
	keys K
	wait_for " 1 $p1"
fi
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
S2=$(sql "SELECT id FROM slots WHERE meeting_id = $M2 AND position = 1")
ids() { sql "SELECT id FROM actions WHERE text = '$1'"; }
A1=$(ids "Fit grab rails in the bathroom")
A2=$(ids "Chase the falls clinic letter")
A3=$(ids "Book a medication review")
A4=$(ids "Arrange a befriending visit")
[ "$(sql "SELECT count(*) FROM actions WHERE status = 'open'")" = 4 ] ||
    fail "not four open actions before the second meeting"

tui_start --db "$DB" chair "$M2"
wait_for "Agenda: 2 patients"
register
meeting_start
keys n
wait_for "Slot 1 of 2"
wait_for "$P1"
wait_for "Actions (4)  4 to review"
for t in "Fit grab rails" "Chase the falls clinic" "Book a medication" "Arrange a befriending"; do
	screen | grep -F "$t" | grep -qF "to review" || fail "'$t' is not shown as to review"
done
screen | grep -qF "Test the pendant alarm" && fail "an action done last time came forward"
pass "four open actions carried forward, each to review; the done one is not"

# ---- before consent nothing is reviewed, and n asks before moving on.
for k in d x v r; do
	keys "$k"
	wait_for "Record consent first: press c"
	keys C-l
	wait_gone "Record consent first"
done
keys n
wait_for "4 carried-forward actions not reviewed. Move on anyway? (y/n)"
keys n
wait_for "Cancelled"
wait_for "Slot 1 of 2"
[ "$(sql "SELECT count(*) FROM action_reviews")" = 0 ] || fail "a review was written before consent"
pass "review keys wait for consent; n asks and n stays"

consent

# ---- an action agreed now: v does not apply, r reassigns, x cancels.
action "Phone the daughter about the review" 2 ""
wait_for "new, open"
keys v
wait_for "applies to carried-forward actions only"
due21=$(date -d '+21 days' +%F)
keys r
wait_for "New owner (present first)"
pick_row 3
wait_for "Due (YYYY-MM-DD or +days, Enter = keep):"
type_text +21
keys Enter
wait_for "Action reassigned: $(present 3), due $due21"
action "Post the falls leaflet" 4 "$D84"
keys x
wait_for "Cancel this action? (y/n)"
keys y
wait_for "Action cancelled"
wait_for "new, cancelled"
pass "actions agreed now: v refused, r reassigns, x cancels after asking"

# ---- the carried-forward ones, top of the list first.
for i in 1 2 3 4 5 6 7; do keys k; done
keys d
wait_for "Action reviewed: done"
wait_for "Actions (6)  3 to review"
keys d
wait_for "Already reviewed: done"
keys j v
wait_for "Action reviewed: still open"
keys j r
wait_for "New owner (present first)"
pick_row 6
wait_for "Enter = keep"
keys Enter
wait_for "Action reassigned: $(present 6), due $D49"
wait_for "Actions (6)  1 to review"
keys n
wait_for "1 carried-forward action not reviewed. Move on anyway? (y/n)"
keys Escape
wait_for "Cancelled"
keys j x
wait_for "Cancel this action? (y/n)"
keys n
wait_for "Cancelled"
wait_for "Actions (6)  1 to review"
keys x
wait_for "Cancel this action? (y/n)"
keys y
wait_for "Action reviewed: cancelled"
wait_gone "to review"
row() { screen | grep -F "$1"; }
row "Fit grab rails" | grep -qE ' done *$' || fail "grab rails: $(row "Fit grab rails")"
row "Chase the falls clinic" | grep -qF "still open" || fail "falls clinic: $(row "Chase the falls")"
row "Book a medication" | grep -qF "reassigned" || fail "medication: $(row "Book a medication")"
row "Book a medication" | grep -qF "$D49" || fail "medication due: $(row "Book a medication")"
row "Arrange a befriending" | grep -qF "cancelled" || fail "befriending: $(row "Arrange a befriending")"
pass "carried forward: d done, v still open, r reassigned (due kept), x cancelled after asking"

# ---- every one reviewed: n moves on without asking; patient 2 had
# ---- nothing left open, so neither does the last n.
keys n
wait_for "Slot 2 of 2"
wait_for "$P2"
wait_for "Actions (0)"
keys n
wait_for "No slot left to discuss"
screen | grep -qF "Move on anyway" && fail "n asked with every action reviewed"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not quit cleanly"
pass "all reviewed: n moves on without asking"

# ---- the database: one verdict per carried-forward action, in the
# ---- second meeting's slot of patient 1, and none for the new ones.
got=$(sql "SELECT a.text || '=' || r.verdict FROM action_reviews r JOIN actions a ON a.id = r.action_id
 WHERE r.slot_id = $S2 ORDER BY a.id" | paste -sd '|')
[ "$got" = "Fit grab rails in the bathroom=done|Chase the falls clinic letter=open|Book a medication review=reassigned|Arrange a befriending visit=cancelled" ] ||
    fail "verdicts in the database: $got"
[ "$(sql "SELECT count(*) FROM action_reviews")" = 4 ] || fail "reviews outside that slot"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'action_review'")" = 4 ] ||
    fail "not exactly four reviews in the audit log (a refused or repeated key wrote one)"
got=$(sql "SELECT a.text || '/' || p.name || '/' || a.due_date || '/' || a.status
 FROM actions a JOIN people p ON p.id = a.owner_id ORDER BY a.id" | paste -sd '|')
want="Fit grab rails in the bathroom/$(present 2)/$D39/done"
want="$want|Chase the falls clinic letter/$(present 3)/$D44/open"
want="$want|Book a medication review/$(present 6)/$D49/open"
want="$want|Arrange a befriending visit/$(present 5)/$D54/cancelled"
want="$want|Test the pendant alarm/$(present 1)/$D34/done"
want="$want|Carer's assessment for the wife/$(present 7)/$D36/done"
want="$want|Phone the daughter about the review/$(present 3)/$due21/open"
want="$want|Post the falls leaflet/$(present 4)/$D84/cancelled"
[ "$got" = "$want" ] || fail "actions in the database:
 got  $got
 want $want"
pass "database: four verdicts, each action's status, owner and due as reviewed, none lost"

# ---- the minutes: the first meeting lists its six actions as they stand
# ---- now; the second lists the two agreed in it.
acts() { # acts MEETING SLOT-INDEX
	MEETING=$1 minutes_json | jqr ".slots[$2].actions | map(\"\(.text)/\(.owner)/\(.due_date)/\(.status)\") | join(\"|\")"
}
[ "$(acts "$M1" 0)" = "$(echo "$want" | cut -d'|' -f1-5)" ] || fail "minutes of meeting 1, slot 1: $(acts "$M1" 0)"
[ "$(acts "$M1" 1)" = "$(echo "$want" | cut -d'|' -f6)" ] || fail "minutes of meeting 1, slot 2: $(acts "$M1" 1)"
[ "$(acts "$M2" 0)" = "$(echo "$want" | cut -d'|' -f7-8)" ] || fail "minutes of meeting 2, slot 1: $(acts "$M2" 0)"
[ "$(acts "$M2" 1)" = "" ] || fail "minutes of meeting 2, slot 2: $(acts "$M2" 1)"
[ "$(MEETING=$M2 minutes_json | jqr '.meeting.state')" = closed ] || fail "meeting 2 is not closed"
pass "minutes of both meetings agree with the reviews"
