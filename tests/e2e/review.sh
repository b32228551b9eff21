#!/bin/bash
# review.sh - `mdtchair review` on a generated history of 26 weekly
# meetings: every figure of the JSON checked against the same figure
# worked out independently with sqlite3 from the tables; the text shows
# them; --chart writes a private SVG that xmllint accepts, with one group
# per meeting and one bar per week, and is not overwritten without
# --force; no patient appears anywhere; bad arguments exit 2, a missing
# database 1; the export is audited.  On a demo: the attendances and calls
# imported before and after the first discussion, masked unless
# --unmask; a note of what was agreed, hostile text refused; the HTML
# page, made as the chart is and every text escaped.  Then the summary screen of a
# chaired demo meeting shows the bar chart of its slot times with the 5
# and 7 minute markers.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

: "${GEN_HISTORY:?GEN_HISTORY must name tests/tools/gen-history}"
XMLLINT_BIN=${XMLLINT_BIN:-xmllint}
# Dates are local: the history and the review are made in the same zone.
export TZ=UTC

sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

"$GEN_HISTORY" --db "$DB" --meetings 26 --patients 200 --actions 300 \
    --seed 3 --start 2026-01-07 >"$E2E_TMP/gen.out" || fail "gen-history failed"
grep -q "26 meetings" "$E2E_TMP/gen.out" || fail "gen-history: $(cat "$E2E_TMP/gen.out")"
pass "gen-history: $(sed -n 3,4p "$E2E_TMP/gen.out" | tr -s ' ' | tr '\n' ';')"

FROM=2026-02-01
TO=2026-05-31
S=$(($(date -d "$FROM 00:00" +%s) * 1000))
E=$(($(date -d "$TO 00:00 + 1 day" +%s) * 1000))
"$MDTCHAIR" --db "$DB" review --from "$FROM" --to "$TO" --format json \
    >"$E2E_TMP/r.json" || fail "review --format json exited $?"
J="$E2E_TMP/r.json"
check() { # check JQ-EXPR EXPECTED WHAT
	got=$(jqr "$1" "$J")
	[ "$got" = "$2" ] || fail "$3: review says '$got', sqlite3 says '$2'"
}

# ---- meetings, slots, patients ----------------------------------------
HELD="m.opened_at >= $S AND m.opened_at < $E"
held=$(sql "SELECT count(*) FROM meetings m WHERE $HELD")
[ "$held" -ge 16 ] || fail "only $held meetings in the range"
check .meetings.held "$held" "meetings held"
check .meetings.closed "$(sql "SELECT count(*) FROM meetings m WHERE $HELD AND state = 'closed'")" "meetings closed"
DISC="FROM meetings m JOIN slots s ON s.meeting_id = m.id WHERE $HELD AND s.state <> 'pending'"
check .slots_discussed "$(sql "SELECT count(*) $DISC")" "slots discussed"
check .patients_discussed "$(sql "SELECT count(DISTINCT s.patient_id) $DISC")" "patients discussed"

# elapsed seconds of every slot discussed, pauses out, one per line, sorted
ELAPSED="(CASE s.state WHEN 'done' THEN s.closed_at WHEN 'paused' THEN s.paused_at END - s.started_at - s.paused_ms)"
sql "SELECT $ELAPSED $DISC ORDER BY 1" >"$E2E_TMP/ms"
n=$(wc -l <"$E2E_TMP/ms")
mean=$(awk '{ t += $1 } END { printf "%.3f", t / NR / 1000 }' "$E2E_TMP/ms")
median=$(awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1000 }' "$E2E_TMP/ms")
p90=$(awk -v r=$(((9 * n + 9) / 10)) 'NR == r { printf "%.3f", $1 / 1000 }' "$E2E_TMP/ms")
check '.slot_seconds.mean * 1000 | round / 1000 | tostring' "$(echo "$mean" | sed 's/\.\?0*$//')" "mean seconds"
check '.slot_seconds.median | tostring' "$(echo "$median" | sed 's/\.\?0*$//')" "median seconds"
check '.slot_seconds.p90 | tostring' "$(echo "$p90" | sed 's/\.\?0*$//')" "p90 seconds"
check .band.over "$(sql "SELECT count(*) $DISC AND $ELAPSED > m.over_seconds * 1000")" "slots over"
check .band.within "$(sql "SELECT count(*) $DISC AND $ELAPSED BETWEEN m.warn_seconds * 1000 AND m.over_seconds * 1000")" "slots within"
check .band.under "$(sql "SELECT count(*) $DISC AND $ELAPSED < m.warn_seconds * 1000")" "slots under"
check '.band.over + .band.within + .band.under' "$n" "bands add up"
pass "meetings $held, slots $n: mean $mean s, median $median s, p90 $p90 s, as sqlite3 works them out"

