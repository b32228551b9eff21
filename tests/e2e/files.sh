#!/bin/bash
# files.sh - the files mdtchair writes and reads, from the command line:
# the import's rejects and the review's chart are made 0600 under umask
# 022; an existing file is kept without --force; with it only a regular
# file is replaced, never a symbolic link (its target and mode untouched)
# nor a device (/dev/null not chmodded) nor a FIFO; the rejects are never
# the list itself (by name, symbolic link or hard link); a FIFO given as a
# list, chart, configuration or token file is an error at once, never a
# wait; a directory as the list says so; and under a full disk an export
# whose audit row cannot be written prints nothing.  The lists, file and
# folder names carry hostile text (ESC sequences, U+202E, U+009B, U+FFFE,
# bytes that are not UTF-8, line breaks, 10,000 characters).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

umask 022
sql() { "$SQLITE3_BIN" "$DB" "$1"; }
# run ARGS...: mdtchair ARGS under timeout 5, stdout and stderr to files;
# rc its exit status (124: it hung, as on a FIFO opened to be read).
run() {
	set +e
	timeout 5 "$MDTCHAIR" --db "$DB" "$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err"
	rc=$?
	set -e
}
err() { cat "$E2E_TMP/err"; }
# refused WHY ARGS...: mdtchair ARGS exits 1 without waiting on the file
# (timeout 5 tells a hang; how fast is not asserted, a slow disk being
# no fault), saying WHY (a fixed string) on stderr, and prints nothing.
refused() {
	local why=$1
	shift
	run "$@"
	[ "$rc" != 124 ] || fail "mdtchair $* hung"
	[ "$rc" = 1 ] || fail "mdtchair $* exited $rc: $(err)"
	grep -qF -- "$why" "$E2E_TMP/err" || fail "mdtchair $*: no '$why' in: $(err)"
	[ ! -s "$E2E_TMP/out" ] || fail "mdtchair $* printed: $(cat "$E2E_TMP/out")"
}
mode() { stat -c %a "$1"; }
sum() { cksum <"$1"; }
patients() { sql 'SELECT count(*) FROM patients'; }

ESC=$(printf '\033')
BEL=$(printf '\007')
RLO=$(printf '\342\200\256')
C1=$(printf '\302\233')
NONCHAR=$(printf '\357\277\276')
BADUTF8=$(printf '\377\300')
LONG=$(printf '%10000s' '' | tr ' ' 'W')

# a folder whose name holds an OSC title sequence, U+202E and a line break
D="$E2E_TMP/lists ${ESC}]2;owned${BEL}${RLO}gpj.
csv"
mkdir "$D"

# a list with one good row and bad rows of hostile text (a wrong check
# digit, a name with ESC, U+202E and a line break, a 10,000-character reason,
# a name with U+009B, U+FFFE and bytes that are not UTF-8)
hostile_list() {
	{
		printf 'nhs_number,name,date_of_birth,practice,reason,referred_by\r\n'
		printf '%s,Zo\303\253 Ad\303\251,1941-03-14,Larkhall,Falls,Dr Mensah\r\n' "$1"
		printf '9434765918,"%s[31mWrong%sCheck\r\nforged",1950-01-01,Riverside,Memory (with %s),Marta\r\n' "$ESC" "$RLO" "$1"
		printf '9991581766,Long Reason,1952-07-21,Larkhall,%s,Ade\r\n' "$LONG"
		printf '9999939082,"C1%s31m U+FFFE%s bad%s",1936-11-02,Riverside,Calls,Ade\r\n' "$C1" "$NONCHAR" "$BADUTF8"
	} >"$2"
}
LIST="$D/referrals ${ESC}[2J${RLO}${C1}${BADUTF8}.csv"
REJ="$D/referrals ${ESC}[2J${RLO}${C1}${BADUTF8}.rejects.csv"
hostile_list 9993395633 "$LIST"
LIST2="$D/second.csv"
hostile_list 9994140027 "$LIST2"

