# Shared by the tool installers (source it): where the cache lives, how an installer logs, the Go toolchain
# check and where the module proxy unpacks a module. Each installer keeps its own key and build steps.

# The cache every installer keys its tools under (NOVACRON_TOOLS_CACHE moves it, e.g. to a CI cache).
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"

# Messages go to stderr: stdout carries only the installer's answer (its bin directory).
log() { echo "$(basename "$0" .sh): $*" >&2; }

require_go() {
  command -v go >/dev/null 2>&1 || { log "go is not installed; install Go (https://go.dev/dl) or run: apt-get install -y golang-go"; exit 1; }
}

# A JDK (javac 17 or newer) and Maven, for the Java tools (jars come from Maven Central through mvn).
require_java() {
  local missing=""
  for tool in java javac mvn; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
  [ -z "$missing" ] || { log "not installed:$missing; install a JDK 17+ and Maven, e.g. apt-get install -y openjdk-17-jdk-headless maven"; exit 1; }
  local release; release="$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')"
  [ "${release:-0}" -ge 17 ] || { log "javac $release is too old: the Java tools need JDK 17 or newer"; exit 1; }
}

# The directory the module proxy's zip of <module>@<version> is unpacked to (read-only).
module_dir() { go mod download -json "$1@$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }

# A writable copy of <module>@<version> in a new temporary directory (its path on stdout), to build in.
module_copy() { local src work; src="$(module_dir "$1" "$2")"; work="$(mktemp -d)"; cp -r "$src/." "$work/"; chmod -R u+w "$work"; echo "$work"; }

# Builds in parallel, each logging to its own file, with a progress line a minute while any runs:
#   builds_log_dir=<dir>; build_start <name> "<what, expected time>" <function> [args...]; ...; builds_wait
# builds_wait reports each build as it ends and fails (with the failed log's tail) if any build failed.
build_pids=(); build_names=()
build_start() {
  local name="$1" what="$2"; shift 2
  log "building $name ($what; first run only; log: $builds_log_dir/$name.log)"
  ( "$@" >"$builds_log_dir/$name.log" 2>&1 ) & build_pids+=("$!"); build_names+=("$name")
}
all_running() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null || return 1; done; }
builds_wait() {
  local started=$SECONDS failed=0 i remaining remaining_names
  while [ "${#build_pids[@]}" -gt 0 ]; do
    remaining=(); remaining_names=()
    for i in "${!build_pids[@]}"; do
      if kill -0 "${build_pids[$i]}" 2>/dev/null; then
        remaining+=("${build_pids[$i]}"); remaining_names+=("${build_names[$i]}")
      elif wait "${build_pids[$i]}"; then
        log "built ${build_names[$i]} after $(( (SECONDS - started) / 60 )) min"
      else
        log "FAILED to build ${build_names[$i]}; last lines of $builds_log_dir/${build_names[$i]}.log:"; tail -20 "$builds_log_dir/${build_names[$i]}.log" >&2; failed=1
      fi
    done
    build_pids=("${remaining[@]+"${remaining[@]}"}"); build_names=("${remaining_names[@]+"${remaining_names[@]}"}")
    if [ "${#build_pids[@]}" -gt 0 ]; then
      # Wake when a build ends; say what is still running once a minute.
      local waited=0
      while [ "$waited" -lt 60 ] && all_running "${build_pids[@]}"; do sleep 1; waited=$((waited + 1)); done
      [ "$waited" -lt 60 ] || log "$(( (SECONDS - started) / 60 )) min: still building ${build_names[*]}"
    fi
  done
  return "$failed"
}
