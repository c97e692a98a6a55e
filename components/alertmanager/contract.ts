import type { ComponentContract } from "../contract";

/** Alertmanager: its pods' name, its scrape job, its API port and the gossip port (TCP and UDP) of its peers. */
export const alertmanagerContract = {
  name: "alertmanager",
  job: "alertmanager",
  ports: { web: 9093, cluster: 9094 },
} as const satisfies ComponentContract;

/** Alertmanager's --cluster.peer-timeout: its default, which the component keeps. Each peer waits this long times its position before notifying. */
export const ALERTMANAGER_PEER_TIMEOUT_SECONDS = 15;

export const ALERTMANAGER_PORT = alertmanagerContract.ports.web;
export const CLUSTER_PORT = alertmanagerContract.ports.cluster;

/** What an Alertmanager falls back on when its args leave a setting out (the stack's presets extend these). */
export const alertmanagerDefaults = {
  replicas: 1,
  storageSize: "1Gi",
  resolveTimeout: "5m",
  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
};
