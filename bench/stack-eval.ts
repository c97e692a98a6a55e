// Cold-process evaluation of the dev and prod stacks under Pulumi's mocks: each sample is a fresh `node`
// process that runs renderStack(stack) from scripts/render.ts and exits.
//
//   npx tsx bench/stack-eval.ts [--runs N]
//
// Three ways of starting that process, because TypeScript transpilation is part of a cold start:
//   tsx          node --import tsx, with tsx's on-disk transpile cache as it is (how render.ts is run daily)
//   tsx-nocache  the same with TSX_DISABLE_CACHE=1: every file transpiled in the process (first run after a change)
//   js           the same modules transpiled beforehand (typescript.transpileModule) and run by plain node: no tsx
// Per sample: wall time (spawn → exit, measured here), and from inside the child the time from process
// start to render completion (performance.now(), whose origin is the process start), the time of the
// render alone (import of scripts/render.ts → result) and peak RSS (process.resourceUsage().maxRSS).
// Targets (prod, judged on the `tsx` variant's wall time and its peak RSS): ≤ 2 s and ≤ 400 MB.
// Exits non-zero if a target is missed or a child fails.
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";

// The child imports nothing but scripts/render.ts, so only the program is measured; the parent loads its
// helpers (process tracking, typescript) lazily.
type Helpers = typeof import("../test/loopback/processes");

const repoRoot = path.resolve(__dirname, "..");
const REPORT_TAG = "STACK_EVAL_REPORT ";
const CHILD_TIMEOUT_MS = 60_000;
const TARGETS = { stack: "prod", wallMs: 2_000, maxRssMB: 400 };

interface ChildReport {
  resources: number;
  sinceProcessStartMs: number;
  renderMs: number;
  maxRssMB: number;
}
type Sample = ChildReport & { wallMs: number };

// ---------------------------------------------------------------------------------------------------
// Child: one cold evaluation

async function child(stack: string) {
  const start = performance.now();
  const { renderStack } = await import("../scripts/render");
  const { resources } = await renderStack(stack);
  const end = performance.now();
  const report: ChildReport = {
    resources: resources.length,
    sinceProcessStartMs: end,
    renderMs: end - start,
    maxRssMB: process.resourceUsage().maxRSS / 1024, // KiB → MiB
  };
  fs.writeSync(1, `${REPORT_TAG}${JSON.stringify(report)}\n`);
  process.exit(0); // don't time whatever the mocked runtime leaves on the event loop
}

// ---------------------------------------------------------------------------------------------------
// Parent

interface Variant {
  name: string;
  args: (stack: string) => string[];
  env?: NodeJS.ProcessEnv;
}

/** The TypeScript of the program (and this file), transpiled file by file to CommonJS in `outDir`, same layout. */
function precompile(outDir: string): string {
  const ts: typeof import("typescript") = require("typescript");
  const emit = (rel: string) => {
    const source = path.join(repoRoot, rel);
    const target = path.join(outDir, rel);
    if (fs.statSync(source).isDirectory()) {
      for (const entry of fs.readdirSync(source)) if (entry !== "node_modules") emit(path.join(rel, entry));
      return;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (rel.endsWith(".ts") && !rel.endsWith(".d.ts")) {
      const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: rel,
      });
      fs.writeFileSync(target.replace(/\.ts$/, ".js"), outputText);
    } else fs.copyFileSync(source, target); // data files the program may read
  };
  for (const rel of ["components", "stacks", "scripts", path.join("bench", "stack-eval.ts")]) emit(rel);
  // render.ts reads Pulumi.<stack>.yaml from the directory above its own.
  for (const file of fs.readdirSync(repoRoot).filter((f) => /^Pulumi\..*\.yaml$/.test(f))) fs.copyFileSync(path.join(repoRoot, file), path.join(outDir, file));
  return path.join(outDir, "bench", "stack-eval.js");
}