# ---- actions -------------------------------------------------------------
check .actions.opened "$(sql "SELECT count(*) FROM actions WHERE created_at >= $S AND created_at < $E")" "actions opened"
check .actions.closed "$(sql "SELECT count(*) FROM actions WHERE status = 'done' AND closed_at >= $S AND closed_at < $E")" "actions closed"
check .actions.cancelled "$(sql "SELECT count(*) FROM actions WHERE status = 'cancelled' AND closed_at >= $S AND closed_at < $E")" "actions cancelled"
check .actions.overdue "$(sql "SELECT count(*) FROM actions WHERE created_at < $E AND (status = 'open' OR closed_at >= $E) AND due_date < '$TO'")" "actions overdue"
sql "SELECT julianday(date(closed_at / 1000, 'unixepoch', 'localtime')) - julianday(date(created_at / 1000, 'unixepoch', 'localtime')) FROM actions WHERE status = 'done' AND closed_at >= $S AND closed_at < $E ORDER BY 1" >"$E2E_TMP/days"
mdays=$(awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%g", m }' "$E2E_TMP/days")
check '.actions.median_days_to_close | tostring' "$mdays" "median days to close"
weeks=$(sql "SELECT group_concat(n, ',') FROM (SELECT w, count(*) AS n FROM (SELECT (julianday(date(closed_at / 1000, 'unixepoch', 'localtime')) - julianday('$FROM')) / 7 AS w FROM actions WHERE status = 'done' AND closed_at >= $S AND closed_at < $E) GROUP BY CAST(w AS INTEGER) ORDER BY CAST(w AS INTEGER))")
check '[.closed_per_period[] | select(.closed > 0) | .closed] | map(tostring) | join(",")' "$weeks" "actions closed per week"
check '.closed_per_period | length' 18 "weeks from $FROM to $TO"
pass "actions: opened, closed, cancelled, overdue, median $mdays days to close, per week"

# ---- outcomes, sources, referrers, attendance ------------------------------
for k in stay step_down close died; do
	check ".outcomes.$k" "$(sql "SELECT count(*) FROM meetings m JOIN slots s ON s.meeting_id = m.id JOIN outcomes o ON o.slot_id = s.id WHERE $HELD AND o.kind = '$k'")" "outcomes $k"
done
check .outcomes.none "$(sql "SELECT count(*) $DISC AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.slot_id = s.id)")" "no outcome"
CAND="$DISC AND c.meeting_id = s.meeting_id AND c.patient_id = s.patient_id"
CAND=${CAND/FROM meetings m JOIN slots s ON s.meeting_id = m.id/FROM meetings m JOIN slots s ON s.meeting_id = m.id, candidates c}
bit=1
for l in caseload referral inpatient discharge frequent-attender ambulance; do
	check ".sources[\"$l\"]" "$(sql "SELECT count(*) $CAND AND (c.lists & $bit) <> 0")" "source $l"
	bit=$((bit * 2))
done
for f in carried_forward escalated added_on_day; do
	check ".sources.$f" "$(sql "SELECT count(*) $CAND AND c.$f = 1")" "source $f"
