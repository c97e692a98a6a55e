#!/usr/bin/env bash
# Installs the pinned Python tools the tests use (kubernetes-validate: the Kubernetes API schemas, shipped
# inside the package, so validation needs no network) into a cached virtualenv. Prints its bin directory.
set -euo pipefail
KUBERNETES_VALIDATE_VERSION=1.37.0
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"
venv="$cache_root/py-kv-$KUBERNETES_VALIDATE_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "install-python-tools: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2
fi
echo "$venv/bin"
