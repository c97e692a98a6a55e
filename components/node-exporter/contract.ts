import type { ComponentContract } from "../contract";

export const nodeExporterContract = {
  name: "node-exporter",
  job: "node-exporter",
  ports: { metrics: 9100 },
} as const satisfies ComponentContract;

export const NODE_EXPORTER_PORT = nodeExporterContract.ports.metrics;