done
refs=$(sql "SELECT le.referred_by || '=' || count(*) FROM meetings m JOIN slots s ON s.meeting_id = m.id JOIN candidates c ON c.meeting_id = s.meeting_id AND c.patient_id = s.patient_id JOIN list_entries le ON le.candidate_id = c.id WHERE $HELD AND s.state <> 'pending' AND le.list = 'referral' GROUP BY le.referred_by" | sort | paste -sd';')
check '[.referrers[] | "\(.referred_by)=\(.slots)"] | sort | join(";")' "$refs" "referrers"
att=$(sql "SELECT p.role || '=' || count(*) || '/' || count(DISTINCT a.meeting_id) FROM meetings m JOIN attendance a ON a.meeting_id = m.id JOIN people p ON p.id = a.person_id WHERE $HELD AND a.status = 'present' GROUP BY p.role ORDER BY p.role" | paste -sd';')
check '[.attendance[] | "\(.discipline)=\(.present)/\(.meetings)"] | join(";")' "$att" "attendance"
pass "outcomes, lists, referrers ($refs) and attendance by discipline"

# ---- the text, and no patient anywhere ------------------------------------
"$MDTCHAIR" --db "$DB" review --from "$FROM" --to "$TO" >"$E2E_TMP/r.txt" ||
    fail "review (text) exited $?"
grep -qE "^  held \(opened in the range\) +$held  \(" "$E2E_TMP/r.txt" || fail "text: meetings held"
grep -qE "^  slots discussed +$n\$" "$E2E_TMP/r.txt" || fail "text: slots discussed"
grep -qF "Review of $FROM to $TO" "$E2E_TMP/r.txt" || fail "text: title"

"$MDTCHAIR" --db "$DB" review --from "$FROM" --to "$TO" --chart "$E2E_TMP/chart.svg" \
    >/dev/null || fail "review --chart exited $?"
[ "$(stat -c %a "$E2E_TMP/chart.svg")" = 600 ] || fail "the chart is mode $(stat -c %a "$E2E_TMP/chart.svg")"
"$XMLLINT_BIN" --noout "$E2E_TMP/chart.svg" || fail "xmllint refuses the chart"
[ "$(grep -c '<g class="meeting"' "$E2E_TMP/chart.svg")" = "$held" ] || fail "chart: not one group per meeting"
[ "$(grep -c '<rect class="bar"' "$E2E_TMP/chart.svg")" = 18 ] || fail "chart: not one bar per week"
[ "$(grep -c '<circle cx=' "$E2E_TMP/chart.svg")" = $((n + 3)) ] || fail "chart: not one dot per slot"
sum=$(md5sum <"$E2E_TMP/chart.svg")
set +e
"$MDTCHAIR" --db "$DB" review --from "$FROM" --to "$TO" --chart "$E2E_TMP/chart.svg" \
    >/dev/null 2>"$E2E_TMP/err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "an existing chart: exit $rc"
grep -qF -- "--force" "$E2E_TMP/err" || fail "an existing chart: $(cat "$E2E_TMP/err")"
[ "$(md5sum <"$E2E_TMP/chart.svg")" = "$sum" ] || fail "the existing chart was changed"
"$MDTCHAIR" --db "$DB" review --from 2026-01-01 --to 2026-12-31 --chart "$E2E_TMP/chart.svg" \
    --force >/dev/null || fail "--force exited $?"
"$XMLLINT_BIN" --noout "$E2E_TMP/chart.svg" || fail "xmllint refuses the year's chart"
[ "$(grep -c '<rect class="bar"' "$E2E_TMP/chart.svg")" = 12 ] || fail "a year's chart is not per month"

sql "SELECT name FROM patients UNION ALL SELECT nhs_number FROM patients" >"$E2E_TMP/patients"
for f in r.json r.txt chart.svg; do
	if grep -qF -f "$E2E_TMP/patients" "$E2E_TMP/$f"; then
		fail "$f names a patient: $(grep -oF -f "$E2E_TMP/patients" "$E2E_TMP/$f" | head -n 1)"
	fi
