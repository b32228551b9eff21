#!/bin/bash
# rising.sh - the rising-risk register from the command line: 'rising add'
# (an NHS number, --untraced with a name, a local identifier), every value
# refused with exit 2 and nothing saved when hostile (controls, escapes,
# bidi controls, invalid UTF-8, 10,000 characters) or wrong; 'rising'
# masked and unmasked (audited so) as text, CSV and JSON, --due; 'rising
# review' (the history kept, the next review); 'rising escalate' (a
# candidate of the next meeting, never a patient not traced); 'rising
# remove' with a reason; and hostile text stored by an older version
# coming out escaped.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$(mdt schedule --title "Larkhall MDT" --date +7) || fail "schedule"

# ---- refused: exit 2, a reason, nothing saved --------------------------
refused() {
	# $1: what; the rest: the arguments of 'rising'
	local what=$1 rc
	shift
	set +e
	mdt rising "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	rc=$?
	set -e
	[ "$rc" = 2 ] || fail "$what: exit $rc, not 2 ($(head -c 300 "$E2E_TMP/err"))"
	[ -s "$E2E_TMP/err" ] || fail "$what: no reason given"
	[ ! -s "$E2E_TMP/out" ] || fail "$what: printed $(head -c 100 "$E2E_TMP/out")"
	[ "$(sql "SELECT count(*) FROM rising_risk") $(sql "SELECT count(*) FROM rising_risk_events")" = "0 0" ] ||
	    fail "$what: something was saved"
	[ "$(sql "SELECT count(*) FROM patients")" = 0 ] || fail "$what: a patient was saved"
}
hostile=($'red\e[31m\e[2J' $'title\e]2;pwned\a' $'bell\a' $'two\nlines' $'rlo\xe2\x80\xaeevil'
    $'lri\xe2\x81\xa6x' $'bad\xff' $'bad\xc0\xaf' $'csi\xc2\x9b31m')
hostile+=("$(printf 'é%.0s' $(seq 1 10000))")
n=0
for h in "${hostile[@]}"; do
	refused "a hostile reason" add 9434765919 --name "Ann Lee" --reason "$h" --by "Dr Shah"
	refused "a hostile --by" add 9434765919 --name "Ann Lee" --reason "Falls" --by "$h"
	refused "a hostile name" add --untraced --name "$h" --reason "No GP" --by "Matron"
	refused "a hostile NHS number" add "$h" --reason "Falls" --by "Dr Shah"
	n=$((n + 4))
done
grep -q "longer than" "$E2E_TMP/err" || fail "10,000 characters: no clear reason: $(head -c 200 "$E2E_TMP/err")"
refused "a wrong check digit" add 9434765918 --name "Ann Lee" --reason "Falls" --by "Dr Shah"
grep -q "not a valid NHS number" "$E2E_TMP/err" || fail "no clear message: $(cat "$E2E_TMP/err")"
refused "no reason" add 9434765919 --name "Ann Lee" --by "Dr Shah"
refused "no --by" add 9434765919 --name "Ann Lee" --reason "Falls"
refused "a number and --untraced" add 9434765919 --untraced --name "Ann Lee" --reason "x" --by "y"
refused "--untraced without a name" add --untraced --reason "x" --by "y"
refused "a bad period" add 9434765919 --name "Ann Lee" --reason "x" --by "y" --every 0w
refused "a year and more" add 9434765919 --name "Ann Lee" --reason "x" --by "y" --every 53w
pass "rising add: $n hostile values and every mistake refused with exit 2, a reason, nothing saved"

# ---- added, listed masked and unmasked --------------------------------
id=$(mdt rising add "943 476 5919" --name "Ann Lee" --dob 1950-02-03 \
    --reason "Falls, lives alone" --by "Dr Kwame Mensah") || fail "rising add"
[ "$id" = 1 ] || fail "rising add printed '$id'"
mdt rising add --untraced --name "Bo Rak" --reason "No GP, sleeping rough" \
    --by "Matron Ruth Hale" --every 2w >/dev/null 2>"$E2E_TMP/err" || fail "rising add --untraced"
