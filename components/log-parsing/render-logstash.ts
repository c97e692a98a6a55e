// The parsing rules as a Logstash pipeline: pure text from the rule data. Each line rule becomes a grok
// with the rule's named-group regex inline (grok reads Oniguruma named captures as fields), tried until
// one matches; enrichers run on the captured message; the index a line goes to is decided as
// parseLogLine decides it. Input: OTLP/HTTP JSON from the log shipper (Grafana Alloy) — see the README.
import { enrichers, ERROR_LEVELS, fields, indexKinds, lineRules, namedGroups, UNPARSED_TAG } from "./rules";

export interface LogstashPipelineSpec {
  /** Port of the http input the shipper posts OTLP/HTTP JSON to. */
  httpPort: number;
  /** Elasticsearch URL(s); credentials come from the environment (a Secret), never from this file. */
  elasticsearchHosts: string[];
  /** Environment variables holding the writer's user name and password. */
  userEnv: string;
  passwordEnv: string;
  /** Path of the Elasticsearch HTTP CA certificate inside the pod. */
  caFile: string;
  /** Index name prefix; indices are `<prefix>-<kind>-yyyy.MM.dd`. */
  indexPrefix: string;
}

/**
 * A double-quoted Logstash string. With `config.support_escapes` off (the default) the text is kept as
 * written and only `\"` does not end the string, so a regex's `"` is written `\"` (which a regex also reads
 * as a quote) and its backslashes pass through untouched.
 */
export function quote(value: string): string {
  if (/\\$/.test(value.replace(/\\\\/g, ""))) throw new Error(`cannot quote a value ending in a lone backslash: ${value}`);
  return `"${value.replace(/(^|[^\\])"/g, '$1\\"')}"`;
}

/**
 * A rule's pattern as grok must be given it. grok compiles with Ruby's syntax (Joni), where ^ is the start
 * of any line, not of the text as in RE2 and JavaScript: a multi-line entry whose later line looks like a
 * rule's start would be parsed from that line. \A (start of the text in Oniguruma) replaces every ^ outside
 * a character class; escaped characters and classes are copied as they are.
 */
export function grokPattern(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      out += c + (pattern[i + 1] ?? "");
      i++;
    } else if (inClass) {
      out += c;
      if (c === "]") inClass = false;
    } else if (c === "[") {
      out += c;
      inClass = true;
      if (pattern[i + 1] === "^") out += pattern[++i]; // a negated class
    } else out += c === "^" ? "\\A" : c;
  }
  return out;
}

const indent = (text: string, by = 2) => text.split("\n").map((l) => (l ? " ".repeat(by) + l : l)).join("\n");
const block = (head: string, body: string[]) => `${head} {\n${indent(body.join("\n"))}\n}`;
const list = (values: string[]) => `[${values.map(quote).join(", ")}]`;
const hash = (entries: [string, string][]) => `{ ${entries.map(([k, v]) => `${quote(k)} => ${quote(v)}`).join(" ")} }`;

/** 10-input.conf: the shipper posts OTLP/HTTP JSON (one request, many log records). */
export function renderInput(spec: LogstashPipelineSpec): string {
  return `# Rendered by components/log-parsing: do not edit.\n` + block("input", [
    block("http", [
      `id => "otlp-from-shipper"`,
      `host => "0.0.0.0"`,
      `port => ${spec.httpPort}`,
      // The body is JSON whatever the client's content type says.
      `codec => json`,
      `additional_codecs => {}`,
    ]),
  ]) + "\n";
}

/** The id of a line rule's grok filter: Logstash reports the filter's stats (its failures) under it. */
export const lineRuleGrokId = (ruleName: string) => `rule-${ruleName}`;

/**
 * The grok that runs only on lines no earlier rule matched: each of its failures is a line that matched no
 * rule at all (kept whole, tagged UNPARSED_TAG). The other groks fail by design (first match wins).
 */
export const lastLineRuleGrokId = (): string => lineRuleGrokId(lineRules[lineRules.length - 1].name);

/** Turns one OTLP request into one event per log record, with the shipper's labels under [labels]. */
const otlpToEvents = [
  "# One event per OTLP log record; resource and record attributes (the shipper's labels) become [labels][*].",
  `split { field => "[resourceLogs]" }`,
  `split { field => "[resourceLogs][scopeLogs]" }`,
  `split { field => "[resourceLogs][scopeLogs][logRecords]" }`,
  block("ruby", [
    `id => "otlp-record"`,
    "code => '",
    indent([
      `record = event.get("[resourceLogs][scopeLogs][logRecords]") || {}`,
      `attributes = (event.get("[resourceLogs][resource][attributes]") || []) + (record["attributes"] || [])`,
      `attributes.each do |a|`,
      `  value = a["value"].is_a?(Hash) ? a["value"]["stringValue"] : nil`,
      `  event.set("[labels][" + a["key"].to_s.gsub(/[^A-Za-z0-9_]/, "_") + "]", value) unless value.nil?`,
      `end`,
      `body = record["body"].is_a?(Hash) ? record["body"]["stringValue"] : nil`,
      `event.set("message", body) unless body.nil?`,
      `event.remove("resourceLogs")`,
    ].join("\n")),
    "'",
  ]),
  // The http input's own request metadata (and in ECS mode the whole raw body) is not log content.
  `mutate { remove_field => ["[event][original]", "[http]", "[url]", "[user_agent]", "[host]"] }`,
];

const convertTo: Partial<Record<string, string>> = { float: "float", integer: "integer" };

