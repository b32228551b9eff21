#!/bin/bash
# crash-campaign.sh - SIGKILL at random moments of a chaired meeting.
#
# The demo meeting is chaired through the real binary in a tmux terminal
# (tests/e2e/lib.sh): the register (three people present, each
# acknowledging confidentiality), then for each of the twelve slots: start
# it, consent (odd slots naming an organisation to exclude), a note, an
# action, a second note and an outcome.  Each act's text is unique.  Every
# life of the process is ended by kill -9 at a random moment: during
# start-up; or 0-40 ms after a random key; or 0-10 ms after starting to
# send the key that makes an act happen (a note's Enter), so that kills
# land before the key is read, while its transaction commits, and after.
#
# After each kill, on a copy of the database and its WAL (the real files
# are left for mdtchair to recover): PRAGMA integrity_check is "ok"; every
# act whose confirmation the screen showed (seen before the kill, or on the
# screen the killed process left) is there; nothing is there twice; no
# note, action, outcome or consent lacks its outbox row or has two; a
# consent is never there without the organisations typed with it.  The
# script then carries on from the first act the database does not hold.
# When a meeting is finished before the kills are, another round starts on
# a new database.  At the end each round's database is sent to a fresh test
# FHIR server and the server is asked for every record: each exactly once
# (by identifier), every note once in its discussion's Composition.
#
# KILLS (default 200) and SEED (default: the time) choose the campaign.
. "${E2E_LIB:-$(dirname "$0")/../e2e/lib.sh}"

KILLS=${KILLS:-200}
SEED=${SEED:-$(date +%s)}
RANDOM=$SEED
E2E_TIMEOUT=${E2E_TIMEOUT:-20}
echo "crash campaign: $KILLS kills, seed $SEED"

t0=$(ms_now)
kills=0 kills_startup=0 kills_inflight=0 inflight_committed=0 inflight_shown=0
checks=0 integrity_fail=0 lost=0 dups=0 phantoms=0 half=0 outbox_bad=0 gaps=0
acts_run=0
round=0

# sql TEXT: TEXT as an SQL string literal.
sql() { printf "'%s'" "${1//\'/\'\'}"; }

# ---- the script of a round ------------------------------------------

confirmed_done=0 found_done=0
new_round() {
	# the round just finished: every act found, some confirmed
	if [ "$round" -gt 0 ]; then
		confirmed_done=$((confirmed_done + ${#CONFIRMED[@]}))
		found_done=$((found_done + ${#ACTS[@]}))
	fi
	round=$((round + 1))
	DB="$E2E_TMP/round$round.db"
	"$MDTCHAIR" --db "$DB" demo --no-open >/dev/null
	mapfile -t SLOTS < <("$SQLITE3_BIN" "$DB" "SELECT uuid FROM slots ORDER BY position")
	# the register lists people by name
	mapfile -t NAMES < <("$SQLITE3_BIN" "$DB" "SELECT p.name FROM attendance a JOIN people p ON p.id = a.person_id ORDER BY p.name COLLATE NOCASE, p.name")
	ACTS=()
	for k in 1 2 3; do ACTS+=("present $k" "ack $k"); done
	for i in $(seq 1 ${#SLOTS[@]}); do
		ACTS+=("start $i" "consent $i" "note $i 1" "action $i" "note $i 2" "outcome $i")
	done
	declare -gA CONFIRMED=() SENT=()
	# One query gives each act's count in the database, in order.
	local q="" a
	for a in "${ACTS[@]}"; do
		q+="${q:+ UNION ALL }SELECT $(act_count_sql $a)"
	done
	COUNT_SQL=$q
}

act_text() { # KIND I N
	case $1 in
	note) echo "Round $round slot $2 note $3: crash campaign text" ;;
	action) echo "Round $round slot $2 action: crash campaign task" ;;
	esac
}

act_count_sql() {
	local slot=${SLOTS[$(($2 - 1))]:-} name
	case $1 in
	present) name=$(sql "${NAMES[$(($2 - 1))]}")
		echo "(SELECT count(*) FROM attendance a JOIN people p ON p.id = a.person_id WHERE p.name = $name AND a.status = 'present')" ;;
	ack) name=$(sql "${NAMES[$(($2 - 1))]}")
		echo "(SELECT count(*) FROM attendance a JOIN people p ON p.id = a.person_id WHERE p.name = $name AND a.confidentiality_ack = 1)" ;;
	start) echo "(SELECT count(*) FROM slots WHERE uuid = '$slot' AND state <> 'pending')" ;;
	consent) echo "(SELECT count(*) FROM consent c JOIN slots s ON s.id = c.slot_id WHERE s.uuid = '$slot')" ;;
	note) echo "(SELECT count(*) FROM notes WHERE text = $(sql "$(act_text note "$2" "$3")"))" ;;
	action) echo "(SELECT count(*) FROM actions WHERE text = $(sql "$(act_text action "$2")"))" ;;
	outcome) echo "(SELECT count(*) FROM outcomes o JOIN slots s ON s.id = o.slot_id WHERE s.uuid = '$slot')" ;;
	esac
}

