// The Logstash pipeline carries every parsing rule, routes each family to its index, and is well-formed.
import { enrichers, lineRules, UNPARSED_TAG } from "./rules";
import { grokPattern, quote, renderLogstashPipeline } from "./render-logstash";

describe("Logstash pipeline", () => {
  const spec = { httpPort: 8080, elasticsearchHosts: ["https://es-http.monitoring.svc:9200"], userEnv: "ES_USER", passwordEnv: "ES_PASSWORD", caFile: "/etc/es-ca/ca.crt", indexPrefix: "novacron" };
  const files = renderLogstashPipeline(spec);

  test("three files; every rule's regex inline in a grok, tried first-match-wins, unmatched lines tagged", () => {
    expect(Object.keys(files)).toEqual(["10-input.conf", "20-filter.conf", "30-output.conf"]);
    const filter = files["20-filter.conf"];
    for (const rule of lineRules) expect(filter).toContain(`match => { "message" => ${quote(grokPattern(rule.pattern))} }`);
    for (const e of enrichers) expect(filter).toContain(`match => { "log_message" => ${quote(grokPattern(e.pattern))} }`);
    expect(filter.match(/if \[message\] and !\[@metadata\]\[rule\]/g)).toHaveLength(lineRules.length - 1);
    expect(filter).toContain(`add_tag => ["${UNPARSED_TAG}"]`);
    expect(filter).toMatch(/date \{[^}]*match => \["timestamp", "ISO8601"/);
    expect(filter).toContain('target => "@timestamp"');
    expect(filter).toMatch(/geoip \{ source => "client_ip" target => "client_geo"/);
    expect(filter).toContain('convert => { "http_status" => "integer" "duration_ms" => "float" }');
  });

  test("grok gets \\A for ^ (Ruby's ^ is the start of any line); negated classes and escaped carets stay", () => {
    expect(grokPattern("^(?<a>[^\\]^]*)\\^x|^y")).toBe("\\A(?<a>[^\\]^]*)\\^x|\\Ay");
    expect(grokPattern("[a^b]^")).toBe("[a^b]\\A");
    expect(grokPattern("took[=: ][0-9]+ms")).toBe("took[=: ][0-9]+ms");
    // Every anchored rule is anchored at the start of the text in the pipeline.
    for (const rule of lineRules) expect(grokPattern(rule.pattern)).toMatch(/^\\A\(\?<timestamp>/);
    expect(files["20-filter.conf"]).not.toMatch(/=> "\^/);
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
