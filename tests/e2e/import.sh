#!/bin/sh
# import.sh - pre-meeting lists from the command line: scheduling a
# meeting, importing a list (exit status, every bad row on stderr as
# FILE:LINE: reason, nothing imported), --skip-invalid and its rejects file,
# the same file twice, two lists merged per patient, an empty file, usage
# errors, and the agenda masked by default and unmasked on request.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" "$DB" "$1"; }
mdt() { "$MDTCHAIR" --db "$DB" "$@"; }

# ---- a meeting to import into ----
MEETING=$(mdt schedule --title "Larkhall MDT" --date 2026-12-02 --time 13:30 \
    --venue "Riverside Surgery" --minutes 75) || fail "schedule"
[ "$MEETING" = 1 ] || fail "schedule printed '$MEETING', not 1"
[ "$(stat -c %a "$DB")" = 600 ] || fail "schedule made the database with mode $(stat -c %a "$DB")"
mdt meetings | grep -q "^1  2026-12-02  planned  Larkhall MDT$" || fail "meetings does not list it"
set +e
mdt schedule --title "No date" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "schedule without --date exits $rc"
set +e
mdt schedule --title X --date 2026-02-30 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "schedule with a bad date exits $rc"
grep -q "not a valid date" "$E2E_TMP/err" || fail "bad date message: $(cat "$E2E_TMP/err")"
pass "schedule makes a planned meeting and prints its id"

# ---- bad rows: every one reported, nothing imported ----
bad="$E2E_TMP/referrals.csv"
printf '\357\273\277nhs_number,name,date_of_birth,practice,reason,referred_by\r\n' >"$bad"
printf '9993395633,Zoë Adébáyọ̀,1941-03-14,Larkhall,"Falls, three in six weeks",Dr Mensah\r\n' >>"$bad"
printf '9434765918,Wrong Check,1950-01-01,Riverside,Memory,Marta\r\n' >>"$bad"
printf '9999939082,Arthur Pennington,1936-13-02,Riverside,Calls,Ade\r\n' >>"$bad"
printf '9991581766,,1952-07-21,Larkhall,Home,Ade\r\n' >>"$bad"
printf '"999 414 0027",Dennis O'"'"'Driscoll,1948-01-30,Riverside,"COPD; ""four"" A&E visits",Hamza\r\n' >>"$bad"
set +e
mdt import --list referral "$bad" >"$E2E_TMP/out" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "import of bad rows exits $rc, not 1"
[ ! -s "$E2E_TMP/out" ] || fail "import of bad rows printed on stdout"
cat >"$E2E_TMP/want" <<EOF
$bad:3: NHS number 943 476 5918 has a wrong check digit
$bad:4: date of birth "1936-13-02" is not a date (YYYY-MM-DD)
$bad:5: no name
mdtchair: 3 bad rows in $bad: nothing imported (fix them, or --skip-invalid to import the good rows)
EOF
diff -u "$E2E_TMP/want" "$E2E_TMP/err" || fail "the bad rows are not reported as FILE:LINE: reason"
[ "$(sql 'SELECT count(*) FROM patients')" = 0 ] || fail "a bad file imported patients"
[ "$(sql 'SELECT count(*) FROM candidates')" = 0 ] || fail "a bad file made candidates"
pass "bad rows: exit 1, each as FILE:LINE: reason, nothing imported"

# ---- --skip-invalid: the good rows, and the rejects file ----
mdt import --list referral "$bad" --skip-invalid --meeting 1 >"$E2E_TMP/out" 2>"$E2E_TMP/err" ||
    fail "import --skip-invalid exits non-zero: $(cat "$E2E_TMP/err")"
grep -q "^referral list $bad -> meeting 1: 5 rows: 2 new, 0 merged, 0 updated, 0 unchanged, 0 duplicates, 3 rejected; 2 new patients" "$E2E_TMP/out" ||
    fail "summary: $(cat "$E2E_TMP/out")"
[ "$(wc -l <"$E2E_TMP/out")" = 1 ] || fail "the summary is not one line"
rej="$E2E_TMP/referrals.rejects.csv"
[ -f "$rej" ] || fail "no rejects file at $rej"
grep -q "referrals.rejects.csv" "$E2E_TMP/err" || fail "stderr does not name the rejects file"
cat >"$E2E_TMP/want" <<'EOF'
"nhs_number","name","date_of_birth","practice","reason","referred_by","error"
"9434765918","Wrong Check","1950-01-01","Riverside","Memory","Marta","NHS number 943 476 5918 has a wrong check digit"
"9999939082","Arthur Pennington","1936-13-02","Riverside","Calls","Ade","date of birth ""1936-13-02"" is not a date (YYYY-MM-DD)"
"9991581766","","1952-07-21","Larkhall","Home","Ade","no name"
EOF
tr -d '\r' <"$rej" | diff -u "$E2E_TMP/want" - || fail "rejects file contents"
[ "$(sql 'SELECT count(*) FROM patients')" = 2 ] || fail "not two patients after --skip-invalid"
[ "$(sql "SELECT reason FROM list_entries e JOIN candidates c ON c.id = e.candidate_id JOIN patients p ON p.id = c.patient_id WHERE p.nhs_number = '9994140027'")" = 'COPD; "four" A&E visits' ] ||
    fail "quoted field not read back"
mdt import --list referral "$bad" --skip-invalid --rejects "$E2E_TMP/r2.csv" >/dev/null 2>&1 ||
    fail "--rejects PATH"
