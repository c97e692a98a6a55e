// The Thanos metric inventory (components/grafana/metric-inventory.ts) against the real pinned thanos binary on
// 127.0.0.1: a Prometheus with its sidecar, a Store Gateway, Query over both, and a compactor that keeps
// running (--wait), each scraped on its own HTTP port after Query has served an instant and a range query
// (the request and gRPC client counters exist once a request has been made). Every metric the inventory lists
// for a role must be in that role's exposition: the alerts select each metric on the job of such a role.
// A monitoring Prometheus then scrapes every role under its job (thanosContract.jobs) and the Thanos alerts'
// expressions are evaluated on what it holds: quiet on the healthy setup, and ThanosQueryStoreEndpointsMissing
// names a second Query that is connected to the sidecar only, not to the Store Gateway that is up.
// Every process is stopped by its PID.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { buildAlertCatalog, fullScope } from "../../components/alerts";
import { allValues, buildDashboards, dashboardQueries, interpolate, metricInventory, STACK_HEALTH_UID, thanosMetricsByRole } from "../../components/grafana";
import { thanosContract, ThanosRole } from "../../components/thanos/contract";
import { toolPath } from "../helpers/tools";
import { thanosCompactArgs } from "../../components/thanos/render-args";
import { freePorts, LOOPBACK, pollUntil, startProcess, StartedProcess, stopAllProcesses, stopProcess, waitForHttp } from "../loopback/processes";
import { instantQuery, startThanosLoopback, ThanosLoopback, thanosPath } from "../loopback/thanos";

const MINUTE = 60_000;
let lb: ThanosLoopback;
let compactor: StartedProcess | undefined;
let monitor: StartedProcess | undefined;
let monitorUrl: string;
const metricsUrls = {} as Record<ThanosRole, string>;
/** host:port of the second Query, connected to the sidecar only. */
let partialQuery: string;
const thanosAlerts = buildAlertCatalog({}, fullScope).filter((a) => a.name.startsWith("Thanos"));

beforeAll(async () => {
  lb = await startThanosLoopback({ replicas: 1, scrapeIntervalSeconds: 1 });
  const store = await lb.startStore();
  const query = await lb.startQuery([lb.replicas[0].sidecarGrpc, store.grpc!]);
  const [compactPort] = await freePorts(1);
  const compactAddress = `${LOOPBACK}:${compactPort}`;
  compactor = startProcess("thanos-compact-metrics", thanosPath(), thanosCompactArgs({
    // Passes a few seconds apart, so the pass counter grows while the test runs.
    httpAddress: compactAddress, dataDir: path.join(lb.dir, "compact-metrics"), objstoreConfigFile: lb.objstoreFile, wait: true, waitInterval: "5s",
  }));
  await waitForHttp(`http://${compactAddress}/-/ready`, { timeoutMs: 3 * MINUTE, owner: compactor });
  // An instant and a range query through Query: its HTTP handlers and its gRPC calls to both endpoints.
  await pollUntil(async () => ((await instantQuery(query.url, "up")).length > 0 ? true : undefined), {
    timeoutMs: 3 * MINUTE, intervalMs: 1_000, describe: () => "Query returned no up series",
  });
  const now = Math.floor(Date.now() / 1000);
  const range = await fetch(`${query.url}/api/v1/query_range?query=up&start=${now - 60}&end=${now}&step=15`, { signal: AbortSignal.timeout(60_000) });
  expect(range.status).toBe(200);
  Object.assign(metricsUrls, {
    sidecar: `http://${LOOPBACK}:${lb.replicas[0].ports[1]}/metrics`,
    query: `${query.url}/metrics`,
    store: `${store.url}/metrics`,
    compact: `http://${compactAddress}/metrics`,
  });

  const partial = await lb.startQuery([lb.replicas[0].sidecarGrpc]);
  partialQuery = partial.url.replace("http://", "");
  const hostOf = (url: string) => url.replace(/^http:\/\//, "").replace(/\/metrics$/, "");
  const [monitorPort] = await freePorts(1);
  monitorUrl = `http://${LOOPBACK}:${monitorPort}`;
  const monitorConfig = path.join(lb.dir, "monitor.yml");
  fs.writeFileSync(monitorConfig, stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s" },
    scrape_configs: (Object.keys(thanosContract.jobs) as ThanosRole[]).map((role) => ({
      job_name: thanosContract.jobs[role],
      static_configs: [{ targets: [hostOf(metricsUrls[role]), ...(role === "query" ? [partialQuery] : [])] }],
    })),
  }));
  monitor = startProcess("prometheus-monitor", toolPath("prometheus"), [
    `--config.file=${monitorConfig}`, `--storage.tsdb.path=${path.join(lb.dir, "monitor-data")}`, `--web.listen-address=${LOOPBACK}:${monitorPort}`,
  ]);
  await waitForHttp(`${monitorUrl}/-/ready`, { timeoutMs: 3 * MINUTE, owner: monitor });
}, 10 * MINUTE);

afterAll(async () => {
  if (monitor) await stopProcess(monitor);
  if (compactor) await stopProcess(compactor);
  await lb?.stop();
  await stopAllProcesses();
}, 5 * MINUTE);

async function exposedNames(url: string): Promise<Set<string>> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).text();
  return new Set([...text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{| )/gm)].map((m) => m[1]));
}

