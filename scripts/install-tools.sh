#!/usr/bin/env bash
# Installs the pinned Prometheus-ecosystem binaries (prometheus, promtool, alertmanager, amtool,
# node_exporter, blackbox_exporter) from the Go module proxy with the Go toolchain, into a cache directory
# keyed by version, so a second run costs nothing. Prints the bin directory on stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

key="prom-${PROMETHEUS_VERSION}_am-${ALERTMANAGER_VERSION}_ne-${NODE_EXPORTER_VERSION}_bb-${BLACKBOX_EXPORTER_VERSION}"
bin="$cache_root/$key/bin"
mkdir -p "$bin"

require_go

# `version` flags set like upstream's release builds so `--version` reports the pinned version.
ldflags() { echo "-s -w -X github.com/prometheus/common/version.Version=$1"; }

# Builds binaries from a copy of the pinned module as the module proxy serves it. Not `go install
# pkg@version`: Alertmanager embeds its web UI from ui/app/dist, which release builds generate and the
# module zip does not carry, and the proxy refuses blackbox_exporter's version list, which `go install`
# reads for deprecation notices. In the copy, an empty UI asset directory lets Alertmanager compile:
# its API, clustering and notifications are untouched; only the browser UI is absent from these test
# binaries (the container images we deploy have it).
build_module() { # build_module <module> <version> <reported version> <package>...
  local module="$1" version="$2" reported="$3"; shift 3
  local work
  work="$(module_copy "$module" "$version")"
  if [ -d "$work/ui/app" ] && [ ! -d "$work/ui/app/dist" ]; then
    mkdir -p "$work/ui/app/dist" && echo "UI not built in this test binary" > "$work/ui/app/dist/index.html"
  fi
  # GOWORK=off: a module may ship a go.work naming directories the module zip does not include.
  (cd "$work" && GOWORK=off CGO_ENABLED=0 go build -trimpath -ldflags "$(ldflags "$reported")" -o "$bin/" "$@")
  rm -rf "$work"
}

need() { for b in "$@"; do [ -x "$bin/$b" ] || return 0; done; return 1; }

# The four builds run in parallel (downloads overlap compiles), each logging to its own file.
builds_log_dir="$cache_root/$key/logs"
mkdir -p "$builds_log_dir"
if need prometheus promtool; then
  build_start prometheus "prometheus and promtool $PROMETHEUS_VERSION, ~5 min" \
    build_module github.com/prometheus/prometheus "$PROMETHEUS_MODULE_VERSION" "$PROMETHEUS_VERSION" ./cmd/prometheus ./cmd/promtool
fi
if need alertmanager amtool; then
  build_start alertmanager "alertmanager and amtool $ALERTMANAGER_VERSION, ~2 min" \
    build_module github.com/prometheus/alertmanager "v$ALERTMANAGER_VERSION" "$ALERTMANAGER_VERSION" ./cmd/alertmanager ./cmd/amtool
fi
if need node_exporter; then
  build_start node_exporter "node_exporter $NODE_EXPORTER_VERSION, ~1 min" \
    build_module github.com/prometheus/node_exporter "v$NODE_EXPORTER_VERSION" "$NODE_EXPORTER_VERSION" .
fi
if need blackbox_exporter; then
  build_start blackbox_exporter "blackbox_exporter $BLACKBOX_EXPORTER_VERSION, ~1 min" \
    build_module github.com/prometheus/blackbox_exporter "v$BLACKBOX_EXPORTER_VERSION" "$BLACKBOX_EXPORTER_VERSION" .
fi
builds_wait

echo "$bin"
