// The stack's whole rule set on a real Prometheus over a synthetic cluster (synthetic-cluster.ts): the rule
// files and the scrape jobs are the rendered stack's, each job's targets replaced by the synthetic server's
// path for it. Reports how long Prometheus takes to evaluate every group, per evaluation cycle.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { metricInventory, MetricSource } from "../../components/grafana/metric-inventory";
import { toolPath } from "../helpers/tools";
import { ClusterShape, startSyntheticCluster } from "./synthetic-cluster";
import { freePorts, getJson, LOOPBACK, makeTempDir, pollUntil, sleep, startProcess, stopProcess } from "./processes";

const READY_TIMEOUT_MS = 120_000;

/** The inventory sources a rendered scrape job serves; a job named like a source serves that source. */
export function sourcesOfJob(job: string): MetricSource[] {
  const sources = Object.keys(metricInventory) as MetricSource[];
  if (job === "novacron-ml-model-exporter") return ["ml-model-exporter"];
  if (job.startsWith("novacron-")) return ["novacron-services"];
  if (job.startsWith("blackbox-")) return ["blackbox-exporter"];
  if (job === "apiserver" || job === "kubelet") return sources.filter((s) => s.includes(job));
  return sources.filter((s) => s === job);
}

export interface RuleGroupFigure {
  file: string;
  name: string;
  rules: number;
  /** Seconds of the group's last evaluation, as Prometheus reports it. */
  evaluationTime: number;
  health: string[];
}

export interface RuleEvaluationRun {
  shape: ClusterShape;
  /** Series the synthetic cluster serves, and Prometheus' head series at the end. */
  servedSeries: number;
  headSeries: number;
  evaluationIntervalSeconds: number;
  /** Jobs of the rendered configuration that were served, and those with nothing to serve here. */
  servedJobs: Record<string, number>;
  unservedJobs: string[];
  /** Per sample (one per evaluation interval after warm-up): the sum of every group's last evaluation time, in seconds. */
  cycleSeconds: number[];
  groups: RuleGroupFigure[];
  ruleEvaluationFailures: number;
  missedIterations: number;
  /** Rules whose last evaluation reported an error, with it. */
  ruleErrors: string[];
  /** Prometheus' peak RSS in MiB. */
  peakRssMiB: number;
  /** What `afterSampling` returned. */
  afterSampling?: unknown;
}

export interface RuleEvaluationOptions {
  /** The rendered stack (scripts/render.ts --out). */
  renderedDir: string;
  shape: ClusterShape;
  /** Scrape and evaluation interval; default the rendered one. */
  interval?: string;
  /** How long to let data accumulate before sampling, and how many cycles to sample. */
  warmupMs: number;
  samples: number;
  /** Runs against Prometheus' API (`api(path)` is its URL) after sampling, before it stops; its result is returned. */
  afterSampling?: (api: (path: string) => string) => Promise<unknown>;
}

function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

interface RulesApi {
  data: { groups: { name: string; file: string; interval: number; evaluationTime: number; lastEvaluation: string; rules: { name: string; health: string; lastError?: string }[] }[] };
}

export async function runRuleEvaluation(options: RuleEvaluationOptions): Promise<RuleEvaluationRun> {
  const rendered = parse(fs.readFileSync(path.join(options.renderedDir, "prometheus", "prometheus.yml"), "utf8")) as {
    global: Record<string, unknown> & { evaluation_interval: string; external_labels?: Record<string, string> };
    scrape_configs: { job_name: string }[];
  };
  const work = makeTempDir("rule-eval");
  const jobs = rendered.scrape_configs.map((c) => c.job_name).filter((job) => job !== "prometheus");
  const served = Object.fromEntries(jobs.map((job) => [job, sourcesOfJob(job)]).filter(([, sources]) => sources.length > 0));
  const cluster = await startSyntheticCluster(options.shape, served);
  const [port] = await freePorts(1);
  const address = `${LOOPBACK}:${port}`;
  const interval = options.interval ?? rendered.global.evaluation_interval;
  const config = {
    global: {
      scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval,
      // The external labels as rendered, the replica's name expanded as the pod's would be.
      external_labels: { ...rendered.global.external_labels, replica: "prometheus-rule-eval-0" },
    },
    rule_files: [path.join(options.renderedDir, "prometheus", "rules", "*.yml")],
    scrape_configs: [
      { job_name: "prometheus", static_configs: [{ targets: [address] }] },
      ...Object.keys(served).map((job) => ({ job_name: job, honor_labels: true, metrics_path: `/${job}`, static_configs: [{ targets: [cluster.address] }] })),
    ],
  };
  const configFile = path.join(work, "prometheus.yml");
  fs.writeFileSync(configFile, stringify(config));
  const prometheus = startProcess("prometheus-rule-eval", toolPath("prometheus"), [
    `--config.file=${configFile}`, `--storage.tsdb.path=${path.join(work, "data")}`, `--web.listen-address=${address}`,
  ]);
  const api = (p: string) => `http://${address}${p}`;
  try {
    await pollUntil(async () => (await fetch(api("/-/ready")).then((r) => r.ok).catch(() => false)) || undefined,
      { timeoutMs: READY_TIMEOUT_MS, describe: () => `Prometheus did not become ready: ${prometheus.log().slice(-2000)}` });
    await sleep(options.warmupMs);
    const intervalMs = (await getJson<RulesApi>(api("/api/v1/rules"))).data.groups[0].interval * 1000;
    const cycleSeconds: number[] = [];
    let last: RulesApi["data"]["groups"] = [];
    for (let i = 0; i < options.samples; i++) {
      await sleep(intervalMs);
      last = (await getJson<RulesApi>(api("/api/v1/rules"), 30_000)).data.groups;
      cycleSeconds.push(last.reduce((sum, g) => sum + g.evaluationTime, 0));
    }
    const scalar = async (query: string) => {
      const r = await getJson<{ data: { result: { value: [number, string] }[] } }>(api(`/api/v1/query?query=${encodeURIComponent(query)}`), 30_000);
      return r.data.result.reduce((sum, s) => sum + Number(s.value[1]), 0);
    };
    return {
      shape: options.shape,
      servedSeries: cluster.series,
      headSeries: await scalar('prometheus_tsdb_head_series{job="prometheus"}'),
      evaluationIntervalSeconds: intervalMs / 1000,
      servedJobs: cluster.seriesPerJob,
      unservedJobs: jobs.filter((job) => !(job in served)),
      cycleSeconds,
      groups: last.map((g) => ({
        file: path.basename(g.file), name: g.name, rules: g.rules.length, evaluationTime: g.evaluationTime, health: [...new Set(g.rules.map((r) => r.health))],
      })),
      ruleEvaluationFailures: await scalar("prometheus_rule_evaluation_failures_total"),
      missedIterations: await scalar("prometheus_rule_group_iterations_missed_total"),
      ruleErrors: last.flatMap((g) => g.rules.filter((r) => r.lastError).map((r) => `${g.name}/${r.name}: ${r.lastError}`)),
      peakRssMiB: peakRssMiB(prometheus.pid),
      afterSampling: await options.afterSampling?.(api),
    };
  } finally {
    await stopProcess(prometheus);
    await cluster.stop();
  }
}
