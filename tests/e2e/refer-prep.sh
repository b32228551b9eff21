#!/bin/bash
# refer-prep.sh - a referral raised on the preparation screen (R), in a
# real terminal: a wrong check digit refused as typed and fixed; a patient
# known by number referred, with urgency and consent, on the referral list
# at once; a resident with no known NHS number held under a local
# identifier, flagged not traced, a bidi control typed in the reason never
# reaching the store; the queue has both, masked; on meeting 2's preparation both
# came forward by themselves.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

mdt() { "$MDTCHAIR" --db "$DB" "$@"; }
answer() { type_text "$1"; keys Enter; }

FIRST=$(mdt schedule --title "MDT one" --date +0 --time 00:00) || fail "schedule"
tui_start --db "$DB" prepare "$FIRST"
wait_for "Preparation: 0 candidates"
keys R
wait_for "Refer - NHS number (Enter: not known):"
answer "943 476 5918"
wait_for "Not a valid NHS number (ten digits, Modulus 11 check); Enter: not known"
keys C-u
answer "943 476 5919"
wait_for "Patient's name (Enter: as on record):"
answer "Bea Quinn"
answer "1938-05-06"
wait_for "Referred by:"
keys Enter
wait_for "Who refers is needed"
answer "Marta Kowalczyk"
answer "Adult Social Care"
answer "Carer breakdown"
wait_for "Urgency - r routine (Enter), u urgent:"
answer "u"
wait_for "Consent - g given, r refused, n not asked, Enter not recorded:"
answer "g"
wait_for "Referral raised: on the referral list of the meetings to come"
wait_for "Bea Quinn"
wait_for "Consent asked: given (asked by Marta Kowalczyk"
pass "R raised a referral for a patient known by number: on the referral list at once, consent asked shown"

keys R
answer ""
wait_for "Patient's name (Enter: as on record):"
keys Enter
wait_for "The name of a patient not traced is needed"
answer "Cal Rowe"
keys Enter
answer "Care navigator"
answer "Homeless health"
answer $'No GP\u202e; falls at the hostel'
keys Enter
keys Enter
wait_for "Referral held under L000000001, not traced"
wait_for "Cal Rowe"
[ "$("$SQLITE3_BIN" "$DB" "SELECT hex(reason) FROM referrals r JOIN patients p ON p.id = r.patient_id WHERE p.name = 'Cal Rowe'")" = \
    "$(printf 'No GP; falls at the hostel' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ] ||
    fail "the reason kept a bidi control: $("$SQLITE3_BIN" "$DB" "SELECT reason FROM referrals")"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
mdt referrals >"$E2E_TMP/queue.txt" || fail "referrals"
head -n 1 "$E2E_TMP/queue.txt" | grep -q "^Referrals waiting: 2 " || fail "the queue: $(cat "$E2E_TMP/queue.txt")"
grep -q "^!urgent  B\.Q\., born 1938, NHS \*\*\*-\*\*\*-\*919$" "$E2E_TMP/queue.txt" || fail "the queue: $(cat "$E2E_TMP/queue.txt")"
grep -qF " routine C.R., born ????, not traced (L000000001)" "$E2E_TMP/queue.txt" || fail "the queue: $(cat "$E2E_TMP/queue.txt")"
grep -q "Cal Rowe\|Bea Quinn" "$E2E_TMP/queue.txt" && fail "the queue names a patient"
pass "R held a resident with no NHS number under L000000001; the queue lists both, masked"

tui_start --db "$DB" chair "$FIRST"
wait_for "Agenda"
meeting_start
meeting_close_quit
SECOND=$(mdt schedule --title "MDT two" --date +7) || fail "schedule the second"
tui_start --db "$DB" prepare "$SECOND"
wait_for "2 referral(s) to schedule or defer"
wait_for "Bea Quinn"
wait_for "Cal Rowe"
keys q
[ "$(wait_exit)" = 0 ] || fail "prepare did not exit 0"
pass "meeting 2: both referrals came forward by themselves"
