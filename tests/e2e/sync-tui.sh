#!/bin/bash
# sync-tui.sh - the chair's screen with the central record over HTTPS (the
# test FHIR server on 127.0.0.1): the status bar says online and what is
# pending; the screen stays usable while the server hangs and while it is
# down; changes made offline are sent when it is back, and read back from
# it; a refusal is kept and shown with the server's words in the sync
# panel (5) until R queues it again; what another terminal changes is
# sent by the open console without a key.
#
# The test server keeps its records in memory, so "down" here is every
# connection dropped (a restarted server would have lost what it held).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
fhir_start
fhir_config
minutes_json >"$E2E_TMP/m.json"
owner1=$(jqr '.attendance[0].name' "$E2E_TMP/m.json")

tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
wait_for "Sync: online, all sent"
pass "online at start"

keys 2 Space c 1
meeting_start
wait_for "Sync: online, all sent"
keys n
wait_for "Slot 1 of 12"
keys c 1
wait_for "Organisations the patient asked to exclude"
keys Enter
wait_for "Consent recorded:"
keys w
wait_for "Note:"
type_text "Lives alone; daughter visits weekly."
keys Enter
wait_for "Note saved"
wait_for "Sync: online, all sent"
n=$(fhir_get "Consent?_summary=count" | jqr '.total')
[ "$n" = 1 ] || fail "the server holds $n Consent resources, not 1"
pass "consent and note sent as they are saved, and read back"

# The server hangs: typing goes on, the change waits.
fhir_control faults '{"faults":[{"hang":true}]}' >/dev/null
keys w
wait_for "Note:"
type_text "Typed while the central record hangs."
keys Enter
wait_for "Note saved"
wait_for "1 pending"
pass "while the server hangs the screen answers and the note waits"

# The network goes: every connection is dropped before an answer.  (The
# test server keeps its records in memory only, so it is not restarted.)
fhir_control reset '{}' >/dev/null
fhir_control faults '{"faults":[{"drop":"before","times":100000}]}' >/dev/null
keys a
wait_for "Action:"
type_text "Refer to the community falls service"
keys Enter
wait_for "Owner (present first)"
pick_row 1
wait_for "Due (YYYY-MM-DD"
due=$(date -d '+24 days' +%F)
type_text "$due"
keys Enter
wait_for "Action saved: $owner1, due $due"
wait_for "Sync: offline"
keys 5
wait_for "Waiting to send, oldest first"
wait_for "Refer to the community falls service"
pass "offline: saved here, listed as waiting in the sync panel"

# Back: everything goes, and only once.
fhir_control reset '{}' >/dev/null
E2E_TIMEOUT=20 wait_for "Sync: online, all sent"
tasks=$(fhir_get "Task?_count=100")
[ "$(echo "$tasks" | jqr '.total')" = 1 ] || fail "the server holds $(echo "$tasks" | jqr '.total') Tasks"
[ "$(echo "$tasks" | jqr '.entry[0].resource.description')" = "Refer to the community falls service" ] ||
    fail "Task description: $(echo "$tasks" | jqr '.entry[0].resource.description')"
echo "$tasks" | jqr '.entry[0].resource.owner.display' | grep -qF "$owner1" ||
    fail "Task owner: $(echo "$tasks" | jqr '.entry[0].resource.owner')"
[ "$(echo "$tasks" | jqr '.entry[0].resource.restriction.period.end')" = "$due" ] ||
    fail "Task due date: $(echo "$tasks" | jqr '.entry[0].resource.restriction.period.end')"
pass "back online: the action is on the server once, with owner and due date"

# Done from another terminal while the console is idle: the console's
# engine sends it without a key being pressed here.
id=$("$MDTCHAIR" --db "$DB" actions --format json |
    jqr '.owners[].actions[] | select(.text == "Refer to the community falls service") | .id')
[ -n "$id" ] || fail "the action is not listed by mdtchair actions"
"$MDTCHAIR" --db "$DB" actions done "$id" >/dev/null || fail "actions done $id failed"
status=$(fhir_wait "Task?_count=100" '.entry[0].resource.status' completed)
[ "$status" = completed ] || fail "the Task closed from another terminal is '$status' on the server after 10 s"
wait_for "Sync: online, all sent"
pass "an action closed from another terminal is sent by the open console at once"

# A refusal is kept and shown with the server's words until R.
fhir_control faults '{"faults":[{"status":422,"times":50}]}' >/dev/null
keys 3 w
wait_for "Note:"
type_text "A note the server will refuse for now."
keys Enter
wait_for "Note saved"
wait_for "refused"
keys 5
wait_for "REFUSED"
wait_for "422"
fhir_control reset '{}' >/dev/null
keys R
wait_for "back in the queue"
wait_for "Sync: online, all sent"
[ "$(fhir_get "Composition?_count=100" | jqr '[.entry[].resource | tostring | contains("A note the server will refuse for now.")] | any')" = true ] ||
    fail "the refused note never reached the server after R"
pass "a refusal is kept, shown with the status, and sent after R"

keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" status >"$E2E_TMP/status.txt" ||
    fail "status exited non-zero"
grep -qx "pending: 0" "$E2E_TMP/status.txt" || fail "status: $(cat "$E2E_TMP/status.txt")"
grep -qF "$FHIR_TOKEN" "$DB" && fail "the token is in the database"
pass "nothing left pending; the token never reached the database"
