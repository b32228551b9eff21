#!/bin/bash
# checkpoint.sh - the log goes into the database once the keys stop: while
# the chair works, every commit only appends to the log (no key waits for
# the database file to be written and synced); a moment after the last
# key, with enough log to be worth it, the log is copied in, the console
# answering as before, and nothing is lost.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

"$MDTCHAIR" --db "$DB" demo --no-open >/dev/null
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"

db_sum() { cksum <"$DB"; }
wal_bytes() { stat -c %s "$DB-wal" 2>/dev/null || echo 0; }

before=$(db_sum)
# Pause and resume until the log holds 300 pages (4 kB each, with their
# frame headers) or more: about ten pages a toggle.
toggles=0
state=Paused
while [ "$(wal_bytes)" -lt $((310 * 4120)) ]; do
	[ "$toggles" -lt 200 ] || fail "the log did not grow to 300 pages"
	keys p
	wait_for "$state:"
	toggles=$((toggles + 1))
	[ "$state" = Paused ] && state=Resumed || state=Paused
done
[ "$(db_sum)" = "$before" ] ||
    fail "the database file was written while keys were being pressed"

# Keys stopped: within a few seconds the log is in the database.
i=0
while [ "$(db_sum)" = "$before" ]; do
	i=$((i + 1))
	[ "$i" -lt $((E2E_TIMEOUT * 10)) ] ||
	    fail "no checkpoint after the keys stopped (log $(wal_bytes) bytes)"
	sleep 0.1
done

# The console still answers, and every toggle is there once.
keys p
wait_for "$state:"
toggles=$((toggles + 1))
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
[ "$("$SQLITE3_BIN" "$DB" "PRAGMA integrity_check")" = ok ] ||
    fail "integrity check failed"
n=$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM audit WHERE action IN
    ('slot_pause', 'slot_resume')")
[ "$n" = "$toggles" ] || fail "$toggles pauses and resumes, $n in the audit"
pass "the log is copied into the database once the keys stop, not during them ($toggles toggles)"
