#!/usr/bin/env bash
# Installs the pinned Python tools the tests use into a cached virtualenv and prints its bin directory:
# kubernetes-validate (the Kubernetes API schemas, shipped inside the package, so validation needs no
# network) and checkov (the security scanner run over the rendered manifests; its checks ship with it).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECKOV_VERSION=3.3.30
venv="$cache_root/py-kv-$KUBERNETES_VALIDATE_VERSION-checkov-$CHECKOV_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ] || [ ! -x "$venv/bin/checkov" ]; then
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and checkov $CHECKOV_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "checkov==$CHECKOV_VERSION" >&2
fi
echo "$venv/bin"
