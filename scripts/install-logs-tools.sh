#!/usr/bin/env bash
# Builds the logs-and-traces tools the tests run, from the Go module proxy, into a cache directory keyed by
# version (like scripts/install-tools.sh; a second run costs nothing). Prints the bin directory on stdout.
#   jaeger        Jaeger v2 (cmd/jaeger, built on the OpenTelemetry Collector), started on loopback
#   regex-check   runs the log parsing rules in Go's regexp (RE2: the engine of Alloy's loki.process)
#   alloy-syntax  parses the rendered Alloy configuration with Alloy's own parser
#   joni-check    runs the log parsing rules in Joni (Logstash grok's engine): a Java runner built with javac
#                 against the pinned joni and jcodings jars from Maven Central (needs a JDK 17+ and Maven)
#   loki-configuration-<version>.md   Loki's configuration reference (a document, not a build: see below)
# Cold build on 2 cores: jaeger ~3 min (mostly downloading and compiling dependencies), joni-check ~30 s.
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
require_java

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

# joni-check lives in its own directory, keyed by the jar versions and a hash of its source (an edit rebuilds
# it); the launcher in $bin points at the current one. jackson-core is only its JSON reader and writer.
JONI_CHECK_JACKSON_CORE_VERSION=2.21.8
MAVEN_DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
joni_src="$here/../test/tools/java/joni-check"
joni_root="$cache_root/joni-check"
joni_dir="$joni_root/joni-${JONI_VERSION}_jcodings-${JCODINGS_VERSION}_jackson-core-${JONI_CHECK_JACKSON_CORE_VERSION}_src-$(cat "$joni_src"/*.java | sha256sum | cut -c1-12)"
build_joni_check() {
  mkdir -p "$joni_root"
  local work artifact; work="$(mktemp -d "$joni_root/.build.XXXXXX")"
  for artifact in "org.jruby.joni:joni:$JONI_VERSION" "org.jruby.jcodings:jcodings:$JCODINGS_VERSION" \
                  "com.fasterxml.jackson.core:jackson-core:$JONI_CHECK_JACKSON_CORE_VERSION"; do
    mvn -B -q "$MAVEN_DEPENDENCY_PLUGIN:copy" -Dartifact="$artifact" -DoutputDirectory="$work/lib"
  done
  javac --release 17 -Xlint:all -Werror -d "$work/classes" -cp "$work/lib/*" "$joni_src"/*.java
  # Another installer may have finished the same build meanwhile: keep the first.
  mv -T "$work" "$joni_dir" 2>/dev/null || rm -rf "$work"
}
write_joni_launcher() {
  local launcher="$bin/joni-check"
  # One run checks thousands of matches: the serial collector keeps it to one core's worth of GC threads.
  printf '#!/bin/sh\n# Written by scripts/install-logs-tools.sh.\nexec %s -XX:+UseSerialGC -cp %s JoniCheck "$@"\n' \
    "$(command -v java)" "'$joni_dir/classes:$joni_dir/lib/*'" >"$launcher.tmp.$$"
  chmod 755 "$launcher.tmp.$$"
  if cmp -s "$launcher.tmp.$$" "$launcher"; then rm -f "$launcher.tmp.$$"; else mv "$launcher.tmp.$$" "$launcher"; fi
}

# The builds run in parallel, each logging to its own file.
builds_log_dir="$(dirname "$bin")/logs"
mkdir -p "$builds_log_dir"
[ -x "$bin/jaeger" ] || build_start jaeger "jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION), ~3 min" build_jaeger
for helper in regex-check alloy-syntax; do
  [ -x "$bin/$helper" ] || build_start "$helper" "test/tools/go/$helper, under a minute" build_helper "$helper"
done
[ -d "$joni_dir" ] || build_start joni-check "test/tools/java/joni-check with joni $JONI_VERSION, jcodings $JCODINGS_VERSION, ~30 s" build_joni_check
builds_wait
write_joni_launcher

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
