// Kubernetes networking: bytes, packets, drops and errors received and transmitted, per namespace and per pod
// (cAdvisor's per-pod network counters). Host-network pods are left out: they report the node's interfaces,
// which the Infrastructure dashboard shows (node-exporter).
import { dashboardBuilder, DashboardDefinition, DashboardOptions, finish, Query, row, statPanel, steps, timeseriesPanel } from "./common";
import { asPod, by, ksm, Level, namespaceVariable, podInfoVariable, podNetwork } from "./kubernetes";

export const KUBERNETES_NETWORKING_UID = "novacron-k8s-networking";

const direction = { received: "receive", transmitted: "transmit" } as const;
type Direction = keyof typeof direction;

/**
 * A cAdvisor network counter's rate per pod. Every container of a pod reports its pod's interfaces, so one
 * pod's interface is the max over its containers, then the interfaces are summed.
 */
function perPod(counter: string, level: Level): string {
  const rate = asPod(`rate(${counter}{${podNetwork(level)}}[$__rate_interval])`);
  return `(sum by (${by("namespace", "pod")}) (max by (${by("namespace", "pod", "interface")}) (${rate})) unless on (${by("namespace", "pod")}) kube_pod_info{${ksm(level, `host_network="true"`)}})`;
}

const counters = {
  bytes: (d: Direction) => `container_network_${direction[d]}_bytes_total`,
  packets: (d: Direction) => `container_network_${direction[d]}_packets_total`,
  drops: (d: Direction) => `container_network_${direction[d]}_packets_dropped_total`,
  errors: (d: Direction) => `container_network_${direction[d]}_errors_total`,
};
type Counter = keyof typeof counters;

/** Received drawn below the axis (negative), transmitted above, grouped by `group`. */
function bothWays(counter: Counter, level: Level, group: string[], legend: string): Query[] {
  return (Object.keys(direction) as Direction[]).map((d) => ({
    expr: `${d === "received" ? "-" : ""}sum by (${by(...group)}) (${perPod(counters[counter](d), level)})`,
    legend: `${legend} ${d}`,
  }));
}

/** Both directions added up, cluster-wide. */
const total = (counter: Counter) => (Object.keys(direction) as Direction[]).map((d) => `sum(${perPod(counters[counter](d), Level.cluster)})`).join(" + ");

/** The four counters over time at one level (namespace or pod), grouped by `group`. */
function levelPanels(level: string, at: Level, group: string[], legend: string, whose: string) {
  const panel = (title: string, unit: string, counter: Counter, description: string) =>
    timeseriesPanel({ title: `${title} by ${level}`, span: 12, height: 8, unit, description, queries: bothWays(counter, at, group, legend) });
  return [
    panel("Traffic", "Bps", "bytes", `Bytes received (negative) and transmitted per second by ${whose}.`),
    panel("Packets", "pps", "packets", `Packets received (negative) and transmitted per second by ${whose}.`),
    panel("Packets dropped", "pps", "drops", `Packets dropped per second, received (negative) and transmitted, by ${level}.`),
    panel("Errors", "pps", "errors", `Receive (negative) and transmit errors per second, by ${level}.`),
  ];
}

export function kubernetesNetworkingDashboard(_: DashboardOptions): DashboardDefinition {
  const builder = dashboardBuilder(KUBERNETES_NETWORKING_UID, "Kubernetes / Networking", "Pod network traffic, packet drops and errors by namespace and pod (cAdvisor; host-network pods left out).", ["kubernetes"])
    .withVariable(namespaceVariable())
    .withVariable(podInfoVariable())

    .withRow(row("Cluster"))
    .withPanel(statPanel({
      title: "Received", span: 6, height: 4, unit: "Bps",
      description: "Bytes per second all pods receive.",
      queries: [{ expr: `sum(${perPod(counters.bytes("received"), Level.cluster)})` }],
      thresholds: steps(),
    }))
    .withPanel(statPanel({
      title: "Transmitted", span: 6, height: 4, unit: "Bps",
      description: "Bytes per second all pods transmit.",
      queries: [{ expr: `sum(${perPod(counters.bytes("transmitted"), Level.cluster)})` }],
      thresholds: steps(),
    }))
    .withPanel(statPanel({
      title: "Packets dropped", span: 6, height: 4, unit: "pps",
      description: "Packets per second dropped on pods' interfaces, both directions; anything above 0 deserves a look.",
      queries: [{ expr: total("drops") }],
      thresholds: steps([1, "orange"]),
    }))
    .withPanel(statPanel({
      title: "Errors", span: 6, height: 4, unit: "pps",
      description: "Receive and transmit errors per second on pods' interfaces.",
      queries: [{ expr: total("errors") }],
      thresholds: steps([1, "orange"]),
    }))

    .withRow(row("Namespaces"));
  for (const panel of levelPanels("namespace", Level.namespace, ["namespace"], "{{namespace}}", "each selected namespace's pods")) builder.withPanel(panel);
  builder.withRow(row("Pods"));
  for (const panel of levelPanels("pod", Level.pod, ["namespace", "pod"], "{{namespace}}/{{pod}}", "each selected pod")) builder.withPanel(panel);

  return { uid: KUBERNETES_NETWORKING_UID, title: "Kubernetes / Networking", folder: "kubernetes", model: finish(builder) };
}
