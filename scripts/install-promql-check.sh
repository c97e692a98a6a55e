#!/usr/bin/env bash
# Builds tools/promql-check (Prometheus' own PromQL parser, at the module version of the Prometheus the
# stack deploys) into the tools cache, keyed by the tool's source, and prints the binary's path.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$here/../tools/promql-check"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"
if ! grep -q "github.com/prometheus/prometheus $PROMETHEUS_MODULE_VERSION" "$src/go.mod"; then
  log "tools/promql-check/go.mod must require github.com/prometheus/prometheus $PROMETHEUS_MODULE_VERSION (scripts/versions.env)"
  exit 1
fi
key="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
bin="$cache_root/promql-check-$key/promql-check"
if [ ! -x "$bin" ]; then
  require_go
  log "building promql-check against Prometheus $PROMETHEUS_VERSION's parser (first run only)"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath -o "$bin" .)
fi
echo "$bin"
