// prometheus.yml: one scrape job per typed target, under the job names the components' contracts give (the
// alert catalog and the dashboards select on them), alerts to every Alertmanager, remote_write per endpoint.
import { alertmanagerContract } from "../alertmanager/contract";
import { blackboxExporterContract } from "../blackbox-exporter/contract";
import { cadvisorContract } from "../cadvisor/contract";
import { kubeStateMetricsContract } from "../kube-state-metrics/contract";
import { nodeExporterContract } from "../node-exporter/contract";
import { prometheusContract } from "./contract";
import { PrometheusConfigSpec, renderPrometheusConfig } from "./render-config";

const app = (name: string, port: string) => ({ namespace: "monitoring", app: name, port });
const nothingScraped: PrometheusConfigSpec = {
  cluster: "c1", environment: "prod", scrapeInterval: "15s", scrapeTimeout: "10s", evaluationInterval: "15s",
  alertmanagers: ["alertmanager-0.alertmanager-headless.monitoring.svc:9093", "alertmanager-1.alertmanager-headless.monitoring.svc:9093"],
  remoteWrite: [], rulesDir: "/etc/prometheus/rules",
  kubernetes: { apiServer: false, kubelet: false, kubeletInsecureSkipVerify: false, annotated: false },
  services: [],
};
const everything: PrometheusConfigSpec = {
  ...nothingScraped,
  alertmanager: { ...app("alertmanager", "web"), service: "alertmanager" },
  nodeExporter: app("node-exporter", "metrics"),
  cadvisor: app("cadvisor", "http"),
  kubeStateMetrics: app("kube-state-metrics", "http-metrics"),
  blackbox: {
    ...app("blackbox-exporter", "http"), address: "blackbox-exporter.monitoring.svc:9115",
    probes: [
      { name: "api", module: "http_2xx", targets: ["https://api.novacron.example/healthz"] },
      { name: "db", module: "tcp_connect", targets: ["db.novacron.svc:5432"] },
      { name: "web", module: "http_2xx", targets: ["https://novacron.example/"] },
    ],
  },
  kubernetes: { apiServer: true, kubelet: true, kubeletInsecureSkipVerify: true, annotated: true },
  services: [{ name: "api", namespace: "novacron", service: "api", port: 8080, path: "/metrics" }],
};
const render = (spec: PrometheusConfigSpec) => renderPrometheusConfig(spec) as any;
const jobsOf = (spec: PrometheusConfigSpec) => Object.fromEntries(render(spec).scrape_configs.map((j: any) => [j.job_name, j]));
const keeps = (job: any) => job.relabel_configs.filter((r: any) => r.action === "keep").map((r: any) => [r.source_labels.join(";"), r.regex]);

