// What a stack runs and what its cluster lets it see. The catalog holds only the alerts whose metrics can
// exist there: an alert on a part the stack does not run is noise in every rule file and cloud copy, and one
// on a control plane the cloud hides (EKS, GKE, AKS) would fire on `absent()` for ever.

/** What the stack runs and sees; each rule module reads the fields it needs. */
export interface CatalogScope {
  /** The cloud runs the control plane: scheduler, controller manager and etcd cannot be scraped. */
  managedControlPlane: boolean;
  /** Thanos runs (sidecars, Query, Store Gateway, Compactor). */
  thanos: boolean;
  /** kube-state-metrics runs: the pod, workload, Job, HPA and quota alerts read its series. */
  kubeStateMetrics: boolean;
  /** cAdvisor runs: the CPU throttling alert reads its CFS counters. */
  cadvisor: boolean;
  /** Elasticsearch runs (ECK), watched through the Elasticsearch exporter. */
  elasticsearch: boolean;
  /** The ECK operator runs (scrape job eck-operator): its controller alerts read controller-runtime's metrics. */
  eckOperator: boolean;
  /** Logstash runs (with Elasticsearch), watched through its metrics sidecar (job `logstash`). */
  logstash: boolean;
  /** Loki runs (single binary or the simple scalable targets). */
  loki: boolean;
  /** The log shipper (Alloy) runs on every node and pushes to Loki. */
  logShipper: boolean;
  /** Jaeger runs (an OpenTelemetry Collector). */
  jaeger: boolean;
  /** Grafana runs. */
  grafana: boolean;
}

/**
 * Everything a self-managed cluster can show: the scope of the catalog built without one, for components used
 * on their own and for the tests that prove every alert.
 */
export const fullScope: CatalogScope = {
  managedControlPlane: false, thanos: true, kubeStateMetrics: true, cadvisor: true, elasticsearch: true, eckOperator: true, logstash: true, loki: true, logShipper: true, jaeger: true, grafana: true,
};
