#!/bin/bash
# untraced.sh - a referral whose NHS number is not known is held, not
# refused, across two meetings in a real terminal: referred with
# --untraced, it is a candidate of meeting 1 flagged "not traced" that
# cannot go on the agenda (Space says why); deferred, meeting 1 closed;
# traced on the command line (a wrong check digit refused first); on
# meeting 2's preparation it comes forward with its NHS number, and goes
# on the agenda.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }

FIRST=$(mdt schedule --title "MDT one" --date +0 --time 00:00) || fail "schedule"
set +e
mdt refer --by "Care navigator" --service "Homeless health" --reason "No GP" >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "refer without a number nor --untraced exits $rc"
grep -q "or --untraced when it is not yet known" "$E2E_TMP/err" || fail "refer says: $(cat "$E2E_TMP/err")"
mdt refer --untraced --name "Cal Rowe" --dob 1961-05-09 --by "Care navigator" \
    --service "Homeless health" --reason $'No GP; falls at the hostel' \
    >/dev/null 2>"$E2E_TMP/err" || fail "refer --untraced"
grep -q "held under L000000001, not traced" "$E2E_TMP/err" || fail "refer --untraced says: $(cat "$E2E_TMP/err")"
mdt referrals | grep -q "^ routine C\.R\., born 1961, not traced (L000000001)$" ||
    fail "the queue: $(mdt referrals)"
pass "refer --untraced holds the patient under a local identifier, flagged in the queue"

tui_start --db "$DB" prepare "$FIRST"
wait_for "Cal Rowe"
wait_for "L000000001"
wait_for "Not traced: no agenda until 'mdtchair trace L000000001 NHS'"
keys Space
wait_for "not traced: trace the NHS number first"
keys D
wait_for "Defer - reason:"
type_text "Not traced yet"
keys Enter
wait_for "Deferred: Not traced yet"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
[ "$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM slots")" = 0 ] || fail "an untraced patient went on the agenda"
pass "meeting 1: not traced, refused a place on the agenda with the reason on screen; deferred"

tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda"
meeting_start
meeting_close_quit

set +e
mdt trace L1 9434765918 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "a wrong check digit exits $rc"
grep -q "Modulus 11 check digit); nothing saved" "$E2E_TMP/err" || fail "trace says: $(cat "$E2E_TMP/err")"
mdt trace L1 "943 476 5919" 2>"$E2E_TMP/err" || fail "trace"
grep -q "L000000001 traced" "$E2E_TMP/err" || fail "trace says: $(cat "$E2E_TMP/err")"
mdt audit | grep -q "patient_trace" || fail "the trace is not audited"

SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule the second"
tui_start --db "$DB" prepare "$SECOND"
wait_for "Cal Rowe"
wait_for "943 476 5919"
wait_for "deferred 1x ("
screen | grep -qE "deferred 1x \([0-9]{4}-[0-9]{2}-[0-9]{2}: Not traced yet\)" ||
    fail "the deferral's day and reason: $(screen | grep deferred)"
screen | grep -q "L000000001" && fail "the local identifier is still shown"
keys Space
wait_for "1 on the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 2: traced, it came forward with its NHS number and its deferral, and goes on the agenda"

# A referral list whose row has no NHS number: held the same way, not
# refused; the same row again is the same patient; a wrong check digit
# on the list, or an escape in a field, is still refused, nothing imported.
printf 'nhs_number,name,date_of_birth,practice,reason,referred_by\n,Dee Vance,1938-05-06,Out of area,"No GP; carer \033[2Junwell",Ben Okafor\n' >"$E2E_TMP/list.csv"
printf 'nhs_number,name,date_of_birth,practice,reason,referred_by\n9434765918,Fay Dunn,1944-01-01,,Falls,Ben Okafor\n' >"$E2E_TMP/typo.csv"
set +e
mdt import --list referral --meeting "$SECOND" "$E2E_TMP/typo.csv" >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a wrong check digit on a list exits $rc"
grep -q "typo.csv:2: NHS number 943 476 5918 has a wrong check digit" "$E2E_TMP/err" || fail "import says: $(cat "$E2E_TMP/err")"
set +e
mdt import --list referral --meeting "$SECOND" "$E2E_TMP/list.csv" >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "an escape in a field exits $rc"
grep -q "list.csv:2: field 5 " "$E2E_TMP/err" || fail "import says: $(cat "$E2E_TMP/err")"
sed -i 's/\x1b\[2J//' "$E2E_TMP/list.csv"
mdt import --list referral --meeting "$SECOND" "$E2E_TMP/list.csv" >/dev/null 2>"$E2E_TMP/err" || fail "import: $(cat "$E2E_TMP/err")"
grep -q "1 referral with no NHS number held under a local identifier" "$E2E_TMP/err" || fail "import says: $(cat "$E2E_TMP/err")"
mdt import --list referral --meeting "$SECOND" "$E2E_TMP/list.csv" >/dev/null 2>&1 || fail "import again"
[ "$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM patients WHERE name = 'Dee Vance'")" = 1 ] || fail "imported twice, two patients"
mdt referrals | grep -q "^ routine D\.V\., born 1938, not traced (L000000002)$" || fail "the queue: $(mdt referrals)"
tui_start --db "$DB" prepare "$SECOND"
wait_for "Dee Vance"
wait_for "L000000002"
keys Down
wait_for "Not traced: no agenda until 'mdtchair trace L000000002 NHS'"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "a referral list's row with no NHS number: held under L000000002, flagged on preparation, imported twice one patient; a typo refused"
