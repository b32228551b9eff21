#!/bin/bash
# pull-tui.sh - the central record read back in the chair's console, with
# the test FHIR server on 127.0.0.1 and a second client (curl) writing to
# it as an owner's own system would.  Four actions agreed and sent; the
# record completes one and names another owner (hostile text) for a
# second: p in the sync panel reads it back, and the slot, the actions
# screen and preparation show "updated from the record DAY" and "record:
# owner ..." (escaped); two more are cancelled there while changed here: CONFLICT,
# "record: 2 conflicts", R takes the record's (mdtchair actions agrees),
# K keeps ours (the next delivery sends it).  A 5xx during a pull takes
# nothing and the console goes on; a hung server leaves the keys live;
# a kill during a pull takes nothing;
# mdtchair status tells the last pull; a console opened afresh reads the
# record back by itself once its queue is drained, unless pull_minutes is
# 0 (then only on p).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
fhir_start
fhir_config
sql() { "$SQLITE3_BIN" -batch "$DB" "$1"; }

# remote_set UUID JQ-FILTER: the second client reads Task/UUID, changes it
# with the filter and puts it back (a new version on the record).
remote_set() {
	fhir_get "Task/$1" | "$JQ_BIN" "$2" >"$E2E_TMP/task.json" ||
	    fail "cannot read Task/$1"
	curl -sS --fail-with-body --cacert "$E2E_TMP/ca/ca.pem" \
	    -H "Authorization: Bearer $FHIR_TOKEN" \
	    -H 'Content-Type: application/fhir+json' -X PUT \
	    --data-binary @"$E2E_TMP/task.json" "$FHIR_URL/Task/$1" >"$E2E_TMP/put.out" ||
	    fail "the second client could not write Task/$1: $(cat "$E2E_TMP/put.out")"
}

tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
wait_for "Sync: online, all sent"
keys 2 Space c 1
meeting_start
keys n
wait_for "Slot 1 of 12"
consent_given
slot_action "Alpha: review the medicines" 1 +10
slot_action "Bravo: carers assessment" 1 +11
slot_action "Charlie: falls clinic" 1 +12
slot_action "Delta: housing letter" 1 +13
wait_for "Sync: online, all sent"
[ "$(fhir_get "Task?_summary=count" | jqr '.total')" = 4 ] ||
    fail "the server holds $(fhir_get "Task?_summary=count" | jqr '.total') Tasks, not 4"
uuid_of() { sql "SELECT uuid FROM actions WHERE text LIKE '$1%'"; }
ua=$(uuid_of Alpha) ub=$(uuid_of Bravo) uc=$(uuid_of Charlie) ud=$(uuid_of Delta)
idc=$(sql "SELECT id FROM actions WHERE uuid = '$uc'")
idd=$(sql "SELECT id FROM actions WHERE uuid = '$ud'")
pass "four actions agreed and on the record"

# The second client: Alpha completed there, Bravo given to someone else
# (a name with markup, a bidi override, an escape's text, a newline and
# 10,000 characters; a note alike).
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
day=$(date +%F)
remote_set "$ua" ".status = \"completed\" | .lastModified = \"$now\""
remote_set "$ub" '.owner = {"display": ("Nurse <b>Bloggs</b> \u202eevil \\e[31m\nline two " + ("x" * 10000))}
    | .note = [{"authorString": "DN \u2066", "text": ("Line one\nline \u2067two " + ("y" * 10000))}]'
keys 5
wait_for "Last pull"
keys p
wait_for "Read back: 4 Task(s) changed, 1 closed from the record"
wait_for "1 closed from the record, 1 owner(s) named"
[ "$(sql "SELECT status FROM actions WHERE uuid = '$ua'")" = done ] ||
    fail "Alpha is $(sql "SELECT status FROM actions WHERE uuid = '$ua'") here"
keys 3
wait_for "updated from the record $day"
wait_for "record: owner Nurse <b>Bloggs</b>"
[ "$(sql "SELECT length(owner) <= 500 AND instr(owner, char(10)) = 0
    AND instr(owner, char(8238)) = 0 AND length(note) <= 4100
    AND instr(note, char(8295)) = 0 FROM record_tasks r
    JOIN actions a ON a.id = r.action_id WHERE a.uuid = '$ub'")" = 1 ] ||
    fail "the record's owner or note was kept as it came"
screen | grep -q "$(printf '\342\200\256')" && fail "a bidi override reached the screen"
screen | grep -q "$(printf '\033')" && fail "an escape reached the screen"
pass "the slot shows the action closed there and the owner it names, escaped"
keys 7
wait_for "updated from the record $day"
wait_for "record: owner Nurse <b>Bloggs</b>"
"$MDTCHAIR" --db "$DB" actions --all | grep -q "updated from the record $day" ||
    fail "mdtchair actions: $("$MDTCHAIR" --db "$DB" actions --all)"
pass "the actions screen shows them too, and so does mdtchair actions"
keys 6
wait_for "Action #$(sql "SELECT id FROM actions WHERE uuid = '$ua'") Alpha: review the medicines: updated from the record $day"
pass "so does preparation, for the patient selected"

# Charlie and Delta: cancelled there, done here (from another terminal;
# the console hears it and tries to send it).
remote_set "$uc" '.status = "cancelled"'
remote_set "$ud" '.status = "cancelled"'
"$MDTCHAIR" --db "$DB" actions done "$idc" "$idd" >/dev/null ||
    fail "actions done failed"
