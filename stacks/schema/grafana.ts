// `grafana`: replicas, storage and who may reach the UI.
import { z } from "zod";
import { count, httpUrl, listOf, namespaceName, podLabelSelector, port, resourcesSchema, storageSize } from "./primitives";

/** Pods allowed to reach a UI, e.g. the ingress controller's (namespace and pod labels). */
const ingressPeerSchema = z.strictObject({
  namespace: namespaceName,
  podLabels: podLabelSelector,
});

export const grafanaSchema = z.strictObject({
  enabled: z.boolean(),
  replicas: count(10).describe("More than one only with a shared database (the secret novacron:grafanaDatabaseUrl)."),
  storageSize: storageSize.describe("Volume for Grafana's SQLite database and plugins when no shared database is set."),
  resources: resourcesSchema,
  rootUrl: httpUrl.optional().describe("The URL people reach Grafana at (links in dashboards and notifications)."),
  databasePort: port.describe("TCP port of the shared database, opened in Grafana's NetworkPolicy when one is set."),
  ingressFrom: listOf(ingressPeerSchema, 20, "peers").describe("Pods allowed to reach Grafana's UI on port 3000 (e.g. the ingress controller)."),
});
export type GrafanaSpec = z.infer<typeof grafanaSchema>;
