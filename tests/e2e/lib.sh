# lib.sh - shared helpers for the end-to-end tests: a private tmux server
# that runs the real mdtchair binary in an 80x24 terminal, keys sent with
# send-keys and the screen read back with capture-pane.
#
# The test harness (make check) sets MDTCHAIR, TMUX_BIN, JQ_BIN, SQLITE3_BIN.

set -eu

: "${MDTCHAIR:?MDTCHAIR must name the mdtchair binary}"
TMUX_BIN=${TMUX_BIN:-tmux}
# run from inside tmux or screen, the tests' own tmux server is apart
unset TMUX TMUX_PANE STY
JQ_BIN=${JQ_BIN:-jq}
SQLITE3_BIN=${SQLITE3_BIN:-sqlite3}

export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset MDTCHAIR_DB NO_COLOR

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mdtchair-e2e.XXXXXX")
E2E_SOCK="mdtchair-e2e-$$"
DB="$E2E_TMP/meeting.db"
E2E_TIMEOUT=${E2E_TIMEOUT:-10}

e2e_cleanup() {
	local i=0

	"$TMUX_BIN" -L "$E2E_SOCK" kill-server >/dev/null 2>&1 || true
	[ -z "${FHIR_PID:-}" ] || kill "$FHIR_PID" 2>/dev/null || true
	# a console just quit, or the shell around it writing its exit
	# status, may still put a file here while it is removed: again,
	# for up to five seconds, until nothing is left
	while ! rm -rf "$E2E_TMP" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 50 ] || { rm -rf "$E2E_TMP"; return; }
		sleep 0.1
	done
}
trap e2e_cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	if "$TMUX_BIN" -L "$E2E_SOCK" has-session >/dev/null 2>&1; then
		echo "---- screen ----" >&2
		screen >&2 || true
		echo "----------------" >&2
	fi
	exit 1
}

pass() { echo "ok - $*"; }

tm() { "$TMUX_BIN" -u -L "$E2E_SOCK" -f "$E2E_TMP/tmux.conf" "$@"; }

# tm_fresh: ends the tmux server of the window before and moves to a socket
# of its own for the next: a server still ending on the old socket cannot
# take the new window's client with it ("server exited unexpectedly").
E2E_RUN=0
tm_fresh() {
	tm kill-server >/dev/null 2>&1 || true
	E2E_RUN=$((E2E_RUN + 1))
	E2E_SOCK="mdtchair-e2e-$$-$E2E_RUN"
}

# tui_start ARGS...: runs mdtchair ARGS in a fresh 80x24 window named "w".
# A shell around it writes the exit status to a file (128+N for signal N),
# so that the test does not depend on tmux reaping the process.
tui_start() {
	printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 0\n' >"$E2E_TMP/tmux.conf"
	rm -f "$E2E_TMP/status"
	tm_fresh
	tm new-session -d -s e2e -n w -x 80 -y 24 \
	    -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 -e TERM=xterm-256color \
	    sh -c 'st=$1; shift; "$@"; echo $? >"$st.tmp"; mv "$st.tmp" "$st"' \
	    sh "$E2E_TMP/status" "$MDTCHAIR" "$@"
}

screen() { tm capture-pane -p -t e2e:w; }

# keys KEY...: tmux key names (Enter, Escape, Space, C-l ...).
keys() { tm send-keys -t e2e:w "$@"; }

# type TEXT: literal text, UTF-8 included.
type_text() { tm send-keys -t e2e:w -l "$1"; }

# pick_row N: in the open picker, the Nth row from the top (Home, Down
# N-1 times, Enter): digits pick only in lists of nine rows or fewer.
pick_row() {
	local i=1
	keys Home
	while [ "$i" -lt "$1" ]; do keys Down; i=$((i + 1)); done
	keys Enter
}

# wait_for TEXT: until the screen shows TEXT (fixed string).
wait_for() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while ! screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "screen never showed '$1'"
		sleep 0.05
	done
}

