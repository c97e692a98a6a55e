// The Logstash pod's metrics sidecar, proven with the real tool: the pinned json_exporter runs on 127.0.0.1 with
// OUR rendered config and reads a Logstash stand-in serving Elastic's documented node-stats responses
// (test/fixtures/logstash/*.yaml). Every series the alerts and the dashboard use must come out with the labels
// they select on and the fixture's values, and `promtool check metrics` must accept the exposition. Stopped by PID.
//
// What this leaves unproven: that Logstash 9.4.3 itself emits exactly the documented fields (the stand-in is
// Elastic's API specification, not a running Logstash).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { parse } from "yaml";
import { imageTag, images } from "../../components/images";
import { lastLineRuleGrokId } from "../../components/log-parsing";
import { LOGSTASH_PIPELINE_ID, logstashContract } from "../../components/logstash/contract";
import {
  LOGSTASH_FILTER_PLUGIN_LABELS, LOGSTASH_EXPORTER_MODULE, LOGSTASH_STATS_URL, logstashMetrics, LOGSTASH_PIPELINE_LABEL, renderLogstashExporterConfig,
} from "../../components/logstash/render-exporter-config";
import { metricInventory } from "../../components/grafana/metric-inventory";
import { jsonExporterPath } from "../helpers/json-exporter";
import { renderToTempDir } from "../helpers/rendered";
import { runTool } from "../helpers/tools";
import { freePorts, LOOPBACK, makeTempDir, startProcess, StartedProcess, stopAllProcesses, stopProcess, waitForHttp } from "../loopback/processes";

const fixtureDir = path.join(__dirname, "..", "fixtures", "logstash");
const readFixture = (name: string) => parse(fs.readFileSync(path.join(fixtureDir, name), "utf8"));
/** Elastic's documented responses: GET /_node/stats (a memory-queue pipeline) and GET /_node/stats/pipelines (a persisted queue, a grok filter). */
const nodeStats = readFixture("node-stats.yaml");
const pipelineStats = readFixture("node-stats-pipelines.yaml");
const fixturePipelines = [...new Set([...Object.keys(nodeStats.pipelines), ...Object.keys(pipelineStats.pipelines)])];

let standIn: http.Server;
let standInPort: number;
let exporter: StartedProcess;
let exporterPort: number;
let rendered: string;

/** One exposition line: name, labels, value. */
interface Sample { name: string; labels: Record<string, string>; value: number }
function parseExposition(text: string): Sample[] {
  return text.split("\n").filter((l) => l && !l.startsWith("#")).map((line) => {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    return { name: m[1], labels, value: Number(m[3]) };
  });
}

async function probe(target: string): Promise<{ status: number; body: string }> {
  const url = `http://${LOOPBACK}:${exporterPort}/probe?module=${LOGSTASH_EXPORTER_MODULE}&target=${encodeURIComponent(target)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  return { status: response.status, body: await response.text() };
}
const standInUrl = (p: string) => `http://${LOOPBACK}:${standInPort}${p}`;

beforeAll(async () => {
  // The stand-in: Logstash's monitoring API as the sidecar sees it, serving the documented responses as JSON.
  standIn = http.createServer((req, res) => {
    const body = req.url === "/_node/stats" ? nodeStats : req.url === "/_node/stats/pipelines" ? pipelineStats : undefined;
    if (req.url === "/broken") { res.writeHead(500).end("{}"); return; }
    if (!body) { res.writeHead(404).end(); return; }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => standIn.listen(0, LOOPBACK, resolve));
  standInPort = (standIn.address() as AddressInfo).port;

  // Our config, for the stand-in's pipeline ids (the deployed one names ours; the test below loads it too).
  const dir = makeTempDir("json-exporter");
  const configFile = path.join(dir, "config.yml");
  fs.writeFileSync(configFile, renderLogstashExporterConfig({ pipelines: fixturePipelines }));
  [exporterPort] = await freePorts(1);
  exporter = startProcess("json_exporter", jsonExporterPath(), [`--config.file=${configFile}`, `--web.listen-address=${LOOPBACK}:${exporterPort}`]);
  await waitForHttp(`http://${LOOPBACK}:${exporterPort}/metrics`, { timeoutMs: 60_000, owner: exporter });
  rendered = renderToTempDir("dev");
}, 10 * 60_000); // first run builds json_exporter (~1 min cold)

afterAll(async () => {
  if (exporter) await stopProcess(exporter);
  await stopAllProcesses();
  await new Promise<void>((resolve) => (standIn ? standIn.close(() => resolve()) : resolve()));
  if (rendered) fs.rmSync(rendered, { recursive: true, force: true });
}, 60_000);

test("the binary is the pinned version, the one the image runs", () => {
  const pinned = /^JSON_EXPORTER_VERSION=(.+)$/m.exec(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "versions.env"), "utf8"))![1];
  expect(imageTag(images.jsonExporter)).toBe(`v${pinned}`);
  const version = spawnSync(jsonExporterPath(), ["--version"], { encoding: "utf8", timeout: 60_000 });
  expect(version.stdout + version.stderr).toContain(`json_exporter, version ${pinned} `);
});

