import type { ComponentContract } from "../contract";

/** kube-state-metrics: the objects' metrics on httpMetrics (scraped), its own on telemetry. */
export const kubeStateMetricsContract = {
  name: "kube-state-metrics",
  job: "kube-state-metrics",
  ports: { httpMetrics: 8080, telemetry: 8081 },
} as const satisfies ComponentContract;

export const KSM_PORT = kubeStateMetricsContract.ports.httpMetrics;
export const KSM_TELEMETRY_PORT = kubeStateMetricsContract.ports.telemetry;

/** What kube-state-metrics falls back on when its args leave a setting out. */
export const kubeStateMetricsDefaults = {
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
};
