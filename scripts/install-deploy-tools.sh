#!/usr/bin/env bash
# Installs what the deploy test layer (test/deploy) runs: the real Pulumi engine and a real Kubernetes
# control plane on 127.0.0.1. Everything is built from the Go module proxy (etcd comes from Debian), into a
# cache directory keyed by version, so a second run costs nothing. Prints the bin directory on stdout.
#   pulumi                       the Pulumi CLI at the version of our @pulumi/pulumi (pkg/v3, ./cmd/pulumi)
#   pulumi-resource-kubernetes   the kubernetes provider; the engine picks pulumi-resource-* up from PATH
#   kube-apiserver, kube-controller-manager   k8s.io/kubernetes (the controller manager's garbage collector
#                                finishes foreground deletion; its controllers create the pods admission sees)
#   etcd                         Debian's etcd-server, unpacked (no service is installed or started)
#   pulumi-resource-random       test/deploy/random-standin: a TEST-ONLY stand-in for @pulumi/random's
#                                provider, which the module proxy does not serve (see test/deploy/README.md)
# Cold build on 2 cores, in parallel: pulumi ~10 min (2 GB), the kubernetes provider ~20 min (4.6 GB),
# kube-apiserver + kube-controller-manager ~5 min. Each build's output goes to a log in the cache; a progress
# line is printed every minute while they run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=lib.sh
source "$here/lib.sh"

dir="$cache_root/deploy-pulumi-${PULUMI_VERSION}_k8s-provider-${PULUMI_KUBERNETES_VERSION}_kube-${KUBERNETES_VERSION}_etcd-${ETCD_DEBIAN_VERSION}"
bin="$dir/bin"
logs="$dir/logs"
mkdir -p "$bin" "$logs"
require_go

build_pulumi() {
  local work; work="$(module_copy github.com/pulumi/pulumi/pkg/v3 "v$PULUMI_VERSION")"
  # The module points the sdk at ../sdk, which its zip does not carry; go.mod already requires the
  # published sdk at the same version.
  (cd "$work" && go mod edit -dropreplace github.com/pulumi/pulumi/sdk/v3 \
    && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      -o "$bin/pulumi.tmp" ./cmd/pulumi)
  rm -rf "$work"; mv "$bin/pulumi.tmp" "$bin/pulumi"
}

build_kubernetes_provider() {
  local work; work="$(module_copy github.com/pulumi/pulumi-kubernetes/provider/v4 "$PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION")"
  # The schema is embedded with the version the provider reports; stamp the one @pulumi/kubernetes asks for
  # (the module's own generate step, as its Makefile runs it).
  (cd "$work" && go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 \
    && (cd cmd/pulumi-resource-kubernetes && VERSION="$PULUMI_KUBERNETES_VERSION" GOWORK=off GOFLAGS=-mod=mod go run generate.go) \
    && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" \
      -o "$bin/pulumi-resource-kubernetes.tmp" ./cmd/pulumi-resource-kubernetes)
  rm -rf "$work"; mv "$bin/pulumi-resource-kubernetes.tmp" "$bin/pulumi-resource-kubernetes"
}

build_kubernetes() {
  local work; work="$(module_copy k8s.io/kubernetes "v$KUBERNETES_VERSION")"
  local minor="${KUBERNETES_VERSION#*.}"; minor="${minor%%.*}"
  # k8s.io/kubernetes replaces its k8s.io/* dependencies with ./staging, which the module zip does not carry:
  # point each at the published module of the same release (v0.<minor>.<patch>).
  (cd "$work" && for m in $(sed -n 's#^\t\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' go.mod); do
      go mod edit -replace "$m=$m@v0.${KUBERNETES_VERSION#*.}"
    done \
    && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
      -o "$bin/" ./cmd/kube-apiserver ./cmd/kube-controller-manager)
  rm -rf "$work"
}

install_etcd() {
  # Debian's package, unpacked only: no service is installed, the tests start etcd by PID on loopback.
  local work; work="$(mktemp -d)"
  (cd "$work" && { apt-get download "etcd-server=$ETCD_DEBIAN_VERSION" >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get download "etcd-server=$ETCD_DEBIAN_VERSION" >/dev/null; }; } \
    && dpkg -x etcd-server_*.deb root && cp root/usr/bin/etcd "$bin/etcd.tmp")
  rm -rf "$work"; mv "$bin/etcd.tmp" "$bin/etcd"
}

build_random_standin() {
  (cd "$here/../test/deploy/random-standin" && GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
    -o "$bin/pulumi-resource-random.tmp" .)
  mv "$bin/pulumi-resource-random.tmp" "$bin/pulumi-resource-random"
}

builds_log_dir="$logs"
start() { # start <binary> <expected> <function>: runs the build in the background unless the binary is cached
  [ -x "$bin/$1" ] || build_start "$@"
}
start etcd "Debian etcd-server $ETCD_DEBIAN_VERSION, seconds" install_etcd
start kube-apiserver "k8s.io/kubernetes v$KUBERNETES_VERSION, ~5 min" build_kubernetes
start pulumi "pulumi v$PULUMI_VERSION, ~10 min" build_pulumi
start pulumi-resource-kubernetes "provider $PULUMI_KUBERNETES_VERSION, ~20 min" build_kubernetes_provider
# The stand-in is small and is rebuilt when its source changes (its hash is in the file name's sidecar).
standin_hash="$(cat "$here/../test/deploy/random-standin/"*.go "$here/../test/deploy/random-standin/go.mod" | sha256sum | cut -c1-16)"
if [ "$(cat "$bin/pulumi-resource-random.hash" 2>/dev/null)" != "$standin_hash" ]; then rm -f "$bin/pulumi-resource-random"; fi
start pulumi-resource-random "test-only stand-in, ~1 min" build_random_standin

builds_wait
echo "$standin_hash" > "$bin/pulumi-resource-random.hash"
echo "$bin"