test("the deployed config (dev render) loads in json_exporter and names our pipeline; Prometheus probes Logstash over loopback", () => {
  const configFile = path.join(rendered, "logstash", "exporter", "config.yml");
  expect(fs.readFileSync(configFile, "utf8")).toBe(renderLogstashExporterConfig({ pipelines: [LOGSTASH_PIPELINE_ID] }));
  const check = spawnSync(jsonExporterPath(), [`--config.file=${configFile}`, "--config.check"], { encoding: "utf8", timeout: 60_000 });
  expect({ status: check.status, output: check.stderr }).toEqual({ status: 0, output: expect.any(String) });
  const scrape = parse(fs.readFileSync(path.join(rendered, "prometheus", "prometheus.yml"), "utf8")).scrape_configs.find((j: any) => j.job_name === logstashContract.job);
  expect(scrape).toMatchObject({ metrics_path: "/probe", params: { module: [LOGSTASH_EXPORTER_MODULE], target: [LOGSTASH_STATS_URL] } });
  expect(LOGSTASH_STATS_URL.startsWith(`http://127.0.0.1:${logstashContract.ports.api}/`)).toBe(true);
});

describe("scraped from the stand-in's documented responses", () => {
  let node: Sample[];
  let pipelines: Sample[];
  let bodies: string[];
  beforeAll(async () => {
    const a = await probe(standInUrl("/_node/stats"));
    const b = await probe(standInUrl("/_node/stats/pipelines"));
    expect([a.status, b.status]).toEqual([200, 200]);
    bodies = [a.body, b.body];
    node = parseExposition(a.body);
    pipelines = parseExposition(b.body);
  }, 120_000);

  const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
    const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (found.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${found.length} series`);
    return found[0].value;
  };

  test("every name the alerts and dashboard use (the inventory) is exported", () => {
    const names = new Set([...node, ...pipelines].map((s) => s.name));
    expect(metricInventory.logstash.metrics.filter((m) => !names.has(m))).toEqual([]);
  });

  test("node-wide series carry the fixture's values", () => {
    const { jvm, process: proc, reloads } = nodeStats;
    const expected: [string, Record<string, string>, number][] = [
      [logstashMetrics.heapUsedPercent, {}, jvm.mem.heap_used_percent],
      [logstashMetrics.heapUsedBytes, {}, jvm.mem.heap_used_in_bytes],
      [logstashMetrics.heapMaxBytes, {}, jvm.mem.heap_max_in_bytes],
      [logstashMetrics.gcCollections, { collector: "young" }, jvm.gc.collectors.young.collection_count],
      [logstashMetrics.gcCollections, { collector: "old" }, jvm.gc.collectors.old.collection_count],
      [logstashMetrics.gcTimeMillis, { collector: "young" }, jvm.gc.collectors.young.collection_time_in_millis],
      [logstashMetrics.uptimeMillis, {}, jvm.uptime_in_millis],
      [logstashMetrics.processCpuPercent, {}, proc.cpu.percent],
      [logstashMetrics.processCpuMillis, {}, proc.cpu.total_in_millis],
      [logstashMetrics.openFileDescriptors, {}, proc.open_file_descriptors],
      [logstashMetrics.maxFileDescriptors, {}, proc.max_file_descriptors],
      [logstashMetrics.reloadFailures, {}, reloads.failures],
      [logstashMetrics.reloadSuccesses, {}, reloads.successes],
    ];
    for (const [name, labels, value] of expected) expect({ name, labels, value: valueOf(node, name, labels) }).toEqual({ name, labels, value });
  });

  test("each pipeline's series are labelled with its id and carry its values (memory and persisted queue)", () => {
    const check = (samples: Sample[], doc: any) => {
      for (const [id, p] of Object.entries<any>(doc.pipelines)) {
        const labels = { [LOGSTASH_PIPELINE_LABEL]: id };
        const expected: [string, number | undefined][] = [
          [logstashMetrics.eventsIn, p.events.in], [logstashMetrics.eventsFiltered, p.events.filtered], [logstashMetrics.eventsOut, p.events.out],
          [logstashMetrics.pipelineReloadFailures, p.reloads.failures],
          [logstashMetrics.workerUtilizationPercent, p.flow.worker_utilization.current], [logstashMetrics.queueBackpressure, p.flow.queue_backpressure.current],
          // A memory queue in /_node/stats/pipelines' example reports only its type: no series then.
          [logstashMetrics.queueEvents, p.queue.events_count], [logstashMetrics.queueSizeBytes, p.queue.queue_size_in_bytes], [logstashMetrics.queueMaxSizeBytes, p.queue.max_queue_size_in_bytes],
        ];
        for (const [name, value] of expected) {
          if (value === undefined) expect(samples.filter((s) => s.name === name && s.labels[LOGSTASH_PIPELINE_LABEL] === id)).toEqual([]);
          else expect({ id, name, value: valueOf(samples, name, labels) }).toEqual({ id, name, value });
        }
      }
    };
    check(node, nodeStats);
    check(pipelines, pipelineStats);
    // The persisted queue's fill, as LogstashQueueFillingUp divides it.
    const pq = pipelineStats.pipelines["heartbeat-ruby-stdout"].queue;
    expect(pq.type).toBe("persisted");
    expect(valueOf(pipelines, logstashMetrics.queueSizeBytes, { pipeline: "heartbeat-ruby-stdout" }) / valueOf(pipelines, logstashMetrics.queueMaxSizeBytes, { pipeline: "heartbeat-ruby-stdout" }))
      .toBeCloseTo(pq.queue_size_in_bytes / pq.max_queue_size_in_bytes, 12);
  });

  test("a filter's failures carry the plugin id and name the alert selects on; filters without failures export none", () => {
    const grok = pipelineStats.pipelines["beats-es"].plugins.filters.find((f: any) => f.name === "grok");
    const series = pipelines.filter((s) => s.name === logstashMetrics.filterFailures);
    expect(series).toEqual([{ name: logstashMetrics.filterFailures, labels: { [LOGSTASH_PIPELINE_LABEL]: "beats-es", [LOGSTASH_FILTER_PLUGIN_LABELS.id]: grok.id, [LOGSTASH_FILTER_PLUGIN_LABELS.name]: "grok" }, value: grok.failures }]);
    expect(node.filter((s) => s.name === logstashMetrics.filterFailures)).toEqual([]);
    // Our pipeline's groks have ids (rule-<name>), so the alert's plugin_id matcher is a stable string.
    expect(lastLineRuleGrokId()).toMatch(/^rule-\w+$/);
  });

  test("promtool check metrics accepts the exposition (names, types, help, units)", () => {
    for (const body of bodies) {
      const result = runTool("promtool", ["check", "metrics"], { input: body });
      expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: "" });
    }
  });
});

test("Logstash not answering (or answering 5xx) fails the scrape, so `up` is 0 and LogstashDown can fire", async () => {
  const [closed] = await freePorts(1);
  expect((await probe(`http://${LOOPBACK}:${closed}/_node/stats`)).status).toBe(503);
  expect((await probe(standInUrl("/broken"))).status).toBe(503);
  // The sidecar's own /metrics (its probes) still answers: a Logstash restart does not restart the sidecar.
  expect((await fetch(`http://${LOOPBACK}:${exporterPort}/metrics`)).status).toBe(200);
}, 120_000);
