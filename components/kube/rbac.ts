import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { ClusterRole, ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1";
import { AppIdentity, standardLabels } from "./labels";
import { clusterRoleName } from "./names";

/**
 * A ClusterRole with exactly `rules`, bound to one service account. Cluster-scoped names carry the
 * namespace, so two stacks in one cluster do not collide.
 */
export function clusterRoleFor(opts: {
  name: string;
  app: AppIdentity;
  namespace: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  rules: k8s.rbac.v1.PolicyRule[];
  parent: pulumi.Resource;
}): ClusterRole {
  const metadata = { name: pulumi.output(opts.namespace).apply((ns) => clusterRoleName(ns, opts.name)), labels: standardLabels(opts.app) };
  const role = new ClusterRole(opts.name, { metadata, rules: opts.rules }, { parent: opts.parent });
  new ClusterRoleBinding(opts.name, {
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
    subjects: [{ kind: "ServiceAccount", name: opts.serviceAccountName, namespace: opts.namespace }],
  }, { parent: opts.parent });
  return role;
}
