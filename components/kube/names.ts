// Pure: the Kubernetes names the stack derives from namespaces, with the rules each must pass.
import type { DerivedName } from "../name-rules";

/** Cluster-scoped RBAC objects carry their namespace, so two stacks in one cluster do not collide. */
export function clusterRoleName(namespace: string, name: string): string {
  return `${namespace}-${name}`;
}

/**
 * A Namespace the stack creates (`names` says which): its name, and the `kubernetes.io/metadata.name` label
 * Kubernetes gives it, which NetworkPolicies select. `from` is where the name comes from.
 */
export function namespaceDerivedNames(namespace: string, names: string, from: (string | number)[]): DerivedName[] {
  return [
    { kind: "kubeDnsLabel", name: namespace, names, from: [from], scope: "namespaces" },
    { kind: "kubeLabelValue", name: namespace, names: `the kubernetes.io/metadata.name label of ${names}`, from: [from], shared: true },
  ];
}

/** The ClusterRole and ClusterRoleBinding (one name) of a component's service account. */
export function clusterRoleDerivedNames(namespace: string, name: string, from: (string | number)[][]): DerivedName[] {
  return [{ kind: "kubePathSegment", name: clusterRoleName(namespace, name), names: `the ClusterRole and ClusterRoleBinding of ${name}`, from, scope: "cluster-roles" }];
}
