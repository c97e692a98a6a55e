// Turns the rendered dev configuration into one that runs on 127.0.0.1, changing only addresses: the jobs
// for the processes the e2e tests start get static loopback targets, everything else about them (intervals,
// relabelling, rules, routing, receivers) is the rendered configuration, byte for byte where possible.
// The transforms are pure (text in, text out); `checkLoopbackConfigs` runs the real checkers on the result.
import * as path from "path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { runTool } from "../helpers/tools";

type Yaml = Record<string, any>;

/**
 * The scrape jobs whose processes the loopback tests run, and the address each is listening on; a job
 * with several instances (Alertmanager peers, exporter replicas) lists one address per instance.
 */
export interface LoopbackTargets {
  prometheus: string;
  alertmanager: string | string[];
  "node-exporter"?: string;
  "blackbox-exporter"?: string;
  /** Any other rendered job, e.g. novacron-ml-model-exporter. */
  [job: string]: string | string[] | undefined;
}

/** The addresses of a job's instances (none when the job is not run on loopback). */
export const addressesOf = (target: string | string[] | undefined): string[] => (target === undefined ? [] : Array.isArray(target) ? target : [target]);

export interface PrometheusRewrite {
  targets: LoopbackTargets;
  /** Where the rendered rule files have been copied; rule_files globs are re-rooted here. */
  rulesDir: string;
  /** Node name the simulated discovery reports; relabelling turns it into node-exporter's `instance`. */
  nodeName: string;
  /**
   * Blackbox probe targets that have a loopback stand-in: rendered target → the URL or host:port probed
   * instead. A probe job is kept only if every one of its targets has one (and blackbox-exporter runs).
   */
  probeTargets?: Record<string, string>;
}

export const E2E_NODE_NAME = "e2e-node";

/**
 * The rendered prometheus.yml with loopback addresses. Jobs for the processes we run keep their name and
 * every setting; their Kubernetes discovery becomes a static target carrying the `__meta_kubernetes_*`
 * labels endpoint discovery would have attached, so the rendered relabel rules run unchanged (the `keep`
 * filters pass and `instance` becomes the node name, as in the cluster); a `keep` on the target's port
 * selects the loopback port instead. All other jobs are dropped: the kubelet, API server, cAdvisor,
 * kube-state-metrics, annotated pods and services, the novacron-* services and the blackbox probe jobs
 * (whose targets, cluster DNS and the NovaCron API, do not exist here, unless a stand-in is given in
 * `probeTargets`) have nothing to scrape on loopback, and a permanently failing target would only add
 * noise alerts.
 */
export function loopbackPrometheusConfig(renderedYaml: string, rewrite: PrometheusRewrite): string {
  const config = parse(renderedYaml) as Yaml;
  const targets = rewrite.targets;

  config.rule_files = (config.rule_files ?? []).map((file: string) => path.join(rewrite.rulesDir, path.basename(file)));

  for (const am of config.alerting?.alertmanagers ?? []) {
    if (!am.static_configs || am.kubernetes_sd_configs || am.dns_sd_configs) throw new Error("alertmanagers: expected static_configs only");
    // Every peer of a replicated Alertmanager becomes a loopback instance (as many as are run).
    am.static_configs = [{ targets: addressesOf(targets.alertmanager) }];
  }

  // Remote storage is not running here either (prod only; dev has none).
  delete config.remote_write;
  delete config.remote_read;

  config.scrape_configs = (config.scrape_configs as Yaml[]).flatMap((job) => {
    if (isProbeJob(job)) {
      const probe = targets["blackbox-exporter"] ? loopbackProbeJob(job, targets["blackbox-exporter"], rewrite.probeTargets ?? {}) : undefined;
      return probe ? [probe] : [];
    }
    const addresses = addressesOf(targets[job.job_name]);
    return addresses.length ? [loopbackJob(job, addresses, rewrite.nodeName)] : [];
  });
  return stringify(config, { lineWidth: 0 });
}

/** A blackbox probe job: its targets are sent to the exporter, whose address a relabel rule sets. */
function isProbeJob(job: Yaml): boolean {
  return job.metrics_path === "/probe" && ((job.relabel_configs ?? []) as Yaml[]).some((r) => r.target_label === "__address__" && !r.source_labels);
}

