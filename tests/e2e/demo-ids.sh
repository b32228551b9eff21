#!/bin/bash
# demo-ids.sh - two databases' demos are different records on one central
# server: each demo is made with fresh UUIDs, so the team of each (queued
# as chairing would queue them) arrives as its own ten Practitioners, none
# of one database's overwriting the other's; calling demo again in a
# database finds its own meeting and makes nothing new.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"

A="$E2E_TMP/a.db"
B="$E2E_TMP/b.db"
ma=$("$MDTCHAIR" --db "$A" demo --no-open)
mb=$("$MDTCHAIR" --db "$B" demo --no-open)
[ "$("$MDTCHAIR" --db "$A" demo --no-open)" = "$ma" ] || fail "demo again made another meeting"
[ "$("$SQLITE3_BIN" "$A" "SELECT count(*) FROM people")" = 10 ] || fail "demo again added people"

# no UUID of one database's demo is in the other's
for t in venues people patients meetings slots candidates attendance; do
	"$SQLITE3_BIN" "$A" "SELECT uuid FROM $t" | sort >"$E2E_TMP/a.$t"
	"$SQLITE3_BIN" "$B" "SELECT uuid FROM $t" | sort >"$E2E_TMP/b.$t"
	[ -s "$E2E_TMP/a.$t" ] || fail "the demo has no $t"
	[ -z "$(comm -12 "$E2E_TMP/a.$t" "$E2E_TMP/b.$t")" ] || fail "the two demos share $t UUIDs"
done
pass "two demos share no UUID (meetings $ma and $mb)"

fhir_start
fhir_config
for db in "$A" "$B"; do
	"$SQLITE3_BIN" "$db" "INSERT INTO outbox (uuid, entity, entity_uuid,
	    created_at, next_at) SELECT lower(hex(randomblob(16))), 'person',
	    uuid, 0, 0 FROM people"
	"$MDTCHAIR" --db "$db" --config "$E2E_TMP/config.ini" sync --deadline 20 \
	    >"$E2E_TMP/out" 2>"$E2E_TMP/err" || fail "sync failed: $(cat "$E2E_TMP/out" "$E2E_TMP/err")"
	[ "$("$SQLITE3_BIN" "$db" "SELECT count(*) FROM outbox WHERE state <> 'sent'")" = 0 ] ||
	    fail "rows left unsent in $db"
done
n=$(fhir_get "Practitioner?_summary=count" | jqr '.total')
[ "$n" = 20 ] || fail "the server holds $n Practitioners, not the 20 of two demos"
for db in "$A" "$B"; do
	for u in $("$SQLITE3_BIN" "$db" "SELECT uuid FROM people"); do
		fhir_get "Practitioner/$u" >/dev/null || fail "Practitioner/$u is not on the server"
	done
done
pass "two demos' teams are 20 Practitioners on one server, each at its own id"
fhir_stop
