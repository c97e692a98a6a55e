// The fewest replicas the clustered apps run in production: the stack presets hold a prod stack's config to
// it, and the policy pack every production stack's objects.

/** Minimum replicas on a production stack, by the app's name (its `app.kubernetes.io/name`). */
export const minProductionReplicas = {
  prometheus: 2, // an HA pair, each scraping everything
  alertmanager: 3, // a gossip cluster that keeps a quorum when one peer is lost
} as const;
