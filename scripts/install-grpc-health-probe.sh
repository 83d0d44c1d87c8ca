#!/usr/bin/env bash
# Installs grpc-health-probe (Apache-2.0), a grpc-go client of
# grpc.health.v1.Health/Check on a new connection, like the kubelet's native
# gRPC probe, into $(go env GOPATH)/bin. Idempotent. Needs Go and the module
# proxy. deploy/kubernetes/src/grpc-probe.test.ts skips, loudly, without it.
set -euo pipefail

version="v0.4.62"
module="github.com/grpc-ecosystem/grpc-health-probe"

fail() {
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! install-grpc-health-probe: $*" >&2
  echo "!!! The gRPC health probe check will be SKIPPED until it is installed:" >&2
  echo "!!!   go install ${module}@${version}" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "Go is not installed"
bin="$(go env GOPATH)/bin/grpc-health-probe"

if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -qE "^\s+mod\s+${module}\s+${version}\b"; then
  echo "install-grpc-health-probe: grpc-health-probe ${version} already at ${bin}"
  exit 0
fi

echo "install-grpc-health-probe: go install ${module}@${version}"
go install "${module}@${version}" || fail "go install failed (is the Go module proxy reachable?)"
[ -x "$bin" ] || fail "go install finished but ${bin} is missing"
echo "install-grpc-health-probe: installed ${bin}"
