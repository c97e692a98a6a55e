// The stack configuration schema: everything a stack can set, with the formats the consuming tools accept.
// One file per config section, each with its own cross-field checks; this file composes them and adds the
// checks that span sections or depend on the environment. Validation lives here, once, so a bad value is
// refused before any resource is registered. Every field's description feeds docs/config-reference.md.
import { z } from "zod";
import { WATCHDOG } from "../../components/alerts/settings";
import { ML_EXPORTER_TARGET_NAME } from "../../components/ml-model-exporter/contract";
import { alertmanagerSchema } from "./alertmanager";
import { alertsSchema } from "./alerts";
import { blackboxSchema } from "./blackbox";
import { customAlertsSchema } from "./custom-alerts";
import { cloudNames, cloudsSchema, firstEnabledCloud } from "./clouds";
import { derivedNameChecks } from "./derived-names";
import { elkSchema, masterEligibleNodes, validNodeSets } from "./elk";
import { environmentPolicies, environments } from "./environment";
import { exportersSchema, mlModelExporterSchema } from "./exporters";
import { grafanaSchema } from "./grafana";
import { jaegerSchema } from "./jaeger";
import { kubernetesSchema } from "./kubernetes";
import { logShipperSchema } from "./log-shipper";
import { lokiSchema } from "./loki";
import { notificationsSchema } from "./notifications";
import { DNS_LABEL, httpUrl, MAX_TEXT_LENGTH, namespaceName, overlongTexts, storageClass, withCrossChecks } from "./primitives";
import { prometheusSchema } from "./prometheus";
import { slosSchema } from "./slos";
import { targetsSchema } from "./targets";
import { parseDuration } from "../../components/units";
import { thanosSchema } from "./thanos";

export { parseBytes, parseDuration, PROMETHEUS_BYTES, PROMETHEUS_DURATION, STORAGE_QUANTITY } from "../../components/units";
export { ALERTMANAGER_PEER_TIMEOUT_SECONDS } from "../../components/alertmanager/contract";
export { alertmanagerSchema } from "./alertmanager";
export { alertsSchema } from "./alerts";
export type { AlertsSpec } from "./alerts";
export { blackboxSchema, probeModules, probeSchema } from "./blackbox";
export { customAlertsSchema } from "./custom-alerts";
export type { CustomAlertsSpec } from "./custom-alerts";
export type { Probe, ProbeModule } from "./blackbox";
export { cloudsSchema, cloudWatchRetentionDays, firstEnabledCloud, requiredCloudSettings } from "./clouds";
export { derivedNameChecks, ES_CLUSTER } from "./derived-names";
export type { Cloud, CloudsSpec } from "./clouds";
export { elasticsearchRoles, elkSchema, nodeSetSchema, snapshotTypes } from "./elk";
export type { ElkSpec, NodeSetSpec } from "./elk";
export { environmentPolicies, environments } from "./environment";
export type { Environment, EnvironmentPolicy } from "./environment";
export { exportersSchema, mlModelExporterSchema } from "./exporters";
export { grafanaSchema } from "./grafana";
export type { GrafanaSpec } from "./grafana";
export { jaegerSchema } from "./jaeger";
export { kubernetesSchema } from "./kubernetes";
export type { KubernetesSpec } from "./kubernetes";
export type { JaegerSpec } from "./jaeger";
export { logShipperSchema } from "./log-shipper";
export type { LogShipperSpec } from "./log-shipper";
export { lokiSchema } from "./loki";
export type { LokiSpec } from "./loki";
export { notificationsSchema } from "./notifications";
export { resourcesSchema } from "./primitives";
export type { Resources } from "./primitives";
export { prometheusSchema } from "./prometheus";
export type { RemoteWrite } from "./prometheus";
export { enabledSlos, MAX_SLO_WINDOW, sloConfigOf, sloSchema, slosSchema, sloSpecOf } from "./slos";
export type { SloConfig, SlosSpec } from "./slos";
export { scrapeTargetSchema } from "./targets";
export { THANOS_DOWNSAMPLE_AGE, thanosSchema, thanosStorageKinds } from "./thanos";
export type { ThanosSpec } from "./thanos";
export type { ScrapeTarget } from "./targets";

