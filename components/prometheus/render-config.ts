// Pure: typed spec → prometheus.yml. Every scrape job the stack needs is derived from typed inputs,
// so a target that does not exist in the spec cannot appear in the config and vice versa. Job names come
// from the scraped components' contracts, which the alert catalog and the dashboards select on too.
import { alertmanagerContract } from "../alertmanager/contract";
import { blackboxExporterContract, ProbeModuleName } from "../blackbox-exporter/contract";
import { cadvisorContract } from "../cadvisor/contract";
import { kubeStateMetricsContract } from "../kube-state-metrics/contract";
import { nodeExporterContract } from "../node-exporter/contract";
import { thanosContract } from "../thanos/contract";
import { prometheusContract, serviceJob } from "./contract";

export { ProbeModuleName } from "../blackbox-exporter/contract";

/** A NovaCron service scraped through its Service's endpoints (every pod, not the load-balanced VIP). */
export interface ServiceTarget {
  /** Job name suffix: the job is `novacron-<name>`. */
  name: string;
  /** Namespace of the Service. */
  namespace: string;
  /** The Service whose endpoints are scraped. */
  service: string;
  /** The metrics port on the pods. */
  port: number;
  /** The metrics path, e.g. /metrics. */
  path: string;
}

/** Endpoints probed through the blackbox exporter with one module. */
export interface ProbeSpec {
  /** Probe name, a label on its series. */
  name: string;
  /** The blackbox module: http_2xx, tcp_connect, dns or icmp. */
  module: ProbeModuleName;
  /** What is probed: URLs for http_2xx, host:port for tcp_connect and dns, hosts for icmp. */
  targets: string[];
}

/** AWS SigV4 request signing (Amazon Managed Service for Prometheus); credentials come from the pod's role. */
export interface SigV4Spec {
  /** AWS region of the endpoint. */
  region: string;
  /** Role to assume for signing; default the pod's own role. */
  roleArn?: string;
}

/** Microsoft Entra workload identity for remote_write: a federated service-account token, no client secret. */
export interface AzureWorkloadIdentitySpec {
  /** Client id of the managed identity. */
  clientId: string;
  /** Entra tenant id. */
  tenantId: string;
  /** Path of the projected service-account token in the Prometheus container. */
  tokenFilePath: string;
}

/** A remote_write endpoint for long-term storage. */
export interface RemoteWriteSpec {
  /** Short name, shown in Prometheus' remote-write metrics. */
  name: string;
  /** The endpoint's URL. */
  url: string;
  /** AWS SigV4 signing (Amazon Managed Service for Prometheus); credentials from the pod's IAM role. */
  sigv4?: SigV4Spec;
  /** Microsoft Entra workload identity (Azure Monitor workspace): a federated service-account token, no secret. */
  azureWorkloadIdentity?: AzureWorkloadIdentitySpec;
  /**
   * The receiver deduplicates an HA pair (AMP, Azure Monitor): each replica's series carry `__replica__`
   * (from our `replica` external label) so one copy is kept, instead of two series per replica.
   */
  haDeduplication?: boolean;
}

/** An in-cluster app discovered by its Service's app.kubernetes.io/name label and port name. */
export interface InClusterApp {
  /** Namespace of the Service. */
  namespace: string;
  /** app.kubernetes.io/name of the Service. */
  app: string;
  /** The Service port's name. */
  port: string;
  /** Only this Service, where an app has several (e.g. a headless one beside the ClusterIP one). */
  service?: string;
}

/**
 * A part of the stack watched under its own job (the job name is a fact of its contract.ts): Loki, Jaeger,
 * the log shipper, the Elasticsearch exporter, Grafana …
 */
export interface AppScrapeTarget extends InClusterApp {
  /** The job its metrics arrive under (its contract's `job`). */
  job: string;
  /** The metrics path; default /metrics. */
  path?: string;
  /** URL parameters of each scrape (e.g. a json_exporter's module and target). */
  params?: Record<string, string[]>;
  /**
   * Labels the target sets that mean something else in this stack, renamed on ingestion (e.g. the
   * Elasticsearch exporter's `cluster`, the Elasticsearch cluster's name, to `es_cluster`: `cluster` is the
   * Kubernetes cluster every series is labelled with).
   */
  renameLabels?: Record<string, string>;
}

