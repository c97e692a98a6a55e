// The parsing rules in Logstash's own regex engine. Logstash's grok compiles each pattern as a JRuby Regexp,
// which is Joni (the Java port of Oniguruma), with Ruby syntax and Regexp::MULTILINE. joni-check
// (test/tools/java/joni-check, built by scripts/install-logs-tools.sh at the Joni and jcodings versions
// Logstash's JRuby ships) runs the patterns exactly as they stand in the rendered Logstash pipeline, over the
// shared samples, hostile lines and random near misses, and every result must equal what RE2 (regex-check,
// the engine of Alloy's loki.process) and JavaScript (parseLogLine's engine) give for the rule: match or not,
// and every named capture. One JVM run holds every pattern and line.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import fc from "fast-check";
import { enrichers, lineRules, parseLogLine, renderFilter } from "../../components/log-parsing";
import { hostileLines } from "../fixtures/hostile-log-lines";
import { samples } from "../fixtures/log-lines";
import { logsToolPath } from "../helpers/logs-tools";

type Captures = Record<string, string> | null;

interface JoniOutput {
  engine: { joni: string; jcodings: string };
  compileErrors: Record<string, string>;
  results: Record<string, Captures[]>;
  timedOut: { pattern: string; line: number }[];
  matches: number;
  slowestMatch: { pattern: string; line: number; millis: number };
  totalMatchMillis: number;
}

const repoRoot = path.resolve(__dirname, "..", "..");
/** grok's default timeout_millis: past it Logstash gives up on the line and tags it _groktimeout. */
const GROK_TIMEOUT_MILLIS = 30_000;

/** Runs a tool on a JSON document; wide limits, the inputs hold megabytes of hostile lines. */
function runJson<T>(tool: "joni-check" | "regex-check", input: unknown): T {
  const r = spawnSync(logsToolPath(tool), [], { input: JSON.stringify(input), encoding: "utf8", timeout: 10 * 60_000, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${tool} exited ${r.status} ${r.signal ?? ""}\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * The grok patterns of the rendered pipeline, by grok id, as Logstash reads them: with
 * config.support_escapes off (the default) a double-quoted value is the text between the quotes as written
 * (`\"` does not end it, and reaches grok as `\"`, which a regex reads as a quote).
 */
function renderedGrokPatterns(filter: string): Record<string, string> {
  const grok = /grok \{\s*id => "([^"]+)"\s*match => \{ "[^"]+" => "((?:\\"|[^"])*)" \}/g;
  return Object.fromEntries([...filter.matchAll(grok)].map((m) => [m[1], m[2]]));
}

// Each grok of the pipeline and the rule it encodes (the renderer names them rule-<name> and enrich-<name>).
const rules = [
  ...lineRules.map((r) => ({ grokId: `rule-${r.name}`, pattern: r.pattern })),
  ...enrichers.map((e) => ({ grokId: `enrich-${e.name}`, pattern: e.pattern })),
];

interface Line {
  what: string;
  text: string;
}

const messageOf = (line: string) => parseLogLine(line).fields.log_message;
const lines: Line[] = [
  ...samples.map((s) => ({ what: `sample: ${s.what}`, text: s.line })),
  ...hostileLines.map((h) => ({ what: `hostile: ${h.what}`, text: h.line })),
  // The enrichers run on a line rule's message: give them the messages as they would get them.
  ...[...samples.map((s) => ({ what: s.what, line: s.line })), ...hostileLines].flatMap(({ what, line }) => {
    const m = messageOf(line);
    return m === undefined ? [] : [{ what: `message of ${what}`, text: m }];
  }),
];
// Random near misses, built from the rules' own pieces (fixed seed: the same lines every run).
const piece = fc.constantFrom("2024-05-01T12:00:00Z ", "2024-05-01 12:00:00,5 ", "INFO ", "ERROR ", "WARNING ", "[main] ", "[", "] ", "Model-", "x:", ": ", " - ",
  "Workflow-", "Stage-", "10.0.0.1 GET /a 200 12ms", "duration=3.5ms", "trace_id=4bf92f3577b34da6a3ce929d0e0e4736", "\n", "\n\tat x", "\r\n", "\u00a0", "é", "🚀", " ", "\u0000");
fc.sample(fc.array(piece, { maxLength: 14 }).map((p) => p.join("")), { numRuns: 300, seed: 15 })
  .forEach((text, i) => lines.push({ what: `near miss #${i}`, text }));

/** A line as a failure message shows it: what it is, and its start. */
const label = (l: Line) => `${l.what} (${l.text.length} chars): ${JSON.stringify(l.text.slice(0, 120))}`;
/** Captures in one canonical form: keys sorted (each engine lists them in its own order). */
const canonical = (c: Captures) => JSON.stringify(c && Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b))));
/** Captures as a failure message shows them: each value cut to its start. */
const show = (c: Captures) => JSON.stringify(c && Object.fromEntries(Object.entries(c).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.length > 60 ? `${v.slice(0, 60)}…(${v.length} chars)` : v])));

const inJs = (pattern: string, text: string): Captures => {
  const m = new RegExp(pattern).exec(text);
  return m ? Object.fromEntries(Object.entries(m.groups ?? {}).filter(([, v]) => v !== undefined)) : null;
};

