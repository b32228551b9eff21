#!/bin/bash
# consent-asked.sh - consent asked before the meeting, across two meetings
# in a real terminal.  Bea Quinn refused when referred: she is a candidate
# of meeting 1, deferred "consent refused" and refused a place on the
# agenda, with the reason on screen; Carl Dunn's answer is recorded on the
# preparation screen (c) and his slot starts from it (c, Enter).  At
# meeting 2 Bea's referral comes forward still kept off; asked again (best
# interests, on the command line) she goes on the agenda.  The agenda and
# the review say so; hostile input saves nothing.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
sql() { "$SQLITE3_BIN" -batch -noheader "$DB" "$1"; }

FIRST=$(mdt schedule --title "MDT one" --date +0 --time 00:00) || fail "schedule"
mdt refer 9434765919 --name "Bea Quinn" --by "Dr Kwame Mensah" \
    --service "Larkhall Green Practice" --reason "Falls, lives alone" \
    --consent refused >/dev/null 2>&1 || fail "refer Bea"
mdt refer 9000000009 --name "Carl Dunn" --by "Ade Okonkwo" \
    --service "Social care" --reason "Carer breakdown" >/dev/null 2>&1 ||
    fail "refer Carl"

# hostile or incomplete answers: refused, nothing saved
refused() {
	local want=$1 rc=0 before
	shift
	before=$(sql "SELECT count(*) FROM consent_asked")
	mdt consent "$@" >/dev/null 2>"$E2E_TMP/err" || rc=$?
	[ "$rc" = "$want" ] || fail "consent $* exited $rc, not $want: $(cat "$E2E_TMP/err")"
	if grep -q $'\e' "$E2E_TMP/err"; then fail "consent $* echoes an escape"; fi
	[ "$(sql "SELECT count(*) FROM consent_asked")" = "$before" ] || fail "consent $* saved something"
}
refused 2 9000000009 --answer maybe --asked-by Ade
refused 2 9000000009 --answer given
refused 2 9000000009 --answer given --asked-by $'Ade\e[2J'
refused 2 9000000009 --answer given --asked-by $'Ade \xe2\x80\xaeevil'
refused 2 9000000009 --answer given --asked-by $'Ade \xff'
refused 2 9000000009 --answer given --asked-by "$(head -c 10000 /dev/zero | tr '\0' a)"
refused 1 9000000008 --answer given --asked-by Ade
refused 1 9000000009 --answer given --asked-by Ade --on 2099-01-01
refused 1 9000000009 --answer representative --asked-by Ade
refused 1 9000000009 --answer best-interests --asked-by Ade
pass "consent: hostile or incomplete answers refused, nothing saved"

tui_start --db "$DB" prepare "$FIRST"
wait_for "Carl Dunn"
wait_for "Consent asked: not asked - c records the answer"
keys c
wait_for "Consent asked - g given"
type_text g
keys Enter
wait_for "Asked by:"
type_text "Ade Okonkwo"
keys Enter
wait_for "Asked on"
keys Enter
wait_for "Consent asked: given recorded"
wait_for "Consent asked: given (asked by Ade Okonkwo,"
keys Space
wait_for "On the agenda"
keys j
wait_for "Consent refused (asked by Dr Kwame Mensah,"
wait_for "Deferred: consent refused (asked by Dr Kwame Mensah,"
keys Space
wait_for "consent refused (asked by Dr Kwame Mensah"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
[ "$(sql "SELECT count(*) FROM slots")" = 1 ] || fail "Bea went on the agenda"
mdt agenda "$FIRST" --format txt >"$E2E_TMP/agenda.txt"
grep -q "Consent asked: given (asked by Ade Okonkwo," "$E2E_TMP/agenda.txt" ||
    fail "the agenda's slot: $(cat "$E2E_TMP/agenda.txt")"
grep -q "^  - B\.Q\., born .*: consent refused (asked by Dr Kwame Mensah, .*) (consent asked: refused" "$E2E_TMP/agenda.txt" ||
    fail "the agenda's deferred: $(cat "$E2E_TMP/agenda.txt")"
pass "meeting 1: a refusal keeps Bea off the agenda, visibly; Carl's answer recorded on the preparation screen"

tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda"
meeting_start
keys n
wait_for "Slot 1 of 1"
wait_for "asked before: given (asked by Ade Okonkwo,"
keys c
wait_for "Consent - asked before: given"
keys Enter
wait_for "Organisations the patient asked to exclude"
keys Enter
wait_for "Consent recorded:"
meeting_close_quit
[ "$(sql "SELECT count(*) FROM consent WHERE asked_id IS NOT NULL")" = 1 ] ||
    fail "the slot's consent does not say it started from the answer"
pass "meeting 1: Carl's slot starts from his answer, confirmed with Enter"

SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule the second"
tui_start --db "$DB" prepare "$SECOND"
wait_for "Bea Quinn"
wait_for "Consent refused (asked by Dr Kwame Mensah,"
mdt consent 9434765919 --answer best-interests --asked-by "Dr Kwame Mensah" \
    --justification "Lacks capacity: advanced dementia" 2>/dev/null || fail "consent best-interests"
keys C-l
wait_for "Consent asked: lacks capacity: best interests (asked by Dr Kwame"
keys Space
wait_for "On the agenda"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 2: Bea's referral came forward still kept off; asked again, on the agenda"

mdt review --from 2026-01-01 --to 2099-12-31 >"$E2E_TMP/review.txt" 2>/dev/null || fail "review"
grep -qE "refused: kept off the agenda +1" "$E2E_TMP/review.txt" || fail "the review: $(grep -A6 "Consent asked" "$E2E_TMP/review.txt")"
grep -qE "lacks capacity: best interests +1" "$E2E_TMP/review.txt" || fail "the review: $(grep -A6 "Consent asked" "$E2E_TMP/review.txt")"
pass "the review counts the answers and the refusals kept off the agenda"
