#!/bin/bash
# relatives.sh - the room never sees whose follow-up a death brings, and
# nobody from an organisation the patient excluded gets their work.  The
# patient's name is hostile (an escape sequence, a right-to-left override,
# a C1 control, a non-character, a byte that is not UTF-8, a line break,
# 10,000 characters).  With consent the patient excludes "Tanner Street
# Drug Service" (typed untidy): its outreach worker is refused as key
# contact and as an action's owner, with the reason on the message line.
# "Died": the masked projector and the masked `mdtchair actions` (text,
# Markdown, JSON) show "Contact the relatives ..." and never the name; with
# no key contact it goes to the first attendee present; setting the key
# contact moves it to them (audited, queued); `actions --org` leaves the
# patient out of the organisation's list; correcting the outcome cancels
# the follow-up (audited, queued) and the projector drops it; consent
# recorded again excluding the key contact's organisation is kept, and the
# chair is told what to change.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
"$MDTCHAIR" --db "$DB" people add "Lee Brown" --role "Outreach worker" \
    --org "Tanner Street Drug Service" >/dev/null
PT=$(sql "SELECT patient_id FROM slots WHERE meeting_id = $MEETING AND position = 1")
# Ronald<ESC>[7m<U+202E> Blackwood<U+009B><U+FFFE><0xFF><LF>xxxx... and no
# key contact.
sql "UPDATE patients SET key_contact_id = NULL, name = 'Ronald' || char(27)
    || '[7m' || char(8238) || ' Blackwood' || char(155) || char(65534)
    || CAST(X'FF0A' AS TEXT) || replace(hex(zeroblob(5000)), '0', 'x')
    WHERE id = $PT"
[ "$(sql "SELECT length(CAST(name AS BLOB)) > 10000 FROM patients WHERE id = $PT")" = 1 ] ||
    fail "the hostile name was not stored"
RELATIVES="Contact the relatives to offer support and follow up"
ASK="Organisations the patient asked to exclude (comma-separated; blank for none):"
REASON="excluded by the patient's consent: tanner STREET drug Service (Lee Brown"

# leaks TEXT...: fails if any output names the patient.
no_name() { # WHERE < output
	if grep -aqE 'Ronald|Blackwood'; then fail "$1 shows the patient's name"; fi
}
# the row of NAME in the people pickers (those present first, then
# everyone else by name)
owner_row() {
	sql "SELECT (SELECT count(*) FROM attendance WHERE meeting_id = $MEETING
	    AND status = 'present') + (SELECT count(*) FROM people p
	    WHERE p.name < '$1' AND p.id NOT IN (SELECT person_id FROM attendance
	    WHERE meeting_id = $MEETING AND status = 'present'))"
}
# pick ROW: moves the picker's selection from the top down ROW rows, picks.
pick() {
	local i
	for ((i = 0; i < $1; i++)); do keys Down; done
	keys Enter
}
key_contact_pick() { # NAME
	keys K
	wait_for "Key contact"
	wait_for "$1"
	# the picker opens on the current key contact: back to the top first
	local i
	for ((i = 0; i < 15; i++)); do keys Up; done
	pick "$(owner_row "$1")"
}

