#!/bin/bash
# quorum.sh - the [meeting] quorum setting: while the roles present do not
# cover every listed role (case apart), the register and the status bar
# warn the chair; without the setting, no warning.  The setting works in a
# file without a [server] section (then nothing is sent).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

"$MDTCHAIR" --db "$DB" demo --no-open >/dev/null

# Without the setting: no warning.
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
keys 2
wait_for "Disciplines present: none yet"
screen | grep -qF "Quorum" && fail "a quorum warning without the setting"
screen | tail -1 | grep -qE "^ *([0-9]+:[0-9]{2}:[0-9]{2}|not started) " || fail "the status bar lacks the meeting clock"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "no quorum setting, no warning"

# A team that does not deliver to a central record: no [server] section.
cat >"$E2E_TMP/config.ini" <<CFG
[meeting]
quorum = gp, Social Worker
CFG
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
# The status bar, on any screen.
wait_for "Quorum not met: no gp, Social Worker present"
keys 2
wait_for "Not marked: 10"
[ "$(screen | grep -cF "Quorum not met: no gp, Social Worker present")" = 2 ] ||
    fail "the register and the status bar do not both warn"
# Registered by name: 1 Ade Okonkwo (Social worker), 4 Dr Kwame Mensah (GP).
keys j j j Space
wait_for "Present: 1"
wait_for "Quorum not met: no Social Worker present"
screen | grep -qF "no gp" && fail "a GP present still counts as missing"
keys k k k Space
wait_for "Present: 2"
wait_gone "Quorum not met"
keys 1
wait_for "Agenda: 12 patients"
screen | grep -qF "Quorum" && fail "the status bar warns with the quorum met"
screen | tail -1 | grep -qE "^ *([0-9]+:[0-9]{2}:[0-9]{2}|not started) " || fail "the meeting clock is not back"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "the register and the status bar warn until every quorum role is present"

# A GP from each member practice: the practices named in [network],
# organisations compared tidied and case apart.
DB2="$E2E_TMP/each.db"
"$MDTCHAIR" --db "$DB2" demo --no-open >/dev/null
cat >"$E2E_TMP/each.ini" <<CFG
[network]
practices = Riverside Surgery, larkhall  GREEN practice
[meeting]
quorum = GP from each practice
CFG
tui_start --db "$DB2" --config "$E2E_TMP/each.ini" chair
wait_for "Agenda: 12 patients"
keys 2
wait_for "Not marked: 10"
wait_for "Quorum not met: no GP from Riverside Surgery, GP from larkhall  GREEN"
# 4 Dr Kwame Mensah (GP, Riverside Surgery), 5 Dr Siobhán Ní Bhriain (GP,
# Larkhall Green Practice)
keys j j j Space
wait_for "Present: 1"
wait_for "Quorum not met: no GP from larkhall  GREEN practice present"
keys j Space
wait_for "Present: 2"
wait_gone "Quorum not met"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "a GP from each member practice: the warning names each practice without one"

# Only someone present holds a quorum role: not a GP who sent apologies,
# nor a role that only begins with the quorum's ("GP trainee" is no GP).
DB3="$E2E_TMP/roles.db"
"$MDTCHAIR" --db "$DB3" demo --no-open >/dev/null
TOM=$("$MDTCHAIR" --db "$DB3" people add "Tom Reed" --role "GP trainee" --org "Riverside Surgery")
"$MDTCHAIR" --db "$DB3" register add 1 "$TOM" || fail "register add"
printf '[meeting]\nquorum = GP\n' >"$E2E_TMP/roles.ini"
tui_start --db "$DB3" --config "$E2E_TMP/roles.ini" chair
wait_for "Quorum not met: no GP present"
keys 2
wait_for "Tom Reed"
# 4 Dr Kwame Mensah: present, then apologies
keys j j j Space
wait_for "Present: 2"
wait_gone "Quorum not met"
keys Space
wait_for "Quorum not met: no GP present"
screen | grep -F "Dr Kwame Mensah" | grep -qF "apologies" || fail "Kwame is not marked with apologies"
screen | grep -F "Tom Reed" | grep -qiF "present" || fail "Tom Reed is not present"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "a GP who sent apologies, or a GP trainee, does not make the quorum"

# A setting sync does not know is still refused, in one line.
printf '[meeting]\nquorom = GP\n' >>"$E2E_TMP/config.ini"
set +e
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" sync >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] && grep -qF "unknown setting 'quorom' in [meeting]" "$E2E_TMP/err" ||
    fail "a misspelt [meeting] setting was not refused: $(cat "$E2E_TMP/err")"
pass "a misspelt [meeting] setting is refused"

# Without [server] the file sets the meeting's rules and sends nothing.
printf '[meeting]\nquorum = GP\n' >"$E2E_TMP/config.ini"
set +e
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" sync >/dev/null 2>"$E2E_TMP/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "sync without [server] exited $rc, not 1"
grep -qF "sync is not configured: add a [server] section to $E2E_TMP/config.ini" "$E2E_TMP/err" ||
    fail "sync without [server] said: $(cat "$E2E_TMP/err")"
"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" status | grep -qx "central record: not configured" ||
    fail "status without [server] does not say 'not configured'"
pass "a configuration without [server] sets the quorum and sends nothing"
