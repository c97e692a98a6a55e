// The Elasticsearch exporter (prometheus-community/elasticsearch_exporter, Apache-2.0, the exporter the
// Prometheus community maintains): cluster health, every node's disk and JVM, and the disk watermarks. It logs
// in as the stack's monitoring user (cluster `monitor` only), whose password ECK's file realm and this pod read
// from the same generated Secret.
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { images } from "../images";
import { AppIdentity, httpProbe, podPeers, renderAppNetworkPolicy, renderDeployment, renderService, ScrapedExporterArgs } from "../kube";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { ES_EXPORTER_PORT, ES_HTTP_PORT, elasticsearchExporterContract, elasticsearchExporterDefaults } from "./contract";
import type { ElasticsearchConnection } from "./elasticsearch";
import { esUriFlag, renderExporterArgs } from "./render-exporter";

const CA_DIR = "/etc/es-ca";

export interface ElasticsearchExporterArgs extends ScrapedExporterArgs {
  /** The cluster to watch (Elasticsearch.connection): its URL, CA and the monitoring user's Secret. */
  elasticsearch: ElasticsearchConnection;
}

/** The exporter's pod identity, known before it exists (the cluster's NetworkPolicy admits it). */
export function elasticsearchExporterIdentity(name: string): AppIdentity {
  return { name: elasticsearchExporterContract.name, instance: name, component: "exporter", image: images.elasticsearchExporter };
}

/** elasticsearch_exporter as a Deployment beside the cluster, scraped as job `elasticsearch-exporter`. */
export class ElasticsearchExporter extends pulumi.ComponentResource {
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;
  public readonly app: AppIdentity;

  constructor(name: string, args: ElasticsearchExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:elasticsearch:ElasticsearchExporter", name, {}, opts);
    const app = elasticsearchExporterIdentity(name);
    this.app = app;
    const ns = args.namespace;
    const es = args.elasticsearch;

    new Service(name, renderService({ app, namespace: ns, ports: [{ name: "metrics", port: ES_EXPORTER_PORT }] }), { parent: this });
    // The exporter labels its series with the Elasticsearch cluster's name as `cluster`; here `cluster` is the
    // Kubernetes cluster, so it is renamed.
    this.scrapeTarget = pulumi.output(ns).apply((namespace) => ({
      namespace, app: app.name, port: "metrics", job: elasticsearchExporterContract.job, renameLabels: { cluster: "es_cluster" },
    }));

    new Deployment(name, renderDeployment({
      app,
      namespace: ns,
      containers: [{
        name: "elasticsearch-exporter",
        image: images.elasticsearchExporter,
        args: [pulumi.output(es.url).apply(esUriFlag), ...renderExporterArgs({ caFile: `${CA_DIR}/ca.crt` })],
        env: [
          { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: es.monitoringSecret, key: "username" } } },
          { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: es.monitoringSecret, key: "password" } } },
        ],
        ports: [{ name: "metrics", containerPort: ES_EXPORTER_PORT }],
        resources: args.resources ?? elasticsearchExporterDefaults.resources,
        livenessProbe: httpProbe("/", "metrics"),
        readinessProbe: httpProbe("/", "metrics"),
        volumeMounts: [{ name: "es-ca", mountPath: CA_DIR, readOnly: true }],
      }],
      volumes: [{ name: "es-ca", secret: { secretName: es.caSecret } }],
    }), { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: ES_EXPORTER_PORT }] }],
        egress: [{ peers: podPeers([es.pods]), ports: [{ port: ES_HTTP_PORT }] }],
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}
