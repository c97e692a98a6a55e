#!/usr/bin/env bash
# npm test: everything the project proves. Installs what it needs when missing (npm dependencies, the
# pinned Prometheus-ecosystem binaries, kubernetes-validate, the deploy layer's engine and control plane),
# type-checks once, then runs every jest project (unit + mocks, the real tools on the rendered output, end to
# end on loopback, the real Pulumi engine against a real API server on loopback) and the ML
# exporter's own tests. Extra arguments go to jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
# shellcheck source=test-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-env.sh"
# The deploy layer: the Pulumi CLI, the kubernetes provider and a control plane (first run ~15 min, in parallel).
NOVACRON_DEPLOY_TOOLS_BIN="$(bash scripts/install-deploy-tools.sh)"
export NOVACRON_DEPLOY_TOOLS_BIN

echo "== type-check (tsc --noEmit)"
node_modules/.bin/tsc --noEmit -p tsconfig.json

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
# Runs jest in a package with a JSON report, so the counts can be summed into one closing line.
run_jest() { # run_jest <dir> <report> [jest args...]
  local dir="$1" report="$2"; shift 2
  (cd "$dir" && node_modules/.bin/jest --ci --json --outputFile="$report" "$@") || status=$?
}
count() { node -e 'const r=require(process.argv[1]); console.log(process.argv[2]==="passed" ? r.numPassedTests : r.numFailedTests + r.numRuntimeErrorTestSuites)' "$1" "$2" 2>/dev/null || echo 0; }

echo "== jest (unit, tools, e2e)"
run_jest . "$tmp/root.json" "$@"
reports=("$tmp/root.json")

if [ -d exporters/ml-model ] && [ $# -eq 0 ]; then
  echo "== exporters/ml-model (its own package: type-check, build, jest)"
  (cd exporters/ml-model && { [ -x node_modules/.bin/jest ] || npm ci --no-audit --no-fund >&2; } && npm run --silent pretest) || status=$?
  run_jest exporters/ml-model "$tmp/ml.json"
  reports+=("$tmp/ml.json")
fi

passed=0; failed=0
for report in "${reports[@]}"; do
  if [ -f "$report" ]; then
    passed=$((passed + $(count "$report" passed))); failed=$((failed + $(count "$report" failed)))
  else
    failed=$((failed + 1))
  fi
done
echo "jest: ${passed} passed, ${failed} failed"
exit "$status"
