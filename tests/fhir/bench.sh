#!/bin/sh
# bench.sh [BUNDLES [ENTRIES [CONCURRENCY]]] - start-up time of mdtchair's
# test FHIR server and throughput of transaction bundles (default 200
# bundles of 50 PUT-as-create Tasks, one at a time).  Loopback only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fhir-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
"$here/make-ca.sh" "$tmp/ca" >/dev/null
t0=$(date +%s%N)
"$here/fhir-server" --cert "$tmp/ca/server.pem" --key "$tmp/ca/server.key" --port-file "$tmp/port" >/dev/null &
pid=$!
while [ ! -s "$tmp/port" ]; do sleep 0.02; done
t1=$(date +%s%N)
echo "start-up (exec to port file written): $(((t1 - t0) / 1000000)) ms"
"$here/fhir-node" "$here/bench.mjs" --url "https://127.0.0.1:$(cat "$tmp/port")/fhir/R4" --ca "$tmp/ca/ca.pem" \
    --bundles "${1:-200}" --entries "${2:-50}" --concurrency "${3:-1}"
"$here/fhir-node" "$here/bench.mjs" --url "https://127.0.0.1:$(cat "$tmp/port")/fhir/R4" --ca "$tmp/ca/ca.pem" \
    --bundles "${1:-200}" --entries "${2:-50}" --concurrency "${3:-1}" --type batch