MEETING=$("$MDTCHAIR" --db "$DB" schedule --title "Larkhall MDT" --date +7) || fail "schedule"

# ---- created 0600 under umask 022 ----
run import --list referral "$LIST" --skip-invalid --meeting "$MEETING"
[ "$rc" = 0 ] || fail "import --skip-invalid exited $rc: $(err)"
[ -f "$REJ" ] || fail "no rejects file beside the list"
[ "$(mode "$REJ")" = 600 ] || fail "the rejects file has mode $(mode "$REJ") under umask 022"
grep -q 9434765918 "$REJ" || fail "the rejects file lacks the bad row"
CHART="$D/chart ${ESC}]52;c;Zm9v${BEL}.svg"
run review --from 2026-01-01 --to 2027-12-31 --chart "$CHART"
[ "$rc" = 0 ] || fail "review --chart exited $rc: $(err)"
[ "$(mode "$CHART")" = 600 ] || fail "the chart has mode $(mode "$CHART") under umask 022"
head -c 5 "$CHART" | grep -q '<?xml' || fail "the chart is not SVG"
[ -z "$(find "$D" -name '.mdtchair-*')" ] || fail "a temporary file was left behind"
pass "the rejects and the chart are created mode 0600 under umask 022"

# ---- an existing file is kept without --force ----
before=$(patients)
rsum=$(sum "$REJ")
chmod 644 "$REJ"
refused "exists: give --force to replace it" \
    import --list referral "$LIST" --skip-invalid --meeting "$MEETING" --rejects "$REJ"
[ "$(sum "$REJ")" = "$rsum" ] || fail "an existing rejects file was changed without --force"
[ "$(mode "$REJ")" = 644 ] || fail "an existing rejects file was chmodded without --force"
refused "exists: give --force to replace it" \
    import --list referral "$LIST2" --skip-invalid --meeting "$MEETING" --rejects "$REJ"
[ "$(patients)" = "$before" ] || fail "an import whose rejects exist imported patients"
csum=$(sum "$CHART")
refused "exists: give --force to replace it" review --from 2026-01-01 --to 2027-12-31 --chart "$CHART"
[ "$(sum "$CHART")" = "$csum" ] || fail "an existing chart was changed without --force"
run import --list referral "$LIST2" --meeting "$MEETING" --force
[ "$rc" = 2 ] && grep -q -- "--force goes with --skip-invalid" "$E2E_TMP/err" ||
    fail "import --force without --skip-invalid: $rc $(err)"
pass "an existing rejects file or chart is kept without --force, and nothing imported"

# ---- --force replaces a regular file, whole, 0600 ----
run import --list referral "$LIST2" --skip-invalid --meeting "$MEETING" --rejects "$REJ" --force
[ "$rc" = 0 ] || fail "import --force exited $rc: $(err)"
[ "$(mode "$REJ")" = 600 ] || fail "the replaced rejects file has mode $(mode "$REJ")"
[ "$(sum "$REJ")" != "$rsum" ] || fail "--force did not replace the rejects file"
[ "$(patients)" -gt "$before" ] || fail "import --force imported nobody"
printf 'old chart\n' >"$CHART"
chmod 644 "$CHART"
run review --from 2026-01-01 --to 2027-12-31 --chart "$CHART" --force
[ "$rc" = 0 ] || fail "review --chart --force exited $rc: $(err)"
[ "$(mode "$CHART")" = 600 ] || fail "the replaced chart has mode $(mode "$CHART")"
head -c 5 "$CHART" | grep -q '<?xml' || fail "--force did not replace the chart"
[ -z "$(find "$D" -name '.mdtchair-*')" ] || fail "a temporary file was left behind"
pass "--force replaces a regular file with a new one of mode 0600"

