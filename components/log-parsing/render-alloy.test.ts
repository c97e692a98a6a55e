// The log shipper's Alloy pipeline carries every parsing rule, keeps Loki's labels low-cardinality, joins
// multi-line entries only where asked, and fans raw entries out to Logstash.
import { lineRules } from "./rules";
import { renderAlloyConfig, renderMultilineStages, STREAM_LABELS } from "./render-alloy";

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
});
