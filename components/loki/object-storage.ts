// Loki's bucket in the first enabled cloud, and the workload identity that lets Loki's service account use
// it: no access keys anywhere. The bucket and identity are the shared workload bucket
// (components/object-storage), which Thanos' blocks use too.
import type * as pulumi from "@pulumi/pulumi";
import { createWorkloadBucket, ObjectStorageCloud, objectStorageEgress, ObjectStorageTarget } from "../object-storage";
import type { LokiStorage } from "./render-config";

/** A cloud whose object storage can hold Loki's chunks (an `as const` object, so component packaging sees an enum). */
export const LokiObjectStorageCloud = ObjectStorageCloud;
export type LokiObjectStorageCloud = ObjectStorageCloud;

/** Where Loki's object storage goes (one shape, the cloud an enum, as Pulumi component packaging wants). */
export type LokiObjectStorageTarget = ObjectStorageTarget;

export interface LokiObjectStorage {
  storage: pulumi.Output<LokiStorage>;
  /** Annotations on Loki's service account (GKE and Azure workload identity). */
  serviceAccountAnnotations: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Labels on Loki's pods (Azure workload identity's webhook injects the token into labelled pods). */
  podLabels: Record<string, string>;
}

/** Egress Loki needs for its bucket in `cloud` (see objectStorageEgress). */
export const lokiObjectStorageEgress = objectStorageEgress;

export function createLokiObjectStorage(name: string, target: LokiObjectStorageTarget, sa: { namespace: pulumi.Input<string>; name: string }, parent: pulumi.Resource): LokiObjectStorage {
  return createWorkloadBucket(name, target, { owner: "Loki", sa, parent });
}
