import type { ComponentContract } from "../contract";

/**
 * Logstash: the http input the log shipper posts OTLP/HTTP JSON to, its monitoring API (probes; the metrics
 * sidecar reads it over loopback), and the metrics sidecar's port, scraped as job `logstash`.
 */
export const logstashContract = {
  name: "logstash",
  job: "logstash",
  ports: { otlpHttp: 8080, api: 9600, metrics: 7979 },
} as const satisfies ComponentContract;

export const LOGSTASH_HTTP_PORT = logstashContract.ports.otlpHttp;
export const LOGSTASH_API_PORT = logstashContract.ports.api;
/** json_exporter's listen port in the Logstash pod (its upstream default). */
export const LOGSTASH_METRICS_PORT = logstashContract.ports.metrics;

/** The one pipeline our Logstash runs (pipelines.yml); the metrics sidecar exports its stats by this id. */
export const LOGSTASH_PIPELINE_ID = "novacron";

/** What Logstash falls back on when its args leave a setting out. */
export const logstashDefaults = {
  replicas: 1,
  queueSize: "2Gi",
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
};

/** The metrics sidecar (json_exporter): one small Go process converting one JSON document per scrape. */
export const logstashExporterDefaults = {
  resources: { requests: { cpu: "10m", memory: "24Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
};
