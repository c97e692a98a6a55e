#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter) from the Go module proxy into a cache directory
# keyed by version, so a second run costs nothing. Prints the bin directory on stdout.
set -euo pipefail
ACTIONLINT_VERSION=1.7.7
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"
bin="$cache_root/actionlint-$ACTIONLINT_VERSION/bin"
if [ ! -x "$bin/actionlint" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "install-actionlint: go is not installed; install Go (https://go.dev/dl)" >&2
    exit 1
  fi
  echo "install-actionlint: building actionlint $ACTIONLINT_VERSION (first run only, ~10 s; cached in $bin)" >&2
  mkdir -p "$bin"
  GOBIN="$bin" GOWORK=off CGO_ENABLED=0 go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >&2
fi
echo "$bin"
