// Scrape sharding with the real Prometheus on 127.0.0.1. The config of shards 0 and 1 of 2 is rendered
// (components/prometheus/render-config.ts, `shard`), checked by `promtool check config`, and run by two
// Prometheus processes. The service job's Kubernetes discovery becomes 40 static targets that carry the
// labels discovery would attach, so the rendered relabelling (its own keeps, then the shard's hashmod keep)
// runs unchanged. A probe job with 20 probed URLs shows that probes, which all go to one blackbox address,
// are split too. Each shard's active targets, as Prometheus reports them, are disjoint from the other's and
// together they are every target. The targets need not answer: Prometheus lists the targets it scrapes
// whether they are up or not. Every process is stopped by its PID.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { prometheusContract, serviceJob } from "../../components/prometheus/contract";
import { PrometheusConfigSpec, probeJobNames, renderPrometheusConfig } from "../../components/prometheus/render-config";
import { runTool, toolPath } from "../helpers/tools";
import { freePorts, getJson, LOOPBACK, makeTempDir, pollUntil, startProcess, StartedProcess, stopAllProcesses, stopProcess, waitForHttp } from "../loopback/processes";

const MINUTE = 60_000;
const SERVICE_TARGETS = 40;
const PROBE_TARGETS = 20;
const apiJob = serviceJob("api");
const probeJob = probeJobNames.http_2xx;
const spec: PrometheusConfigSpec = {
  cluster: "loopback", environment: "dev", scrapeInterval: "15s", scrapeTimeout: "10s", evaluationInterval: "15s",
  alertmanagers: [], remoteWrite: [], rulesDir: "/nonexistent",
  kubernetes: { apiServer: false, kubelet: false, kubeletInsecureSkipVerify: false, annotated: false },
  services: [{ name: "api", namespace: "novacron", service: "api", port: 8080, path: "/metrics" }],
  blackbox: {
    namespace: "monitoring", app: "blackbox-exporter", port: "http", address: `${LOOPBACK}:1`,
    probes: [{ name: "pages", module: "http_2xx", targets: Array.from({ length: PROBE_TARGETS }, (_, i) => `https://page-${i}.novacron.example/`) }],
  },
};
/** Service endpoints on distinct loopback hosts (the job keeps port 8080), nothing listening: refused at once. */
const serviceAddresses = Array.from({ length: SERVICE_TARGETS }, (_, i) => `127.0.0.${i + 2}:8080`);

let dir: string;
const shards: { index: number; url: string; process: StartedProcess; configFile: string }[] = [];

/** The rendered shard's config on loopback: static service endpoints, its own address for the self-scrape. */
function loopbackShardConfig(index: number, webAddress: string): string {
  const config = renderPrometheusConfig({ ...spec, shard: { count: 2, index } }) as any;
  config.global.external_labels.replica = `prometheus-${index}-0`;
  config.rule_files = [];
  for (const job of config.scrape_configs) {
    if (job.job_name === prometheusContract.job) job.static_configs = [{ targets: [webAddress] }];
    if (job.job_name === apiJob) {
      delete job.kubernetes_sd_configs;
      job.static_configs = serviceAddresses.map((address, i) => ({
        targets: [address],
        labels: { __meta_kubernetes_service_name: "api", __meta_kubernetes_namespace: "novacron", __meta_kubernetes_pod_name: `api-${i}`, __meta_kubernetes_pod_node_name: "node-1" },
      }));
    }
  }
  // Only the blackbox exporter's own job goes: no exporter runs here; its probe job stays.
  config.scrape_configs = config.scrape_configs.filter((job: any) => job.kubernetes_sd_configs === undefined);
  return stringify(config);
}

beforeAll(async () => {
  dir = makeTempDir("shards");
  for (const index of [0, 1]) {
    const [port] = await freePorts(1);
    const webAddress = `${LOOPBACK}:${port}`;
    const configFile = path.join(dir, `prometheus-${index}.yml`);
    fs.writeFileSync(configFile, loopbackShardConfig(index, webAddress));
    const process = startProcess(`prometheus-shard-${index}`, toolPath("prometheus"), [
      `--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, `data-${index}`)}`, `--web.listen-address=${webAddress}`,
    ]);
    shards.push({ index, url: `http://${webAddress}`, process, configFile });
  }
  for (const shard of shards) await waitForHttp(`${shard.url}/-/ready`, { timeoutMs: 3 * MINUTE, owner: shard.process });
}, 5 * MINUTE);

afterAll(async () => {
  for (const shard of shards) await stopProcess(shard.process);
  await stopAllProcesses();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 2 * MINUTE);

test("promtool check config accepts each shard's rendered config, as rendered and as run here", () => {
  for (const index of [0, 1]) {
    const rendered = path.join(dir, `rendered-${index}.yml`);
    fs.writeFileSync(rendered, stringify(renderPrometheusConfig({ ...spec, shard: { count: 2, index } })));
    for (const file of [rendered, shards[index].configFile]) {
      const result = runTool("promtool", ["check", "config", file]);
      expect({ file, status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ file, status: 0, output: expect.any(String) });
    }
    expect(parse(fs.readFileSync(rendered, "utf8")).global.external_labels.shard).toBe(String(index));
  }
});

/** The active targets of a job on a shard, by what identifies them (the service address, or the probed URL). */
async function activeTargets(url: string, job: string): Promise<string[]> {
  const body = await getJson(`${url}/api/v1/targets?state=active`);
  return body.data.activeTargets.filter((t: any) => t.labels.job === job).map((t: any) => t.labels.instance).sort();
}

test.each([
  [apiJob, serviceAddresses],
  [probeJob, spec.blackbox!.probes[0].targets],
])("the shards split %s: disjoint, each with a share, together every target", async (job, all) => {
  // Discovery of static targets is applied within seconds of start; poll until both shards report the job.
  const [zero, one] = await pollUntil(async () => {
    const found = await Promise.all(shards.map((s) => activeTargets(s.url, job)));
    return found[0].length + found[1].length === all.length ? found : undefined;
  }, { timeoutMs: 2 * MINUTE, intervalMs: 1_000, describe: () => `the two shards do not report ${all.length} ${job} targets between them` });
  expect(zero.filter((t) => one.includes(t))).toEqual([]);
  expect([...zero, ...one].sort()).toEqual([...all].sort());
  // hashmod spreads them: each shard has a real share (for 40 and 20 targets, far from all or none).
  expect(zero.length).toBeGreaterThan(all.length / 5);
  expect(one.length).toBeGreaterThan(all.length / 5);
}, 3 * MINUTE);

test("each shard scrapes itself", async () => {
  for (const shard of shards) expect(await activeTargets(shard.url, prometheusContract.job)).toHaveLength(1);
});
