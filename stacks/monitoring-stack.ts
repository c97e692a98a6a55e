// Composes the components into one stack from a validated spec. No logic of its own beyond wiring:
// every decision was made by the presets, the config validation or the components.
import * as pulumi from "@pulumi/pulumi";
import { AlertDefinition, alertsBeyondFirstShard, buildAlertCatalog, buildRecordingRules, CatalogScope, renderInhibitRules, renderRuleFiles } from "../components/alerts";
import { Alertmanager, ChannelsSpec } from "../components/alertmanager";
import { BlackboxExporter } from "../components/blackbox-exporter";
import { Grafana, grafanaContract, grafanaIdentity, grafanaScrapeTarget } from "../components/grafana";
import { Cadvisor } from "../components/cadvisor";
import { Namespace, peerSelector } from "../components/kube";
import { KubeStateMetrics } from "../components/kube-state-metrics";
import { MlModelExporter } from "../components/ml-model-exporter";
import { NodeExporter } from "../components/node-exporter";
import { Prometheus, prometheusContract, prometheusShardIdentities } from "../components/prometheus";
import { CloudWiring, createCloudIntegrations } from "./clouds";
import { Channel, channelSecretKeys, StackConfig } from "./config";
import { createLogsAndTraces, LogsAndTraces } from "./logs-and-traces";
import { enabledSlos, type StackSpec } from "./schema";
import { createThanos, ThanosStack } from "./thanos";

/** Only the enabled channels, in the shape the Alertmanager component takes. */
export function enabledChannels(notifications: StackSpec["notifications"]): ChannelsSpec {
  const { slack, email, teams, pagerduty, webhook, heartbeat } = notifications;
  return {
    ...(slack.enabled ? { slack: { channel: slack.channel, domainChannels: slack.domainChannels } } : {}),
    ...(email.enabled ? { email: { to: email.to, from: email.from, smarthost: email.smarthost, username: email.username, requireTls: email.requireTls } } : {}),
    ...(teams.enabled ? { teams: {} } : {}),
    ...(pagerduty.enabled ? { pagerduty: {} } : {}),
    ...(webhook.enabled ? { webhook: {} } : {}),
    ...(heartbeat.enabled ? { heartbeat: {} } : {}),
  };
}

/** What a stack runs and sees, which decides the alerts in its catalog (components/alerts/scope.ts). */
export function catalogScopeOf(spec: StackSpec): CatalogScope {
  return {
    managedControlPlane: spec.kubernetes.managedControlPlane,
    thanos: spec.thanos.enabled,
    kubeStateMetrics: spec.exporters.kubeStateMetrics.enabled,
    cadvisor: spec.exporters.cadvisor.enabled,
    elasticsearch: spec.elk.enabled,
    // The operator runs with Elasticsearch (stacks/logs-and-traces.ts).
    eckOperator: spec.elk.enabled,
    // Logstash runs whenever the ELK section does (stacks/logs-and-traces.ts).
    logstash: spec.elk.enabled,
    loki: spec.loki.enabled,
    // The shipper runs only with a Loki to push to (stacks/logs-and-traces.ts).
    logShipper: spec.logShipper.enabled && spec.loki.enabled,
    jaeger: spec.jaeger.enabled,
    grafana: spec.grafana.enabled,
  };
}

/**
 * The alerts a stack evaluates: the catalog in its scope with its settings, its enabled SLOs' burn alerts and
 * its own alerts (customAlerts), each with its promtool cases. Built once per stack.
 */
export function stackAlertCatalog(spec: StackSpec): AlertDefinition[] {
  return buildAlertCatalog(spec.alerts, catalogScopeOf(spec), enabledSlos(spec.slos), spec.customAlerts?.alerts ?? []);
}

export interface MonitoringStack {
  namespace: pulumi.Output<string>;
  prometheus: Prometheus;
  alertmanager: Alertmanager;
  blackboxExporter?: BlackboxExporter;
  grafana?: Grafana;
  clouds: CloudWiring["created"];
  /** Thanos (sidecars in Prometheus, Query, Store Gateway, Compactor) when spec.thanos.enabled; stacks/thanos.ts. */
  thanos?: ThanosStack;
  /** Logs (ELK, Loki, the shipper) and traces (Jaeger); stacks/logs-and-traces.ts. */
  logsAndTraces: LogsAndTraces;
  /** The alerts the stack evaluates (the catalog with its settings, and the user alerts), with their promtool cases. */
  alerts: AlertDefinition[];
}

