#!/usr/bin/env bash
# npm run bench: every benchmark, each printing its figures and exiting non-zero when it misses its target.
#   stack-eval   cold-process evaluation time and peak RSS of the dev and prod stacks under mocks
#   node-down    time from stopping node_exporter to the NodeDown notification (real binaries, loopback)
#   ml-exporter  the ML model exporter against json_exporter (scrapes/s, p50/p99, RSS)
#   faults       time-to-notify under faults: Alertmanager peer loss, receiver outage, Prometheus restarts,
#                probe target down, ML service/exporter down, bad config reloads (real binaries, loopback)
#   deploy       the real Pulumi engine against a real API server on loopback: preview/up of dev and prod,
#                a one-threshold update, peak RSS; the mock render beside them
#   thanos-query the dashboards' queries through Thanos Query against Prometheus directly (p50/p99, RSS;
#                two replicas with sidecars on loopback)
#   rule-eval    the prod rule set's evaluation time per cycle over a synthetic ~100k-series cluster (real Prometheus)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
NOVACRON_TOOLS_BIN="$(bash scripts/install-tools.sh)"
export NOVACRON_TOOLS_BIN
which=("${@:-stack-eval node-down ml-exporter faults deploy thanos-query rule-eval}")
for bench in ${which[*]}; do
  echo "== bench: $bench"
  case "$bench" in
    stack-eval) node_modules/.bin/tsx bench/stack-eval.ts ;;
    node-down) node_modules/.bin/tsx bench/node-down.ts ;;
    ml-exporter) bash bench/ml-exporter/run.sh ;;
    faults) node_modules/.bin/tsx bench/faults.ts ;;
    deploy) NOVACRON_DEPLOY_TOOLS_BIN="$(bash scripts/install-deploy-tools.sh)" node_modules/.bin/tsx bench/deploy.ts ;;
    thanos-query) NOVACRON_THANOS_BIN="$(bash scripts/install-thanos.sh)" node_modules/.bin/tsx bench/thanos-query.ts ;;
    rule-eval) node_modules/.bin/tsx bench/rule-eval.ts ;;
    *) echo "unknown benchmark $bench" >&2; exit 2 ;;
  esac
done
