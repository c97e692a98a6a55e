import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { Namespace as KubeNamespace } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PART_OF } from "./labels";
import { renderAllowDns, renderDefaultDeny } from "./network";

/** Pod Security Standards level a namespace enforces (an `as const` object, so component packaging sees an enum). */
export const PodSecurityLevel = { Restricted: "restricted", Baseline: "baseline", Privileged: "privileged" } as const;
export type PodSecurityLevel = (typeof PodSecurityLevel)[keyof typeof PodSecurityLevel];

export interface NamespaceArgs {
  /** The namespace's name. */
  name: pulumi.Input<string>;
  /**
   * The Pod Security Standards level enforced. `restricted` for the stack itself; host-level exporters
   * (node-exporter, cAdvisor) need `privileged` and live in a namespace of their own.
   */
  podSecurity: PodSecurityLevel;
  /** Create default-deny NetworkPolicies (plus DNS egress); components then allow their own flows. */
  networkPolicies?: boolean;
}

/** Pure: the namespace object with Pod Security Standards labels (warn and audit at restricted). */
export function renderNamespace(name: pulumi.Input<string>, podSecurity: PodSecurityLevel): k8s.core.v1.Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
        "pod-security.kubernetes.io/enforce": podSecurity,
        "pod-security.kubernetes.io/enforce-version": "latest",
        // Always report what would fail `restricted`, so exceptions stay visible.
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
      },
    },
  };
}

/** A namespace with Pod Security Standards labels and default-deny NetworkPolicies. */
export class Namespace extends pulumi.ComponentResource {
  /** The namespace's name, known once the namespace exists (use it to order dependents). */
  public readonly name: pulumi.Output<string>;

  constructor(name: string, args: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:kube:Namespace", name, {}, opts);
    const ns = new KubeNamespace(name, renderNamespace(args.name, args.podSecurity), { parent: this });
    this.name = ns.metadata.name;
    if (args.networkPolicies ?? true) {
      new NetworkPolicy(`${name}-default-deny`, renderDefaultDeny(this.name), { parent: this });
      new NetworkPolicy(`${name}-allow-dns`, renderAllowDns(this.name), { parent: this });
    }
    this.registerOutputs({ name: this.name });
  }
}
