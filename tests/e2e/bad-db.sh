#!/bin/sh
# bad-db.sh - a bad --db path, a read-only database, a database from a
# newer schema and a file that is not a database: each gives one clear line
# on stderr, exit status 1, and changes nothing.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

# expect_refusal PATTERN CMD...: exit 1, exactly one line on stderr.
expect_refusal() {
	pattern=$1; shift
	set +e
	"$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" </dev/null; rc=$?
	set -e
	[ "$rc" = 1 ] || fail "'$*' exited $rc, not 1 ($(cat "$E2E_TMP/err"))"
	[ "$(wc -l <"$E2E_TMP/err")" = 1 ] ||
	    fail "'$*' printed not one line: $(cat "$E2E_TMP/err")"
	grep -q -- "$pattern" "$E2E_TMP/err" ||
	    fail "'$*' said '$(cat "$E2E_TMP/err")', expected '$pattern'"
}

fingerprint() { (cd "$1" && ls -la --time-style=+ . && sha256sum -- * 2>/dev/null) ; }

# A path in a directory that does not exist.
expect_refusal "$E2E_TMP/no/such/dir/x.db" "$MDTCHAIR" --db "$E2E_TMP/no/such/dir/x.db" demo --no-open
[ ! -e "$E2E_TMP/no" ] || fail "a bad --db path created directories"
expect_refusal "x.db" "$MDTCHAIR" --db "$E2E_TMP/absent/x.db" chair
# A directory given as the database.
mkdir "$E2E_TMP/adir"
expect_refusal "$E2E_TMP/adir" "$MDTCHAIR" --db "$E2E_TMP/adir" chair
# No database at all for chair/minutes: nothing is created.
expect_refusal "$E2E_TMP/none.db" "$MDTCHAIR" --db "$E2E_TMP/none.db" chair
[ ! -e "$E2E_TMP/none.db" ] || fail "chair created a database"
pass "a bad --db path is refused in one line and creates nothing"

# A database from a newer schema.
d="$E2E_TMP/newer"; mkdir "$d"
"$MDTCHAIR" --db "$d/m.db" demo --no-open >/dev/null
"$SQLITE3_BIN" "$d/m.db" 'PRAGMA user_version = 42;'
before=$(fingerprint "$d")
expect_refusal "newer mdtchair" "$MDTCHAIR" --db "$d/m.db" chair
expect_refusal "newer mdtchair" "$MDTCHAIR" --db "$d/m.db" minutes --format json
expect_refusal "newer mdtchair" "$MDTCHAIR" --db "$d/m.db" demo --no-open
[ "$before" = "$(fingerprint "$d")" ] || fail "a newer database was changed"
pass "a newer schema is refused and left unchanged"

# A file that is not an mdtchair database.
d="$E2E_TMP/other"; mkdir "$d"
printf 'surname,forename\nSmith,Ann\n' >"$d/m.db"
"$SQLITE3_BIN" "$d/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'
chmod 600 "$d/m.db" "$d/other.db"
before=$(fingerprint "$d")
expect_refusal "not an mdtchair database" "$MDTCHAIR" --db "$d/m.db" chair
expect_refusal "not an mdtchair database" "$MDTCHAIR" --db "$d/other.db" demo --no-open
[ "$before" = "$(fingerprint "$d")" ] || fail "a foreign file was changed"
pass "a file that is not an mdtchair database is refused and left unchanged"

# A read-only database.  root can write to any file, so as root the check
# runs as the unprivileged user nobody.
d="$E2E_TMP/ro"; mkdir "$d"
"$MDTCHAIR" --db "$d/m.db" demo --no-open >/dev/null
chmod 0755 "$E2E_TMP"
if [ "$(id -u)" = 0 ]; then
	chmod 0755 "$d"; chown nobody "$d/m.db"; chmod 0400 "$d/m.db"
	as_reader() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
else
	chmod 0555 "$d"; chmod 0400 "$d/m.db"
	as_reader() { "$@"; }
fi
before=$(fingerprint "$d")
expect_refusal "read-only" as_reader "$MDTCHAIR" --db "$d/m.db" chair
expect_refusal "read-only" as_reader "$MDTCHAIR" --db "$d/m.db" demo --no-open
[ "$before" = "$(fingerprint "$d")" ] || fail "a read-only database was changed"
chmod 0755 "$d"
pass "a read-only database is refused and left unchanged"

# A database other users can read: refused before it is opened, with the
# command that fixes it; the same for a -wal beside it.
d="$E2E_TMP/shared"; mkdir "$d"
"$MDTCHAIR" --db "$d/m.db" demo --no-open >/dev/null
chmod 0644 "$d/m.db"
before=$(fingerprint "$d")
expect_refusal "^mdtchair: $d/m.db is readable by other users (mode 0644): chmod 600 $d/m.db\$" \
    "$MDTCHAIR" --db "$d/m.db" chair
expect_refusal "(mode 0644): chmod 600" "$MDTCHAIR" --db "$d/m.db" minutes --format json
[ "$before" = "$(fingerprint "$d")" ] || fail "a shared database was changed"
chmod 0600 "$d/m.db"
: >"$d/m.db-wal"; chmod 0640 "$d/m.db-wal"
expect_refusal "$d/m.db-wal is readable by other users (mode 0640): chmod 600 $d/m.db-wal" \
    "$MDTCHAIR" --db "$d/m.db" chair
pass "a database or journal other users can read is refused and left unchanged"
