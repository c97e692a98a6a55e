// `kubernetes`: what the cluster the stack runs in lets it see. The alert catalog is scoped by it
// (components/alerts/scope.ts), so no alert waits for ever on a part the cloud hides.
import { z } from "zod";

export const kubernetesSchema = z.strictObject({
  managedControlPlane: z.boolean()
    .describe("true on a managed control plane (EKS, GKE, AKS): the cloud runs the API server, scheduler, controller manager and etcd, and may not let them be scraped, so alerts on their absence (KubeAPIDown) are left out. Alerts on the API server's own metrics stay, and are quiet where it cannot be scraped."),
});
export type KubernetesSpec = z.infer<typeof kubernetesSchema>;