done
pass "text figures, an SVG xmllint accepts (0600, $held groups, 18 bars; monthly for a year; kept without --force), no patient named"

# ---- usage and store errors, the audit row --------------------------------
expect_exit() { # expect_exit STATUS ARGS...
	local want=$1 rc
	shift
	set +e
	"$MDTCHAIR" "$@" >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" = "$want" ] || fail "mdtchair $*: exit $rc, expected $want"
}
expect_exit 2 --db "$DB" review --from 2026-02-30 --to 2026-03-31
expect_exit 2 --db "$DB" review --from 2026-03-31 --to 2026-03-01
expect_exit 2 --db "$DB" review --from 2026-3-1 --to 2026-03-31
expect_exit 2 --db "$DB" review --from +3 --to 2026-03-31
expect_exit 2 --db "$DB" review --from 2026-03-01
expect_exit 2 --db "$DB" review --from 2026-03-01 --to 2026-03-31 --format xml
expect_exit 2 --db "$DB" review --from 2026-03-01 --to 2026-03-31 --force
expect_exit 2 --db "$DB" review --from 2026-03-01 --to 2026-03-31 extra
expect_exit 1 --db "$E2E_TMP/none.db" review --from 2026-03-01 --to 2026-03-31
"$MDTCHAIR" review --help | grep -qF -- "--from D --to D" || fail "review --help"
"$MDTCHAIR" help | grep -qE "^  review " || fail "review is not in mdtchair help"
"$MDTCHAIR" --db "$DB" audit --since "$(date +%F)" >"$E2E_TMP/audit"
grep -qP "\texport\t \treview $FROM to $TO json\$" "$E2E_TMP/audit" || fail "no audit row for the JSON review"
grep -qP "\texport\t \treview $FROM to $TO txt, chart\$" "$E2E_TMP/audit" || fail "no audit row for the chart"
pass "bad dates and arguments exit 2, a missing database 1; exports audited"

# ---- attendances and calls before and after; what was agreed; HTML -------
DB="$E2E_TMP/use.db"
M=$("$MDTCHAIR" --db "$DB" demo --no-open)
sql "SELECT p.nhs_number || ',' || p.name || ',' || p.date_of_birth FROM slots s
    JOIN patients p ON p.id = s.patient_id WHERE s.meeting_id = $M AND s.position <= 2
    ORDER BY s.position" >"$E2E_TMP/two"
{ echo "nhs_number,name,date_of_birth,attendances"; sed -n 1p "$E2E_TMP/two" | sed 's/$/,7/'
  sed -n 2p "$E2E_TMP/two" | sed 's/$/,5/'; } >"$E2E_TMP/fa.csv"
{ echo "nhs_number,name,date_of_birth,calls"; sed -n 1p "$E2E_TMP/two" | sed 's/$/,4/'; } >"$E2E_TMP/amb.csv"
"$MDTCHAIR" --db "$DB" import --list frequent-attender "$E2E_TMP/fa.csv" --meeting "$M" >/dev/null ||
    fail "import of the frequent attenders"
"$MDTCHAIR" --db "$DB" import --list ambulance "$E2E_TMP/amb.csv" --meeting "$M" >/dev/null ||
    fail "import of the ambulance list"
[ "$(sql "SELECT group_concat(count, ' ') FROM (SELECT count FROM list_entries
    WHERE list IN ('frequent-attender', 'ambulance') ORDER BY list, count)")" = "4 5 7" ] ||
    fail "the import did not keep the counts"
