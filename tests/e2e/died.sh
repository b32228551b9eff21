#!/bin/bash
# died.sh - 'mdtchair died' on the command line: a wrong check digit, an
# unknown patient, a date in the future and hostile option values are
# refused with a clear message and nothing saved; a patient with open
# actions is refused until --actions says keep or cancel; then the death,
# the follow-up with the relatives, and a second death refused with its
# date.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }
# state: what a death writes, in one line to compare
state() { sql "SELECT (SELECT count(*) FROM deaths), (SELECT count(*) FROM actions),
    (SELECT count(*) FROM actions WHERE status = 'cancelled'),
    (SELECT count(*) FROM audit), (SELECT count(*) FROM outbox)"; }
# refused RC TEXT ARGS...: died ARGS exits RC, says TEXT, saves nothing
refused() {
	local want=$1 text=$2 rc=0 before
	shift 2
	before=$(state)
	"$MDTCHAIR" --db "$DB" died "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
	[ "$rc" = "$want" ] || fail "died $* exited $rc, not $want: $(cat "$E2E_TMP/err")"
	grep -qF -- "$text" "$E2E_TMP/err" || fail "died $* does not say '$text': $(cat "$E2E_TMP/err")"
	if grep -q $'\e' "$E2E_TMP/err"; then fail "died $* echoes an escape"; fi
	[ "$(state)" = "$before" ] || fail "died $* saved something"
}

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
PT=$(sql "SELECT patient_id FROM slots WHERE meeting_id = $MEETING AND position = 1")
NHS=$(sql "SELECT nhs_number FROM patients WHERE id = $PT")
WRONG=${NHS:0:9}$(( (${NHS:9:1} + 1) % 10 ))
MARTA=$(sql "SELECT id FROM people WHERE name = 'Marta Kowalczyk'")

refused 1 "check digit" "$WRONG" --date 2026-01-02 --actions keep
refused 1 "no patient with NHS number 401 023 2137" 4010232137 --date 2026-01-02
refused 1 "in the future" "$NHS" --date 2099-01-01
refused 1 "in the future" "$NHS" --date +1
refused 1 'date of death "2026-02-30"' "$NHS" --date 2026-02-30
refused 2 "--place is home, hospital, care-home, hospice or other" \
    "$NHS" --date 2026-01-02 --place $'home\e[2J'
refused 2 "--place is home" "$NHS" --date 2026-01-02 --place "'; DROP TABLE deaths; --"
refused 2 "--owner holds \\x1b, a control character" "$NHS" --date 2026-01-02 --owner $'1\e]0;x\a'
refused 2 "--owner is an id from 'mdtchair people'" "$NHS" --date 2026-01-02 --owner -1
refused 2 "--expected is yes or no" "$NHS" --date 2026-01-02 --expected maybe
refused 2 "an NHS number and --date are needed" "$NHS"
refused 2 "an argument holds \\x1b, a control character" $'999\e[31m' --date 2026-01-02
pass "a wrong number, an unknown patient, a future date and hostile values are refused, nothing saved"

# ---- open actions: say keep or cancel.
sql "INSERT INTO actions (uuid, patient_id, slot_id, text, owner_id, due_date,
    created_at) VALUES ('e2e-a1', $PT, NULL, 'Falls assessment', $MARTA,
    '2027-01-01', 0), ('e2e-a2', $PT, NULL, 'Medication review', $MARTA,
    '2027-01-01', 0)"
refused 1 "2 open actions: say keep (reviewed at the next meeting) or cancel" \
    "$NHS" --date 2026-01-02
sql "UPDATE patients SET key_contact_id = NULL WHERE id = $PT"
refused 1 "no key contact: say who follows up with the relatives (--owner PERSON)" \
    "$NHS" --date 2026-01-02 --actions cancel
"$MDTCHAIR" --db "$DB" died "$NHS" --date 2026-01-02 --place care-home \
    --expected no --actions cancel --owner "$MARTA" >"$E2E_TMP/out" ||
    fail "died --actions cancel failed"
grep -qF "death recorded; the follow-up with the relatives is due in 7 days" "$E2E_TMP/out" || fail "no confirmation: $(cat "$E2E_TMP/out")"
[ "$(sql "SELECT died_on || ' ' || place || ' ' || expected FROM deaths WHERE patient_id = $PT")" = "2026-01-02 care-home 0" ] ||
    fail "the death is not recorded as given"
[ "$(sql "SELECT group_concat(status) FROM actions WHERE uuid LIKE 'e2e-a%'")" = "cancelled,cancelled" ] ||
    fail "the open actions were not cancelled"
[ "$(sql "SELECT owner_id || ' ' || coalesce(slot_id, 'none') FROM actions WHERE kind = 'contact_relatives'")" = "$MARTA none" ] ||
    fail "the follow-up is not Marta's, outside any slot"
"$MDTCHAIR" --db "$DB" actions --owner Marta | grep -qF "Contact the relatives to offer support and follow up" ||
    fail "Marta's list lacks the follow-up"
pass "--actions cancel cancels the open actions; the follow-up goes to --owner"

refused 1 "the death is recorded already (died on 2026-01-02)" "$NHS" --date 2026-01-03 --actions keep
pass "a death recorded already is refused with its date"
