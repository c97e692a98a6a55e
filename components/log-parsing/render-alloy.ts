// The parsing rules as the log shipper's pipeline: a Grafana Alloy configuration, pure text from the rule
// data. Alloy tails the node's container logs, joins multi-line entries, and fans each entry out twice:
// raw to Logstash (which parses it with the same rules, rendered by render-logstash.ts), and parsed to
// Loki with the same rules as loki.process stages (Go RE2, the engine the tests also run the rules in).
import { enrichers, fields, FIRST_LINE_PATTERN, lineRules, namedGroups } from "./rules";

export interface AlloyConfigSpec {
  /** Loki's push endpoint, e.g. http://loki.monitoring.svc:3100/loki/api/v1/push. */
  lokiPushUrl: string;
  /** Logstash's OTLP/HTTP input base URL, e.g. http://logstash.monitoring.svc:8080; none = Loki only. */
  logstashUrl?: string;
  /** The cluster name, a label on every stream (one Loki may serve several clusters). */
  cluster: string;
  /** Where log files live on the node (the kubelet's /var/log/pods). */
  podLogsDir: string;
  /** Longest a multi-line entry waits for its next line before it is sent. */
  multilineMaxWait: string;
  /**
   * Namespaces whose containers log in the seed's formats (NovaCron's own): only their streams are joined
   * into multi-line entries. Every other stream (JSON, logfmt, klog, nginx, ...) stays one entry per line;
   * empty = no joining at all.
   */
  multilineNamespaces: string[];
  /** Only pods in these namespaces; empty = every namespace. */
  namespaces?: string[];
}

/**
 * An Alloy string literal. A backtick raw string keeps a regex readable (no escaping at all) when it holds
 * no backtick; otherwise a double-quoted string with \\ and \" escapes.
 */
export function alloyString(value: string): string {
  if (!value.includes("`")) return "`" + value + "`";
  return JSON.stringify(value);
}

const indent = (text: string, by = 2) => text.split("\n").map((l) => (l ? " ".repeat(by) + l : l)).join("\n");
const block = (head: string, body: string[]) => (body.length ? `${head} {\n${indent(body.join("\n"))}\n}` : `${head} {}`);
const attr = (key: string, value: string) => `${key} = ${value}`;
const str = (value: string) => JSON.stringify(value);
const map = (entries: [string, string][]) => `{\n${indent(entries.map(([k, v]) => `${k} = ${v},`).join("\n"))}\n}`;

/** Low-cardinality labels every stream carries; everything else rides as structured metadata. */
export const STREAM_LABELS = ["cluster", "namespace", "app", "container", "level"] as const;

/** Labels discovery and loki.source.file set that name one pod: kept as structured metadata, dropped as labels. */
export const PER_POD_LABELS = ["pod", "filename"] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The multi-line join, inside a stage.match on the given namespaces so that only their streams are joined
 * (a line that does not start with an ISO date continues the previous entry). None when no namespace is given.
 */
export function renderMultilineStages(namespaces: string[], maxWait: string): string[] {
  const bad = namespaces.filter((n) => !DNS_LABEL.test(n));
  if (bad.length) throw new Error(`multiline namespaces must be Kubernetes namespace names: ${bad.map((n) => JSON.stringify(n)).join(", ")}`);
  const names = [...new Set(namespaces)];
  if (!names.length) return [];
  return [block("stage.match", [
    "// NovaCron's own containers start each entry with an ISO date; the rest (JSON, logfmt, klog...) stay line by line.",
    attr("pipeline_name", str("novacron_multiline")),
    // A namespace name has no regex metacharacters; LogQL anchors =~ at both ends.
    attr("selector", str(`{namespace=~"${names.join("|")}"}`)),
    "",
    block("stage.multiline", [
      attr("firstline", alloyString(FIRST_LINE_PATTERN)),
      attr("max_wait_time", str(maxWait)),
      attr("max_lines", "500"),
    ]),
  ])];
}

/** The loki.process stages that apply the rules (exported for tests and reuse). */
export function renderParsingStages(): string[] {
  const stages: string[] = [];
  for (const rule of lineRules) {
    // Enrichers that follow this rule, in reverse: each stage.regex overwrites what it extracts, so running
    // them last-to-first leaves every field with the first enricher's capture, as parseLogLine does.
    const after = enrichers.filter((e) => !e.after || e.after.includes(rule.name)).reverse();
    stages.push(block("stage.match", [
      `// ${rule.description}`,
      attr("pipeline_name", str(`rule_${rule.name}`)),
      // A LogQL line filter with the rule's own regex: the stages inside run only on lines it matches.
      attr("selector", str(`{namespace=~".+"} |~ \`${rule.pattern}\``)),
      "",
      block("stage.regex", [attr("expression", alloyString(rule.pattern))]),
      ...after.map((e) => block("stage.regex", [`// ${e.description}`, attr("source", str("log_message")), attr("expression", alloyString(e.pattern))])),
    ]));
  }
  const metadata = Object.entries(fields).filter(([, f]) => f.lokiMetadata).map(([name, f]): [string, string] => [f.lokiMetadata!, str(name)]);
  stages.push(
    block("stage.timestamp", [
      "// The line's own ISO-8601 time, when it has one; otherwise the time Alloy read it.",
      attr("source", str("timestamp")),
      attr("format", str("RFC3339Nano")),
      attr("fallback_formats", `[${["2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"].map(str).join(", ")}]`),
      attr("location", str("UTC")),
      attr("action_on_failure", str("skip")),
    ]),
    block("stage.labels", ["// One of nine values: a label.", attr("values", map([["level", str("log_level")]]))]),
    block("stage.structured_metadata", [
      "// High-cardinality values are structured metadata, searchable without multiplying streams.",
      attr("values", map([...metadata, ...PER_POD_LABELS.map((l): [string, string] => [l, str(l)])])),
    ]),
    // loki.source.file's filename (/var/log/pods/<ns>_<pod>_<uid>/...) is per pod too: metadata, not a label.
    block("stage.label_drop", [attr("values", `[${PER_POD_LABELS.map(str).join(", ")}]`)]),
  );
  return stages;
}

