#!/bin/sh
# cli.sh - the command line: help, exit codes, the default database path
# and its mode, MDTCHAIR_DB, an idempotent demo and the minutes formats.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

out=$("$MDTCHAIR" --help) || fail "--help exited non-zero"
for c in demo chair minutes meetings; do
	echo "$out" | grep -q "^  $c " || fail "--help does not list $c"
	"$MDTCHAIR" "$c" --help | grep -q "Usage: mdtchair \[--db PATH\] $c" ||
	    fail "$c --help"
done
# every line of every help fits an 80-column terminal
wide=$(echo "$out" | awk 'length > 80')
for c in $(echo "$out" | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
	wide="$wide$("$MDTCHAIR" "$c" --help | awk -v c="$c" 'length > 80 { print c ": " $0 }')"
done
[ -z "$wide" ] || fail "help wider than 80 columns: $wide"
pass "--help lists every command, each with its own help, within 80 columns"

"$MDTCHAIR" --version | grep -q '^mdtchair ' || fail "--version"

set +e
"$MDTCHAIR" frobnicate 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 2 ] || fail "an unknown command exits $rc, not 2"
grep -q "no command 'frobnicate'" "$E2E_TMP/err" || fail "unknown command message"
set +e
"$MDTCHAIR" >/dev/null 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "no command exits $rc, not 2"
set +e
"$MDTCHAIR" --db "$DB" minutes --format xml 2>/dev/null; rc=$?
set -e
[ "$rc" = 2 ] || fail "a bad --format exits $rc, not 2"
pass "usage errors exit 2"

# The default database lives under XDG_DATA_HOME, private to the user.
xdg="$E2E_TMP/xdg"
id1=$(XDG_DATA_HOME="$xdg" "$MDTCHAIR" demo --no-open) || fail "demo --no-open"
f="$xdg/mdtchair/mdtchair.db"
[ -f "$f" ] || fail "no database at $f"
[ "$(stat -c %a "$f")" = 600 ] || fail "database mode is $(stat -c %a "$f"), not 600"
[ "$(stat -c %a "$xdg/mdtchair")" = 700 ] || fail "database directory is not 700"
pass "default database under XDG_DATA_HOME, mode 0600"

# Demo is idempotent: same meeting, nothing added the second time.
id2=$(XDG_DATA_HOME="$xdg" "$MDTCHAIR" demo --no-open)
[ "$id1" = "$id2" ] || fail "demo made a second meeting ($id1, $id2)"
n=$(XDG_DATA_HOME="$xdg" "$MDTCHAIR" meetings | wc -l)
[ "$n" = 1 ] || fail "meetings lists $n lines after two demos"
XDG_DATA_HOME="$xdg" "$MDTCHAIR" minutes "$id1" --format json >"$E2E_TMP/m.json"
[ "$(jqr '.slots | length' "$E2E_TMP/m.json")" = 12 ] || fail "demo has not 12 slots"
[ "$(jqr '.attendance | length' "$E2E_TMP/m.json")" = 10 ] || fail "demo has not 10 people"
[ "$(jqr '[.slots[].patient.nhs_number | startswith("999")] | all' "$E2E_TMP/m.json")" = true ] ||
    fail "demo NHS numbers are not all in the 999 test range"
pass "demo is idempotent: one meeting, 12 patients, 10 attendees"

# MDTCHAIR_DB is honoured, and --db wins over it.
MDTCHAIR_DB="$E2E_TMP/env.db" "$MDTCHAIR" demo --no-open >/dev/null
[ -f "$E2E_TMP/env.db" ] || fail "MDTCHAIR_DB not used"
MDTCHAIR_DB="$E2E_TMP/env.db" "$MDTCHAIR" --db "$DB" demo --no-open >/dev/null
[ -f "$DB" ] || fail "--db does not override MDTCHAIR_DB"
pass "MDTCHAIR_DB and --db"

"$MDTCHAIR" --db "$DB" minutes --format md >"$E2E_TMP/m.md"
grep -q "Demo MDT" "$E2E_TMP/m.md" || fail "markdown minutes lack the title"
"$MDTCHAIR" --db "$DB" minutes --format=json | "$JQ_BIN" -e '.meeting.title == "Demo MDT"' >/dev/null ||
    fail "json minutes lack the title"
pass "minutes in md and json"

# The network's calendar: a fortnightly series at the practices in turn,
# from --venues or the configuration's rota, continuing where it stopped.
CAL="$E2E_TMP/cal.db"
ids=$("$MDTCHAIR" --db "$CAL" schedule --title "INC North" --date 2027-01-06 \
    --every 2w --count 3 --venues "Archway Medical Centre, Hornsey  Rise ,Brookfield") ||
    fail "schedule a series"
[ "$(echo $ids)" = "1 2 3" ] || fail "a series of three printed '$ids'"
[ "$("$MDTCHAIR" --db "$CAL" meetings | awk '{print $2}' | sort | tr '\n' ' ')" = "2027-01-06 2027-01-20 2027-02-03 " ] ||
    fail "the series is not fortnightly: $("$MDTCHAIR" --db "$CAL" meetings)"
[ "$("$SQLITE3_BIN" "$CAL" "SELECT group_concat(v.name, '|') FROM (SELECT venue_id FROM meetings ORDER BY scheduled_start) m JOIN venues v ON v.id = m.venue_id")" = "Archway Medical Centre|Hornsey Rise|Brookfield" ] ||
    fail "the venues are not in turn"
printf '[network]\npractices = Archway Medical Centre, Hornsey Rise, Brookfield\n' >"$E2E_TMP/cal.ini"
"$MDTCHAIR" --db "$CAL" --config "$E2E_TMP/cal.ini" schedule --title "INC North" --date 2027-02-17 \
    --every 1w --count 2 >/dev/null || fail "schedule from the rota"
[ "$("$SQLITE3_BIN" "$CAL" "SELECT group_concat(v.name, '|') FROM (SELECT venue_id FROM meetings WHERE id > 3 ORDER BY scheduled_start) m JOIN venues v ON v.id = m.venue_id")" = "Archway Medical Centre|Hornsey Rise" ] ||
    fail "the rota does not go on after Brookfield"
set +e
"$MDTCHAIR" --db "$CAL" schedule --title X --date 2027-03-01 --every 3w --count 2 2>"$E2E_TMP/err"; rc=$?
"$MDTCHAIR" --db "$CAL" schedule --title X --date 2027-03-01 --every 1w 2>"$E2E_TMP/err2"; rc2=$?
"$MDTCHAIR" --db "$CAL" schedule --title X --date 2027-03-01 --every 1w --count 2 --venues "A,,B" 2>"$E2E_TMP/err3"; rc3=$?
set -e
[ "$rc" = 2 ] && grep -qF -- "--every is 1w (weekly) or 2w (fortnightly)" "$E2E_TMP/err" || fail "--every 3w: $rc $(cat "$E2E_TMP/err")"
[ "$rc2" = 2 ] && grep -qF "a series needs --every and --count" "$E2E_TMP/err2" || fail "--every alone: $rc2"
[ "$rc3" = 1 ] && grep -qF "a venue of the rota is blank" "$E2E_TMP/err3" || fail "a blank venue: $rc3 $(cat "$E2E_TMP/err3")"
[ "$("$SQLITE3_BIN" "$CAL" "SELECT count(*) FROM meetings")" = 5 ] || fail "a refused series left meetings"
pass "schedule: a series every week or fortnight, venues in turn, all or none"