keys 5 p
wait_for "Read back:"
keys 7
wait_for "CONFLICT: record says cancelled; ours unsent - K keep ours, R take record's"
wait_for "record: 2 conflicts"
pass "a change here against a Task cancelled there: CONFLICT, in the status bar too"

# R on Charlie (open ones first, then by due date: Bravo, Alpha,
# Charlie, Delta).
keys k k k k k j j R
wait_for "Take the record's for #$idc"
keys y
wait_for "the central record's taken"
wait_for "record: 1 conflict"
[ "$("$MDTCHAIR" --db "$DB" actions --all --format json |
    jqr ".owners[].actions[] | select(.id == $idc) | .status")" = cancelled ] ||
    fail "mdtchair actions does not say Charlie is cancelled"
pass "R takes the record's: mdtchair actions agrees"
keys j K
wait_for "Keep ours for #$idd"
keys y
wait_for "ours kept"
st=$(fhir_wait "Task/$ud" .status completed)
[ "$st" = completed ] || fail "Delta is '$st' on the record after K"
[ "$(fhir_get "Task/$uc" | jqr '.status')" = cancelled ] ||
    fail "Charlie's Task was overwritten"
wait_gone "record: 1 conflict"
pass "K keeps ours: the next delivery sends it over the record's"

# A 5xx on the pull: nothing taken, the console goes on.
remote_set "$ub" '.status = "completed"'
before=$(sql "SELECT group_concat(status) FROM (SELECT status FROM actions ORDER BY id)")
since=$(sql "SELECT since FROM record_pull")
fhir_control faults '{"faults":[{"status":500}]}' >/dev/null
keys 5 p
wait_for "Nothing taken from the record"
wait_for "failed, nothing taken"
[ "$(sql "SELECT group_concat(status) FROM (SELECT status FROM actions ORDER BY id)")" = "$before" ] ||
    fail "a failed pull changed the actions"
[ "$(sql "SELECT since FROM record_pull")" = "$since" ] || fail "a failed pull moved its time"
keys 1
wait_for "Agenda: 12 patients"
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" status >"$E2E_TMP/status.txt"
grep -q "^last pull: failed .*nothing taken" "$E2E_TMP/status.txt" ||
    fail "status: $(cat "$E2E_TMP/status.txt")"
pass "a 5xx during a pull takes nothing; the console and status say so"

# The server hangs during a pull: keys stay live.
fhir_control faults '{"faults":[{"hang":true}]}' >/dev/null
keys 5 p
wait_for "Reading the record back"
t0=$(ms_now)
keys 1
wait_for "Agenda: 12 patients"
keys 7
wait_for "Open actions across meetings"
t1=$(ms_now)
[ $((t1 - t0)) -lt 3000 ] || fail "keys took $((t1 - t0)) ms while the pull hung"
keys 5
E2E_TIMEOUT=20 wait_gone "Reading the record back now"
wait_for "failed, nothing taken"
fhir_control reset '{}' >/dev/null
[ "$(sql "SELECT status FROM actions WHERE uuid = '$ub'")" = open ] ||
    fail "a pull that timed out took something"
pass "keys answer while the server hangs during a pull ($((t1 - t0)) ms for two screens)"

# Killed while a pull waits on the record: nothing taken, nothing half
# written; the console opened afresh below reads it all.
fhir_control faults '{"faults":[{"hang":true}]}' >/dev/null
pulled=$(sql "SELECT since || '/' || pulled_at FROM record_pull WHERE resource_type = 'Task'")
keys 5 p
wait_for "Reading the record back"
kill -9 "$(tui_pid)"
[ "$(wait_exit)" = 137 ] || fail "the console was not killed"
fhir_control reset '{}' >/dev/null
[ "$(sql "SELECT since || '/' || pulled_at FROM record_pull WHERE resource_type = 'Task'")" = "$pulled" ] ||
    fail "a pull killed half-way moved the time of the last pull"
[ "$(sql "SELECT status FROM actions WHERE uuid = '$ub'")" = open ] ||
    fail "a pull killed half-way took something"
[ "$(sql "PRAGMA integrity_check")" = ok ] || fail "the store is not whole after the kill"
pass "a console killed during a pull took nothing; the store is whole"

# A console opened afresh reads the record back once its queue is drained.
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Sync: online, all sent"
keys 7
E2E_TIMEOUT=20 wait_for "Bravo: carers assessment"
for _ in $(seq 100); do
	[ "$(sql "SELECT status FROM actions WHERE uuid = '$ub'")" = done ] && break
	sleep 0.1
done
[ "$(sql "SELECT status FROM actions WHERE uuid = '$ub'")" = done ] ||
    fail "a console opened afresh did not read the record back"
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" status >"$E2E_TMP/status.txt"
grep -q "^last pull: .*Tasks read, 1 closed from the record" "$E2E_TMP/status.txt" ||
    fail "status: $(cat "$E2E_TMP/status.txt")"
pass "opened afresh, the console reads the record back by itself; status tells it"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# pull_minutes = 0: the console reads the record back only when asked.
sed -i 's/^\[server\]$/[server]\npull_minutes = 0/' "$E2E_TMP/config.ini"
tried=$(sql "SELECT tried_at FROM record_pull")
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Sync: online, all sent"
keys 5
wait_for "Last pull"
sleep 1
[ "$(sql "SELECT tried_at FROM record_pull")" = "$tried" ] ||
    fail "with pull_minutes = 0 the console read the record back by itself"
keys p
wait_for "Read back:"
[ "$(sql "SELECT tried_at FROM record_pull")" != "$tried" ] ||
    fail "p did not read the record back"
pass "with pull_minutes = 0 the console reads the record back only on p"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
