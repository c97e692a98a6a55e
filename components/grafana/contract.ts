import type { ComponentContract } from "../contract";

/** Grafana: UI, API and its own metrics (/metrics) on one port, scraped as job `grafana`. */
export const grafanaContract = {
  name: "grafana",
  job: "grafana",
  ports: { http: 3000 },
} as const satisfies ComponentContract;

export const GRAFANA_PORT = grafanaContract.ports.http;

/** What a Grafana falls back on when its args leave a setting out (the stack's presets extend these). */
export const grafanaDefaults = {
  replicas: 1,
  storageSize: "2Gi",
  databasePort: 5432,
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
};
