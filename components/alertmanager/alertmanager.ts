import * as pulumi from "@pulumi/pulumi";
import { ConfigMap, Secret, Service } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1";
import { images } from "../images";
import {
  anywhere, AppIdentity, Flow, httpProbe, objectMeta, PeerSelector, podsOf, reloaderContainer, renderAppNetworkPolicy,
  renderPodDisruptionBudget, renderService, renderStatefulSet, ResourceRequirements, ServiceEndpoint, serviceEndpoint, WorkloadSpec, podPeers,
  mountByName, statefulSetWithOwnedClaims, namedConfigOptions,
} from "../kube";
import type { InhibitRule } from "../alerts/render-rules";
import type { InClusterApp } from "../prometheus/render-config";
import { toYaml } from "../yaml";
import { ALERTMANAGER_PORT, alertmanagerContract, alertmanagerDefaults, CLUSTER_PORT } from "./contract";
import { ChannelSecrets, ChannelsSpec, renderAlertmanagerConfig, RoutingSpec, secretFiles, SecretFile, SmtpServerSpec, TeamRouteSpec, teamRouteSecrets } from "./render-config";

const CONFIG_DIR = "/etc/alertmanager/config";
const SECRETS_DIR = "/etc/alertmanager/secrets";

export interface AlertmanagerArgs {
  /** Namespace to deploy into (must exist). */
  namespace: pulumi.Input<string>;
  /** Replicas; more than one forms a gossip cluster that deduplicates notifications. Default 1. */
  replicas?: number;
  /** Volume for silences and the notification log, per replica. Default 1Gi. */
  storageSize?: string;
  /** Storage class; unset uses the cluster default. */
  storageClass?: pulumi.Input<string>;
  /** CPU and memory requests and limits of the Alertmanager container. */
  resources?: ResourceRequirements;
  /** How long an alert without updates stays active. Default 5m. */
  resolveTimeout?: string;
  /** Notification timing; unset fields keep the defaults (defaultRouting). */
  routing?: Partial<RoutingSpec>;
  /** Enabled notification channels; each needs its credential in `secrets`. */
  channels: ChannelsSpec;
  /** Channel credentials (Pulumi secrets), keyed by secret file name (e.g. slackWebhookUrl). */
  secrets: ChannelSecrets;
  /** Extra routes per team, tried before the domain routes; each credential they name must be in `teamSecrets`. */
  teamRoutes?: TeamRouteSpec[];
  /** The team routes' credentials (Pulumi secrets), keyed by the secret names the routes give; mounted as files like `secrets`. */
  teamSecrets?: Record<string, pulumi.Input<string>>;
  /** The SMTP server for every email, the team routes' included (its password is `secrets.smtpPassword`); unset uses the email channel's. */
  smtp?: SmtpServerSpec;
  /** Alertmanager inhibit_rules, e.g. renderInhibitRules() of the alert catalog. */
  inhibitRules: InhibitRule[];
  /** The URL people reach Alertmanager at; notifications link to it. */
  externalUrl?: string;
  /** Create a NetworkPolicy for Alertmanager's pods (default true). */
  networkPolicy?: boolean;
  /** Pods that send alerts or query Alertmanager (Prometheus, Grafana). */
  clients?: PeerSelector[];
}

export const defaultRouting: RoutingSpec = {
  groupBy: ["alertname", "cluster", "severity"],
  groupWait: "30s",
  criticalGroupWait: "10s",
  groupInterval: "5m",
  repeatInterval: "4h",
};

/** Channels whose credential is missing from `secrets`. */
export function missingChannelSecrets(channels: ChannelsSpec, secrets: Partial<Record<SecretFile, unknown>>): string[] {
  return (Object.keys(secretFiles) as (keyof ChannelsSpec)[])
    .filter((channel) => channels[channel] !== undefined && secrets[secretFiles[channel]] === undefined)
    .map((channel) => `${channel} (secret ${secretFiles[channel]})`);
}

