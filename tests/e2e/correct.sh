#!/bin/bash
# correct.sh - a text the central record refused is mended in the console.
# The demo meeting's title and the first slot's reason are hostile, as an
# older version could have stored them (an escape sequence, a right-to-left
# override, a C1 control, a non-character, a byte that is not UTF-8, a line
# break, 10,000 characters). In the console, T opens the title escaped
# (never raw to the terminal) and says so (? lists the keys); a blank title is refused with
# core's reason, a character the policy refuses cannot be typed; the title,
# the venue (V) and the reason (e, on the slot screen) are corrected. The
# database, the minutes (JSON and text) and the audit show the new text (the
# audit never the reason's), each correction queued an outbox row for the
# meeting or the slot, and the rows the server refused go again; after the meeting is closed the title can still be
# corrected, and once purged it cannot (the reason on the message line).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
SLOT=$(sql "SELECT id FROM slots WHERE meeting_id = $MEETING AND position = 1")
M_UUID=$(sql "SELECT uuid FROM meetings WHERE id = $MEETING")
S_UUID=$(sql "SELECT uuid FROM slots WHERE id = $SLOT")
HOSTILE="char(27) || '[2J' || char(8238) || char(155) || char(65534)
    || CAST(X'FF0A' AS TEXT) || replace(hex(zeroblob(5000)), '0', 'x')"
sql "UPDATE meetings SET title = 'Demo' || $HOSTILE WHERE id = $MEETING"
sql "UPDATE slots SET reason = 'Falls' || $HOSTILE WHERE id = $SLOT"
[ "$(sql "SELECT length(CAST(title AS BLOB)) > 10000 FROM meetings WHERE id = $MEETING")" = 1 ] ||
    fail "the hostile title was not stored"

# queued: the outbox rows for uuid U (an entity E) so far
queued() { sql "SELECT count(*) FROM outbox WHERE entity = '$1' AND entity_uuid = '$2'"; }

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
keys "?"
wait_for "Correct the meeting's title"
wait_for "Correct the meeting's venue"
keys Escape
wait_gone "Correct the meeting's title"
# started, the meeting has its row in the outbox
meeting_start
# what an older version sent the server refused, for its text
sql "UPDATE outbox SET state = 'failed', attempts = 1,
    last_error = 'HTTP 400: Invalid string format' WHERE entity_uuid = '$M_UUID'"
[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'failed'")" -ge 1 ] ||
    fail "no refused row to mend"
m_before=$(queued meeting "$M_UUID")
s_before=$(queued slot "$S_UUID")

# ---- the title: shown escaped, refused blank, corrected
keys T
wait_for "Shown escaped and cut to 1024 characters: edit it, then Enter"
keys Home
wait_for "Meeting title: Demo\\x1b[2J<U+202E><U+009B><U+FFFE>\\xff\\nxxx"
keys C-u Enter
wait_for "the meeting has no title"
screen | grep -qF "Meeting title:" || fail "the prompt closed on a refusal"
type_text "Larkhall $(printf '\u202e')"
wait_for "<U+202E> cannot be typed here"
type_text "Green MDT é"
keys Enter
wait_for "Title corrected: it will be sent to the central record again"
wait_for " Larkhall"
[ "$(sql "SELECT title FROM meetings WHERE id = $MEETING")" = "Larkhall Green MDT é" ] ||
    fail "the title was not stored as typed"
[ "$(sql "SELECT count(*) FROM outbox WHERE state = 'failed'")" = 0 ] ||
    fail "the refused rows were not queued again with the correction"
pass "title: hostile text shown escaped, blank refused, corrected; the refused rows queued again"

# ---- the venue: a new one, the demo's venue left as it is
keys V
wait_for "Venue (blank for none): Larkhall Green Practice"
keys C-u
type_text "Riverside Surgery"
keys Enter
wait_for "Venue corrected"
[ "$(sql "SELECT v.name FROM meetings m JOIN venues v ON v.id = m.venue_id WHERE m.id = $MEETING")" = "Riverside Surgery" ] ||
    fail "the venue was not corrected"
[ "$(sql "SELECT count(*) FROM venues WHERE name = 'Larkhall Green Practice'")" = 1 ] ||
    fail "the shared venue was renamed"
