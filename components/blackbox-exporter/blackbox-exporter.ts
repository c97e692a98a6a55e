import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1";
import { ConfigMap, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  anywhere, AppIdentity, contentHash, httpProbe, NOBODY, objectMeta, renderAppNetworkPolicy, renderDeployment, renderPodDisruptionBudget, renderService, WorkloadSpec, podPeers, mountByName, namedConfigOptions, ScrapedExporterArgs,
} from "../kube";
import type { BlackboxScrapeTarget, ProbeSpec } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { BLACKBOX_PORT, blackboxExporterContract, blackboxExporterDefaults } from "./contract";
import { renderBlackboxConfig } from "./render-config";

/** `scrapers` are the pods allowed to request probes (Prometheus). */
export interface BlackboxExporterArgs extends ScrapedExporterArgs {
  /** The probes Prometheus runs through this exporter (one scrape job per module). */
  probes: ProbeSpec[];
  /** The name the dns module resolves. Default kubernetes.default.svc.cluster.local. */
  dnsQueryName?: string;
  /** Per-probe timeout, under the scrape timeout. Default 5s. */
  timeout?: string;
  /** Replicas of the stateless exporter. Default 1. */
  replicas?: number;
}

/** blackbox_exporter: HTTP, TCP, DNS and ICMP probes of endpoints, as Prometheus asks for them. */
export class BlackboxExporter extends pulumi.ComponentResource {
  public readonly configYaml: string;
  /** What Prometheus needs to scrape the exporter and run the probes. */
  public readonly scrapeTarget: pulumi.Output<BlackboxScrapeTarget>;
  public readonly app: AppIdentity;

  constructor(name: string, args: BlackboxExporterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:exporters:BlackboxExporter", name, {}, opts);
    const app: AppIdentity = { name: blackboxExporterContract.name, instance: name, component: "exporter", image: images.blackboxExporter };
    this.app = app;
    const ns = args.namespace;
    this.configYaml = toYaml(renderBlackboxConfig({ timeout: args.timeout ?? blackboxExporterDefaults.timeout, dnsQueryName: args.dnsQueryName ?? blackboxExporterDefaults.dnsQueryName }));

    const config = new ConfigMap(`${name}-config`, { metadata: objectMeta(app, ns, `${name}-config`), data: { "blackbox.yml": this.configYaml } }, { parent: this, ...namedConfigOptions });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "http", port: BLACKBOX_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.all([ns, service.metadata.name]).apply(([namespace, svc]) => ({
      namespace, app: app.name, port: "http", address: `${svc}.${namespace}.svc:${BLACKBOX_PORT}`, probes: args.probes,
    }));

    const workload: WorkloadSpec = {
      app,
      namespace: ns,
      replicas: args.replicas ?? blackboxExporterDefaults.replicas,
      // Stateless and cheap to restart: a config change rolls the pods through this hash.
      configHash: contentHash(this.configYaml),
      sysctls: [{ name: "net.ipv4.ping_group_range", value: `${NOBODY} ${NOBODY}` }],
      containers: [{
        name: "blackbox-exporter",
        image: images.blackboxExporter,
        args: ["--config.file=/etc/blackbox/blackbox.yml", `--web.listen-address=:${BLACKBOX_PORT}`],
        ports: [{ name: "http", containerPort: BLACKBOX_PORT }],
        resources: args.resources ?? blackboxExporterDefaults.resources,
        livenessProbe: httpProbe("/-/healthy", "http"),
        readinessProbe: httpProbe("/-/healthy", "http"),
        volumeMounts: [{ name: "config", mountPath: "/etc/blackbox", readOnly: true }],
      }],
      volumes: [{ name: "config", configMap: { name: mountByName(config, `${name}-config`) } }],
    };
    new Deployment(name, renderDeployment(workload), { parent: this, dependsOn: [config] });
    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [{ peers: podPeers(args.scrapers), ports: [{ port: BLACKBOX_PORT }] }],
        // Probes go wherever their targets are, on whatever port (ICMP has none).
        egress: [{ peers: [anywhere], ports: [] }],
      }), { parent: this });
    }
    this.registerOutputs({ scrapeTarget: this.scrapeTarget });
  }
}
