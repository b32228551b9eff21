#!/bin/bash
# themes.sh - t on the slot screen tags the discussion with its themes:
# the picker lists the six and the network's own, each [x] when tagged;
# a digit (a short list) or Enter turns one on or off, saved at once, the
# picker staying open on it; Esc closes it and says the slot's themes; a
# theme of the network's own is added from what was typed and tagged; a
# bidi control is refused; each act is in the audit log; the review
# counts them; the command line tags and untags the same way.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
"$MDTCHAIR" --db "$DB" themes | grep -qx "carer strain" || fail "the six themes are not listed"

tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
keys 3
wait_for "No slot is running"
keys t
wait_for "No slot is running: press n"
first_slot
keys t
wait_for "Themes (Enter: on / off, Esc: done)"
wait_for "[ ] isolation"
wait_for "[ ] end of life"
wait_for "A theme of the network's own..."
keys 3
wait_for "[x] falls"
wait_for "Themes: falls"
[ "$(sql "SELECT count(*) FROM slot_themes")" = 1 ] || fail "the tag was not saved at once"
keys Down Enter
wait_for "[x] carer strain"
wait_for "Themes: falls, carer strain"
pass "a digit and Enter tag the slot, saved at once, the picker staying open"

keys 3
wait_for "[ ] falls"
wait_for "Themes: carer strain"
[ "$(sql "SELECT count(*) FROM slot_themes")" = 1 ] || fail "the tag was not taken off"
pass "choosing a theme again takes the tag off"

type_text "Money"
wait_for "New: Money"
type_text $'\u202e'
wait_for "<U+202E> cannot be typed here"
type_text " worries"
wait_for "New: Money worries"
keys Enter
wait_for "[x] Money worries"
wait_for "Themes: carer strain, Money worries"
[ "$(sql "SELECT own FROM themes WHERE name = 'Money worries'")" = 1 ] || fail "the network's theme was not added"
pass "a theme of the network's own added from what was typed and tagged; a bidi control refused"

keys Escape
wait_gone "Themes (Enter"
wait_for "Themes: carer strain, Money worries"
screen | grep -qF "Cancelled: nothing saved" && fail "Esc says nothing was saved"
pass "Esc closes the picker and says the slot's themes"
meeting_close_quit

[ "$(sql "SELECT count(*) FROM audit WHERE action = 'theme'")" = 5 ] ||
    fail "not one audit row per act: $(sql "SELECT detail FROM audit WHERE action = 'theme'")"
sql "SELECT detail FROM audit WHERE action = 'theme'" | grep -qx "slot #1 untagged: falls" ||
    fail "the audit does not say the slot and the theme"

today=$(date +%F)
"$MDTCHAIR" --db "$DB" review --from "$today" --to "$today" --format json >"$E2E_TMP/r.json" ||
    fail "review failed"
[ "$(jqr '.themes[] | select(.theme == "carer strain") | .slots' "$E2E_TMP/r.json")" = 1 ] ||
    fail "the review does not count carer strain"
[ "$(jqr '.themes[] | select(.theme == "falls") | .slots' "$E2E_TMP/r.json")" = 0 ] ||
    fail "the review counts a tag taken off"
[ "$(jqr '.slots_untagged' "$E2E_TMP/r.json")" = 0 ] || fail "untagged slots miscounted"
pass "the review counts the slots tagged with each theme"

"$MDTCHAIR" --db "$DB" themes tag "$MEETING" 1 housing || fail "themes tag failed"
"$MDTCHAIR" --db "$DB" themes untag "$MEETING" '#1' "MONEY WORRIES" || fail "themes untag failed"
[ "$(sql "SELECT group_concat(t.name, ',') FROM slot_themes x JOIN themes t ON t.id = x.theme_id")" = "housing,carer strain" ] ||
    [ "$(sql "SELECT group_concat(t.name, ',') FROM slot_themes x JOIN themes t ON t.id = x.theme_id ORDER BY t.id")" = "housing,carer strain" ] ||
    fail "the command line did not tag and untag: $(sql "SELECT group_concat(theme_id) FROM slot_themes")"
"$MDTCHAIR" --db "$DB" themes tag "$MEETING" 2 housing 2>"$E2E_TMP/err" && fail "a slot not started was tagged"
grep -q "has not been started" "$E2E_TMP/err" || fail "no reason for a slot not started: $(cat "$E2E_TMP/err")"
"$MDTCHAIR" --db "$DB" themes tag "$MEETING" 1 "no such" 2>"$E2E_TMP/err" && fail "an unknown theme was tagged"
grep -q 'no theme "no such"' "$E2E_TMP/err" || fail "no reason for an unknown theme"
pass "the command line tags and untags by meeting, slot number and theme, case apart"
