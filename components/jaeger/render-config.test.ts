// Jaeger v2's config.yaml and sampling strategies: every listener on the contract's port (or a given one),
// a pipeline whose every reference resolves, and each storage backend as Jaeger reads it.
import { JaegerPortName, jaegerPorts } from "./contract";
import { JaegerConfigSpec, JaegerStorage, renderJaegerConfig, renderSamplingStrategies } from "./render-config";

const spec = (storage: JaegerStorage, more: Partial<JaegerConfigSpec> = {}): JaegerConfigSpec => ({ storage, samplingFile: "/etc/jaeger/sampling-strategies.json", listenHost: "0.0.0.0", ...more });
const render = (s: JaegerConfigSpec) => renderJaegerConfig(s) as any;
const memory: JaegerStorage = { kind: "memory", maxTraces: 50_000 };
/** Every host:port the config listens on. */
const listeners = (config: any) => [...JSON.stringify(config).matchAll(/"endpoint":"([^"]+)"/g)].map((m) => m[1]);

test("every port but the metrics one is a listener's endpoint on the listen host; metrics are served on theirs", () => {
  const config = render(spec(memory));
  const expected = (Object.keys(jaegerPorts) as JaegerPortName[]).filter((p) => p !== "metrics").map((p) => `0.0.0.0:${jaegerPorts[p]}`);
  expect(listeners(config).sort()).toEqual(expected.sort());
  expect(config.service.telemetry.metrics.readers).toEqual([{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: jaegerPorts.metrics } } } }]);
});

test("a port given in the spec moves that listener only (tests run Jaeger on free loopback ports)", () => {
  const config = render(spec(memory, { listenHost: "127.0.0.1", ports: { query: 26686 } }));
  expect(config.extensions.jaeger_query.http).toEqual({ endpoint: "127.0.0.1:26686" });
  expect(config.receivers.otlp.protocols.grpc).toEqual({ endpoint: `127.0.0.1:${jaegerPorts.otlpGrpc}` });
});

test("the pipeline's references resolve: receivers, extensions, and the storage the exporter and the query read", () => {
  const config = render(spec(memory));
  const { pipelines, extensions } = config.service;
  expect(pipelines.traces.receivers.every((r: string) => r in config.receivers)).toBe(true);
  expect(pipelines.traces.processors.every((p: string) => p in config.processors)).toBe(true);
  expect(pipelines.traces.exporters.every((e: string) => e in config.exporters)).toBe(true);
  expect(extensions.every((e: string) => e in config.extensions)).toBe(true);
  const backends = Object.keys(config.extensions.jaeger_storage.backends);
  expect(backends).toContain(config.exporters.jaeger_storage_exporter.trace_storage);
  expect(backends).toContain(config.extensions.jaeger_query.storage.traces);
  expect(config.extensions.remote_sampling.file).toEqual({ path: "/etc/jaeger/sampling-strategies.json", reload_interval: "1m" });
});

test("memory keeps a bounded number of traces; badger keeps them for the retention, on the volume", () => {
  expect(render(spec(memory)).extensions.jaeger_storage.backends.main).toEqual({ memory: { max_traces: 50_000 } });
  expect(render(spec({ kind: "badger", directory: "/badger", retentionDays: 7 })).extensions.jaeger_storage.backends.main).toEqual({
    badger: { directories: { keys: "/badger/keys", values: "/badger/values" }, ephemeral: false, ttl: { spans: "168h" } },
  });
});

test("elasticsearch: credentials and CA as files (the user name through Jaeger's ${file:} expansion), daily indices sized", () => {
  const es = render(spec({
    kind: "elasticsearch", urls: ["https://logs-es-http.monitoring.svc:9200"], userFile: "/etc/es-user/username", passwordFile: "/etc/es-user/password",
    caFile: "/etc/es-ca/ca.crt", shards: 3, replicas: 1,
  })).extensions.jaeger_storage.backends.main.elasticsearch;
  expect(es.server_urls).toEqual(["https://logs-es-http.monitoring.svc:9200"]);
  expect(es.auth).toEqual({ basic: { username: "${file:/etc/es-user/username}", password_file: "/etc/es-user/password", reload_interval: "1m" } });
  expect(es.tls).toEqual({ ca_file: "/etc/es-ca/ca.crt" });
  for (const kind of ["spans", "services", "dependencies", "sampling"]) expect(es.indices[kind]).toEqual({ shards: 3, replicas: 1 });
});

test("sampling: probabilistic by default, each listed service at its own rate", () => {
  expect(renderSamplingStrategies({ defaultProbability: 0.1, services: [{ service: "novacron-api", probability: 1 }] })).toEqual({
    default_strategy: { type: "probabilistic", param: 0.1 },
    service_strategies: [{ service: "novacron-api", type: "probabilistic", param: 1 }],
  });
});
