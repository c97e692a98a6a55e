// Workloads wired so that a config change or a bigger volume updates objects in place and never replaces a
// StatefulSet or Deployment (which would take every replica down at once).
import type * as k8s from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { PersistentVolumeClaim } from "@pulumi/kubernetes/core/v1";
import { StatefulSet } from "@pulumi/kubernetes/apps/v1";
import { dependsOnWith } from "./depends-on";

/**
 * The name a pod mounts a ConfigMap, Secret or claim by: the literal name we gave `object`, never its
 * `metadata.name` output. With the output, the workload's pod template depends on that object's properties:
 * when the object is replaced (pulumi-kubernetes replaces a ConfigMap or Secret whose data changes unless the
 * provider sets enableConfigMapMutable / enableSecretMutable, which an importing stack may not), the engine
 * re-diffs the workload with that name unknown and replaces it too. Put `object` in the workload's dependsOn.
 */
export function mountByName(object: pulumi.CustomResource, name: string): string {
  void object; // named for the reader: the pairing of mount and object
  return name;
}

/**
 * Options for every named ConfigMap and Secret a workload mounts. Where the provider replaces one on a data
 * change (its default, unless enableConfigMapMutable / enableSecretMutable), the replacement must delete
 * first: creating the new object under the same name first fails with a server-side apply conflict (found
 * by test/deploy/library.test.ts). Where the provider updates in place, this option never applies.
 */
export const namedConfigOptions = { deleteBeforeReplace: true } as const;

/**
 * For claims: binding is the pod's business (a WaitForFirstConsumer class binds only once the pod is
 * scheduled), so Pulumi must not wait for it, nor hold back the workload that mounts the claim.
 */
export const SKIP_AWAIT_ANNOTATION = { "pulumi.com/skipAwait": "true" } as const;

/**
 * A StatefulSet whose volumes are claims Pulumi owns, one per replica and template, named as the StatefulSet
 * controller names them (`<template>-<statefulset>-<ordinal>`), so the controller adopts them instead of
 * creating its own. `volumeClaimTemplates` only name the volumes: a change there would replace the
 * StatefulSet (the field is immutable), so the set ignores changes to it. Growing a volume is an in-place
 * update of each claim (the storage class must allow volume expansion); no pod is deleted.
 * Claims are retained when Pulumi deletes them or the set scales down, as the StatefulSet's own retention
 * policy does: data outlives its pods until the namespace goes.
 */
export function statefulSetWithOwnedClaims(name: string, sts: k8s.apps.v1.StatefulSet, opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource }): StatefulSet {
  const metadata = sts.metadata as k8s.meta.v1.ObjectMeta;
  const spec = sts.spec as k8s.apps.v1.StatefulSetSpec;
  const replicas = spec.replicas as number;
  const templates = (spec.volumeClaimTemplates ?? []) as k8s.core.v1.PersistentVolumeClaim[];
  const claims = templates.flatMap((template) => {
    const meta = template.metadata as k8s.meta.v1.ObjectMeta;
    return Array.from({ length: replicas }, (_, ordinal) =>
      new PersistentVolumeClaim(`${name}-${meta.name}-${ordinal}`, {
        metadata: { name: pulumi.interpolate`${meta.name}-${metadata.name}-${ordinal}`, namespace: metadata.namespace, labels: meta.labels, annotations: SKIP_AWAIT_ANNOTATION },
        spec: template.spec,
      }, { parent: opts.parent, retainOnDelete: true }));
  });
  return new StatefulSet(name, sts, { ...opts, dependsOn: dependsOnWith(opts, ...claims), ignoreChanges: [...(opts.ignoreChanges ?? []), "spec.volumeClaimTemplates"] });
}
