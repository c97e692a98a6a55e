// Offline render: runs the Pulumi program under Pulumi's mocks (no CLI, no cluster, no credentials) and
// writes every Kubernetes manifest and every config file to out/<stack>/, laid out like the seed's tree.
//
//   npx tsx scripts/render.ts <stack> [--out DIR] [--set key=value ...]
//
// Secrets are never real here: every channel credential is a placeholder, and Secret manifests show
// only `<secret: key>` markers.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { channelSecretKeys, CONFIG_NAMESPACE, secretKeys as stackSecretKeys } from "../stacks/config";
import { toYaml } from "../components/yaml";
import { AlertDefinition, renderRuleTests } from "../components/alerts";
import { maskSecrets, RenderedResource, ResourceRecorder, valueOf } from "./mock-resources";
import { cloudFiles } from "./cloud-files";

export type { RenderedResource } from "./mock-resources";

export interface RenderResult {
  resources: RenderedResource[];
  /** Relative path under the output directory → file content. */
  files: Record<string, string>;
}

const repoRoot = path.resolve(__dirname, "..");

/** The stack's config from Pulumi.<stack>.yaml, as the engine hands it to the program: strings, objects as JSON. */
export function readStackConfig(stack: string): { config: Record<string, string>; secretKeys: string[] } {
  const file = path.join(repoRoot, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no such stack: ${file} does not exist`);
  const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = placeholderFor(key);
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  // Channel credentials live in the stack's encrypted config, never in the repo: stand in for each.
  for (const secret of Object.values(channelSecretKeys)) {
    const key = `${CONFIG_NAMESPACE}:${secret}`;
    if (!(key in config)) {
      config[key] = placeholderFor(key);
      secretKeys.push(key);
    }
  }
  return { config, secretKeys };
}

/** A value that passes validation (URLs must be https) and is recognisably fake. */
function placeholderFor(key: string): string {
  return /Url$/.test(key) ? `https://placeholder.invalid/${key.replace(":", "/")}` : `placeholder-${key.replace(":", "-")}`;
}

const kindOrder = ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "Secret", "Service", "StatefulSet", "Deployment", "DaemonSet", "PodDisruptionBudget", "NetworkPolicy"];

/** Config files the stack deploys through ConfigMaps, and where the seed's tree keeps them. */
const configMapFiles: Record<string, string> = {
  "prometheus-config": "prometheus",
  "prometheus-rules": "prometheus/rules",
  "alertmanager-config": "alertmanager",
  "blackbox-exporter-config": "blackbox",
  "grafana-datasources": "grafana/provisioning/datasources",
  "grafana-dashboard-providers": "grafana/provisioning/dashboards",
  "logstash-pipeline": "logstash/pipeline",
  "logstash-settings": "logstash",
  "logstash-exporter": "logstash/exporter",
  "loki-config": "loki",
  "log-shipper-config": "log-shipper",
  "jaeger-config": "jaeger",
};
/** Grafana's dashboards, one ConfigMap per folder: grafana-dashboards-<folder> → grafana/dashboards/<folder>/<uid>.json. */
const DASHBOARDS_CONFIGMAP = /^grafana-dashboards-(.+)$/;
/** Scrape shards beyond 0 (novacron:prometheus.shards): prometheus-shard-<n>-{config,rules} → prometheus/shard-<n>[/rules]. */
const SHARD_CONFIGMAP = /^prometheus-shard-(\d+)-(config|rules)$/;
const configMapDir = (name: string): string | undefined =>
  configMapFiles[name] ??
  (DASHBOARDS_CONFIGMAP.test(name) ? name.replace(DASHBOARDS_CONFIGMAP, "grafana/dashboards/$1") : undefined) ??
  (SHARD_CONFIGMAP.test(name) ? name.replace(SHARD_CONFIGMAP, (_, n, kind) => `prometheus/shard-${n}${kind === "rules" ? "/rules" : ""}`) : undefined);

/** Where a ConfigMap's files go when its name carries a content hash: by app, keys `dir_file` → `dir/file`. */
const configMapFilesByApp: Record<string, string> = { "elasticsearch-bootstrap": "elasticsearch" };

/** Objects outside the Kubernetes API's own groups (ECK's custom resources), kept apart from the rest. */
const isCustomResource = (m: Record<string, any>) => typeof m.apiVersion === "string" && /\.k8s\.elastic\.co\//.test(m.apiVersion);

function isKubernetes(r: RenderedResource) {
  return r.type.startsWith("kubernetes:");
}

/** Manifests as `kubectl apply` would take them; Secret values replaced by markers. */
function manifestOf(r: RenderedResource): Record<string, any> {
  const { apiVersion, kind, metadata, ...rest } = r.inputs;
  const manifest: Record<string, any> = { apiVersion, kind, metadata, ...rest };
  if (kind === "Secret") {
    for (const field of ["stringData", "data"]) {
      if (manifest[field]) manifest[field] = Object.fromEntries(Object.keys(manifest[field]).map((k) => [k, `<secret: ${CONFIG_NAMESPACE}:${k}>`]));
    }
  }
  return manifest;
}

