import type { ComponentContract } from "../contract";

/** Loki: pushes and queries over HTTP; gRPC between its own modules. */
export const lokiContract = {
  name: "loki",
  ports: { http: 3100, grpc: 9095 },
} as const satisfies ComponentContract;

export const LOKI_HTTP_PORT = lokiContract.ports.http;
export const LOKI_GRPC_PORT = lokiContract.ports.grpc;
