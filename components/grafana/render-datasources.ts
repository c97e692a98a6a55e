// Pure: typed backends → Grafana's datasource provisioning file (provisioning/datasources/*.yaml).
// Only the systems that are given get a datasource; uids are stable, so dashboards, correlations and
// links between datasources can name them. No credential is ever in this file: Elasticsearch's user,
// password and CA are read by Grafana from mounted Secret files through `$__file{}` expansion.

/** Stable datasource uids (dashboards and correlations refer to them). */
export const datasourceUids = {
  prometheus: "prometheus",
  alertmanager: "alertmanager",
  loki: "loki",
  jaeger: "jaeger",
} as const;

/** The uid of the Elasticsearch datasource for an index pattern, e.g. novacron-ml-* → elasticsearch-ml. */
export function elasticsearchUid(indexPattern: string): string {
  const name = indexPattern.replace(/^novacron-/, "").replace(/[-_.]?\*$/, "").replace(/[^a-z0-9-]+/g, "-");
  return `elasticsearch-${name || "all"}`;
}

/** Where Grafana finds the Elasticsearch read-only user's credentials and the cluster's CA (mounted Secrets). */
export const ELASTICSEARCH_CREDENTIALS_DIR = "/etc/grafana/secrets/elasticsearch";
export const ELASTICSEARCH_CA_DIR = "/etc/grafana/secrets/elasticsearch-ca";

export interface DatasourcesSpec {
  /** Prometheus' in-cluster URL (the default datasource). */
  prometheusUrl: string;
  /** Prometheus' scrape interval: Grafana's $__rate_interval is only right when it knows it. */
  scrapeInterval: string;
  /** Prometheus' version, so Grafana offers the query features it has. */
  prometheusVersion: string;
  /**
   * Set when prometheusUrl is Thanos Query (its version): the default datasource then is Thanos, asking Query
   * to deduplicate the HA replicas (on its replica label) on every query.
   */
  thanos?: { version: string };
  alertmanagerUrl?: string;
  lokiUrl?: string;
  jaegerUrl?: string;
  elasticsearch?: { url: string; indexPatterns: string[] };
}

type Datasource = Record<string, unknown>;

/**
 * Added to every query Grafana sends to Thanos Query: deduplicate the HA replicas (Query's default too, said
 * here so a changed default cannot bring back doubled series) and answer from what is reachable if a store is down.
 */
export const THANOS_QUERY_PARAMETERS = "dedup=true&partial_response=true";

/**
 * A log line's trace id: `trace_id=…`, `traceID: …` or JSON `"trace_id":"…"`. Grafana runs this in the
 * browser (JavaScript regular expressions), so no inline flags.
 */
export const TRACE_ID_PATTERN = String.raw`(?:trace_id|traceID|traceId)"?[=:]\s*"?([0-9a-fA-F]{16,32})`;

/**
 * Grafana expands `$NAME` and `${NAME}` in provisioning files from its environment; a literal `$` (as in
 * Grafana's own `${__value.raw}` link variables) is written `$$`.
 */
const literal = (text: string) => text.replaceAll("$", () => "$$");

export function renderDatasources(spec: DatasourcesSpec): Record<string, unknown> {
  const datasources: Datasource[] = [];
  const jaeger = spec.jaegerUrl !== undefined;
  const loki = spec.lokiUrl !== undefined;

  datasources.push({
    name: "Prometheus",
    uid: datasourceUids.prometheus,
    type: "prometheus",
    access: "proxy",
    url: spec.prometheusUrl,
    isDefault: true,
    editable: false,
    jsonData: {
      httpMethod: "POST",
      ...(spec.thanos
        ? { prometheusType: "Thanos", prometheusVersion: spec.thanos.version, customQueryParameters: THANOS_QUERY_PARAMETERS }
        : { prometheusType: "Prometheus", prometheusVersion: spec.prometheusVersion }),
      timeInterval: spec.scrapeInterval,
      // Exemplars carry the trace id of a sampled request: a click opens the trace in Jaeger.
      ...(jaeger ? { exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: datasourceUids.jaeger }] } : {}),
    },
  });

  if (spec.alertmanagerUrl !== undefined) {
    datasources.push({
      name: "Alertmanager",
      uid: datasourceUids.alertmanager,
      type: "alertmanager",
      access: "proxy",
      url: spec.alertmanagerUrl,
      editable: false,
      // Alerts are Prometheus' and Alertmanager's; Grafana shows them and their silences, never sends its own.
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    });
  }

  if (loki) {
    datasources.push({
      name: "Loki",
      uid: datasourceUids.loki,
      type: "loki",
      access: "proxy",
      url: spec.lokiUrl,
      editable: false,
      jsonData: {
        maxLines: 1000,
        ...(jaeger
          ? { derivedFields: [{ name: "TraceID", matcherRegex: TRACE_ID_PATTERN, url: literal("${__value.raw}"), datasourceUid: datasourceUids.jaeger, urlDisplayLabel: "Open trace in Jaeger" }] }
          : {}),
      },
    });
  }

  if (jaeger) {
    datasources.push({
      name: "Jaeger",
      uid: datasourceUids.jaeger,
      type: "jaeger",
      access: "proxy",
      url: spec.jaegerUrl,
      editable: false,
      jsonData: {
        nodeGraph: { enabled: true },
        // A span's logs: its service's Loki streams around the span, filtered by its trace id.
        ...(loki
          ? {
              tracesToLogsV2: {
                datasourceUid: datasourceUids.loki,
                spanStartTimeShift: "-5m",
                spanEndTimeShift: "5m",
                filterByTraceID: true,
                filterBySpanID: false,
                tags: [{ key: "service.name", value: "service_name" }],
              },
            }
          : {}),
      },
    });
  }

  for (const index of spec.elasticsearch?.indexPatterns ?? []) {
    datasources.push({
      name: `Elasticsearch ${index}`,
      uid: elasticsearchUid(index),
      type: "elasticsearch",
      access: "proxy",
      url: spec.elasticsearch!.url,
      editable: false,
      basicAuth: true,
      basicAuthUser: `$__file{${ELASTICSEARCH_CREDENTIALS_DIR}/username}`,
      jsonData: {
        index,
        timeField: "@timestamp",
        logMessageField: "message",
        logLevelField: "log_level", // the field the parsing rules extract
        tlsAuthWithCACert: true,
        ...(jaeger ? { dataLinks: [{ field: "trace_id", url: literal("${__value.raw}"), datasourceUid: datasourceUids.jaeger }] } : {}),
      },
      secureJsonData: {
        basicAuthPassword: `$__file{${ELASTICSEARCH_CREDENTIALS_DIR}/password}`,
        tlsCACert: `$__file{${ELASTICSEARCH_CA_DIR}/ca.crt}`,
      },
    });
  }

  return {
    apiVersion: 1,
    // A datasource provisioned before and absent now (a system since disabled) is removed, not left dangling.
    prune: true,
    datasources,
  };
}
