#!/usr/bin/env bash
# Runs the ML exporter benchmark (bench.mjs) and prints its figures. Builds the exporter, installs the
# benchmark's own npm dependencies (autocannon) and json_exporter v0.7.0, each only when missing.
# Knobs: BENCH_MODELS (default 10,100,1000), BENCH_DURATION seconds (5), BENCH_CONNECTIONS (1).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exporter="$here/../../exporters/ml-model"
log() { echo "bench/ml-exporter: $*" >&2; }

bash "$here/../../scripts/ensure-deps.sh"  # the root's tsx runs the fake ML service
if [ ! -d "$exporter/node_modules" ]; then log "installing the exporter's dependencies"; (cd "$exporter" && npm ci --no-audit --no-fund >&2); fi
(cd "$exporter" && npm run --silent build >&2)
# `run.sh peak-rss`: the exporter's peak RSS at its response cap (peak-rss.mjs); needs no json_exporter.
if [ "${1:-}" = peak-rss ]; then exec "$here/../../node_modules/.bin/tsx" "$here/peak-rss.mjs"; fi
if [ ! -d "$here/node_modules" ]; then log "installing autocannon"; (cd "$here" && npm ci --no-audit --no-fund >&2); fi

# json_exporter, cached by version like scripts/install-tools.sh caches the Prometheus tools.
JSON_EXPORTER_VERSION=v0.7.0
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"
bin="$cache_root/json_exporter-${JSON_EXPORTER_VERSION#v}/bin"
if [ ! -x "$bin/json_exporter" ]; then
  mkdir -p "$bin"
  log "building json_exporter $JSON_EXPORTER_VERSION (first run only; cached in $bin)"
  module="github.com/prometheus-community/json_exporter@$JSON_EXPORTER_VERSION"
  if ! GOBIN="$bin" CGO_ENABLED=0 go install -trimpath "$module" >&2; then
    # `go install pkg@version` also asks the proxy for the module's version list (to look for a
    # deprecation notice), which can be refused; building the downloaded module directly skips that.
    log "go install failed; building from the module cache instead"
    dir="$(go mod download -json "$module" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -o "$bin/json_exporter" . >&2)
  fi
fi

JSON_EXPORTER_BIN="$bin/json_exporter" exec node "$here/bench.mjs"