# consent_given: on the running slot, consent given with no organisation
# excluded, as most of the scripts record it.
consent_given() {
	keys c
	wait_for "Consent to be discussed"
	keys 1
	wait_for "Organisations the patient asked to exclude"
	keys Enter
	wait_for "Consent recorded:"
}

# meeting_start: on the agenda of a meeting not yet started, S and its
# confirmation start it (opening the console only looks).
meeting_start() {
	keys S
	wait_for "Start the meeting now?"
	keys y
	wait_for "Meeting started at"
}

# demo_started: on the demo meeting's chair screen just opened, the first
# person marked present (confidentiality acknowledged) and the meeting
# started; ends on the slot screen, no slot running.
demo_started() {
	wait_for "Agenda: 12 patients"
	keys 2
	wait_for "Not marked: 10"
	keys Space c
	wait_for "Present: 1 "
	keys 3
	wait_for "No slot is running"
	meeting_start
}

# meeting_close_quit: from the chair's console, the meeting closed on the
# summary screen (C, confirmed), then the console quit, exiting 0.
meeting_close_quit() {
	keys 4 C
	wait_for "Close the meeting? (y/n)"
	keys y
	wait_for "Meeting closed"
	keys q
	[ "$(wait_exit)" = 0 ] || fail "chair did not exit 0"
}

# first_slot: from the chair's console of a meeting not yet started, the
# meeting and slot 1 started on the slot screen, consent given.
first_slot() {
	keys 3
	wait_for "No slot is running"
	keys n
	wait_for "Start the meeting and slot 1 now?"
	keys y
	wait_for "Slot 1 of 12"
	consent_given
}

# slot_action TEXT ROW DUE: on the slot screen, a new action: TEXT, the
# owner in row ROW of the picker, due DUE ("" for the default), saved.
slot_action() {
	keys a
	wait_for "Action:"
	type_text "$1"
	keys Enter
	wait_for "Owner (present first)"
	pick_row "$2"
	wait_for "Due (YYYY-MM-DD"
	[ -n "$3" ] && type_text "$3"
	keys Enter
	wait_for "Action saved"
}

# demo_step_down_close MEETING: the demo meeting chaired in a fresh
# window: its first patient, with consent, stepped down to rising risk;
# the meeting closed and the console quit.
demo_step_down_close() {
	tui_start --db "$DB" chair "$1"
	wait_for "Agenda: 12 patients"
	meeting_start
	keys n
	wait_for "Slot 1 of 12"
	keys c 1
	wait_for "Organisations the patient asked to exclude"
	keys Enter
	wait_for "Consent recorded"
	keys o 2
	wait_for "Outcome recorded"
	meeting_close_quit
}

# wait_gone TEXT: until the screen no longer shows TEXT.
wait_gone() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "screen still shows '$1'"
		sleep 0.05
	done
}

# press_until PATTERN KEY: presses KEY until a line of the screen matches
# PATTERN (grep's), at most ten times; after each press it waits for the screen
# (its status line aside) to change, so that a slow frame is never taken
# for a key not yet read and the cursor is not stepped past the row.
press_until() {
	local n=0 i before
	until screen | grep -q -- "$1"; do
		n=$((n + 1))
		[ "$n" -le 10 ] || fail "ten $2 keys never showed '$1'"
		before=$(screen | sed '$d')
		keys "$2"
		i=0
		while [ "$(screen | sed '$d')" = "$before" ]; do
			i=$((i + 1))
			[ "$i" -lt $((E2E_TIMEOUT * 20)) ] ||
			    fail "$2 changed nothing on the screen (looking for '$1')"
			sleep 0.05
		done
	done
}

