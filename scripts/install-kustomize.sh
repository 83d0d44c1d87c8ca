#!/usr/bin/env bash
# Installs kustomize (Apache-2.0) into $(go env GOPATH)/bin, so the tests can
# render every overlay (`kustomize build`) and validate what it prints.
# Idempotent: does nothing when that exact version is already there. Needs Go
# and the module proxy. deploy/kubernetes/src/manifests.test.ts skips the
# overlay checks, loudly, without it.
set -euo pipefail

version="v5.7.1"
module="sigs.k8s.io/kustomize/kustomize/v5"

fail() {
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!!! install-kustomize: $*" >&2
  echo "!!! The kustomize overlay checks will be SKIPPED until it is installed:" >&2
  echo "!!!   go install ${module}@${version}" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "Go is not installed"
bin="$(go env GOPATH)/bin/kustomize"

if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -qE "^\s+mod\s+${module}\s+${version}\b"; then
  echo "install-kustomize: kustomize ${version} already at ${bin}"
  exit 0
fi

echo "install-kustomize: go install ${module}@${version}"
go install "${module}@${version}" || fail "go install failed (is the Go module proxy reachable?)"
[ -x "$bin" ] || fail "go install finished but ${bin} is missing"
echo "install-kustomize: installed ${bin}"