tui_start --db "$DB" chair "$MEETING"
# wide enough for the whole of a refusal's reason on the message line
tm resize-window -t e2e:w -x 120 -y 24
pres_start --db "$DB" present "$MEETING"
# wide enough for the whole of an action's text beside the agenda
tm resize-window -t e2e:p -x 160 -y 48
wait_for "Agenda: 12 patients"
keys 2
wait_for "Not marked: 10"
keys Space c
wait_for "Confidentiality acknowledged: 1"
FIRST=$(sql "SELECT p.name FROM attendance a JOIN people p ON p.id = a.person_id
    WHERE a.meeting_id = $MEETING AND a.status = 'present'")
keys 1
wait_for "Agenda: 12 patients"
meeting_start
keys n 3
wait_for "Slot 1 of 12"
pres_wait_for "Slot 1/12:"

# ---- consent, the patient excluding Tanner Street Drug Service (untidy).
keys c
wait_for "Consent to be discussed"
keys 1
wait_for "$ASK"
type_text "  tanner   STREET drug Service  "
keys Enter
wait_for "Consent recorded:"

# ---- its worker is refused as key contact and as an action's owner.
before=$(sql "SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM outbox)")
keys K
wait_for "Lee Brown - excluded by the patient - not here (Outreach worker"
screen | grep -q "Chloé Martin (District nurse) - excluded" && fail "the picker marks someone not excluded"
keys Escape
key_contact_pick "Lee Brown"
wait_for "$REASON cannot be the key contact)"
[ "$(sql "SELECT coalesce(key_contact_id, 0) FROM patients WHERE id = $PT")" = 0 ] ||
    fail "an excluded organisation's worker became the key contact"
keys a
wait_for "Action:"
type_text "Needle exchange follow-up"
keys Enter
wait_for "Owner (present first)"
wait_for "Lee Brown - excluded by the patient - not here (Outreach worker"
pick "$(owner_row "Lee Brown")"
# refused as picked, before the due date is asked
wait_for "$REASON cannot own this action)"
screen | grep -qF "Due (YYYY-MM-DD" && fail "the due date was asked for an excluded owner"
[ "$(sql "SELECT count(*) FROM actions")" = 0 ] || fail "an action went to an excluded organisation"
[ "$(sql "SELECT (SELECT count(*) FROM audit), (SELECT count(*) FROM outbox)")" = "$before" ] ||
    fail "a refused act wrote to the audit log or the outbox"
pass "an excluded organisation's worker is refused as key contact and owner, with the reason"

# ---- died: the follow-up names nobody, on the projector or in the lists.
keys o
wait_for "Outcome"
keys 4
wait_for "Date of death"
keys Enter
wait_for "Recorded: died on"
pres_wait_for "1. Contact"
pres_screen | no_name "the masked projector"
pres_screen | grep -qF "$RELATIVES" || fail "the projector does not show '$RELATIVES'"
[ "$(sql "SELECT p.name FROM actions a JOIN people p ON p.id = a.owner_id
    WHERE a.kind = 'contact_relatives'")" = "$FIRST" ] ||
    fail "without a key contact the follow-up is not the first present attendee's"
pres_screen | grep -qF "$FIRST" || fail "the projector does not show who follows up"
for fmt in txt md json; do
	"$MDTCHAIR" --db "$DB" actions --format "$fmt" >"$E2E_TMP/actions.$fmt"
	no_name "mdtchair actions --format $fmt" <"$E2E_TMP/actions.$fmt"
	grep -qF "$RELATIVES" "$E2E_TMP/actions.$fmt" || fail "actions ($fmt) lack the follow-up"
done
pass "the masked projector and masked actions show '$RELATIVES', never the name"

# ---- the key contact, set now, gets the follow-up.
ACT=$(sql "SELECT uuid FROM actions WHERE kind = 'contact_relatives'")
key_contact_pick "Chloé Martin"
wait_for "Key contact: Chloé Martin"
[ "$(sql "SELECT p.name FROM actions a JOIN people p ON p.id = a.owner_id
    WHERE a.uuid = '$ACT'")" = "Chloé Martin" ] || fail "the follow-up did not move to the key contact"
[ "$(sql "SELECT count(*) FROM audit WHERE entity_uuid = '$ACT'
    AND action = 'action_reassign' AND detail LIKE '%(the key contact)'")" = 1 ] ||
    fail "the move is not audited"
[ "$(sql "SELECT count(*) FROM outbox WHERE entity_uuid = '$ACT'")" = 2 ] ||
    fail "the move is not queued for the central record"
pres_wait_for "Chloé Martin"
"$MDTCHAIR" --db "$DB" actions --owner "Chloé" | grep -qF "$RELATIVES" ||
    fail "the key contact's list lacks the follow-up"
pass "setting the key contact moves the follow-up to them, audited and queued"

# ---- a list for Tanner Street leaves the patient out.  Lee owns an
# ---- action of theirs made before the exclusion (as an older version
# ---- could) and one of another patient's.
sql "INSERT INTO actions (uuid, patient_id, slot_id, text, owner_id, due_date,
    created_at) SELECT 'e2e-old', $PT, NULL, 'Old outreach visit', id,
    '2027-01-01', 0 FROM people WHERE name = 'Lee Brown';
    INSERT INTO actions (uuid, patient_id, slot_id, text, owner_id, due_date,
    created_at) SELECT 'e2e-other', (SELECT patient_id FROM slots
    WHERE meeting_id = $MEETING AND position = 2), NULL, 'Other outreach visit',
    id, '2027-01-01', 0 FROM people WHERE name = 'Lee Brown'"