/** Fields the shipper's parsing can extract (every group of every rule). */
export function extractedFields(): string[] {
  return [...new Set([...lineRules, ...enrichers].flatMap((r) => namedGroups(r.pattern)))];
}

/** config.alloy for the log-shipping DaemonSet. */
export function renderAlloyConfig(spec: AlloyConfigSpec): string {
  const sections: string[] = [
    "// Rendered by components/log-parsing: do not edit.",
    block("logging", [attr("level", str("info")), attr("format", str("logfmt"))]),
    "// This node's pods only: each DaemonSet pod ships the logs on its own node.",
    block(`discovery.kubernetes ${str("pods")}`, [
      attr("role", str("pod")),
      block("selectors", [attr("role", str("pod")), attr("field", `"spec.nodeName=" + sys.env("NODE_NAME")`)]),
      ...(spec.namespaces?.length ? [block("namespaces", [attr("names", `[${spec.namespaces.map(str).join(", ")}]`)])] : []),
    ]),
    block(`discovery.relabel ${str("pods")}`, [
      attr("targets", "discovery.kubernetes.pods.targets"),
      block("rule", [attr("target_label", str("cluster")), attr("replacement", str(spec.cluster))]),
      block("rule", [attr("source_labels", `["__meta_kubernetes_namespace"]`), attr("target_label", str("namespace"))]),
      block("rule", [attr("source_labels", `["__meta_kubernetes_pod_name"]`), attr("target_label", str("pod"))]),
      block("rule", [attr("source_labels", `["__meta_kubernetes_pod_container_name"]`), attr("target_label", str("container"))]),
      block("rule", [
        "// The app is its app.kubernetes.io/name label, else the container name.",
        attr("source_labels", `["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_container_name"]`),
        attr("separator", str(";")),
        attr("regex", str("^;*([^;]+)(;.*)?$")),
        attr("target_label", str("app")),
      ]),
      block("rule", [
        attr("source_labels", `["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]`),
        attr("separator", str("/")),
        attr("target_label", str("__path__")),
        attr("replacement", str(`${spec.podLogsDir}/*$1/*.log`)),
      ]),
    ]),
    block(`local.file_match ${str("pods")}`, [attr("path_targets", "discovery.relabel.pods.output")]),
    block(`loki.source.file ${str("pods")}`, [
      attr("targets", "local.file_match.pods.targets"),
      attr("forward_to", "[loki.process.prepare.receiver]"),
    ]),
    "// Container runtime framing off, partial lines joined; NovaCron's multi-line entries (stack traces) joined.",
    block(`loki.process ${str("prepare")}`, [
      attr("forward_to", `[${["loki.process.parse.receiver", ...(spec.logstashUrl ? ["otelcol.receiver.loki.logstash.receiver"] : [])].join(", ")}]`),
      block("stage.cri", []),
      ...renderMultilineStages(spec.multilineNamespaces, spec.multilineMaxWait),
    ]),
    "// The seed's parsing rules (components/log-parsing/rules.ts), as loki.process stages.",
    block(`loki.process ${str("parse")}`, [attr("forward_to", "[loki.write.loki.receiver]"), "", ...renderParsingStages()]),
    block(`loki.write ${str("loki")}`, [block("endpoint", [attr("url", str(spec.lokiPushUrl))])]),
  ];
  if (spec.logstashUrl) {
    sections.push(
      "// Raw entries to Logstash, which applies the same rules and writes the Elasticsearch indices.",
      block(`otelcol.receiver.loki ${str("logstash")}`, [block("output", [attr("logs", "[otelcol.processor.batch.logstash.input]")])]),
      block(`otelcol.processor.batch ${str("logstash")}`, [block("output", [attr("logs", "[otelcol.exporter.otlphttp.logstash.input]")])]),
      block(`otelcol.exporter.otlphttp ${str("logstash")}`, [
        // Logstash's http input reads JSON, not protobuf.
        attr("encoding", str("json")),
        block("client", [attr("endpoint", str(spec.logstashUrl))]),
      ]),
    );
  }
  return sections.join("\n\n") + "\n";
}