# Both discussed an hour after the lists came; a list 90 days after that
# gives the first patient 2 attendances and 1 call, the second none.
# (the lists moved two hours back first, so that the discussion falls
# today whatever the hour the test runs)
sql "UPDATE list_entries SET imported_at = imported_at - 7200000"
T0=$(sql "SELECT max(imported_at) FROM list_entries")
sql "UPDATE meetings SET opened_at = $T0 + 3600000 WHERE id = $M;
    UPDATE slots SET state = 'done', started_at = $T0 + 3600000 + position,
    closed_at = $T0 + 3900000 WHERE meeting_id = $M AND position <= 2"
M2=$("$MDTCHAIR" --db "$DB" schedule --title "Later MDT" --date "$(date -d '+1 day' +%F)")
sed -i -e '2s/,7$/,2/' -e '3d' "$E2E_TMP/fa.csv"
sed -i -e '2s/,4$/,1/' "$E2E_TMP/amb.csv"
"$MDTCHAIR" --db "$DB" import --list frequent-attender "$E2E_TMP/fa.csv" --meeting "$M2" >/dev/null
"$MDTCHAIR" --db "$DB" import --list ambulance "$E2E_TMP/amb.csv" --meeting "$M2" >/dev/null
sql "UPDATE list_entries SET imported_at = $T0 + 3600000 + 90 * 86400000
    WHERE candidate_id IN (SELECT id FROM candidates WHERE meeting_id = $M2)"
DAY=$(date -d "@$((T0 / 1000 + 3600))" +%F)
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" --format json >"$E2E_TMP/u.json"
J="$E2E_TMP/u.json"
check '.before_after.first_discussed' 2 "patients first discussed"
# (the second: discussed today, its 12 weeks not yet passed)
check '.before_after.attendances | [.with_before, .with_after, .before, .after, .no_list_after, .not_yet_due] | join(" ")' \
    "2 1 7 2 0 1" "attendances before and after"
check '.before_after.calls | [.with_before, .with_after, .before, .after] | join(" ")' "1 1 4 1" "calls"
check '.before_after.patients[1].attendances_after' null "the second patient's attendances after"
first=$(sed -n 1p "$E2E_TMP/two" | cut -d, -f2)
grep -qF "$first" "$J" && fail "the JSON names a patient without --unmask"
check '.before_after.patients[0].patient | test("born [0-9]{4}, NHS [*]{3}-[*]{3}-[*][0-9]{3}$")' true "masked"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" --unmask | grep -qF "$first" ||
    fail "--unmask does not name the patient"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" >"$E2E_TMP/u.txt"
grep -qF "regression to the mean" "$E2E_TMP/u.txt" || fail "the text lacks the caveat"
grep -qE "^ +their counts before +7 +4\$" "$E2E_TMP/u.txt" || fail "text: counts before"
"$MDTCHAIR" --db "$DB" audit --since "$(date +%F)" | grep -qP "\texport\t \treview $DAY to $DAY txt, unmasked\$" ||
    fail "the unmasked review is not audited as such"
pass "attendances 7 > 2 and calls 4 > 1 of the patient on the lists after, the other not yet due; masked unless --unmask, audited"

# what was agreed: recorded, refused when hostile, shown by the next review
"$MDTCHAIR" --db "$DB" review note "Ask the pharmacist to attend" --by "Dr Mensah" --on "$DAY" >/dev/null ||
    fail "review note"
expect_exit 2 --db "$DB" review note $'bad \x1b[2J'
expect_exit 2 --db "$DB" review note $'two\nlines'
expect_exit 2 --db "$DB" review note $'bidi \u202e'
expect_exit 2 --db "$DB" review note $'bad \xff'
expect_exit 2 --db "$DB" review note "ok" --by $'who\x07'
expect_exit 2 --db "$DB" review note "$(head -c 10000 /dev/zero | tr '\0' x)"
expect_exit 1 --db "$DB" review note "ok" --on "$(date -d '+2 days' +%F)"
expect_exit 2 --db "$DB" review note "ok" --on 2026-02-30
expect_exit 2 --db "$DB" review note
[ "$(sql "SELECT count(*) FROM review_notes")" = 1 ] || fail "a hostile note was kept"
"$MDTCHAIR" --db "$DB" review notes | grep -qx "$DAY  Dr Mensah: Ask the pharmacist to attend" ||
    fail "review notes: $("$MDTCHAIR" --db "$DB" review notes)"