# Invariants that hold whatever the moment of the kill; each query counts
# the rows that break one.
INVARIANTS="SELECT
 (SELECT count(*) FROM notes n WHERE (SELECT count(*) FROM outbox WHERE entity = 'note' AND entity_uuid = n.uuid) <> 1)
 + (SELECT count(*) FROM actions x WHERE (SELECT count(*) FROM outbox WHERE entity = 'action' AND entity_uuid = x.uuid) <> 1)
 + (SELECT count(*) FROM outcomes o WHERE (SELECT count(*) FROM outbox WHERE entity = 'outcome' AND entity_uuid = o.uuid) <> 1)
 + (SELECT count(*) FROM consent c WHERE (SELECT count(*) FROM outbox WHERE entity = 'consent' AND entity_uuid = c.uuid) <> 1)
 + (SELECT count(*) FROM outbox b WHERE b.entity IN ('note', 'action', 'outcome', 'consent') AND NOT EXISTS (
     SELECT 1 FROM notes WHERE uuid = b.entity_uuid UNION ALL SELECT 1 FROM actions WHERE uuid = b.entity_uuid
     UNION ALL SELECT 1 FROM outcomes WHERE uuid = b.entity_uuid UNION ALL SELECT 1 FROM consent WHERE uuid = b.entity_uuid)),
 (SELECT count(*) FROM consent c JOIN slots s ON s.id = c.slot_id WHERE s.position % 2 = 1
     AND NOT EXISTS (SELECT 1 FROM consent_exclusions e WHERE e.slot_id = c.slot_id))
 + (SELECT count(*) FROM consent_exclusions e WHERE NOT EXISTS (SELECT 1 FROM consent c WHERE c.slot_id = e.slot_id))"

# ---- one life of the process ------------------------------------------

OPS=0 KILL_AT=-1 KILLED=0 INFLIGHT=0 MARKER=""

rand_delay() {
	if [ $((RANDOM % 2)) = 0 ]; then echo 0; else printf '0.%03d' $((RANDOM % 41)); fi
}

do_kill() {
	kill -9 "$PID" 2>/dev/null || true
	KILLED=1
	local st
	st=$(wait_exit)
	# 137: killed; 0 would mean it exited by itself (never expected)
	[ "$st" = 137 ] || fail "mdtchair ended with $st, not by the kill"
	kills=$((kills + 1))
}

after_op() {
	OPS=$((OPS + 1))
	if [ "$OPS" -eq "$KILL_AT" ]; then
		local d
		d=$(rand_delay)
		[ "$d" = 0 ] || sleep "$d"
		do_kill
	fi
}

send_keys() { [ "$KILLED" = 0 ] || return 0; keys "$@"; after_op; }
send_text() { [ "$KILLED" = 0 ] || return 0; type_text "$1"; after_op; }
expect() { [ "$KILLED" = 0 ] || return 0; wait_for "$1"; }
# last KEY...: the key that makes the act happen.
last() {
	[ "$KILLED" = 0 ] || return 0
	INFLIGHT=1 LASTN=$((LASTN + 1))
	if [ "$LASTN" = "$KILL_LAST" ]; then
		# the key and the kill race: sent in the background, the
		# kill 0-25 ms after it was started
		keys "$@" &
		sleep "$(printf '0.%03d' $((RANDOM % 11)))"
		do_kill
		wait
		return 0
	fi
	send_keys "$@"
}

