import type { ComponentContract } from "../contract";

/** Kibana (run by ECK), over HTTPS. */
export const kibanaContract = {
  name: "kibana",
  ports: { http: 5601 },
} as const satisfies ComponentContract;

export const KIBANA_PORT = kibanaContract.ports.http;
