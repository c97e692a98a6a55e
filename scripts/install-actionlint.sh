#!/usr/bin/env bash
# Installs actionlint (the GitHub Actions workflow linter) from the Go module proxy into a cache directory
# keyed by version, so a second run costs nothing. Prints the bin directory on stdout.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ACTIONLINT_VERSION=1.7.7
bin="$cache_root/actionlint-$ACTIONLINT_VERSION/bin"
if [ ! -x "$bin/actionlint" ]; then
  require_go
  log "building actionlint $ACTIONLINT_VERSION (first run only, ~10 s; cached in $bin)"
  mkdir -p "$bin"
  GOBIN="$bin" GOWORK=off CGO_ENABLED=0 go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION" >&2
fi
echo "$bin"
