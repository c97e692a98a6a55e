// The seed's log parsing rules, written once as data. Each rule is a regular expression with named groups
// in the subset that Oniguruma (Logstash grok), RE2 (Go: Grafana Alloy's loki.process) and JavaScript
// read the same way: no lookaround, no atomic groups or possessive quantifiers, no backreferences, no
// inline flags, ASCII classes spelt out ([0-9], not \d). renderLogstashPipeline and renderAlloyConfig turn
// the same data into each tool's pipeline; parseLogLine is the reference semantics the tests hold both to.

/** How a captured field is stored: the Elasticsearch mapping type and the Logstash conversion follow. */
export type FieldType = "keyword" | "text" | "ip" | "float" | "integer" | "date";

/** The seed's four Elasticsearch index families (`novacron-<kind>-YYYY.MM.DD`). */
export const indexKinds = ["application", "ml", "access", "errors"] as const;
export type IndexKind = (typeof indexKinds)[number];

/** A capture the rules produce, and where it goes in Loki. */
export interface FieldSpec {
  type: FieldType;
  /** Stored as Loki structured metadata under this name (high-cardinality values never become labels). */
  lokiMetadata?: string;
  description: string;
}

/** A rule matching a whole log line (the first line of a multi-line entry and what follows it). */
export interface LineRule {
  name: string;
  description: string;
  /** Named-group regex, anchored at the start of the line. */
  pattern: string;
  /** The index family a matching line goes to (before enrichers may re-route it). */
  index: IndexKind;
}

/** A rule run on the message a line rule captured, adding fields (metrics, client address, trace id). */
export interface Enricher {
  name: string;
  description: string;
  pattern: string;
  /** Only after these line rules; undefined = after any. */
  after?: string[];
  /** A match re-routes the line to this index family. */
  routeTo?: IndexKind;
}

// Building blocks, named after the grok patterns the seed uses.
const TIMESTAMP_ISO8601 = "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2})?";
/** Longest alternatives first (WARNING before WARN) so every engine picks the same one. */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL"] as const;
const LOGLEVEL = LOG_LEVELS.join("|");
/** The rest of the entry, continuation lines included ([\s\S], as `.` stops at a newline in all three). */
const GREEDYDATA_MULTILINE = "[\\s\\S]*";
/** ASCII whitespace spelt out: \\s also matches Unicode spaces in JavaScript but not in RE2. */
const NOT_SPACE_OR_COLON = "[^ \\t\\r\\n:]+";
const group = (name: string, pattern: string) => `(?<${name}>${pattern})`;

/** What every line rule starts with: `<ISO-8601 timestamp> <LEVEL> `. */
const prefix = `^${group("timestamp", TIMESTAMP_ISO8601)} ${group("log_level", LOGLEVEL)} `;

/**
 * The seed's three rules. Their shapes exclude one another (a test proves no line matches two), so the
 * order they are tried in cannot change a result: after the level, a workflow line has `Workflow-`, an ML
 * line `[stage] Model-<name>:` whose first word ends in a colon, an API line `[thread] <logger> - ` whose
 * logger has none.
 */
export const lineRules: LineRule[] = [
  {
    name: "mle_star_workflow",
    description: "MLE-Star workflow logs: `<ts> <LEVEL> Workflow-<id> Stage-<stage>: <message>`",
    pattern: `${prefix}Workflow-${group("workflow_id", NOT_SPACE_OR_COLON)} Stage-${group("stage", NOT_SPACE_OR_COLON)}: ${group("log_message", GREEDYDATA_MULTILINE)}`,
    index: "ml",
  },
  {
    name: "ml_pipeline",
    description: "ML pipeline logs: `<ts> <LEVEL> [<stage>] Model-<name>: <message>`",
    pattern: `${prefix}\\[${group("stage", "[^\\]]*")}\\] Model-${group("model_name", NOT_SPACE_OR_COLON)}: ${group("log_message", GREEDYDATA_MULTILINE)}`,
    index: "ml",
  },
  {
    name: "api_request",
    description: "API request logs: `<ts> <LEVEL> [<thread>] <logger> - <message>`",
    pattern: `${prefix}\\[${group("thread", "[^\\]]*")}\\] ${group("logger", NOT_SPACE_OR_COLON)} - ${group("log_message", GREEDYDATA_MULTILINE)}`,
    index: "application",
  },
];

