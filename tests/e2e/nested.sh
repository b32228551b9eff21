#!/bin/bash
# nested.sh - the test suite run from inside tmux or screen: configure
# found the tmux program (not tmux's own TMUX variable, a socket path), and
# the terminal tests run apart from the tmux or screen they were started
# in, whatever TMUX, TMUX_PANE and STY say.
set -eu
: "${TMUX_BIN:?TMUX_BIN must name the tmux program configure found}"

case "$TMUX_BIN" in
*,*) echo "FAIL: configure took tmux's TMUX variable for the program: $TMUX_BIN" >&2; exit 1 ;;
esac
[ -x "$TMUX_BIN" ] && [ -f "$TMUX_BIN" ] ||
    { echo "FAIL: TMUX_BIN is not a program: $TMUX_BIN" >&2; exit 1; }
"$TMUX_BIN" -V | grep -q '^tmux ' ||
    { echo "FAIL: $TMUX_BIN -V does not say tmux" >&2; exit 1; }
echo "ok - configure found the tmux program: $TMUX_BIN"

# as inside a tmux pane and a screen window whose servers are not ours
export TMUX="/tmp/tmux-$(id -u)/not-ours,99999,0" TMUX_PANE=%42 STY=99999.pts-9.host
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
[ -z "${TMUX:-}${TMUX_PANE:-}${STY:-}" ] || fail "lib.sh kept TMUX, TMUX_PANE or STY"
"$MDTCHAIR" --db "$DB" demo --no-open >/dev/null
tui_start --db "$DB" chair
wait_for "Agenda: 12 patients"
keys q
[ "$(wait_exit)" = 0 ] || fail "mdtchair did not exit 0"
pass "from inside tmux or screen, the terminal tests use a tmux server of their own"
