#!/bin/sh
# hardening.sh - the built program carries the protections configure
# chose (docs/testing.md): full RELRO (a GNU_RELRO segment and BIND_NOW,
# so relocations are read-only before main), a position-independent
# executable, stack canaries (__stack_chk_fail is called), and with
# _FORTIFY_SOURCE the checked string functions (__*_chk).  A build
# configured with --disable-hardening says so and checks nothing.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

: "${READELF_BIN:?READELF_BIN must name readelf}"
[ -x "$READELF_BIN" ] || fail "no readelf ($READELF_BIN): install binutils"
if [ "${HARDEN_ENABLED:-yes}" != yes ]; then
	pass "built with --disable-hardening: nothing to check"
	exit 0
fi

"$READELF_BIN" -d "$MDTCHAIR" >"$E2E_TMP/dynamic" || fail "readelf -d"
"$READELF_BIN" -lW "$MDTCHAIR" >"$E2E_TMP/segments" || fail "readelf -l"
"$READELF_BIN" -hW "$MDTCHAIR" >"$E2E_TMP/header" || fail "readelf -h"
"$READELF_BIN" --dyn-syms -W "$MDTCHAIR" >"$E2E_TMP/syms" || fail "readelf --dyn-syms"

grep -q "GNU_RELRO" "$E2E_TMP/segments" || fail "no GNU_RELRO segment"
grep -Eq "\(BIND_NOW\)|\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW" "$E2E_TMP/dynamic" ||
    fail "not linked with -z now (no BIND_NOW): $(grep FLAGS "$E2E_TMP/dynamic")"
pass "full RELRO: GNU_RELRO and BIND_NOW"

grep -Eq "Type: +DYN" "$E2E_TMP/header" || fail "not a PIE: $(grep 'Type:' "$E2E_TMP/header")"
grep -Eq "\(FLAGS_1\).*PIE" "$E2E_TMP/dynamic" || fail "no PIE flag in FLAGS_1"
pass "a position-independent executable"

grep -q " __stack_chk_fail" "$E2E_TMP/syms" || fail "no __stack_chk_fail: built without a stack protector"
pass "stack canaries (__stack_chk_fail)"

case "${HARDEN_FORTIFY:-no}" in
yes)
	n=$(grep -Ec " __[a-z]+_chk(@|$)" "$E2E_TMP/syms")
	[ "$n" -gt 0 ] || fail "_FORTIFY_SOURCE configured but no __*_chk function is called"
	pass "_FORTIFY_SOURCE: $n checked functions ($(grep -Eo " __[a-z]+_chk(@|$)" "$E2E_TMP/syms" | tr -d ' @' | sort -u | head -n 4 | tr '\n' ' ')...)"
	;;
given) pass "_FORTIFY_SOURCE set by the caller's CFLAGS or CPPFLAGS" ;;
*) pass "_FORTIFY_SOURCE not used in this build (sanitizers, fuzzers or no optimisation)" ;;
esac
