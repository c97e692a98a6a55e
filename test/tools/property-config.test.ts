// Properties over the whole config surface (issue 15, part 3). For every generated config (test/property/:
// generators derived from the schema, every key, valid values mixed with hostile strings, numbers,
// durations and names; secrets carrying sentinels), either
//   - the program refuses it with a StackConfigError whose every problem names a `novacron:` key, and no
//     resource was registered; or
//   - it renders, no sentinel appears outside a Secret (any encoding), no Kubernetes object is declared
//     twice, and every artifact passes its real
//     consumer: promtool (config and rules, the clouds' rules too), amtool, blackbox_exporter,
//     kubernetes-validate (oldest and newest supported Kubernetes), ECK's CRDs, Alloy's parser, Loki's
//     configuration reference and `jaeger validate`. The API server's own validation of the same kind of
//     sample is test/deploy/property-dry-run.test.ts.
// First the corpus (each failure found so far, shrunk), then every schema leaf in turn, then random mixes.
// Fixed seed; FC_SEED, FC_RUNS (mixed runs) and FC_RUNS_PER_KEY (runs per leaf) to explore more locally.
// The program runs are sequential (Pulumi's mocks are process-wide); the consumers run once per batch.
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { loadCorpus } from "../property/corpus";
import { checkTrees, consumerMs, consumerNames, RenderedTree, writeTree } from "../property/consumers";
import { GeneratedConfig, generatedConfig, generatedConfigFor, leafOverrides, leaves, stacks, toRawConfig } from "../property/generate";
import { judge, Judgement, judgeAll } from "../property/judge";
import { objectClashes, refusalProblems, runConfig, secretLeaks } from "../property/run-config";
import { pathText } from "../property/schema-walk";

