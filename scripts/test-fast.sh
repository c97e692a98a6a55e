#!/usr/bin/env bash
# npm run test:fast: the inner loop. The pure, mock and real-tool layers (unit + tools): no loopback processes,
# no control plane, no type-check (swc strips types; `npm test` runs tsc and everything else). The tools come
# from the cache the installers fill; on a machine without them this first builds them (npm test's first run
# does too), after which it is fast. Extra arguments go to jest.
set -euo pipefail
# shellcheck source=test-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-env.sh"
exec node_modules/.bin/jest --selectProjects unit tools "$@"
