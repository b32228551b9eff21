#!/bin/bash
# hostile-text.sh - a corpus of hostile text (every C0 and C1 control,
# ESC/OSC/OSC 52/CSI sequences, bidi controls, non-characters, invalid
# UTF-8, 10,000-character fields, names with line breaks and Markdown or
# HTML) put into every field through every entry point: command-line
# values, a CSV import, $USER, a configuration file, and a database written
# directly with sqlite3 as an older version may have left it.  Then every
# output command is run and its bytes inspected: no control byte but line
# breaks and tabs, no DEL, no C1, no bidi control, no non-character, valid
# UTF-8, in stdout, stderr or a file; JSON still parses; the Markdown
# minutes keep their structure; the tmux pane title and clipboard never
# change, neither for the commands nor for the chair's console.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
sql() { "$SQLITE3_BIN" "$DB" "$1"; }

# ---- the corpus -------------------------------------------------------
corpus=()
for b in $(seq 1 31) 127; do
	corpus+=("$(printf "a\\x$(printf %02x "$b")b")")
done
for b in $(seq 128 159); do
	corpus+=("$(printf "a\\xc2\\x$(printf %02x "$b")b")")
done
corpus+=($'title\e]2;pwned\a' $'clip\e]52;c;cHduZWQ=\a' $'red\e[31m\e[2J'
    $'erase\e[1A\e[2K' $'csi\xc2\x9b31m' $'rlo\xe2\x80\xaeevil'
    $'lri\xe2\x81\xa6x' $'pdi\xe2\x81\xa9x' $'lre\xe2\x80\xaax' $'rlm\xe2\x80\x8f'
    $'alm\xd8\x9c' $'nc\xef\xbf\xbe' $'nc\xef\xbf\xbf' $'bad\xff' $'bad\xc0\xaf'
    $'bad\xed\xa0\x80' $'Ann\n- Consent: Consent given\n# Forged')
long=$(printf 'é%.0s' $(seq 1 10000))
corpus+=("$long")
# accepted as input (no control in it), escaped as Markdown on output
markup='[x](javascript:alert(1)) <script>x</script> `c` *b* _i_ | #'
# everything at once, for the database written directly
all_c0=$(printf "$(printf '\\x%02x' $(seq 1 31) 127)")
all_c1=$(printf "$(for b in $(seq 128 159); do printf '\\xc2\\x%02x' "$b"; done)")
evil=$'Ann\e]2;pwned\a\e]52;c;cHduZWQ=\a\e[31m\e[1A\e[2K\xc2\x9b31m\xe2\x80\xae\xe2\x81\xa6\xe2\x80\x8e\xef\xbf\xbe\xff'$'\n- Consent: Consent given\n# Forged '"$markup"