# ---- a symbolic link is never written through, even with --force ----
VICTIM="$E2E_TMP/victim ${RLO}.txt"
printf 'not yours\n' >"$VICTIM"
chmod 644 "$VICTIM"
vsum=$(sum "$VICTIM")
ln -s "$VICTIM" "$D/link.csv"
ln -s "$E2E_TMP/nowhere.svg" "$D/dangling.svg"
for force in "" --force; do
	refused "is a symbolic link, not a regular file" \
	    import --list referral "$LIST" --skip-invalid --meeting "$MEETING" --rejects "$D/link.csv" $force
	refused "is a symbolic link, not a regular file" \
	    review --from 2026-01-01 --to 2027-12-31 --chart "$D/link.csv" $force
	refused "is a symbolic link, not a regular file" \
	    review --from 2026-01-01 --to 2027-12-31 --chart "$D/dangling.svg" $force
done
[ "$(sum "$VICTIM")" = "$vsum" ] || fail "the target of a symbolic link was written"
[ "$(mode "$VICTIM")" = 644 ] || fail "the target of a symbolic link was chmodded to $(mode "$VICTIM")"
[ -L "$D/link.csv" ] && [ -L "$D/dangling.svg" ] || fail "a symbolic link was replaced"
[ ! -e "$E2E_TMP/nowhere.svg" ] || fail "a dangling symbolic link was followed"
pass "a symbolic link is refused, with or without --force; its target and mode untouched"

# ---- a device is never written, replaced or chmodded ----
null_was=$(stat -c '%a %u %g %t %T' /dev/null)
refused "/dev/null is a device, not a regular file" \
    review --from 2026-01-01 --to 2027-12-31 --chart /dev/null --force
refused "/dev/null is a device, not a regular file" \
    import --list referral "$LIST" --skip-invalid --meeting "$MEETING" --rejects /dev/null --force
[ "$(stat -c '%a %u %g %t %T' /dev/null)" = "$null_was" ] || fail "/dev/null changed: $(stat -c '%a %u %g %t %T' /dev/null)"
[ -c /dev/null ] || fail "/dev/null is no longer a device"
pass "/dev/null is refused as the chart and the rejects with --force, and not chmodded"

# ---- a FIFO is an error at once, never a wait ----
FIFO="$D/pipe ${ESC}[31m.csv"
mkfifo "$FIFO"
refused "is a FIFO, not a regular file" import --list referral "$FIFO" --meeting "$MEETING"
refused "is a FIFO, not a regular file" review --from 2026-01-01 --to 2027-12-31 --chart "$FIFO"
refused "is a FIFO, not a regular file" review --from 2026-01-01 --to 2027-12-31 --chart "$FIFO" --force
refused "is a FIFO, not a regular file" \
    import --list referral "$LIST" --skip-invalid --meeting "$MEETING" --rejects "$FIFO" --force
refused "is a FIFO, not a regular file" --config "$FIFO" sync --deadline 1
printf '[server]\nbase_url = https://127.0.0.1:9/fhir\ntoken_file = token\n' >"$D/config.ini"
mkfifo "$D/token"
refused "is not a regular file" --config "$D/config.ini" sync --deadline 1
[ -p "$FIFO" ] || fail "the FIFO was replaced"
pass "a FIFO as the list, the chart, the rejects, the configuration or the token: an error at once"

# ---- a directory as the list says so ----
refused "is a directory, not a regular file" import --list referral "$D" --meeting "$MEETING"
! grep -q "cannot write the output" "$E2E_TMP/err" || fail "a directory as the list: $(err)"
mkdir "$E2E_TMP/lists.csv"
refused "lists.csv is a directory, not a regular file" \
    import --list referral "$E2E_TMP/lists.csv" --meeting "$MEETING"
[ "$(wc -l <"$E2E_TMP/err")" = 1 ] || fail "a directory as the list: more than one line: $(err)"
pass "a directory as the list: one line saying it is a directory"

# ---- the rejects are never the list ----
before=$(patients)
hostile_list 9990608164 "$LIST2"
lsum=$(sum "$LIST2")
ln -s "$LIST2" "$D/symlink-to-list.csv"
ln "$LIST2" "$D/hardlink-to-list.csv"
for force in "" --force; do
	for r in "$LIST2" "$D/symlink-to-list.csv" "$D/hardlink-to-list.csv" "$D/./second.csv"; do
		refused "is the list" import --list referral "$LIST2" --skip-invalid \
		    --meeting "$MEETING" --rejects "$r" $force
		[ "$(sum "$LIST2")" = "$lsum" ] || fail "--rejects $r $force changed the list"
	done
