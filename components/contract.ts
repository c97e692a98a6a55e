// What the rest of the stack may rely on about a component, in one place per component (its contract.ts):
// the scrape configuration, the dashboards, NetworkPolicies and the stacks import these facts instead of
// spelling them again.

export interface ComponentContract {
  /** app.kubernetes.io/name of the component's pods and Services. */
  readonly name: string;
  /** The Prometheus scrape job its own metrics arrive under; none when no job of its own scrapes it. */
  readonly job?: string;
  /** Its ports by name (camelCase of the Kubernetes port name, e.g. httpMetrics for http-metrics). */
  readonly ports: Readonly<Record<string, number>>;
}