pass "venue corrected, the shared one kept"

# ---- the reason, on the slot screen of the first patient
keys Enter
wait_for "Reason:"
keys "?"
wait_for "Correct the reason"
keys Escape
wait_gone "Correct the reason"
keys e
wait_for "Shown escaped and cut to 1024 characters"
keys Home
wait_for "Reason for discussion: Falls\\x1b[2J<U+202E>"
keys C-u
type_text "Three falls in six weeks, lives alone"
keys Enter
wait_for "Reason corrected: it will be sent to the central record again"
wait_for "Reason: Three falls in six weeks, lives alone"
keys e
wait_for "Reason for discussion: Three falls in six weeks, lives alone"
keys Enter
wait_for "Reason unchanged: nothing saved"
pass "reason corrected on the slot screen"

# ---- what was stored, printed and queued
[ "$(sql "SELECT reason FROM slots WHERE id = $SLOT")" = "Three falls in six weeks, lives alone" ] ||
    fail "the reason was not stored as typed"
minutes_json >"$E2E_TMP/m.json"
[ "$(jqr .meeting.title "$E2E_TMP/m.json")" = "Larkhall Green MDT é" ] ||
    fail "the JSON minutes have the old title"
[ "$(jqr .meeting.venue "$E2E_TMP/m.json")" = "Riverside Surgery" ] ||
    fail "the JSON minutes have the old venue"
[ "$(jqr ".slots[] | select(.uuid == \"$S_UUID\") | .reason" "$E2E_TMP/m.json")" = \
    "Three falls in six weeks, lives alone" ] || fail "the JSON minutes have the old reason"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" >"$E2E_TMP/m.txt"
grep -qxF "# Larkhall Green MDT é" "$E2E_TMP/m.txt" || fail "the minutes' heading has the old title"
grep -qxF -- "- Venue: Riverside Surgery" "$E2E_TMP/m.txt" || fail "the minutes have the old venue"
grep -qF "Three falls in six weeks, lives alone" "$E2E_TMP/m.txt" || fail "the minutes have the old reason"
if grep -aqF "xxxxxxxx" "$E2E_TMP/m.txt"; then fail "the minutes still hold the hostile text"; fi
[ "$(queued meeting "$M_UUID")" = $((m_before + 2)) ] || fail "title and venue not queued"
[ "$(queued slot "$S_UUID")" = $((s_before + 1)) ] || fail "the reason not queued (or queued when unchanged)"
[ "$(sql "SELECT count(*) FROM outbox WHERE entity_uuid IN ('$M_UUID', '$S_UUID') AND state = 'pending'")" -ge 3 ] ||
    fail "the corrections' rows are not pending"
"$MDTCHAIR" --db "$DB" audit >"$E2E_TMP/audit.txt"
for a in title_correct venue_correct reason_correct; do
	grep -qF "$a" "$E2E_TMP/audit.txt" || fail "no $a in the audit"
done
if grep -qF "Three falls" "$E2E_TMP/audit.txt"; then fail "the audit holds the reason"; fi
pass "database, minutes and audit hold the corrections; 3 outbox rows queued"

# ---- closed: still mendable; purged: refused, the reason said
keys 4
wait_for "Meeting open - press C to close it"
wait_for "C close-meeting  T title  V venue"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
keys T
wait_for "Meeting title: Larkhall Green MDT"
keys C-u
type_text "Larkhall MDT"
keys Enter
wait_for "Title corrected"
[ "$(sql "SELECT title FROM meetings WHERE id = $MEETING")" = "Larkhall MDT" ] ||
    fail "a closed meeting's title was not corrected"
sql "UPDATE meetings SET purged_at = 1 WHERE id = $MEETING"
keys T
wait_for "Meeting title: Larkhall MDT"
type_text " 2"
keys Enter
wait_for "the meeting was purged"
keys Escape
[ "$(sql "SELECT title FROM meetings WHERE id = $MEETING")" = "Larkhall MDT" ] ||
    fail "a purged meeting's title was changed"
pass "closed meeting corrected, purged one refused"

keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not exit cleanly"
