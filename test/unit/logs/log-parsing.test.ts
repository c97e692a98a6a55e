// The parsing rules as data: what they extract from each kind of line, that they stay in the regex subset
// the three engines share, that no line matches two rules, and that both renderers carry every rule.
import fc from "fast-check";
import {
  allPatterns, enrichers, fields, lineRules, LOG_LEVELS, namedGroups, parseLogLine, portabilityProblems, quote,
  renderAlloyConfig, renderLogstashPipeline, renderMultilineStages, STREAM_LABELS, UNPARSED_TAG,
} from "../../../components/log-parsing";
import { samples } from "../../fixtures/log-lines";

describe("parseLogLine on sample lines", () => {
  test.each(samples.map((s) => [s.what, s] as const))("%s", (_what, sample) => {
    const parsed = parseLogLine(sample.line);
    expect(parsed.rule).toBe(sample.rule);
    expect(parsed.indices).toEqual(sample.indices);
    if (sample.rule) {
      expect(parsed.fields).toMatchObject(sample.fields ?? {});
      for (const f of sample.absent ?? []) expect(parsed.fields).not.toHaveProperty(f);
      expect(parsed.tags).toEqual([]);
    } else {
      // Kept and tagged, nothing half-extracted.
      expect(parsed.fields).toEqual({});
      expect(parsed.tags).toEqual([UNPARSED_TAG]);
    }
  });

  test("the samples cover every rule, every enricher and every index", () => {
    const parsed = samples.map((s) => parseLogLine(s.line));
    expect(new Set(parsed.map((p) => p.rule).filter(Boolean))).toEqual(new Set(lineRules.map((r) => r.name)));
    for (const e of enrichers) expect(parsed.some((p) => namedGroups(e.pattern).every((g) => g in p.fields))).toBe(true);
    expect(new Set(parsed.flatMap((p) => p.indices))).toEqual(new Set(["application", "ml", "access", "errors"]));
    expect(samples.filter((s) => s.line.includes("\n") && s.rule).length).toBeGreaterThanOrEqual(2);
  });
});

describe("the regex subset shared by Oniguruma, RE2 and JavaScript", () => {
  test("every pattern is in it, and every group it captures is a declared field", () => {
    for (const { name, pattern } of allPatterns()) expect([name, portabilityProblems(pattern)]).toEqual([name, []]);
  });

  test.each([
    ["(?=x)a", "lookahead"],
    ["(?<!x)a", "lookbehind"],
    ["(?>a+)b", "atomic group"],
    ["(a)\\1", "backreference"],
    ["(?<log_level>a)\\k<log_level>", "named backreference"],
    ["a++", "possessive"],
    ["(?i)info", "inline flags"],
    ["(?P<log_level>a)", "Python-style"],
    ["\\d+", "Unicode-aware"],
    ["[^\\s]+", "Unicode-aware"],
    ["a$", "end of line"],
    ["(?<log_level>a)(?<log_level>b)", "appears twice"],
    ["(?<undeclared>a)", "not declared"],
  ])("refuses %s (%s)", (pattern, why) => {
    expect(portabilityProblems(pattern).join("; ")).toContain(why);
  });

  test("escaped characters and [\\s\\S] are allowed", () => {
    expect(portabilityProblems("\\(\\?=\\$[\\s\\S]*")).toEqual([]);
  });
});

describe("the rules exclude one another, so their order cannot change a result", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9_.:\-[\] ]{0,12}$/);
  const shaped = fc.tuple(
    fc.constantFrom("2024-05-01T12:00:00Z", "2024-05-01 12:00:00,123", "2024-05-01T12:00:00.5+02:00"),
    fc.constantFrom(...LOG_LEVELS, "info"),
    fc.constantFrom("[", "Workflow-", "Model-", ""),
    token, fc.constantFrom("] ", " Stage-", ": ", " - ", ""), token, fc.constantFrom(": ", " - ", "] Model-", ""), token,
  ).map((parts) => `${parts[0]} ${parts.slice(1).join("")}`);

  test("no line matches two line rules (property, 2000 near-miss lines)", () => {
    fc.assert(fc.property(fc.oneof(shaped, fc.string()), (line) => {
      const matching = lineRules.filter((r) => new RegExp(r.pattern).test(line));
      return matching.length <= 1;
    }), { numRuns: 2000 });
  });

  test("enrichers never capture a field a line rule captures (they only add)", () => {
    const lineFields = new Set(lineRules.flatMap((r) => namedGroups(r.pattern)));
    for (const e of enrichers) expect(namedGroups(e.pattern).filter((g) => lineFields.has(g))).toEqual([]);
  });
});

