# Sourced by npm test and npm run test:fast: the npm dependencies and the tools the unit and tools layers run
# (installed when missing, cached), their bin directories exported for the tests.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
NOVACRON_TOOLS_BIN="$(bash scripts/install-tools.sh)"
export NOVACRON_TOOLS_BIN
bash scripts/install-python-tools.sh >/dev/null
NOVACRON_LOGS_TOOLS_BIN="$(bash scripts/install-logs-tools.sh)"
export NOVACRON_LOGS_TOOLS_BIN
# Thanos (the licence check and the loopback proof): ~12 min cold, seconds once cached.
NOVACRON_THANOS_BIN="$(bash scripts/install-thanos.sh)"
export NOVACRON_THANOS_BIN
# json_exporter, the Logstash pod's metrics sidecar (the loopback proof of its config): ~1 min cold.
NOVACRON_JSON_EXPORTER_BIN="$(bash scripts/install-json-exporter.sh)"
export NOVACRON_JSON_EXPORTER_BIN
