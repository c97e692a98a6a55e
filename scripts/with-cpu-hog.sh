#!/usr/bin/env bash
# Runs a command while one busy loop per core holds the CPU, to prove that no test depends on a quiet
# machine (e.g. `bash scripts/with-cpu-hog.sh npm run test:fast`). The loops are stopped by their PIDs when
# the command ends, however it ends; the command's exit status is this script's.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 <command> [args...]" >&2; exit 2; }
hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in $(seq "$(nproc)"); do
  bash -c 'while :; do :; done' &
  hogs+=("$!")
done
echo "with-cpu-hog: ${#hogs[@]} busy loops (PIDs ${hogs[*]}) beside: $*" >&2
"$@"
