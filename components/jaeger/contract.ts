import type { ComponentContract } from "../contract";

/** Jaeger. OTLP is the primary ingest; the Jaeger protocols serve old clients. */
export const jaegerContract = {
  name: "jaeger",
  /** Its collector's own telemetry (otelcol_*) on the metrics port. */
  job: "jaeger",
  /** Every port Jaeger listens on. */
  ports: {
    otlpGrpc: 4317,
    otlpHttp: 4318,
    jaegerGrpc: 14250,
    thriftHttp: 14268,
    thriftCompact: 6831, // UDP
    thriftBinary: 6832, // UDP
    query: 16686,
    queryGrpc: 16685,
    samplingHttp: 5778,
    samplingGrpc: 5779,
    health: 13133,
    metrics: 8888,
  },
} as const satisfies ComponentContract;

export const jaegerPorts = jaegerContract.ports;
export type JaegerPortName = keyof typeof jaegerPorts;
export const UDP_PORTS: JaegerPortName[] = ["thriftCompact", "thriftBinary"];

/** What Jaeger falls back on when its args leave a setting out. */
export const jaegerDefaults = {
  replicas: 1,
  retentionDays: 7,
  memoryMaxTraces: 50_000,
  storageSize: "5Gi",
  sampling: { defaultProbability: 1, services: [] },
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
};
