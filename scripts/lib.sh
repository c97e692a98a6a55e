# Shared by the tool installers (source it): where the cache lives, how an installer logs, the Go toolchain
# check and where the module proxy unpacks a module. Each installer keeps its own key and build steps.

# The cache every installer keys its tools under (NOVACRON_TOOLS_CACHE moves it, e.g. to a CI cache).
cache_root="${NOVACRON_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron-tools}"

# Messages go to stderr: stdout carries only the installer's answer (its bin directory).
log() { echo "$(basename "$0" .sh): $*" >&2; }

require_go() {
  command -v go >/dev/null 2>&1 || { log "go is not installed; install Go (https://go.dev/dl) or run: apt-get install -y golang-go"; exit 1; }
}

# The directory the module proxy's zip of <module>@<version> is unpacked to (read-only).
module_dir() { go mod download -json "$1@$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'; }

# A writable copy of <module>@<version> in a new temporary directory (its path on stdout), to build in.
module_copy() { local src work; src="$(module_dir "$1" "$2")"; work="$(mktemp -d)"; cp -r "$src/." "$work/"; chmod -R u+w "$work"; echo "$work"; }
