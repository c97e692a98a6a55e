import type { ComponentContract } from "../contract";

export const nodeExporterContract = {
  name: "node-exporter",
  job: "node-exporter",
  ports: { metrics: 9100 },
} as const satisfies ComponentContract;

export const NODE_EXPORTER_PORT = nodeExporterContract.ports.metrics;

/** What node-exporter falls back on when its args leave a setting out. */
export const nodeExporterDefaults = {
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
};
