// The test side of test/deploy/driver.ts: a project directory and a file state backend per stack, and each
// Pulumi operation run in a fresh Node process (as a user's `pulumi` command is).
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { makeTempDir } from "../helpers/loopback";
import type { ConfigSetting, DriverRequest, DriverResult, Operation } from "./driver";
import { copyProjectFiles } from "./driver";
import { deployToolsBin } from "./tools";

const repoRoot = path.resolve(__dirname, "..", "..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");

export interface EngineStack {
  name: string;
  workDir: string;
  backendDir: string;
  run(op: Operation, extra?: Partial<DriverRequest>): Promise<DriverResult>;
  /** Runs the operation and throws with the CLI's output if it failed. */
  must(op: Operation, extra?: Partial<DriverRequest>): Promise<DriverResult>;
  setConfig(settings: ConfigSetting[]): Promise<void>;
  /** The stack's config file as the CLI wrote it. */
  stackFile(): string;
}

export function engineStack(options: { stack: string; program?: string; kubeconfigPath: string; projectDir?: string; skipAwait?: boolean }): EngineStack {
  const root = makeTempDir(`deploy-${options.stack}`);
  const workDir = path.join(root, "project");
  const backendDir = path.join(root, "state");
  fs.mkdirSync(backendDir, { recursive: true });
  copyProjectFiles(workDir, options.stack, options.projectDir);
  const base: DriverRequest = {
    op: "preview", stack: options.stack, workDir, backendDir, program: options.program ?? "index.ts",
    kubeconfigPath: options.kubeconfigPath, toolsBin: deployToolsBin(), skipAwait: options.skipAwait ?? true,
  };
  const run = (op: Operation, extra: Partial<DriverRequest> = {}) => runDriver({ ...base, ...extra, op });
  const must = async (op: Operation, extra: Partial<DriverRequest> = {}) => {
    const result = await run(op, extra);
    if (!result.ok) throw new Error(`pulumi ${op} --stack ${options.stack} failed:\n${result.error}\n${result.stdout.slice(-6000)}`);
    return result;
  };
  return {
    name: options.stack, workDir, backendDir, run, must,
    async setConfig(config) { await must("config", { config }); },
    stackFile: () => fs.readFileSync(path.join(workDir, `Pulumi.${options.stack}.yaml`), "utf8"),
  };
}

function runDriver(request: DriverRequest): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [path.join(__dirname, "driver.ts"), JSON.stringify(request)], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=4096" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.once("error", reject);
    child.once("exit", (code) => {
      const line = out.split("\n").reverse().find((l) => l.startsWith("DRIVER-RESULT "));
      if (!line) return reject(new Error(`driver exited ${code} without a result:\n${out.slice(-4000)}\n${err.slice(-4000)}`));
      resolve(JSON.parse(line.slice("DRIVER-RESULT ".length)) as DriverResult);
    });
  });
}

/** The steps of an operation that change something, as `op name(type)` strings, sorted. */
export function changes(result: DriverResult): string[] {
  return result.steps.filter((s) => s.op !== "same" && s.op !== "read").map((s) => `${s.op} ${s.type}::${s.urn.split("::").pop()}`).sort();
}