const SEED = Number(process.env.FC_SEED ?? 1503);
const MIXED_RUNS = Number(process.env.FC_RUNS ?? 100);
const RUNS_PER_KEY = Number(process.env.FC_RUNS_PER_KEY ?? 1);

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "novacron-property-"));
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** Where a rendered tree came from: enough to replay it (fast-check's seed and run path) and say what it was. */
interface Origin { property: string; arbitrary: fc.Arbitrary<GeneratedConfig>; seed: number; path: string; generated: GeneratedConfig }
const rendered: { tree: RenderedTree; origin: Origin }[] = [];
const tally = { refused: 0, rendered: 0, programMs: 0 };

/**
 * The program's half of the property for every run of `arbitrary`; each rendered tree is kept for the
 * consumers. A failure here is shrunk by fast-check and reported with its counterexample.
 */
async function programProperty(property: string, arbitrary: fc.Arbitrary<GeneratedConfig>, numRuns: number, seed: number) {
  let runIndex = 0;
  let failing = false;
  await fc.assert(fc.asyncProperty(arbitrary, async (generated) => {
    const index = runIndex++;
    const start = Date.now();
    const run = await runConfig(generated);
    tally.programMs += Date.now() - start;
    try {
      if (run.error !== undefined) {
        expect(refusalProblems(generated, run)).toEqual([]);
        if (!failing) tally.refused++;
        return;
      }
      expect([...secretLeaks(generated, run), ...objectClashes(run)]).toEqual([]);
    } catch (err) {
      failing = true; // fast-check shrinks from here: the runs after this one are shrink steps, not paths to replay
      throw err;
    }
    if (failing) return;
    tally.rendered++;
    const id = `${property} #${index}`;
    rendered.push({ tree: writeTree(id, path.join(workDir, String(rendered.length)), run.files!), origin: { property, arbitrary, seed, path: String(index), generated } });
  }), { seed, numRuns });
}

describe("the corpus: every failure found so far, replayed", () => {
  const corpus = loadCorpus();
  test("the corpus is readable and each case says what failed", () => {
    for (const { file, case: c } of corpus) expect([file, typeof c.what, typeof c.failure, ["open", "fixed"].includes(c.status), typeof c.generated?.config]).toEqual([file, "string", "string", true, "object"]);
  });
  // Judged together: the programs one by one, the consumers once over every rendered case.
  let judgements: Judgement[] = [];
  beforeAll(async () => {
    judgements = await judgeAll(corpus.map(({ case: c }) => c.generated));
  }, 30 * 60_000);
  corpus.forEach(({ file, case: c }, index) => {
    // An open case must still fail: when its fix lands this reports it, and the case is marked fixed.
    (c.status === "open" ? test.failing : test)(`${file}: ${c.what}${c.status === "open" ? ` (open: ${c.fix})` : ""}`, () => {
      expect(judgements[index].problems).toEqual([]);
    });
  });
});

test("the generators cover every leaf of the schema with values the config accepts and values it refuses", () => {
  // The schema walk finds every key (a key added later is a leaf here without an edit), and each leaf's own
  // generator yields both: valid values alone would prove nothing, hostile ones alone would never render.
  expect(leaves.length).toBeGreaterThan(150);
  const lacking: string[] = [];
  const outcome = (g: GeneratedConfig) => {
    try {
      parseStackConfig(g.config, new Set(g.secretKeys));
      return "accepted";
    } catch (err) {
      if (!(err instanceof StackConfigError)) throw err;
      return "refused";
    }
  };
  leafOverrides.forEach(({ leaf }, i) => {
    // The leaf's override alone, on each preset, every secret well formed. Up to 60 samples, judged until both
    // outcomes are seen (parsing is the cost; fast-check's first 10 samples of a seed are its first 10 of 60).
    const sample = (numRuns: number) => fc.sample(fc.constantFrom(...stacks).chain((stack) => fc.tuple(fc.constant(stack), leafOverrides[i].byStack[stack])), { seed: SEED, numRuns })
      .map(([stack, override]) => toRawConfig({ stack, base: "preset only", overrides: [override], secretDeviations: [], tokenSeed: 1 }));
    const outcomes = new Set<string>();
    for (const numRuns of [10, 60]) {
      for (const g of sample(numRuns)) {
        outcomes.add(outcome(g));
        if (outcomes.size === 2) break;
      }
      if (outcomes.size === 2) break;
    }
    if (outcomes.size < 2) lacking.push(`${pathText(leaf.path)}: only ${[...outcomes].join(", ")}`);
  });
  expect(lacking).toEqual([]);
}, 10 * 60_000);

test("the consumers can fail: each refuses its artifact broken, and accepts it whole", async () => {
  // The dev stack as rendered, twice: once whole, once with one mistake per consumer.
  const base = toRawConfig({ stack: "dev", base: "stack file", overrides: [], secretDeviations: [], tokenSeed: 0 });
  const run = await runConfig(base);
  expect(run.error).toBeUndefined();
  const files = run.files!;
  const broken: Record<string, (text: string) => string> = {
    "prometheus/prometheus.yml": (t) => t.replace(/scrape_interval: \S+/, "scrape_interval: 1d1"),
    "prometheus/rules/infrastructure.yml": (t) => t.replace(/expr: /, "expr: rate("),
    "alertmanager/alertmanager.yml": (t) => t.replace(/receiver: \S+/, "receiver: nobody-by-this-name"),
    "blackbox/blackbox.yml": (t) => t.replace(/^(\s+)prober: (\S+)$/m, "$1prober: $2\n$1no_such_field: 1"),
    "kubernetes/prometheus.yaml": (t) => t.replace(/replicas: \d+/, "replicas: two"),
    "kubernetes/custom-resources/elasticsearch.yaml": (t) => t.replace(/^spec:$/m, "spec:\n  nodeSetz: []"),
    "log-shipper/config.alloy": (t) => `${t}\n}`,
    "loki/loki.yaml": (t) => `${t}\nretention_periode: 1d\n`,
    "jaeger/config.yaml": (t) => t.replace(/^extensions:$/m, "extensions:\n  no_such_extension: {}"),
    "grafana/provisioning/datasources/datasources.yaml": (t) => `${t}\n  - [unbalanced`,
  };
  const brokenFiles = { ...files };
  for (const [file, breakIt] of Object.entries(broken)) {
    expect([file, file in files]).toEqual([file, true]);
    brokenFiles[file] = breakIt(files[file]);
    expect([file, brokenFiles[file] !== files[file]]).toEqual([file, true]);
  }
  // Broken twice: each consumer checks a distinct input once, and its refusal must reach every tree holding it.
  const verdicts = checkTrees([
    writeTree("whole", path.join(workDir, "whole"), files), writeTree("broken", path.join(workDir, "broken"), brokenFiles), writeTree("broken again", path.join(workDir, "broken-again"), brokenFiles),
  ]);
  expect(verdicts.get("whole")).toEqual([]);
  const refusedBy = verdicts.get("broken")!.map((p) => p.slice(0, p.indexOf(":")));
  for (const consumer of consumerNames.filter((c) => !c.startsWith("YAML"))) expect([consumer, refusedBy.includes(consumer)]).toEqual([consumer, true]);
  expect(refusedBy.some((c) => c.startsWith("parse"))).toBe(true);
  expect(verdicts.get("broken again")!.map((p) => p.slice(0, p.indexOf(":")))).toEqual(refusedBy);
}, 10 * 60_000);

describe(`generated configs (seed ${SEED})`, () => {
  test(`every leaf of the schema in turn (${RUNS_PER_KEY} run${RUNS_PER_KEY === 1 ? "" : "s"} each, beside random other choices): refused by key with nothing registered, or rendered with no secret outside a Secret`, async () => {
    for (let i = 0; i < leafOverrides.length; i++) await programProperty(`key ${pathText(leafOverrides[i].leaf.path)}`, generatedConfigFor(i), RUNS_PER_KEY, SEED + i);
  }, 60 * 60_000);

  test(`${MIXED_RUNS} random mixes (several keys, wrong types, stray keys, equal names, raw text, odd secrets): the same`, async () => {
    await programProperty("mixed", generatedConfig, MIXED_RUNS, SEED);
  }, 60 * 60_000);

  test("every rendered artifact passes its real consumer", async () => {
    const start = Date.now();
    const verdicts = checkTrees(rendered.map((r) => r.tree));
    const consumersMs = Date.now() - start;
    const failures = rendered.filter((r) => verdicts.get(r.tree.id)!.length > 0);
    console.log([
      `property suite, seed ${SEED}: ${tally.refused + tally.rendered} configs (${leafOverrides.length} keys x ${RUNS_PER_KEY} + ${MIXED_RUNS} mixed):`,
      `${tally.refused} refused by key, ${tally.rendered} rendered; program ${Math.round(tally.programMs / 1000)} s, consumers ${Math.round(consumersMs / 1000)} s`,
      `consumers: ${consumerNames.map((c) => `${c}${consumerMs.has(c) ? ` ${Math.round(consumerMs.get(c)! / 1000)} s` : ""}`).join(", ")}`,
    ].join("\n"));
    // The property had both outcomes to judge.
    expect(tally.rendered).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
    if (failures.length > 0) {
      // The first failure, shrunk by fast-check from its run (replayed by seed and path) with the whole judgement.
      const { origin } = failures[0];
      const shrunk = await fc.check(fc.asyncProperty(origin.arbitrary, async (g) => (await judge(g)).problems.length === 0), { seed: origin.seed, path: origin.path });
      const counterexample = shrunk.counterexample?.[0] ?? origin.generated;
      throw new Error([
        `${failures.length} rendered config(s) refused by a consumer. First (${origin.property}, seed ${origin.seed}, path ${origin.path}), shrunk:`,
        JSON.stringify(counterexample, null, 2),
        ...(await judge(counterexample)).problems,
        "All:",
        ...failures.map((f) => `${f.tree.id}: ${verdicts.get(f.tree.id)!.join("\n  ").slice(0, 2000)}`),
      ].join("\n"));
    }
  }, 60 * 60_000);
});
