// The dashboards against real data: the rendered dev stack's Prometheus (with its recording and alerting
// rules), Alertmanager, node_exporter and blackbox_exporter on 127.0.0.1. Every Infrastructure and Stack
// health query, as Grafana sends it, returns data, except those reading exporters that cannot run here
// (cAdvisor and kube-state-metrics need a container runtime and a Kubernetes API); which ones those are is
// computed from the metric inventory, not listed by hand. The inventory entries of the running exporters
// are checked against what they really expose.
import {
  allValues, buildDashboards, dashboardQueries, exportedMetrics, INFRASTRUCTURE_UID, interpolate, metricInventory, MetricSource, STACK_HEALTH_UID,
} from "../../components/grafana";
import { thanosContract } from "../../components/thanos/contract";
import { getJson, pollUntil, stopAllProcesses } from "../loopback/processes";
import { checkPromql } from "../helpers/promql";
import { LoopbackStack, promQuery, renderDevStack, startLoopbackStack, waitForJobUp } from "../loopback/stack";

/** Sources with no process on loopback: no container runtime for cAdvisor, no API server for kube-state-metrics, no kubelet. */
const notOnLoopback: MetricSource[] = ["cadvisor", "kube-state-metrics", "kubelet", "kube-apiserver"];
/** The dev stack runs no Thanos: the Thanos row's queries return data in test/e2e/thanos-metrics.test.ts instead. */
const readsThanos = (expr: string) => Object.values(thanosContract.jobs).some((job) => expr.includes(`job="${job}"`));

let stack: LoopbackStack;
beforeAll(async () => {
  stack = await startLoopbackStack(renderDevStack());
});
afterAll(async () => {
  await stack?.stop();
  await stopAllProcesses();
});

async function metricNames(url: string): Promise<Set<string>> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
  return new Set([...text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{| )/gm)].map((m) => m[1]));
}

describe("the inventory of the exporters running here is what they expose", () => {
  test("node_exporter, Prometheus and Alertmanager", async () => {
    // Rule groups and notification metrics exist once rules have been evaluated and Alertmanager discovered.
    await waitForJobUp(stack, "alertmanager", 60_000);
    await waitForJobUp(stack, "prometheus", 60_000);
    await pollUntil(async () => ((await metricNames(`${stack.prometheusUrl}/metrics`)).has("prometheus_rule_group_last_duration_seconds") ? true : undefined), {
      timeoutMs: 60_000, describe: () => "Prometheus has not evaluated its rule groups",
    });
    const exposed = {
      "node-exporter": await metricNames(`http://${stack.targets["node-exporter"]}/metrics`),
      prometheus: await metricNames(`${stack.prometheusUrl}/metrics`),
      alertmanager: await metricNames(`${stack.alertmanagerUrl}/metrics`),
    };
    // up and scrape_* are not exposed by Prometheus but recorded by it for every target.
    const recordedPerTarget = new Set(["up", "scrape_duration_seconds", "scrape_samples_post_metric_relabeling", "scrape_samples_scraped"]);
    // Dev's Alertmanager runs alone, without gossip; prod's three peers show the cluster series
    // (test/loopback/alerting-faults.ts reads alertmanager_cluster_members from each).
    const gossipOnly = new Set(["alertmanager_cluster_members"]);
    for (const [source, names] of Object.entries(exposed)) {
      const missing = metricInventory[source as MetricSource].metrics.filter((m) => !names.has(m)
        && !(source === "prometheus" && recordedPerTarget.has(m)) && !(source === "alertmanager" && gossipOnly.has(m)));
      expect({ source, missing }).toEqual({ source, missing: [] });
    }
    for (const metric of recordedPerTarget) expect((await promQuery(stack, `${metric}{job="prometheus"}`)).length).toBe(1);
  });

  test("blackbox_exporter: a real http_2xx probe returns the inventory's probe_* series", async () => {
    const target = encodeURIComponent(`${stack.prometheusUrl}/-/healthy`);
    const names = await metricNames(`http://${stack.targets["blackbox-exporter"]}/probe?module=http_2xx&target=${target}`);
    expect(metricInventory["blackbox-exporter"].metrics.filter((m) => !names.has(m))).toEqual([]);
  });
});

describe("every Infrastructure and Stack health panel query returns data", () => {
  const exported = exportedMetrics();
  const dashboards = buildDashboards().filter((d) => [INFRASTRUCTURE_UID, STACK_HEALTH_UID].includes(d.uid));
  const queries = dashboards.flatMap((d) => dashboardQueries(d.model).map((q) => ({ ...q, sent: interpolate(q.expr, allValues(d.model)) })));
  const parsed = checkPromql(queries.map((q, i) => ({ id: String(i), expr: q.sent })));
  /** A query needs an exporter that is not running here when one of its metrics comes only from such exporters. */
  const needsAbsentExporter = (metrics: string[]) => metrics.some((m) => (exported.get(m) ?? []).every((source) => notOnLoopback.includes(source)));
  const runnable = queries.filter((q, i) => !needsAbsentExporter(parsed[i].metrics) && !readsThanos(q.expr));
  const skipped = queries.filter((_, i) => needsAbsentExporter(parsed[i].metrics));

  test("the exception is only the container panels (cAdvisor, kube-state-metrics)", () => {
    expect(runnable.length).toBeGreaterThan(30);
    expect([...new Set(skipped.map((q) => q.panel))].sort()).toEqual([
      "CPU throttling by pod", "Container CPU by pod", "Container memory by pod", "Container restarts", "Memory use against limits", "variable namespace",
    ]);
    expect([...new Set(queries.filter((q) => readsThanos(q.expr)).map((q) => q.panel))].sort()).toEqual([
      "Bucket operations failing", "Compaction passes", "Compactor halted", "Query: HTTP requests failing", "Query: store endpoints connected",
      "Sidecars reaching Prometheus", "StoreAPI calls failing", "Time since each sidecar's last upload",
    ]);
  });

  test("each query, as Grafana sends it, returns at least one series", async () => {
    // Rates need two samples, and recorded series an evaluation after them: poll until every query has data.
    let empty: string[] = [];
    await pollUntil(async () => {
      empty = [];
      for (const q of runnable) {
        if ((await promQuery(stack, q.sent)).length === 0) empty.push(`${q.dashboard} / ${q.panel} / ${q.refId}: ${q.sent}`);
      }
      return empty.length === 0 ? true : undefined;
    }, { timeoutMs: 120_000, intervalMs: 5_000, describe: () => `queries without data:\n${empty.join("\n")}` });
    expect(empty).toEqual([]);
  }, 150_000);

  test("the threshold-carrying series hold real values in range (not just any series)", async () => {
    const cpu = await promQuery(stack, interpolate(`max(instance:node_cpu_utilisation:ratio_rate1m{instance=~"$instance"})`, { instance: ".*" }));
    expect(cpu[0].value).toBeGreaterThanOrEqual(0);
    expect(cpu[0].value).toBeLessThanOrEqual(1);
    const targets = await getJson(`${stack.prometheusUrl}/api/v1/targets?state=active`);
    const up = await promQuery(stack, "sum(up)");
    expect(up[0].value).toBe(targets.data.activeTargets.filter((t: any) => t.health === "up").length);
  });
});