/** The blackbox exporter: its own metrics, and the probes Prometheus sends through it. */
export interface BlackboxScrapeTarget extends InClusterApp {
  /** host:port Prometheus sends probe requests to. */
  address: string;
  /** The probes, one scrape job per module. */
  probes: ProbeSpec[];
}

/** Thanos' roles, each scraped as its job (thanosContract.jobs) where it runs. */
export interface ThanosScrapeTargets {
  /** The sidecars: Prometheus' own pods, on the sidecar's HTTP port. */
  sidecar?: InClusterApp;
  /** Thanos Query (ThanosQuery.scrapeTarget). */
  query?: InClusterApp;
  /** The Store Gateway (ThanosStoreGateway.scrapeTarget). */
  store?: InClusterApp;
  /** The Compactor (ThanosCompactor.scrapeTarget). */
  compact?: InClusterApp;
}

/**
 * Scrape sharding: this Prometheus is shard `index` of `count`. The jobs whose targets grow with the cluster
 * (per node, per pod, per probe: SPLIT_JOBS) are split by hashmod of the target's address; the stack's own and
 * the control plane's jobs (a fixed handful of targets) stay whole on shard 0, so the alerts that need all of
 * a job's targets in one place (absent(), counts of peers, joins with kube-state-metrics) stay correct there.
 */
export interface ShardSpec {
  /** How many shards split the targets (at least 1). */
  count: number;
  /** This Prometheus' shard, 0 to count - 1. */
  index: number;
}

/** The external label telling shards apart (Query merges them; only the `replica` label is deduplicated). */
export const SHARD_LABEL = "shard";

/**
 * The relabel rules that keep shard `index` of `count`'s targets, appended after a job's own rules so they see
 * the final address. Probes all go to the blackbox exporter's address: the probed target
 * (`__param_target`) is hashed with it so probes spread over the shards too.
 */
export function shardRelabelConfigs(shard: ShardSpec): Record<string, unknown>[] {
  return [
    { source_labels: ["__address__", "__param_target"], modulus: shard.count, target_label: "__tmp_shard", action: "hashmod" },
    { source_labels: ["__tmp_shard"], regex: String(shard.index), action: "keep" },
  ];
}

/**
 * The jobs split between shards: those whose targets grow with the nodes, pods and probes. Every other job
 * (Alertmanager, kube-state-metrics, the blackbox exporter's own metrics, Thanos, the API server, the stack's
 * apps) is scraped whole by shard 0 only, and Prometheus' own by every shard.
 */
export const SPLIT_JOBS: readonly string[] = [
  nodeExporterContract.job, cadvisorContract.job, prometheusContract.kubernetesJobs.kubelet,
  prometheusContract.kubernetesJobs.annotatedPods, prometheusContract.kubernetesJobs.annotatedServices,
  ...Object.values(blackboxExporterContract.probeJobs),
];

/** Whether a job is split between shards (SPLIT_JOBS, and every application service's novacron-<name> job). */
export function isSplitJob(job: string, services: readonly ServiceTarget[]): boolean {
  return SPLIT_JOBS.includes(job) || services.some((target) => serviceJob(target.name) === job);
}

/**
 * The `cluster` a shard beyond 0 sends to a receiver that deduplicates HA pairs (AMP, Azure Monitor elect one
 * replica per `cluster`); shard 0 keeps the cluster's name, so its series go on unchanged when a shard is added.
 */
export function shardHaCluster(cluster: string, index: number): string {
  return index === 0 ? cluster : `${cluster}-shard-${index}`;
}

function checkShard(shard: ShardSpec): void {
  if (!Number.isInteger(shard.count) || shard.count < 1) throw new Error(`prometheus shard count must be a whole number of at least 1, not ${shard.count}`);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new Error(`prometheus shard index must be a whole number from 0 to ${shard.count - 1}, not ${shard.index}`);
  }
}

