#!/bin/bash
# actions.sh - each owner's actions across meetings, for owners outside
# the NHS too.  On the chair's console an action goes to someone known but
# not in the room and to someone new (added from the owner picker); the
# actions screen (7) lists them by owner with the overdue one marked, o
# shows only overdue ones, f one owner, d closes one and x cancels one
# (asked first).  From the command line: `people add`, `actions` with
# --owner / --org / --overdue / --all and the three formats, closing and
# reopening by number, and the refusals.  The minutes as plain text hold
# the owners, due dates and the time band.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)
LENA=$("$MDTCHAIR" --db "$DB" people add "Lena Ortiz" --role "Befriending coordinator" --org "Age UK Lambeth")
[ "$LENA" -gt 0 ] || fail "people add printed no id"
set +e
"$MDTCHAIR" --db "$DB" people add "lena ortiz" --org "age uk lambeth" 2>"$E2E_TMP/err"; rc=$?
"$MDTCHAIR" --db "$DB" people add 2>/dev/null; rc2=$?
set -e
[ "$rc" = 1 ] && grep -qF "Lena Ortiz of Age UK Lambeth is known already" "$E2E_TMP/err" ||
    fail "a second Lena Ortiz of Age UK Lambeth: exit $rc, $(cat "$E2E_TMP/err")"
[ "$rc2" = 2 ] || fail "people add without a name exited $rc2, not 2"
"$MDTCHAIR" --db "$DB" people | grep -qE "^$LENA  Lena Ortiz  Befriending coordinator  Age UK Lambeth$" ||
    fail "people does not list Lena Ortiz"
pass "people: add (refusing the same person twice) and list"

# who someone is on the NHS's registers, an organisation's ODS code;
# values not well formed are refused with what is expected, exit 1
"$MDTCHAIR" --db "$DB" people ids "$LENA" --sds 555021935107 ||
    fail "people ids --sds refused a 12-digit SDS user id"
"$MDTCHAIR" --db "$DB" people ods "age uk  lambeth" y02756 ||
    fail "people ods refused Y02756"
set +e
"$MDTCHAIR" --db "$DB" people ids "$LENA" --gmc 123456 2>"$E2E_TMP/err"; rc=$?
"$MDTCHAIR" --db "$DB" people ids "$LENA" --gmc "12$(printf '\033')[2J345" 2>"$E2E_TMP/err4"; rc4=$?
"$MDTCHAIR" --db "$DB" people ids "$LENA" --gmc 1234567 --nmc 71A2998E 2>/dev/null; rc2=$?
"$MDTCHAIR" --db "$DB" people ods "Age UK Lambeth" "RK" 2>"$E2E_TMP/err3"; rc3=$?
set -e
[ "$rc" = 1 ] && grep -qF "GMC 7 digits" "$E2E_TMP/err" ||
    fail "a GMC number of 6 digits: exit $rc, $(cat "$E2E_TMP/err")"
[ "$rc4" = 2 ] && grep -qF 'control character' "$E2E_TMP/err4" ||
    fail "a GMC number with an escape: exit $rc4, $(cat "$E2E_TMP/err4")"
grep -q "$(printf '\033')" "$E2E_TMP/err4" && fail "the refusal echoed the escape raw"
[ "$rc2" = 2 ] || fail "two registrations at once exited $rc2, not 2"
[ "$rc3" = 1 ] && grep -qF "not an ODS code" "$E2E_TMP/err3" ||
    fail "ODS code RK: exit $rc3, $(cat "$E2E_TMP/err3")"
[ "$(sql "SELECT sds_user_id FROM people WHERE id = $LENA")" = 555021935107 ] ||
    fail "the SDS user id was not kept"
[ "$(sql "SELECT name || ' ' || ods_code FROM organisations")" = "age uk lambeth Y02756" ] ||
    fail "the ODS code was not kept: $(sql "SELECT * FROM organisations")"
pass "people: ids and ods kept, values not well formed refused with what is expected"

# Teams: an action can be given to one; the network is named once.
TEAM=$("$MDTCHAIR" --db "$DB" people add "District nursing" --team --org "Whittington Health") ||
    fail "people add --team refused"