/** 20-filter.conf: the seed's parsing rules, timestamps, metrics, GeoIP and routing. */
export function renderFilter(): string {
  const body: string[] = [block("if [resourceLogs]", otlpToEvents)];

  // Line rules: first match wins (the rules exclude one another, so order cannot change a result).
  lineRules.forEach((rule, i) => {
    const grok = block("grok", [
      `id => ${quote(lineRuleGrokId(rule.name))}`,
      `match => { "message" => ${quote(grokPattern(rule.pattern))} }`,
      `add_field => ${hash([["[@metadata][rule]", rule.name], ["[@metadata][index]", rule.index]])}`,
      `tag_on_failure => []`,
    ]);
    body.push(`# ${rule.description}`, i === 0 ? block("if [message]", [grok]) : block("if [message] and ![@metadata][rule]", [grok]));
  });
  body.push(block("if ![@metadata][rule]", [
    "# Matched no rule: kept whole, tagged, stored with the application logs.",
    `mutate { add_tag => [${quote(UNPARSED_TAG)}] add_field => { "[@metadata][index]" => "application" } }`,
  ]));

  const parsed: string[] = [
    `mutate { add_field => { "log_rule" => "%{[@metadata][rule]}" } }`,
    "# The line's own ISO-8601 time becomes @timestamp (UTC unless the line carries an offset).",
    block("date", [
      `id => "timestamp"`,
      `match => ["timestamp", "ISO8601", "yyyy-MM-dd HH:mm:ss.SSSSSSSSS", "yyyy-MM-dd HH:mm:ss,SSSSSSSSS", "yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss,SSS", "yyyy-MM-dd HH:mm:ss"]`,
      `timezone => "UTC"`,
      `target => "@timestamp"`,
      `remove_field => ["timestamp"]`,
      `tag_on_failure => ["_novacron_timestamp_unparsed"]`,
    ]),
  ];
  // Enrichers: each captures into its own [@metadata] map, then copies only fields not yet set (a later
  // enricher never overwrites an earlier capture, as parseLogLine does).
  for (const e of enrichers) {
    const target = `[@metadata][enrich_${e.name}]`;
    const steps = [
      `# ${e.description}`,
      block("grok", [`id => ${quote(`enrich-${e.name}`)}`, `match => { "log_message" => ${quote(grokPattern(e.pattern))} }`, `target => ${quote(target)}`, `tag_on_failure => []`]),
      ...namedGroups(e.pattern).map((f) => block(`if ${target}[${f}] and ![${f}]`, [`mutate { copy => { ${quote(`${target}[${f}]`)} => ${quote(f)} } }`])),
      ...(e.routeTo ? [block(`if ${target}`, [`mutate { replace => { "[@metadata][index]" => ${quote(e.routeTo)} } }`])] : []),
    ];
    const when = e.after ? `if [@metadata][rule] in ${list(e.after)}` : undefined;
    parsed.push(...(when ? [block(when, steps)] : steps));
  }
  const conversions = Object.entries(fields).filter(([, f]) => convertTo[f.type]).map(([name, f]): [string, string] => [name, convertTo[f.type]!]);
  parsed.push("# Metrics are numbers, so Kibana and Grafana can aggregate them.", `mutate { convert => ${hash(conversions)} }`);
  parsed.push(block("if [client_ip]", [
    "# GeoIP enrichment of access logs; private addresses are tagged, not dropped.",
    `geoip { source => "client_ip" target => "client_geo" tag_on_failure => ["_novacron_geoip_unknown"] }`,
  ]));
  body.push(block("if [@metadata][rule]", parsed));
  body.push(block(`if [log_level] in ${list([...ERROR_LEVELS])}`, [`mutate { add_tag => ["error"] }`]));
  return `# Rendered by components/log-parsing: do not edit.\n` + block("filter", body) + "\n";
}

/** 30-output.conf: each line to its index family; ERROR/FATAL lines also to the errors index. */
export function renderOutput(spec: LogstashPipelineSpec): string {
  const es = (id: string, index: string) => block("elasticsearch", [
    `id => ${quote(id)}`,
    `hosts => ${list(spec.elasticsearchHosts)}`,
    `user => "\${${spec.userEnv}}"`,
    `password => "\${${spec.passwordEnv}}"`,
    `ssl_enabled => true`,
    `ssl_certificate_authorities => [${quote(spec.caFile)}]`,
    // yyyy, not YYYY: YYYY is the week-based year, which writes late-December lines into next year's index.
    `index => ${quote(index)}`,
    // Templates and lifecycle are installed by the Elasticsearch component, not by Logstash.
    `manage_template => false`,
    `ilm_enabled => false`,
    `data_stream => false`,
  ]);
  const kinds = indexKinds.filter((k) => k !== "errors");
  const errorsIndex = `${spec.indexPrefix}-errors-%{+yyyy.MM.dd}`;
  return `# Rendered by components/log-parsing: do not edit.\n` + block("output", [
    `# Home index: one of ${kinds.map((k) => `${spec.indexPrefix}-${k}-*`).join(", ")}.`,
    es("home-index", `${spec.indexPrefix}-%{[@metadata][index]}-%{+yyyy.MM.dd}`),
    block(`if [log_level] in ${list([...ERROR_LEVELS])}`, ["# Error correlation: every error in one place, whatever its source.", es("errors-index", errorsIndex)]),
  ]) + "\n";
}

/** The pipeline files, by name, in the order Logstash concatenates them. */
export function renderLogstashPipeline(spec: LogstashPipelineSpec): Record<string, string> {
  return { "10-input.conf": renderInput(spec), "20-filter.conf": renderFilter(), "30-output.conf": renderOutput(spec) };
}