const NUMBER = "[0-9]+(?:\\.[0-9]+)?";
const IP = "[0-9A-Fa-f.:]+";

export const enrichers: Enricher[] = [
  {
    name: "access",
    description: "An API access line's message: `<client ip> <METHOD> <path> <status> <duration>ms`; goes to novacron-access-*",
    pattern: `^${group("client_ip", IP)} ${group("http_method", "[A-Z]+")} ${group("url_path", "/[^ \\t\\r\\n]*")} ${group("http_status", "[1-5][0-9][0-9]")} ${group("duration_ms", NUMBER)}ms`,
    after: ["api_request"],
    routeTo: "access",
  },
  {
    name: "duration",
    description: "Metric extraction: `duration=<n>ms` (or took/elapsed) anywhere in a message",
    pattern: `(?:duration|took|elapsed)[=: ]${group("duration_ms", NUMBER)}ms`,
  },
  {
    name: "trace_id",
    description: "Error correlation: a W3C trace id (`trace_id=<32 hex>`) links the line to its trace in Jaeger",
    pattern: `trace_id[=: ]${group("trace_id", "[0-9a-f]{32}")}`,
  },
];

/** Every field the rules capture. */
export const fields: Record<string, FieldSpec> = {
  timestamp: { type: "date", description: "The line's own ISO-8601 time; becomes @timestamp" },
  log_level: { type: "keyword", description: "Severity, one of " + LOG_LEVELS.join(", ") },
  log_message: { type: "text", description: "The message after the rule's prefix, continuation lines included" },
  thread: { type: "keyword", lokiMetadata: "thread", description: "API: the request thread" },
  logger: { type: "keyword", lokiMetadata: "logger", description: "API: the logger name" },
  stage: { type: "keyword", lokiMetadata: "stage", description: "ML / MLE-Star: the pipeline or workflow stage" },
  model_name: { type: "keyword", lokiMetadata: "model", description: "ML: the model name" },
  workflow_id: { type: "keyword", lokiMetadata: "workflow_id", description: "MLE-Star: the workflow id" },
  client_ip: { type: "ip", description: "Access: the client address (GeoIP-enriched in Logstash)" },
  http_method: { type: "keyword", description: "Access: the HTTP method" },
  url_path: { type: "keyword", description: "Access: the request path" },
  http_status: { type: "integer", description: "Access: the HTTP status" },
  duration_ms: { type: "float", description: "Request or step duration in milliseconds (a metric)" },
  trace_id: { type: "keyword", lokiMetadata: "trace_id", description: "W3C trace id, for log-to-trace correlation" },
};

/** Levels whose lines also go to novacron-errors-* (the seed's error correlation). */
export const ERROR_LEVELS = ["ERROR", "CRITICAL", "FATAL"] as const;
/** The tag on a line no rule matched; it is kept (in novacron-application-*), never dropped. */
export const UNPARSED_TAG = "_novacron_unparsed";
/** A multi-line entry (a stack trace) starts with a timestamp; lines that do not continue the previous one. */
export const FIRST_LINE_PATTERN = `^${TIMESTAMP_ISO8601} `;

/** Named groups of a pattern, in order. */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]);
}

/**
 * Constructs outside the subset the three engines share, each with why. Checked on the pattern text
 * (escaped characters skipped), so a rule that would behave differently in one engine is refused.
 */
