#!/bin/sh
# smoke.sh - end-to-end check of mdtchair's test FHIR server with curl.
# Starts the server on a free loopback port with throwaway certificates,
# checks the behaviour the sync engine's tests rely on, prints one
# "ok - ..." / "not ok - ..." line per check and exits 0 only if all pass.
# Needs: tests/fhir/setup.sh done, curl, openssl.  FHIR_NODE=/path/to/node
# overrides the Node.js chosen by setup.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
NODE="$here/fhir-node"
"$NODE" --version >/dev/null || exit 1
for tool in curl openssl; do
    command -v $tool >/dev/null 2>&1 || { echo "smoke.sh: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fhir-smoke.XXXXXX")
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
notok() { failed=$((failed + 1)); echo "not ok - $1"; [ $# -gt 1 ] && echo "#   $2"; }
check() { # description, then a command that must succeed
    d=$1
    shift
    if "$@"; then ok "$d"; else notok "$d" "$(head -c 600 "$tmp/body" 2>/dev/null)"; fi
}

# JSON field from $tmp/body: jq-like with a JS expression on `d`
j() { "$NODE" -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=eval(process.argv[2]);process.stdout.write(typeof v==="string"?v:JSON.stringify(v));' "$tmp/body" "$1"; }

"$here/make-ca.sh" "$tmp/ca" >/dev/null || { echo "smoke.sh: make-ca.sh failed" >&2; exit 1; }

start() { # name, extra args...; sets PORT
    name=$1
    shift
    "$NODE" "$here/server.mjs" --cert "$tmp/ca/${CERT:-server}.pem" --key "$tmp/ca/${CERT:-server}.key" \
        --port 0 --port-file "$tmp/$name.port" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
    pids="$pids $!"
    i=0
    while [ ! -s "$tmp/$name.port" ]; do
        i=$((i + 1))
        if [ $i -gt 300 ]; then
            echo "smoke.sh: server $name did not start:" >&2
            cat "$tmp/$name.err" >&2
            exit 1
        fi
        sleep 0.1
    done
    PORT=$(cat "$tmp/$name.port")
}

t0=$(date +%s%N 2>/dev/null || echo 0)
start main
t1=$(date +%s%N 2>/dev/null || echo 0)
[ "$t0" != 0 ] && echo "# server started in $(((t1 - t0) / 1000000)) ms on port $PORT"
BASE=https://127.0.0.1:$PORT/fhir/R4
CTL=https://127.0.0.1:$PORT/__control

# req METHOD URL [BODY [extra curl args]] -> $code, body in $tmp/body, headers in $tmp/headers
req() {
    m=$1
    u=$2
    shift 2
    if [ $# -gt 0 ] && [ -n "$1" ]; then
        printf '%s' "$1" >"$tmp/req"
        shift
        set -- --data-binary @"$tmp/req" "$@"
    elif [ $# -gt 0 ]; then
        shift
    fi
    code=$(curl -sS --cacert "$tmp/ca/ca.pem" -X "$m" -H 'Content-Type: application/fhir+json' \
        -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@" "$u" 2>"$tmp/curl.err")
    rc=$?
}

grep -q "^listening on https://127.0.0.1:$PORT/fhir/R4\$" "$tmp/main.out" &&
    ok "prints 'listening on https://127.0.0.1:PORT/fhir/R4'" || notok "listening line" "$(cat "$tmp/main.out")"

uuid() {
    if [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid
    else "$NODE" -e 'process.stdout.write(require("crypto").randomUUID())'; fi
}
task() { # id status
    printf '{"resourceType":"Task","id":"%s","status":"%s","intent":"order","description":"Refer for CT chest","for":{"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}},"authoredOn":"2026-11-25T13:00:00Z","restriction":{"period":{"end":"2026-12-09"}}}' "$1" "$2"
}
put_entry() { # id status [ifMatch]
    im=""
    [ $# -gt 2 ] && im=",\"ifMatch\":\"W/\\\"$3\\\"\""
    printf '{"fullUrl":"urn:uuid:%s","resource":%s,"request":{"method":"PUT","url":"Task/%s"%s}}' "$1" "$(task "$1" "$2")" "$1" "$im"
}
bundle() { # type entries...
    t=$1
    shift
    printf '{"resourceType":"Bundle","type":"%s","entry":[' "$t"
    sep=""
    for e in "$@"; do printf '%s%s' "$sep" "$e"; sep=","; done
    printf ']}'
}
count_ids() { # ids... -> prints total
    ids=$(echo "$@" | tr ' ' ',')
    req GET "$BASE/Task?_id=$ids&_summary=count"
    j 'd.total'
}

# --- update as create with a client id, read back
A=$(uuid)
req PUT "$BASE/Task/$A" "$(task "$A" requested)"
check "PUT Task/<client uuid> creates it (201, ETag W/\"1\", Location)" \
    sh -c "[ $code = 201 ] && grep -qi '^etag: W/\"1\"' '$tmp/headers' && grep -qi '^location: .*/Task/$A/_history/1' '$tmp/headers'"
req GET "$BASE/Task/$A"
check "GET Task/<id> returns it with meta.versionId 1" \
    test "$code:$(j 'd.id+"/"+d.meta.versionId+"/"+d.status')" = "200:$A/1/requested"
req PUT "$BASE/Task/$A" "$(task "$A" accepted)"
check "PUT again updates (200, version 2)" test "$code:$(j 'd.meta.versionId')" = "200:2"

# --- If-Match
req PUT "$BASE/Task/$A" "$(task "$A" in-progress)" -H 'If-Match: W/"1"'
check "PUT with stale If-Match W/\"1\" -> 412 OperationOutcome" \
    test "$code:$(j 'd.resourceType'):$(j 'd.issue[0].diagnostics.includes("W/\"2\"")')" = "412:OperationOutcome:true"
req GET "$BASE/Task/$A"
check "the stale PUT changed nothing" test "$(j 'd.status+d.meta.versionId')" = "accepted2"
req PUT "$BASE/Task/$A" "$(task "$A" in-progress)" -H 'If-Match: W/"2"'
check "PUT with current If-Match W/\"2\" -> 200, version 3" test "$code:$(j 'd.meta.versionId')" = "200:3"
N=$(uuid)
req PUT "$BASE/Task/$N" "$(task "$N" requested)" -H 'If-Match: W/"1"'
check "PUT with If-Match on a missing resource -> 412" test "$code" = 412

# --- validation
req PUT "$BASE/Task/$N" "$(task "$N" banana)"
check "invalid Task.status 'banana' -> 400 naming the value set" \
    sh -c "[ $code = 400 ] && grep -q 'banana' '$tmp/body' && grep -q 'task-status' '$tmp/body' && grep -q '\"expression\":\\[\"Task.status\"\\]' '$tmp/body'"
req PUT "$BASE/Task/$N" "$(task "$N" requested | sed 's/"intent"/"colour":"red","intent"/')"
check "unknown element -> 400 'Invalid additional property \"colour\"'" \
    sh -c "[ $code = 400 ] && grep -q 'Invalid additional property' '$tmp/body' && grep -q 'colour' '$tmp/body'"
req PUT "$BASE/Task/$N" "$(task "$N" requested | sed 's/"intent":"order",//')"
check "missing Task.intent -> 400 'Missing required property'" \
    sh -c "[ $code = 400 ] && grep -q 'Missing required property' '$tmp/body' && grep -q 'Task.intent' '$tmp/body'"
req PUT "$BASE/Task/$N" "$(task "$N" requested | sed 's/2026-12-09/09\/12\/2026/')"
check "bad date -> 400 'Invalid dateTime format'" sh -c "[ $code = 400 ] && grep -q 'Invalid dateTime format' '$tmp/body'"
req GET "$BASE/Task/$N"
check "nothing invalid was stored" test "$code" = 404

for f in Practitioner PractitionerRole Encounter Composition Consent Task; do
    id=$("$NODE" -p "require('$here/examples/$f.json').id")
    req PUT "$BASE/$f/$id" "$(cat "$here/examples/$f.json")"
    check "well-formed $f (examples/$f.json) accepted" test "$code" = 201
done

# --- transactions
X1=$(uuid); X2=$(uuid); X3=$(uuid)
req POST "$BASE" "$(bundle transaction "$(put_entry "$X1" requested)" "$(put_entry "$X2" requested)" "$(put_entry "$X3" banana)")"
check "transaction with 2 valid + 1 invalid Task -> 400" test "$code" = 400
check "its OperationOutcome names Bundle.entry[2], Task/<id> and the problem" \
    sh -c "grep -q 'Bundle.entry\\[2\\]' '$tmp/body' && grep -q 'Task/$X3' '$tmp/body' && grep -q 'banana' '$tmp/body'"
check "nothing of it was applied (search count 0)" test "$(count_ids "$X1" "$X2" "$X3")" = 0

req POST "$BASE" "$(bundle transaction "$(put_entry "$X1" requested)" "$(put_entry "$X2" requested)")"
check "valid transaction -> 200 transaction-response" test "$code:$(j 'd.type')" = "200:transaction-response"
check "entries: status 201, location Task/<id>/_history/1, etag W/\"1\"" \
    test "$(j 'd.entry.map(e=>e.response.status+" "+e.response.location+" "+e.response.etag).join(";")')" = \
    "201 Created Task/$X1/_history/1 W/\"1\";201 Created Task/$X2/_history/1 W/\"1\""
check "both applied (search count 2)" test "$(count_ids "$X1" "$X2")" = 2
req POST "$BASE" "$(bundle transaction "$(put_entry "$X1" accepted)" "$(put_entry "$X2" accepted)")"
check "the same transaction again -> 200 OK entries, version 2 (idempotent PUT)" \
    test "$(j 'd.entry.map(e=>e.response.status+" "+e.response.etag).join(";")')" = '200 OK W/"2";200 OK W/"2"'
X4=$(uuid)
req POST "$BASE" "$(bundle transaction "$(put_entry "$X4" requested)" "$(put_entry "$X1" completed 1)")"
check "transaction with a stale ifMatch -> 412 naming Bundle.entry[1]" \
    sh -c "[ $code = 412 ] && grep -q 'Bundle.entry\\[1\\]' '$tmp/body' && grep -q 'Task/$X1' '$tmp/body'"
check "and its other entry was rolled back" test "$(count_ids "$X4")" = 0
req GET "$BASE/Task/$X1"
check "and the target kept version 2" test "$(j 'd.meta.versionId+d.status')" = "2accepted"

# 60 PUTs in one transaction (more than Medplum's own 50-update limit)
entries=""
ids=""
i=0
while [ $i -lt 60 ]; do
    id=$(uuid)
    ids="$ids $id"
    entries="$entries${entries:+,}$(put_entry "$id" requested)"
    i=$((i + 1))
done
req POST "$BASE" "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[$entries]}"
check "transaction of 60 PUTs -> 200" test "$code" = 200
check "all 60 applied" test "$(count_ids $ids)" = 60

# --- batch: entries independent
B1=$(uuid); B2=$(uuid)
req POST "$BASE" "$(bundle batch "$(put_entry "$B1" requested)" "$(put_entry "$B2" banana)")"
check "batch with 1 valid + 1 invalid -> 200, entries 201 and 400" \
    test "$code:$(j 'd.type+" "+d.entry.map(e=>e.response.status.slice(0,3)).join(",")')" = "200:batch-response 201,400"
check "batch applied the valid entry only" test "$(count_ids "$B1" "$B2")" = 1

# --- search returns everything
req GET "$BASE/Task?_count=1000"
total=$(j 'd.total')
check "GET Task?_count=1000 returns all $total Tasks in one page" test "$(j 'd.entry.length')" = "$total"
req GET "$BASE/Task?identifier=https://mdtchair.invalid/Id/outcome|6f2a1c3e-3b1d-4c5e-9a7f-0d1e2f3a4b06"
check "search by identifier=system|value finds the example Task" test "$(j 'd.total')" = 1
req GET "$BASE/Task?identifer=x"
check "misspelt search parameter -> 400 (not an empty result)" test "$code" = 400

# --- faults
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"status":503,"times":3}]}' "$CTL/faults"
codes=""
for i in 1 2 3 4; do
    req GET "$BASE/Task/$A"
    codes="$codes$code "
done
check "fault 503 x3 then success: $codes" test "$codes" = "503 503 503 200 "
curl -sS --cacert "$tmp/ca/ca.pem" -o "$tmp/body" "$CTL/stats"
check "stats: faultsLeft 0, requests counted" test "$(j 'd.faultsLeft+" "+(d.requests>0)')" = "0 true"

curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"status":429,"retryAfter":2,"times":1}]}' "$CTL/faults"
req GET "$BASE/Task/$A"
check "fault 429 carries Retry-After: 2 and an OperationOutcome (throttled)" \
    sh -c "[ $code = 429 ] && grep -qi '^retry-after: 2' '$tmp/headers' && grep -q '\"throttled\"' '$tmp/body'"

D=$(uuid)
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"drop":"before","times":1}]}' "$CTL/faults"
req PUT "$BASE/Task/$D" "$(task "$D" requested)"
check "drop before: no reply (curl rc $rc)" test "$rc" -ne 0
req GET "$BASE/Task/$D"
check "drop before: not applied" test "$code" = 404
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"drop":"after","times":1}]}' "$CTL/faults"
req PUT "$BASE/Task/$D" "$(task "$D" requested)"
check "drop after: no reply (curl rc $rc)" test "$rc" -ne 0
req GET "$BASE/Task/$D"
check "drop after: applied all the same" test "$code:$(j 'd.meta.versionId')" = "200:1"

curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"delayMs":300,"times":1}]}' "$CTL/faults"
s0=$(date +%s%N)
req GET "$BASE/Task/$A"
s1=$(date +%s%N)
check "delayMs 300: answered normally after >= 300 ms" test "$code" = 200 -a $(((s1 - s0) / 1000000)) -ge 300

curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"faults":[{"hang":true}]}' "$CTL/faults"
req GET "$BASE/Task/$A" "" --max-time 1
check "hang: no answer within 1 s (curl rc $rc)" test "$rc" = 28
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST "$CTL/reset"
req GET "$BASE/Task/$A"
check "after /__control/reset requests are answered again" test "$code" = 200
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -X POST -d '{"data":true}' "$CTL/reset"
req GET "$BASE/Task?_summary=count"
check "reset with {\"data\":true} empties the repository" test "$(j 'd.total')" = 0

# --- bearer token
start tok --token s3cret-token
TBASE=https://127.0.0.1:$PORT/fhir/R4
req GET "$TBASE/Task"
check "--token: no Authorization -> 401 OperationOutcome" test "$code:$(j 'd.resourceType')" = "401:OperationOutcome"
req GET "$TBASE/Task" "" -H 'Authorization: Bearer wrong'
check "--token: wrong token -> 401" test "$code" = 401
req GET "$TBASE/Task" "" -H 'Authorization: Bearer s3cret-token'
check "--token: right token -> 200" test "$code" = 200
code=$(curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/__control/stats")
check "--token: control API needs no token" test "$code" = 200

# --- mTLS and certificate checks
start mtls --client-ca "$tmp/ca/ca.pem"
MBASE=https://127.0.0.1:$PORT/fhir/R4
code=$(curl -sS --cacert "$tmp/ca/ca.pem" --cert "$tmp/ca/client.pem" --key "$tmp/ca/client.key" -o /dev/null -w '%{http_code}' "$MBASE/metadata" 2>/dev/null)
check "--client-ca: client certificate accepted" test "$code" = 200
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null "$MBASE/metadata" 2>/dev/null
check "--client-ca: no client certificate refused" test $? -ne 0
curl -sS --cacert "$tmp/ca/other-ca.pem" -o /dev/null "$BASE/metadata" 2>/dev/null
check "client trusting only other-ca.pem refuses the server" test $? -ne 0

CERT=wrong-host start wronghost
curl -sS --cacert "$tmp/ca/ca.pem" -o /dev/null "https://127.0.0.1:$PORT/fhir/R4/metadata" 2>/dev/null
check "certificate for another host name (wrong-host.pem) refused" test $? -ne 0
code=$(curl -sS --cacert "$tmp/ca/ca.pem" --resolve "not-this-host.invalid:$PORT:127.0.0.1" -o /dev/null -w '%{http_code}' \
    "https://not-this-host.invalid:$PORT/fhir/R4/metadata" 2>/dev/null)
check "  (while the same certificate is fine for the name it carries)" test "$code" = 200

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