# tui_pid: the mdtchair process (the child of the pane's shell).
tui_pid() {
	local i=0 pid=""
	while [ -z "$pid" ]; do
		pid=$(pgrep -P "$(tm display-message -p -t e2e:w '#{pane_pid}')" -n || true)
		i=$((i + 1))
		[ "$i" -lt 100 ] || fail "no mdtchair process"
		[ -n "$pid" ] || sleep 0.05
	done
	echo "$pid"
}

# wait_exit: until mdtchair has ended; prints its exit status (128+N when
# signal N ended it).
wait_exit() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while [ ! -s "$E2E_TMP/status" ]; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "mdtchair did not exit"
		sleep 0.05
	done
	cat "$E2E_TMP/status"
}

# minutes_json: the JSON minutes of meeting $MEETING (default: the open one).
minutes_json() { "$MDTCHAIR" --db "$DB" minutes ${MEETING:-} --format json; }

jqr() { "$JQ_BIN" -r "$@"; }

# faulty_setup: FAULTY, a script that runs the real mdtchair with
# tests/faults/faultvfs.so preloaded (the product unchanged), and FAULT, the
# file whose word ("full", "eio", "eio-sync") makes SQLite's writes, syncs
# and truncations fail; no file, no fault.
faulty_setup() {
	: "${FAULTVFS:?FAULTVFS must name tests/faults/faultvfs.so}"
	FAULT="$E2E_TMP/fault"
	FAULTY=$(preloaded faulty "$FAULTVFS" MDT_FAULT_FILE "$FAULT")
}

# preloaded NAME LIBRARY VAR VALUE: writes $E2E_TMP/NAME, a script that
# runs the real mdtchair with LIBRARY in LD_PRELOAD and VAR=VALUE in its
# environment (the product unchanged), and prints its path.
preloaded() {
	local preload=$2 asan
	[ -f "$2" ] || fail "no $2 (make check builds it)"
	# An AddressSanitizer build wants its runtime first among the preloads.
	asan=$(ldd "$MDTCHAIR" 2>/dev/null | awk '/libasan/ { print $3; exit }')
	[ -z "$asan" ] || preload="$asan:$2"
	cat >"$E2E_TMP/$1" <<EOF
#!/bin/sh
LD_PRELOAD='$preload' $3='$4' exec '$MDTCHAIR' "\$@"
EOF
	chmod +x "$E2E_TMP/$1"
	echo "$E2E_TMP/$1"
}

# ---- the test FHIR server (tests/fhir), for the sync tests ------------

FHIR_DIR=${FHIR_DIR:-$(cd "$(dirname "$E2E_LIB")/../fhir" && pwd)}

# fhir_start [ARGS...]: makes a test CA in $E2E_TMP/ca (once) and starts
# the test FHIR server on a free port with token $FHIR_TOKEN; sets
# FHIR_PORT, FHIR_PID, FHIR_URL.  A missing server is a failure, not a skip:
# the README's test command installs it.
FHIR_TOKEN="t$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
fhir_start() {
	"$FHIR_DIR/fhir-node" --version >/dev/null 2>&1 ||
	    fail "the test FHIR server is not installed: run sh tests/fhir/setup.sh"
	[ -f "$E2E_TMP/ca/ca.pem" ] || sh "$FHIR_DIR/make-ca.sh" "$E2E_TMP/ca" >/dev/null 2>&1 ||
	    fail "make-ca.sh failed"
	rm -f "$E2E_TMP/fhir.port"
	"$FHIR_DIR/fhir-server" --cert "$E2E_TMP/ca/server.pem" --key "$E2E_TMP/ca/server.key" \
	    --token "$FHIR_TOKEN" --port-file "$E2E_TMP/fhir.port" "$@" \
	    >"$E2E_TMP/fhir.out" 2>"$E2E_TMP/fhir.err" &
	FHIR_PID=$!
	local i=0
	while [ ! -s "$E2E_TMP/fhir.port" ]; do
		i=$((i + 1))
		[ "$i" -lt 600 ] || fail "the test FHIR server did not start: $(cat "$E2E_TMP/fhir.err")"
		sleep 0.05
	done
	FHIR_PORT=$(cat "$E2E_TMP/fhir.port")
	FHIR_URL="https://127.0.0.1:$FHIR_PORT/fhir/R4"
}