"$MDTCHAIR" --db "$DB" actions --org "tanner street" >"$E2E_TMP/org.txt"
grep -qF "Other outreach visit" "$E2E_TMP/org.txt" || fail "--org lacks another patient's action"
grep -qF "Old outreach visit" "$E2E_TMP/org.txt" && fail "--org lists a patient who excluded the organisation"
"$MDTCHAIR" --db "$DB" actions --owner "Lee" | grep -qF "Old outreach visit" ||
    fail "the chair's own list (--owner) lost the action"
pass "actions --org 'tanner street' leaves out the patient who excluded it"

# ---- on the command line: Lee's old action may be closed, not reopened.
OLD=$(sql "SELECT id FROM actions WHERE uuid = 'e2e-old'")
"$MDTCHAIR" --db "$DB" actions done "$OLD" >/dev/null || fail "closing the old action failed"
rc=0
"$MDTCHAIR" --db "$DB" actions reopen "$OLD" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
[ "$rc" = 1 ] || fail "reopening work for an excluded organisation exited $rc"
grep -qF "excluded by the patient's consent: tanner STREET drug Service (Lee Brown cannot own this action)" "$E2E_TMP/err" ||
    fail "reopening does not say why: $(cat "$E2E_TMP/err")"
[ "$(sql "SELECT status FROM actions WHERE id = $OLD")" = done ] || fail "the refused reopening changed the action"
"$MDTCHAIR" --db "$DB" actions reopen "$OLD" 2>&1 | no_name "a refused reopening"
pass "actions reopen refuses work for an excluded organisation, with the reason"

# ---- the outcome corrected: the follow-up is cancelled.
keys o
wait_for "Outcome"
keys 3
wait_for "Outcome recorded:"
[ "$(sql "SELECT status FROM actions WHERE uuid = '$ACT'")" = cancelled ] ||
    fail "correcting the outcome left the follow-up $(sql "SELECT status FROM actions WHERE uuid = '$ACT'")"
[ "$(sql "SELECT count(*) FROM audit WHERE entity_uuid = '$ACT'
    AND action = 'action_status' AND detail = 'cancelled: the outcome is now close'")" = 1 ] ||
    fail "the cancellation is not audited"
[ "$(sql "SELECT count(*) FROM outbox WHERE entity_uuid = '$ACT'")" = 3 ] ||
    fail "the cancellation is not queued for the central record"
pres_wait_gone "$RELATIVES"
"$MDTCHAIR" --db "$DB" actions | grep -qF "$RELATIVES" && fail "the cancelled follow-up is still listed"
pass "correcting the outcome cancels the follow-up, audited and queued; the projector drops it"

# ---- consent recorded again, excluding the key contact's organisation
# ---- too: recorded (the patient's wish), and the chair told what to change
# ---- (the key contact, and Lee's open action, made as an older version
# ---- could have).
sql "INSERT INTO actions (uuid, patient_id, slot_id, text, owner_id, due_date,
    created_at) SELECT 'e2e-old2', $PT, NULL, 'Old outreach call', id,
    '2027-01-01', 0 FROM people WHERE name = 'Lee Brown'"
keys c
wait_for "Consent to be discussed"
keys 1
wait_for "$ASK"
keys End
type_text ", Larkhall Community Health"
keys Enter
wait_for "Consent recorded, but the key contact and 1 open action are from an excluded organisation: change them (K, r)"
[ "$(sql "SELECT count(*) FROM consent_exclusions")" = 2 ] || fail "the exclusions were not recorded"
pass "consent excluding the key contact's organisation is recorded, and the chair told what to change"

keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not exit 0"
pres_keys q
[ "$(pres_wait_exit)" = 0 ] || fail "the projector did not exit 0"