const missingFrom = (names: Set<string>, listed: readonly string[]) => listed.filter((m) => !names.has(m));

test.each(Object.keys(thanosMetricsByRole) as ThanosRole[])("thanos %s exposes every metric the inventory lists for it", async (role) => {
  const names = await exposedNames(metricsUrls[role]);
  // A real exposition, not an error page: the build info every Thanos role has.
  expect(names.has("thanos_build_info")).toBe(true);
  expect({ role, missing: missingFrom(names, thanosMetricsByRole[role]) }).toEqual({ role, missing: [] });
}, 2 * MINUTE);

test("the inventory's thanos source is exactly the roles' lists, and the check catches a name a role lacks", async () => {
  expect([...metricInventory.thanos.metrics].sort()).toEqual([...new Set(Object.values(thanosMetricsByRole).flat())].sort());
  // Negative controls: a misspelt name, and a real metric of another role (the compactor has no Query counters).
  expect(missingFrom(await exposedNames(metricsUrls.sidecar), ["thanos_shipper_upload_failure_total"])).toEqual(["thanos_shipper_upload_failure_total"]);
  expect(missingFrom(await exposedNames(metricsUrls.compact), ["thanos_store_nodes_grpc_connections"])).toEqual(["thanos_store_nodes_grpc_connections"]);
}, 2 * MINUTE);

describe("the Thanos alerts' expressions on what a Prometheus scrapes from the real roles", () => {
  const expressionOf = (name: string) => thanosAlerts.find((a) => a.name === name)!.expr;
  const jobsUp = `count(up{job=~"${Object.values(thanosContract.jobs).join("|")}"} == 1)`;

  beforeAll(async () => {
    // Every target up (five: two Queries) and two passes of the compactor in the monitor's samples.
    await pollUntil(async () => {
      const [up] = await instantQuery(monitorUrl, jobsUp);
      const [passes] = await instantQuery(monitorUrl, `increase(thanos_compact_iterations_total{job="${thanosContract.jobs.compact}"}[1h])`);
      return Number(up?.values[0][1]) === 5 && Number(passes?.values[0][1]) > 0 ? true : undefined;
    }, { timeoutMs: 3 * MINUTE, intervalMs: 1_000, describe: () => "the monitor does not see five Thanos targets up and a growing pass counter" });
  }, 4 * MINUTE);

  test("there are ten of them, and each reads series that exist here", async () => {
    expect(thanosAlerts).toHaveLength(10);
    // Every metric an expression names has series in the monitor (under the jobs the expressions select on).
    for (const metric of metricInventory.thanos.metrics) {
      expect({ metric, series: (await instantQuery(monitorUrl, `count(${metric}{job=~"thanos-.*"})`)).length }).toEqual({ metric, series: 1 });
    }
  });

  test("on the healthy setup every expression is empty, except the missing endpoint of the Query that lacks the Store Gateway", async () => {
    const results = Object.fromEntries(await Promise.all(thanosAlerts.map(async (a) => [a.name, (await instantQuery(monitorUrl, a.expr)).map((s) => s.metric)] as const)));
    const { ThanosQueryStoreEndpointsMissing: missing, ...others } = results;
    expect(Object.entries(others).filter(([, series]) => series.length > 0)).toEqual([]);
    expect(missing).toEqual([{ job: thanosContract.jobs.query, instance: partialQuery }]);
  });

  test("every query of Stack health's Thanos row, as Grafana sends it, returns data here", async () => {
    const health = buildDashboards().find((d) => d.uid === STACK_HEALTH_UID)!;
    const thanosJob = new RegExp(`job="(${Object.values(thanosContract.jobs).join("|")})"`);
    const queries = dashboardQueries(health.model).filter((q) => thanosJob.test(q.expr)).map((q) => ({ ...q, sent: interpolate(q.expr, allValues(health.model)) }));
    expect(new Set(queries.map((q) => q.panel)).size).toBe(8);
    let empty: string[] = [];
    await pollUntil(async () => {
      empty = [];
      for (const q of queries) if ((await instantQuery(monitorUrl, q.sent)).length === 0) empty.push(`${q.panel} / ${q.refId}: ${q.sent}`);
      return empty.length === 0 ? true : undefined;
    }, { timeoutMs: 2 * MINUTE, intervalMs: 2_000, describe: () => `queries without data:\n${empty.join("\n")}` });
    // The healthy setup: every sidecar reaches Prometheus, nothing fails, the compactor runs.
    const value = async (panel: string) => Number((await instantQuery(monitorUrl, queries.find((q) => q.panel === panel)!.sent))[0].values[0][1]);
    expect(await value("Sidecars reaching Prometheus")).toBe(1);
    expect(await value("Compactor halted")).toBe(0);
    expect(await value("Query: HTTP requests failing")).toBe(0);
  }, 3 * MINUTE);

  test("negative control: the endpoints expression with the Store Gateway left out of the expected count names neither Query", async () => {
    const sidecarsOnly = expressionOf("ThanosQueryStoreEndpointsMissing").replace(`|${thanosContract.jobs.store}`, "");
    expect(sidecarsOnly).not.toBe(expressionOf("ThanosQueryStoreEndpointsMissing"));
    expect(await instantQuery(monitorUrl, sidecarsOnly)).toEqual([]);
  });
});