done
[ "$(patients)" = "$before" ] || fail "an import with the list as its rejects imported patients"
refused "is the database" review --from 2026-01-01 --to 2027-12-31 --chart "$DB" --force
refused "is the database" import --list referral "$LIST2" --skip-invalid \
    --meeting "$MEETING" --rejects "$DB" --force
[ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "the database was harmed"
pass "the rejects are never the list (by name, symbolic link, hard link) nor the database"

# ---- an export whose audit cannot be written prints nothing ----
faulty_setup
real=$MDTCHAIR
exports() {
	printf 'minutes %s\nminutes %s --format json\nagenda %s --unmask\nactions --all\nreview --from 2026-01-01 --to 2027-12-31\n' \
	    "$MEETING" "$MEETING" "$MEETING"
}
audits() { sql "SELECT count(*) FROM audit WHERE action = 'export'"; }
printf 'full\n' >"$FAULT"
MDTCHAIR=$FAULTY
before=$(audits)
while read -r line; do
	# shellcheck disable=SC2086
	run $line
	[ "$rc" = 1 ] || fail "$line on a full disk exited $rc"
	[ ! -s "$E2E_TMP/out" ] || fail "$line printed on a full disk although its audit failed: $(head -c 300 "$E2E_TMP/out")"
	grep -q "disk is full" "$E2E_TMP/err" || fail "$line on a full disk: $(err)"
done <<EOF
$(exports)
EOF
run review --from 2026-01-01 --to 2027-12-31 --chart "$D/full.svg"
[ "$rc" = 1 ] && [ ! -s "$E2E_TMP/out" ] || fail "review --chart on a full disk: $rc"
[ ! -e "$D/full.svg" ] || fail "the chart was left although the audit failed"
[ "$(audits)" = "$before" ] || fail "an export was audited on a full disk"
# an import the full disk refuses leaves no rejects file behind
hostile_list 9990608164 "$D/full.csv"
run import --list referral "$D/full.csv" --skip-invalid --meeting "$MEETING"
[ "$rc" = 1 ] || fail "import on a full disk exited $rc: $(err)"
grep -q "disk is full" "$E2E_TMP/err" && grep -qF "nothing imported from $D/full.csv" "$E2E_TMP/err" ||
    fail "import on a full disk does not say nothing was imported: $(err)"
[ ! -e "$D/full.rejects.csv" ] || fail "an import refused by a full disk left its rejects file"
[ -z "$(find "$D" -name '.mdtchair-*')" ] || fail "a temporary file was left behind"
rm -f "$FAULT"
while read -r line; do
	# shellcheck disable=SC2086
	run $line
	[ "$rc" = 0 ] && [ -s "$E2E_TMP/out" ] || fail "$line once the disk was freed: $rc $(err)"
done <<EOF
$(exports)
EOF
[ "$(audits)" = $((before + 5)) ] || fail "not one export row per export: $before -> $(audits)"
# each says whether the patients were shown in full
[ "$(sql "SELECT detail FROM audit WHERE action = 'export' AND detail LIKE 'agenda %' ORDER BY id DESC LIMIT 1")" = "agenda md unmasked" ] ||
    fail "the unmasked agenda is audited as: $(sql "SELECT detail FROM audit WHERE action = 'export' ORDER BY id DESC LIMIT 5")"
run agenda "$MEETING"
[ "$rc" = 0 ] && [ "$(sql "SELECT detail FROM audit WHERE action = 'export' ORDER BY id DESC LIMIT 1")" = "agenda md" ] ||
    fail "the masked agenda is audited as: $(sql "SELECT detail FROM audit WHERE action = 'export' ORDER BY id DESC LIMIT 1")"
MDTCHAIR=$real
pass "an export is printed only once its audit row is committed (full disk: nothing printed, no file left)"
