// The dashboards' cluster and environment variables on loopback, both ways Grafana can be deployed. Two
// "clusters", each a real Prometheus (the rendered dev stack's recording and alerting rules; external labels
// cluster, environment and replica) scraping its own node_exporter and itself, with a Thanos sidecar; one
// Thanos Query over both sidecars.
//   - Single-cluster Grafana reads one Prometheus: the variables list no values (external labels are not on
//     stored series), All is what Grafana sends, and it matches the series that lack the labels.
//   - Multi-cluster Grafana reads Thanos Query: the variables list both clusters and environments (clusters
//     narrowed by the environment); every query with one cluster selected returns the same series as that
//     cluster's Prometheus under All; under All it answers for both without a matching error; a cluster that
//     does not exist returns nothing.
// The queries are every Infrastructure and Stack health query whose metrics come from what runs here
// (node_exporter, Prometheus and its rules), computed from the metric inventory.
import * as fs from "fs";
import * as path from "path";
import {
  allValues, buildDashboards, dashboardQueries, exportedMetrics, INFRASTRUCTURE_UID, interpolate, MetricSource, scopeLabels, STACK_HEALTH_UID,
} from "../../components/grafana";
import { checkPromql } from "../helpers/promql";
import { renderToTempDir } from "../helpers/rendered";
import { getJson, pollUntil, stopAllProcesses } from "../loopback/processes";
import { instantQuery, Series, startThanosLoopback, ThanosLoopback, ThanosRole } from "../loopback/thanos";

const MINUTE = 60_000;
const { cluster: CLUSTER, environment: ENVIRONMENT } = scopeLabels;
const stacks = [{ cluster: "eu-1", environment: "dev" }, { cluster: "us-1", environment: "prod" }];
const running: MetricSource[] = ["node-exporter", "prometheus", "prometheus-rules"];
/** Prometheus' per-Alertmanager notification series exist only with an Alertmanager configured; none is here. */
const needsAlertmanager = (q: { panel: string }) => q.panel === "Prometheus → Alertmanager";

const loopbacks: ThanosLoopback[] = [];
let query: ThanosRole;
let rendered: string;
beforeAll(async () => {
  rendered = renderToTempDir("dev");
  const rulesDir = path.join(rendered, "prometheus", "rules");
  const ruleFiles = fs.readdirSync(rulesDir).filter((f) => f.endsWith(".yml")).map((f) => path.join(rulesDir, f));
  for (const s of stacks) {
    loopbacks.push(await startThanosLoopback({ replicas: 1, scrapeIntervalSeconds: 1, blockDuration: "2h", ruleFiles, cluster: s.cluster, externalLabels: { [ENVIRONMENT]: s.environment } }));
  }
  query = await loopbacks[0].startQuery(loopbacks.map((lb) => lb.replicas[0].sidecarGrpc));
}, 10 * MINUTE);
afterAll(async () => {
  for (const lb of loopbacks) await lb.stop();
  if (rendered) fs.rmSync(rendered, { recursive: true, force: true });
  await stopAllProcesses();
}, 5 * MINUTE);

const prometheusOf = (i: number) => loopbacks[i].replicas[0].url;
const exported = exportedMetrics();
const dashboards = buildDashboards().filter((d) => [INFRASTRUCTURE_UID, STACK_HEALTH_UID].includes(d.uid));
const all = dashboards.flatMap((d) => dashboardQueries(d.model).filter((q) => q.panelType !== "variable").map((q) => ({ ...q, model: d.model })));
const parsed = checkPromql(all.map((q, i) => ({ id: String(i), expr: interpolate(q.expr, allValues(q.model)) })));
const runnable = all.filter((_, i) => parsed[i].metrics.every((m) => (exported.get(m) ?? []).some((source) => running.includes(source))));
type Q = (typeof runnable)[number];
const sent = (q: Q, values: Record<string, string> = {}) => interpolate(q.expr, { ...allValues(q.model), ...values });
const label = (q: Q) => `${q.dashboard} / ${q.panel} / ${q.refId}`;
const select = (i: number) => ({ [CLUSTER]: stacks[i].cluster, [ENVIRONMENT]: stacks[i].environment });

/** Label values as Grafana's label_values(<selector>, <label>) asks for them. */
async function labelValues(baseUrl: string, name: string, selector: string): Promise<string[]> {
  const body = await getJson(`${baseUrl}/api/v1/label/${name}/values?${new URLSearchParams({ "match[]": selector })}`);
  return body.data;
}

