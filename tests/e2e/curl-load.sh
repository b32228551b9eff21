#!/bin/bash
# curl-load.sh - mdtchair is not linked with libcurl: it loads it (by its
# soname, dlopen) only when sync starts, after the console's first frame
# and on a worker thread.  The built binary has no NEEDED entry for
# libcurl; a console without [server] never maps it; one with a server
# maps it and gets online (sync-tui.sh and tests/sync go further through
# the same loader).  When the library found under that name is not
# libcurl, or not a library at all (a directory put first in
# LD_LIBRARY_PATH, tests/e2e/curlstub.c), `mdtchair sync` and the console
# say "sync unavailable: libcurl.so.4 could not be loaded: ..." and send
# nothing, and the console works on; a slow load does not hold the
# screen, and q during it quits.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

: "${READELF_BIN:?READELF_BIN must name readelf}"
: "${CURL_SONAME:?CURL_SONAME must name the libcurl that sync loads}"
: "${CURL_STUB_DIR:?CURL_STUB_DIR must name the folder of the stand-in libcurl}"
[ -x "$READELF_BIN" ] || fail "no readelf ($READELF_BIN): install binutils"
[ -f "$CURL_STUB_DIR/$CURL_SONAME" ] || fail "no stand-in $CURL_STUB_DIR/$CURL_SONAME"
unset MDTCHAIR_CONFIG LD_LIBRARY_PATH CURLSTUB_DELAY_MS

# ---- the binary -------------------------------------------------------

"$READELF_BIN" -d "$MDTCHAIR" >"$E2E_TMP/dynamic" || fail "readelf -d failed"
grep -F "(NEEDED)" "$E2E_TMP/dynamic" | grep -qF "libuv" ||
    fail "readelf shows no NEEDED libuv: $(cat "$E2E_TMP/dynamic")"
if grep -F "(NEEDED)" "$E2E_TMP/dynamic" | grep -qi "libcurl"; then
	fail "mdtchair is linked with libcurl: $(grep -F "(NEEDED)" "$E2E_TMP/dynamic" | grep -i libcurl)"
fi
# nor through another library it needs
ldd "$MDTCHAIR" >"$E2E_TMP/ldd" || fail "ldd $MDTCHAIR failed"
grep -qi "libcurl" "$E2E_TMP/ldd" && fail "mdtchair loads libcurl at start: $(grep -i libcurl "$E2E_TMP/ldd")"
pass "no NEEDED libcurl, directly or through another library ($(grep -c '=>' "$E2E_TMP/ldd") libraries at start)"

# maps_has PID TEXT: the process has a file named like TEXT mapped
maps_has() { grep -qF -- "$2" "/proc/$1/maps"; }

MEETING=$("$MDTCHAIR" --db "$DB" demo --no-open)

# ---- without [server]: never loaded -----------------------------------

printf '[privacy]\nidle_minutes = 60\n' >"$E2E_TMP/noserver.ini"
tui_start --db "$DB" --config "$E2E_TMP/noserver.ini" chair
wait_for "Agenda: 12 patients"
wait_for "queued (not set up)"
pid=$(tui_pid)
keys 5
wait_for "Central record: not set up"
maps_has "$pid" "libmdtsync" && fail "impossible: a static library mapped"
maps_has "$pid" "$CURL_SONAME" && fail "libcurl was loaded with no [server] configured"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "without a [server] libcurl is never loaded"

# ---- with the test FHIR server: loaded after the first frame ----------

fhir_start
fhir_config
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
wait_for "Agenda: 12 patients"
wait_for "Sync: online, all sent"
maps_has "$(tui_pid)" "$CURL_SONAME" || fail "online, yet $CURL_SONAME is not mapped"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"
pass "with a [server], $CURL_SONAME is loaded and the opening is sent"

# ---- the wrong library under libcurl's name ---------------------------

