#!/bin/bash
# terminal.sh - the chair screen as a terminal program: the ? overlay,
# resizing (larger, too small, back), NO_COLOR, and the terminal restored
# after q, SIGTERM and a crash.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"

# ? lists this screen's keys and the global ones; any key closes it.
keys '?'
wait_for "Keys - press any key to close"
for t in "Next slot (closes this one)" "Extend by a minute" "Park at the end of agenda" \
    "Open the selected slot"; do
	screen | grep -qF "$t" || fail "agenda help lacks '$t'"
done
screen | grep -qF "Record consent" && fail "agenda help shows a slot-screen key"
keys x
wait_gone "Keys - press any key to close"
meeting_start
keys n
wait_for "Slot 1 of 12"
keys '?'
wait_for "Keys - press any key to close"
for t in "Record consent" "Write a note" "New action (owner, due)" "Record the outcome" \
    "Set the key contact" "Extend by a minute"; do
	screen | grep -qF "$t" || fail "slot help lacks '$t'"
done
keys Escape
wait_gone "Keys - press any key to close"
pass "? shows the keys of the screen, and closes"

# Resize: larger, too small, back; the status bar stays on the last line.
tm resize-window -t e2e:w -x 120 -y 40
wait_for "Sync:"
i=0
until [ "$(screen | wc -l)" = 40 ] && screen | tail -n 1 | grep -qF "Sync:"; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "no redraw at 120x40"; sleep 0.05
done
tm resize-window -t e2e:w -x 60 -y 20
wait_for "Terminal too small"
tm resize-window -t e2e:w -x 80 -y 24
wait_gone "Terminal too small"
wait_for "Slot 1 of 12"
screen | tail -n 1 | grep -qF "Sync:" || fail "status bar not on the last line at 80x24"
pass "redraws on resize, and says when the terminal is too small"

# Colours, unless NO_COLOR.
tm capture-pane -e -p -t e2e:w | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|38;5;[0-9]+)[;m]' ||
    fail "no colour without NO_COLOR"

# q: exit 0 and the terminal left as it was (no chair screen on it).
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
screen | grep -qF "Sync:" && fail "the chair screen stayed on the terminal after q"
pass "q exits 0 and restores the terminal"

tui_start_env() { # like tui_start, with one more environment variable
	printf 'set -g remain-on-exit on\nset -g status off\n' >"$E2E_TMP/tmux.conf"
	rm -f "$E2E_TMP/status"
	tm_fresh
	tm new-session -d -s e2e -n w -x 80 -y 24 -e LC_ALL=C.UTF-8 \
	    -e TERM=xterm-256color -e "$1" \
	    sh -c 'st=$1; shift; "$@"; echo $? >"$st.tmp"; mv "$st.tmp" "$st"' \
	    sh "$E2E_TMP/status" "$MDTCHAIR" --db "$DB" chair
}
tui_start_env NO_COLOR=1
wait_for "Slot 1 of 12"
tm capture-pane -e -p -t e2e:w | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|38;5;[0-9]+)[;m]' &&
    fail "colour with NO_COLOR=1"
screen | grep -qE "on time|warning|OVER TIME" || fail "the band is not written as text"
pass "NO_COLOR: no colour, the band as text"

# SIGTERM: a clean exit; a crash: the terminal restored, then the signal.
kill -TERM "$(tui_pid)"
[ "$(wait_exit)" = 0 ] || fail "SIGTERM did not exit 0"
screen | grep -qF "Sync:" && fail "the chair screen stayed after SIGTERM"
tui_start --db "$DB" chair
wait_for "Slot 1 of 12"
kill -SEGV "$(tui_pid)"
[ "$(wait_exit)" = 139 ] || fail "a crash did not end with SIGSEGV"
screen | grep -qF "Sync:" && fail "the chair screen stayed after a crash"
[ "$(minutes_json | jqr '.slots[0].state')" = running ] || fail "slot 1 lost"
pass "SIGTERM exits 0; a crash restores the terminal and ends with the signal"

# 150 patients at 80x24: the header says which are in view (patients, not
# lines: the planned end's rule is none) in place of the count, and the
# forecast stays whole.
BIG="$E2E_TMP/big.db"
"$MDTCHAIR" --db "$BIG" demo --no-open >/dev/null
"$SQLITE3_BIN" "$BIG" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 138)
  INSERT INTO patients (uuid, nhs_number, name) SELECT 'big-' || i, printf('8%09d', i), 'Patient ' || i FROM n;
  INSERT INTO slots (uuid, meeting_id, patient_id, position)
  SELECT 'bigslot-' || p.id, 1, p.id, 12 + row_number() OVER (ORDER BY p.id) FROM patients p WHERE p.uuid LIKE 'big-%';"
[ "$("$SQLITE3_BIN" "$BIG" "SELECT count(*) FROM slots")" = 150 ] || fail "the big agenda was not made"
tui_start --db "$BIG" chair
wait_for "Agenda: 1-"
head=$(screen | sed -n 1,3p | grep "Agenda:")
echo "$head" | grep -qE "Agenda: 1-[0-9]+ of 150, 0 done   Planned end [0-9]{2}:[0-9]{2}   Forecast ~[0-9]{2}:[0-9]{2}" ||
    fail "the header at 150 patients reads: $head"
echo "$head" | grep -qF " of 151" && fail "the header counts the rule as a patient"
# the last page: the last patient in view, the rule left out of the count
keys PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn
wait_for "-150 of 150, 0 done"
head=$(screen | sed -n 1,3p | grep "Agenda:")
echo "$head" | grep -qE "Agenda: [0-9]+-150 of 150, " || fail "the last page's header reads: $head"
screen | grep -qF "Patient 138" || fail "the last patient is not in view"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "150 patients at 80x24: the header counts patients in view, the forecast whole"
