// Generates docs/config-reference.md from the stack config schema (stacks/schema.ts, via zod's JSON Schema)
// and the environment presets: every key, its type and constraints, and its dev and prod values.
//
//   npm run docs             writes docs/config-reference.md
//   npm run docs -- --check  exits 1 if the committed file is stale
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { channelSecretKeys, CONFIG_NAMESPACE } from "../stacks/config";
import { presets } from "../stacks/presets";
import { stackSpecSchema } from "../stacks/schema";

export const referencePath = path.resolve(__dirname, "..", "docs", "config-reference.md");

/** What a key is for, where the schema alone does not say. Keys without an entry still get a row. */
const descriptions: Record<string, string> = {
  environment: "Which preset applies (required).",
  cluster: "Cluster name: the `cluster` external label on every series and alert.",
  namespace: "Namespace of the stack (Pod Security Standards `restricted`).",
  hostNamespace: "Namespace of host-level agents (node-exporter, cAdvisor, the log shipper); `privileged`.",
  storageClass: "StorageClass of every volume; unset uses the cluster default.",
  runbookBaseUrl: "Alerts link `<base>/<alert-slug>` (docs/runbooks/).",
  networkPolicies: "Default-deny NetworkPolicies plus each component's own flows.",
  "prometheus.replicas": "Each replica scrapes everything (an HA pair in prod; prod needs at least 2).",
  "prometheus.retentionTime": "Prometheus duration, 2h to 730d.",
  "prometheus.retentionSize": "Prometheus size such as 50GB; at most 85% of storageSize.",
  "prometheus.storageSize": "Volume per replica, e.g. 80Gi.",
  "prometheus.scrapeInterval": "Prometheus duration, 5s to 5m.",
  "prometheus.scrapeTimeout": "Prometheus duration, at most scrapeInterval.",
  "prometheus.evaluationInterval": "Prometheus duration, 5s to 5m.",
  "prometheus.remoteWrite": "Long-term storage endpoints; `sigv4` signs for Amazon Managed Service for Prometheus.",
  "prometheus.kubeletInsecureSkipVerify": "Skip verifying kubelet serving certificates (self-signed unless serverTLSBootstrap is on).",
  "alertmanager.replicas": "More than one forms a gossip cluster (prod needs at least 3).",
  "alertmanager.groupWait": "Prometheus duration: wait before a new group's first notification.",
  "alertmanager.criticalGroupWait": "Prometheus duration: the same, for critical alerts.",
  "alertmanager.groupInterval": "Prometheus duration: wait before notifying about new alerts in a notified group.",
  "alertmanager.repeatInterval": "Prometheus duration: re-send a still-firing notification after this.",
  "alertmanager.resolveTimeout": "Prometheus duration: an alert without updates resolves after this.",
  "alertmanager.externalUrl": "The URL people reach Alertmanager at; notifications link to it.",
  "notifications.slack.domainChannels": "Per-domain Slack channels; a domain without one uses `channel`.",
  "notifications.heartbeat.enabled": "Dead man's switch: the always-firing Watchdog goes to the heartbeatUrl secret.",
  targets: "Services scraped on every pod behind them, job `novacron-<name>`.",
  "blackbox.dnsQueryName": "The name the dns module resolves against each probed server.",
  "blackbox.probes": "Probes: http_2xx takes URLs, tcp_connect and dns take host:port, icmp takes hosts.",
  "mlModelExporter.image": "The exporter image (exporters/ml-model), pinned to a version.",
  "mlModelExporter.endpoint": "The ML service's base URL (the seed's ML_MODEL_ENDPOINT).",
  "mlModelExporter.scrapeInterval": "Seconds; served ML data is never older (the seed's SCRAPE_INTERVAL).",
  alertThresholds: "Per-stack alert thresholds in each expression's unit (ratios 0..1, seconds, counts); an alert not listed keeps its default (components/alerts/catalog.ts). CriticalCPUUsage must stay above HighCPUUsage.",
};

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema; required?: string[]; enum?: unknown[]; anyOf?: JsonSchema[]; minimum?: number; maximum?: number; minLength?: number; minItems?: number; pattern?: string; format?: string; additionalProperties?: unknown };

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" \\| ");
  const parts = [String(s.type ?? "any")];
  if (s.type === "array" && s.items && s.items.type !== "object") parts[0] = `${typeOf(s.items)}[]`;
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ""}–${s.maximum ?? ""}`);
  if (s.format === "uri" || s.format === "email") parts.push(s.format === "uri" ? "URL" : "email");
  if (s.minItems) parts.push(`at least ${s.minItems}`);
  return parts.join(", ");
}

const valueAt = (obj: unknown, keyPath: string[]): unknown => keyPath.reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), obj);

function show(value: unknown): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const cut = text.length > 48 ? `${text.slice(0, 45)}…` : text;
  return `\`${cut.replace(/\|/g, "\\|")}\``;
}

