// Kubernetes names derived from namespaces: the cluster-scoped RBAC names, and Namespaces that would collide.
import { derivedNameProblems } from "../name-rules";
import { clusterRoleDerivedNames, clusterRoleName, namespaceDerivedNames } from "./names";

test("a ClusterRole carries its namespace", () => {
  expect(clusterRoleName("monitoring", "prometheus")).toBe("monitoring-prometheus");
  expect(derivedNameProblems(clusterRoleDerivedNames("monitoring", "prometheus", [["namespace"]]))).toEqual([]);
});

test("two Namespaces with one name collide, reported on the second one's key", () => {
  const problems = derivedNameProblems([...namespaceDerivedNames("monitoring", "the stack's Namespace", ["namespace"]), ...namespaceDerivedNames("monitoring", "the host agents' Namespace", ["hostNamespace"])]);
  expect(problems.map((p) => [p.name.from, p.message])).toEqual([[[["hostNamespace"]], `the host agents' Namespace "monitoring" is the same Kubernetes DNS-1123 label name as the stack's Namespace`]]);
});

test("a namespace name over 63 characters breaks both the name and its metadata.name label", () => {
  const problems = derivedNameProblems(namespaceDerivedNames("n".repeat(64), "the stack's Namespace", ["namespace"])).map((p) => p.message);
  expect(problems).toEqual([expect.stringMatching(/^the stack's Namespace "n{64}" is 64 characters, over the limit of 63/), expect.stringMatching(/^the kubernetes.io\/metadata.name label of the stack's Namespace .* over the limit of 63/)]);
});