export interface PrometheusConfigSpec {
  /** Scrape only this shard's share of the growing jobs (and, on shard 0, the other jobs whole); absent (or a count of 1) scrapes every target. */
  shard?: ShardSpec;
  cluster: string;
  environment: string;
  scrapeInterval: string;
  scrapeTimeout: string;
  evaluationInterval: string;
  /** host:port of every Alertmanager replica: each must receive every alert. */
  alertmanagers: string[];
  remoteWrite: RemoteWriteSpec[];
  /** Directory the rule files are mounted at. */
  rulesDir: string;
  alertmanager?: InClusterApp;
  nodeExporter?: InClusterApp;
  cadvisor?: InClusterApp;
  kubeStateMetrics?: InClusterApp;
  blackbox?: BlackboxScrapeTarget;
  thanos?: ThanosScrapeTargets;
  kubernetes: {
    apiServer: boolean;
    kubelet: boolean;
    kubeletInsecureSkipVerify: boolean;
    /** Pods and services annotated prometheus.io/scrape: "true". */
    annotated: boolean;
  };
  services: ServiceTarget[];
  /** Parts of the stack itself (logs, traces, Grafana), each under its own job. */
  apps?: AppScrapeTarget[];
}

/** The job a probe module's targets are scraped under. */
export const probeJobNames: Record<ProbeModuleName, string> = blackboxExporterContract.probeJobs;

const { kubernetesJobs } = prometheusContract;
const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const inClusterAuth = {
  authorization: { credentials_file: `${SA_DIR}/token` },
  tls_config: { ca_file: `${SA_DIR}/ca.crt` },
};

type Relabel = Record<string, unknown>;
type ScrapeConfig = Record<string, unknown>;

const keep = (labels: string[], regex: string): Relabel => ({ source_labels: labels, action: "keep", regex });
const copy = (from: string, to: string): Relabel => ({ source_labels: [from], regex: "(.+)", target_label: to, replacement: "$1", action: "replace" });

/** Target labels every discovered pod carries: where it runs. */
const podLabels: Relabel[] = [
  copy("__meta_kubernetes_namespace", "namespace"),
  copy("__meta_kubernetes_pod_name", "pod"),
  copy("__meta_kubernetes_pod_node_name", "node"),
];

function endpointSliceJob(job: string, target: InClusterApp, extra: Partial<ScrapeConfig> & { relabel?: Relabel[] } = {}): ScrapeConfig {
  const { relabel = [], ...rest } = extra;
  return {
    job_name: job,
    kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [target.namespace] } }],
    ...rest,
    relabel_configs: [
      keep(["__meta_kubernetes_service_label_app_kubernetes_io_name"], target.app),
      keep(["__meta_kubernetes_endpointslice_port_name"], target.port),
      ...(target.service ? [keep(["__meta_kubernetes_service_name"], target.service)] : []),
      ...podLabels,
      ...relabel,
    ],
  };
}

function probeJobs(blackbox: NonNullable<PrometheusConfigSpec["blackbox"]>): ScrapeConfig[] {
  const modules = [...new Set(blackbox.probes.map((p) => p.module))].sort();
  return modules.map((module) => ({
    job_name: probeJobNames[module],
    metrics_path: "/probe",
    params: { module: [module] },
    // Probes may legitimately take up to the module's timeout; never longer than the scrape timeout.
    static_configs: blackbox.probes
      .filter((p) => p.module === module)
      .map((p) => ({ targets: p.targets, labels: { probe: p.name } })),
    relabel_configs: [
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: blackbox.address },
    ],
  }));
}