"$MDTCHAIR" --db "$DB" people add "Islington North INC" --network >/dev/null ||
    fail "people add --network refused"
set +e
"$MDTCHAIR" --db "$DB" people add "Haringey INC" --network 2>"$E2E_TMP/err"; rc=$?
"$MDTCHAIR" --db "$DB" people add "Rapid response" --team --role Nurse 2>"$E2E_TMP/err2"; rc2=$?
"$MDTCHAIR" --db "$DB" people ids "$TEAM" --sds 555021935108 2>/dev/null; rc3=$?
set -e
[ "$rc" = 1 ] && grep -qF "the network is named already: Islington North INC" "$E2E_TMP/err" ||
    fail "a second network: exit $rc, $(cat "$E2E_TMP/err")"
[ "$rc2" = 2 ] && grep -qF "a team has no role" "$E2E_TMP/err2" ||
    fail "a team with a role: exit $rc2, $(cat "$E2E_TMP/err2")"
"$MDTCHAIR" --db "$DB" people | grep -qE "^$TEAM  District nursing  team  Whittington Health$" ||
    fail "people does not list the team as a team"
[ "$rc3" = 1 ] || fail "a team was given an SDS user id (exit $rc3)"
pass "people: a team and the network added, a second network and a team's role refused"

tui_start --db "$DB" chair
demo_started
keys n
wait_for "Slot 1 of 12"
consent_given

# To someone known who is not in the room: after those present.
keys a
wait_for "Action:"
type_text "Befriending visit"
keys Enter
wait_for "Owner (present first)"
screen | grep -qF "Someone new..." || fail "the owner picker offers nobody new"
type_text "nursing"
wait_for "District nursing (team, Whittington Health)"
screen | grep -qF "District nursing - not here" && fail "a team is said not to be here"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace
type_text "lambeth"
wait_for "Lena Ortiz - not here (Befriending coordinator, Age UK Lambeth)"
keys Enter
wait_for "Due (YYYY-MM-DD"
type_text "+10"
keys Enter
wait_for "Action saved: Lena Ortiz, due"

# To someone new: asked for, added, and the action theirs.
keys a
wait_for "Action:"
type_text "Fix the heating (tenancy)"
keys Enter
wait_for "Someone new..."
keys End Enter
wait_for "New person's name:"
type_text "Sam Okafor"
keys Enter
wait_for "Their organisation"
type_text "Lambeth Housing"
keys Enter
wait_for "Their role"
type_text "Tenancy officer"
keys Enter
wait_for "Due (YYYY-MM-DD"
type_text "+1"
keys Enter
wait_for "Action saved: Sam Okafor, due $(date -d '+1 day' +%F)"
# time passes: the action falls overdue (a due date before today cannot
# be typed)
sql "UPDATE actions SET due_date = '2026-01-05' WHERE text = 'Fix the heating (tenancy)'"
[ "$(sql "SELECT role || '|' || organisation FROM people WHERE name = 'Sam Okafor'")" = "Tenancy officer|Lambeth Housing" ] ||
    fail "Sam Okafor was not added with role and organisation"
[ "$(sql "SELECT count(DISTINCT entity_uuid) FROM outbox o JOIN people p ON p.uuid = o.entity_uuid
    WHERE o.entity = 'person' AND p.kind = 'person'")" = 2 ] ||
    fail "the two people added are not queued for the central record"
pass "owners outside the room and outside the NHS, one added from the picker"

# The actions screen: by owner, the overdue one marked.
keys 7
wait_for "Open actions across meetings: 2, 1 overdue"
wait_for "Lena Ortiz - Befriending coordinator, Age UK Lambeth: 1 open, 0 overdue"
wait_for "Sam Okafor - Tenancy officer, Lambeth Housing: 1 open, 1 overdue"
screen | grep -F "Fix the heating" | grep -qF "2026-01-05!" || fail "the overdue action is not marked"
keys o
wait_for "[overdue only]"
wait_gone "Befriending visit"
keys o
wait_for "Befriending visit"
keys f
wait_for "Whose actions"
keys 2
wait_for "[one owner]"
wait_gone "Fix the heating"
keys f
wait_for "Whose actions"
keys 1
wait_gone "[one owner]"
wait_for "Fix the heating"
pass "the actions screen lists by owner and filters overdue and by owner"

