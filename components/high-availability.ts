// The fewest replicas the clustered apps run in production: the prod preset runs them, the stack's config
// validation (stacks/schema/environment.ts) holds a prod stack to them, and the policy pack every production
// stack's objects.
import { alertmanagerContract } from "./alertmanager/contract";
import { prometheusContract } from "./prometheus/contract";

/** Minimum replicas on a production stack, by the app's name (its `app.kubernetes.io/name`). */
export const minProductionReplicas = {
  [prometheusContract.name]: 2, // an HA pair, each scraping everything
  [alertmanagerContract.name]: 3, // a gossip cluster that keeps a quorum when one peer is lost
} as const;
