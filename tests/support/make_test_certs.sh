#!/bin/sh
# Makes throw-away TLS material for the tests in DIR: a CA, a server certificate for
# 127.0.0.1 and a client certificate signed by it, and a second, untrusted CA with a client
# of its own. Nothing here is kept in the repository.
#   make_test_certs.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" > /dev/null 2>&1; }
ca() {  # ca NAME
  quiet openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
    -keyout "$1.key" -out "$1.pem"
}
leaf() {  # leaf NAME CA CN [EXTRA-SAN]
  quiet openssl req -newkey rsa:2048 -nodes -subj "/CN=$3" -keyout "$1.key" -out "$1.csr"
  printf 'subjectAltName=DNS:%s%s\n' "$3" "${4:+,$4}" > "$1.ext"
  quiet openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
}
ca test-ca
leaf server test-ca 127.0.0.1 IP:127.0.0.1
leaf client test-ca lab-client
ca other-ca
leaf stranger other-ca stranger
