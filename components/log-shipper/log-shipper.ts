import * as pulumi from "@pulumi/pulumi";
import { DaemonSet } from "@pulumi/kubernetes/apps/v1";
import { ConfigMap, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { images } from "../images";
import {
  AppIdentity, clusterRoleFor, CONFIG_HASH_ANNOTATION, contentHash, Flow, httpProbe, kubeApiFlow, objectMeta, PeerSelector, podPeers,
  renderAppNetworkPolicy, renderDaemonSet, renderService, ResourceRequirements,
  namedConfigOptions,
} from "../kube";
import { renderAlloyConfig } from "../log-parsing";
import type { AppScrapeTarget } from "../prometheus/render-config";
import { logstashContract } from "../logstash/contract";
import { lokiContract } from "../loki/contract";
import { ALLOY_HTTP_PORT, logShipperContract, logShipperDefaults } from "./contract";

const POD_LOGS = "/var/log/pods";

export interface LogShipperArgs {
  /** Namespace; it must admit privileged pods (the shipper reads the node's log files as root). */
  namespace: pulumi.Input<string>;
  /** The cluster name, a label on every stream. */
  cluster: string;
  /** Loki's push endpoint (parsed entries go there). */
  lokiPushUrl: pulumi.Input<string>;
  /** Logstash's OTLP/HTTP base URL; none = no Logstash. */
  logstashUrl?: pulumi.Input<string>;
  /** Loki's pods (egress allowed to them). */
  loki?: PeerSelector;
  /** Logstash's pods (egress allowed to them). */
  logstash?: PeerSelector;
  /** Longest a multi-line entry waits for its next line (default 3s). */
  multilineMaxWait?: string;
  /**
   * Namespaces of the applications that log in the seed's formats (NovaCron's): only their streams are
   * joined into multi-line entries; every other container's log stays line by line. Default: none.
   */
  multilineNamespaces?: string[];
  /** CPU and memory requests and limits of the main container. */
  resources?: ResourceRequirements;
  /** Create a NetworkPolicy (default true). */
  networkPolicy?: boolean;
  /** Pods that scrape Alloy's own metrics (Prometheus): let in to its HTTP port. */
  scrapers?: PeerSelector[];
}

export function logShipperIdentity(name: string): AppIdentity {
  return { name: logShipperContract.name, instance: name, component: "logs-collection", image: images.alloy };
}

/**
 * Grafana Alloy on every node: tails the node's container logs, joins multi-line entries, applies the
 * seed's parsing rules (components/log-parsing) and ships parsed entries to Loki and raw ones to Logstash.
 * Alloy is the maintained successor of Promtail (end of life 2026); its loki.process stages run the rules in
 * Go's RE2, the engine the tests check them in.
 */
export class LogShipper extends pulumi.ComponentResource {
  /** The rendered config.alloy. */
  public readonly configText: pulumi.Output<string>;
  public readonly app: AppIdentity;
  /** Every node's Alloy (its loki.write and pipeline metrics), scraped as job `log-shipper`. */
  public readonly scrapeTarget: pulumi.Output<AppScrapeTarget>;

  constructor(name: string, args: LogShipperArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:log-shipper:LogShipper", name, {}, opts);
    const app = logShipperIdentity(name);
    this.app = app;
    const ns = args.namespace;

    this.configText = pulumi.all([args.lokiPushUrl, args.logstashUrl]).apply(([loki, logstash]) => renderAlloyConfig({
      lokiPushUrl: loki,
      logstashUrl: logstash,
      cluster: args.cluster,
      podLogsDir: POD_LOGS,
      multilineMaxWait: args.multilineMaxWait ?? logShipperDefaults.multilineMaxWait,
      multilineNamespaces: args.multilineNamespaces ?? [],
    }));
    const config = new ConfigMap(`${name}-config`, { metadata: objectMeta(app, ns, `${name}-config`), data: { "config.alloy": this.configText } }, { parent: this, ...namedConfigOptions });
    const sa = new ServiceAccount(name, { metadata: objectMeta(app, ns), automountServiceAccountToken: false }, { parent: this });
    // Discovery of the pods on its node: read-only.
    clusterRoleFor({ name, app, namespace: ns, serviceAccountName: sa.metadata.name, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }], parent: this });

    const ds = renderDaemonSet({
      app, namespace: ns,
      serviceAccountName: name,
      hostAccess: {
        hostPaths: [{ name: "pod-logs", path: POD_LOGS, mountPath: POD_LOGS }],
        reason: "log shipping: reads the node's container log files (/var/log/pods) read-only; keeps its read positions in /var/lib/novacron-alloy on the node",
      },
      // Every node, tainted ones included: a node whose logs are not shipped is a blind spot.
      tolerations: [{ operator: "Exists" }],
      containers: [{
        name: "alloy",
        image: images.alloy,
        args: ["run", "/etc/alloy/config.alloy", "--storage.path=/var/lib/novacron-alloy", `--server.http.listen-addr=0.0.0.0:${ALLOY_HTTP_PORT}`, "--disable-reporting"],
        env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
        ports: [{ name: "http", containerPort: ALLOY_HTTP_PORT }],
        resources: args.resources ?? logShipperDefaults.resources,
        livenessProbe: httpProbe("/-/healthy", "http"),
        readinessProbe: httpProbe("/-/ready", "http"),
        privileges: { runAsUser: 0, reason: "container log files are root-owned (0640) on the node; no capabilities are added" },
        volumeMounts: [
          { name: "config", mountPath: "/etc/alloy", readOnly: true },
          { name: "positions", mountPath: "/var/lib/novacron-alloy" },
          { name: "tmp", mountPath: "/tmp" },
        ],
      }],
      volumes: [
        { name: "config", configMap: { name: `${name}-config` } },
        // Read positions survive a pod's replacement, so a rollout neither re-ships nor skips lines.
        { name: "positions", hostPath: { path: "/var/lib/novacron-alloy", type: "DirectoryOrCreate" } },
        { name: "tmp", emptyDir: {} },
      ],
    });
    const pod = (ds.spec as any).template;
    pod.metadata.annotations = { ...pod.metadata.annotations, [CONFIG_HASH_ANNOTATION]: this.configText.apply((text) => contentHash(text)) };
    new DaemonSet(name, ds, { parent: this, dependsOn: [config, sa] });
    // Headless: nothing connects through it; it gives Prometheus every node's pod through endpoint discovery.
    const service = new Service(name, renderService({ app, namespace: ns, headless: true, ports: [{ name: "http", port: ALLOY_HTTP_PORT }] }), { parent: this });
    this.scrapeTarget = pulumi.all([pulumi.output(ns), service.metadata.name]).apply(([namespace, svc]) => ({
      namespace, app: app.name, port: "http", service: svc, job: logShipperContract.job,
    }));

    if (args.networkPolicy ?? true) {
      const egress: Flow[] = [kubeApiFlow];
      if (args.loki) egress.push({ peers: podPeers([args.loki]), ports: [{ port: lokiContract.ports.http }] });
      if (args.logstash) egress.push({ peers: podPeers([args.logstash]), ports: [{ port: logstashContract.ports.otlpHttp }] });
      const ingress: Flow[] = args.scrapers?.length ? [{ peers: podPeers(args.scrapers), ports: [{ port: ALLOY_HTTP_PORT }] }] : [];
      new NetworkPolicy(name, renderAppNetworkPolicy({ app, namespace: ns, ingress, egress }), { parent: this });
    }
    this.registerOutputs({ configText: this.configText, scrapeTarget: this.scrapeTarget });
  }
}