function loopbackProbeJob(job: Yaml, exporterAddress: string, standIns: Record<string, string>): Yaml | undefined {
  const statics = (job.static_configs ?? []) as Yaml[];
  if (statics.length === 0 || !statics.every((s) => (s.targets as string[]).every((t) => t in standIns))) return undefined;
  return {
    ...job,
    static_configs: statics.map((s) => ({ ...s, targets: (s.targets as string[]).map((t) => standIns[t]) })),
    relabel_configs: (job.relabel_configs as Yaml[]).map((r) => (r.target_label === "__address__" && !r.source_labels ? { ...r, replacement: exporterAddress } : r)),
  };
}

function loopbackJob(job: Yaml, addresses: string[], nodeName: string): Yaml {
  const { kubernetes_sd_configs: sd, static_configs: statics, ...rest } = job;
  if (statics && !sd) {
    if (statics.length !== 1 || statics[0].targets.length !== 1) throw new Error(`job ${job.job_name}: expected one static target`);
    return { ...rest, static_configs: [{ ...statics[0], targets: addresses }] };
  }
  if (!sd || statics || sd.length !== 1 || sd[0].role !== "endpointslice") {
    throw new Error(`job ${job.job_name}: expected either one static target or one endpointslice discovery`);
  }
  const ports = addresses.map((a) => a.slice(a.lastIndexOf(":") + 1));
  // A `keep` on the target's port (`.+:9200`) selects the loopback ports instead: they are addresses too.
  const relabel = ((rest.relabel_configs ?? []) as Yaml[]).map((rule) => {
    if (rule.action !== "keep" || rule.source_labels?.[0] !== "__address__") return rule;
    if (rule.source_labels.length !== 1 || !/^\.\+:\d+$/.test(rule.regex)) throw new Error(`job ${job.job_name}: cannot rewrite keep rule ${JSON.stringify(rule)}`);
    return { ...rule, regex: `.+:(${ports.join("|")})` };
  });
  return {
    ...rest,
    ...(rest.relabel_configs ? { relabel_configs: relabel } : {}),
    static_configs: addresses.map((address, i) => ({ targets: [address], labels: simulatedDiscoveryLabels(job, sd[0], nodeName, i) })),
  };
}

/**
 * The meta labels endpointslice discovery would attach to the job's target: its namespace, a pod on the
 * e2e node, and whatever each literal `keep` filter on a single `__meta_kubernetes_*` label selects
 * (service name, app label, port name). Any other kind of `keep` rule cannot be simulated: fail loudly
 * rather than silently scrape nothing.
 */
export function simulatedDiscoveryLabels(job: Yaml, sd: Yaml, nodeName: string, instance = 0): Record<string, string> {
  const labels: Record<string, string> = {
    __meta_kubernetes_namespace: sd.namespaces?.names?.[0] ?? "default",
    __meta_kubernetes_pod_name: `${job.job_name}-e2e-${instance}`,
    __meta_kubernetes_pod_node_name: nodeName,
  };
  for (const rule of (job.relabel_configs ?? []) as Yaml[]) {
    if (rule.action !== "keep") continue;
    const [source, ...more] = rule.source_labels ?? [];
    if (source === "__address__" && more.length === 0) continue; // the port filter, rewritten by loopbackJob
    const literal = typeof rule.regex === "string" && /^[\w-]+$/.test(rule.regex);
    if (more.length > 0 || !String(source).startsWith("__meta_kubernetes_") || !literal) {
      throw new Error(`job ${job.job_name}: cannot simulate discovery for keep rule ${JSON.stringify(rule)}`);
    }
    labels[source] = rule.regex;
  }
  return labels;
}

/**
 * The rendered alertmanager.yml with every credential file under the in-cluster secrets directory moved
 * to `secretsDir` (same file name). Returns the file names referenced, so the caller can write them.
 */
