#!/bin/bash
# prep-cursor.sh - on the preparation screen Space puts a patient on the
# agenda or takes them off, and the row keeps its place: "k Space k Space"
# marks the two patients above the cursor, "j Space j Space" the two below,
# and "Space Space" gives back what it took; no repeated key lands on a
# patient the chair did not see there.  Checked on screen and in the record.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

"$MDTCHAIR" --db "$DB" init >/dev/null 2>&1 || true
MEETING=$("$MDTCHAIR" --db "$DB" schedule --title "MDT next week" --date +7 --minutes 60 | tail -n 1)
[ -n "$MEETING" ] || fail "schedule printed no meeting id"
printf 'nhs_number,name,date_of_birth,admitted\n%s\n%s\n%s\n%s\n%s\n' \
    '9434765919,Ann Able,1950-02-03,2026-11-20' \
    '9449305552,Ben Baker,1938-12-01,2026-11-22' \
    '9000000009,Cat Cole,1944-07-19,2026-11-21' \
    '9990000018,Dan Dee,1941-01-05,2026-11-23' \
    '9999939082,Eve East,1939-03-09,2026-11-24' >"$E2E_TMP/inpatients.csv"
"$MDTCHAIR" --db "$DB" import --list inpatient "$E2E_TMP/inpatients.csv" --meeting "$MEETING" >/dev/null ||
    fail "import of the inpatients"

on_agenda() {
	"$SQLITE3_BIN" "$DB" "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id
	    WHERE s.meeting_id = $MEETING ORDER BY p.name" | tr '\n' ' '
}
# rows: the patients' names in the order the screen lists them.
rows() { screen | grep -oE '\[[x ]\] +[-0-9d ]+ [A-Z][a-z]+ [A-Z][a-z]+' | sed -E 's/.* ([A-Z][a-z]+ [A-Z][a-z]+)$/\1/'; }

tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation: 5 candidates, 0 on the agenda"
mapfile -t before < <(rows)
[ "${#before[@]}" = 5 ] || fail "five rows expected, saw ${#before[@]}"

# twice KEY: KEY Space twice, each seen to change the agenda (N1, then N2
# on it); want I J: the names of rows I and J as on_agenda lists them.
twice() {
	keys ${1:+"$1"} Space
	wait_for "$2 on the agenda"
	keys ${1:+"$1"} Space
	wait_for "$3 on the agenda"
}
want() { printf '%s\n' "${before[$1]}" "${before[$2]}" | sort | tr '\n' ' '; }

# From the fourth row, k Space k Space: the third and the second.
keys j j j
sleep 0.2
twice k 1 2
want=$(want 2 1)
[ "$(on_agenda)" = "$want" ] ||
    fail "k Space k Space from row 4 put '$(on_agenda)' on the agenda, not '$want'"
mapfile -t after < <(rows)
[ "${after[*]}" = "${before[*]}" ] || fail "the rows moved: ${after[*]}"
pass "k Space k Space marks the two rows above, and the rows keep their place"

# j Space j Space from there (the second row): the third is taken off again,
# the fourth put on.
twice j 1 2
want=$(want 1 3)
[ "$(on_agenda)" = "$want" ] ||
    fail "j Space j Space put '$(on_agenda)' on the agenda, not '$want'"
pass "j Space j Space acts on the two rows below"

# Space Space on one row gives back what it did.
twice "" 1 2
[ "$(on_agenda)" = "$want" ] || fail "Space Space changed the agenda: '$(on_agenda)'"
pass "Space Space on a row puts it back as it was"

# Leaving and coming back arranges the list: the agenda's patients first.
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
tui_start --db "$DB" prepare "$MEETING"
wait_for "Preparation: 5 candidates, 2 on the agenda"
mapfile -t again < <(rows)
first=$(printf '%s\n' "${again[0]}" "${again[1]}" | sort | tr '\n' ' ')
[ "$first" = "$want" ] || fail "reopened, the agenda's patients are not first: ${again[*]}"
pass "reopened, the list is arranged with the agenda first"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
