#!/usr/bin/env bash
# npm run test:fast: the inner loop. The pure, mock and real-tool layers (unit + tools): no loopback processes,
# no control plane, no type-check (swc strips types; `npm test` runs tsc and everything else). The tools come
# from the cache the installers fill; on a machine without them this first builds them (npm test's first run
# does too), after which it is fast. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
NOVACRON_TOOLS_BIN="$(bash scripts/install-tools.sh)"
export NOVACRON_TOOLS_BIN
bash scripts/install-python-tools.sh >/dev/null
NOVACRON_LOGS_TOOLS_BIN="$(bash scripts/install-logs-tools.sh)"
export NOVACRON_LOGS_TOOLS_BIN
exec node_modules/.bin/jest --selectProjects unit tools "$@"
