#!/bin/bash
# sync-panel.sh - the sync panel (5) on an outbox longer than the screen:
# it lists the first rows, oldest first, as many as fit, and says how many
# more there are ("... and N more"), for the rows waiting and for those the
# server refused; the figures agree with the outbox as sqlite3 counts it.
# Rows held waiting on a refused record are listed apart, with why.
# (Sync is not set up here; the refused rows are made with sqlite3 as
# delivery would leave them.)
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -cmd '.timeout 5000' "$DB" "$@"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
# 60 changes to people waiting, made before the chair opens the meeting
# (so they are the oldest), the first person's first.
sql "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k
    WHERE i < 6) INSERT INTO outbox (uuid, entity, entity_uuid, created_at)
    SELECT lower(hex(randomblob(16))), 'person', p.uuid, 1 FROM k, people p
    ORDER BY k.i, p.id"
first=$(sql "SELECT name FROM people ORDER BY id LIMIT 1")

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys 5
wait_for "Waiting to send, oldest first"
wait_for "more"
pending=$(sql "SELECT count(*) FROM outbox WHERE state = 'pending'")
[ "$pending" -gt 60 ] || fail "only $pending rows pending"
screen >"$E2E_TMP/s1.txt"
shown=$(grep -c '^  waiting ' "$E2E_TMP/s1.txt")
more=$(sed -n 's/^  \.\.\. and \([0-9]*\) more.*/\1/p' "$E2E_TMP/s1.txt")
[ "$shown" -gt 5 ] || fail "only $shown waiting rows on a 24-line screen"
[ -n "$more" ] || fail "no '... and N more' line: $(cat "$E2E_TMP/s1.txt")"
[ $((shown + more)) = "$pending" ] ||
    fail "$shown shown and $more more, but $pending pending"
grep '^  waiting ' "$E2E_TMP/s1.txt" | head -1 | grep -qF "person: $first" ||
    fail "the first row is not the oldest: $(grep '^  waiting ' "$E2E_TMP/s1.txt" | head -1)"
pass "waiting: $shown rows, oldest first, then '... and $more more' ($pending in all)"

# 25 of them refused by the server (each shown with its reason): the
# refused list comes first and takes the screen, with its own count.
sql "UPDATE outbox SET state = 'failed', attempts = 1,
    last_error = 'HTTP 422: the test server refused it'
    WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 25)"
keys 1 5
wait_for "REFUSED"
wait_for "Refused or changed on the server - kept"
wait_for "more"
screen >"$E2E_TMP/s2.txt"
shown=$(grep -c '^  REFUSED ' "$E2E_TMP/s2.txt")
reasons=$(grep -c 'HTTP 422: the test server refused it' "$E2E_TMP/s2.txt")
more=$(sed -n 's/^  \.\.\. and \([0-9]*\) more.*/\1/p' "$E2E_TMP/s2.txt" | head -1)
[ "$shown" -gt 2 ] || fail "only $shown refused rows shown"
[ "$reasons" = "$shown" ] || fail "$shown refused rows but $reasons reasons"
[ $((shown + more)) = 25 ] || fail "$shown shown and $more more, not 25 refused"
pass "refused: $shown rows with the server's words, then '... and $more more' (25 in all)"

# the refused rows put back, three rows held waiting on one of them (as
# delivery leaves what refers to a refused resource): shown apart, with
# what they wait on
sql "UPDATE outbox SET state = 'pending', last_error = NULL WHERE state = 'failed';
    UPDATE outbox SET next_at = (strftime('%s','now') + 82800) * 1000,
    last_error = 'waiting on Task/abc (the central record refused Task/abc: HTTP 400)'
    WHERE id IN (SELECT id FROM outbox ORDER BY id DESC LIMIT 3)"
keys 1 5
wait_for "Waiting on a refused record"
screen >"$E2E_TMP/s3.txt"
held=$(grep -c 'waiting on Task/abc' "$E2E_TMP/s3.txt")
[ "$held" = 3 ] || fail "$held rows shown waiting on Task/abc, not 3: $(cat "$E2E_TMP/s3.txt")"
pass "rows waiting on a refused record: shown apart, each with what it waits on"

keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
