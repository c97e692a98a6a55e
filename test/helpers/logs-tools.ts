// Locates the logs-and-traces tools built by scripts/install-logs-tools.sh (jaeger, regex-check,
// alloy-syntax), cached by version, so calling the script again is cheap.
import { execFileSync, spawnSync, SpawnSyncReturns } from "child_process";
import * as path from "path";

export type LogsToolName = "jaeger" | "regex-check" | "alloy-syntax";

const repoRoot = path.resolve(__dirname, "..", "..");
let binDir: string | undefined;

export function logsToolsBinDir(): string {
  binDir ??= process.env.NOVACRON_LOGS_TOOLS_BIN
    ?? execFileSync("bash", [path.join(repoRoot, "scripts", "install-logs-tools.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return binDir;
}

export function logsToolPath(name: LogsToolName): string {
  return path.join(logsToolsBinDir(), name);
}

export function runLogsTool(name: LogsToolName, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(logsToolPath(name), args, { encoding: "utf8", input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
}
