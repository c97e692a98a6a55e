// Kubernetes storage, nodes and control plane: PersistentVolumes filling up, nodes not ready or crowded,
// clocks adrift, kubelets and the API server down, slow or failing, certificates about to expire. Built on
// what the stack scrapes (components/prometheus/render-config.ts): the kubelet and apiserver jobs,
// kube-state-metrics and node-exporter. Learnt from kubernetes-mixin (storage, system, kubelet and
// kube-apiserver alerts) and node-mixin; the expressions are ours. A managed control plane (EKS, GKE, AKS)
// may hide the API server's metrics endpoint, so the one alert on its absence is left out there.
import { kubeStateMetricsContract } from "../../kube-state-metrics/contract";
import { prometheusContract } from "../../prometheus/contract";
import { CatalogScope } from "../scope";
import { AlertThresholds } from "../thresholds";
import { AlertRule } from "../types";
import { failuresIn, failureWindows, fsSelector, jobs } from "./selectors";

/** The scrape jobs these rules select on: each fact lives in its component's contract. */
export const clusterJobs = {
  kubelet: prometheusContract.kubernetesJobs.kubelet,
  apiServer: prometheusContract.kubernetesJobs.apiServer,
  kubeStateMetrics: kubeStateMetricsContract.job,
  node: jobs.node,
} as const;

/**
 * Windows: the 6h trend predict_linear() extrapolates (kubernetes-mixin's and node-mixin's), how far ahead
 * it looks, the readiness-flapping window, and the window of the API server's rates.
 */
export const clusterWindows = {
  trend: "6h",
  volumeHorizonSeconds: 4 * 24 * 3600,
  filesystemHorizonSeconds: 24 * 3600,
  flapping: "15m",
  apiServer: "5m",
  clockDeriv: "5m",
  clockSync: "5m",
} as const;

/** node_timex_maxerror_seconds reaches 16 when the kernel's clock discipline has given up (node-mixin). */
export const CLOCK_MAXERROR_UNSYNCED_SECONDS = 16;
/** Verbs and subresources whose requests stay open by design: their duration is not latency. */
const longRunning = { verbs: "WATCH|WATCHLIST|CONNECT", subresources: "log|exec|portforward|attach|proxy" } as const;
const SECONDS_PER_DAY = 86400;