export function layoutFiles(resources: RenderedResource[]): Record<string, string> {
  const files: Record<string, string> = {};
  const groups = new Map<string, Record<string, any>[]>();
  for (const r of resources.filter(isKubernetes)) {
    if (r.type === "kubernetes:helm.sh/v4:Chart") {
      // Recorded, not expanded: the chart, its pinned version and our values.
      files[`kubernetes/helm/${r.name}.yaml`] = toYaml({ chart: r.inputs.chart, version: r.inputs.version, repositoryOpts: r.inputs.repositoryOpts, namespace: r.inputs.namespace, values: r.inputs.values });
      continue;
    }
    const manifest = manifestOf(r);
    if (isCustomResource(manifest)) {
      const file = `kubernetes/custom-resources/${manifest.metadata?.labels?.["app.kubernetes.io/name"] ?? manifest.kind}.yaml`;
      files[file] = (files[file] ? files[file] + "---\n" : "") + toYaml(manifest);
      continue;
    }
    const byApp = configMapFilesByApp[manifest.metadata?.labels?.["app.kubernetes.io/name"]];
    if (manifest.kind === "ConfigMap" && byApp) {
      for (const [key, content] of Object.entries<string>(manifest.data ?? {})) files[`${byApp}/${key.replace("_", "/")}`] = content;
    }
    const group = manifest.metadata?.labels?.["app.kubernetes.io/name"] ?? "namespaces";
    groups.set(group, [...(groups.get(group) ?? []), manifest]);
    const dir = manifest.kind === "ConfigMap" ? configMapDir(String(manifest.metadata?.name)) : undefined;
    if (dir) {
      for (const [file, content] of Object.entries<string>(manifest.data ?? {})) files[`${dir}/${file}`] = content;
    }
  }
  for (const [group, manifests] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    manifests.sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
    files[`kubernetes/${group}.yaml`] = manifests.map((m) => toYaml(m)).join("---\n");
  }
  return files;
}

/** Runs the program for a stack under mocks and returns what it registered and the file layout. */
export async function renderStack(stack: string, overrides: Record<string, string> = {}): Promise<RenderResult> {
  const { config, secretKeys } = readStackConfig(stack);
  const recorder = new ResourceRecorder();
  await recorder.install(stack);
  // A secret key given on the command line is a secret, as `pulumi config set --secret` would make it.
  const secretOverrides = Object.keys(overrides).filter((key) => (stackSecretKeys as readonly string[]).includes(key.slice(CONFIG_NAMESPACE.length + 1)));
  pulumi.runtime.setAllConfig({ ...config, ...overrides }, [...secretKeys, ...secretOverrides]);

  // Imported only now: the program reads its config when it runs, never at import time.
  const { loadStackConfig } = await import("../stacks/config");
  const { createMonitoringStack } = await import("../stacks/monitoring-stack");
  const stackConfig = loadStackConfig();
  const created = createMonitoringStack(stackConfig);
  await valueOf(pulumi.all([created.namespace, created.prometheus.url, created.prometheus.configYaml, created.alertmanager.peerAddresses]));
  const resources = await recorder.settle();
  const values = { ...config, ...overrides };
  return { resources, files: { ...renderedFiles(resources, Object.fromEntries(secretKeys.map((key) => [key, values[key]]))), ...ruleTestFiles(stackConfig.spec.runbookBaseUrl, created.alerts) } };
}

/**
 * The promtool cases of every alert the stack runs (its catalog settings and user alerts applied), beside the
 * rule files: `promtool test rules out/<stack>/prometheus/rule-tests/*.test.yml` proves them on this stack.
 */
function ruleTestFiles(runbookBaseUrl: string, alerts: AlertDefinition[]): Record<string, string> {
  const tests = renderRuleTests({ runbookBaseUrl, alerts, ruleFilesDir: "../rules" });
  return Object.fromEntries(Object.entries(tests).map(([file, text]) => [`prometheus/rule-tests/${file}`, text]));
}

/**
 * The files of a render. Secrets by construction, not by searching the text: every value the program holds
 * as a Pulumi secret (a channel credential handed to a cloud resource, a generated password) is a marker,
 * named after its config key when it is one of `secrets` (full config key → value). A value held as a secret
 * as a whole (an endpoint built from a credential) is one marker, as a preview shows it. Secret manifests
 * show markers only (manifestOf). That no secret reaches anything but a Secret or a secret input is the
 * leak tests' to prove (test/unit/security/secrets.test.ts).
 */
export function renderedFiles(resources: RenderedResource[], secrets: Record<string, string>): Record<string, string> {
  const keyOf = new Map(Object.entries(secrets).map(([key, value]) => [value, key]));
  const marker = (value: unknown) => (typeof value === "string" && keyOf.has(value) ? `<secret: ${keyOf.get(value)}>` : "<secret>");
  const asFiled = resources.map((r) => (r.inputs.kind === "Secret" ? r : { ...r, inputs: maskSecrets(r.wireInputs ?? r.inputs, marker) }));
  return { ...layoutFiles(asFiled), ...cloudFiles(asFiled) };
}

export function writeFiles(outDir: string, files: Record<string, string>) {
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(outDir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

async function main(argv: string[]) {
  const stack = argv[0];
  if (!stack || stack.startsWith("-")) throw new Error("usage: render <stack> [--out DIR] [--set key=value ...]");
  let outDir = path.join(repoRoot, "out", stack);
  const overrides: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "--out") outDir = path.resolve(argv[++i]);
    else if (argv[i] === "--set") {
      const [key, ...value] = argv[++i].split("=");
      overrides[key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`] = value.join("=");
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  const { resources, files } = await renderStack(stack, overrides);
  writeFiles(outDir, files);
  const kube = resources.filter(isKubernetes).length;
  console.log(`rendered stack ${stack}: ${kube} Kubernetes objects, ${Object.keys(files).length} files in ${path.relative(process.cwd(), outDir) || "."}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
