#!/bin/bash
# referrals.sh - the referral queue from the command line: a referral
# raised with 'refer' (a wrong check digit refused with exit 2 and nothing
# saved), listed by 'referrals' masked (no name) and unmasked (audited as
# such) in text, CSV and JSON, the same patient referred again updating
# the open referral, and 'referrals withdraw' taking it out with a reason.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$(mdt schedule --title "Larkhall MDT" --date +7) || fail "schedule"

# ---- a wrong check digit: refused, nothing saved ----------------------
set +e
mdt refer 9434765918 --name "Ann Example" --by "Dr Mensah" --service "GP" \
    --reason "Falls" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "a wrong check digit exits $rc, not 2"
grep -q "not a valid NHS number" "$E2E_TMP/err" ||
    fail "no clear message: $(cat "$E2E_TMP/err")"
[ ! -s "$E2E_TMP/out" ] || fail "a refused referral printed an id"
[ "$(sql "SELECT count(*) FROM referrals")" = 0 ] || fail "a referral was saved"
[ "$(sql "SELECT count(*) FROM patients")" = 0 ] || fail "a patient was saved"
set +e
mdt refer 9434765919 --name "Ann Example" --reason "Falls" 2>"$E2E_TMP/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "a referral without referrer and service exits $rc"
pass "a wrong check digit or a missing referrer: exit 2, a clear reason, nothing saved"

# ---- raised, listed masked and unmasked --------------------------------
id=$(mdt refer "943 476 5919" --name "Ann Example" --dob 1950-02-03 \
    --by "Dr Kwame Mensah" --service "Larkhall Green Practice" \
    --reason "Falls, lives alone" --urgency urgent --consent given) ||
    fail "refer"
[ "$id" = 1 ] || fail "refer printed '$id'"
[ "$(sql "SELECT count(*) FROM candidates c JOIN patients p ON p.id = c.patient_id
    WHERE p.nhs_number = '9434765919' AND c.meeting_id = $MEETING AND (c.lists & 2) <> 0")" = 1 ] ||
    fail "the referral is not a candidate of the next meeting"
mdt referrals >"$E2E_TMP/out" || fail "referrals"
grep -q "Referrals waiting: 1" "$E2E_TMP/out" || fail "the queue: $(cat "$E2E_TMP/out")"
grep -q "A.E., born 1950, NHS \*\*\*-\*\*\*-\*919" "$E2E_TMP/out" || fail "not masked: $(cat "$E2E_TMP/out")"
grep -q "Ann\|Example\|9434765919\|943 476 5919" "$E2E_TMP/out" && fail "the masked list names the patient"
grep -q "urgent" "$E2E_TMP/out" || fail "no urgency"
grep -q "Dr Kwame Mensah (Larkhall Green Practice): Falls, lives alone" "$E2E_TMP/out" ||
    fail "no referrer, service and reason: $(cat "$E2E_TMP/out")"
grep -q "deferred 0x, consent given" "$E2E_TMP/out" || fail "no deferrals or consent"
mdt referrals --format csv >"$E2E_TMP/out.csv" || fail "referrals --format csv"
head -n 1 "$E2E_TMP/out.csv" | grep -q "^patient,urgency,raised,days_waited,referrer,service" ||
    fail "the CSV header: $(head -n 1 "$E2E_TMP/out.csv")"
grep -q "Ann" "$E2E_TMP/out.csv" && fail "the masked CSV names the patient"
mdt referrals --format json --unmasked >"$E2E_TMP/out.json" || fail "referrals --format json"
[ "$(jqr '.referrals[0].patient.name' "$E2E_TMP/out.json")" = "Ann Example" ] ||
    fail "the unmasked JSON: $(cat "$E2E_TMP/out.json")"
[ "$(jqr '.referrals[0].service' "$E2E_TMP/out.json")" = "Larkhall Green Practice" ] || fail "service"
[ "$(jqr '.masked' "$E2E_TMP/out.json")" = false ] || fail "masked flag"
mdt audit >"$E2E_TMP/audit"
grep -q "export.*referrals txt$" "$E2E_TMP/audit" || fail "the masked listing is not audited"
grep -q "export.*referrals json unmasked" "$E2E_TMP/audit" || fail "the unmasked listing is not audited as unmasked"
grep -q "referral_raise" "$E2E_TMP/audit" || fail "the referral is not audited"
pass "refer: raised, a candidate of the next meeting; referrals masked (no name) and unmasked (audited so) as text, CSV and JSON"

# ---- referred again: the open referral updated, never a second ----------
mdt refer 9434765919 --by "Matron Ruth Hale" --service "Community nursing" \
    --reason "Weight loss" 2>"$E2E_TMP/err" >/dev/null || fail "refer again"
grep -q "open referral was updated" "$E2E_TMP/err" || fail "no word of the update"
[ "$(sql "SELECT count(*) FROM referrals")" = 1 ] || fail "a second referral of the same patient"
[ "$(sql "SELECT reason || '/' || urgency FROM referrals")" = "Weight loss/urgent" ] ||
    fail "the open referral: $(sql "SELECT reason, urgency FROM referrals")"
pass "the same patient referred again updates the open referral"

# ---- withdrawn with a reason -------------------------------------------
set +e
mdt referrals withdraw 9434765919 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "withdraw without a reason exits $rc"
mdt referrals withdraw 9434765919 --reason "Moved out of the area" || fail "withdraw"
mdt referrals >"$E2E_TMP/out"
grep -q "Referrals waiting: 0" "$E2E_TMP/out" || fail "still listed: $(cat "$E2E_TMP/out")"
set +e
mdt referrals withdraw 9434765919 --reason "Again" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "withdrawing twice exits $rc"
grep -q "no open referral" "$E2E_TMP/err" || fail "withdrawing twice: $(cat "$E2E_TMP/err")"
mdt audit | grep -q "referral_withdraw" || fail "the withdrawal is not audited"
[ "$(sql "SELECT defer_reason FROM candidates WHERE meeting_id = $MEETING")" = "referral withdrawn: Moved out of the area" ] ||
    fail "its candidate still waits for a decision"
pass "withdraw: with a reason only, audited, out of the queue and off the agenda's waiting list"
