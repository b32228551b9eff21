#!/bin/bash
# correct-record.sh - what was recorded in a slot is corrected as clinical
# systems correct it: the original is kept (superseded, or entered in
# error), with who and when, and the audit never holds the text.  On the
# first slot: consent recorded, then corrected (the picker opens on the
# basis it has, the justification as it was); a long note is cut in the
# slot and read whole (Tab, Enter), an older version's hostile note (an
# escape sequence, a right-to-left override, a C1 control, a
# non-character, a byte that is not UTF-8, a line break) is shown escaped
# in the reader and in the prompt; a note edited (E) and one withdrawn (W,
# asked first); an action's text edited and the action withdrawn (it
# leaves the slot and `mdtchair actions`); the outcome changed (the first
# kept) and withdrawn (o), then another recorded.  On the second slot,
# without consent, "Died" is the only outcome offered: a future date is
# refused, the date typed is kept and shown.  On the third, a note half
# typed when the console is killed (kill -9) is said on the slot when it
# is opened again and comes back in the note prompt (w), and Esc then
# discards it.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
S1=$(sql "SELECT id FROM slots WHERE meeting_id = $MEETING AND position = 1")
S2=$(sql "SELECT id FROM slots WHERE meeting_id = $MEETING AND position = 2")
S3=$(sql "SELECT id FROM slots WHERE meeting_id = $MEETING AND position = 3")
for who in "Ade Okonkwo" "Marta Kowalczyk"; do
	sql "UPDATE attendance SET status = 'present', confidentiality_ack = 1
	    WHERE meeting_id = $MEETING AND person_id =
	    (SELECT id FROM people WHERE name = '$who')"
done
LONG="Daughter visits daily; she reports two falls at night, the second on the stairs; the GP has reviewed the night-time medicines; the end of this note: OWL"

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Consent: not recorded"
keys "?"
wait_for "Notes / actions selected"
wait_for "Read note / action whole"
wait_for "Edit note / action text"
wait_for "Withdraw, entered in error"
keys Escape

# ---- consent recorded, then corrected: the original kept
keys c
wait_for "Consent to be discussed"
keys 2
wait_for "Justification:"
type_text "Lacks capacity; son agrees"
keys Enter
wait_for "Organisations the patient asked to exclude"
keys Enter
wait_for "Consent recorded:"
keys c
wait_for ">  2  Not given - best interests"
keys Enter
wait_for "Justification: Lacks capacity; son agrees"
keys C-u
type_text "Lacks capacity; daughter agrees"
keys Enter Enter
wait_for "Consent corrected: the one it replaces is kept"
[ "$(sql "SELECT json_extract(original, '$.justification') FROM corrections
    WHERE entity = 'consent' AND kind = 'superseded'")" = "Lacks capacity; son agrees" ] ||
    fail "the consent replaced was not kept"
pass "consent corrected, the original kept"

# ---- notes: a long one read whole, a hostile one escaped
keys w
type_text "$LONG"
keys Enter
wait_for "Note saved"
screen | grep -qF "OWL" && fail "the long note was not cut in the slot"
sql "INSERT INTO notes (uuid, slot_id, text, created_at) VALUES
    (lower(hex(randomblob(16))), $S1, 'Bad' || char(27) || '[2J' || char(8238)
    || char(155) || char(65534) || CAST(X'FF0A' AS TEXT) || 'tail',
    (SELECT max(created_at) + 1 FROM notes))"
keys w
type_text "Second note, to withdraw"
keys Enter
wait_for "Note saved"
keys Tab
wait_for "Notes selected"
# the latest selected; up to the long note
keys Up Up Enter
wait_for "Note written at"
wait_for "OWL"
keys Escape
wait_gone "Note written at"
keys Down Enter
wait_for 'Bad\x1b[2J<U+202E><U+009B><U+FFFE>\xff'
wait_for "tail"
keys q
wait_gone "Note written at"
pass "a long note read whole, a hostile one escaped"

keys Up E
wait_for "Note (corrected): "
keys C-u
type_text "Daughter visits daily; two falls at night"
keys Enter
wait_for "Note corrected (the original is kept)"
keys Down Down W
wait_for "Withdraw this note as entered in error"
keys y
wait_for "Note withdrawn"
wait_gone "Second note, to withdraw"
[ "$(sql "SELECT count(*) FROM notes WHERE slot_id = $S1")" = 2 ] ||
    fail "the withdrawn note is still a note"
[ "$(sql "SELECT json_extract(original, '$.text') FROM corrections
    WHERE entity = 'note' AND kind = 'superseded'")" = "$LONG" ] ||
    fail "the note's original was not kept"
