#!/usr/bin/env bash
# Builds the logs-and-traces tools the tests run, from the Go module proxy, into a cache directory keyed by
# version (like scripts/install-tools.sh; a second run costs nothing). Prints the bin directory on stdout.
#   jaeger        Jaeger v2 (cmd/jaeger, built on the OpenTelemetry Collector), started on loopback
#   regex-check   runs the log parsing rules in Go's regexp (RE2: the engine of Alloy's loki.process)
#   alloy-syntax  parses the rendered Alloy configuration with Alloy's own parser
#   loki-configuration-<version>.md   Loki's configuration reference (a document, not a build: see below)
# Cold build on 2 cores: jaeger ~3 min (mostly downloading and compiling dependencies).
# Loki is not built: its Go module is AGPL, and this project never builds or links network-copyleft code
# (deploying Loki's image is fine).
# The module zips carry no built web UIs: the test jaeger serves Jaeger's placeholder page at /, its query
# API (/api/traces, /api/v3/...) is complete; the images we deploy have the UIs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

bin="$cache_root/logs-jaeger-${JAEGER_VERSION}_alloy-syntax-${ALLOY_SYNTAX_VERSION}/bin"
mkdir -p "$bin"
require_go

build_jaeger() {
  local src; src="$(module_dir github.com/jaegertracing/jaeger "$JAEGER_MODULE_VERSION")"
  (cd "$src" && GOWORK=off CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$JAEGER_VERSION" \
    -o "$bin/jaeger.tmp" ./cmd/jaeger)
  mv "$bin/jaeger.tmp" "$bin/jaeger"
}
build_helper() { # build_helper <name>: one of our Go helpers under test/tools/go
  (cd "$here/../test/tools/go/$1" && GOWORK=off CGO_ENABLED=0 go build -trimpath -o "$bin/$1.tmp" .)
  mv "$bin/$1.tmp" "$bin/$1"
}

# The builds run in parallel, each logging to its own file.
builds_log_dir="$(dirname "$bin")/logs"
mkdir -p "$builds_log_dir"
[ -x "$bin/jaeger" ] || build_start jaeger "jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION), ~3 min" build_jaeger
for helper in regex-check alloy-syntax; do
  [ -x "$bin/$helper" ] || build_start "$helper" "test/tools/go/$helper, under a minute" build_helper "$helper"
done
builds_wait

# Loki's own configuration reference at the version we deploy: the rendered loki.yaml is checked against it,
# key by key and type by type (test/helpers/loki-reference.ts). Loki's module is AGPL: it is downloaded and one
# documentation file copied out of it; nothing of it is built or linked.
loki_reference="$bin/loki-configuration-$LOKI_VERSION.md"
if [ ! -f "$loki_reference" ]; then
  log "fetching Loki $LOKI_VERSION's configuration reference (documentation only; first run only)"
  cp "$(module_dir github.com/grafana/loki/v3 "v$LOKI_VERSION")/docs/sources/shared/configuration.md" "$loki_reference.tmp"
  chmod 644 "$loki_reference.tmp" && mv "$loki_reference.tmp" "$loki_reference"
fi
echo "$bin"
