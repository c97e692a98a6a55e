import type { ComponentContract } from "../contract";

/** Logstash: the http input the log shipper posts OTLP/HTTP JSON to, and its monitoring API (probes). */
export const logstashContract = {
  name: "logstash",
  ports: { otlpHttp: 8080, api: 9600 },
} as const satisfies ComponentContract;

export const LOGSTASH_HTTP_PORT = logstashContract.ports.otlpHttp;
export const LOGSTASH_API_PORT = logstashContract.ports.api;

/** What Logstash falls back on when its args leave a setting out. */
export const logstashDefaults = {
  replicas: 1,
  queueSize: "2Gi",
  resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
};