[ "$(sql "SELECT json_extract(original, '$.text') || '|' || (actor <> '') FROM corrections
    WHERE entity = 'note' AND kind = 'entered-in-error'")" = "Second note, to withdraw|1" ] ||
    fail "the withdrawn note was not kept, with who"
pass "a note edited and one withdrawn, the originals kept"

# ---- an action: its text edited, then withdrawn
keys Tab
wait_for "Actions selected"
keys a
type_text "Fals clinic referal"
keys Enter
wait_for "Owner"
pick_row 1
wait_for "Due"
keys Enter
wait_for "Action saved"
keys E
wait_for "Action (corrected): Fals clinic referal"
keys C-u
type_text "Falls clinic referral"
keys Enter
wait_for "Action corrected"
wait_for "Falls clinic referral"
keys W
wait_for "Withdraw this action"
keys y
wait_for "Action withdrawn"
wait_gone "Falls clinic referral"
[ "$(sql "SELECT status || '|' || (withdrawn_at IS NOT NULL) FROM actions
    WHERE text = 'Falls clinic referral'")" = "cancelled|1" ] ||
    fail "the withdrawn action is not cancelled and marked withdrawn"
if "$MDTCHAIR" --db "$DB" actions | grep -qF "Falls clinic"; then
	fail "the withdrawn action is still on the list"
fi
pass "an action's text edited, the action withdrawn"

# ---- the outcome changed, withdrawn, another recorded
keys o
wait_for "Outcome"
keys 3
wait_for "Outcome: Close"
keys o
wait_for "Step down"
keys 2
wait_for "Outcome: Step down"
keys o
wait_for "Withdraw the outcome (entered in error)"
keys 5
wait_for "Withdraw the outcome as entered in error"
keys y
wait_for "Outcome withdrawn"
wait_for "Outcome: not recorded"
keys o
wait_for "Close"
keys 3
wait_for "Outcome: Close"
[ "$(sql "SELECT group_concat(kind || ':' || json_extract(original, '$.kind'), ',')
    FROM (SELECT * FROM corrections WHERE entity = 'outcome' ORDER BY id)")" = \
    "superseded:close,entered-in-error:step_down" ] ||
    fail "the outcomes replaced and withdrawn were not kept"
if sql "SELECT detail FROM audit" | grep -qE "Daughter|Fals|Lacks|Second note"; then
	fail "the audit holds the text"
fi
pass "the outcome changed and withdrawn, the originals kept, the audit without text"

# ---- a death without consent, with its date
keys n
wait_for "Slot 2 of 12"
keys o
wait_for "Outcome (no consent: a death only)"
keys 1
wait_for "Date of death"
type_text "2099-01-01"
keys Enter
wait_for "in the future"
keys C-u
type_text "2026-01-02"
keys Enter
wait_for "Outcome: Died on 2026-01-02"
wait_for "Contact the relatives"
[ "$(sql "SELECT kind || ' ' || died_on FROM outcomes WHERE slot_id = $S2")" = "died 2026-01-02" ] ||
    fail "the death was not recorded with its date"
[ "$(sql "SELECT count(*) FROM consent WHERE slot_id = $S2")" = 0 ] ||
    fail "consent was recorded for a death"
[ "$(minutes_json | jqr '.slots[1].outcome.died_on')" = 2026-01-02 ] ||
    fail "the minutes do not give the date of death"
"$MDTCHAIR" --db "$DB" minutes "$MEETING" | grep -qF -- "- Outcome: Died, on 2026-01-02" ||
    fail "the text minutes do not give the date of death"
pass "a death recorded without consent, with its date"

# ---- a note half typed when the console is killed
keys n
wait_for "Slot 3 of 12"
consent_given
keys w
type_text "Kept when killed: the district nurse"
i=0
until [ "$(sql "SELECT count(*) FROM note_drafts WHERE slot_id = $S3
    AND text = 'Kept when killed: the district nurse'")" = 1 ]; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "the draft was never kept"
	sleep 0.05
done
kill -9 "$(tui_pid)"
[ "$(wait_exit)" = 137 ] || fail "mdtchair was not killed"
tui_start --db "$DB" chair
wait_for "A note half typed was kept - press w to finish it"
# never opened unasked: a key pressed blind types nothing into it
keys j
keys w
wait_for "The note being typed was kept"
wait_for "Note: Kept when killed: the district nurse"
keys Escape
wait_for "Cancelled"
[ "$(sql "SELECT count(*) FROM note_drafts")" = 0 ] || fail "the discarded draft stayed"
keys w
wait_for "Note:"
screen | grep -qF "Kept when killed" && fail "the discarded draft came back"
keys Escape
pass "a note half typed survives kill -9 and is discarded on purpose"
keys q
