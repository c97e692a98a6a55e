#!/usr/bin/env bash
# npm run render -- <stack> [--out DIR] [--set key=value ...]: the offline render of a stack.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
exec node_modules/.bin/tsx scripts/render.ts "$@"