to_slot() { send_keys 3; expect "Slot $1 of ${#SLOTS[@]}"; }

run_act() { # KIND I [N]
	local name
	INFLIGHT=0
	case $1 in
	present|ack)
		name=${NAMES[$(($2 - 1))]}
		send_keys 2
		expect "Not marked:"
		send_keys PPage
		[ "$2" = 1 ] || send_keys $(printf 'j %.0s' $(seq 2 "$2"))
		if [ "$1" = present ]; then
			MARKER="$name: present"
			last Space
		else
			MARKER="$name: confidentiality acknowledged"
			last c
		fi ;;
	start)
		send_keys 1
		expect "Agenda: "
		MARKER="Slot $2 of ${#SLOTS[@]}"
		# a meeting not started asks first; y starts it and the slot
		if [ "$("$SQLITE3_BIN" -cmd '.timeout 5000' "$DB" "SELECT state FROM meetings")" = planned ]; then
			send_keys n
			expect "Start the meeting and slot 1 now? (y/n)"
			last y
		else
			last n
		fi ;;
	consent)
		to_slot "$2"
		send_keys c
		expect "Consent to be discussed"
		send_keys 1
		expect "Organisations the patient asked to exclude"
		send_keys C-u
		[ $(($2 % 2)) = 0 ] || send_text "Crash Trust $2"
		MARKER="Consent recorded:"
		last Enter ;;
	note)
		to_slot "$2"
		send_keys w
		expect "Note:"
		# a note half typed when killed comes back: typed again whole
		send_keys C-u
		send_text "$(act_text note "$2" "$3")"
		MARKER="Note saved"
		last Enter ;;
	action)
		to_slot "$2"
		send_keys a
		expect "Action:"
		send_text "$(act_text action "$2")"
		send_keys Enter
		expect "Owner (present first)"
		send_keys Enter
		expect "Due (YYYY-MM-DD"
		MARKER="Action saved:"
		last Enter ;;
	outcome)
		to_slot "$2"
		send_keys o
		expect "Outcome"
		MARKER="Outcome recorded:"
		last 2 ;;
	esac
	expect "$MARKER"
}

# ---- checks after a kill ------------------------------------------------

