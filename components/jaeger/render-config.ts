// Jaeger v2's configuration (an OpenTelemetry Collector config with Jaeger's extensions) and its sampling
// strategies, as pure functions of a typed spec.
import { JaegerPortName, jaegerPorts } from "./contract";

export type JaegerStorage =
  | { kind: "memory"; maxTraces: number }
  | { kind: "badger"; directory: string; retentionDays: number }
  | {
      kind: "elasticsearch";
      urls: string[];
      /**
       * Files (a mounted Secret) with the user name and password; the config holds only their paths. The
       * password file is re-read every minute, so a rotated password needs no restart.
       */
      userFile: string;
      passwordFile: string;
      caFile: string;
      shards: number;
      replicas: number;
    };

/** A service sampled at its own rate. */
export interface ServiceSampling {
  /** The service name as instrumented (OTel `service.name`). */
  service: string;
  /** Share of its traces kept, 0 to 1. */
  probability: number;
}

/** Head-based sampling served to clients by Jaeger's remote sampling endpoint. */
export interface SamplingSpec {
  /** Share of traces kept for services without a rate of their own, 0 to 1. */
  defaultProbability: number;
  /** Per-service rates. */
  services: ServiceSampling[];
}

export interface JaegerConfigSpec {
  storage: JaegerStorage;
  /** Path of the sampling strategies file inside the pod. */
  samplingFile: string;
  /** Address every listener binds (0.0.0.0 in the pod; 127.0.0.1 on loopback in tests). */
  listenHost: string;
  ports?: Partial<Record<JaegerPortName, number>>;
}

function backend(storage: JaegerStorage): Record<string, unknown> {
  switch (storage.kind) {
    case "memory":
      return { memory: { max_traces: storage.maxTraces } };
    case "badger":
      return {
        badger: {
          directories: { keys: `${storage.directory}/keys`, values: `${storage.directory}/values` },
          ephemeral: false,
          ttl: { spans: `${storage.retentionDays * 24}h` },
        },
      };
    case "elasticsearch": {
      // Daily indices (Jaeger's default date layout and rollover); only their size is ours to set.
      const daily = { shards: storage.shards, replicas: storage.replicas };
      return {
        elasticsearch: {
          server_urls: storage.urls,
          auth: { basic: { username: `\${file:${storage.userFile}}`, password_file: storage.passwordFile, reload_interval: "1m" } },
          tls: { ca_file: storage.caFile },
          // Jaeger installs its own index templates; the index cleaner deletes days past retention.
          create_mappings: true,
          indices: { spans: daily, services: daily, dependencies: daily, sampling: daily },
        },
      };
    }
  }
}

export function renderJaegerConfig(spec: JaegerConfigSpec): Record<string, unknown> {
  const port = (name: JaegerPortName) => spec.ports?.[name] ?? jaegerPorts[name];
  const at = (name: JaegerPortName) => ({ endpoint: `${spec.listenHost}:${port(name)}` });
  return {
    service: {
      extensions: ["jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2"],
      pipelines: {
        traces: { receivers: ["otlp", "jaeger"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] },
      },
      telemetry: {
        resource: { "service.name": "jaeger" },
        metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: spec.listenHost, port: port("metrics") } } } }] },
        logs: { level: "info", encoding: "json" },
      },
    },
    extensions: {
      healthcheckv2: { use_v2: true, http: at("health") },
      jaeger_query: { storage: { traces: "main" }, http: at("query"), grpc: at("queryGrpc") },
      jaeger_storage: { backends: { main: backend(spec.storage) } },
      remote_sampling: { file: { path: spec.samplingFile, reload_interval: "1m" }, http: at("samplingHttp"), grpc: at("samplingGrpc") },
    },
    receivers: {
      otlp: { protocols: { grpc: at("otlpGrpc"), http: at("otlpHttp") } },
      // Legacy Jaeger clients (the seed's collector and agent ports), accepted by v2's jaeger receiver.
      jaeger: { protocols: { grpc: at("jaegerGrpc"), thrift_http: at("thriftHttp"), thrift_compact: at("thriftCompact"), thrift_binary: at("thriftBinary") } },
    },
    processors: { batch: { send_batch_size: 8192, timeout: "200ms" } },
    exporters: { jaeger_storage_exporter: { trace_storage: "main" } },
  };
}

/** Jaeger's sampling strategies file: probabilistic by default, per service where configured. */
export function renderSamplingStrategies(spec: SamplingSpec): Record<string, unknown> {
  return {
    default_strategy: { type: "probabilistic", param: spec.defaultProbability },
    service_strategies: spec.services.map((s) => ({ service: s.service, type: "probabilistic", param: s.probability })),
  };
}