fhir_stop() {
	[ -n "${FHIR_PID:-}" ] || return 0
	kill "$FHIR_PID" 2>/dev/null || true
	wait "$FHIR_PID" 2>/dev/null || true
	FHIR_PID=
}

# fhir_get PATH: GET from the server (token, test CA); prints the body.
fhir_get() {
	curl -sS --fail --cacert "$E2E_TMP/ca/ca.pem" -H "Authorization: Bearer $FHIR_TOKEN" \
	    "$FHIR_URL/$1"
}

# fhir_wait PATH FILTER VALUE: until jq's FILTER of what the server
# answers to PATH is VALUE (10 s at most); prints what it last was.
fhir_wait() {
	local v=
	for _ in $(seq 100); do
		v=$(fhir_get "$1" | jqr "$2")
		[ "$v" = "$3" ] && break
		sleep 0.1
	done
	echo "$v"
}

# fhir_control PATH [JSON]: the server's test control API.
fhir_control() {
	if [ $# -gt 1 ]; then
		curl -sS --fail --cacert "$E2E_TMP/ca/ca.pem" -H 'Content-Type: application/json' \
		    -d "$2" "https://127.0.0.1:$FHIR_PORT/__control/$1"
	else
		curl -sS --fail --cacert "$E2E_TMP/ca/ca.pem" "https://127.0.0.1:$FHIR_PORT/__control/$1"
	fi
}

# fhir_config [RETRY-MAX-MS]: writes $E2E_TMP/config.ini for $FHIR_URL and a
# 0600 token file.
fhir_config() {
	printf '%s' "$FHIR_TOKEN" >"$E2E_TMP/token"
	chmod 600 "$E2E_TMP/token"
	cat >"$E2E_TMP/config.ini" <<CFG
[server]
base_url = $FHIR_URL
ca_file = $E2E_TMP/ca/ca.pem
token_file = $E2E_TMP/token
connect_timeout = 2
timeout = 3
[retry]
initial_ms = 200
max_ms = ${1:-1000}
CFG
}

# ---- a second window on the same database (the projector) --------------

# pres_start ARGS...: runs mdtchair ARGS in a second 80x24 window "p" of the
# session tui_start made, its exit status written to $E2E_TMP/pstatus.
pres_start() {
	rm -f "$E2E_TMP/pstatus"
	tm new-window -d -t e2e -n p \
	    -e LC_ALL=C.UTF-8 -e LANG=C.UTF-8 -e TERM=xterm-256color \
	    sh -c 'st=$1; shift; "$@"; echo $? >"$st.tmp"; mv "$st.tmp" "$st"' \
	    sh "$E2E_TMP/pstatus" "$MDTCHAIR" "$@"
	tm resize-window -t e2e:p -x 80 -y 24
}

pres_screen() { tm capture-pane -p -t e2e:p; }

pres_keys() { tm send-keys -t e2e:p "$@"; }

# pres_wait_for TEXT / pres_wait_gone TEXT: as wait_for, in window "p".
pres_wait_for() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while ! pres_screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || { pres_screen >&2; fail "projector never showed '$1'"; }
		sleep 0.05
	done
}

pres_wait_gone() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while pres_screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || { pres_screen >&2; fail "projector still shows '$1'"; }
		sleep 0.05
	done
}

# pres_wait_exit: as wait_exit, for window "p".
pres_wait_exit() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while [ ! -s "$E2E_TMP/pstatus" ]; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "the projector did not exit"
		sleep 0.05
	done
	cat "$E2E_TMP/pstatus"
}

# ms_now: milliseconds of the monotonic-enough wall clock, for delays.
ms_now() { echo $(($(date +%s%N) / 1000000)); }