grep -q "held under L000000001, not traced" "$E2E_TMP/err" || fail "no word of the local identifier"
set +e
mdt rising add L1 --reason "again" --by "x" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a patient on the register already: exit $rc"
grep -q "on the register already" "$E2E_TMP/err" || fail "no reason: $(cat "$E2E_TMP/err")"
mdt rising >"$E2E_TMP/out" || fail "rising"
grep -q "Rising-risk register: 2 patients, 0 reviews due" "$E2E_TMP/out" || fail "the register: $(cat "$E2E_TMP/out")"
grep -q "A.L., born 1950, NHS \*\*\*-\*\*\*-\*919" "$E2E_TMP/out" || fail "not masked: $(cat "$E2E_TMP/out")"
grep -q "Ann\|Lee\|9434765919\|943 476 5919\|Bo Rak" "$E2E_TMP/out" && fail "the masked list names a patient"
grep -q "added by Dr Kwame Mensah" "$E2E_TMP/out" || fail "no one who added"
grep -q "reason: Falls, lives alone" "$E2E_TMP/out" || fail "no reason"
grep -q "not traced" "$E2E_TMP/out" || fail "the local patient is not said not traced"
mdt rising --format csv >"$E2E_TMP/out.csv" || fail "rising --format csv"
head -n 1 "$E2E_TMP/out.csv" | grep -q "^patient,traced,added_on,added_by,reason,every_days,next_review,due" ||
    fail "the CSV header: $(head -n 1 "$E2E_TMP/out.csv")"
grep -q "Ann" "$E2E_TMP/out.csv" && fail "the masked CSV names the patient"
mdt rising --format json --unmask >"$E2E_TMP/out.json" || fail "rising --format json"
[ "$(jqr '.register[1].patient.name' "$E2E_TMP/out.json")" = "Ann Lee" ] ||
    fail "the unmasked JSON: $(cat "$E2E_TMP/out.json")"
[ "$(jqr '.register[1].every_days' "$E2E_TMP/out.json")" = 28 ] || fail "every_days"
[ "$(jqr '.register[0].every_days' "$E2E_TMP/out.json")" = 14 ] || fail "--every 2w"
[ "$(jqr '.register[0].patient.traced' "$E2E_TMP/out.json")" = false ] || fail "traced"
[ "$(jqr '.masked' "$E2E_TMP/out.json")" = false ] || fail "masked flag"
mdt audit >"$E2E_TMP/audit"
grep -q "export.*rising txt$" "$E2E_TMP/audit" || fail "the masked listing is not audited"
grep -q "export.*rising json unmasked" "$E2E_TMP/audit" || fail "the unmasked listing is not audited as unmasked"
grep -q "rising_add" "$E2E_TMP/audit" || fail "the addition is not audited"
pass "rising add (a number, --untraced, a local identifier); rising masked and unmasked (audited so) as text, CSV and JSON"

# ---- reviewed: the next review, the history ----------------------------
events=$(sql "SELECT count(*) FROM rising_risk_events")
for h in "${hostile[@]}"; do
	for args in "--note" "--by"; do
		set +e
		if [ "$args" = --note ]; then
			mdt rising review 9434765919 --note "$h" 2>/dev/null
		else
			mdt rising review 9434765919 --note "ok" --by "$h" 2>/dev/null
		fi
		rc=$?
		mdt rising escalate 9434765919 --reason "$h" 2>/dev/null; rc2=$?
		mdt rising remove 9434765919 --reason "$h" 2>/dev/null; rc3=$?
		set -e
		[ "$rc $rc2 $rc3" = "2 2 2" ] || fail "a hostile review, escalation or removal: exit $rc $rc2 $rc3"
	done