# bad FILE: the lines of FILE holding a byte that must never come out
bad() {
	LC_ALL=C grep -caP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c|\xef\xbf[\xbe\xbf]|\xef\xb7[\x90-\xaf]' "$1" || true
}
# clean FILE WHAT: FILE holds nothing that must never come out
clean() {
	local n
	n=$(bad "$1")
	[ "$n" = 0 ] || fail "$2: $n line(s) with a control, C1, bidi or non-character: $(LC_ALL=C grep -naP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbf[\xbe\xbf]' "$1" | head -n 3 | od -c | head -n 8)"
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 ||
	    fail "$2: not valid UTF-8"
}
# run WHAT CMD...: runs CMD (status ignored), its stdout and stderr clean
run() {
	local what=$1
	shift
	"$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || true
	clean "$E2E_TMP/out" "$what (stdout)"
	clean "$E2E_TMP/err" "$what (stderr)"
}
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# ---- command-line values: each refused, shown escaped -----------------
MEETING=$(mdt schedule --title "Plain MDT" --date 2026-12-02) || fail "schedule"
n=0
for h in "${corpus[@]}"; do
	for opt in --title --venue; do
		set +e
		if [ "$opt" = --title ]; then
			mdt schedule --title "$h" --date 2026-12-02 >"$E2E_TMP/out" 2>"$E2E_TMP/err"
		else
			mdt schedule --title T --venue "$h" --date 2026-12-02 >"$E2E_TMP/out" 2>"$E2E_TMP/err"
		fi
		rc=$?
		set -e
		[ "$rc" = 2 ] || fail "schedule $opt $(printf %q "$h" | head -c 80) exits $rc"
		clean "$E2E_TMP/err" "schedule $opt $(printf %q "$h" | head -c 80)"
		[ ! -s "$E2E_TMP/out" ] || fail "schedule $opt printed an id"
	done
	for args in "people add X --role" "people add X --org" "people add" \
	    "people add X --team --org" "actions --owner" "actions --org" \
	    "schedule --title T --date 2026-12-02 --every 2w --count 2 --venues" \
	    "refer 9434765919 --name A --by B --service S --reason" \
	    "refer 9434765919 --name A --service S --reason R --by" \
	    "refer 9434765919 --by B --reason R --service" \
	    "referrals withdraw 9434765919 --reason" "review note" \
	    "review note X --by" "themes add"; do
		set +e
		mdt $args "$h" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
		rc=$?
		set -e
		[ "$rc" = 2 ] || fail "$args $(printf %q "$h" | head -c 80) exits $rc"
		clean "$E2E_TMP/err" "$args"
	done
	run "minutes with a hostile meeting" mdt minutes "$h"
	run "a hostile command" "$MDTCHAIR" --db "$DB" "$h"
	n=$((n + 1))
done
mdt schedule --title $'a\e]2;t\a' --date 2026-12-02 2>"$E2E_TMP/err" || true
grep -qF -- '--title holds \x1b, a control character (character 2)' "$E2E_TMP/err" ||
    fail "the refusal does not show ESC escaped: $(cat "$E2E_TMP/err")"
mdt schedule --title T --venue $'\xe2\x80\xaeX' --date 2026-12-02 2>"$E2E_TMP/err" || true
grep -qF -- '--venue holds U+202E, a bidirectional control (character 1)' "$E2E_TMP/err" ||
    fail "the refusal does not show U+202E: $(cat "$E2E_TMP/err")"
[ "$(sql "SELECT count(*) FROM meetings")" = 1 ] || fail "a hostile title or venue was stored"
[ "$(sql "SELECT count(*) FROM people")" = 0 ] || fail "a hostile person was stored"
[ "$(sql "SELECT count(*) FROM referrals")" = 0 ] || fail "a hostile referral was stored"
pass "command-line values: $n hostile texts refused with exit 2, shown escaped, nothing stored"

