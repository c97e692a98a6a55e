import type { ComponentContract } from "../contract";

/** The log shipper (Grafana Alloy): its HTTP server serves health, its UI and its own metrics (/metrics). */
export const logShipperContract = {
  name: "log-shipper",
  job: "log-shipper",
  ports: { http: 12345 },
} as const satisfies ComponentContract;

export const ALLOY_HTTP_PORT = logShipperContract.ports.http;

/** What the log shipper falls back on when its args leave a setting out. */
export const logShipperDefaults = {
  multilineMaxWait: "3s",
  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
};
