import type { ComponentContract } from "../contract";

/** The log shipper (Grafana Alloy): its HTTP server serves health and its UI. */
export const logShipperContract = {
  name: "log-shipper",
  ports: { http: 12345 },
} as const satisfies ComponentContract;

export const ALLOY_HTTP_PORT = logShipperContract.ports.http;