# ---- a CSV import: every hostile field a bad row ----------------------
csv="$E2E_TMP/list.csv"
printf 'nhs_number,name,date_of_birth,practice,reason,referred_by\n' >"$csv"
rows=0
for h in "${corpus[@]}"; do
	q=${h//\"/\"\"}
	for col in 2 4 5 6; do
		f=(9993395633 Ann 1941-03-14 Larkhall Falls Dr)
		f[$((col - 1))]="\"$q\""
		(IFS=,; printf '%s\n' "${f[*]}") >>"$csv"
		rows=$((rows + 1))
	done
done
printf '"99\e]2;pwned\a33",Ann,1941-03-14,L,Falls,Dr\n' >>"$csv"
rows=$((rows + 1))
set +e
mdt import --list referral "$csv" >"$E2E_TMP/out" 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "the hostile list imports with status $rc"
clean "$E2E_TMP/err" "import's errors"
clean "$E2E_TMP/out" "import's output"
nbad=$(grep -c "^$csv:[0-9]*: " "$E2E_TMP/err" || true)
[ "$nbad" = "$rows" ] || fail "$nbad bad rows reported of $rows"
grep -qF 'NHS number "99\x1b]2;pwned\x0733" is not ten digits' "$E2E_TMP/err" ||
    grep -qF 'field 1 holds \x1b' "$E2E_TMP/err" || fail "the NHS number is not shown escaped"
grep -q 'field 2 holds U+202E, a bidirectional control' "$E2E_TMP/err" ||
    fail "no bidi control named: $(grep -m3 U+ "$E2E_TMP/err")"
grep -q 'field 2 is longer than 2000 characters (10000)' "$E2E_TMP/err" ||
    fail "the 10,000-character name is not refused by its length"
[ "$(sql "SELECT count(*) FROM patients")" = 0 ] || fail "a hostile row was imported"
run "import --skip-invalid" mdt import --list referral "$csv" --skip-invalid \
    --rejects "$E2E_TMP/rejects.csv"
[ -s "$E2E_TMP/rejects.csv" ] || fail "no rejects file"
tr -d '\r' <"$E2E_TMP/rejects.csv" >"$E2E_TMP/rejects.lf"
clean "$E2E_TMP/rejects.lf" "the rejects file"
pass "CSV import: $rows hostile fields each a bad row FILE:LINE, shown escaped; the rejects file clean"

# ---- $USER: stored as one line, no audit row forged -------------------
USER=$'m\nforged\tline\e[1A\e[2K' mdt schedule --title "User MDT" --date 2026-12-03 >/dev/null ||
    fail "schedule with a hostile USER"
[ "$(sql "SELECT count(*) FROM audit WHERE instr(actor, char(10)) OR instr(actor, char(9)) OR instr(actor, char(27))")" = 0 ] ||
    fail "the audit stored a raw control character of USER"
sql "SELECT actor FROM audit ORDER BY id DESC LIMIT 1" | grep -qxF 'm\nforged\tline\x1b[1A\x1b[2K' ||
    fail "the user is not stored escaped: $(sql "SELECT actor FROM audit ORDER BY id DESC LIMIT 1")"
pass "\$USER with a line break, a tab and erasing sequences is stored escaped on one line"

# ---- a configuration value -------------------------------------------
printf '[server]\nbase_url = https://x\e]2;pwned\a\xe2\x80\xae/fhir\n' >"$E2E_TMP/config.ini"
run "status with a hostile configuration" mdt --config "$E2E_TMP/config.ini" status
grep -q 'holds \\x1b' "$E2E_TMP/out" "$E2E_TMP/err" ||
    fail "the configuration's value is not refused: $(cat "$E2E_TMP/out" "$E2E_TMP/err")"
pass "a configuration value with ESC and U+202E is refused, shown escaped"

# ---- an older database holding raw hostile text -----------------------
rm -f "$DB" "$DB-wal" "$DB-shm"
mdt demo --no-open >/dev/null || fail "demo"
M=1
md_shape() { grep -cE '^(#|[[:space:]]*[-*+] |[[:space:]]*[0-9]+\. )' "$1" || true; }
mdt minutes "$M" --format md >"$E2E_TMP/plain.md" || fail "minutes of the plain demo"
mdt agenda "$M" --format md --unmask >"$E2E_TMP/plain-agenda.md" || fail "agenda of the plain demo"
# a consent, a note and an action on the first slot, as the chair records
slot=$(sql "SELECT id FROM slots WHERE meeting_id = $M ORDER BY position LIMIT 1")
sql "INSERT INTO notes (uuid, slot_id, text, created_at) VALUES ('00000000-0000-4000-8000-0000000000a1', $slot, 'note', 1)"
sql "INSERT INTO consent (uuid, slot_id, basis, justification, recorded_at) VALUES ('00000000-0000-4000-8000-0000000000a2', $slot, 'best_interests', 'j', 1)"
sql "INSERT INTO consent_exclusions (slot_id, organisation) VALUES ($slot, 'Org')"
sql "INSERT INTO outcomes (uuid, slot_id, kind, review_date, recorded_at) VALUES ('00000000-0000-4000-8000-0000000000a3', $slot, 'stay', '2027-01-01', 1)"
sql "INSERT INTO actions (uuid, patient_id, slot_id, text, owner_id, due_date, created_at) SELECT '00000000-0000-4000-8000-0000000000a4', patient_id, id, 'act', (SELECT min(id) FROM people), '2026-12-20', 1 FROM slots WHERE id = $slot"
sql "UPDATE candidates SET defer_reason = 'later' WHERE id = (SELECT max(id) FROM candidates WHERE meeting_id = $M)"
# a referral that brought the last patient, and their stay on the
# rising-risk register with an event at this meeting: the minutes say so
sql "INSERT INTO referrals (uuid, patient_id, referrer, service, reason, raised_at, source)
 SELECT '00000000-0000-4000-8000-0000000000a5', id, 'r', 's', 'why', 1, 'tool'
 FROM patients ORDER BY id DESC LIMIT 1;
UPDATE candidates SET referral_id = (SELECT max(id) FROM referrals)
 WHERE patient_id = (SELECT patient_id FROM referrals);
INSERT INTO rising_risk (uuid, patient_id, reason, added_by, added_at, next_review)
 SELECT '00000000-0000-4000-8000-0000000000a6', id, 'why', 'who', 1, '2026-01-01'
 FROM patients ORDER BY id DESC LIMIT 1;
INSERT INTO rising_risk_events (entry_id, kind, reason, actor, at, meeting_id)
 SELECT max(id), 'reviewed', 'why', 'who', 2, $M FROM rising_risk;"
mdt minutes "$M" --format md >"$E2E_TMP/plain.md" || fail "minutes of the plain demo"
grep -q "^- Referral: by r (s)" "$E2E_TMP/plain.md" && grep -q "^- Rising risk: reviewed on the rising-risk register (why)" "$E2E_TMP/plain.md" ||
    fail "the minutes do not tell the referral and the register: $(grep -E 'Referral|Rising' "$E2E_TMP/plain.md")"
E=$(hex "$evil")
C=$(hex "$all_c0$all_c1$evil")
L=$(hex "$long")
T="CAST(X'$E' AS TEXT)"
sql "UPDATE meetings SET title = $T;
UPDATE venues SET name = CAST(X'$L' AS TEXT) || $T;
UPDATE people SET name = $T || id, role = $T, organisation = $T;
UPDATE patients SET name = $T || id, practice = $T;
UPDATE slots SET reason = CAST(X'$C' AS TEXT);
UPDATE notes SET text = CAST(X'$C' AS TEXT);
UPDATE actions SET text = $T;
UPDATE consent SET justification = $T;
UPDATE consent_exclusions SET organisation = $T;
UPDATE candidates SET note = $T, defer_reason = CASE WHEN defer_reason IS NULL THEN NULL ELSE $T END;
UPDATE list_entries SET reason = $T, referred_by = $T;
UPDATE audit SET actor = $T, detail = $T;
UPDATE outbox SET last_error = $T;
UPDATE referrals SET referrer = $T, service = $T, reason = CAST(X'$C' AS TEXT);
UPDATE rising_risk SET reason = CAST(X'$C' AS TEXT), added_by = $T;
UPDATE rising_risk_events SET reason = $T, actor = $T;
INSERT INTO review_notes (uuid, text, agreed_by, agreed_on, recorded_at)
 VALUES ('00000000-0000-4000-8000-0000000000a7', CAST(X'$C' AS TEXT), $T, '2027-01-01', 1);
INSERT INTO themes (name, own, created_at) VALUES (CAST(X'$C' AS TEXT), 1, 1);" ||
    fail "writing the hostile database"
[ "$(sql "SELECT count(*) FROM meetings WHERE instr(title, char(27)) > 0")" = 1 ] ||
    fail "the database does not hold the raw text"

outputs=0
check_out() {
	run "$*" mdt "$@"
	outputs=$((outputs + 1))
}
for f in md txt json; do check_out minutes "$M" --format "$f"; done
cp "$E2E_TMP/out" "$E2E_TMP/minutes.json"
"$JQ_BIN" -e .meeting.title "$E2E_TMP/minutes.json" >/dev/null || fail "the minutes' JSON does not parse"
for f in md txt; do
	check_out agenda "$M" --format "$f"
	check_out agenda "$M" --format "$f" --unmask
done
for f in txt md json; do check_out actions --all --format "$f" --unmask; done
"$JQ_BIN" -e . "$E2E_TMP/out" >/dev/null || fail "the actions' JSON does not parse"
for f in txt csv json; do
	check_out referrals --format "$f"
	check_out referrals --format "$f" --unmask
done
"$JQ_BIN" -e '.referrals | length == 1' "$E2E_TMP/out" >/dev/null ||
    fail "the referrals' JSON does not parse"
for f in txt csv json; do
	check_out rising --format "$f"
	check_out rising --format "$f" --unmask
done
"$JQ_BIN" -e '.register | length == 1' "$E2E_TMP/out" >/dev/null ||
    fail "the register's JSON does not parse"
check_out people
check_out meetings
check_out audit
check_out audit "$M"
check_out status
check_out purge --dry-run --days 1
check_out review --from 2026-01-01 --to 2027-12-31
check_out review --from 2026-01-01 --to 2027-12-31 --format json
check_out review --from 2026-01-01 --to 2027-12-31 --format html --unmask
grep -q "<script\|<b>" "$E2E_TMP/out" && fail "the review's HTML lets markup through"
check_out review notes
check_out review notes --format json
"$JQ_BIN" -e 'length == 1' "$E2E_TMP/out" >/dev/null || fail "the notes' JSON does not parse"
check_out themes
check_out themes --format json
"$JQ_BIN" -e . "$E2E_TMP/out" >/dev/null || fail "the review's JSON does not parse"
check_out review --from 2026-01-01 --to 2027-12-31 --chart "$E2E_TMP/chart.svg"
[ ! -f "$E2E_TMP/chart.svg" ] || clean "$E2E_TMP/chart.svg" "the review's chart"
[ "$(mdt audit | wc -l)" = "$(sql "SELECT count(*) FROM audit")" ] ||
    fail "the audit prints other than one line a row"
pass "an older database's raw hostile text: $outputs outputs, every byte clean, JSON parses, one audit line a row"

mdt minutes "$M" --format md >"$E2E_TMP/hostile.md"
[ "$(md_shape "$E2E_TMP/hostile.md")" = "$(md_shape "$E2E_TMP/plain.md")" ] ||
    fail "the Markdown minutes' structure changed: $(md_shape "$E2E_TMP/plain.md") headings and list lines, now $(md_shape "$E2E_TMP/hostile.md"): $(diff <(grep -E '^(#|[[:space:]]*[-*+] )' "$E2E_TMP/plain.md") <(grep -E '^(#|[[:space:]]*[-*+] )' "$E2E_TMP/hostile.md") | head -n 6)"
grep -q '^- Consent: Consent given' "$E2E_TMP/hostile.md" && fail "a name forged a consent line"
grep -q '^# Forged' "$E2E_TMP/hostile.md" && fail "a name forged a heading"
grep -qF '<script>' "$E2E_TMP/hostile.md" && fail "HTML passes into the Markdown"
grep -qF '[x](javascript' "$E2E_TMP/hostile.md" && fail "a Markdown link passes"
mdt agenda "$M" --format md --unmask >"$E2E_TMP/hostile-agenda.md"
[ "$(md_shape "$E2E_TMP/hostile-agenda.md")" = "$(md_shape "$E2E_TMP/plain-agenda.md")" ] ||
    fail "the Markdown agenda's structure changed"
[ "$(grep -c '^|' "$E2E_TMP/hostile-agenda.md")" = "$(grep -c '^|' "$E2E_TMP/plain-agenda.md")" ] ||
    fail "the Markdown agenda's table changed"
pass "Markdown minutes and agenda of hostile names keep their headings, list lines and table"

# ---- the terminal: the pane title and the clipboard never change ------
title_is() { [ "$(tm display -p -t e2e:w '#{pane_title}')" = "$1" ]; }
tui_start --db "$DB" chair "$M"
tm set -g set-clipboard on
tm select-pane -t e2e:w -T "mdtchair-e2e"
wait_for "Agenda"
for k in Enter 2 3 4 5 6 7 1 '?' Escape; do
	keys "$k"
	sleep 0.3
	title_is "mdtchair-e2e" || fail "the pane title changed after key $k: $(tm display -p -t e2e:w '#{pane_title}')"
	screen >"$E2E_TMP/screen"
	clean "$E2E_TMP/screen" "the console's screen after key $k"
done
# typed input: a bidi control or a C1 control cannot be typed at a prompt
keys 6
wait_for "Space select"
keys A
wait_for "NHS number"
type_text 9434765919
keys Enter
wait_for "Patient's name"
type_text Ann
type_text $'\xe2\x80\xae'
wait_for "<U+202E> cannot be typed here"
type_text $'\xc2\x9b'
wait_for "<U+009B> cannot be typed here"
type_text X
wait_for "Patient's name: AnnX"
# a name too long is refused, not cut (in the middle of a character)
keys C-u
type_text "$(printf 'é%.0s' $(seq 1 201))"
keys Enter
wait_for "The name is longer than 200 characters"
keys C-u
type_text "$(printf 'é%.0s' $(seq 1 200))"
keys Enter
wait_for "Date of birth"
type_text 1941-03-15
keys Enter
wait_for "Practice"
keys Enter
wait_for "Reason"
type_text Falls
keys Enter
wait_for "Added on the day"
[ "$(sql "SELECT length(name) = 200 AND name = '$(printf 'é%.0s' $(seq 1 200))' FROM patients WHERE nhs_number = '9434765919'")" = 1 ] ||
    fail "the name added on the day is not kept whole: $(sql "SELECT length(name), length(CAST(name AS BLOB)) FROM patients WHERE nhs_number = '9434765919'")"
title_is "mdtchair-e2e" || fail "the pane title changed while typing"
[ -z "$(tm list-buffers)" ] || fail "a clipboard buffer was set: $(tm list-buffers)"
keys q
sleep 0.3
# every command's output printed raw to the terminal
tm new-window -d -t e2e -n out sh -c '
for a in "minutes $2 --format md" "minutes $2 --format txt" "agenda $2 --format txt --unmask" "actions --all --unmask" "referrals --unmask" "referrals --format csv" people meetings audit "review --from 2026-01-01 --to 2027-12-31" status; do
	"$1" --db "$3" $a 2>&1
done
echo ALL-PRINTED' sh "$MDTCHAIR" "$M" "$DB"
tm select-pane -t e2e:out -T "mdtchair-e2e"
i=0
until tm capture-pane -p -t e2e:out -S - | grep -q ALL-PRINTED; do
	i=$((i + 1))
	[ "$i" -lt 200 ] || fail "the commands never finished in the terminal"
	sleep 0.05
done
[ "$(tm display -p -t e2e:out '#{pane_title}')" = "mdtchair-e2e" ] ||
    fail "the pane title changed under the commands: $(tm display -p -t e2e:out '#{pane_title}')"
[ -z "$(tm list-buffers)" ] || fail "a command set a clipboard buffer"
pass "the console and every command on a terminal: pane title and clipboard unchanged; typed controls refused; a 200-character name added on the day kept whole"
