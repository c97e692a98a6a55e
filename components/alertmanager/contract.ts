import type { ComponentContract } from "../contract";

/** Alertmanager: its pods' name, its scrape job, its API port and the gossip port (TCP and UDP) of its peers. */
export const alertmanagerContract = {
  name: "alertmanager",
  job: "alertmanager",
  ports: { web: 9093, cluster: 9094 },
} as const satisfies ComponentContract;

export const ALERTMANAGER_PORT = alertmanagerContract.ports.web;
export const CLUSTER_PORT = alertmanagerContract.ports.cluster;
