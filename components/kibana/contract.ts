import type { ComponentContract } from "../contract";

/** Kibana (run by ECK), over HTTPS. */
export const kibanaContract = {
  name: "kibana",
  ports: { http: 5601 },
} as const satisfies ComponentContract;

export const KIBANA_PORT = kibanaContract.ports.http;

/** What Kibana falls back on when its args leave a setting out. */
export const kibanaDefaults = {
  replicas: 1,
  resources: { requests: { cpu: "200m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
};