test("the variables list nothing on a Prometheus (external labels are not stored), and both clusters and environments on Thanos Query", async () => {
  await pollUntil(async () => ((await labelValues(query.url, CLUSTER, "up")).length === stacks.length ? true : undefined), { timeoutMs: 3 * MINUTE, describe: () => "Query does not list both clusters" });
  const variables = dashboards[0].model.templating!.list!;
  const selectorOf = (name: string, environment = ".*") =>
    interpolate(/^label_values\((.+),\s*\w+\)$/.exec(String(variables.find((v) => v.name === name)!.query))![1], { [ENVIRONMENT]: environment });
  for (const i of stacks.keys()) {
    expect(await labelValues(prometheusOf(i), ENVIRONMENT, selectorOf(ENVIRONMENT))).toEqual([]);
    expect(await labelValues(prometheusOf(i), CLUSTER, selectorOf(CLUSTER))).toEqual([]);
  }
  expect(await labelValues(query.url, ENVIRONMENT, selectorOf(ENVIRONMENT))).toEqual(stacks.map((s) => s.environment).sort());
  expect(await labelValues(query.url, CLUSTER, selectorOf(CLUSTER))).toEqual(stacks.map((s) => s.cluster).sort());
  // The cluster variable follows the environment selected.
  for (const s of stacks) expect(await labelValues(query.url, CLUSTER, selectorOf(CLUSTER, s.environment))).toEqual([s.cluster]);
}, 5 * MINUTE);

test("every query: each cluster's Prometheus under All and Query with that cluster selected agree; All on Query answers for both; an unknown cluster gets nothing", async () => {
  expect(runnable.length).toBeGreaterThan(30);
  const unknown = { [CLUSTER]: "elsewhere" };
  const clustersIn = (series: Series[]) => new Set(series.map((s) => s.metric[CLUSTER]));
  let problems: string[] = [];
  let withData = 0;
  // Rates need samples and recorded series an evaluation after them: compare until every query agrees.
  await pollUntil(async () => {
    problems = [];
    withData = 0;
    for (const q of runnable) {
      const counts: number[] = [];
      for (const i of stacks.keys()) {
        const local = await instantQuery(prometheusOf(i), sent(q));
        const viaQuery = await instantQuery(query.url, sent(q, select(i)));
        counts.push(local.length);
        if (i === 0 && local.length > 0) withData++;
        if (local.length === 0 && !needsAlertmanager(q)) problems.push(`${label(q)}: no data on ${stacks[i].cluster}'s Prometheus under All`);
        if (viaQuery.length !== local.length) problems.push(`${label(q)}: ${local.length} series on ${stacks[i].cluster}'s Prometheus, ${viaQuery.length} through Query with it selected`);
        if ([...clustersIn(viaQuery)].some((c) => c !== undefined && c !== stacks[i].cluster)) problems.push(`${label(q)}: another cluster's series with ${stacks[i].cluster} selected`);
      }
      // All on Query: an error (e.g. a join meeting both clusters' series) throws; series that keep the cluster
      // label are each cluster's own, side by side.
      const both = await instantQuery(query.url, sent(q));
      if (both.length > 0 && both.every((s) => s.metric[CLUSTER] !== undefined) && both.length !== counts.reduce((a, b) => a + b, 0)) {
        problems.push(`${label(q)}: ${both.length} series under All, not ${counts.join(" + ")}`);
      }
      const elsewhere = await instantQuery(query.url, sent(q, unknown));
      const fallback = /or vector\(0\)$/.test(q.expr);
      if (fallback ? elsewhere.some((s) => Object.keys(s.metric).length > 0) : elsewhere.length > 0) problems.push(`${label(q)}: data for a cluster that does not exist`);
    }
    return problems.length === 0 ? true : undefined;
  }, { timeoutMs: 4 * MINUTE, intervalMs: 5_000, describe: () => `disagreements:\n${problems.join("\n")}` });
  expect(problems).toEqual([]);
  expect(withData).toBe(runnable.filter((q) => !needsAlertmanager(q)).length);
}, 6 * MINUTE);

test("series through Query carry the external labels the variables select on, a Prometheus' own do not; a join without cluster in it meets both clusters", async () => {
  const [viaQuery] = await instantQuery(query.url, `up{job="prometheus", ${CLUSTER}="${stacks[0].cluster}"}`);
  expect(viaQuery.metric).toMatchObject(select(0));
  const [local] = await instantQuery(prometheusOf(0), `up{job="prometheus"}`);
  expect(local.metric).not.toHaveProperty(CLUSTER);
  expect(local.metric).not.toHaveProperty(ENVIRONMENT);
  // Negative controls: a fixed cluster matcher finds nothing on a Prometheus, the All regex finds its series;
  // and on Query, a per-job join without the cluster meets both clusters' "prometheus" job and fails.
  expect(await instantQuery(prometheusOf(0), `up{job="prometheus", ${CLUSTER}="${stacks[0].cluster}"}`)).toEqual([]);
  expect(await instantQuery(prometheusOf(0), `up{job="prometheus", ${CLUSTER}=~".*"}`)).toHaveLength(1);
  await expect(instantQuery(query.url, `max by (job) (up) * on (job) group_left () up`)).rejects.toThrow(/many-to-many|multiple matches|duplicate/i);
  expect(await instantQuery(query.url, `max by (${CLUSTER}, job) (up) * on (${CLUSTER}, job) group_left () max by (${CLUSTER}, job) (up)`)).toHaveLength(2 * 2);
}, 2 * MINUTE);
