// Pure: the Elasticsearch exporter's command line. Credentials never appear here: the exporter reads
// ES_USERNAME / ES_PASSWORD from its environment, which the component fills from the monitoring user's Secret.
import { ES_EXPORTER_PORT } from "./contract";

export interface ExporterArgsSpec {
  /** Path of the mounted CA certificate of the cluster's HTTP layer. */
  caFile: string;
}

/** The flag naming the cluster (its URL is known once the cluster's Service is). */
export const esUriFlag = (url: string) => `--es.uri=${url}`;

/**
 * Flags of elasticsearch_exporter (v1.11): every node's stats (disk, JVM), cluster health (on by default) and
 * the cluster settings, whose disk watermarks the dashboard draws beside each node's disk use.
 */
export function renderExporterArgs(spec: ExporterArgsSpec): string[] {
  return [
    `--es.ca=${spec.caFile}`,
    "--es.all",
    "--collector.clustersettings",
    // Below the 10s scrape timeout, so a slow cluster shows as the exporter's own error, not a failed scrape.
    "--es.timeout=8s",
    `--web.listen-address=:${ES_EXPORTER_PORT}`,
  ];
}
