#!/bin/bash
# picker.sh - the one picker, with thirteen people present (more than
# nine rows): "1" "1" types "11" to find, picks nobody and types nothing
# into what comes next; the eleventh row is picked with the arrows; typing
# finds by name, role or organisation, case apart, accents included;
# someone new is offered with what was typed; a character the input policy
# bans is refused with its message, in the picker and in the new person's
# name; the key contact picker is the same (present first, digits typed).
# Short lists (consent: three rows) still pick with a digit.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
for who in "Zara Quinn|Hospital pharmacist|Guy's and St Thomas'" \
    "Émile Durand|Student nurse|King's College London" \
    "Yusuf Ali|Housing officer|Lambeth Housing"; do
	IFS='|' read -r name role org <<<"$who"
	id=$("$MDTCHAIR" --db "$DB" people add "$name" --role "$role" --org "$org")
	"$MDTCHAIR" --db "$DB" register add "$MEETING" "$id"
done
sql "UPDATE attendance SET status = 'present', confidentiality_ack = 1"
[ "$(sql "SELECT count(*) FROM attendance WHERE meeting_id = $MEETING AND status = 'present'")" = 13 ] ||
    fail "thirteen are not present"
# the eleventh of those present, in the picker's order (by name)
eleventh=$(sql "SELECT p.name FROM attendance a JOIN people p ON p.id = a.person_id
    WHERE a.meeting_id = $MEETING ORDER BY p.name, p.id LIMIT 1 OFFSET 10")

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
first_slot
pass "a list of three rows still picks with a digit"

keys a
wait_for "Action:"
type_text "Medication review"
keys Enter
wait_for "Owner (present first)"
screen | grep -qE "[│|]>? +1  Ade Okonkwo" && fail "rows are numbered in a list of more than nine"
keys 1 1
wait_for "Find: 11"
wait_for "New: 11"
screen | grep -qF "Due (YYYY-MM-DD" && fail "a digit picked from a list of more than nine"
[ "$(sql "SELECT count(*) FROM actions")" = 0 ] || fail "an action was saved by digits"
keys C-u
wait_gone "Find: 11"
wait_for "Ade Okonkwo (Social worker"
pick_row 11
wait_for "Due (YYYY-MM-DD"
type_text "+7"
keys Enter
wait_for "Action saved: $eleventh, due"
pass "digits do not pick from thirteen; the eleventh picked with the arrows ($eleventh)"

keys a
wait_for "Action:"
type_text "Check the discharge medicines"
keys Enter
wait_for "Owner (present first)"
type_text "PHARMACIST"
wait_for "Hamza Qureshi (Clinical pharmacist"
wait_for "Zara Quinn (Hospital pharmacist"
screen | grep -qF "Ade Okonkwo (" && fail "the filter by role keeps someone of another role"
keys C-u
type_text "king's college"
wait_for "Émile Durand (Student nurse"
screen | grep -qF "Zara Quinn (" && fail "the filter by organisation keeps another organisation"
keys C-u
type_text "ÉMILE"
wait_for "Émile Durand (Student nurse"
screen | grep -qF "Ade Okonkwo (" && fail "the filter by an accented name, in capitals, keeps others"
type_text $'\u202e'
wait_for "<U+202E> cannot be typed here"
wait_for "Find: ÉMILE"
keys Enter
wait_for "Due (YYYY-MM-DD"
keys Enter
wait_for "Action saved: Émile Durand, due"
pass "typing finds by role, organisation and accented name, case apart; a bidi control refused"

# Someone new, with the name typed to find.
keys a
wait_for "Action:"
type_text "Housing repair letter"
keys Enter
wait_for "Owner (present first)"
type_text "Kofi Boateng"
wait_for "New: Kofi Boateng"
keys Enter
wait_for "New person's name: Kofi Boateng"
keys End
type_text $'\u202e'
wait_for "<U+202E> cannot be typed here"
keys Enter
wait_for "Their organisation"
type_text "Lambeth Housing"
keys Enter
wait_for "Their role"
keys Enter
wait_for "Due (YYYY-MM-DD"
keys Enter
wait_for "Action saved: Kofi Boateng, due"
[ "$(sql "SELECT count(*) FROM people WHERE name = 'Kofi Boateng' AND organisation = 'Lambeth Housing'")" = 1 ] ||
    fail "Kofi Boateng was not added as typed"
# Esc in the name cancels: nobody is added.
keys a
wait_for "Action:"
type_text "Nobody new"
keys Enter
wait_for "Owner (present first)"
keys End Enter
wait_for "New person's name:"
type_text "Eve"
keys Escape
wait_for "Cancelled"
[ "$(sql "SELECT count(*) FROM people WHERE name LIKE 'Eve%'")" = 0 ] || fail "Esc added someone"
pass "someone new from what was typed; a bidi control refused in the name; Esc adds nobody"

# The key contact picker: the same picker, those present first.
keys K
wait_for "Key contact"
screen | grep -A2 "Find:" | grep -qF "Ade Okonkwo (Social worker" ||
    fail "the key contact picker does not list those present first"
keys Home 1 2
wait_for "Find: 12"
screen | grep -qF "Key contact:" && fail "a digit picked a key contact"
keys Escape
wait_for "Cancelled"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "the key contact picker is the same: present first, digits typed"

# From the command line, hostile names are refused with the policy's
# message: an escape, a right-to-left override, a line break.
for bad in $'Eve\e[31m' $'Eve\u202e' $'Eve\nAdams'; do
	set +e
	"$MDTCHAIR" --db "$DB" people add "$bad" 2>"$E2E_TMP/err"; rc=$?
	set -e
	[ "$rc" = 2 ] || [ "$rc" = 1 ] || fail "a hostile name exited $rc"
	grep -qE "a control character|a bidirectional control" "$E2E_TMP/err" ||
	    fail "a hostile name was not refused with the policy's message: $(cat "$E2E_TMP/err")"
done
[ "$(sql "SELECT count(*) FROM people WHERE name LIKE 'Eve%'")" = 0 ] || fail "a hostile name was added"
pass "hostile names refused with the policy's message"
