#!/bin/sh
# run.sh - the sync tests against real FHIR R4 servers on 127.0.0.1.
#
# Makes a throwaway test CA (tests/fhir/make-ca.sh), starts the test FHIR
# server (tests/fhir/server.mjs, Medplum's R4 validation, a bearer token)
# four times: with the right certificate, with one from another CA, with
# one for another host name, and asking for a client certificate; then runs the cmocka cases
# (test_sync_record, the record as its readers find it; test_sync_http,
# faults of the server and the network; test_sync_passes, how passes are
# built and marked; test_pull, the record read back; test_restore, a new
# laptop made from it), the command-line cases (cli.sh) and the network
# faults (net_faults: NET_FAULTS faults over a long outbox) against them,
# and stops the servers on exit.  NET_ONLY=1 (make net-faults) starts
# one server and runs the network faults alone.  Fails (never skips) when the test server is not set
# up (sh tests/fhir/setup.sh).
set -u

: "${FHIR_DIR:?FHIR_DIR must name tests/fhir}"
: "${SYNC_TEST_BIN:?SYNC_TEST_BIN must name test_sync_http}"
: "${SYNC_RECORD_TEST_BIN:?SYNC_RECORD_TEST_BIN must name test_sync_record}"
: "${SYNC_PASSES_TEST_BIN:?SYNC_PASSES_TEST_BIN must name test_sync_passes}"
here=$(cd "$(dirname "$0")" && pwd)

node="$FHIR_DIR/fhir-node"
if ! "$node" --version >/dev/null 2>&1 || [ ! -d "$FHIR_DIR/node_modules/@medplum" ]; then
	echo "FAIL: the test FHIR server is not set up (sh tests/fhir/setup.sh)" >&2
	exit 1
fi
command -v openssl >/dev/null 2>&1 || { echo "FAIL: no openssl (apt-get install openssl)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdtchair-sync.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sh "$FHIR_DIR/make-ca.sh" "$tmp/ca" >/dev/null || { echo "FAIL: make-ca.sh" >&2; exit 1; }
token="t$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# start NAME CERT [ARGS...]: a server on a free port; sets PORT
start() {
	name=$1
	cert=$2
	shift 2
	"$node" "$FHIR_DIR/server.mjs" --cert "$tmp/ca/$cert.pem" --key "$tmp/ca/$cert.key" \
	    --port 0 --port-file "$tmp/$name.port" --token "$token" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/$name.port" ]; do
		i=$((i + 1))
		if [ $i -gt 600 ]; then
			echo "FAIL: the test FHIR server ($name) did not start:" >&2
			cat "$tmp/$name.err" >&2
			exit 1
		fi
		sleep 0.1
	done
	PORT=$(cat "$tmp/$name.port")
}

start main server
main_port=$PORT
if [ -z "${NET_ONLY:-}" ]; then
	start otherca other-server
	other_port=$PORT
	start wronghost wrong-host
	wrong_port=$PORT
	start mtls server --client-ca "$tmp/ca/ca.pem"
	mtls_port=$PORT
else
	other_port=0 wrong_port=0 mtls_port=0
fi

SYNC_TEST_BASE="https://127.0.0.1:$main_port/fhir/R4"
SYNC_TEST_CONTROL="https://127.0.0.1:$main_port/__control"
SYNC_TEST_OTHER_CA_BASE="https://127.0.0.1:$other_port/fhir/R4"
SYNC_TEST_WRONG_HOST_BASE="https://127.0.0.1:$wrong_port/fhir/R4"
SYNC_TEST_MTLS_BASE="https://127.0.0.1:$mtls_port/fhir/R4"
SYNC_TEST_CA="$tmp/ca/ca.pem"
SYNC_TEST_DIR="$tmp/ca"
SYNC_TEST_TOKEN=$token
SYNC_TEST_NODE=$node
SYNC_TEST_SERVER="$FHIR_DIR/server.mjs"
export SYNC_TEST_BASE SYNC_TEST_CONTROL SYNC_TEST_OTHER_CA_BASE \
    SYNC_TEST_WRONG_HOST_BASE SYNC_TEST_MTLS_BASE SYNC_TEST_CA SYNC_TEST_DIR SYNC_TEST_TOKEN \
    SYNC_TEST_NODE SYNC_TEST_SERVER

rc=0
if [ -z "${NET_ONLY:-}" ]; then
	"$SYNC_RECORD_TEST_BIN" || rc=1
	"$SYNC_TEST_BIN" || rc=1
	"$SYNC_PASSES_TEST_BIN" || rc=1
	if [ -n "${PULL_TEST_BIN:-}" ]; then
		"$PULL_TEST_BIN" || rc=1
	fi
	if [ -n "${RESTORE_TEST_BIN:-}" ]; then
		"$RESTORE_TEST_BIN" || rc=1
	fi
	if [ -n "${MDTCHAIR:-}" ]; then
		sh "$here/cli.sh" || rc=1
	fi
fi
# network faults (NET_FAULTS, default 100 here; make net-faults: 1000)
if [ -n "${NET_FAULTS_BIN:-}" ]; then
	"$NET_FAULTS_BIN" || rc=1
fi
exit $rc
