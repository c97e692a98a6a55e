#!/usr/bin/env bash
# Installs the pinned Python tools the tests use into a cached virtualenv and prints its bin directory:
# kubernetes-validate (the Kubernetes API schemas, shipped inside the package, so validation needs no
# network) and checkov (the security scanner run over the rendered manifests; its checks ship with it).
set -euo pipefail
KUBERNETES_VALIDATE_VERSION=1.37.0
CHECKOV_VERSION=3.3.30
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"
venv="$cache_root/py-kv-$KUBERNETES_VALIDATE_VERSION-checkov-$CHECKOV_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ] || [ ! -x "$venv/bin/checkov" ]; then
  echo "install-python-tools: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and checkov $CHECKOV_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "checkov==$CHECKOV_VERSION" >&2
fi
echo "$venv/bin"
