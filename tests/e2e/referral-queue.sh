#!/bin/bash
# referral-queue.sh - a referral deferred at one meeting comes to the next
# by itself, in a real terminal: a referral deferred with a reason on the
# preparation screen of meeting 1, meeting 1 chaired and closed, meeting 2
# scheduled; on its preparation screen the referral is there, deferred
# once, with that reason and the days it has waited.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }

FIRST=$(mdt schedule --title "MDT one" --date +0 --time 00:00) || fail "schedule"
mdt refer 9434765919 --name "Bea Quinn" --by "Dr Kwame Mensah" \
    --service "Larkhall Green Practice" --reason "Falls, lives alone" >/dev/null ||
    fail "refer"

tui_start --db "$DB" prepare "$FIRST"
wait_for "1 referral(s) to schedule or defer"
wait_for "Bea Quinn"
wait_for "Referral: waited 0 days, not deferred before"
keys D
wait_for "Defer - reason:"
type_text "No social worker today"
keys Enter
wait_for "Deferred: No social worker today"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 1: the referral deferred with a reason"

tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda"
meeting_start
meeting_close_quit
pass "meeting 1 opened and closed"

SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule the second"
tui_start --db "$DB" prepare "$SECOND"
wait_for "1 referral(s) to schedule or defer"
wait_for "Bea Quinn"
wait_for "deferred 1x ("
screen | grep -qE "deferred 1x \([0-9]{4}-[0-9]{2}-[0-9]{2}: No social worker" ||
    fail "the deferral's day and reason: $(screen | grep deferred)"
screen | grep -qE "Referral: waited [67] days, deferred 1x" ||
    fail "no days waited: $(screen | grep Referral)"
screen | grep "Bea Quinn" | grep -q "referral" || fail "not on the referral list"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
mdt agenda "$SECOND" --format txt | grep -qE "deferred 1x \([0-9]{4}-[0-9]{2}-[0-9]{2}: No social worker today\)" ||
    fail "the agenda does not say: $(mdt agenda "$SECOND" --format txt)"
pass "meeting 2: the deferred referral came forward, deferred 1x, its reason and days waited"
