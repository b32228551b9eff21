#!/bin/bash
# chair-edges.sh - the small things that cost a meeting, driven in an 80x24
# terminal: + stops at the most a slot may be extended and says so; a due
# date before today is refused with the prompt kept open; the status bar
# keeps its separators at 80 columns when a warning takes the clock's
# place; the projector labels its agenda's times; the sync panel scrolls
# past its first screen of rows and back.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
sql() { "$SQLITE3_BIN" "$DB" "$1"; }

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start

# ---- the status bar: no register, so the projector warning takes the
# ---- clock's place; the four parts stay apart.
keys n
wait_for "Slot 1 of 12"
wait_for "Projector: no register"
bar=$(screen | tail -n 1)
[ "$(printf '%s' "$bar" | grep -o '│' | wc -l)" -eq 3 ] ||
    fail "status bar lost its separators at 80 columns: '$bar'"
pass "status bar keeps its three separators with a warning at 80 columns"

# ---- + : ten minutes in all, then a message and nothing more.
for i in $(seq 1 10); do keys +; done
wait_for "(+10:00 in all)"
keys +
wait_for "Not extended: 10 minutes more is the most"
keys + + +
sleep 0.3
[ "$(sql "SELECT max(extended_seconds) FROM slots")" = 600 ] ||
    fail "the slot was extended past ten minutes: $(sql "SELECT max(extended_seconds) FROM slots") s"
pass "+ stops at ten minutes in all and says so"

# ---- a due date before today: refused, the prompt stays for the fix.
# (an owner must be present: everyone is, and acknowledges)
keys 2
wait_for "Not marked: 10"
for i in $(seq 1 10); do keys Space c j; done
wait_for "Present: 10"
keys 3
wait_for "Slot 1 of 12"
consent_given
keys a
wait_for "Action:"
type_text "Check the key safe"
keys Enter
wait_for "Owner"
keys Enter
wait_for "Due (YYYY-MM-DD"
yesterday=$(date -d yesterday +%F)
type_text "$yesterday"
keys Enter
wait_for "due date $yesterday is past (today $(date +%F))"
screen | grep -qF "Due (YYYY-MM-DD" || fail "the due prompt closed on a past date"
[ "$(sql "SELECT count(*) FROM actions")" = 0 ] || fail "an action was saved with a past due date"
keys C-u
type_text "+7"
keys Enter
wait_for "Action saved:"
[ "$(sql "SELECT due_date FROM actions")" = "$(date -d '+7 days' +%F)" ] ||
    fail "the corrected due date was not saved"
pass "a past due date is refused, the prompt kept; +7 then saved"

# ---- the projector's agenda: its times are labelled as end times.
pres_start --db "$DB" present
pres_wait_for "Agenda"
pres_screen | grep -qE '^ +# +Ends +Patient' || { pres_screen >&2; fail "the projector's agenda times have no label"; }
pass "projector: the agenda's times are headed Ends"

# ---- the sync panel: more rows than fit; PgDn goes past the first
# ---- screen, k and PgUp come back.
pending=$(sql "SELECT count(*) FROM outbox WHERE state = 'pending'")
[ "$pending" -gt 20 ] || fail "too few rows to scroll ($pending)"
keys 5
wait_for "Waiting to send, oldest first"
wait_for "more (j, PgDn)"
first_row=$(screen | grep -m1 '^  waiting ')
for i in $(seq 1 6); do keys PgDn; sleep 0.1; done
wait_for "Scrolled: k and PgUp show the earlier rows"
# at the end: the newest waiting row is on the screen, nothing "more"
screen | grep -qF "more (j, PgDn)" && fail "the panel never reached the end of the rows"
keys j
wait_for "The end of the lists"
for i in $(seq 1 8); do keys PgUp; sleep 0.1; done
wait_gone "Scrolled:"
[ "$(screen | grep -m1 '^  waiting ')" = "$first_row" ] || fail "PgUp did not come back to the first row"
keys PgDn
wait_for "Scrolled:"
keys k k k k k k k k k k k k k k k k k k k k k k k k k k k k k k
wait_gone "Scrolled:"
pass "sync panel: PgDn to the end of $pending rows, PgUp and k back to the first"

keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not exit 0"