/** The standard opt-in annotations (prometheus.io/scrape, /path, /port, /scheme) for pods or services. */
function annotatedJob(role: "pod" | "service"): ScrapeConfig {
  const meta = role === "pod" ? "__meta_kubernetes_pod_annotation" : "__meta_kubernetes_service_annotation";
  return {
    job_name: role === "pod" ? kubernetesJobs.annotatedPods : kubernetesJobs.annotatedServices,
    kubernetes_sd_configs: [{ role: role === "pod" ? "pod" : "endpointslice" }],
    relabel_configs: [
      keep([`${meta}_prometheus_io_scrape`], "true"),
      ...(role === "pod" ? [{ source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed|Completed", action: "drop" }] : []),
      { source_labels: [`${meta}_prometheus_io_scheme`], regex: "(https?)", target_label: "__scheme__", action: "replace" },
      { source_labels: [`${meta}_prometheus_io_path`], regex: "(.+)", target_label: "__metrics_path__", action: "replace" },
      {
        source_labels: ["__address__", `${meta}_prometheus_io_port`],
        regex: "(.+?)(?::\\d+)?;(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
        action: "replace",
      },
      ...podLabels,
      ...(role === "service" ? [copy("__meta_kubernetes_service_name", "service")] : []),
    ],
  };
}

export function renderPrometheusConfig(spec: PrometheusConfigSpec): Record<string, unknown> {
  const jobs: ScrapeConfig[] = [{ job_name: prometheusContract.job, static_configs: [{ targets: [`localhost:${prometheusContract.ports.web}`] }] }];

  if (spec.alertmanager) jobs.push(endpointSliceJob(alertmanagerContract.job, spec.alertmanager));
  if (spec.nodeExporter) {
    // One node-exporter per node: name the instance after the node so alerts read "node X is down".
    jobs.push(endpointSliceJob(nodeExporterContract.job, spec.nodeExporter, { relabel: [copy("__meta_kubernetes_pod_node_name", "instance")] }));
  }
  if (spec.cadvisor) {
    jobs.push(endpointSliceJob(cadvisorContract.job, spec.cadvisor, {
      relabel: [copy("__meta_kubernetes_pod_node_name", "instance")],
      // Per-container series that no dashboard or alert reads, and that multiply with every container.
      metric_relabel_configs: [{ source_labels: ["__name__"], regex: "container_(tasks_state|memory_failures_total|network_tcp_usage_total|network_udp_usage_total)", action: "drop" }],
    }));
  }
  if (spec.kubeStateMetrics) {
    // kube-state-metrics reports other objects' namespace and pod: keep those, not the exporter's own.
    jobs.push(endpointSliceJob(kubeStateMetricsContract.job, spec.kubeStateMetrics, { honor_labels: true }));
  }
  if (spec.blackbox) {
    jobs.push(endpointSliceJob(blackboxExporterContract.job, spec.blackbox));
    jobs.push(...probeJobs(spec.blackbox));
  }
  for (const role of ["sidecar", "query", "store", "compact"] as const) {
    const target = spec.thanos?.[role];
    if (target) jobs.push(endpointSliceJob(thanosContract.jobs[role], target));
  }
  if (spec.kubernetes.apiServer) {
    jobs.push({
      job_name: kubernetesJobs.apiServer,
      scheme: "https",
      ...inClusterAuth,
      kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: ["default"] } }],
      relabel_configs: [keep(["__meta_kubernetes_service_name", "__meta_kubernetes_endpointslice_port_name"], "kubernetes;https")],
    });
  }
  if (spec.kubernetes.kubelet) {
    jobs.push({
      job_name: kubernetesJobs.kubelet,
      scheme: "https",
      authorization: inClusterAuth.authorization,
      // Kubelet serving certificates are self-signed unless the cluster enables serverTLSBootstrap.
      tls_config: { ...inClusterAuth.tls_config, insecure_skip_verify: spec.kubernetes.kubeletInsecureSkipVerify },
      kubernetes_sd_configs: [{ role: "node" }],
      relabel_configs: [copy("__meta_kubernetes_node_name", "node"), copy("__meta_kubernetes_node_name", "instance")],
    });
  }
  if (spec.kubernetes.annotated) jobs.push(annotatedJob("pod"), annotatedJob("service"));

  for (const target of spec.apps ?? []) {
    const renames = Object.entries(target.renameLabels ?? {}).sort(([a], [b]) => a.localeCompare(b));
    jobs.push(endpointSliceJob(target.job, target, {
      ...(target.path && target.path !== "/metrics" ? { metrics_path: target.path } : {}),
      ...(target.params ? { params: target.params } : {}),
      ...(renames.length
        ? {
            metric_relabel_configs: [
              ...renames.map(([from, to]) => ({ source_labels: [from], regex: "(.+)", target_label: to, replacement: "$1", action: "replace" })),
              { action: "labeldrop", regex: renames.map(([from]) => from).join("|") },
            ],
          }
        : {}),
    }));
  }

  for (const target of spec.services) {
    jobs.push({
      job_name: serviceJob(target.name),
      metrics_path: target.path,
      kubernetes_sd_configs: [{ role: "endpointslice", namespaces: { names: [target.namespace] } }],
      relabel_configs: [
        keep(["__meta_kubernetes_service_name"], target.service),
        keep(["__address__"], `.+:${target.port}`),
        ...podLabels,
      ],
    });
  }

  // Every shard scrapes itself (its own health is per shard); the growing jobs are split between the shards,
  // and the others stay whole on shard 0.
  const sharded = spec.shard && spec.shard.count > 1 ? spec.shard : undefined;
  if (spec.shard) checkShard(spec.shard);
  const scrapeConfigs = sharded
    ? jobs.flatMap((job) => {
        const name = String(job.job_name);
        if (name === prometheusContract.job) return [job];
        if (isSplitJob(name, spec.services)) return [{ ...job, relabel_configs: [...((job.relabel_configs as Relabel[]) ?? []), ...shardRelabelConfigs(sharded)] }];
        return sharded.index === 0 ? [job] : [];
      })
    : jobs;

  return {
    global: {
      scrape_interval: spec.scrapeInterval,
      scrape_timeout: spec.scrapeTimeout,
      evaluation_interval: spec.evaluationInterval,
      external_labels: {
        cluster: spec.cluster,
        environment: spec.environment,
        // Each replica of an HA pair labels its series; expanded from the pod's environment at start.
        replica: "${POD_NAME}",
        ...(sharded ? { [SHARD_LABEL]: String(sharded.index) } : {}),
      },
    },
    rule_files: [`${spec.rulesDir}/*.yml`],
    alerting: {
      // Both replicas send the same alerts; without their replica label Alertmanager deduplicates them.
      alert_relabel_configs: [{ action: "labeldrop", regex: "replica" }],
      alertmanagers: [{ api_version: "v2", timeout: "10s", static_configs: [{ targets: spec.alertmanagers }] }],
    },
    ...(spec.remoteWrite.length
      ? {
          remote_write: spec.remoteWrite.map((rw) => ({
            name: rw.name,
            url: rw.url,
            ...(rw.sigv4 ? { sigv4: { region: rw.sigv4.region, ...(rw.sigv4.roleArn ? { role_arn: rw.sigv4.roleArn } : {}) } } : {}),
            ...(rw.azureWorkloadIdentity
              ? { azuread: { cloud: "AzurePublic", workload_identity: { client_id: rw.azureWorkloadIdentity.clientId, tenant_id: rw.azureWorkloadIdentity.tenantId, token_file_path: rw.azureWorkloadIdentity.tokenFilePath } } }
              : {}),
            ...(rw.haDeduplication
              ? {
                  write_relabel_configs: [
                    { source_labels: ["replica"], target_label: "__replica__" },
                    { action: "labeldrop", regex: "replica" },
                    // The receiver keeps one replica per `cluster` and drops the others' samples: each shard beyond 0
                    // must be an HA group of its own, or its samples would be dropped as a replica of shard 0's.
                    ...(sharded && sharded.index > 0 ? [{ target_label: "cluster", replacement: shardHaCluster(spec.cluster, sharded.index) }] : []),
                  ],
                }
              : {}),
            queue_config: { max_samples_per_send: 2000, capacity: 10000, max_shards: 50 },
          })),
        }
      : {}),
    scrape_configs: scrapeConfigs,
  };
}