/** Alertmanager as a StatefulSet: a gossip cluster in prod, credentials in a Secret, hot reload. */
export class Alertmanager extends pulumi.ComponentResource {
  /** In-cluster URL of the load-balanced Service (UI, API, silences). */
  public readonly url: pulumi.Output<string>;
  /** Where clients (Grafana) reach the Service: URL, pods and port. */
  public readonly endpoint: ServiceEndpoint;
  public readonly serviceName: pulumi.Output<string>;
  /** host:port of every replica. Prometheus must send each alert to all of them, not to the Service. */
  public readonly peerAddresses: pulumi.Output<string[]>;
  /** The rendered alertmanager.yml (no credentials in it). */
  public readonly configYaml: string;
  /** What Prometheus needs to scrape Alertmanager's own metrics. */
  public readonly scrapeTarget: pulumi.Output<InClusterApp>;
  public readonly app: AppIdentity;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("novacron:alertmanager:Alertmanager", name, {}, opts);
    const missing = missingChannelSecrets(args.channels, args.secrets);
    if (missing.length) throw new Error(`Alertmanager ${name}: enabled channels without credentials: ${missing.join(", ")}`);
    const teamSecrets = args.teamSecrets ?? {};
    const missingTeam = teamRouteSecrets(args.teamRoutes ?? []).filter(({ key }) => teamSecrets[key] === undefined).map(({ key }) => key);
    if (missingTeam.length) throw new Error(`Alertmanager ${name}: team routes without their credentials: ${missingTeam.join(", ")}`);
    const mailingTeams = (args.teamRoutes ?? []).filter((team) => team.receiver.email).map((team) => team.name);
    if (mailingTeams.length && args.secrets[secretFiles.email] === undefined) {
      throw new Error(`Alertmanager ${name}: team routes ${mailingTeams.join(", ")} send email without the SMTP password (secret ${secretFiles.email})`);
    }
    const smtp = args.smtp ?? args.channels.email;
    const clash = Object.keys(teamSecrets).filter((key) => Object.hasOwn(args.secrets, key));
    if (clash.length) throw new Error(`Alertmanager ${name}: team secrets named like channel credentials: ${clash.join(", ")}`);

    const app: AppIdentity = { name: alertmanagerContract.name, instance: name, component: "alerting", image: images.alertmanager };
    this.app = app;
    const ns = args.namespace;
    const replicas = args.replicas ?? alertmanagerDefaults.replicas;
    const headless = `${name}-headless`;

    this.configYaml = toYaml(renderAlertmanagerConfig({
      resolveTimeout: args.resolveTimeout ?? alertmanagerDefaults.resolveTimeout,
      routing: { ...defaultRouting, ...args.routing },
      channels: args.channels,
      secretsDir: SECRETS_DIR,
      inhibitRules: args.inhibitRules,
      teamRoutes: args.teamRoutes,
      smtp,
    }));

    const config = new ConfigMap(`${name}-config`, {
      metadata: objectMeta(app, ns, `${name}-config`),
      data: { "alertmanager.yml": this.configYaml },
    }, { parent: this, ...namedConfigOptions });
    // stringData from Pulumi secrets: encrypted in state, masked in previews, never in a ConfigMap.
    const secret = new Secret(`${name}-secrets`, {
      metadata: objectMeta(app, ns, `${name}-secrets`),
      type: "Opaque",
      stringData: Object.fromEntries(Object.entries({ ...args.secrets, ...teamSecrets }).map(([key, value]) => [key, pulumi.secret(value!)])),
    }, { parent: this, ...namedConfigOptions });

    new Service(headless, renderService({
      app, namespace: ns, name: headless, headless: true,
      // Peers must find each other to form the cluster before any of them is ready.
      publishNotReadyAddresses: true,
      ports: [
        { name: "web", port: ALERTMANAGER_PORT },
        { name: "cluster-tcp", port: CLUSTER_PORT, protocol: "TCP" },
        { name: "cluster-udp", port: CLUSTER_PORT, protocol: "UDP" },
      ],
    }), { parent: this });
    const service = new Service(name, renderService({ app, namespace: ns, ports: [{ name: "web", port: ALERTMANAGER_PORT }] }), { parent: this });
    this.serviceName = service.metadata.name;
    this.scrapeTarget = pulumi.all([ns, service.metadata.name]).apply(([namespace, svc]) => ({ namespace, app: app.name, port: "web", service: svc }));
    this.url = pulumi.interpolate`http://${service.metadata.name}.${ns}.svc:${ALERTMANAGER_PORT}`;
    this.endpoint = serviceEndpoint(app, ns, this.url, ALERTMANAGER_PORT);