let grok: Record<string, string>;
let joni: JoniOutput;
let joniSeconds: number;
let re2: Captures[];
beforeAll(() => {
  grok = renderedGrokPatterns(renderFilter());
  // The rules' own source patterns also run in Joni, under source:<grok id>: the control for what the
  // pipeline's translation to Oniguruma changes (see the last test).
  const patterns = { ...grok, ...Object.fromEntries(rules.map((r) => [`source:${r.grokId}`, r.pattern])) };
  const started = process.hrtime.bigint();
  joni = runJson<JoniOutput>("joni-check", { patterns, lines: lines.map((l) => l.text), timeoutMillis: GROK_TIMEOUT_MILLIS });
  joniSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cases = rules.flatMap((r) => lines.map((l) => ({ pattern: r.grokId, text: l.text })));
  const go = runJson<{ compileErrors: Record<string, string>; results: Captures[] }>("regex-check", { patterns: Object.fromEntries(rules.map((r) => [r.grokId, r.pattern])), cases });
  expect(go.compileErrors).toEqual({});
  re2 = go.results;
  console.log(`joni-check: ${Object.keys(patterns).length} patterns x ${lines.length} lines = ${joni.matches} matches in one JVM run of ${joniSeconds.toFixed(1)} s ` +
    `(matching ${(joni.totalMatchMillis / 1000).toFixed(2)} s; slowest ${joni.slowestMatch.millis.toFixed(1)} ms: ${joni.slowestMatch.pattern} on ${label(lines[joni.slowestMatch.line])})`);
}, 15 * 60_000); // the first run also builds the tools

test("joni-check runs the pinned Joni and jcodings (scripts/versions.env: the versions Logstash's JRuby ships)", () => {
  const pinned = Object.fromEntries(fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8").split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=")));
  expect(joni.engine).toEqual({ joni: pinned.JONI_VERSION, jcodings: pinned.JCODINGS_VERSION });
});

test("the pipeline has one grok per rule and enricher, each compiling in Joni, none using grok's %{} syntax", () => {
  expect(Object.keys(grok).sort()).toEqual(rules.map((r) => r.grokId).sort());
  expect(joni.compileErrors).toEqual({});
  // jls-grok would expand %{NAME} itself; the rules are plain regexes, so grok passes them to Joni as they are.
  for (const [id, pattern] of Object.entries(grok)) expect([id, pattern.includes("%{")]).toEqual([id, false]);
});

test.each(rules.map((r) => [r.grokId, r]))("%s: Joni, RE2 and JavaScript agree on every line: match or not, and every capture", (_id, rule) => {
  const r = rules.indexOf(rule);
  const mismatches: string[] = [];
  lines.forEach((line, i) => {
    const js = inJs(rule.pattern, line.text);
    const fromJoni = joni.results[rule.grokId][i];
    const fromRe2 = re2[r * lines.length + i];
    if (canonical(fromJoni) !== canonical(js)) mismatches.push(`Joni ${show(fromJoni)} vs JavaScript ${show(js)} on ${label(line)}`);
    if (canonical(fromRe2) !== canonical(js)) mismatches.push(`RE2 ${show(fromRe2)} vs JavaScript ${show(js)} on ${label(line)}`);
  });
  expect(mismatches).toEqual([]);
  // The comparison has teeth: this rule matches some lines and not others.
  const matched = joni.results[rule.grokId].filter((c) => c !== null).length;
  expect([rule.grokId, matched > 0, matched < lines.length]).toEqual([rule.grokId, true, true]);
});

test(`Joni finishes every pattern on every line within grok's timeout (${GROK_TIMEOUT_MILLIS / 1000} s): no catastrophic backtracking`, () => {
  expect(joni.timedOut.map((t) => `${t.pattern} on ${label(lines[t.line])}`)).toEqual([]);
  expect(joni.matches).toBe(2 * rules.length * lines.length);
});

test("the timeout check has teeth: a pattern that backtracks catastrophically is reported, not waited for", () => {
  const out = runJson<JoniOutput>("joni-check", { patterns: { nested: "(x+x+)+y", plain: "x+y" }, lines: ["x".repeat(40)], timeoutMillis: 500 });
  expect(out.timedOut).toEqual([{ pattern: "nested", line: 0 }]);
  expect(out.results).toEqual({ nested: [null], plain: [null] });
});

test("why the pipeline does not hand grok the rules' source: Joni reads ^ as start of any line", () => {
  // In Ruby syntax ^ matches after every newline; in RE2 and JavaScript (no multiline flag) only at the
  // start. A multi-line entry whose later line looks like a rule's start would be parsed by Logstash from
  // that line. The rendered pipeline anchors with \A instead; the rules' source run in Joni shows the gap.
  const differing = rules.flatMap((rule) => lines.flatMap((line, i) =>
    canonical(joni.results[`source:${rule.grokId}`][i]) === canonical(inJs(rule.pattern, line.text)) ? [] : [{ rule: rule.grokId, line }]));
  expect(differing.map((d) => d.line.what)).toEqual(expect.arrayContaining([
    "hostile: a first line no rule matches, then an API line",
    "message of an API message whose second line is an access line",
  ]));
  // Only multi-line text differs, and only in the anchored patterns.
  for (const d of differing) expect([d.rule, d.line.what, d.line.text.includes("\n")]).toEqual([d.rule, d.line.what, true]);
  expect(new Set(differing.map((d) => d.rule))).toEqual(new Set(["rule-mle_star_workflow", "rule-ml_pipeline", "rule-api_request", "enrich-access"]));
});