requests() { fhir_control stats | jqr '.requests'; }
pending() {
	"$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" status |
	    sed -n 's/^pending: //p'
}

# a change to send: the console above sent everything
"$MDTCHAIR" --db "$DB" people add "Dr Ann Loader" --role Radiologist >/dev/null ||
    fail "people add failed"
p0=$(pending)
[ "${p0:-0}" -gt 0 ] || fail "nothing pending to send (pending: '$p0')"
r0=$(requests)

# sync_unavailable DIR WANT: `mdtchair sync` with DIR first in
# LD_LIBRARY_PATH fails with the one line WANT..., sending nothing
sync_unavailable() {
	LD_LIBRARY_PATH="$1" "$MDTCHAIR" --db "$DB" --config "$E2E_TMP/config.ini" \
	    sync --deadline 20 >"$E2E_TMP/out" 2>"$E2E_TMP/err" &&
	    fail "sync with $1/$CURL_SONAME exited 0: $(cat "$E2E_TMP/err")"
	[ "$(wc -l <"$E2E_TMP/err")" = 1 ] || fail "not one line: $(cat "$E2E_TMP/err")"
	grep -qF -- "mdtchair: sync unavailable: $CURL_SONAME could not be loaded: $2" \
	    "$E2E_TMP/err" || fail "sync said: $(cat "$E2E_TMP/err")"
	[ "$(pending)" = "$p0" ] || fail "pending went from $p0 to $(pending)"
	[ "$(requests)" = "$r0" ] || fail "the server was reached ($r0, then $(requests) requests)"
}

sync_unavailable "$CURL_STUB_DIR" "it has no curl_"
pass "sync: a library that is not libcurl gives one clear line: $(cat "$E2E_TMP/err")"

mkdir "$E2E_TMP/garbage"
echo "not a shared object" >"$E2E_TMP/garbage/$CURL_SONAME"
sync_unavailable "$E2E_TMP/garbage" "$E2E_TMP/garbage/$CURL_SONAME: "
pass "sync: a broken file gives the loader's reason: $(cat "$E2E_TMP/err")"

# The console, the stand-in taking 3 s to load: the screen answers all
# the while, then shows why nothing can be sent, and works on.
export LD_LIBRARY_PATH="$CURL_STUB_DIR" CURLSTUB_DELAY_MS=3000
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
unset LD_LIBRARY_PATH CURLSTUB_DELAY_MS
wait_for "Sync: starting, $p0 pending"
keys 5
wait_for "starting (loading libcurl)"
screen | grep -qF "Sync: starting" || fail "the panel came only once the load was over"
keys s
wait_for "Sending once sync has started"
screen | grep -qF "Sync: starting" || fail "s was answered only once the load was over"
pass "while libcurl loads the screen answers keys and says sync is starting"
wait_for "Sync: unavailable, $p0 pending"
wait_for "unavailable (changes are kept here)"
wait_for "sync unavailable: $CURL_SONAME could not be loaded: it has no curl_"
keys s
wait_for "sync unavailable: $CURL_SONAME could not be loaded"
keys 1
wait_for "Agenda: 12 patients"
keys 2 Space
wait_gone "Sync: unavailable, $p0 pending"
wait_for "Sync: unavailable, "
[ "$(requests)" = "$r0" ] || fail "the server was reached"
pass "then the status bar and sync panel say why, and the console works on"
keys q
[ "$(wait_exit)" = 0 ] || fail "q did not exit 0"

# q while the load is still going on
export LD_LIBRARY_PATH="$CURL_STUB_DIR" CURLSTUB_DELAY_MS=3000
tui_start --db "$DB" --config "$E2E_TMP/config.ini" chair
unset LD_LIBRARY_PATH CURLSTUB_DELAY_MS
wait_for "Sync: starting"
keys q
[ "$(wait_exit)" = 0 ] || fail "q during the load did not exit 0"
pass "q while libcurl is loading quits cleanly"
