#!/bin/bash
# purge.sh - the retention purge from the command line and at start-up: a
# closed meeting is held back while anything of it is undelivered, listed
# by --dry-run once delivered and past the period, then purged (its notes
# and the identity of a patient nobody needs any more are gone from the
# minutes and from the database files); without a period the command says
# how to set one; the chair's screens offer the purge when one is due.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

NOTE="Wheezy since moving to the flat on Tanner Street"
MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
"$MDTCHAIR" --db "$DB" minutes "$MEETING" --format json >"$E2E_TMP/before.json"
NAME=$(jqr '.slots[0].patient.name' "$E2E_TMP/before.json")
NHS=$(jqr '.slots[0].patient.nhs_number' "$E2E_TMP/before.json")

# Chair the first patient (a note, closed from the caseload) and close.
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
consent_given
keys w
wait_for "Note:"
type_text "$NOTE"
keys Enter
wait_for "Note saved"
keys o
wait_for "Outcome"
keys 3
wait_for "Outcome recorded:"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

sql() { "$SQLITE3_BIN" "$DB" "$1"; }
# closed 400 days ago, by the database's own record of it
sql "UPDATE meetings SET closed_at = closed_at - 400 * 86400000 WHERE id = $MEETING"

# ---- no period, no purge
set +e
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/none.ini" purge >/dev/null 2>&1; rc=$?
"$MDTCHAIR" --db "$DB" purge --days 0 >/dev/null 2>&1; rc2=$?
"$MDTCHAIR" --db "$DB" purge --bogus >/dev/null 2>&1; rc3=$?
HOME="$E2E_TMP" XDG_CONFIG_HOME= "$MDTCHAIR" --db "$DB" purge >/dev/null 2>"$E2E_TMP/err"; rc4=$?
set -e
[ "$rc" = 1 ] || fail "a missing --config file exited $rc, not 1"
[ "$rc2" = 2 ] && [ "$rc3" = 2 ] || fail "bad arguments exited $rc2/$rc3, not 2"
[ "$rc4" = 1 ] || fail "no retention period exited $rc4, not 1"
grep -qF "no retention period: give --days N or set [retention] days" "$E2E_TMP/err" ||
    fail "no retention period, unclear message: $(cat "$E2E_TMP/err")"
"$MDTCHAIR" purge --help | grep -qF -- "--dry-run" || fail "purge --help lacks --dry-run"
"$MDTCHAIR" help | grep -qE '^  purge ' || fail "mdtchair help does not list purge"
pass "purge needs a retention period and says how to set one"

# ---- not yet delivered: listed as skipped, nothing changes
"$MDTCHAIR" --db "$DB" purge --days 365 >"$E2E_TMP/out" || fail "purge failed"
pending=$(sql "SELECT count(*) FROM outbox WHERE state <> 'sent'")
[ "$pending" -gt 0 ] || fail "chairing queued nothing"
grep -qF "skip" "$E2E_TMP/out" && grep -qF "not yet delivered: $pending rows pending/failed" "$E2E_TMP/out" ||
    fail "the undelivered meeting is not reported: $(cat "$E2E_TMP/out")"
grep -qF "purged 0 meetings" "$E2E_TMP/out" || fail "something was purged: $(cat "$E2E_TMP/out")"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" | grep -qF "$NOTE" || fail "the note went before delivery"
pass "an undelivered meeting is held back ($pending rows)"

# ---- delivered (as the sync engine records a 2xx), then a dry run
sql "UPDATE outbox SET state = 'sent', sent_at = created_at, last_error = NULL"
"$MDTCHAIR" --db "$DB" purge --days 365 --dry-run >"$E2E_TMP/out" || fail "purge --dry-run failed"
grep -qE "^would purge [0-9-]{10}  Demo MDT  \(12 patients\)$" "$E2E_TMP/out" ||
    fail "--dry-run does not list the meeting: $(cat "$E2E_TMP/out")"
grep -qF "nothing changed" "$E2E_TMP/out" || fail "--dry-run summary missing"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" | grep -qF "$NOTE" || fail "--dry-run purged"
pass "--dry-run lists the meeting and changes nothing"

