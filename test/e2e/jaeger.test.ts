// Jaeger v2 at the pinned version, started on 127.0.0.1 from the rendered dev configuration (listen
// addresses rewritten to loopback and free ports): an OTLP/HTTP span goes in and comes back through the
// query API; the remote sampling endpoint serves the configured strategy. Stopped by PID.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { metricInventory } from "../../components/grafana/metric-inventory";
import { jaegerPorts, JaegerPortName } from "../../components/jaeger";
import { freePorts, getJson, LOOPBACK, makeTempDir, now, pollUntil, startProcess, StartedProcess, stopAllProcesses, waitForHttp } from "../loopback/processes";
import { logsToolPath } from "../helpers/logs-tools";
import { renderToTempDir } from "../helpers/rendered";

let jaeger: StartedProcess;
const port = {} as Record<JaegerPortName, number>;
let rendered: string;
let sampling: any;

/** The rendered config with every listener on 127.0.0.1:<free port> and the sampling file beside it. */
function loopbackConfig(configYaml: string, samplingFile: string): string {
  let text = configYaml;
  for (const name of Object.keys(jaegerPorts) as JaegerPortName[]) text = text.replaceAll(`0.0.0.0:${jaegerPorts[name]}`, `${LOOPBACK}:${port[name]}`);
  const config = parse(text);
  config.service.telemetry.metrics.readers[0].pull.exporter.prometheus = { host: LOOPBACK, port: port.metrics };
  config.extensions.remote_sampling.file.path = samplingFile;
  const serialized = JSON.stringify(config);
  if (serialized.includes("0.0.0.0")) throw new Error(`a listener was not rewritten: ${serialized}`);
  return serialized; // JSON is YAML
}

beforeAll(async () => {
  rendered = renderToTempDir("dev");
  const free = await freePorts(Object.keys(jaegerPorts).length);
  (Object.keys(jaegerPorts) as JaegerPortName[]).forEach((name, i) => (port[name] = free[i]));
  const dir = makeTempDir("jaeger");
  const samplingFile = path.join(dir, "sampling-strategies.json");
  fs.copyFileSync(path.join(rendered, "jaeger", "sampling-strategies.json"), samplingFile);
  sampling = JSON.parse(fs.readFileSync(samplingFile, "utf8"));
  const configFile = path.join(dir, "config.yaml");
  fs.writeFileSync(configFile, loopbackConfig(fs.readFileSync(path.join(rendered, "jaeger", "config.yaml"), "utf8"), samplingFile));
  jaeger = startProcess("jaeger", logsToolPath("jaeger"), [`--config=file:${configFile}`]);
  await waitForHttp(`http://${LOOPBACK}:${port.health}/status`, { timeoutMs: 60_000, owner: jaeger });
}, 15 * 60_000); // first run builds jaeger (~3 min cold)

afterAll(async () => {
  await stopAllProcesses();
  if (rendered) fs.rmSync(rendered, { recursive: true, force: true });
}, 30_000);

test("the rendered dev config: OTLP, the legacy Jaeger protocols and the query API, in-memory storage", () => {
  const config = parse(fs.readFileSync(path.join(rendered, "jaeger", "config.yaml"), "utf8"));
  expect(config.service.pipelines.traces.receivers).toEqual(["otlp", "jaeger"]);
  expect(Object.keys(config.receivers.jaeger.protocols).sort()).toEqual(["grpc", "thrift_binary", "thrift_compact", "thrift_http"]);
  expect(config.extensions.jaeger_storage.backends.main).toEqual({ memory: { max_traces: 50000 } });
  expect(config.extensions.jaeger_query.http.endpoint).toBe("0.0.0.0:16686");
});

test("an OTLP/HTTP span is stored and read back through the query API", async () => {
  const traceId = "5b8efff798038103d269b633813fc60c";
  const spanId = "eee19b7ec3c1b174";
  const start = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "novacron-api" } }] },
      scopeSpans: [{
        scope: { name: "e2e" },
        spans: [{
          traceId, spanId, name: "GET /api/v1/vms", kind: 2,
          startTimeUnixNano: String(start), endTimeUnixNano: String(start + 45_000_000n),
          attributes: [{ key: "http.response.status_code", value: { intValue: "200" } }],
        }],
      }],
    }],
  };
  const sentAt = now();
  const response = await fetch(`http://${LOOPBACK}:${port.otlpHttp}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);

  const trace = await pollUntil(async () => {
    try {
      const found = await getJson(`http://${LOOPBACK}:${port.query}/api/traces/${traceId}`);
      return found.data?.[0];
    } catch { return undefined; }
  }, { timeoutMs: 30_000, describe: () => `trace ${traceId} not found\n${jaeger.log()}` });
  const readableAfterMs = now() - sentAt;
  expect(trace.traceID).toBe(traceId);
  expect(trace.spans).toHaveLength(1);
  expect(trace.spans[0]).toMatchObject({ spanID: spanId, operationName: "GET /api/v1/vms", duration: 45_000 });
  expect(trace.processes[trace.spans[0].processID].serviceName).toBe("novacron-api");
  expect(trace.spans[0].tags).toEqual(expect.arrayContaining([{ key: "http.response.status_code", type: "int64", value: 200 }]));
  const services = await getJson(`http://${LOOPBACK}:${port.query}/api/services`);
  expect(services.data).toContain("novacron-api");
  console.log(`jaeger: span readable through the query API ${readableAfterMs.toFixed(0)} ms after the OTLP export`);
});

test("remote sampling serves the rendered strategy", async () => {
  const strategy = await getJson(`http://${LOOPBACK}:${port.samplingHttp}/api/sampling?service=novacron-api`);
  // The enum is encoded by number (0) or name, depending on the marshaller.
  expect([0, "PROBABILISTIC"]).toContain(strategy.strategyType);
  expect(strategy.probabilisticSampling.samplingRate).toBe(sampling.default_strategy.param);
});

test("an unknown trace is a 404, not an empty success (the read-back above can fail)", async () => {
  const response = await fetch(`http://${LOOPBACK}:${port.query}/api/traces/00000000000000000000000000000001`);
  expect(response.status).toBe(404);
});

// After the span above went in and was stored: the collector telemetry the pipeline alerts and the dashboard
// read is what the pinned binary exposes (components/grafana/metric-inventory.ts, source "jaeger").
test("the collector's own metrics on the metrics port are the inventory's Jaeger metrics", async () => {
  const text = await (await fetch(`http://${LOOPBACK}:${port.metrics}/metrics`)).text();
  const exposed = new Set([...text.matchAll(/^(otelcol_\w+?)(?:\{| )/gm)].map((m) => m[1]));
  expect(exposed.size).toBeGreaterThan(5);
  expect(metricInventory.jaeger.metrics.filter((m) => !exposed.has(m))).toEqual([]);
  // The span was accepted by the OTLP receiver and written by the storage exporter, with nothing refused.
  const value = (series: RegExp) => Number(text.split("\n").find((l) => series.test(l))?.split(" ").pop());
  expect(value(/^otelcol_receiver_accepted_spans_total\{.*receiver="otlp"/)).toBeGreaterThanOrEqual(1);
  expect(value(/^otelcol_receiver_refused_spans_total\{.*receiver="otlp"/)).toBe(0);
  expect(value(/^otelcol_exporter_sent_spans_total\{/)).toBeGreaterThanOrEqual(1);
});
