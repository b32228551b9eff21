# lib.sh - shared helpers for the end-to-end tests: a private tmux server
# that runs the real mdtchair binary in an 80x24 terminal, keys sent with
# send-keys and the screen read back with capture-pane.
#
# The test harness (make check) sets MDTCHAIR, TMUX_BIN, JQ_BIN, SQLITE3_BIN.

set -eu

: "${MDTCHAIR:?MDTCHAIR must name the mdtchair binary}"
TMUX_BIN=${TMUX_BIN:-tmux}
JQ_BIN=${JQ_BIN:-jq}
SQLITE3_BIN=${SQLITE3_BIN:-sqlite3}

export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset MDTCHAIR_DB NO_COLOR

E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mdtchair-e2e.XXXXXX")
E2E_SOCK="mdtchair-e2e-$$"
DB="$E2E_TMP/meeting.db"
E2E_TIMEOUT=${E2E_TIMEOUT:-10}

e2e_cleanup() {
	"$TMUX_BIN" -L "$E2E_SOCK" kill-server >/dev/null 2>&1 || true
	rm -rf "$E2E_TMP"
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

# tui_start ARGS...: runs mdtchair ARGS in a fresh 80x24 window named "w".
# A shell around it writes the exit status to a file (128+N for signal N),
# so that the test does not depend on tmux reaping the process.
tui_start() {
	printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 0\n' >"$E2E_TMP/tmux.conf"
	rm -f "$E2E_TMP/status"
	tm kill-server >/dev/null 2>&1 || true
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

# wait_for TEXT: until the screen shows TEXT (fixed string).
wait_for() {
	local i=0 limit=$((E2E_TIMEOUT * 20))
	while ! screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$limit" ] || fail "screen never showed '$1'"
		sleep 0.05
	done
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
