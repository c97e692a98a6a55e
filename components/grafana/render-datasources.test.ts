// Grafana's datasource provisioning file: only the systems given, stable uids, correlations between them,
// and no credential in it.
import { renderIndexTemplates } from "../elasticsearch/render-indices";
import { fields as logFields } from "../log-parsing/rules";
import { elasticsearchUid, renderDatasources, TRACE_ID_PATTERN } from "./render-datasources";

const base = { prometheusUrl: "http://prometheus.monitoring.svc:9090", scrapeInterval: "15s", prometheusVersion: "3.16.0" };
const seedIndexPatterns = ["novacron-application-*", "novacron-ml-*", "novacron-access-*", "novacron-errors-*"];
const everything = {
  ...base,
  alertmanagerUrl: "http://alertmanager.monitoring.svc:9093",
  lokiUrl: "http://loki.monitoring.svc:3100",
  jaegerUrl: "http://jaeger.monitoring.svc:16686",
  elasticsearch: { url: "https://novacron-es-http.monitoring.svc:9200", indexPatterns: seedIndexPatterns },
};
const byUid = (file: any) => Object.fromEntries(file.datasources.map((d: any) => [d.uid, d]));

describe("datasources", () => {
  test("only what is given: Prometheus (default) and Alertmanager, no logs or traces", () => {
    const file = renderDatasources({ ...base, alertmanagerUrl: "http://alertmanager.monitoring.svc:9093" });
    expect(file.datasources).toEqual([
      expect.objectContaining({ uid: "prometheus", type: "prometheus", isDefault: true, url: base.prometheusUrl, jsonData: expect.objectContaining({ timeInterval: "15s" }) }),
      expect.objectContaining({ uid: "alertmanager", type: "alertmanager", jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false } }),
    ]);
    // No Jaeger, so no link to it from Prometheus exemplars.
    expect(JSON.stringify(file)).not.toContain("jaeger");
  });

  test("with Loki, Jaeger and Elasticsearch: stable uids, one Elasticsearch datasource per seed index pattern", () => {
    const ds = byUid(renderDatasources(everything));
    expect(Object.keys(ds)).toEqual(["prometheus", "alertmanager", "loki", "jaeger", "elasticsearch-application", "elasticsearch-ml", "elasticsearch-access", "elasticsearch-errors"]);
    expect(ds.loki.url).toBe("http://loki.monitoring.svc:3100");
    expect(ds.jaeger.url).toBe("http://jaeger.monitoring.svc:16686");
    expect(ds["elasticsearch-ml"]).toMatchObject({ url: everything.elasticsearch.url, basicAuth: true, jsonData: { index: "novacron-ml-*", tlsAuthWithCACert: true } });
    expect(elasticsearchUid("novacron-application-*")).toBe("elasticsearch-application");
    // Grafana's log view reads fields the indices really map (the parsing rules' level, the line itself).
    const templates = renderIndexTemplates({ prefix: "novacron", shards: 1, replicas: 1 }) as Record<string, any>;
    for (const family of ["application", "ml", "access", "errors"]) {
      const mapped = Object.keys(templates[`novacron-${family}`].template.mappings.properties);
      const { logLevelField, logMessageField, timeField } = ds[`elasticsearch-${family}`].jsonData;
      expect(mapped).toEqual(expect.arrayContaining([logLevelField, logMessageField, timeField]));
      expect(Object.keys(logFields)).toContain(logLevelField);
    }
  });

  test("correlations: exemplars → Jaeger, Loki trace ids → Jaeger, Jaeger spans → Loki", () => {
    const ds = byUid(renderDatasources(everything));
    expect(ds.prometheus.jsonData.exemplarTraceIdDestinations).toEqual([{ name: "trace_id", datasourceUid: "jaeger" }]);
    expect(ds.loki.jsonData.derivedFields).toEqual([expect.objectContaining({ datasourceUid: "jaeger", matcherRegex: TRACE_ID_PATTERN, url: "$${__value.raw}" })]);
    expect(ds.jaeger.jsonData.tracesToLogsV2).toMatchObject({ datasourceUid: "loki", filterByTraceID: true });
    // The derived field really extracts a trace id from the log formats we ship (JSON and logfmt).
    const re = new RegExp(TRACE_ID_PATTERN);
    expect(re.exec('{"level":"info","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"ok"}')?.[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(re.exec("level=info traceID=00f067aa0ba902b7 msg=ok")?.[1]).toBe("00f067aa0ba902b7");
    expect(re.exec("level=info msg=no-trace")).toBeNull();
  });

  test("no credential in the file, and every $ Grafana would expand is either escaped or a $__file{} reference", () => {
    const text = JSON.stringify(renderDatasources(everything));
    const dollars = [...text.matchAll(/\$+[^$]/g)].map((m) => m[0]);
    expect(dollars.every((d) => d.startsWith("$$") || d === "$_")).toBe(true);
    expect(text.match(/\$__file\{[^}]+\}/g)).toEqual(expect.arrayContaining([
      "$__file{/etc/grafana/secrets/elasticsearch/username}",
      "$__file{/etc/grafana/secrets/elasticsearch/password}",
      "$__file{/etc/grafana/secrets/elasticsearch-ca/ca.crt}",
    ]));
  });
});
