#!/bin/bash
# privacy.sh - the idle privacy screen: after [privacy] idle_seconds without
# a key the chair's console shows only a neutral lock message; any key
# brings the screen back and does nothing else.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

"$MDTCHAIR" --db "$DB" demo --no-open >/dev/null
name1=$("$SQLITE3_BIN" "$DB" "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id ORDER BY s.position LIMIT 1")

cat >"$E2E_TMP/config.ini" <<CFG
[server]
base_url = https://127.0.0.1:9/fhir
connect_timeout = 1
[privacy]
idle_seconds = 2
CFG
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
wait_for "Screen locked for privacy - press any key"
# Nothing else on the screen: no patient, no agenda, no status bar.
[ "$(screen | grep -c '[^ ]')" = 1 ] || fail "the privacy screen shows more than its message: $(screen)"
screen | grep -qF "$name1" && fail "the privacy screen shows a patient"
before=$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM audit")
# n would start the first slot: here it only lifts the screen.
keys n
wait_for "Agenda: 12 patients"
wait_gone "Screen locked"
sleep 0.3
[ "$("$SQLITE3_BIN" "$DB" "SELECT count(*) FROM audit")" = "$before" ] ||
    fail "the key that lifted the privacy screen was acted on"
screen | grep -qF "Slot 1 of 12" && fail "the key that lifted the privacy screen started a slot"
# Keys put it off; it comes back after the idle time.
for i in 1 2 3; do keys j; sleep 0.5; done
screen | grep -qF "Screen locked" && fail "the screen locked while keys were pressed"
wait_for "Screen locked for privacy - press any key"
keys q
wait_gone "Screen locked"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "the idle privacy screen hides everything and its key is not acted on"

# Without the setting the screen never locks.
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
sleep 3
screen | grep -qF "Screen locked" && fail "the screen locked without the setting"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "without [privacy] the screen does not lock"