describe("scrape jobs", () => {
  test("one job per target given, named as the components' contracts say", () => {
    expect(Object.keys(jobsOf(nothingScraped))).toEqual([prometheusContract.job]);
    expect(Object.keys(jobsOf(everything))).toEqual([
      prometheusContract.job, alertmanagerContract.job, nodeExporterContract.job, cadvisorContract.job, kubeStateMetricsContract.job,
      blackboxExporterContract.job, blackboxExporterContract.probeJobs.http_2xx, blackboxExporterContract.probeJobs.tcp_connect,
      "apiserver", "kubelet", "kubernetes-pods", "kubernetes-service-endpoints", "novacron-api",
    ]);
  });

  test("Prometheus scrapes itself on its own port", () => {
    expect(jobsOf(nothingScraped).prometheus.static_configs).toEqual([{ targets: [`localhost:${prometheusContract.ports.web}`] }]);
  });

  test("in-cluster apps are found by their Service's app name and port name, in their namespace only", () => {
    const jobs = jobsOf(everything);
    expect(jobs.cadvisor.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: ["monitoring"] } }]);
    expect(keeps(jobs.cadvisor)).toEqual([
      ["__meta_kubernetes_service_label_app_kubernetes_io_name", "cadvisor"],
      ["__meta_kubernetes_endpointslice_port_name", "http"],
    ]);
    // Alertmanager has a headless Service too: only the named one is scraped, so each pod is scraped once.
    expect(keeps(jobs.alertmanager)).toContainEqual(["__meta_kubernetes_service_name", "alertmanager"]);
  });

  test("per-node exporters name the instance after the node; kube-state-metrics keeps the labels it reports", () => {
    const jobs = jobsOf(everything);
    for (const job of [jobs["node-exporter"], jobs.cadvisor]) {
      expect(job.relabel_configs).toContainEqual({ source_labels: ["__meta_kubernetes_pod_node_name"], regex: "(.+)", target_label: "instance", replacement: "$1", action: "replace" });
    }
    expect(jobs["kube-state-metrics"].honor_labels).toBe(true);
    expect(jobs["node-exporter"].honor_labels).toBeUndefined();
  });

  test("probes: one job per module used, each probe's targets labelled with its name, sent through the exporter", () => {
    const http = jobsOf(everything)["blackbox-http"];
    expect(http).toMatchObject({ metrics_path: "/probe", params: { module: ["http_2xx"] } });
    expect(http.static_configs).toEqual([
      { targets: ["https://api.novacron.example/healthz"], labels: { probe: "api" } },
      { targets: ["https://novacron.example/"], labels: { probe: "web" } },
    ]);
    expect(http.relabel_configs).toEqual([
      { source_labels: ["__address__"], target_label: "__param_target" },
      { source_labels: ["__param_target"], target_label: "instance" },
      { target_label: "__address__", replacement: "blackbox-exporter.monitoring.svc:9115" },
    ]);
    expect(jobsOf(everything)["blackbox-tcp"].static_configs).toEqual([{ targets: ["db.novacron.svc:5432"], labels: { probe: "db" } }]);
  });

  test("kubelets over HTTPS with the service account's token; certificate checks skipped only when asked", () => {
    const kubelet = jobsOf(everything).kubelet;
    expect(kubelet).toMatchObject({ scheme: "https", authorization: { credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" } });
    expect(kubelet.tls_config.insecure_skip_verify).toBe(true);
    const verified = jobsOf({ ...everything, kubernetes: { ...everything.kubernetes, kubeletInsecureSkipVerify: false } }).kubelet;
    expect(verified.tls_config.insecure_skip_verify).toBe(false);
  });

  test("application services: job novacron-<name>, every pod behind the Service on the metrics port and path", () => {
    const api = jobsOf(everything)["novacron-api"];
    expect(api.metrics_path).toBe("/metrics");
    expect(api.kubernetes_sd_configs).toEqual([{ role: "endpointslice", namespaces: { names: ["novacron"] } }]);
    expect(keeps(api)).toEqual([["__meta_kubernetes_service_name", "api"], ["__address__", ".+:8080"]]);
  });

  test("annotated pods skip finished and pending ones; the annotations set scheme, path and port", () => {
    const pods = jobsOf(everything)["kubernetes-pods"];
    expect(keeps(pods)).toEqual([["__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true"]]);
    expect(pods.relabel_configs).toContainEqual({ source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed|Completed", action: "drop" });
    const address = pods.relabel_configs.find((r: any) => r.target_label === "__address__");
    const [host, port] = ["10.0.0.7:8080", "9102"];
    expect(`${host};${port}`.replace(new RegExp(`^${address.regex}$`), address.replacement)).toBe("10.0.0.7:9102");
  });
});

describe("alerting and labels", () => {
  test("every Alertmanager replica receives every alert, without the replica label that tells the HA pair apart", () => {
    const config = render(nothingScraped);
    expect(config.alerting.alertmanagers).toEqual([{ api_version: "v2", timeout: "10s", static_configs: [{ targets: nothingScraped.alertmanagers }] }]);
    expect(config.alerting.alert_relabel_configs).toEqual([{ action: "labeldrop", regex: "replica" }]);
    expect(config.global.external_labels).toEqual({ cluster: "c1", environment: "prod", replica: "${POD_NAME}" });
    expect(config.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
  });
});

describe("remote_write", () => {
  test("none: no remote_write section at all", () => {
    expect(render(nothingScraped)).not.toHaveProperty("remote_write");
  });

  test("SigV4 (role only when given), Entra workload identity, and HA deduplication through __replica__", () => {
    const config = render({
      ...nothingScraped,
      remoteWrite: [
        { name: "amp", url: "https://aps.example/api/v1/remote_write", sigv4: { region: "eu-west-1" }, haDeduplication: true },
        { name: "amp-role", url: "https://aps.example/w2", sigv4: { region: "eu-west-1", roleArn: "arn:aws:iam::123456789012:role/w" } },
        { name: "azure", url: "https://ingest.example/dcr", azureWorkloadIdentity: { clientId: "client", tenantId: "tenant", tokenFilePath: "/var/run/secrets/azure/tokens/token" } },
      ],
    });
    const [amp, ampRole, azure] = config.remote_write;
    expect(amp.sigv4).toEqual({ region: "eu-west-1" });
    expect(amp.write_relabel_configs).toEqual([{ source_labels: ["replica"], target_label: "__replica__" }, { action: "labeldrop", regex: "replica" }]);
    expect(ampRole.sigv4).toEqual({ region: "eu-west-1", role_arn: "arn:aws:iam::123456789012:role/w" });
    expect(ampRole).not.toHaveProperty("write_relabel_configs");
    expect(azure.azuread).toEqual({ cloud: "AzurePublic", workload_identity: { client_id: "client", tenant_id: "tenant", token_file_path: "/var/run/secrets/azure/tokens/token" } });
    expect(azure).not.toHaveProperty("sigv4");
  });
});

describe("the stack's own apps", () => {
  const spec: PrometheusConfigSpec = {
    ...nothingScraped,
    apps: [
      { ...app("loki", "http"), job: "loki" },
      { ...app("elasticsearch-exporter", "metrics"), job: "elasticsearch-exporter", renameLabels: { cluster: "es_cluster" } },
      { ...app("grafana", "http"), job: "grafana", path: "/metrics" },
    ],
  };
  const jobs = jobsOf(spec);

  test("each is scraped under its own job, on its Service's named port", () => {
    expect(Object.keys(jobs)).toEqual(["prometheus", "loki", "elasticsearch-exporter", "grafana"]);
    expect(keeps(jobs.loki)).toEqual([["__meta_kubernetes_service_label_app_kubernetes_io_name", "loki"], ["__meta_kubernetes_endpointslice_port_name", "http"]]);
    expect(jobs.loki.metrics_path).toBeUndefined();
  });

  test("a label that means something else here is renamed on ingestion, and only there", () => {
    expect(jobs["elasticsearch-exporter"].metric_relabel_configs).toEqual([
      { source_labels: ["cluster"], regex: "(.+)", target_label: "es_cluster", replacement: "$1", action: "replace" },
      { action: "labeldrop", regex: "cluster" },
    ]);
    expect(jobs.loki.metric_relabel_configs).toBeUndefined();
  });
});

describe("scrape sharding (hashmod)", () => {
  const jobsWith = (shard: PrometheusConfigSpec["shard"]) => render({ ...everything, shard }).scrape_configs as any[];

  test("one shard, or none, is the unsharded config: no hashmod, no shard label", () => {
    expect(render({ ...everything, shard: { count: 1, index: 0 } })).toEqual(render(everything));
    expect(JSON.stringify(render(everything))).not.toContain("hashmod");
  });

  const hashmodKeep = (count: number, index: number) => [
    { source_labels: ["__address__", "__param_target"], modulus: count, target_label: "__tmp_shard", action: "hashmod" },
    { source_labels: ["__tmp_shard"], regex: String(index), action: "keep" },
  ];
  // The jobs whose targets grow with nodes, pods and probes; the rest are a fixed handful of the stack's own.
  const growing = [nodeExporterContract.job, cadvisorContract.job, blackboxExporterContract.probeJobs.http_2xx, blackboxExporterContract.probeJobs.tcp_connect,
    "kubelet", "kubernetes-pods", "kubernetes-service-endpoints", "novacron-api"];
  const whole = [alertmanagerContract.job, kubeStateMetricsContract.job, blackboxExporterContract.job, "apiserver"];

  test("every shard scrapes itself and its hashmod share of each growing job; the shard is an external label", () => {
    for (const index of [0, 1, 2]) {
      const jobs = jobsWith({ count: 3, index });
      const self = jobs.find((j) => j.job_name === prometheusContract.job);
      expect(JSON.stringify(self)).not.toContain("hashmod");
      for (const name of growing) expect(jobs.find((j) => j.job_name === name)?.relabel_configs.slice(-2)).toEqual(hashmodKeep(3, index));
      expect(render({ ...everything, shard: { count: 3, index } }).global.external_labels).toMatchObject({ shard: String(index), replica: "${POD_NAME}" });
    }
  });

  test("the stack's own and the control plane's jobs stay whole on shard 0, and no other shard scrapes them", () => {
    const unsharded = jobsOf(everything);
    const zero = jobsWith({ count: 3, index: 0 });
    for (const name of whole) expect(zero.find((j) => j.job_name === name)).toEqual(unsharded[name]);
    for (const index of [1, 2]) {
      expect(jobsWith({ count: 3, index }).map((j) => j.job_name)).toEqual([prometheusContract.job, ...Object.keys(unsharded).filter((name) => growing.includes(name))]);
    }
    expect([...growing, ...whole, prometheusContract.job].sort()).toEqual(Object.keys(unsharded).sort());
  });

  test("the job's own relabelling is kept in front of the shard's", () => {
    const unsharded = jobsOf(everything)["novacron-api"].relabel_configs;
    const sharded = jobsWith({ count: 2, index: 1 }).find((j) => j.job_name === "novacron-api").relabel_configs;
    expect(sharded.slice(0, unsharded.length)).toEqual(unsharded);
    expect(sharded.length).toBe(unsharded.length + 2);
  });

  test("a receiver that deduplicates HA pairs per cluster gets each shard beyond 0 as a group of its own", () => {
    const amp = { name: "amp", url: "https://aps.example/api/v1/remote_write", haDeduplication: true };
    const plain = { name: "plain", url: "https://lts.example/write" };
    const writes = (index: number) => render({ ...everything, remoteWrite: [amp, plain], shard: { count: 2, index } }).remote_write;
    const dedup = [{ source_labels: ["replica"], target_label: "__replica__" }, { action: "labeldrop", regex: "replica" }];
    expect(writes(0)[0].write_relabel_configs).toEqual(dedup);
    expect(writes(1)[0].write_relabel_configs).toEqual([...dedup, { target_label: "cluster", replacement: "c1-shard-1" }]);
    expect(writes(1)[1]).not.toHaveProperty("write_relabel_configs");
  });

  test.each([
    [{ count: 2, index: 2 }, "prometheus shard index must be a whole number from 0 to 1, not 2"],
    [{ count: 2, index: -1 }, "prometheus shard index must be a whole number from 0 to 1, not -1"],
    [{ count: 0, index: 0 }, "prometheus shard count must be a whole number of at least 1, not 0"],
    [{ count: 1.5, index: 0 }, "prometheus shard count must be a whole number of at least 1, not 1.5"],
  ])("refuses %j", (shard, message) => {
    expect(() => render({ ...everything, shard })).toThrow(message);
  });
});