check_db() {
	local copy="$E2E_TMP/check.db" i a n ok inv bad half_n
	checks=$((checks + 1))
	rm -f "$copy" "$copy-wal" "$copy-shm"
	cp "$DB" "$copy"
	[ ! -f "$DB-wal" ] || cp "$DB-wal" "$copy-wal"
	ok=$("$SQLITE3_BIN" "$copy" "PRAGMA integrity_check" 2>&1)
	if [ "$ok" != ok ]; then
		integrity_fail=$((integrity_fail + 1))
		echo "integrity_check after kill $kills: $ok" >&2
	fi
	mapfile -t COUNTS < <("$SQLITE3_BIN" "$copy" "$COUNT_SQL")
	[ "${#COUNTS[@]}" = "${#ACTS[@]}" ] || fail "counting the acts failed after kill $kills"
	NEXT=-1
	for i in "${!ACTS[@]}"; do
		a=${ACTS[$i]} n=${COUNTS[$i]}
		if [ "$n" -gt 1 ]; then
			dups=$((dups + 1)); echo "kill $kills: '$a' is there $n times" >&2
		fi
		if [ "$n" = 0 ] && [ -n "${CONFIRMED[$a]:-}" ]; then
			lost=$((lost + 1)); echo "kill $kills: '$a' was confirmed on screen but is not there" >&2
		fi
		if [ "$n" != 0 ] && [ -z "${SENT[$a]:-}" ]; then
			phantoms=$((phantoms + 1)); echo "kill $kills: '$a' is there but was never sent" >&2
		fi
		if [ "$n" = 0 ] && [ "$NEXT" = -1 ]; then
			NEXT=$i
		elif [ "$n" != 0 ] && [ "$NEXT" != -1 ]; then
			gaps=$((gaps + 1)); echo "kill $kills: '$a' is there after a missing act" >&2
		fi
	done
	inv=$("$SQLITE3_BIN" -separator ' ' "$copy" "$INVARIANTS")
	bad=${inv% *} half_n=${inv#* }
	[ "$bad" = 0 ] || { outbox_bad=$((outbox_bad + bad)); echo "kill $kills: $bad records without exactly one outbox row" >&2; }
	[ "$half_n" = 0 ] || { half=$((half + half_n)); echo "kill $kills: $half_n consents half-written" >&2; }
}

# life_start: tui_start, once the last life's tmux server has gone (a new
# session asked of a server still shutting down fails now and then: "server
# exited unexpectedly").
life_start() {
	local try
	tm kill-server >/dev/null 2>&1 || true
	for try in 1 2 3 4 5; do
		if tui_start --db "$DB" chair 2>"$E2E_TMP/tmux.err"; then
			return 0
		fi
		sleep 0.2
	done
	fail "tmux would not start a session: $(cat "$E2E_TMP/tmux.err")"
}

# ---- the campaign ---------------------------------------------------------

new_round
check_db
while [ "$kills" -lt "$KILLS" ]; do
	if [ "$NEXT" = -1 ]; then
		echo "round $round: the meeting is finished after $kills kills"
		new_round
		check_db
	fi
	KILLED=0 OPS=0 INFLIGHT=0
	life_start
	PID=$(tui_pid)
	if [ $((RANDOM % 10)) = 0 ]; then
		# during start-up and recovery
		sleep "$(printf '0.%03d' $((RANDOM % 300)))"
		do_kill
		kills_startup=$((kills_startup + 1))
	else
		wait_for "Demo MDT"
		# half the lives end at a random key, half just after the key
		# that makes the first or second act happen (while it commits)
		LASTN=0
		if [ $((RANDOM % 2)) = 0 ]; then
			KILL_AT=$((1 + RANDOM % 9)) KILL_LAST=-1
		else
			KILL_AT=-1 KILL_LAST=$((1 + RANDOM % 2))
		fi
		i=$NEXT
		while [ "$KILLED" = 0 ] && [ "$i" -lt "${#ACTS[@]}" ]; do
			a=${ACTS[$i]}
			run_act $a
			acts_run=$((acts_run + 1))
			[ "$INFLIGHT" = 0 ] || SENT[$a]=1
			if [ "$KILLED" = 0 ]; then
				CONFIRMED[$a]=1
			elif [ "$INFLIGHT" = 1 ]; then
				kills_inflight=$((kills_inflight + 1))
				# what the killed process left on the screen
				if screen | grep -qF -- "$MARKER"; then
					CONFIRMED[$a]=1
					inflight_shown=$((inflight_shown + 1))
				fi
			fi
			i=$((i + 1))
		done
		# the round ended first: the last act was confirmed
		[ "$KILLED" = 1 ] || { INFLIGHT=0; do_kill; }
	fi
	check_db
	if [ "$KILLED" = 1 ] && [ "$INFLIGHT" = 1 ] && [ "${COUNTS[$((i - 1))]}" != 0 ]; then
		inflight_committed=$((inflight_committed + 1))
	fi
	[ $((kills % 20)) != 0 ] || echo "... $kills kills, round $round, next act ${ACTS[$NEXT]:-none}"
done
t_kills=$(( $(ms_now) - t0 ))

confirmed=$((confirmed_done + ${#CONFIRMED[@]})) found=$found_done
for n in "${COUNTS[@]}"; do [ "$n" = 0 ] || found=$((found + 1)); done

# ---- every round to the test FHIR server --------------------------------

srv_checked=0 srv_missing=0 srv_dups=0 srv_notes=0 srv_notes_bad=0 unsent=0
fetch_all() { fhir_get "$1?_count=1000" | "$JQ_BIN" -c '[.entry[]?.resource]'; }
for r in $(seq 1 "$round"); do
	db="$E2E_TMP/round$r.db"
	fhir_start
	fhir_config 400
	"$MDTCHAIR" --db "$db" --config "$E2E_TMP/config.ini" sync --deadline 120 >"$E2E_TMP/sync.out" 2>&1 ||
	    fail "round $r: sync failed: $(cat "$E2E_TMP/sync.out")"
	n=$("$SQLITE3_BIN" "$db" "SELECT count(*) FROM outbox WHERE state <> 'sent'")
	unsent=$((unsent + n))
	for pair in Task:actions Consent:consent Observation:outcomes; do
		type=${pair%%:*} table=${pair#*:}
		fetch_all "$type" >"$E2E_TMP/$type.json"
		# no identifier twice on the server
		d=$("$JQ_BIN" '[.[].identifier[]? | select(.system == "urn:ietf:rfc:3986") | .value] | group_by(.) | map(select(length > 1)) | length' "$E2E_TMP/$type.json")
		srv_dups=$((srv_dups + d))
		while read -r u; do
			srv_checked=$((srv_checked + 1))
			c=$("$JQ_BIN" --arg v "urn:uuid:$u" '[.[] | select(any(.identifier[]?; .value == $v))] | length' "$E2E_TMP/$type.json")
			[ "$c" = 1 ] || { echo "round $r: $type urn:uuid:$u is on the server $c times" >&2
				if [ "$c" = 0 ]; then srv_missing=$((srv_missing + 1)); else srv_dups=$((srv_dups + 1)); fi; }
		done < <("$SQLITE3_BIN" "$db" "SELECT uuid FROM $table")
	done
	# each note once in the Compositions of the discussions
	fetch_all Composition >"$E2E_TMP/Composition.json"
	d=$("$JQ_BIN" '[.[].identifier | select(. != null) | .value] | group_by(.) | map(select(length > 1)) | length' "$E2E_TMP/Composition.json")
	srv_dups=$((srv_dups + d))
	while read -r text; do
		srv_notes=$((srv_notes + 1))
		c=$("$JQ_BIN" --arg t "$text" '[.[] | .section[]? | select((.title // "") | test("note"; "i")) | .text.div | indices($t) | length] | add // 0' "$E2E_TMP/Composition.json")
		[ "$c" = 1 ] || { srv_notes_bad=$((srv_notes_bad + 1)); echo "round $r: note '$text' is on the server $c times" >&2; }
	done < <("$SQLITE3_BIN" "$db" "SELECT text FROM notes")
	fhir_stop
done
t_all=$(( $(ms_now) - t0 ))

cat <<EOF
crash campaign figures (seed $SEED)
  kills                         $kills  (during start-up: $kills_startup; after the act's last key, before its confirmation: $kills_inflight)
  of those in flight            committed: $inflight_committed  confirmation on the killed screen: $inflight_shown
  rounds (meetings)             $round  (acts per meeting: ${#ACTS[@]})
  acts run (incl. re-runs)      $acts_run
  acts confirmed on screen      $confirmed
  acts found in the database    $found  (committed, killed before the screen showed it: $((found - confirmed)))
  confirmed but missing         $lost
  duplicates                    $dups
  never sent yet present        $phantoms
  out of order                  $gaps
  outbox rows wrong             $outbox_bad
  consents half-written         $half
  integrity checks              $checks  (failures: $integrity_fail)
  time, kills                   $((t_kills / 1000)).$(printf '%03d' $((t_kills % 1000))) s
  synced: outbox rows unsent    $unsent
  server: records checked       $srv_checked  (missing: $srv_missing, duplicated: $srv_dups)
  server: notes checked         $srv_notes  (not exactly once: $srv_notes_bad)
  time, total                   $((t_all / 1000)).$(printf '%03d' $((t_all % 1000))) s
EOF

[ $((lost + dups + phantoms + gaps + outbox_bad + half + integrity_fail + unsent + srv_missing + srv_dups + srv_notes_bad)) = 0 ] ||
    fail "the crash campaign found faults (seed $SEED)"
[ "$kills" -ge "$KILLS" ] || fail "only $kills kills"
pass "crash campaign: $kills kills, nothing confirmed lost, nothing twice, integrity ok, server exact"