const stackObject = z.strictObject({
  environment: z.enum(environments, "must be one of dev, prod").describe("Which preset applies (required)."),
  cluster: z.string().regex(DNS_LABEL, "must be a lowercase DNS label, e.g. novacron-prod").describe("Cluster name: the `cluster` external label on every series and alert."),
  namespace: namespaceName.describe("Namespace of the stack (Pod Security Standards `restricted`)."),
  hostNamespace: namespaceName.describe("Namespace of host-level agents (node-exporter, cAdvisor, the log shipper); `privileged`."),
  storageClass: storageClass.optional().describe("StorageClass of every volume; unset uses the cluster default."),
  runbookBaseUrl: httpUrl.describe("Alerts link `<base>/<alert-slug>` (docs/runbooks/)."),
  networkPolicies: z.boolean().describe("Default-deny NetworkPolicies plus each component's own flows."),
  prometheus: prometheusSchema,
  thanos: thanosSchema,
  alertmanager: alertmanagerSchema,
  notifications: notificationsSchema,
  targets: targetsSchema,
  blackbox: blackboxSchema,
  exporters: exportersSchema,
  kubernetes: kubernetesSchema,
  mlModelExporter: mlModelExporterSchema,
  grafana: grafanaSchema,
  clouds: cloudsSchema,
  alerts: alertsSchema.optional()
    .describe("Per alert: enabled, threshold (in its expression's unit: ratios 0..1, seconds, counts), for, severity; an alert not listed runs as the catalog defines it."),
  customAlerts: customAlertsSchema.optional()
    .describe("The stack's own alerts, joined to the catalog (docs/alerts.md): each must parse, select known metrics and bring promtool cases."),
  slos: slosSchema.describe("SLOs by name (docs/slos.md): each compiles to recording rules, a fast-burn page and a slow-burn ticket, and rows of the error-budget dashboard. The presets hold the NovaCron API's availability and latency SLOs; set a field to change one, enabled: false to switch one off, or a new name to add one."),
  elk: elkSchema,
  loki: lokiSchema,
  logShipper: logShipperSchema,
  jaeger: jaegerSchema,
});

/** The channels someone reads (the heartbeat only proves the pipeline works). */
const humanChannels = Object.keys(notificationsSchema.shape).filter((channel) => channel !== "heartbeat") as Exclude<keyof typeof notificationsSchema.shape, "heartbeat">[];

