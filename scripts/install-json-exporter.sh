#!/usr/bin/env bash
# Builds the pinned json_exporter (prometheus-community, Apache-2.0: the LICENSE at the module root;
# test/tools/go-licences.test.ts checks every module it links) from the Go module proxy, into a cache directory
# keyed by version, like scripts/install-thanos.sh (a second run costs nothing). Prints the bin directory on
# stdout. It is the Logstash pod's metrics sidecar; the loopback proof (test/e2e/logstash-metrics.test.ts) runs
# it with our rendered config. Its own cache key, so adding it rebuilds none of the other tools.
# Cold build on 2 cores: about a minute.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

bin="$cache_root/json-exporter-${JSON_EXPORTER_VERSION}/bin"
mkdir -p "$bin"
require_go

build_json_exporter() {
  local work; work="$(module_copy github.com/prometheus-community/json_exporter "v$JSON_EXPORTER_VERSION")"
  # `--version` reports the pinned version, as upstream's release builds set it.
  (cd "$work" && GOWORK=off CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$JSON_EXPORTER_VERSION" \
    -o "$bin/json_exporter.tmp.$$" .)
  rm -rf "$work"
  mv "$bin/json_exporter.tmp.$$" "$bin/json_exporter"
}

builds_log_dir="$(dirname "$bin")/logs"
mkdir -p "$builds_log_dir"
[ -x "$bin/json_exporter" ] || build_start json_exporter "json_exporter $JSON_EXPORTER_VERSION, ~1 min" build_json_exporter
builds_wait
echo "$bin"
