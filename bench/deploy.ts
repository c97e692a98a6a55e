// The real Pulumi engine against a real API server on 127.0.0.1 (the deploy layer's setup, test/deploy):
// wall time and peak RSS of `up` and `preview` for dev and prod (clouds off; ELK with the ECK chart served on
// loopback), and of a one-threshold update; the mock render (npm run render) of each stack beside them.
//
//   npx tsx bench/deploy.ts [--runs N]
//
// Peak RSS is the largest sum, sampled every 100 ms, over the operation's process tree: the Node process
// that runs the program, the Pulumi CLI and the provider plugins (the control plane is not counted).
// Targets on 2 cores: dev `up` from scratch ≤ 30 s; a one-threshold `preview` ≤ 10 s. Exits non-zero if missed.
import * as fs from "fs";
import { performance } from "perf_hooks";
import { serveEckChart } from "../test/deploy/chart-repo";
import { discover, waitUntilGone } from "../test/deploy/cluster";
import { startControlPlane } from "../test/deploy/control-plane";
import { engineStack, EngineStack, prodCloudsOffConfig } from "../test/deploy/engine";
import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import { stopAllOnSignals } from "../test/loopback/processes";

const TARGETS = { devUpMs: 30_000, thresholdPreviewMs: 10_000 };

/** Every descendant of `root`, from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const visit = (pid: number) => (children.get(pid) ?? []).forEach((c) => { out.push(c); visit(c); });
  visit(root);
  return out;
}

function rssMB(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `fn`, sampling the RSS of this process' descendants other than `exclude` (and theirs). */
async function measure<T>(exclude: number[], fn: () => Promise<T>): Promise<{ value: T; ms: number; peakMB: number }> {
  const excluded = () => new Set(exclude.flatMap((pid) => [pid, ...descendants(pid)]));
  let peakMB = 0;
  const timer = setInterval(() => {
    const skip = excluded();
    const total = descendants(process.pid).filter((pid) => !skip.has(pid)).reduce((sum, pid) => sum + rssMB(pid), 0);
    peakMB = Math.max(peakMB, total);
  }, 100);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, peakMB };
  } finally {
    clearInterval(timer);
  }
}

/** `npm run render -- <stack>` (its script), asynchronously so the RSS sampler keeps running. */
function render(stack: string): Promise<void> {
  const repoRoot = path.resolve(__dirname, "..");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `novacron-bench-render-${stack}-`));
  return new Promise((resolve, reject) => execFile(path.join(repoRoot, "node_modules", ".bin", "tsx"), [path.join(repoRoot, "scripts", "render.ts"), stack, "--out", out], { cwd: repoRoot }, (err) => {
    fs.rmSync(out, { recursive: true, force: true });
    if (err) reject(err); else resolve();
  }));
}

const fmt = (r: { ms: number; peakMB: number }) => `${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.peakMB.toFixed(0).padStart(5)} MB`;

async function main() {
  stopAllOnSignals();
  const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 1;
  const rows: [string, { ms: number; peakMB: number }][] = [];
  const failures: string[] = [];
  for (let run = 1; run <= runs; run++) {
    const cp = await startControlPlane();
    const repo = await serveEckChart();
    const control = cp.processes.map((p) => p.pid);
    try {
      for (const stack of ["dev", "prod"] as const) {
        rows.push([`${stack}: mock render (npm run render)`, await measure(control, () => render(stack))]);
        const s: EngineStack = engineStack({ stack, kubeconfigPath: cp.kubeconfigPath });
        await s.setConfig(stack === "dev"
          ? [{ key: "novacron:webhookUrl", value: "https://hooks.example.com/bench", secret: true }, { key: "novacron:elk.operatorChartRepository", value: repo.url, path: true }]
          : prodCloudsOffConfig(repo.url));
        const preview0 = await measure(control, () => s.must("preview"));
        rows.push([`${stack}: preview from scratch`, preview0]);
        const up = await measure(control, () => s.must("up"));
        rows.push([`${stack}: up from scratch (${up.value.changeSummary?.create} created)`, up]);
        if (stack === "dev" && up.ms > TARGETS.devUpMs) failures.push(`dev up ${up.ms.toFixed(0)} ms > ${TARGETS.devUpMs} ms`);
        await s.must("up"); // settles the chart's unused default provider (test/deploy/README.md)
        rows.push([`${stack}: preview, no change`, await measure(control, () => s.must("preview"))]);
        await s.setConfig([{ key: "novacron:alerts.HighCPUUsage.threshold", value: String(0.85 + run / 100), path: true }]);
        const preview = await measure(control, () => s.must("preview"));
        rows.push([`${stack}: preview, one threshold`, preview]);
        if (preview.ms > TARGETS.thresholdPreviewMs) failures.push(`${stack} one-threshold preview ${preview.ms.toFixed(0)} ms > ${TARGETS.thresholdPreviewMs} ms`);
        rows.push([`${stack}: up, one threshold`, await measure(control, () => s.must("up"))]);
        // Both stacks use the same namespaces: the next one starts on an empty cluster.
        rows.push([`${stack}: destroy`, await measure(control, () => s.must("destroy"))]);
        await waitUntilGone(cp, await discover(cp), ["monitoring", "monitoring-host", "elastic-system"].map((name) => ({ apiVersion: "v1", kind: "Namespace", name })));
      }
    } finally {
      await repo.close();
      await cp.stop();
    }
  }
  console.log("operation                                      wall     peak RSS (CLI + providers + program)");
  for (const [name, r] of rows) console.log(`${name.padEnd(44)} ${fmt(r)}`);
  console.log(`targets: dev up ≤ ${TARGETS.devUpMs / 1000} s, one-threshold preview ≤ ${TARGETS.thresholdPreviewMs / 1000} s`);
  if (failures.length) {
    console.error(`missed: ${failures.join("; ")}`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
