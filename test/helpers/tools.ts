// Locates the pinned Prometheus-ecosystem binaries installed by scripts/install-tools.sh (cached by
// version, so calling the script again is cheap) and runs them.
import { execFileSync, spawnSync, SpawnSyncReturns } from "child_process";
import * as path from "path";

export type ToolName = "prometheus" | "promtool" | "alertmanager" | "amtool" | "node_exporter" | "blackbox_exporter";

const repoRoot = path.resolve(__dirname, "..", "..");
let binDir: string | undefined;

/**
 * The bin directory an install script prints (installing on first use; the scripts cache by version), unless
 * `npm test` already ran it and passed the directory in `envVar`.
 */
export function installedBinDir(envVar: string, script: string): string {
  return process.env[envVar]
    ?? execFileSync("bash", [path.join(repoRoot, "scripts", script)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** The directory holding the pinned binaries; installs them on first use. */
export function toolsBinDir(): string {
  binDir ??= installedBinDir("NOVACRON_TOOLS_BIN", "install-tools.sh");
  return binDir;
}

export function toolPath(name: ToolName): string {
  return path.join(toolsBinDir(), name);
}

/** Runs a tool to completion (killed after `timeoutMs`, default 10 minutes: a loaded machine must not fail a check) and returns its exit status and output. */
export function runTool(name: ToolName, args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(toolPath(name), args, { encoding: "utf8", cwd: options.cwd, input: options.input, timeout: options.timeoutMs ?? 10 * 60_000 });
}