[ "$("$MDTCHAIR" --db "$DB" review notes --format json | jqr '.[0].by')" = "Dr Mensah" ] || fail "notes JSON"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" | grep -qF "  - Ask the pharmacist to attend (Dr Mensah)" ||
    fail "the review does not show what was agreed"
sql "SELECT count(*) FROM audit WHERE action = 'review-note'" | grep -qx 1 || fail "the note is not audited"
pass "a note of what was agreed: recorded and audited, hostile text and a future day refused, listed, shown by the review"

# the HTML page: a file made as the chart is, every text escaped
sql "INSERT INTO review_notes (uuid, text, agreed_by, agreed_on, recorded_at) VALUES ('x',
    '<script>alert(1)</script>' || char(27) || '[2J', 'A & B', '$DAY', 0)"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" --format html --output "$E2E_TMP/r.html" \
    >"$E2E_TMP/out" || fail "review --format html exited $?"
[ -s "$E2E_TMP/out" ] && fail "the page went to stdout too"
[ "$(stat -c %a "$E2E_TMP/r.html")" = 600 ] || fail "the page is mode $(stat -c %a "$E2E_TMP/r.html")"
head -n 1 "$E2E_TMP/r.html" | grep -qx "<!DOCTYPE html>" || fail "the page is not HTML"
tail -n 1 "$E2E_TMP/r.html" | grep -qx "</html>" || fail "the page is not whole"
grep -q "<script" "$E2E_TMP/r.html" && fail "the page has a script"
grep -qF "&lt;script&gt;alert(1)&lt;/script&gt;\x1b[2J" "$E2E_TMP/r.html" || fail "the note is not escaped"
grep -qF "A &amp; B" "$E2E_TMP/r.html" || fail "who is not escaped"
grep -qP "\x1b" "$E2E_TMP/r.html" && fail "a raw escape in the page"
grep -qF '<svg xmlns="http://www.w3.org/2000/svg"' "$E2E_TMP/r.html" || fail "no chart inline"
grep -qE 'src=|href=' "$E2E_TMP/r.html" && fail "the page loads something"
grep -qF "$first" "$E2E_TMP/r.html" && fail "the page names a patient"
sum=$(md5sum <"$E2E_TMP/r.html")
expect_exit 1 --db "$DB" review --from "$DAY" --to "$DAY" --format html --output "$E2E_TMP/r.html"
[ "$(md5sum <"$E2E_TMP/r.html")" = "$sum" ] || fail "the page was replaced without --force"
ln -s "$E2E_TMP/r.html" "$E2E_TMP/link.html"
expect_exit 1 --db "$DB" review --from "$DAY" --to "$DAY" --format html --output "$E2E_TMP/link.html" --force
expect_exit 1 --db "$DB" review --from "$DAY" --to "$DAY" --output "$DB" --force
expect_exit 1 --db "$DB" review --from "$DAY" --to "$DAY" --output "$E2E_TMP/c.svg" --chart "$E2E_TMP/c.svg"
[ "$(md5sum <"$E2E_TMP/r.html")" = "$sum" ] || fail "the page was changed through a link"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" --format html --output "$E2E_TMP/r.html" --force ||
    fail "--force did not replace the page"
