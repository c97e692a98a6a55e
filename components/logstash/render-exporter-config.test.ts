import { parse } from "yaml";
import { LOGSTASH_API_PORT } from "./contract";
import { LOGSTASH_EXPORTER_MODULE, LOGSTASH_STATS_URL, logstashMetrics, LOGSTASH_PIPELINE_LABEL, renderLogstashExporterConfig } from "./render-exporter-config";

interface RenderedMetric { name: string; help: string; valuetype: string; path: string; type?: string; labels?: Record<string, string>; values?: Record<string, string> }
const metricsOf = (pipelines: string[]): RenderedMetric[] => parse(renderLogstashExporterConfig({ pipelines })).modules[LOGSTASH_EXPORTER_MODULE].metrics;

/** The exported series names, as json_exporter forms them (an object metric's name joined to each value's key). */
const seriesNames = (metrics: RenderedMetric[]) =>
  new Set(metrics.flatMap((x) => (x.type === "object" ? Object.keys(x.values ?? {}).map((k) => `${x.name}_${k}`) : [x.name])));

test("reads Logstash's monitoring API over the pod's loopback only", () => {
  expect(LOGSTASH_STATS_URL).toBe(`http://127.0.0.1:${LOGSTASH_API_PORT}/_node/stats`);
});

test("every name the alerts and dashboard import is rendered, and nothing else", () => {
  expect([...seriesNames(metricsOf(["novacron"]))].sort()).toEqual([...Object.values(logstashMetrics)].sort());
});

test("counters end in _total and are typed counter; gauges never end in _total", () => {
  for (const metric of metricsOf(["novacron"])) {
    const names = seriesNames([metric]);
    for (const name of names) expect({ name, type: metric.valuetype }).toEqual({ name, type: name.endsWith("_total") ? "counter" : "gauge" });
  }
});

test("each pipeline's series are labelled with its id and read under pipelines.<id>", () => {
  const metrics = metricsOf(["novacron", "audit-logs"]);
  const inOf = (id: string) => metrics.find((x) => x.name === logstashMetrics.eventsIn && x.labels?.[LOGSTASH_PIPELINE_LABEL] === id);
  expect(inOf("novacron")?.path).toBe("{.pipelines.novacron.events.in}");
  expect(inOf("audit-logs")?.path).toBe("{.pipelines.audit-logs.events.in}");
  // A family's entries agree on help text and label names, or json_exporter refuses to register them.
  const byName = new Map<string, RenderedMetric[]>();
  for (const x of metrics) byName.set(x.name, [...(byName.get(x.name) ?? []), x]);
  for (const [name, entries] of byName) {
    const shapes = new Set(entries.map((e) => JSON.stringify([e.help, Object.keys(e.labels ?? {}).sort()])));
    expect({ name, shapes: shapes.size }).toEqual({ name, shapes: 1 });
  }
});

test("a filter plugin's failures carry the plugin's id and name", () => {
  const failures = metricsOf(["novacron"]).find((x) => x.type === "object");
  expect(failures).toMatchObject({
    path: "{.pipelines.novacron.plugins.filters[*]}",
    labels: { pipeline: "novacron", plugin_id: "{.id}", plugin: "{.name}" },
    values: { failures_total: "{.failures}" },
    valuetype: "counter",
  });
});

test("refuses a pipeline id that is not a plain JSONPath field (it would read the wrong place or break the template)", () => {
  expect(() => renderLogstashExporterConfig({ pipelines: ["a.b"] })).toThrow(/a\.b/);
  expect(() => renderLogstashExporterConfig({ pipelines: ["x{.y}"] })).toThrow(/pipeline ids/);
  expect(() => renderLogstashExporterConfig({ pipelines: [] })).toThrow(/at least one/);
});
