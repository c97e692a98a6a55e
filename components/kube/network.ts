// NetworkPolicies: every namespace of the stack denies all traffic by default, and each component
// allows exactly the flows it needs. Pure functions from typed peers to plain objects.
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { Input } from "@pulumi/pulumi";
import { AppIdentity, selectorLabels, standardLabels } from "./labels";
import { objectName } from "./workload";

/** Pods selected by labels in a namespace. */
export interface PeerSelector {
  /** The pods' namespace. */
  namespace: Input<string>;
  /** Labels that select the pods. */
  podLabels: Record<string, string>;
}

export type Peer =
  | { kind: "pods"; selector: PeerSelector }
  /** Any address: probes, webhooks on the internet, the Kubernetes API server (not a pod). */
  | { kind: "anywhere" }
  /** Any pod of the cluster, in any namespace (and nothing that is not a pod: no node, no outside address). */
  | { kind: "anyPod" }
  /** One address block: e.g. a node-local cloud credential endpoint such as 169.254.170.23/32. */
  | { kind: "cidr"; cidr: string };

export interface PortRule {
  port: number;
  protocol?: "TCP" | "UDP";
}

export interface Flow {
  peers: Peer[];
  ports: PortRule[];
}

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

function toPeer(peer: Peer): k8s.networking.v1.NetworkPolicyPeer {
  if (peer.kind === "anywhere") return { ipBlock: { cidr: "0.0.0.0/0" } };
  if (peer.kind === "anyPod") return { namespaceSelector: {} };
  if (peer.kind === "cidr") return { ipBlock: { cidr: peer.cidr } };
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.selector.namespace } },
    podSelector: { matchLabels: peer.selector.podLabels },
  };
}

/** No ports means every port (Prometheus scrapes whatever port a target exposes). */
const toPorts = (ports: PortRule[]) => (ports.length ? { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })) } : {});

/** The pods of an app in a namespace. */
export function peerSelector(app: AppIdentity, namespace: Input<string>): PeerSelector {
  return { namespace, podLabels: selectorLabels(app) };
}

/** Where clients reach a service: its URL, and the pods and port their NetworkPolicies must allow. */
export interface ServiceEndpoint {
  /** In-cluster URL, e.g. http://loki.monitoring.svc:3100. */
  url: Input<string>;
  /** The pods behind the URL; egress is allowed to them only. Unset: to any address on the URL's port. */
  pods?: PeerSelector;
  /** The port clients connect to (the URL's). */
  port: number;
}

/** An app's endpoint: `url` served by its pods in `namespace` on `port`. */
export function serviceEndpoint(app: AppIdentity, namespace: Input<string>, url: Input<string>, port: number): ServiceEndpoint {
  return { url, pods: peerSelector(app, namespace), port };
}

/** The pods of an app, as a peer other components can allow. */
export function podsOf(app: AppIdentity, namespace: Input<string>): Peer {
  return { kind: "pods", selector: peerSelector(app, namespace) };
}

export const anywhere: Peer = { kind: "anywhere" };

/** Every pod of the cluster: senders the stack cannot name (instrumented services in other namespaces). */
export const anyPod: Peer = { kind: "anyPod" };

/** Selected pods as peers (e.g. the Prometheus that scrapes a component). */
export function podPeers(selectors: PeerSelector[] = []): Peer[] {
  return selectors.map((selector) => ({ kind: "pods", selector }));
}

/** The Kubernetes API server: outside the pod network, on 443 or 6443 depending on the distribution. */
export const kubeApiFlow: Flow = { peers: [anywhere], ports: [{ port: 443 }, { port: 6443 }] };

/** Deny every ingress and egress flow in a namespace; components add what they need. */
export function renderDefaultDeny(namespace: Input<string>): k8s.networking.v1.NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace, labels: { "app.kubernetes.io/part-of": "novacron-monitoring", "app.kubernetes.io/managed-by": "pulumi" } },
    spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  };
}

/** Every pod may resolve names through the cluster DNS. */
export function renderAllowDns(namespace: Input<string>): k8s.networking.v1.NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-dns", namespace, labels: { "app.kubernetes.io/part-of": "novacron-monitoring", "app.kubernetes.io/managed-by": "pulumi" } },
    spec: {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
      }],
    },
  };
}

/** The flows one app's pods may receive and initiate. */
export function renderAppNetworkPolicy(opts: { app: AppIdentity; namespace: Input<string>; ingress: Flow[]; egress: Flow[] }): k8s.networking.v1.NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: objectName(opts.app), namespace: opts.namespace, labels: standardLabels(opts.app) },
    spec: {
      podSelector: { matchLabels: selectorLabels(opts.app) },
      policyTypes: ["Ingress", "Egress"],
      // A rule with no peers would allow every source or destination; a flow with no peers allows nothing.
      ingress: opts.ingress.filter((f) => f.peers.length).map((f) => ({ from: f.peers.map(toPeer), ...toPorts(f.ports) })),
      egress: opts.egress.filter((f) => f.peers.length).map((f) => ({ to: f.peers.map(toPeer), ...toPorts(f.ports) })),
    },
  };
}