# d closes the selected (the first: Lena's, by owner name), x cancels
# after asking.
keys d
wait_for "done: Befriending visit"
[ "$(sql "SELECT status FROM actions WHERE text = 'Befriending visit'")" = done ] ||
    fail "d on the actions screen did not mark it done"
keys j x
wait_for "Cancel #"
keys n
wait_for "Cancelled"
[ "$(sql "SELECT status FROM actions WHERE text LIKE 'Fix the heating%'")" = open ] ||
    fail "n cancelled the action anyway"
keys x
wait_for "Cancel #"
keys y
wait_for "cancelled: Fix the heating"
[ "$(sql "SELECT status FROM actions WHERE text LIKE 'Fix the heating%'")" = cancelled ] ||
    fail "x then y did not cancel"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "d and x close actions from the actions screen"

# The command line.
FIX=$(sql "SELECT id FROM actions WHERE text LIKE 'Fix the heating%'")
BEF=$(sql "SELECT id FROM actions WHERE text = 'Befriending visit'")
"$MDTCHAIR" --db "$DB" actions >"$E2E_TMP/open"
grep -qF "No actions match." "$E2E_TMP/open" || fail "closed actions listed as open: $(cat "$E2E_TMP/open")"
out=$("$MDTCHAIR" --db "$DB" actions reopen "#$FIX" "$BEF")
echo "$out" | grep -qF "#$FIX open again: Fix the heating (tenancy) (Sam Okafor)" || fail "reopen said: $out"
"$MDTCHAIR" --db "$DB" actions --org housing --overdue >"$E2E_TMP/o"
grep -qF "Sam Okafor - Tenancy officer, Lambeth Housing: 1 open, 1 overdue" "$E2E_TMP/o" &&
    grep -qE "^  #$FIX +due 2026-01-05 OVERDUE Fix the heating" "$E2E_TMP/o" ||
    fail "actions --org housing --overdue: $(cat "$E2E_TMP/o")"
grep -qF "Lena" "$E2E_TMP/o" && fail "--org housing lists Lena"
"$MDTCHAIR" --db "$DB" actions --owner LENA --format json >"$E2E_TMP/j"
[ "$(jqr '.owners | length' "$E2E_TMP/j")" = 1 ] &&
    [ "$(jqr '.owners[0].actions[0].text' "$E2E_TMP/j")" = "Befriending visit" ] &&
    [ "$(jqr '.owners[0].actions[0].overdue' "$E2E_TMP/j")" = false ] &&
    [ "$(jqr '.owners[0].actions[0].meeting.id' "$E2E_TMP/j")" = "$MEETING" ] ||
    fail "actions --owner LENA --format json: $(cat "$E2E_TMP/j")"
name1=$(sql "SELECT p.name FROM slots s JOIN patients p ON p.id = s.patient_id ORDER BY s.position LIMIT 1")
grep -qF "$name1" "$E2E_TMP/j" && fail "the actions list shows a full name without --unmask"
"$MDTCHAIR" --db "$DB" actions --unmask --format md | grep -qF "$name1" || fail "--unmask does not show the name"
"$MDTCHAIR" --db "$DB" actions done "$FIX" | grep -qF "#$FIX done" || fail "actions done"
"$MDTCHAIR" --db "$DB" actions done "$FIX" | grep -qF "was done already" || fail "done twice"
"$MDTCHAIR" --db "$DB" actions --all | grep -qE "#$FIX +done 20" || fail "--all does not show the done action"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'export' AND detail LIKE 'actions %'")" -ge 5 ] ||
    fail "printing the actions is not audited"
