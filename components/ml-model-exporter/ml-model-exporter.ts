import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { anywhere, AppIdentity, httpProbe, podPeers, renderAppNetworkPolicy, renderDeployment, renderService, ScrapedExporterArgs } from "../kube";
import type { ServiceTarget } from "../prometheus/render-config";
import { ML_EXPORTER_PORT, ML_EXPORTER_TARGET_NAME, mlModelExporterContract, mlModelExporterDefaults } from "./contract";

export interface MlModelExporterArgs extends ScrapedExporterArgs {
  /** The exporter's image (built from exporters/ml-model), pinned to a version. */
  image: string;
  /** Base URL of the ML service, e.g. http://ml-service.novacron.svc:8000. */
  endpoint: string;
  /** Seconds: served ML data is never older than this. Default 30 (the seed's SCRAPE_INTERVAL). */
  scrapeInterval?: number;
  /** Seconds allowed for one fetch from the ML service; keep under Prometheus' scrape timeout. Default 5. */
  fetchTimeout?: number;
}

/** The ML model exporter (exporters/ml-model): the ML pipeline's state as Prometheus metrics on :9200. */
export class MlModelExporter extends pulumi.ComponentResource {
  /** The scrape target for Prometheus' typed service targets (job novacron-ml-model-exporter). */
  public readonly scrapeTarget: pulumi.Output<ServiceTarget>;
  public readonly app: AppIdentity;

  constructor(name: string, args: MlModelExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:exporters:MlModelExporter", name, {}, opts);
    const app: AppIdentity = { name: mlModelExporterContract.name, instance: name, component: "exporter", image: args.image };
    this.app = app;
    const ns = args.namespace;
    const endpoint = new URL(args.endpoint);

    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "metrics", port: ML_EXPORTER_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.all([ns, service.metadata.name]).apply(([namespace, svc]) => ({
      name: ML_EXPORTER_TARGET_NAME, namespace, service: svc, port: ML_EXPORTER_PORT, path: "/metrics",
    }));

    new Deployment(name, renderDeployment({
      app,
      namespace: ns,
      // Runs as nobody (65534, the default), as the image does: a uid no host account uses.
      terminationGracePeriodSeconds: 15,
      containers: [{
        name: "ml-model-exporter",
        image: args.image,
        env: [
          { name: "ML_MODEL_ENDPOINT", value: args.endpoint },
          { name: "EXPORT_PORT", value: String(ML_EXPORTER_PORT) },
          { name: "SCRAPE_INTERVAL", value: String(args.scrapeInterval ?? mlModelExporterDefaults.scrapeInterval) },
          { name: "SCRAPE_TIMEOUT", value: String(args.fetchTimeout ?? mlModelExporterDefaults.fetchTimeout) },
        ],
        ports: [{ name: "metrics", containerPort: ML_EXPORTER_PORT }],
        resources: args.resources ?? mlModelExporterDefaults.resources,
        // Liveness does not depend on the ML service: its outage is reported in metrics, not by restarts.
        livenessProbe: httpProbe("/healthz", "metrics"),
        readinessProbe: httpProbe("/readyz", "metrics"),
      }],
    }), { parent: this });

    if (args.networkPolicy ?? true) {
      const mlPort = Number(endpoint.port || (endpoint.protocol === "https:" ? 443 : 80));
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: ML_EXPORTER_PORT }] }],
        egress: [{ peers: [anywhere], ports: [{ port: mlPort }] }],
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}