describe("Logstash pipeline", () => {
  const spec = { httpPort: 8080, elasticsearchHosts: ["https://es-http.monitoring.svc:9200"], userEnv: "ES_USER", passwordEnv: "ES_PASSWORD", caFile: "/etc/es-ca/ca.crt", indexPrefix: "novacron" };
  const files = renderLogstashPipeline(spec);

  test("three files; every rule's regex inline in a grok, tried first-match-wins, unmatched lines tagged", () => {
    expect(Object.keys(files)).toEqual(["10-input.conf", "20-filter.conf", "30-output.conf"]);
    const filter = files["20-filter.conf"];
    for (const rule of lineRules) expect(filter).toContain(`match => { "message" => ${quote(rule.pattern)} }`);
    for (const e of enrichers) expect(filter).toContain(`match => { "log_message" => ${quote(e.pattern)} }`);
    expect(filter.match(/if \[message\] and !\[@metadata\]\[rule\]/g)).toHaveLength(lineRules.length - 1);
    expect(filter).toContain(`add_tag => ["${UNPARSED_TAG}"]`);
    expect(filter).toMatch(/date \{[^}]*match => \["timestamp", "ISO8601"/);
    expect(filter).toContain('target => "@timestamp"');
    expect(filter).toMatch(/geoip \{ source => "client_ip" target => "client_geo"/);
    expect(filter).toContain('convert => { "http_status" => "integer" "duration_ms" => "float" }');
  });

  test("output: home index per family, errors also to novacron-errors-*, day-of-year dates (yyyy, never YYYY)", () => {
    const output = files["30-output.conf"];
    expect(output).toContain('index => "novacron-%{[@metadata][index]}-%{+yyyy.MM.dd}"');
    expect(output).toMatch(/if \[log_level\] in \["ERROR", "CRITICAL", "FATAL"\] \{[\s\S]*index => "novacron-errors-%\{\+yyyy\.MM\.dd\}"/);
    expect(Object.values(files).join("")).not.toContain("YYYY");
    // Credentials by environment reference only.
    expect(output).toContain('password => "${ES_PASSWORD}"');
  });

  test("braces balance in every file (outside strings and comments)", () => {
    for (const [name, text] of Object.entries(files)) {
      let depth = 0;
      const code = text.replace(/"(?:\\"|[^"])*"/g, '""').replace(/'[^']*'/g, "''").replace(/#.*$/gm, "");
      for (const c of code) {
        if (c === "{") depth++;
        if (c === "}") depth--;
        expect([name, depth >= 0]).toEqual([name, true]);
      }
      expect([name, depth]).toEqual([name, 0]);
    }
  });

  test("quote: a double quote is escaped, backslashes are kept as written", () => {
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote("\\[x\\]")).toBe('"\\[x\\]"');
    expect(() => quote("ends\\")).toThrow(/lone backslash/);
  });
});

describe("Alloy (log shipper) pipeline", () => {
  const config = renderAlloyConfig({ lokiPushUrl: "http://loki.monitoring.svc:3100/loki/api/v1/push", logstashUrl: "http://logstash.monitoring.svc:8080", cluster: "c1", podLogsDir: "/var/log/pods", multilineMaxWait: "3s", multilineNamespaces: ["novacron"] });

  test("each rule is a stage.match on its own regex, then its regex as stage.regex", () => {
    for (const rule of lineRules) {
      expect(config).toContain(`pipeline_name = "rule_${rule.name}"`);
      expect(config).toContain("expression = `" + rule.pattern + "`");
    }
    expect(config).toContain('source = "log_message"');
  });

  test("low-cardinality labels; model, workflow id, stage, trace id, pod and file name as structured metadata", () => {
    const metadata = config.slice(config.indexOf("stage.structured_metadata"));
    for (const key of ["model = \"model_name\"", "workflow_id = \"workflow_id\"", "stage = \"stage\"", "trace_id = \"trace_id\"", "pod = \"pod\"", "filename = \"filename\""]) expect(metadata).toContain(key);
    const labels = config.slice(config.indexOf("stage.labels"), config.indexOf("stage.structured_metadata"));
    expect(labels).toContain('level = "log_level"');
    expect(labels).not.toMatch(/model|workflow|stage =|trace/);
    // loki.source.file labels every entry with its file, /var/log/pods/<ns>_<pod>_<uid>/...: one stream per
    // pod unless dropped. What is left is exactly the low-cardinality set.
    const drop = /stage\.label_drop \{\n\s+values = \[([^\]]*)\]/.exec(config)?.[1];
    expect(drop?.split(", ").map((v) => JSON.parse(v)).sort()).toEqual(["filename", "pod"]);
    // Labels an entry reaches Loki with: discovery's, loki.source.file's filename and stage.labels' level,
    // less the dropped ones: exactly the low-cardinality set.
    const relabelled = [...config.matchAll(/target_label = "(\w+)"/g)].map((m) => m[1]).filter((l) => !l.startsWith("__"));
    const sent = [...new Set([...relabelled, "filename", "level"])].filter((l) => !drop!.includes(`"${l}"`));
    expect(sent.sort()).toEqual([...STREAM_LABELS].sort());
  });

  test("multi-line entries are joined on the first-line pattern, only in the NovaCron namespaces", () => {
    const prepare = config.slice(config.indexOf('loki.process "prepare"'), config.indexOf('loki.process "parse"'));
    // The join sits inside a stage.match on the namespaces: other streams (JSON, logfmt, klog) pass line by line.
    expect(prepare).toMatch(/stage\.match \{\n(\s+\/\/.*\n)?\s+pipeline_name = "novacron_multiline"\n\s+selector = "\{namespace=~\\"novacron\\"\}"\n\n\s+stage\.multiline \{\n\s+firstline = `\^\[0-9\]\{4\}/);
    expect(prepare.match(/stage\.multiline/g)).toHaveLength(1);
    expect(prepare.indexOf("stage.match")).toBeLessThan(prepare.indexOf("stage.multiline"));
    expect(config.match(/stage\.multiline/g)).toHaveLength(1);
    const two = renderMultilineStages(["novacron", "novacron-ml", "novacron"], "5s").join("\n");
    expect(two).toContain('selector = "{namespace=~\\"novacron|novacron-ml\\"}"');
    expect(two).toContain('max_wait_time = "5s"');
    // No application namespace: nothing is joined anywhere.
    expect(renderMultilineStages([], "3s")).toEqual([]);
    const none = renderAlloyConfig({ lokiPushUrl: "http://l:3100/loki/api/v1/push", cluster: "c1", podLogsDir: "/var/log/pods", multilineMaxWait: "3s", multilineNamespaces: [] });
    expect(none).not.toContain("stage.multiline");
    // A selector is built from the names: anything but a namespace name is refused, not injected.
    expect(() => renderMultilineStages(["novacron", 'x"} |= "'], "3s")).toThrow(/namespace names: "x\\"} \|= \\""/);
  });

  test("raw entries fan out to Logstash as OTLP/HTTP JSON; Loki only when Logstash is not given", () => {
    expect(config).toContain("forward_to = [loki.process.parse.receiver, otelcol.receiver.loki.logstash.receiver]");
    expect(config).toContain('encoding = "json"');
    const lokiOnly = renderAlloyConfig({ lokiPushUrl: "http://l:3100/loki/api/v1/push", cluster: "c1", podLogsDir: "/var/log/pods", multilineMaxWait: "3s", multilineNamespaces: [] });
    expect(lokiOnly).not.toContain("otelcol");
  });

  test("every field the rules capture is declared with a type", () => {
    for (const { pattern } of allPatterns()) for (const g of namedGroups(pattern)) expect(fields[g]?.type).toBeDefined();
  });
});
