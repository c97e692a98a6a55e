// Parses PromQL with Prometheus' own parser (tools/promql-check, built by scripts/install-promql-check.sh
// against the Prometheus version the stack deploys) and reports the metric names each expression selects.
import { execFileSync, spawnSync } from "child_process";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "..", "..");
let binary: string | undefined;

export function promqlCheckPath(): string {
  binary ??= execFileSync("bash", [path.join(repoRoot, "scripts", "install-promql-check.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  return binary;
}

export interface PromqlResult {
  id: string;
  ok: boolean;
  error?: string;
  metrics: string[];
  unnamedSelectors: number;
  /** Every vector selector with its label matchers (the metric name's own matcher left out). */
  selectors: { metric: string; matchers: { name: string; type: "=" | "!=" | "=~" | "!~"; value: string }[] }[];
  /** Every aggregation's by/without list (when it has one) and every vector match's on/ignoring list. */
  groupings: { kind: "by" | "without" | "on" | "ignoring"; labels: string[] }[];
}

/** Every expression parsed in one run of the parser, results in input order. */
export function checkPromql(queries: { id: string; expr: string }[]): PromqlResult[] {
  const run = spawnSync(promqlCheckPath(), [], { input: JSON.stringify(queries), encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`promql-check failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as PromqlResult[];
}