export function createMonitoringStack({ spec, secrets, teamSecrets }: StackConfig): MonitoringStack {
  const networkPolicy = spec.networkPolicies;
  const namespace = new Namespace("monitoring", { name: spec.namespace, podSecurity: "restricted", networkPolicies: networkPolicy });
  // node-exporter and cAdvisor need host access that `restricted` forbids; they get a namespace of their own.
  const hostNamespace = new Namespace("monitoring-host", { name: spec.hostNamespace, podSecurity: "privileged", networkPolicies: networkPolicy });
  const ns = namespace.name;
  // The catalog with this stack's thresholds, built once: Prometheus evaluates it, Grafana draws its thresholds,
  // the clouds' managed rules evaluate it too. A changed threshold changes its rule (and nothing else).
  // Scoped to what this stack runs and can see (components/alerts/scope.ts).
  const alerts = stackAlertCatalog(spec);
  // The enabled SLOs' recording rules beside the catalog's.
  const recording = buildRecordingRules(enabledSlos(spec.slos));
  // Prometheus and Grafana are named after their apps, so their pods' identity is known before they exist.
  // Every scrape shard's pods scrape (shard 0's identity is the unsharded one).
  const scrapers = prometheusShardIdentities(prometheusContract.name, spec.prometheus.shards).map((app) => peerSelector(app, spec.namespace));
  // Grafana queries Prometheus and Alertmanager.
  const grafanaPods = spec.grafana.enabled ? [peerSelector(grafanaIdentity(grafanaContract.name), spec.namespace)] : [];

  const nodeExporter = spec.exporters.nodeExporter.enabled ? new NodeExporter("node-exporter", { namespace: hostNamespace.name, resources: spec.exporters.nodeExporter.resources }) : undefined;
  const cadvisor = spec.exporters.cadvisor.enabled ? new Cadvisor("cadvisor", { namespace: hostNamespace.name, resources: spec.exporters.cadvisor.resources, networkPolicy, scrapers }) : undefined;
  const kubeStateMetrics = spec.exporters.kubeStateMetrics.enabled ? new KubeStateMetrics("kube-state-metrics", { namespace: ns, resources: spec.exporters.kubeStateMetrics.resources, networkPolicy, scrapers }) : undefined;
  const blackboxExporter = spec.blackbox.enabled
    ? new BlackboxExporter("blackbox-exporter", { namespace: ns, probes: spec.blackbox.probes, dnsQueryName: spec.blackbox.dnsQueryName, resources: spec.blackbox.resources, networkPolicy, scrapers })
    : undefined;

  const mlModelExporter = spec.mlModelExporter.enabled
    ? new MlModelExporter("ml-model-exporter", {
        namespace: ns,
        image: spec.mlModelExporter.image,
        endpoint: spec.mlModelExporter.endpoint,
        scrapeInterval: spec.mlModelExporter.scrapeInterval,
        resources: spec.mlModelExporter.resources,
        networkPolicy,
        scrapers,
      })
    : undefined;

  const am = spec.alertmanager;
  const channels = enabledChannels(spec.notifications);
  // A team route's email goes through the stack's SMTP server (notifications.email's settings and the
  // smtpPassword secret), whether or not the on-call email channel is on.
  const teamEmail = (am.teamRoutes ?? []).some((route) => route.receiver.email);
  const { from, smarthost, username, requireTls } = spec.notifications.email;
  const enabledSecretKeys = new Set<string>([...Object.keys(channels).map((c) => channelSecretKeys[c as Channel]), ...(teamEmail ? [channelSecretKeys.email] : [])]);
  const alertmanager = new Alertmanager("alertmanager", {
    namespace: ns,
    replicas: am.replicas,
    storageSize: am.storageSize,
    storageClass: spec.storageClass,
    resources: am.resources,
    resolveTimeout: am.resolveTimeout,
    routing: { groupWait: am.groupWait, criticalGroupWait: am.criticalGroupWait, groupInterval: am.groupInterval, repeatInterval: am.repeatInterval },
    channels,
    // Only enabled channels' credentials reach the cluster; a leftover secret of a disabled one does not.
    secrets: Object.fromEntries(Object.entries(secrets).filter(([key]) => enabledSecretKeys.has(key))),
    inhibitRules: renderInhibitRules(alerts),
    teamRoutes: am.teamRoutes?.map((route) => ({ ...route, continue: route.continue ?? false })),
    teamSecrets,
    ...(teamEmail ? { smtp: { from, smarthost, username, requireTls } } : {}),
    externalUrl: am.externalUrl,
    networkPolicy,
    clients: [...scrapers, ...grafanaPods],
  });

  // Cloud integrations (each only when enabled) add remote_write targets and workload identity to Prometheus.
  const clouds = createCloudIntegrations(spec, secrets, alerts, recording);

  // Logs and traces; Grafana queries Loki, Jaeger and Elasticsearch, Prometheus scrapes their own metrics.
  const logsAndTraces = createLogsAndTraces(spec, { namespace: ns, hostNamespace: hostNamespace.name, queriers: grafanaPods, cloudProviders: clouds.providers, scrapers });
  const { loki, jaeger, elasticsearch } = logsAndTraces;

  // Thanos: Grafana reads through Query (deduplicated, with the bucket's history) instead of Prometheus.
  const thanos = createThanos(spec, secrets, { namespace: ns, clouds, scrapers, queryClients: grafanaPods });

  const prom = spec.prometheus;
  const prometheus = new Prometheus(prometheusContract.name, {
    namespace: ns,
    cluster: spec.cluster,
    environment: spec.environment,
    replicas: prom.replicas,
    shards: prom.shards,
    retentionTime: prom.retentionTime,
    retentionSize: prom.retentionSize,
    storageSize: prom.storageSize,
    storageClass: spec.storageClass,
    scrapeInterval: prom.scrapeInterval,
    scrapeTimeout: prom.scrapeTimeout,
    evaluationInterval: prom.evaluationInterval,
    resources: prom.resources,
    alertmanagers: alertmanager.peerAddresses,
    remoteWrite: [...prom.remoteWrite, ...clouds.remoteWrite],
    serviceAccountAnnotations: clouds.serviceAccountAnnotations,
    projectedTokens: clouds.projectedTokens,
    ruleFiles: renderRuleFiles({ runbookBaseUrl: spec.runbookBaseUrl, alerts, recording }),
    // Shards 1 and up leave out the alerts that fire on absent series (the jobs they watch are shard 0's) and
    // the Watchdog (the heartbeat must stop when shard 0 does): components/alerts/shards.ts.
    ...(prom.shards > 1 ? { shardRuleFiles: renderRuleFiles({ runbookBaseUrl: spec.runbookBaseUrl, alerts: alertsBeyondFirstShard(alerts), recording }) } : {}),
    networkPolicy,
    // With Thanos, Grafana queries Query, which reads the sidecars: nothing queries Prometheus' API directly.
    queryClients: thanos ? [] : grafanaPods,
    thanos: thanos?.sidecar,
    scrape: {
      alertmanager: alertmanager.scrapeTarget,
      nodeExporter: nodeExporter?.scrapeTarget,
      cadvisor: cadvisor?.scrapeTarget,
      kubeStateMetrics: kubeStateMetrics?.scrapeTarget,
      blackbox: blackboxExporter?.scrapeTarget,
      kubeletInsecureSkipVerify: prom.kubeletInsecureSkipVerify,
      services: [...spec.targets, ...(mlModelExporter ? [mlModelExporter.scrapeTarget] : [])],
      apps: [
        ...logsAndTraces.scrapeTargets,
        // Grafana is created after the Prometheus it queries; its Service's name is known before.
        ...(spec.grafana.enabled ? [ns.apply((namespace) => grafanaScrapeTarget(grafanaContract.name, namespace))] : []),
      ],
      thanos: thanos?.scrape,
    },
  }, thanos ? { dependsOn: [thanos.bucket] } : undefined); // the sidecars mount the bucket's objstore Secret

  const gf = spec.grafana;
  const grafana = gf.enabled
    ? new Grafana(grafanaContract.name, {
        namespace: ns,
        prometheus: thanos ? thanos.query.endpoint : prometheus.endpoint,
        thanosQuery: thanos !== undefined,
        scrapeShards: prom.shards,
        scrapeInterval: prom.scrapeInterval,
        alerts,
        alertmanager: alertmanager.endpoint,
        loki: loki?.endpoint,
        jaeger: jaeger?.endpoint,
        elasticsearch: elasticsearch?.endpoint,
        replicas: gf.replicas,
        databaseUrl: secrets.grafanaDatabaseUrl,
        databasePort: gf.databasePort,
        adminPassword: secrets.grafanaAdminPassword,
        storageSize: gf.storageSize,
        storageClass: spec.storageClass,
        resources: gf.resources,
        rootUrl: gf.rootUrl,
        networkPolicy,
        clients: gf.ingressFrom,
        scrapers,
      })
    : undefined;

  return { namespace: ns, prometheus, alertmanager, blackboxExporter, grafana, clouds: clouds.created, thanos, logsAndTraces, alerts };
}