interface Row { key: string; type: string; required: boolean; dev: string; prod: string; description: string }

/** One row per key: objects expand into their fields; arrays of objects into `key[].field`. */
function rows(schema: JsonSchema, prefix: string[] = [], inArray = false): Row[] {
  const out: Row[] = [];
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const keyPath = [...prefix, name];
    const key = keyPath.join(".").replace(/\.\[\]/g, "[]");
    const required = (schema.required ?? []).includes(name);
    const isObject = prop.type === "object" && prop.properties;
    const isObjectArray = prop.type === "array" && prop.items?.type === "object" && prop.items.properties;
    const plainPath = keyPath.filter((k) => k !== "[]");
    out.push({
      key,
      type: isObject ? "object" : isObjectArray ? "list of objects" : typeOf(prop),
      required,
      dev: inArray || isObject ? "" : show(valueAt(presets.dev, plainPath)),
      prod: inArray || isObject ? "" : show(valueAt(presets.prod, plainPath)),
      description: descriptions[key] ?? "",
    });
    if (isObject) out.push(...rows(prop, keyPath, inArray));
    if (isObjectArray) out.push(...rows(prop.items!, [...keyPath, "[]"], true));
  }
  return out;
}

export function renderConfigReference(): string {
  const schema = z.toJSONSchema(stackSpecSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const lines = [
    "# Stack configuration reference",
    "",
    "<!-- Generated by `npm run docs` (scripts/config-reference.ts) from stacks/schema.ts and stacks/presets.ts. Do not edit by hand. -->",
    "",
    `Set in \`Pulumi.<stack>.yaml\` under \`config:\` (structured values as YAML), or with \`pulumi config set [--path] ${CONFIG_NAMESPACE}:<key> <value>\`.`,
    "A key not set takes the environment preset's value (the dev and prod columns). Every value is validated before any",
    `resource is created; a bad one fails with \`${CONFIG_NAMESPACE}:<key>: <problem>\`, all problems at once.`,
    "",
    "| Key | Type | dev | prod | Description |",
    "|---|---|---|---|---|",
    ...rows(schema).map((r) => `| \`${CONFIG_NAMESPACE}:${r.key}\` | ${r.type}${r.required ? "" : " (optional)"} | ${r.dev} | ${r.prod} | ${r.description} |`),
    "",
    "## Secrets",
    "",
    `Set with \`pulumi config set --secret ${CONFIG_NAMESPACE}:<key> <value>\`; a value set in plain text is refused. An enabled`,
    "channel needs its secret; URL secrets must be https.",
    "",
    "| Key | Channel |",
    "|---|---|",
    ...Object.entries(channelSecretKeys).map(([channel, key]) => `| \`${CONFIG_NAMESPACE}:${key}\` | ${channel} |`),
    "",
  ];
  return lines.join("\n");
}

if (require.main === module) {
  const text = renderConfigReference();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(referencePath) ? fs.readFileSync(referencePath, "utf8") : "";
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), referencePath)} is stale: run npm run docs`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(referencePath), { recursive: true });
    fs.writeFileSync(referencePath, text);
    console.log(`wrote ${path.relative(process.cwd(), referencePath)}`);
  }
}
