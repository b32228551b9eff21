#!/bin/bash
# elsewhere.sh - a patient's discussion at a meeting held on another
# laptop, shown offline on this one's preparation screen: laptop A chairs
# the demo meeting (its title given an escape and a bidirectional
# override behind the program's back) and sends it to the central record
# (the test FHIR server on 127.0.0.1); laptop B, with the same patients on
# its next agenda, reads the record back ('sync --pull'), and at 80x24
# its preparation screen shows the highlighted patient's "Elsewhere" line,
# the hostile text made harmless, and so does the slot's header when the
# patient is discussed; the masked agenda shows only the day.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

fhir_start
fhir_config
cfg="$E2E_TMP/config.ini"
B_DB=$DB

# Laptop A
DB="$E2E_TMP/a.db"
MEETING_A=$("$MDTCHAIR" --db "$DB" demo --no-open)
"$SQLITE3_BIN" "$DB" "UPDATE meetings SET title = 'Tanner St MDT ' || char(27) ||
    '[31m red ' || char(8238) || 'x <b>|' WHERE id = $MEETING_A" ||
    fail "the title behind the program's back"
demo_step_down_close "$MEETING_A"
"$MDTCHAIR" --db "$DB" --config "$cfg" sync --no-pull 2>"$E2E_TMP/a.err" ||
    fail "laptop A's sync: $(cat "$E2E_TMP/a.err")"
pass "laptop A chaired and sent its meeting"

# Laptop B
DB=$B_DB
MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
"$MDTCHAIR" --db "$DB" --config "$cfg" sync --pull 2>"$E2E_TMP/b.err" ||
    fail "laptop B's pull: $(cat "$E2E_TMP/b.err")"
grep -q "read 1 discussions of the 12 patients of the next agenda (1 requests" "$E2E_TMP/b.err" ||
    fail "laptop B's pull said: $(cat "$E2E_TMP/b.err")"
n=$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM record_discussions")
[ "$n" = 1 ] || fail "laptop B keeps $n discussions, not 1"
pass "laptop B read A's discussion of its next agenda's patient"

# Laptop C: its console reads the record back by itself (no 'sync'), the
# discussions elsewhere with the Tasks, and preparation shows them
C_DB="$E2E_TMP/c.db"
MEETING_C=$("$MDTCHAIR" --db "$C_DB" demo --no-open)
tui_start --db "$C_DB" --config "$cfg" prepare "$MEETING_C"
wait_for "Elsewhere: "
screen | grep -q $'\x1b' && fail "an escape reached laptop C's screen"
n=$("$SQLITE3_BIN" "$C_DB" "SELECT count(*) FROM record_discussions")
[ "$n" = 1 ] || fail "laptop C's console keeps $n discussions, not 1"
keys q
pass "laptop C's console read A's discussion back by itself"

fhir_stop
tui_start --db "$DB" prepare "$MEETING"
wait_for "Elsewhere: "
line=$(screen | grep -F "Elsewhere: ")
today=$(date +%Y-%m-%d)
case $line in
# (the record's narrative leaves out the escape, as XML forbids it, and
# holds U+FFFD for the override)
" Elsewhere: $today Tanner St MDT [31m red "$'\xef\xbf\xbd'"x <b>| at Larkhall"*) ;;
*) fail "the Elsewhere line is not as expected: $line" ;;
esac
screen | grep -q $'\x1b' && fail "an escape reached the screen"
[ "$(screen | wc -l)" = 24 ] || fail "the screen is not 24 lines"
screen | grep -q "Consent asked: not asked" || fail "the consent line was pushed off"
pass "the preparation screen at 80x24 shows the Elsewhere line, made harmless, offline"

# On the slot screen: in the header's rule, beside the slot's number.
tui_start --db "$DB" chair "$MEETING"
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12 - Elsewhere: $today Tanner St MDT [31m red "
screen | grep -q $'\x1b' && fail "an escape reached the slot screen"
pass "the slot screen's header shows the running patient's discussion elsewhere"
"$MDTCHAIR" --db "$DB" agenda "$MEETING" --format txt >"$E2E_TMP/agenda.txt" ||
    fail "the masked agenda"
grep -q "^    Elsewhere: discussed elsewhere on $today\$" "$E2E_TMP/agenda.txt" ||
    fail "the masked agenda's Elsewhere line: $(grep Elsewhere "$E2E_TMP/agenda.txt")"
grep -q "Tanner" "$E2E_TMP/agenda.txt" && fail "the masked agenda shows the meeting"
pass "the masked agenda shows only the day"
