#!/bin/bash
# io-faults.sh - the disk fills, then fails, while the chair is typing: the
# real mdtchair runs with tests/faults/faultvfs.so in LD_PRELOAD (the
# product is unchanged), and the test writes "full", "eio" or "eio-sync"
# into the fault file to make SQLite's writes, syncs and truncations fail.
# Each save the disk refuses says so on one line, keeps the typed text in
# the prompt, writes nothing; once the disk is back, Enter saves it once;
# what was saved before is still there; the outbox has no duplicate; the
# command line under a full disk exits 1 with a clear reason and changes
# nothing.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

faulty_setup

q() { "$SQLITE3_BIN" "$DB" "$1"; }
disk() { printf '%s\n' "$1" >"$FAULT"; }
disk_ok() { rm -f "$FAULT"; }
# Notes, actions and outcomes are written once each here: one outbox row.
outbox_dups() { q "SELECT count(*) FROM (SELECT entity, entity_uuid, count(*) c FROM outbox WHERE entity IN ('note', 'action', 'outcome') GROUP BY entity, entity_uuid HAVING c > 1)"; }
counts() { q "SELECT (SELECT count(*) FROM notes) || '/' || (SELECT count(*) FROM actions) || '/' || (SELECT count(*) FROM outcomes) || '/' || (SELECT count(*) FROM consent) || '/' || (SELECT count(*) FROM audit WHERE action <> 'export') || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM people)"; }
# The minutes without the running clocks.
minutes_still() { minutes_json | "$JQ_BIN" -S 'del(.. | .elapsed_seconds?)'; }
alive() { [ ! -s "$E2E_TMP/status" ] || fail "mdtchair ended ($(cat "$E2E_TMP/status")) after the fault"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
disk_ok
MDTCHAIR=$FAULTY tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"

# ---- the register and a first slot, saved normally
keys 2
wait_for "Not marked: 10"
for i in 1 2 3; do keys Space c j; done
wait_for "Present: 3"
keys 1
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
consent_given
keys w
wait_for "Note:"
type_text "Saved before the disk filled."
keys Enter
wait_for "Note saved"
minutes_json >"$E2E_TMP/before.json"
minutes_still >"$E2E_TMP/before.still"
before=$(counts)
pass "a slot chaired normally with the fault VFS in place ($before)"

# ---- the disk fills while a note is typed
disk full
keys w
wait_for "Note:"
type_text "Typed while the disk was full: keep me."
keys Enter
wait_for "Not saved: the disk is full. Free some space, then press Enter to save again"
screen | grep -qF "Note: Typed while the disk was full: keep me." ||
    fail "the typed note is not in the prompt after the failed save"
alive
[ "$(counts)" = "$before" ] || fail "a refused note changed the database: $before -> $(counts)"
minutes_still | diff -q - "$E2E_TMP/before.still" >/dev/null || fail "minutes changed by a refused save"
# Enter again while still full: refused again, text still there.
keys Enter
sleep 0.3
wait_for "Not saved: the disk is full"
screen | grep -qF "Note: Typed while the disk was full: keep me." || fail "text lost on the second try"
[ "$(counts)" = "$before" ] || fail "the second refused save changed the database: $before -> $(counts)"
pass "disk full: one-line message, the note kept in the prompt, nothing written"

disk_ok
keys Enter
wait_for "Note saved"
wait_gone "Note: Typed"
[ "$(q "SELECT count(*) FROM notes WHERE text = 'Typed while the disk was full: keep me.'")" = 1 ] ||
    fail "the note is not there exactly once after the disk was freed"
[ "$(q "SELECT count(*) FROM outbox o JOIN notes n ON n.uuid = o.entity_uuid WHERE n.text = 'Typed while the disk was full: keep me.'")" = 1 ] ||
    fail "the note's outbox row is not there exactly once"
[ "$(outbox_dups)" = 0 ] || { q "SELECT entity, entity_uuid, op, state FROM outbox ORDER BY id" >&2; fail "duplicate outbox rows"; }
pass "disk freed: Enter saved the note once, one outbox row"

# ---- an I/O error while saving an action (the last step, the due date)
before=$(counts)
keys a
wait_for "Action:"
type_text "Written through a failing disk"
keys Enter
wait_for "Owner (present first)"
disk eio
pick_row 2
wait_for "Due (YYYY-MM-DD"
due=$(date -d '+84 days' +%F)
type_text "$due"
keys Enter
wait_for "Not saved: disk I/O error. Check the disk, then press Enter to save again"
screen | grep -qF "$due" || fail "the due date typed is not kept"
alive
[ "$(counts)" = "$before" ] || fail "a refused action changed the database: $before -> $(counts)"
disk_ok
keys Enter
wait_for "Action saved:"
[ "$(q "SELECT count(*) FROM actions WHERE text = 'Written through a failing disk' AND due_date = '$due'")" = 1 ] ||
    fail "the action is not there exactly once"
[ "$(outbox_dups)" = 0 ] || fail "duplicate outbox rows after the I/O error"
pass "I/O error: message, due date kept, Enter saved the action once"

# ---- a sync that fails (the bytes reach the file, fsync says no)
before=$(counts)
disk eio-sync
keys w
wait_for "Note:"
type_text "Its first save was not made durable."
keys Enter
wait_for "Not saved: disk I/O error"
screen | grep -qF "Note: Its first save was not made durable." || fail "text lost after a failed sync"
[ "$(counts)" = "$before" ] || fail "a note whose sync failed shows in the database: $before -> $(counts)"
disk_ok
keys Enter
wait_for "Note saved"
[ "$(q "SELECT count(*) FROM notes WHERE text = 'Its first save was not made durable.'")" = 1 ] ||
    fail "the note after a failed sync is not there exactly once"
pass "failed sync: nothing shown as saved, Enter saved it once"

# ---- an act with no text to keep (the outcome picker): do it again
before=$(counts)
disk full
keys o
wait_for "Outcome"
keys 2
wait_for "Not saved: the disk is full. Free some space, then do it again"
alive
[ "$(counts)" = "$before" ] || fail "a refused outcome changed the database"
disk_ok
keys o
wait_for "Outcome"
keys 2
wait_for "Outcome recorded:"
pass "outcome refused on a full disk, recorded when done again"

# ---- everything saved before the faults is still there, once
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "mdtchair ended with $st after q"
minutes_json >"$E2E_TMP/after.json"
jqr --slurpfile b "$E2E_TMP/before.json" '
    ($b[0].slots[0].notes - .slots[0].notes | length) == 0 and
    ($b[0].attendance == .attendance) and
    ($b[0].slots[0].consent == .slots[0].consent) and
    (.slots[0].notes | length) == 3 and
    (.slots[0].actions | length) == 1 and
    (.slots[0].outcome.kind == "step_down") and
    ([.slots[0].notes[] as $n | .slots[0].notes | map(select(. == $n)) | length] | max) == 1' \
    "$E2E_TMP/after.json" | grep -qx true || fail "minutes after the faults: $(cat "$E2E_TMP/after.json")"
[ "$(outbox_dups)" = 0 ] || fail "duplicate outbox rows at the end"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check: $(q 'PRAGMA integrity_check')"
pass "minutes: what was saved before is there, each new act once; integrity ok"

# ---- the command line under a full disk
before=$(counts)
disk full
set +e
"$FAULTY" --db "$DB" people add "Nobody Saved" --org "Full Disk Trust" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
st=$?
set -e
[ "$st" = 1 ] || fail "people add on a full disk exited $st"
grep -q "disk is full" "$E2E_TMP/err" || fail "people add: unclear message: $(cat "$E2E_TMP/err")"
grep -q "nothing was saved (.*); free some space and try again" "$E2E_TMP/err" ||
    fail "people add: the message does not say what to do: $(cat "$E2E_TMP/err")"
[ "$(wc -l <"$E2E_TMP/err")" = 1 ] || fail "people add: more than one line: $(cat "$E2E_TMP/err")"
[ ! -s "$E2E_TMP/out" ] || fail "people add printed an id on a full disk"
[ "$(counts)" = "$before" ] || fail "people add on a full disk changed the database"
disk eio
set +e
"$FAULTY" --db "$DB" people add "Nobody Saved" --org "Failing Disk Trust" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
st=$?
set -e
[ "$st" = 1 ] || fail "people add on a failing disk exited $st"
grep -q "I/O error" "$E2E_TMP/err" && grep -q "check the disk and try again" "$E2E_TMP/err" ||
    fail "people add: unclear message on a failing disk: $(cat "$E2E_TMP/err")"
[ "$(counts)" = "$before" ] || fail "people add on a failing disk changed the database"
disk_ok
"$FAULTY" --db "$DB" people add "Somebody Saved" --org "Free Disk Trust" >/dev/null ||
    fail "people add failed once the disk was freed"
[ "$(q "SELECT count(*) FROM people WHERE name = 'Somebody Saved'")" = 1 ] || fail "person not added once"
[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after the command line faults"
pass "command line: exit 1 with a one-line reason and nothing changed; works once freed"
