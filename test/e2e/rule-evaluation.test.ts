// The prod stack's whole rule set on a real Prometheus over a synthetic cluster shaped like a real one
// (test/loopback/synthetic-cluster.ts): every group evaluates without error against the label sets the
// exporters really use, every recording rule yields series (its selectors match what the jobs serve), and the
// evaluation time per cycle is reported. The ~100k-series figure and its target are bench/rule-eval.ts'.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { recordingRules } from "../../components/alerts";
import { renderToTempDir } from "../helpers/rendered";
import { getJson } from "../loopback/processes";
import { runRuleEvaluation, RuleEvaluationRun } from "../loopback/rule-evaluation";
import { clusterShape } from "../loopback/synthetic-cluster";

const MINUTE = 60_000;
let renderedDir: string;
let run: RuleEvaluationRun;
let recordedSeries: Record<string, number>;

beforeAll(async () => {
  renderedDir = renderToTempDir("prod");
  // 20 nodes, 600 pods: ~13k series; 5 s cycles so the 1m–5m windows hold data after a minute and a half.
  run = await runRuleEvaluation({
    renderedDir, shape: clusterShape(20), interval: "5s", warmupMs: 90_000, samples: 3,
    afterSampling: async (api) => Object.fromEntries(await Promise.all(recordingRules.map(async (r) => {
      const result = await getJson<{ data: { result: unknown[] } }>(api(`/api/v1/query?query=${encodeURIComponent(r.record)}`), 30_000);
      return [r.record, result.data.result.length] as const;
    }))),
  });
  recordedSeries = run.afterSampling as Record<string, number>;
  const total = run.cycleSeconds.map((s) => `${(s * 1000).toFixed(1)} ms`).join(", ");
  console.log(`rule evaluation over ${run.servedSeries} served series (${run.headSeries} in the head), ${run.groups.length} groups, `
    + `${run.groups.reduce((n, g) => n + g.rules, 0)} rules: per ${run.evaluationIntervalSeconds} s cycle ${total}; `
    + `peak RSS ${run.peakRssMiB.toFixed(0)} MiB; jobs with nothing synthesised: ${run.unservedJobs.join(", ") || "none"}`);
}, 10 * MINUTE);

test("every rendered rule group is loaded and evaluated, every rule healthy, no evaluation failure", () => {
  const rendered = fs.readdirSync(path.join(renderedDir, "prometheus", "rules")).filter((f) => f.endsWith(".yml"))
    .flatMap((f) => (parse(fs.readFileSync(path.join(renderedDir, "prometheus", "rules", f), "utf8")) as { groups: { name: string; rules: unknown[] }[] }).groups
      .map((g) => `${f}/${g.name}/${g.rules.length}`));
  expect(run.groups.map((g) => `${g.file}/${g.name}/${g.rules}`).sort()).toEqual(rendered.sort());
  expect(run.ruleErrors).toEqual([]);
  expect(run.groups.filter((g) => g.health.join() !== "ok").map((g) => `${g.name}: ${g.health}`)).toEqual([]);
  expect(run.ruleEvaluationFailures).toBe(0);
  expect(run.cycleSeconds.every((s) => s > 0)).toBe(true);
});

test("the synthetic cluster is the size asked for, and Prometheus holds it", () => {
  expect(run.servedSeries).toBeGreaterThan(10_000);
  expect(run.headSeries).toBeGreaterThanOrEqual(run.servedSeries);
  for (const job of ["node-exporter", "cadvisor", "kube-state-metrics", "novacron-api"]) expect(run.servedJobs[job]).toBeGreaterThan(0);
});

test("every recording rule yields series: its selectors match the jobs and labels the exporters serve", () => {
  expect(Object.entries(recordedSeries).filter(([, n]) => n === 0).map(([record]) => record)).toEqual([]);
});