# ---- the purge
cat "$DB" "$DB-wal" 2>/dev/null | grep -qaF -- "$NOTE" || fail "the note is not in the files to begin with"
audit_before=$(sql "SELECT count(*) FROM audit WHERE action <> 'export'")
outbox_before=$(sql "SELECT count(*) FROM outbox")
"$MDTCHAIR" --db "$DB" purge --days 365 >"$E2E_TMP/out" || fail "purge failed"
grep -qE "^purge [0-9-]{10}  Demo MDT  \(12 patients\)$" "$E2E_TMP/out" &&
    grep -qF "purged 1 meeting (1 note, 0 finished actions, 12 patient identities)" "$E2E_TMP/out" ||
    fail "purge output: $(cat "$E2E_TMP/out")"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" >"$E2E_TMP/minutes" || fail "minutes after the purge failed"
grep -qF "(purged)" "$E2E_TMP/minutes" || fail "the minutes do not show (purged)"
grep -qF -- "$NAME" "$E2E_TMP/minutes" && fail "the minutes still name $NAME"
grep -qF -- "$NOTE" "$E2E_TMP/minutes" && fail "the minutes still hold the note"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" --format json >"$E2E_TMP/after.json"
[ "$(jqr '.slots[0].patient.nhs_number' "$E2E_TMP/after.json")" = null ] ||
    fail "the JSON minutes still have an NHS number"
[ "$(jqr '.slots[0].state' "$E2E_TMP/after.json")" = done ] ||
    fail "the slot's state did not survive"
[ "$(sql "SELECT count(*) FROM outbox")" = "$outbox_before" ] || fail "the purge queued outbox rows"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'purge'")" = 13 ] ||
    fail "not one audit row per meeting and patient"
[ "$(sql "SELECT count(*) FROM audit WHERE action <> 'export'")" = $((audit_before + 13)) ] ||
    fail "unexpected audit rows"
sql "SELECT coalesce(detail, '') FROM audit WHERE action = 'purge'" | grep -qF -- "$NAME" &&
    fail "the audit log names the patient"
for f in "$DB" "$DB-wal"; do
	[ -e "$f" ] || continue
	grep -qaF -- "$NAME" "$f" && fail "$f still holds $NAME"
	grep -qaF -- "$NHS" "$f" && fail "$f still holds the NHS number"
	grep -qaF -- "$NOTE" "$f" && fail "$f still holds the note"
done
pass "purged: minutes show (purged), name, number and note gone from the files"

"$MDTCHAIR" --db "$DB" purge --days 365 >"$E2E_TMP/out" || fail "second purge failed"
grep -qF "purged 0 meetings (0 notes, 0 finished actions, 0 patient identities)" "$E2E_TMP/out" ||
    fail "a second purge did something: $(cat "$E2E_TMP/out")"
pass "a second purge finds nothing"

# ---- offered at start-up: a second closed, delivered, old meeting
MEETING2=$("$MDTCHAIR" --db "$DB" schedule --title "Old MDT" --date +0)
tui_start --db "$DB" chair "$MEETING2"
wait_for "Old MDT"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
sql "UPDATE meetings SET closed_at = closed_at - 400 * 86400000 WHERE id = $MEETING2"
sql "UPDATE outbox SET state = 'sent', sent_at = created_at, last_error = NULL"
printf '[retention]\ndays = 365\n' >"$E2E_TMP/config.ini"
MEETING3=$("$MDTCHAIR" --db "$DB" schedule --title "Next MDT" --date +7)

# the projector and the preparation screen never ask
tui_start --db "$DB" --config "$E2E_TMP/config.ini" prepare "$MEETING3"
wait_for "Next MDT"
screen | grep -qF "Purge?" && fail "the preparation screen offered the purge"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# n leaves it
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair "$MEETING3"
wait_for "1 delivered meeting over 365 days old holds identifiable detail. Purge? (y/n)"
keys n
wait_gone "Purge? (y/n)"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
[ -z "$(sql "SELECT purged_at FROM meetings WHERE id = $MEETING2")" ] || fail "n purged"

# y purges
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair "$MEETING3"
wait_for "Purge? (y/n)"
keys y
wait_for "Purged 1 meeting"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
[ -n "$(sql "SELECT purged_at FROM meetings WHERE id = $MEETING2")" ] || fail "y did not purge"

# nothing due: not asked
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair "$MEETING3"
wait_for "Next MDT"
screen | grep -qF "Purge?" && fail "offered a purge with nothing due"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "the chair's screens offer the purge when one is due: n leaves it, y purges"