async function sample({ now, startProcess, stopProcess, withTimeout }: Helpers, variant: Variant, stack: string): Promise<Sample> {
  const started = now();
  const p = startProcess(`stack-eval ${variant.name} ${stack}`, process.execPath, variant.args(stack), { cwd: repoRoot, env: variant.env });
  const finished = await withTimeout(p.exited, CHILD_TIMEOUT_MS);
  const wallMs = now() - started;
  if (finished === "timeout") {
    await stopProcess(p);
    throw new Error(`${p.name} did not finish within ${CHILD_TIMEOUT_MS} ms:\n${p.log()}`);
  }
  const line = p.log().split("\n").find((l) => l.startsWith(REPORT_TAG));
  if (finished.code !== 0 || !line) throw new Error(`${p.name} failed (${JSON.stringify(finished)}):\n${p.log()}`);
  return { ...(JSON.parse(line.slice(REPORT_TAG.length)) as ChildReport), wallMs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stat = (samples: Sample[], key: keyof Sample, digits = 0) =>
  `${median(samples.map((s) => s[key])).toFixed(digits)} / ${Math.max(...samples.map((s) => s[key])).toFixed(digits)}`;

async function parent(runs: number) {
  const helpers: Helpers = await import("../test/loopback/processes");
  helpers.stopAllOnSignals();
  const compiledDir = helpers.makeTempDir("stack-eval");
  const self = path.join(repoRoot, "bench", "stack-eval.ts");
  let failed = false;
  try {
    const compiledEntry = precompile(compiledDir);
    const variants: Variant[] = [
      { name: "tsx", args: (stack) => ["--import", "tsx", self, "--child", stack] },
      { name: "tsx-nocache", args: (stack) => ["--import", "tsx", self, "--child", stack], env: { TSX_DISABLE_CACHE: "1" } },
      // The compiled tree lives outside the repository: resolve packages from the repository's node_modules.
      { name: "js", args: (stack) => [compiledEntry, "--child", stack], env: { NODE_PATH: path.join(repoRoot, "node_modules") } },
    ];
    console.log(`${runs} cold process(es) per stack and variant; median / max`);
    console.log(["stack", "variant", "resources", "wall ms", "start→render ms", "render ms", "peak RSS MB"].join("\t"));
    const resourceCounts = new Map<string, number>();
    for (const stack of ["dev", "prod"]) {
      for (const variant of variants) {
        const samples: Sample[] = [];
        for (let i = 0; i < runs; i++) samples.push(await sample(helpers, variant, stack));
        // Every variant must evaluate the same program: equal resource counts.
        const counts = new Set(samples.map((s) => s.resources).concat(resourceCounts.get(stack) ?? []));
        if (counts.size !== 1) throw new Error(`${stack}/${variant.name}: resource counts differ between runs or variants: ${[...counts]}`);
        resourceCounts.set(stack, samples[0].resources);
        console.log([stack, variant.name, samples[0].resources, stat(samples, "wallMs"), stat(samples, "sinceProcessStartMs"), stat(samples, "renderMs"), stat(samples, "maxRssMB", 1)].join("\t"));
        if (stack === TARGETS.stack && variant.name === "tsx") {
          const worstWall = Math.max(...samples.map((s) => s.wallMs));
          const worstRss = Math.max(...samples.map((s) => s.maxRssMB));
          const wallOk = worstWall <= TARGETS.wallMs;
          const rssOk = worstRss <= TARGETS.maxRssMB;
          failed ||= !wallOk || !rssOk;
          console.log(`  target ${stack}: wall ≤ ${TARGETS.wallMs} ms (max ${worstWall.toFixed(0)}): ${wallOk ? "PASS" : "FAIL"}; `
            + `peak RSS ≤ ${TARGETS.maxRssMB} MB (max ${worstRss.toFixed(1)}): ${rssOk ? "PASS" : "FAIL"}`);
        }
      }
    }
  } finally {
    await helpers.stopAllProcesses();
    fs.rmSync(compiledDir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

function main(argv: string[]) {
  if (argv[0] === "--child") return child(argv[1]);
  let runs = 5;
  if (argv[0] === "--runs") runs = Number(argv[1]);
  else if (argv.length > 0) throw new Error(`unknown argument ${argv[0]}; usage: stack-eval.ts [--runs N]`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
  return parent(runs);
}

Promise.resolve().then(() => main(process.argv.slice(2))).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