export function kubernetesClusterRules(t: AlertThresholds, scope: CatalogScope): AlertRule[] {
  const k8s = { domain: "kubernetes" as const };
  const kubelet = `job="${clusterJobs.kubelet}"`;
  const apiServer = `job="${clusterJobs.apiServer}"`;
  const ksm = `job="${clusterJobs.kubeStateMetrics}"`;
  const node = `job="${clusterJobs.node}"`;
  // A volume reporting no use is one the kubelet cannot measure (some CSI drivers): no share to judge.
  const volumeInUse = `kubelet_volume_stats_used_bytes{${kubelet}} > 0`;
  const volumeFree = `kubelet_volume_stats_available_bytes{${kubelet}} / kubelet_volume_stats_capacity_bytes{${kubelet}}`;
  const readySeries = `kube_node_status_condition{${ksm}, condition="Ready", status="true"}`;
  const offset = `node_timex_offset_seconds{${node}}`;

  const rules: AlertRule[] = [
    // Storage.
    {
      ...k8s,
      name: "KubePersistentVolumeFillingUp",
      severity: "critical",
      threshold: t.KubePersistentVolumeFillingUp,
      expr: `(${volumeInUse}) and ${volumeFree} < ${t.KubePersistentVolumeFillingUp}`,
      for: "1m",
      summary: "PersistentVolume of {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is almost full",
      description:
        "The volume bound to PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} (node {{ $labels.node }}) has less free space than the critical threshold. Writes will fail soon: expand the claim or delete data.",
      inhibits: ["KubePersistentVolumeFillingUpPredicted"],
      inhibitEqual: ["namespace", "persistentvolumeclaim"],
    },
    {
      ...k8s,
      name: "KubePersistentVolumeFillingUpPredicted",
      severity: "warning",
      threshold: t.KubePersistentVolumeFillingUpPredicted,
      expr: `(${volumeInUse}) and predict_linear(kubelet_volume_stats_available_bytes{${kubelet}}[${clusterWindows.trend}], ${clusterWindows.volumeHorizonSeconds}) < 0 and ${volumeFree} < ${t.KubePersistentVolumeFillingUpPredicted}`,
      // An hour of a steady trend, not one burst of writes (kubernetes-mixin).
      for: "1h",
      summary: "PersistentVolume of {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} will fill within 4 days",
      description:
        "The volume bound to PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} is low on free space and, at the rate of the last 6 hours, fills up within 4 days. Plan an expansion or a clean-up.",
    },
    {
      ...k8s,
      name: "KubePersistentVolumeInodesFillingUp",
      severity: "critical",
      threshold: t.KubePersistentVolumeInodesFillingUp,
      expr: `(kubelet_volume_stats_inodes_used{${kubelet}} > 0) and kubelet_volume_stats_inodes_free{${kubelet}} / kubelet_volume_stats_inodes{${kubelet}} < ${t.KubePersistentVolumeInodesFillingUp}`,
      for: "1m",
      summary: "PersistentVolume of {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is running out of inodes",
      description:
        "The volume bound to PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} in {{ $labels.namespace }} has fewer free inodes than the critical threshold: creating files will fail even with bytes free. Find the directories full of small files.",
    },
    {
      ...k8s,
      name: "KubePersistentVolumeErrors",
      severity: "critical",
      expr: `kube_persistentvolume_status_phase{${ksm}, phase=~"Failed|Pending"} > 0`,
      // Provisioning a volume takes seconds to a couple of minutes; 5m is past any healthy Pending.
      for: "5m",
      summary: "PersistentVolume {{ $labels.persistentvolume }} is {{ $labels.phase }}",
      description:
        "PersistentVolume {{ $labels.persistentvolume }} has been in phase {{ $labels.phase }}: its storage backend failed to provision, bind or reclaim it. Pods claiming it cannot start.",
    },
    // Nodes.
    {
      ...k8s,
      name: "KubeNodeNotReady",
      severity: "warning",
      expr: `${readySeries} == 0`,
      // Rides over a node's reboot and the kubelet's restart (kubernetes-mixin).
      for: "15m",
      summary: "Node {{ $labels.node }} is not ready",
      description:
        "Node {{ $labels.node }} has not been Ready for 15 minutes: no new pods are scheduled on it, and its pods are evicted once the cluster's toleration runs out. Check the kubelet, the container runtime and the node's network.",
    },
    {
      ...k8s,
      name: "KubeNodeUnschedulable",
      severity: "info",
      expr: `kube_node_spec_unschedulable{${ksm}} == 1`,
      // Cordoning for maintenance is normal; an hour later it may have been forgotten.
      for: "1h",
      summary: "Node {{ $labels.node }} has been cordoned for an hour",
      description:
        "Node {{ $labels.node }} is marked unschedulable (cordoned). If its maintenance is over, uncordon it; the cluster runs with less capacity meanwhile.",
    },
    {
      ...k8s,
      name: "KubeNodeReadinessFlapping",
      severity: "warning",
      threshold: t.KubeNodeReadinessFlapping,
      // changes() counts exactly (no extrapolation), so the threshold is a whole number of transitions.
      expr: `sum by (node) (changes(${readySeries}[${clusterWindows.flapping}])) > ${t.KubeNodeReadinessFlapping}`,
      for: "15m",
      summary: "Node {{ $labels.node }} keeps flapping between ready and not ready",
      description:
        "Node {{ $labels.node }}'s Ready condition has changed more often in 15 minutes than the threshold allows: its kubelet, runtime or network is unstable, and pods on it keep being disrupted.",
    },
    {
      ...k8s,
      name: "NodeFilesystemSpaceFillingUp",
      severity: "warning",
      threshold: t.NodeFilesystemSpaceFillingUp,
      expr: `node_filesystem_readonly{${fsSelector}} == 0 and predict_linear(node_filesystem_avail_bytes{${fsSelector}}[${clusterWindows.trend}], ${clusterWindows.filesystemHorizonSeconds}) < 0 and node_filesystem_avail_bytes{${fsSelector}} / node_filesystem_size_bytes{${fsSelector}} < ${t.NodeFilesystemSpaceFillingUp}`,
      for: "1h",
      summary: "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} will fill within 24 hours",
      description:
        "Filesystem {{ $labels.mountpoint }} ({{ $labels.device }}) on {{ $labels.instance }} is low on free space and, at the rate of the last 6 hours, fills up within a day. Images, logs and emptyDir volumes are the usual causes; once full, the kubelet evicts pods.",
    },
    {
      ...k8s,
      name: "NodeClockSkewDetected",
      severity: "warning",
      threshold: t.NodeClockSkewDetected,
      // Beyond the threshold and not being corrected: the offset's trend does not point back towards 0.
      expr: `deriv(${offset}[${clusterWindows.clockDeriv}]) * sgn(${offset}) >= 0 and abs(${offset}) > ${t.NodeClockSkewDetected}`,
      for: "10m",
      summary: "Clock on {{ $labels.instance }} is skewed",
      description:
        "The clock of {{ $labels.instance }} is off by more than the threshold and is not converging. Certificates, tokens and the order of logs and metrics go wrong; check its NTP (chrony, systemd-timesyncd) service.",
    },
    {
      ...k8s,
      name: "NodeClockNotSynchronising",
      severity: "warning",
      expr: `min_over_time(node_timex_sync_status{${node}}[${clusterWindows.clockSync}]) == 0 and node_timex_maxerror_seconds{${node}} >= ${CLOCK_MAXERROR_UNSYNCED_SECONDS}`,
      for: "10m",
      summary: "Clock on {{ $labels.instance }} is not synchronising",
      description:
        "The kernel on {{ $labels.instance }} reports its clock unsynchronised and its maximum error at the limit: NTP is not running or cannot reach a server. The clock drifts freely.",
    },
    {
      ...k8s,
      name: "KubeletTooManyPods",
      severity: "info",
      threshold: t.KubeletTooManyPods,
      // A capacity of 1 pod is a node that runs nothing but one static pod by design.
      expr: `max by (node) (kubelet_running_pods{${kubelet}}) / max by (node) (kube_node_status_capacity{${ksm}, resource="pods"} != 1) > ${t.KubeletTooManyPods}`,
      for: "15m",
      summary: "Node {{ $labels.node }} is close to its pod limit",
      description:
        "The kubelet on {{ $labels.node }} runs nearly as many pods as the node's capacity allows: new pods will not be scheduled there. Spread the workload or raise maxPods where the node's IP space allows.",
    },
    // Control plane.
    {
      ...k8s,
      name: "KubeletDown",
      severity: "critical",
      expr: `up{${kubelet}} == 0`,
      for: "15m",
      summary: "Kubelet on {{ $labels.node }} cannot be scraped",
      description:
        "Prometheus has not reached the kubelet on {{ $labels.node }} for 15 minutes: the kubelet is down or its port is blocked. Its volume, pod and certificate metrics are missing, and the node is probably NotReady too.",
    },
  ];

  // absent() on the API server's job would fire for ever where the cloud does not let it be scraped.
  if (!scope.managedControlPlane) {
    rules.push({
      ...k8s,
      name: "KubeAPIDown",
      severity: "critical",
      expr: `absent(up{${apiServer}} == 1)`,
      for: "15m",
      summary: "No Kubernetes API server can be scraped",
      description:
        "Prometheus has reached no API server for 15 minutes: the control plane is down or unreachable from the cluster. Nothing can be deployed, scaled or healed meanwhile.",
    });
  }

  const window = clusterWindows.apiServer;
  rules.push(
    {
      ...k8s,
      name: "KubeAPIErrorsHigh",
      severity: "warning",
      threshold: t.KubeAPIErrorsHigh,
      expr: `sum by (job) (rate(apiserver_request_total{${apiServer}, code=~"5.."}[${window}])) / sum by (job) (rate(apiserver_request_total{${apiServer}}[${window}])) > ${t.KubeAPIErrorsHigh}`,
      for: "10m",
      summary: "The Kubernetes API server answers too many requests with errors",
      description:
        "More of the API server's requests than the threshold allows have failed with a 5xx for 10 minutes. Controllers, deployments and kubectl fail or retry; check the API server's logs, etcd and admission webhooks.",
    },
    {
      ...k8s,
      name: "KubeAPILatencyHigh",
      severity: "warning",
      threshold: t.KubeAPILatencyHigh,
      expr: `histogram_quantile(0.99, sum by (job, verb, le) (rate(apiserver_request_duration_seconds_bucket{${apiServer}, verb!~"${longRunning.verbs}", subresource!~"${longRunning.subresources}"}[${window}]))) > ${t.KubeAPILatencyHigh}`,
      for: "10m",
      summary: "The Kubernetes API server is slow to answer {{ $labels.verb }} requests",
      description:
        "The 99th percentile latency of the API server's {{ $labels.verb }} requests has been above the threshold for 10 minutes. Slow admission webhooks, an overloaded etcd or too many LIST calls are the usual causes.",
    },
    {
      ...k8s,
      name: "KubeClientCertificateExpiration",
      severity: "warning",
      threshold: t.KubeClientCertificateExpiration,
      // The 1st percentile of the certificates clients presented: the soonest to expire, not one outlier's lag.
      expr: `histogram_quantile(0.01, sum by (job, instance, le) (rate(apiserver_client_certificate_expiration_seconds_bucket{${apiServer}}[${window}]))) / ${SECONDS_PER_DAY} < ${t.KubeClientCertificateExpiration}`,
      for: "5m",
      summary: "A client certificate of the Kubernetes API server expires soon",
      description:
        "Clients of API server {{ $labels.instance }} present certificates that expire within the threshold's days. When they expire those clients (kubelets, controllers, users) are locked out; rotate them.",
    },
    {
      ...k8s,
      name: "KubeletClientCertificateExpiration",
      severity: "warning",
      threshold: t.KubeletClientCertificateExpiration,
      // +Inf when the kubelet uses no rotating client certificate: never below the threshold.
      expr: `kubelet_certificate_manager_client_ttl_seconds{${kubelet}} / ${SECONDS_PER_DAY} < ${t.KubeletClientCertificateExpiration}`,
      for: "5m",
      summary: "The kubelet client certificate on {{ $labels.node }} expires soon",
      description:
        "The kubelet on {{ $labels.node }} has a client certificate that expires within the threshold's days and has not rotated it. Once it expires the node drops out of the cluster; check certificate rotation and pending CSRs.",
    },
    {
      ...k8s,
      name: "KubeletClientCertificateRenewalErrors",
      severity: "warning",
      expr: `increase(kubelet_certificate_manager_client_expiration_renew_errors{${kubelet}}[${window}]) > 0`,
      // One failed attempt is retried; 15m of failures is a rotation that does not work.
      for: "15m",
      summary: "The kubelet on {{ $labels.node }} fails to renew its client certificate",
      description:
        "The kubelet on {{ $labels.node }} keeps failing to renew its client certificate. Look for pending or denied CertificateSigningRequests and at the kubelet's log; the node drops out when the certificate expires.",
    },
    {
      ...k8s,
      name: "KubeAggregatedAPIErrors",
      severity: "warning",
      threshold: t.KubeAggregatedAPIErrors,
      // The counter's series per reason appears with its first failure, which increase() cannot see: the
      // alert counts from the second on, enough for an API that keeps failing.
      expr: `${failuresIn(`aggregator_unavailable_apiservice_total{${apiServer}}`, failureWindows.KubeAggregatedAPIErrors, "name")} > ${t.KubeAggregatedAPIErrors}`,
      for: "0s",
      summary: "Aggregated API {{ $labels.name }} keeps failing",
      description:
        "The API server has marked the aggregated API {{ $labels.name }} unavailable more often in 10 minutes than the threshold allows: its backend is flapping, and requests to it fail intermittently. Check the pods behind the APIService and their readiness.",
    },
    {
      ...k8s,
      name: "KubeAggregatedAPIDown",
      severity: "warning",
      expr: `max by (name) (aggregator_unavailable_apiservice{${apiServer}}) == 1`,
      for: "10m",
      summary: "Aggregated API {{ $labels.name }} is unavailable",
      description:
        "The API server has reported the aggregated API {{ $labels.name }} (e.g. metrics-server's) unavailable for 10 minutes: its requests fail, and with metrics.k8s.io the HPA and kubectl top stop working. Check the service and pods behind the APIService.",
    },
  );
  return rules;
}