const forbidden: { re: RegExp; what: string }[] = [
  { re: /^\(\?[=!]/, what: "lookahead (RE2 has none)" },
  { re: /^\(\?<[=!]/, what: "lookbehind (RE2 has none)" },
  { re: /^\(\?>/, what: "atomic group (RE2 and JavaScript have none)" },
  { re: /^\(\?P?<[^A-Za-z_]/, what: "a group name must start with a letter or _" },
  { re: /^\(\?P/, what: "Python-style (?P<name>) (JavaScript and Oniguruma do not read it)" },
  { re: /^\(\?[a-zA-Z-]+[:)]/, what: "inline flags (JavaScript has none; engines disagree on their meaning)" },
  { re: /^\\[1-9]/, what: "backreference (RE2 has none)" },
  { re: /^\\k</, what: "named backreference (RE2 has none)" },
  { re: /^\\[dDwWbBsS]/, what: "\\d \\w \\s \\b are Unicode-aware in some engines; spell the ASCII class out" },
  { re: /^\\[AzZGhHRXK]/, what: "an escape only some engines know" },
  { re: /^[*+?}][+]/, what: "possessive quantifier (RE2 and JavaScript have none)" },
  // ^ differs the same way (start of any line in Oniguruma's Ruby syntax); it stays allowed because the
  // Logstash renderer hands grok \A for it (grokPattern), and test/tools/logstash-grok-joni.test.ts checks it.
  { re: /^\$/, what: "$ means end of line in Oniguruma but end of input in RE2 and JavaScript" },
];

/** Portability problems of a pattern; empty when it is in the common subset. */
export function portabilityProblems(pattern: string): string[] {
  const problems: string[] = [];
  // [\s\S] is "any character" in every engine, whatever each takes \s to be; it is the one allowed use.
  pattern = pattern.replaceAll("[\\s\\S]", "[ANY]");
  for (let i = 0; i < pattern.length; i++) {
    const rest = pattern.slice(i);
    for (const { re, what } of forbidden) if (re.test(rest)) problems.push(`${what} at offset ${i}`);
    if (pattern[i] === "\\") i++; // an escaped character is a literal
  }
  const names = namedGroups(pattern);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) problems.push(`group name ${dup} appears twice (RE2 and JavaScript refuse it)`);
  for (const n of names) if (!fields[n]) problems.push(`group ${n} is not declared in fields`);
  return problems;
}

/** Every pattern the rules define, by a qualified name. */
export function allPatterns(): { name: string; pattern: string }[] {
  return [
    ...lineRules.map((r) => ({ name: `line:${r.name}`, pattern: r.pattern })),
    ...enrichers.map((e) => ({ name: `enricher:${e.name}`, pattern: e.pattern })),
    { name: "first-line", pattern: FIRST_LINE_PATTERN },
  ];
}

export interface ParsedLine {
  /** The line rule that matched, or undefined for an unparsed line. */
  rule?: string;
  fields: Record<string, string>;
  /** Index families the line is written to (the first is its home; errors is added for ERROR/FATAL). */
  indices: IndexKind[];
  tags: string[];
}

/**
 * The reference semantics both renderers encode: the first line rule that matches (at most one can),
 * then the enrichers on its message in order (a later capture does not overwrite an earlier one), then
 * routing. An unmatched line keeps its text, goes to novacron-application-* and is tagged.
 */
export function parseLogLine(line: string): ParsedLine {
  for (const rule of lineRules) {
    const match = new RegExp(rule.pattern).exec(line);
    if (!match?.groups) continue;
    const captured: Record<string, string> = {};
    for (const [k, v] of Object.entries(match.groups)) if (v !== undefined) captured[k] = v;
    let home: IndexKind = rule.index;
    for (const enricher of enrichers) {
      if (enricher.after && !enricher.after.includes(rule.name)) continue;
      const m = new RegExp(enricher.pattern).exec(captured.log_message ?? "");
      if (!m?.groups) continue;
      for (const [k, v] of Object.entries(m.groups)) if (v !== undefined && captured[k] === undefined) captured[k] = v;
      if (enricher.routeTo) home = enricher.routeTo;
    }
    const isError = (ERROR_LEVELS as readonly string[]).includes(captured.log_level);
    return { rule: rule.name, fields: captured, indices: isError ? [home, "errors"] : [home], tags: [] };
  }
  return { fields: {}, indices: ["application"], tags: [UNPARSED_TAG] };
}
