// The Thanos metric inventory (components/grafana/metric-inventory.ts) against the real pinned thanos binary on
// 127.0.0.1: a Prometheus with its sidecar, a Store Gateway, Query over both, and a compactor that keeps
// running (--wait), each scraped on its own HTTP port after Query has served an instant and a range query
// (the request and gRPC client counters exist once a request has been made). Every metric the inventory lists
// for a role must be in that role's exposition: the alerts select each metric on the job of such a role.
// Every process is stopped by its PID.
import * as path from "path";
import { metricInventory, thanosMetricsByRole } from "../../components/grafana";
import { ThanosRole } from "../../components/thanos/contract";
import { thanosCompactArgs } from "../../components/thanos/render-args";
import { freePorts, LOOPBACK, pollUntil, startProcess, StartedProcess, stopAllProcesses, stopProcess, waitForHttp } from "../loopback/processes";
import { instantQuery, startThanosLoopback, ThanosLoopback, thanosPath } from "../loopback/thanos";

const MINUTE = 60_000;
let lb: ThanosLoopback;
let compactor: StartedProcess | undefined;
const metricsUrls = {} as Record<ThanosRole, string>;

beforeAll(async () => {
  lb = await startThanosLoopback({ replicas: 1, scrapeIntervalSeconds: 1 });
  const store = await lb.startStore();
  const query = await lb.startQuery([lb.replicas[0].sidecarGrpc, store.grpc!]);
  const [compactPort] = await freePorts(1);
  const compactAddress = `${LOOPBACK}:${compactPort}`;
  compactor = startProcess("thanos-compact-metrics", thanosPath(), thanosCompactArgs({
    httpAddress: compactAddress, dataDir: path.join(lb.dir, "compact-metrics"), objstoreConfigFile: lb.objstoreFile, wait: true,
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
}, 10 * MINUTE);

afterAll(async () => {
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
