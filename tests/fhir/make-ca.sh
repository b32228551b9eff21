#!/bin/sh
# make-ca.sh DIR - throwaway TLS material for mdtchair's test FHIR server.
#
# Writes into DIR (created if needed), all EC P-256, valid for 30 days:
#   ca.pem, ca.key               test CA
#   server.pem, server.key       server cert for IP:127.0.0.1, IP:::1, DNS:localhost (signed by ca)
#   client.pem, client.key       client cert for mTLS, CN=mdtchair-test-client (signed by ca)
#   other-ca.pem, other-ca.key   a second, unrelated CA ("wrong CA" tests)
#   other-server.pem/.key        server cert for 127.0.0.1/localhost signed by other-ca
#   wrong-host.pem, wrong-host.key  cert for DNS:not-this-host.invalid only (signed by ca)
# Nothing here is secret; never use it outside tests.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
command -v openssl >/dev/null 2>&1 || { echo "make-ca.sh: openssl not found (apt-get install openssl)" >&2; exit 1; }

dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077
days=30
ext=$(mktemp "${TMPDIR:-/tmp}/make-ca.XXXXXX")
trap 'rm -f "$ext" ./*.csr ./*.srl' EXIT

key() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

ca() { # name subject
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -sha256 -days $days -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$1.pem"
}

leaf() { # name subject signing-ca extendedKeyUsage subjectAltName(or empty)
    key "$1.key"
    openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature"
        echo "extendedKeyUsage=$4"
        echo "authorityKeyIdentifier=keyid"
        if [ -n "$5" ]; then echo "subjectAltName=$5"; fi
    } >"$ext"
    openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
        -sha256 -days $days -extfile "$ext" -out "$1.pem" 2>/dev/null
}

ca ca "/CN=mdtchair test CA"
ca other-ca "/CN=mdtchair unrelated test CA"
leaf server "/CN=localhost" ca serverAuth "IP:127.0.0.1,IP:::1,DNS:localhost"
leaf client "/CN=mdtchair-test-client" ca clientAuth ""
leaf other-server "/CN=localhost" other-ca serverAuth "IP:127.0.0.1,IP:::1,DNS:localhost"
leaf wrong-host "/CN=not-this-host.invalid" ca serverAuth "DNS:not-this-host.invalid"
chmod 644 ./*.pem
echo "make-ca.sh: test certificates in $(pwd)"
