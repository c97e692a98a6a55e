#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A git worktree may share another checkout's node_modules through a symlink: never reinstall through it
# (npm ci would empty the shared folder under the other checkout's feet).
if [ -L node_modules ]; then exit 0; fi
if [ ! -x node_modules/.bin/jest ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
