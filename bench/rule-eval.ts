// Rule evaluation time of the prod stack's whole rule set on a real Prometheus (the pinned binary) scraping a
// synthetic mid-size cluster of about 100k active series (test/loopback/synthetic-cluster.ts: nodes, pods,
// containers, workloads and services with the label sets their exporters use), at the rendered scrape and
// evaluation interval. After a warm-up that fills the rate windows, it samples each cycle's total: the sum
// of every rule group's last evaluation time as Prometheus reports it (/api/v1/rules).
//
//   npx tsx bench/rule-eval.ts [--nodes N] [--warmup SECONDS] [--samples N]
//
// Target: every cycle's total ≤ 10% of the evaluation interval. Exits non-zero if missed, or if any rule
// fails to evaluate.
import { renderToTempDir } from "../test/helpers/rendered";
import { stopAllOnSignals, stopAllProcesses } from "../test/loopback/processes";
import { runRuleEvaluation } from "../test/loopback/rule-evaluation";
import { clusterShape } from "../test/loopback/synthetic-cluster";

const TARGET_SHARE = 0.1;

function parseArgs(argv: string[]) {
  // 75 nodes × 30 pods serve ~100k series with today's inventory (the run prints the exact count; more
  // metrics in the inventory mean more series per node).
  const options = { nodes: 75, warmup: 300, samples: 8 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, "") as keyof typeof options;
    if (!(key in options)) throw new Error(`unknown argument ${argv[i]}; usage: rule-eval.ts [--nodes N] [--warmup SECONDS] [--samples N]`);
    options[key] = Number(argv[++i]);
    if (!Number.isFinite(options[key]) || options[key] < (key === "warmup" ? 0 : 1)) throw new Error(`--${key} takes a positive number`);
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  stopAllOnSignals();
  const renderedDir = renderToTempDir("prod");
  const run = await runRuleEvaluation({ renderedDir, shape: clusterShape(options.nodes), warmupMs: options.warmup * 1000, samples: options.samples });
  const sorted = [...run.cycleSeconds].sort((a, b) => a - b);
  const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
  const budget = TARGET_SHARE * run.evaluationIntervalSeconds;
  const worst = sorted[sorted.length - 1];
  console.log(`cluster: ${run.shape.nodes} nodes, ${run.shape.nodes * run.shape.podsPerNode} pods, ${run.shape.namespaces} namespaces`);
  console.log(`series: ${run.servedSeries} served by the synthetic exporters, ${run.headSeries} in Prometheus' head`);
  console.log(`jobs served: ${Object.entries(run.servedJobs).map(([job, n]) => `${job} ${n}`).join(", ")}`);
  console.log(`jobs with nothing synthesised here: ${run.unservedJobs.join(", ") || "none"}`);
  console.log(`rules: ${run.groups.reduce((n, g) => n + g.rules, 0)} in ${run.groups.length} groups, every ${run.evaluationIntervalSeconds} s`);
  console.log(`evaluation per cycle over ${sorted.length} cycles: p50 ${ms(sorted[Math.floor(sorted.length / 2)])}, max ${ms(worst)} `
    + `(${((worst / run.evaluationIntervalSeconds) * 100).toFixed(2)}% of the interval; target ≤ ${ms(budget)})`);
  console.log("slowest groups (last cycle):");
  for (const g of [...run.groups].sort((a, b) => b.evaluationTime - a.evaluationTime).slice(0, 5)) console.log(`  ${g.file} ${g.name} (${g.rules} rules): ${ms(g.evaluationTime)}`);
  console.log(`Prometheus peak RSS: ${run.peakRssMiB.toFixed(0)} MiB; evaluation failures: ${run.ruleEvaluationFailures}; missed iterations: ${run.missedIterations}`);
  const failed = run.ruleEvaluationFailures > 0 || run.ruleErrors.length > 0;
  if (failed) console.log(`rule errors:\n  ${run.ruleErrors.join("\n  ")}`);
  const met = worst <= budget && !failed;
  console.log(met ? "target met" : "TARGET MISSED");
  process.exitCode = met ? 0 : 1;
}

main().catch((err) => { console.error(err); process.exitCode = 1; }).finally(stopAllProcesses);
