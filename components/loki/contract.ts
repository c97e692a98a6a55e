import type { ComponentContract } from "../contract";

/** Loki: pushes and queries over HTTP; gRPC between its own modules. */
export const lokiContract = {
  name: "loki",
  ports: { http: 3100, grpc: 9095 },
} as const satisfies ComponentContract;

export const LOKI_HTTP_PORT = lokiContract.ports.http;
export const LOKI_GRPC_PORT = lokiContract.ports.grpc;

/** What Loki falls back on when its args leave a setting out. */
export const lokiDefaults = {
  resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
};
