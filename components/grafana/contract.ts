import type { ComponentContract } from "../contract";

/** Grafana: UI, API and its own metrics on one port (scraped through the prometheus.io annotations). */
export const grafanaContract = {
  name: "grafana",
  ports: { http: 3000 },
} as const satisfies ComponentContract;

export const GRAFANA_PORT = grafanaContract.ports.http;