"$MDTCHAIR" --db "$DB" review --from "$DAY" --to "$DAY" --chart "$E2E_TMP/u.svg" >/dev/null
"$XMLLINT_BIN" --noout "$E2E_TMP/u.svg" || fail "xmllint refuses the chart"
[ "$(grep -c '<rect class="use-bar' "$E2E_TMP/u.svg")" = 4 ] || fail "chart: not four bars before and after"
[ "$(grep -c '<rect class="theme-bar"' "$E2E_TMP/u.svg")" = 6 ] || fail "chart: not one bar per theme"
pass "the HTML page: 0600, kept without --force, never through a link nor the database, escaped, no script; the chart's new panels"

# ---- the summary screen's bar chart ---------------------------------------
DB="$E2E_TMP/demo.db"
M=$("$MDTCHAIR" --db "$DB" demo --no-open)
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
meeting_start
keys n
wait_for "Slot 1 of 12"
keys n
wait_for "Slot 2 of 12"
keys n
wait_for "Slot 3 of 12"
keys 4
wait_for "press C to close it"
keys C
wait_for "Close the meeting? (y/n)"
keys y
wait_for "Meeting closed"
# Give the three slots 3:00, 6:00 and 9:30 on their clocks (another
# window's change: the screen reloads it).
sql "UPDATE slots SET started_at = closed_at - CASE position WHEN 1 THEN 180000 WHEN 2 THEN 360000 ELSE 570000 END, paused_ms = 0 WHERE meeting_id = $M AND position <= 3"
keys PgDn
wait_for "Slot times against the band (markers at 5 and 7 minutes)"
wait_for "9:30 over"
screen >"$E2E_TMP/screen"
grep -qE '^ +0 +5 +7 +[0-9]+ min' "$E2E_TMP/screen" || fail "no scale with 5 and 7"
# row N: the chart's row of slot N
row() { sed -n '/Slot times against the band/,$p' "$E2E_TMP/screen" | grep -E "^ +$1 " | head -n 1; }
r1=$(row 1) r2=$(row 2) r3=$(row 3) r4=$(row 4)
echo "$r1" | grep -qF "3:00 under" || fail "slot 1 bar: $r1"
echo "$r2" | grep -qF "6:00 within" || fail "slot 2 bar: $r2"
echo "$r4" | grep -qF "not discussed" || fail "slot 4: $r4"
bars() { echo "$1" | grep -o '█' | wc -l; }
b1=$(bars "$r1") b2=$(bars "$r2") b3=$(bars "$r3")
[ "$b1" -gt 0 ] && [ "$b1" -lt "$b2" ] && [ "$b2" -lt "$b3" ] ||
    fail "bars not in proportion: $b1 $b2 $b3"
# the 5 and 7 minute markers stand beyond the short bar
[ "$(echo "$r1" | grep -o '│' | wc -l)" = 2 ] || fail "slot 1 row has no markers: $r1"
pass "summary bar chart: bars of $b1, $b2, $b3 cells for 3:00, 6:00, 9:30, markers at 5 and 7"

# Without colour the band is told by the characters and the words.
keys q
wait_exit >/dev/null
printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 0\n' >"$E2E_TMP/tmux.conf"
rm -f "$E2E_TMP/status"
tm_fresh
tm new-session -d -s e2e -n w -x 80 -y 24 \
    -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 -e TERM=xterm-256color -e NO_COLOR=1 \
    sh -c 'st=$1; shift; "$@"; echo $? >"$st.tmp"; mv "$st.tmp" "$st"' \
    sh "$E2E_TMP/status" "$MDTCHAIR" --db "$DB" chair "$M"
wait_for "Agenda"
keys 4
wait_for "Meeting closed at"
keys PgDn
wait_for "9:30 over"
screen >"$E2E_TMP/screen"
row 1 | grep -qE -- '-{3,}.*3:00 under' || fail "NO_COLOR: slot 1 not drawn with -: $(row 1)"
row 2 | grep -qE '={5,}.*6:00 within' || fail "NO_COLOR: slot 2 not drawn with =: $(row 2)"
row 3 | grep -qE '#{8,}.*9:30 over' || fail "NO_COLOR: slot 3 not drawn with #: $(row 3)"
! grep -qF '█' "$E2E_TMP/screen" || fail "NO_COLOR: blocks drawn"
keys q
wait_exit >/dev/null
pass "NO_COLOR: bands shown as -, = and # and in words"
