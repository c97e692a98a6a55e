// Kubernetes recommended labels (app.kubernetes.io/*) for every object the stack creates.
import { imageTag } from "../images";

export const PART_OF = "novacron-monitoring";

export interface AppIdentity {
  /** The application, e.g. prometheus, alertmanager, node-exporter. */
  name: string;
  /** The instance; several of one app may run in a cluster (defaults to the name). */
  instance?: string;
  /** The role within the architecture: server, exporter, alerting, ... */
  component: string;
  /** The pinned image the workload runs; its tag becomes app.kubernetes.io/version. */
  image?: string;
}

/** Labels that select an app's pods. Immutable on workloads, so they never include the version. */
export function selectorLabels(app: AppIdentity): Record<string, string> {
  return { "app.kubernetes.io/name": app.name, "app.kubernetes.io/instance": app.instance ?? app.name };
}

/** All recommended labels for an app's objects. */
export function standardLabels(app: AppIdentity): Record<string, string> {
  return {
    ...selectorLabels(app),
    "app.kubernetes.io/component": app.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
    ...(app.image ? { "app.kubernetes.io/version": imageTag(app.image) } : {}),
  };
}
