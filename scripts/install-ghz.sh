#!/usr/bin/env bash
# Installs ghz (Apache-2.0), the gRPC load tester that `loopstall ghz` is
# compared against, into $(go env GOPATH)/bin. Idempotent: does nothing when
# that exact version is already there. Needs Go >= 1.23 and the module proxy.
# The comparison test (src/ghz/ghz-compat.test.ts) skips, loudly, without it.
set -euo pipefail

version="v0.121.0"
module="github.com/bojand/ghz"

fail() {
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! install-ghz: $*" >&2
  echo "!!! The ghz comparison test will be SKIPPED until ghz is installed:" >&2
  echo "!!!   go install ${module}/cmd/ghz@${version}" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "Go is not installed (need Go >= 1.23)"
bin="$(go env GOPATH)/bin/ghz"

if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -qE "^\s+mod\s+${module}\s+${version}\b"; then
  echo "install-ghz: ghz ${version} already at ${bin}"
  exit 0
fi

echo "install-ghz: go install ${module}/cmd/ghz@${version} (takes a few minutes on 2 cores)"
go install "${module}/cmd/ghz@${version}" || fail "go install failed (is the Go module proxy reachable?)"
[ -x "$bin" ] || fail "go install finished but ${bin} is missing"
echo "install-ghz: installed ${bin}"