set +e
"$MDTCHAIR" --db "$DB" actions done 99999 2>"$E2E_TMP/e1"; r1=$?
"$MDTCHAIR" --db "$DB" actions done twelve 2>/dev/null; r2=$?
"$MDTCHAIR" --db "$DB" actions --owner Nobody 2>"$E2E_TMP/e3"; r3=$?
"$MDTCHAIR" --db "$DB" actions --owner a --org b 2>/dev/null; r4=$?
"$MDTCHAIR" --db "$DB" actions --format pdf 2>/dev/null; r5=$?
set -e
[ "$r1" = 1 ] && grep -qF "no action #99999" "$E2E_TMP/e1" || fail "an unknown action: exit $r1"
[ "$r2" = 2 ] || fail "a word for a number exited $r2, not 2"
[ "$r3" = 1 ] && grep -qF "nobody known is called 'Nobody'" "$E2E_TMP/e3" || fail "an unknown owner: exit $r3"
[ "$r4" = 2 ] && [ "$r5" = 2 ] || fail "bad options exited $r4 and $r5, not 2"
pass "actions from the command line: filters, formats, closing, refusals"

# The minutes as plain text.
"$MDTCHAIR" --db "$DB" minutes "$MEETING" --format txt >"$E2E_TMP/min.txt"
grep -qx "Demo MDT" "$E2E_TMP/min.txt" && grep -qx "========" "$E2E_TMP/min.txt" ||
    fail "the text minutes have no underlined title"
grep -qF -- "- Fix the heating (tenancy) (owner: Sam Okafor; due 2026-01-05; done)" "$E2E_TMP/min.txt" ||
    fail "the text minutes lack the action with owner and due date"
grep -qE -- "- Time: [0-9]+:[0-9]{2} \((under|within|over) the 5-7 minute band" "$E2E_TMP/min.txt" ||
    fail "the text minutes lack the time against the band"
grep -q '^#' "$E2E_TMP/min.txt" && fail "the text minutes hold Markdown headings"
pass "minutes as plain text"

# ---- on a generated history of 26 weekly meetings: the lists against
# ---- the database, figure by figure.
: "${GEN_HISTORY:?GEN_HISTORY must name tests/tools/gen-history}"
export TZ=UTC
GDB="$E2E_TMP/history.db"
"$GEN_HISTORY" --db "$GDB" --meetings 26 --patients 200 --actions 300 \
    --seed 5 --start 2026-01-07 >"$E2E_TMP/gen.out" || fail "gen-history failed"
gsql() { "$SQLITE3_BIN" -batch -noheader "$GDB" "$1"; }
ga() { "$MDTCHAIR" --db "$GDB" actions "$@"; }
today=$(date +%F)

ga --format json >"$E2E_TMP/g.json"
[ "$(jqr '[.owners[].actions[]] | length' "$E2E_TMP/g.json")" = "$(gsql "SELECT count(*) FROM actions WHERE status = 'open'")" ] ||
    fail "the open actions listed are not those in the database"
jqr '.owners[] | "\(.name)|\(.open)|\(.overdue)"' "$E2E_TMP/g.json" | sort >"$E2E_TMP/g.owners"
gsql "SELECT p.name || '|' || count(*) || '|' || sum(a.due_date < '$today') FROM actions a
    JOIN people p ON p.id = a.owner_id WHERE a.status = 'open' GROUP BY p.id" | sort >"$E2E_TMP/g.sql"
diff "$E2E_TMP/g.owners" "$E2E_TMP/g.sql" >&2 || fail "per-owner open and overdue counts differ from the database"
# within an owner: by due date
jqr '.owners[] | [.actions[].due_date] | . == sort' "$E2E_TMP/g.json" | grep -qx false &&
    fail "an owner's actions are not in due-date order"
[ "$(ga --overdue --format json | jqr '[.owners[].actions[]] | length')" = \
    "$(gsql "SELECT count(*) FROM actions WHERE status = 'open' AND due_date < '$today'")" ] ||
    fail "--overdue does not give the open actions due before today"
[ "$(ga --all --format json | jqr '[.owners[].actions[]] | length')" = "$(gsql "SELECT count(*) FROM actions")" ] ||
    fail "--all does not give every action"
org=$(gsql "SELECT organisation FROM people WHERE organisation <> '' ORDER BY id LIMIT 1")
[ "$(ga --org "$org" --all --format json | jqr '[.owners[].actions[]] | length')" = \
    "$(gsql "SELECT count(*) FROM actions a JOIN people p ON p.id = a.owner_id WHERE p.organisation = '$org'")" ] ||
    fail "--org '$org' does not give that organisation's actions"