export function loopbackAlertmanagerConfig(renderedYaml: string, secretsDir: string, clusterSecretsDir = "/etc/alertmanager/secrets"): { yaml: string; secretFiles: string[] } {
  const config = parse(renderedYaml) as Yaml;
  const secretFiles = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node as Yaml)) {
      if (key.endsWith("_file") && typeof value === "string" && path.dirname(value) === clusterSecretsDir) {
        secretFiles.add(path.basename(value));
        (node as Yaml)[key] = path.join(secretsDir, path.basename(value));
      } else visit(value);
    }
  };
  visit(config);
  return { yaml: stringify(config, { lineWidth: 0 }), secretFiles: [...secretFiles].sort() };
}

// ---------------------------------------------------------------------------------------------------
// Validation with the real tools

export interface CheckResult {
  ok: boolean;
  output: string;
}

/** `promtool check config` (which also checks the rule files) and `amtool check-config` on written files. */
export function checkLoopbackConfigs(files: { prometheusYml: string; alertmanagerYml: string }): { promtool: CheckResult; amtool: CheckResult } {
  const result = (r: ReturnType<typeof runTool>): CheckResult => ({ ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` });
  return {
    promtool: result(runTool("promtool", ["check", "config", files.prometheusYml])),
    amtool: result(runTool("amtool", ["check-config", files.alertmanagerYml])),
  };
}

// ---------------------------------------------------------------------------------------------------
// Command lines and environments from the rendered workloads

/** The first container named `container` in the rendered manifests of `app` (kubernetes/<app>.yaml). */
export function renderedContainer(kubernetesYaml: string, container: string): { args: string[]; env: Record<string, string>; replicas: number } {
  for (const doc of parseAllDocuments(kubernetesYaml)) {
    const o = doc.toJS() as Yaml;
    if (!["StatefulSet", "Deployment", "DaemonSet"].includes(o?.kind)) continue;
    const c = (o.spec.template.spec.containers as Yaml[]).find((x) => x.name === container);
    if (!c) continue;
    const env = Object.fromEntries(((c.env ?? []) as Yaml[]).filter((e) => typeof e.value === "string").map((e) => [e.name, e.value]));
    return { args: c.args ?? [], env, replicas: o.spec.replicas ?? 1 };
  }
  throw new Error(`no workload with a container named ${container}`);
}

export interface AlertmanagerLoopback {
  configFile: string;
  storagePath: string;
  /** host:port of the web API. */
  web: string;
  /** Gossip: this peer's host:port, and every peer's (itself included), in the rendered peers' order. */
  cluster?: { listen: string; peers: string[] };
}

/**
 * The rendered Alertmanager command line with loopback addresses and local paths: config file, storage,
 * web and gossip listen/advertise addresses, and the peers (each rendered peer becomes the loopback peer
 * at the same position). Every other flag (e.g. --cluster.reconnect-timeout) is kept as rendered; a flag
 * naming a cluster address this function does not know fails loudly.
 */
export function loopbackAlertmanagerArgs(rendered: string[], opts: AlertmanagerLoopback): string[] {
  const renderedPeers = rendered.filter((a) => a.startsWith("--cluster.peer="));
  const gossip = rendered.some((a) => /^--cluster\.listen-address=.+/.test(a));
  if (gossip !== (opts.cluster !== undefined)) throw new Error(`the rendered Alertmanager ${gossip ? "gossips" : "runs alone"}; the loopback setup must match`);
  if (opts.cluster && opts.cluster.peers.length !== renderedPeers.length) {
    throw new Error(`the rendered Alertmanager has ${renderedPeers.length} peers, the loopback setup ${opts.cluster.peers.length}`);
  }
  let peer = 0;
  return rendered.map((arg) => {
    const [flag] = arg.split("=", 1);
    switch (flag) {
      case "--config.file": return `${flag}=${opts.configFile}`;
      case "--storage.path": return `${flag}=${opts.storagePath}`;
      case "--web.listen-address": return `${flag}=${opts.web}`;
      case "--cluster.listen-address": return opts.cluster ? `${flag}=${opts.cluster.listen}` : arg;
      case "--cluster.advertise-address": return `${flag}=${opts.cluster!.listen}`;
      case "--cluster.peer": return `${flag}=${opts.cluster!.peers[peer++]}`;
      default:
        if (/\.svc\b|\$\(/.test(arg)) throw new Error(`cannot run ${arg} on loopback`);
        return arg;
    }
  });
}