/** The whole validated stack spec (after the environment preset is applied). */
export const stackSpecSchema = withCrossChecks(
  stackObject,
  {
    // Reads nothing in particular, so it always runs: every text value anywhere is bounded.
    reads: [],
    check: (spec, report) => {
      for (const path of overlongTexts(spec)) report(path, `must be at most ${MAX_TEXT_LENGTH} characters`);
    },
  },
  {
    reads: ["environment", ["prometheus", "replicas"]],
    check: ({ environment, prometheus }, report) => {
      const min = environmentPolicies[environment].minPrometheusReplicas;
      if (prometheus.replicas < min) report(["prometheus", "replicas"], `must be at least ${min} in ${environment}`);
    },
  },
  {
    reads: ["environment", ["alertmanager", "replicas"]],
    check: ({ environment, alertmanager }, report) => {
      const min = environmentPolicies[environment].minAlertmanagerReplicas;
      if (alertmanager.replicas < min) report(["alertmanager", "replicas"], `must be at least ${min} in ${environment} (a gossip cluster that survives the loss of one peer)`);
    },
  },
  {
    reads: ["environment", ...humanChannels.map((channel) => ["notifications", channel, "enabled"])],
    check: ({ environment, notifications }, report) => {
      if (environmentPolicies[environment].requireNotificationChannel && !humanChannels.some((channel) => notifications[channel].enabled)) {
        report(["notifications"], `${environment} must enable at least one of ${humanChannels.join(", ")}`);
      }
    },
  },
  {
    reads: [["alerts", "PrometheusNotConnectedToAlertmanagers", "threshold"], ["alertmanager", "replicas"]],
    check: ({ alerts, alertmanager }, report) => {
      const threshold = (alerts?.PrometheusNotConnectedToAlertmanagers as { threshold?: number } | undefined)?.threshold;
      if (threshold !== undefined && threshold > alertmanager.replicas) {
        report(["alerts", "PrometheusNotConnectedToAlertmanagers", "threshold"], `(${threshold}) must be at most alertmanager.replicas (${alertmanager.replicas}): Prometheus can never be connected to more Alertmanagers than run, so the alert would always fire`);
      }
    },
  },
  {
    reads: [["alerts", WATCHDOG, "enabled"], ["notifications", "heartbeat", "enabled"]],
    check: ({ alerts, notifications }, report) => {
      if (alerts?.[WATCHDOG]?.enabled === false && notifications.heartbeat.enabled) {
        report(["alerts", WATCHDOG, "enabled"], "is false but notifications.heartbeat.enabled is true: the heartbeat is the Watchdog reaching its URL, and would stop");
      }
    },
  },
  {
    reads: [["mlModelExporter", "enabled"]],
    check: ({ mlModelExporter, targets }, report) => {
      if (!mlModelExporter.enabled || !Array.isArray(targets)) return;
      targets.forEach((t, i) => t?.name === ML_EXPORTER_TARGET_NAME && report(["targets", i, "name"], `"${ML_EXPORTER_TARGET_NAME}" is the ML model exporter's own job while mlModelExporter.enabled is true`));
    },
  },
  {
    // As the elk section's own checks: only node sets with a list of roles and a whole count are judged.
    reads: ["environment", ["elk", "enabled"]],
    check: ({ environment: env, elk }, report) => {
      if (!elk.enabled || !Array.isArray(elk.nodeSets)) return;
      const policy = environmentPolicies[env];
      const sets = validNodeSets(elk.nodeSets);
      if (policy.dedicatedMasters) {
        elk.nodeSets.forEach((s, i) => sets.includes(s) && s.roles.includes("master") && s.roles.length > 1 && report(["elk", "nodeSets", i, "roles"], `must be only ["master"] in ${env}: dedicated masters hold no data`));
        const masters = masterEligibleNodes(sets);
        if (masters > 0 && masters < 3) report(["elk", "nodeSets"], `must have at least 3 master-eligible nodes in ${env}`);
      }
      if (policy.elasticsearchTiers) {
        for (const tier of ["data_hot", "data_warm", "data_cold"]) {
          if (!sets.some((s) => (s.roles as string[]).includes(tier))) report(["elk", "nodeSets"], `must include a ${tier} node set in ${env} (hot-warm-cold)`);
        }
      }
    },
  },
  {
    reads: [["jaeger", "enabled"], ["jaeger", "storage"], ["elk", "enabled"]],
    check: ({ jaeger, elk }, report) => {
      if (jaeger.enabled && jaeger.storage === "elasticsearch" && !elk.enabled) report(["jaeger", "storage"], "is elasticsearch but elk.enabled is false");
    },
  },
  {
    reads: [["loki", "enabled"], ["loki", "storage"], ...cloudNames.map((cloud) => ["clouds", cloud, "enabled"])],
    check: ({ loki, clouds }, report) => {
      if (loki.enabled && loki.storage === "object" && !firstEnabledCloud(clouds)) {
        report(["loki", "storage"], "is object but no cloud is enabled: enable one of clouds.aws, clouds.gcp, clouds.azure (its object storage holds Loki's chunks), or set loki.storage to filesystem and loki.mode to single (one replica on a volume)");
      }
    },
  },
  {
    reads: [["thanos", "enabled"], ["thanos", "storage"], ...cloudNames.map((cloud) => ["clouds", cloud, "enabled"])],
    check: ({ thanos, clouds }, report) => {
      if (thanos.enabled && thanos.storage === "cloud" && !firstEnabledCloud(clouds)) {
        report(["thanos", "storage"], "is cloud but no cloud is enabled: enable one of clouds.aws, clouds.gcp, clouds.azure (its object storage holds Thanos' blocks), set thanos.storage to s3-compatible with thanos.s3Compatible, or set thanos.enabled to false (one Prometheus, local storage only)");
      }
    },
  },
  {
    reads: [["prometheus", "shards"], ["thanos", "enabled"]],
    check: ({ prometheus, thanos }, report) => {
      if (prometheus.shards > 1 && !thanos.enabled) {
        report(["prometheus", "shards"], `(${prometheus.shards}) needs thanos.enabled: each shard holds only its targets' series, and only Thanos Query gives Grafana one view across shards; enable thanos or keep one shard`);
      }
    },
  },
  {
    reads: [["logShipper", "enabled"], ["loki", "enabled"]],
    check: ({ logShipper, loki }, report) => {
      if (logShipper.enabled && !loki.enabled) report(["logShipper", "enabled"], "is true but loki.enabled is false: the shipper sends parsed entries to Loki (and raw ones to Logstash when elk is enabled)");
    },
  },
  {
    // The budget over the window is averaged from recorded samples: Prometheus must keep the whole window.
    reads: [["prometheus", "retentionTime"], "slos"],
    check: ({ prometheus, slos }, report) => {
      const retention = parseDuration(prometheus.retentionTime);
      if (retention === undefined || !slos) return;
      for (const [name, slo] of Object.entries(slos)) {
        const window = parseDuration(slo.window);
        if (slo.enabled !== false && window !== undefined && window > retention) {
          report(["slos", name, "window"], `(${slo.window}) must be at most prometheus.retentionTime (${prometheus.retentionTime}): the error budget over the window is averaged from samples Prometheus no longer holds; shorten the window, keep more, or set enabled: false`);
        }
      }
    },
  },
  // Every name the stack derives, against its API's limits (derived-names.ts).
  ...derivedNameChecks,
);

export type StackSpec = z.infer<typeof stackSpecSchema>;