# closing one from the command line: one fewer open, queued once
one=$(jqr '.owners[0].actions[0].id' "$E2E_TMP/g.json")
before=$(gsql "SELECT count(*) FROM outbox WHERE entity = 'action'")
ga done "$one" >/dev/null
[ "$(ga --format json | jqr '[.owners[].actions[]] | length')" = "$(($(jqr '[.owners[].actions[]] | length' "$E2E_TMP/g.json") - 1))" ] ||
    fail "closing #$one did not take it off the open list"
[ "$(gsql "SELECT count(*) FROM outbox WHERE entity = 'action'")" = $((before + 1)) ] ||
    fail "closing #$one did not queue it once"
pass "actions on a generated history of 26 meetings match the database"

# The text minutes of a generated meeting: every slot and every action.
gm=$(gsql "SELECT id FROM meetings ORDER BY scheduled_start LIMIT 1 OFFSET 9")
"$MDTCHAIR" --db "$GDB" minutes "$gm" --format txt >"$E2E_TMP/gmin.txt"
[ "$(grep -c '^~~~' "$E2E_TMP/gmin.txt")" = "$(gsql "SELECT count(*) FROM slots WHERE meeting_id = $gm")" ] ||
    fail "the text minutes of meeting $gm do not have a heading per slot"
gsql "SELECT a.text || ' (owner: ' || p.name || '; due ' || a.due_date FROM actions a
    JOIN people p ON p.id = a.owner_id JOIN slots s ON s.id = a.slot_id WHERE s.meeting_id = $gm" |
while IFS= read -r line; do
	grep -qF -- "- $line" "$E2E_TMP/gmin.txt" || fail "the text minutes of meeting $gm lack '$line'"
done
pass "text minutes of a generated meeting hold every slot and action"

# A whole-history export bigger than memory should hold: every action's
# text made 15,000 characters of hostile text (escapes, a bidi control,
# a line break, a byte not UTF-8), so that `actions --all --format json`
# is over ten megabytes.  It is held past a megabyte in a scratch file
# beside the database, not in memory: it runs within 8 MB of data (the
# held document alone would be more), prints every action whole, and
# leaves nothing in the folder.  (AddressSanitizer's shadow memory
# cannot start under a data limit: there only the output is checked.)
gsql "UPDATE actions SET text = id || ':' || replace(hex(zeroblob(3000)), '00',
    char(27) || '[2J' || char(8238)) || char(10) || cast(x'ff' AS TEXT)"
ls -A "$(dirname "$GDB")" >"$E2E_TMP/dir.before"
limit=
ldd "$MDTCHAIR" | grep -q libasan || limit="ulimit -d 8192;"
bash -c "$limit"' exec "$0" --db "$1" actions --all --format json' \
    "$MDTCHAIR" "$GDB" >"$E2E_TMP/big.json" 2>"$E2E_TMP/big.err" ||
    fail "actions --all of $(gsql "SELECT count(*) FROM actions") long actions within 8 MB: $(cat "$E2E_TMP/big.err")"
[ "$(wc -c <"$E2E_TMP/big.json")" -gt 10000000 ] || fail "the export is not over 10 MB: $(wc -c <"$E2E_TMP/big.json")"
[ "$(jqr '[.owners[].actions[]] | length' "$E2E_TMP/big.json")" = "$(gsql "SELECT count(*) FROM actions")" ] ||
    fail "the big export lacks actions"
[ "$(jqr '[.owners[].actions[] | select("\(.id):" as $p | .text | startswith($p) and length >= 15002)] | length' "$E2E_TMP/big.json")" = \
    "$(gsql "SELECT count(*) FROM actions")" ] || fail "an action's text is not whole in the big export"
grep -q "$(printf '\033')" "$E2E_TMP/big.json" && fail "the big export holds an escape raw"
ls -A "$(dirname "$GDB")" | grep -v '^big\.' | diff "$E2E_TMP/dir.before" - >&2 || fail "the export left a file beside the database"
pass "a whole-history export of over 10 MB held beside the database, not in memory, and printed whole"