    const podHost = (i: number) => pulumi.interpolate`${name}-${i}.${headless}.${ns}.svc`;
    const ordinals = [...Array(replicas).keys()];
    this.peerAddresses = pulumi.all(ordinals.map((i) => pulumi.interpolate`${podHost(i)}:${ALERTMANAGER_PORT}`));

    const clustered = replicas > 1;
    const workload: WorkloadSpec = {
      app,
      namespace: ns,
      replicas,
      terminationGracePeriodSeconds: 120,
      containers: [
        {
          name: "alertmanager",
          image: images.alertmanager,
          args: [
            `--config.file=${CONFIG_DIR}/alertmanager.yml`,
            "--storage.path=/alertmanager",
            `--web.listen-address=:${ALERTMANAGER_PORT}`,
            ...(args.externalUrl ? [`--web.external-url=${args.externalUrl}`] : []),
            // A single replica runs without gossip; replicas > 1 join every peer by its stable DNS name.
            ...(clustered
              ? [
                  `--cluster.listen-address=:${CLUSTER_PORT}`,
                  `--cluster.advertise-address=$(POD_IP):${CLUSTER_PORT}`,
                  "--cluster.reconnect-timeout=5m",
                  ...ordinals.map((i) => pulumi.interpolate`--cluster.peer=${podHost(i)}:${CLUSTER_PORT}`),
                ]
              : ["--cluster.listen-address="]),
          ],
          env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
          ports: [
            { name: "web", containerPort: ALERTMANAGER_PORT },
            ...(clustered ? [{ name: "cluster-tcp", containerPort: CLUSTER_PORT }, { name: "cluster-udp", containerPort: CLUSTER_PORT, protocol: "UDP" as const }] : []),
          ],
          resources: args.resources ?? alertmanagerDefaults.resources,
          livenessProbe: httpProbe("/-/healthy", "web"),
          readinessProbe: httpProbe("/-/ready", "web"),
          volumeMounts: [
            { name: "config", mountPath: CONFIG_DIR, readOnly: true },
            { name: "secrets", mountPath: SECRETS_DIR, readOnly: true },
            { name: "data", mountPath: "/alertmanager" },
          ],
        },
        reloaderContainer({
          reloadUrl: `http://127.0.0.1:${ALERTMANAGER_PORT}/-/reload`,
          watchedDirs: [CONFIG_DIR, SECRETS_DIR],
          mounts: [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }, { name: "secrets", mountPath: SECRETS_DIR, readOnly: true }],
        }),
      ],
      volumes: [
        { name: "config", configMap: { name: mountByName(config, `${name}-config`) } },
        // Group-readable only: the pod's fsGroup (nobody) reads it, nothing else does.
        { name: "secrets", secret: { secretName: mountByName(secret, `${name}-secrets`), defaultMode: 0o440 } },
      ],
    };
    statefulSetWithOwnedClaims(name, renderStatefulSet(workload, {
      serviceName: headless,
      volumeClaims: [{ name: "data", size: args.storageSize ?? alertmanagerDefaults.storageSize, storageClass: args.storageClass }],
    }), { parent: this, dependsOn: [config, secret] });

    const pdb = renderPodDisruptionBudget(workload);
    if (pdb) new PodDisruptionBudget(name, pdb, { parent: this });

    if (args.networkPolicy ?? true) {
      const self = podsOf(app, ns);
      const gossip: Flow = { peers: [self], ports: [{ port: CLUSTER_PORT, protocol: "TCP" }, { port: CLUSTER_PORT, protocol: "UDP" }] };
      const smtpPort = smtp ? Number(smtp.smarthost.split(":").pop()) : undefined;
      new NetworkPolicy(name, renderAppNetworkPolicy({
        app,
        namespace: ns,
        ingress: [
          { peers: [...podPeers(args.clients), self], ports: [{ port: ALERTMANAGER_PORT }] },
          ...(clustered ? [gossip] : []),
        ],
        egress: [
          ...(clustered ? [gossip] : []),
          // Slack, Teams, PagerDuty and webhooks are https endpoints; SMTP uses the configured port.
          { peers: [anywhere], ports: [{ port: 443 }, ...(smtpPort ? [{ port: smtpPort }] : [])] },
        ],
      }), { parent: this });
    }

    this.registerOutputs({ url: this.url, serviceName: this.serviceName, peerAddresses: this.peerAddresses });
  }
}