[ "$(wc -l <"$E2E_TMP/r2.csv")" = 4 ] || fail "--rejects PATH was not written"
pass "--skip-invalid imports the good rows and writes the bad ones, with reasons, to the rejects file"

# ---- the same file twice changes nothing ----
before=$(sql 'SELECT (SELECT count(*) FROM patients) || "/" || (SELECT count(*) FROM candidates) || "/" || (SELECT count(*) FROM audit)')
mdt import --list referral "$bad" --skip-invalid --force >"$E2E_TMP/out" 2>/dev/null
grep -q ": 5 rows: 0 new, 0 merged, 0 updated, 2 unchanged, 0 duplicates, 3 rejected; 0 new patients" "$E2E_TMP/out" ||
    fail "second import summary: $(cat "$E2E_TMP/out")"
after=$(sql 'SELECT (SELECT count(*) FROM patients) || "/" || (SELECT count(*) FROM candidates) || "/" || (SELECT count(*) FROM audit)')
[ "$before" = "$after" ] || fail "the second import changed the record ($before -> $after)"
pass "importing the same file again changes nothing"

# ---- another list merges per patient ----
inp="$E2E_TMP/inpatients.csv"
printf 'nhs_number,name,date_of_birth,admitted\n9993395633,Zoë Adébáyọ̀,1941-03-14,2026-11-20\n9990608164,Edith Marsh,1929-06-06,2026-11-23\n' >"$inp"
mdt import --list inpatient "$inp" >"$E2E_TMP/out" || fail "inpatient import"
grep -q ": 2 rows: 1 new, 1 merged," "$E2E_TMP/out" || fail "merge summary: $(cat "$E2E_TMP/out")"
[ "$(sql "SELECT lists FROM candidates c JOIN patients p ON p.id = c.patient_id WHERE p.nhs_number = '9993395633'")" = 6 ] ||
    fail "the merged candidate does not carry both lists"
[ "$(sql 'SELECT count(*) FROM candidates')" = 3 ] || fail "merge made a second candidate"
pass "a patient on two lists is one candidate with both flags"

# ---- empty, header only, unknown list, missing file ----
: >"$E2E_TMP/empty.csv"
set +e
mdt import --list caseload "$E2E_TMP/empty.csv" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "an empty file exits $rc"
grep -q "^$E2E_TMP/empty.csv:1: the file is empty" "$E2E_TMP/err" || fail "empty file message: $(cat "$E2E_TMP/err")"
printf 'nhs_number,name,date_of_birth\r\n' >"$E2E_TMP/header.csv"
set +e
mdt import --list caseload "$E2E_TMP/header.csv" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a header-only file exits $rc"
grep -q "header.csv:1: no rows after the header" "$E2E_TMP/err" || fail "header-only message"
set +e
mdt import --list outpatient "$inp" 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "an unknown list exits $rc, not 2"
set +e
mdt import "$inp" 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "import without --list exits $rc, not 2"
set +e
mdt import --list caseload "$E2E_TMP/missing.csv" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "a missing file exits $rc"
grep -q "missing.csv" "$E2E_TMP/err" || fail "a missing file is not named"
set +e
mdt import --list caseload "$inp" --meeting 99 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "an unknown meeting exits $rc"
pass "empty file, header only, unknown list, missing file, unknown meeting"

# ---- the agenda, masked unless asked ----
sql "INSERT INTO people (uuid, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Marta Kowalczyk')"
sql "INSERT INTO slots (uuid, meeting_id, patient_id, position, reason, presenter_id) SELECT '00000000-0000-4000-8000-000000000002', 1, p.id, 1, 'Falls', 1 FROM patients p WHERE nhs_number = '9993395633'"
mdt agenda 1 >"$E2E_TMP/agenda.md" || fail "agenda"
grep -q "^# Agenda: Larkhall MDT$" "$E2E_TMP/agenda.md" || fail "agenda title"
grep -q "^- Date: 2026-12-02, 13:30 to 14:45$" "$E2E_TMP/agenda.md" || fail "agenda date"
grep -q "^- Venue: Riverside Surgery$" "$E2E_TMP/agenda.md" || fail "agenda venue"
grep -qF "| 1 | 13:30 | 6 | Z.A., born 1941, NHS \*\*\*-\*\*\*-\*633 | referral, inpatient | Marta Kowalczyk | Falls, three in six weeks; inpatient since 2026-11-20 |" "$E2E_TMP/agenda.md" ||
    fail "masked agenda row: $(cat "$E2E_TMP/agenda.md")"
grep -qF "D.O., born 1948, NHS \*\*\*-\*\*\*-\*027" "$E2E_TMP/agenda.md" || fail "waiting referral not listed"
if grep -q "Adébáyọ̀\|9993395633\|999 339 5633\|1941-03-14" "$E2E_TMP/agenda.md"; then
	fail "the masked agenda shows an identifier"
fi
mdt agenda 1 --format txt --unmask >"$E2E_TMP/agenda.txt" || fail "agenda --unmask"
grep -qF " 1. 13:30   6 min  Zoë Adébáyọ̀, born 1941-03-14, NHS 999 339 5633" "$E2E_TMP/agenda.txt" ||
    fail "unmasked agenda: $(cat "$E2E_TMP/agenda.txt")"
grep -q "NOT MASKED" "$E2E_TMP/agenda.txt" || fail "the unmasked agenda does not say so"
set +e
mdt agenda 1 --format pdf 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "agenda --format pdf exits $rc"
pass "agenda: masked by default, unmasked on request, md and txt"
