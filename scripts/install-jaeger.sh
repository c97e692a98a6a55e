#!/usr/bin/env bash
# Builds the pinned Jaeger v2 binary (cmd/jaeger, the OpenTelemetry-Collector-based Jaeger) from the Go
# module proxy into a cache directory keyed by version, like scripts/install-tools.sh does for the
# Prometheus-ecosystem binaries; a second run costs nothing. Prints the bin directory on stdout.
# The module zip carries no built Jaeger UI, so this test binary serves Jaeger's placeholder page at /;
# the query API (/api/traces, /api/v3/...) that the tests read is complete. The image we deploy has the UI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"
bin="$cache_root/jaeger-${JAEGER_VERSION}/bin"
mkdir -p "$bin"
log() { echo "install-jaeger: $*" >&2; }

if [ ! -x "$bin/jaeger" ]; then
  command -v go >/dev/null 2>&1 || { log "go is not installed; install Go (https://go.dev/dl)"; exit 1; }
  log "building jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION; first run only, ~10 min cold; cached in $bin)"
  src="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
  # Built in the module's own directory (read-only is fine for `go build -o`); GOWORK=off as for the others.
  (cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_VERSION" \
    -o "$bin/jaeger.tmp" ./cmd/jaeger)
  mv "$bin/jaeger.tmp" "$bin/jaeger"
fi
echo "$bin"
