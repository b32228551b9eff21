#!/bin/bash
# present.sh - the projector's view (`mdtchair present`) in a second window
# on the same database as the chair's console: masked patients and the big
# clock, but no patient until everyone marked present in the register has
# acknowledged the confidentiality agreement (the staff awaited are
# named); the chair's slot start and a new action show within a second; B
# on the console blanks the view and B again restores it; no key in the
# projector's window changes the database; a larger window gets a larger
# clock; q exits 0.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
minutes_json >"$E2E_TMP/before.json"
name1=$(jqr '.slots[0].patient.name' "$E2E_TMP/before.json")
nhs1=$(jqr '.slots[0].patient.nhs_number' "$E2E_TMP/before.json" | tr -d ' ')
nhs1_spaced="${nhs1:0:3} ${nhs1:3:3} ${nhs1:6:4}"
# "Zoë Adébáyọ̀" masked: the initials, the year of birth, *633
mask1="born $(jqr '.slots[0].patient.date_of_birth' "$E2E_TMP/before.json" | cut -c1-4), NHS ***-***-*${nhs1:7:3}"

blocks() { pres_screen | grep -c '██' || true; }

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
pres_start --db "$DB" present
pres_wait_for "Agenda"
pres_wait_for "Nobody is marked present yet."
pres_screen | grep -qF "$mask1" && fail "the projector shows a patient before the register"
[ "$(blocks)" -ge 5 ] || fail "no big clock on the projector before the register"
person1=$(jqr '.attendance[0].name' "$E2E_TMP/before.json")
keys 2
wait_for "Not marked"
keys Space
pres_wait_for "Waiting for: $person1"
pres_screen | grep -qF "$mask1" && fail "the projector shows a patient before everyone present acknowledged"
pass "projector: patients withheld until the register is taken, the staff awaited named"
keys c
pres_wait_for "$mask1"
pres_wait_gone "Waiting for:"
keys 1
wait_for "Agenda: 12 patients"
pres_screen | grep -qF "$name1" && fail "the projector shows a full name"
pres_screen | grep -qE "$nhs1|$nhs1_spaced" && fail "the projector shows a full NHS number"
[ "$(blocks)" -ge 5 ] || fail "no big clock on the projector"
pass "projector: masked patients, big clock"

# The chair starts slot 1: the projector follows (how fast is measured by
# make bench-present, not asserted here).
meeting_start
keys n
pres_wait_for "Slot 1/12:"
pres_screen | grep -qF "on time" || fail "the band is not said in words"
pass "slot start shown on the projector"

# An action agreed on the console (consent first, an owner present).
keys 3
wait_for "Slot 1 of 12"
consent_given
keys a
wait_for "Action:"
type_text "Book a falls clinic review"
keys Enter
wait_for "Owner (present first)"
pick_row 1
wait_for "Due (YYYY-MM-DD"
type_text "+7"
keys Enter
pres_wait_for "Book a falls clinic review"
pass "new action shown on the projector"

# B blanks the projector (nothing of the patient left) and restores it.
keys B
wait_for "PROJECTOR BLANK"
pres_wait_for "Paused"
pres_wait_gone "Slot 1/12:"
pres_screen | grep -qF "born " && fail "the blanked projector shows a patient"
pres_screen | grep -qF "Book a falls" && fail "the blanked projector shows an action"
[ "$(blocks)" = 0 ] || fail "the blanked projector shows the clock"
keys B
wait_gone "PROJECTOR BLANK"
pres_wait_for "Slot 1/12:"
pres_wait_for "$mask1"
pass "B on the console blanks the projector and restores it"

# Someone arrives late: marked present, not yet acknowledged.  The
# projector withholds the patient again and the console says so.
person2=$(jqr '.attendance[1].name' "$E2E_TMP/before.json")
keys 2
wait_for "Not marked"
keys Down
keys Space
pres_wait_for "Waiting for: $person2"
pres_screen | grep -qF "$mask1" && fail "the projector shows a patient while a late arrival has not acknowledged"
wait_for "Projector: 1 not acknowledged"
keys c
pres_wait_for "$mask1"
wait_gone "Projector: 1 not"
keys 3
wait_for "Slot 1 of 12"
pass "a late arrival withholds the projector until they acknowledge; the console says so"

# No key in the projector's window changes anything.
fingerprint() {
	{
		"$SQLITE3_BIN" "$DB" "SELECT (SELECT count(*) FROM audit
		    WHERE action <> 'export'),
		    (SELECT count(*) FROM outbox), (SELECT count(*) FROM actions),
		    (SELECT count(*) FROM notes), (SELECT count(*) FROM slots),
		    (SELECT group_concat(state || current_slot_id || projector_blank)
		     FROM meetings)"
		minutes_json | sha256sum
	}
}
# The console pauses the clock first: the minutes hold a running slot's
# elapsed seconds.
keys p
wait_for "Paused: $name1"
pres_wait_for "(paused)"
fingerprint >"$E2E_TMP/fp1"
for k in n c w a o p + z b B K d x 1 2 3 4 5 6 C A Space Enter; do
	pres_keys "$k"
done
sleep 0.5
pres_wait_for "(paused)"
[ ! -s "$E2E_TMP/pstatus" ] || fail "a key ended the projector"
fingerprint >"$E2E_TMP/fp2"
diff "$E2E_TMP/fp1" "$E2E_TMP/fp2" >&2 || fail "a key in the projector's window changed the database"
pass "no key in the projector's window changes the database"

# Help: only q, ? and Ctrl-L.
pres_keys '?'
pres_wait_for "Keys - press any key to close"
pres_screen | grep -qF "Next slot" && fail "the projector's help lists a chairing key"
pres_keys Escape
pres_wait_gone "Keys - press any key to close"

# A larger window: a larger clock.
small=$(blocks)
tm resize-window -t e2e:p -x 160 -y 48
i=0
until [ "$(pres_screen | wc -l)" = 48 ] && [ "$(blocks)" -gt "$small" ]; do
	i=$((i + 1)); [ "$i" -lt 100 ] || fail "the clock did not grow at 160x48"; sleep 0.05
done
pres_wait_for "$mask1"
pass "the clock grows with the window ($small to $(blocks) rows)"

pres_keys q
[ "$(pres_wait_exit)" = 0 ] || fail "q did not exit the projector with 0"
# The console is still there, and it can quit too.
keys q
[ "$(wait_exit)" = 0 ] || fail "the console did not exit 0"
pass "q exits 0"
