// The dashboards' cluster and environment variables on loopback, both ways Grafana can be deployed: real
// Prometheus (with the rendered dev stack's recording and alerting rules, external labels cluster, environment
// and replica) scraping node_exporter and itself, with a Thanos sidecar, and Thanos Query over it.
//   - Single-cluster Grafana reads Prometheus: the variables list no values (external labels are not on stored
//     series), All is what Grafana sends, and it matches the series that lack the labels.
//   - Multi-cluster Grafana reads Thanos Query: the variables list the cluster and environment, and every query
//     with them selected returns the same series as Prometheus does under All; another cluster returns nothing.
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
import { instantQuery, startThanosLoopback, ThanosLoopback, ThanosRole } from "../loopback/thanos";

const MINUTE = 60_000;
const ENVIRONMENT = "dev";
const running: MetricSource[] = ["node-exporter", "prometheus", "prometheus-rules"];
/** Prometheus' per-Alertmanager notification series exist only with an Alertmanager configured; none is here. */
const needsAlertmanager = (q: { panel: string }) => q.panel === "Prometheus → Alertmanager";

let lb: ThanosLoopback;
let query: ThanosRole;
let rendered: string;
beforeAll(async () => {
  rendered = renderToTempDir("dev");
  const rulesDir = path.join(rendered, "prometheus", "rules");
  const ruleFiles = fs.readdirSync(rulesDir).filter((f) => f.endsWith(".yml")).map((f) => path.join(rulesDir, f));
  lb = await startThanosLoopback({ replicas: 1, scrapeIntervalSeconds: 1, blockDuration: "2h", ruleFiles, externalLabels: { [scopeLabels.environment]: ENVIRONMENT } });
  query = await lb.startQuery(lb.replicas.map((r) => r.sidecarGrpc));
}, 10 * MINUTE);
afterAll(async () => {
  await lb?.stop();
  if (rendered) fs.rmSync(rendered, { recursive: true, force: true });
  await stopAllProcesses();
}, 5 * MINUTE);

const exported = exportedMetrics();
const dashboards = buildDashboards().filter((d) => [INFRASTRUCTURE_UID, STACK_HEALTH_UID].includes(d.uid));
const all = dashboards.flatMap((d) => dashboardQueries(d.model).filter((q) => q.panelType !== "variable").map((q) => ({ ...q, model: d.model })));
const parsed = checkPromql(all.map((q, i) => ({ id: String(i), expr: interpolate(q.expr, allValues(q.model)) })));
const runnable = all.filter((_, i) => parsed[i].metrics.every((m) => (exported.get(m) ?? []).some((source) => running.includes(source))));
const sent = (q: (typeof runnable)[number], values: Record<string, string> = {}) => interpolate(q.expr, { ...allValues(q.model), ...values });
const label = (q: (typeof runnable)[number]) => `${q.dashboard} / ${q.panel} / ${q.refId}`;

/** Label values as Grafana's label_values(<selector>, <label>) asks for them. */
async function labelValues(baseUrl: string, name: string, selector: string): Promise<string[]> {
  const body = await getJson(`${baseUrl}/api/v1/label/${name}/values?${new URLSearchParams({ "match[]": selector })}`);
  return body.data;
}

test("the variables list nothing on Prometheus (external labels are not stored) and the cluster and environment on Thanos Query", async () => {
  const prometheus = lb.replicas[0].url;
  await pollUntil(async () => ((await labelValues(query.url, scopeLabels.cluster, "up")).length > 0 ? true : undefined), { timeoutMs: 3 * MINUTE, describe: () => "Query lists no cluster" });
  const variables = dashboards[0].model.templating!.list!;
  const selectorOf = (name: string) => /^label_values\((.+),\s*\w+\)$/.exec(String(variables.find((v) => v.name === name)!.query))![1];
  const environmentSelector = selectorOf(scopeLabels.environment);
  const clusterSelector = interpolate(selectorOf(scopeLabels.cluster), { [scopeLabels.environment]: ".*" });
  expect(await labelValues(prometheus, scopeLabels.environment, environmentSelector)).toEqual([]);
  expect(await labelValues(prometheus, scopeLabels.cluster, clusterSelector)).toEqual([]);
  expect(await labelValues(query.url, scopeLabels.environment, environmentSelector)).toEqual([ENVIRONMENT]);
  expect(await labelValues(query.url, scopeLabels.cluster, clusterSelector)).toEqual([lb.cluster]);
  // The cluster variable follows the environment selected.
  expect(await labelValues(query.url, scopeLabels.cluster, interpolate(selectorOf(scopeLabels.cluster), { [scopeLabels.environment]: "prod" }))).toEqual([]);
}, 5 * MINUTE);

test("every query: Prometheus under All and Thanos Query with the cluster selected return the same series; another cluster none", async () => {
  expect(runnable.length).toBeGreaterThan(30);
  const selected = { [scopeLabels.cluster]: lb.cluster, [scopeLabels.environment]: ENVIRONMENT };
  const other = { [scopeLabels.cluster]: "elsewhere", [scopeLabels.environment]: ENVIRONMENT };
  let problems: string[] = [];
  let withData = 0;
  // Rates need samples and recorded series an evaluation after them: compare until every query agrees.
  await pollUntil(async () => {
    problems = [];
    withData = 0;
    for (const q of runnable) {
      const local = await instantQuery(lb.replicas[0].url, sent(q));
      const viaQuery = await instantQuery(query.url, sent(q, selected));
      if (local.length > 0) withData++;
      else if (!needsAlertmanager(q)) problems.push(`${label(q)}: no data on Prometheus under All`);
      if (viaQuery.length !== local.length) problems.push(`${label(q)}: ${local.length} series on Prometheus, ${viaQuery.length} through Query with ${lb.cluster} selected`);
      // Series through Query carry the external labels, unless the query aggregated them away.
      const elsewhere = await instantQuery(query.url, sent(q, other));
      const fallback = /or vector\(0\)$/.test(q.expr);
      if (fallback ? elsewhere.some((s) => Object.keys(s.metric).length > 0) : elsewhere.length > 0) problems.push(`${label(q)}: data for a cluster that does not exist`);
    }
    return problems.length === 0 ? true : undefined;
  }, { timeoutMs: 4 * MINUTE, intervalMs: 5_000, describe: () => `disagreements:\n${problems.join("\n")}` });
  expect(problems).toEqual([]);
  expect(withData).toBe(runnable.filter((q) => !needsAlertmanager(q)).length);
  expect(withData).toBeGreaterThan(30);
}, 6 * MINUTE);

test("the series Query returns carry the external labels the variables select on, those on Prometheus do not", async () => {
  const [viaQuery] = await instantQuery(query.url, `up{job="prometheus"}`);
  expect(viaQuery.metric).toMatchObject({ [scopeLabels.cluster]: lb.cluster, [scopeLabels.environment]: ENVIRONMENT });
  const [local] = await instantQuery(lb.replicas[0].url, `up{job="prometheus"}`);
  expect(local.metric).not.toHaveProperty(scopeLabels.cluster);
  expect(local.metric).not.toHaveProperty(scopeLabels.environment);
  // Negative control: a fixed cluster matcher finds nothing on Prometheus; the All regex does.
  expect(await instantQuery(lb.replicas[0].url, `up{job="prometheus", cluster="${lb.cluster}"}`)).toEqual([]);
  expect(await instantQuery(lb.replicas[0].url, `up{job="prometheus", cluster=~".*"}`)).toHaveLength(1);
}, 2 * MINUTE);
