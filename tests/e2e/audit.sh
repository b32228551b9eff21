#!/bin/bash
# audit.sh - the audit log for information governance: opening the chair's
# screens, the preparation screen and the projector, changes and printed minutes and agendas are logged with who and
# when, listed oldest first (all, one meeting, or since a day), and no
# line holds a patient's name or NHS number.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
# a pause, an extension, someone marked present: named as on screen
keys p
wait_for "Paused:"
keys p +
wait_for "Extended by a minute"
keys 2
wait_for "Not marked: 10"
keys Space
wait_for "Present: 1"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
# The preparation screen and the projector are openings too.
tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation:"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit prepare with 0"
tui_start --db "$DB" chair
wait_for "Slot 1 of 12"
pres_start --db "$DB" present --unmask
pres_wait_for "Agenda"
pres_keys q
[ "$(pres_wait_exit)" = 0 ] || fail "q did not exit the projector with 0"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" --format json >/dev/null
"$MDTCHAIR" --db "$DB" agenda "$MEETING" --format txt >/dev/null

"$MDTCHAIR" --db "$DB" audit >"$E2E_TMP/audit" || fail "audit failed"
# Five tab-separated fields a line: time, user, action, entity, detail.
awk -F'\t' 'NF != 5 { exit 1 }' "$E2E_TMP/audit" ||
    fail "an audit line is not five fields: $(cat "$E2E_TMP/audit")"
line_of() { grep -n -P -- "$1" "$E2E_TMP/audit" | head -1 | cut -d: -f1; }
demo=$(line_of '\tdemo_create\tmeeting ')
open=$(line_of '\topen\tmeeting [0-9a-f-]{36}\tchair$')
next=$(line_of '\tslot_next\tmeeting ')
mins=$(line_of '\texport\tmeeting [0-9a-f-]{36}\tminutes json$')
agenda=$(line_of '\texport\tmeeting [0-9a-f-]{36}\tagenda txt$')
prep=$(line_of '\topen\tmeeting [0-9a-f-]{36}\tprepare$')
proj=$(line_of '\topen\tmeeting [0-9a-f-]{36}\tprojector, unmasked$')
for v in demo open next prep proj mins agenda; do
	[ -n "${!v}" ] || fail "the audit log has no $v row: $(cat "$E2E_TMP/audit")"
done
[ "$demo" -lt "$open" ] && [ "$open" -lt "$next" ] && [ "$next" -lt "$prep" ] &&
    [ "$prep" -lt "$proj" ] && [ "$proj" -lt "$mins" ] &&
    [ "$mins" -lt "$agenda" ] || fail "the audit log is not oldest first"
grep -qP '^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\t'"${USER:-${LOGNAME:-unknown}}"'\t' "$E2E_TMP/audit" ||
    fail "audit lines do not start with the time and the user"
pass "opening, changes and exports are in the audit log, oldest first"

# Slots and people named as the screens show them, never by row id.
first=$("$SQLITE3_BIN" "$DB" "SELECT p.name FROM attendance a JOIN people p ON p.id = a.person_id WHERE a.status = 'present'")
grep -qP "\tattendance_set\tattendance [0-9a-f-]{36}\t\Q$first\E: present" "$E2E_TMP/audit" ||
    fail "the register's change does not name $first: $(grep attendance_set "$E2E_TMP/audit")"
grep -qP '\tslot_pause\tslot [0-9a-f-]{36}\tslot #1$' "$E2E_TMP/audit" &&
    grep -qP '\tslot_extend\tslot [0-9a-f-]{36}\tslot #1: \+60 s' "$E2E_TMP/audit" ||
    fail "the slot is not named by its place on the agenda: $(grep slot_ "$E2E_TMP/audit")"
grep -P '\t[^\t]*\b(slot|owner|person) [0-9]+\b[^\t]*$' "$E2E_TMP/audit" &&
    fail "an audit detail names a row id"
pass "the audit log names slots by agenda place and people by name"

# No patient data: no name or NHS number of any patient appears.
"$SQLITE3_BIN" "$DB" "SELECT name FROM patients; SELECT nhs_number FROM patients;" >"$E2E_TMP/pii"
[ -s "$E2E_TMP/pii" ] || fail "the demo has no patients"
while read -r v; do
	grep -qF -- "$v" "$E2E_TMP/audit" && fail "the audit log holds patient data '$v'"
done <"$E2E_TMP/pii"
pass "the audit log holds no patient names or NHS numbers"

# One meeting; since a day.
"$MDTCHAIR" --db "$DB" audit "$MEETING" >"$E2E_TMP/one" || fail "audit MEETING failed"
grep -qP '\topen\t' "$E2E_TMP/one" && grep -qP '\tslot_next\t' "$E2E_TMP/one" ||
    fail "audit MEETING lacks the meeting's rows"
"$MDTCHAIR" --db "$DB" audit --since 2000-01-01 | cmp -s - "$E2E_TMP/audit" ||
    fail "--since 2000-01-01 is not the whole log"
[ -z "$("$MDTCHAIR" --db "$DB" audit --since 2999-01-01)" ] ||
    fail "--since a future day listed rows"
set +e
"$MDTCHAIR" --db "$DB" audit --since yesterday >/dev/null 2>&1; rc=$?
"$MDTCHAIR" --db "$DB" audit 9999 >/dev/null 2>"$E2E_TMP/err"; rc2=$?
set -e
[ "$rc" = 2 ] || fail "a bad --since exited $rc, not 2"
[ "$rc2" = 1 ] || fail "an unknown meeting exited $rc2, not 1"
pass "audit filters by meeting and by day and refuses bad arguments"
