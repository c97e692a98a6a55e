// Locates the logs-and-traces tools built by scripts/install-logs-tools.sh (jaeger, regex-check,
// alloy-syntax, joni-check), cached by version, so calling the script again is cheap.
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as path from "path";
import { installedBinDir } from "./tools";

export type LogsToolName = "jaeger" | "regex-check" | "alloy-syntax" | "joni-check";

let binDir: string | undefined;

export function logsToolsBinDir(): string {
  binDir ??= installedBinDir("NOVACRON_LOGS_TOOLS_BIN", "install-logs-tools.sh");
  return binDir;
}

export function logsToolPath(name: LogsToolName): string {
  return path.join(logsToolsBinDir(), name);
}

export function runLogsTool(name: LogsToolName, args: string[], input?: string): SpawnSyncReturns<string> {
  return spawnSync(logsToolPath(name), args, { encoding: "utf8", input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
}