done
[ "$(sql "SELECT count(*) FROM rising_risk_events")" = "$events" ] || fail "a hostile act was saved"
mdt rising review 9434765919 --note "Seen at home, steadier" --next +3 || fail "rising review"
mdt rising review L1 --note "Found a hostel" || fail "rising review L1"
[ "$(sql "SELECT count(*) FROM rising_risk_events WHERE kind = 'reviewed'")" = 2 ] || fail "the reviews are not kept"
mdt rising --unmask >"$E2E_TMP/out"
grep -q "last review $(date +%F): Seen at home, steadier" "$E2E_TMP/out" || fail "the last review: $(cat "$E2E_TMP/out")"
grep -q "$(date -d +3days +%F) Ann Lee" "$E2E_TMP/out" || fail "the next review: $(cat "$E2E_TMP/out")"
set +e
mdt rising review 9434765919 --note "x" --next 2020-01-01 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a past next review: exit $rc"
grep -q "past" "$E2E_TMP/err" || fail "no reason for a past date"
# due: a review date come
sql "UPDATE rising_risk SET next_review = date('now', '-1 day')
    WHERE patient_id = (SELECT id FROM patients WHERE nhs_number = '9434765919')"
mdt rising --due >"$E2E_TMP/out"
grep -q "1 review due" "$E2E_TMP/out" || fail "--due: $(cat "$E2E_TMP/out")"
grep -q "^DUE " "$E2E_TMP/out" || fail "not marked due"
[ "$(grep -c "on the register since" "$E2E_TMP/out")" = 1 ] || fail "--due lists those not due"
pass "rising review: kept, the next review set (past refused); --due lists the due, marked"

# ---- escalated, removed -------------------------------------------------
set +e
mdt rising escalate L1 --reason "Chest infection" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "escalating a patient not traced: exit $rc"
grep -q "not traced" "$E2E_TMP/err" || fail "no reason: $(cat "$E2E_TMP/err")"
set +e
mdt rising escalate 9434765919 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "escalate without a reason: exit $rc"
mdt rising escalate 9434765919 --reason "Third fall this month" --by "Dr Shah" 2>/dev/null ||
    fail "rising escalate"
[ "$(sql "SELECT count(*) FROM candidates c JOIN patients p ON p.id = c.patient_id
    WHERE p.nhs_number = '9434765919' AND c.meeting_id = $MEETING AND c.escalated = 1")" = 1 ] ||
    fail "the escalation is not a candidate of the next meeting"
mdt agenda "$MEETING" --unmask >"$E2E_TMP/agenda" 2>/dev/null || true
mdt rising remove L1 --reason "Moved to another borough" || fail "rising remove"
set +e
mdt rising remove L1 --reason "again" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "removing one not on it: exit $rc"
[ "$(sql "SELECT group_concat(kind, ',') FROM (SELECT kind FROM rising_risk_events ORDER BY id)")" = \
    "added,added,reviewed,reviewed,escalated,removed" ] ||
    fail "the events: $(sql "SELECT kind, reason, actor FROM rising_risk_events")"
[ "$(sql "SELECT actor || ': ' || reason FROM rising_risk_events WHERE kind = 'escalated'")" = \
    "Dr Shah: Third fall this month" ] || fail "who escalated, why"
mdt rising >"$E2E_TMP/out"
grep -q "Rising-risk register: 1 patient," "$E2E_TMP/out" || fail "after removal: $(cat "$E2E_TMP/out")"
pass "rising escalate (a candidate of the next meeting; one not traced refused) and remove, their events kept"

# ---- stored hostile text comes out escaped -----------------------------
sql "UPDATE rising_risk SET reason = 'a' || char(27) || ']2;pwned' || char(7) || char(8238) || 'b',
    added_by = 'x' || char(155) || '31m'"
for f in txt csv json; do
	mdt rising --unmask --format $f >"$E2E_TMP/out.$f" || fail "rising --format $f"
	LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]' "$E2E_TMP/out.$f" &&
	    fail "a control or bidi control came out in $f"
done
jqr '.register | length' "$E2E_TMP/out.json" >/dev/null || fail "the JSON does not parse"
pass "hostile text stored by an older version comes out escaped in every format"
