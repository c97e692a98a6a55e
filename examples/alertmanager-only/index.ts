// A platform team's own stack that takes only Alertmanager from the library: a 3-replica gossip cluster in
// the team's namespace, notifying the team's Slack channel. Prometheus servers elsewhere send to
// `peers` (every replica, not the Service).
import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes";
import { Alertmanager } from "@novacron/observability/alertmanager";

const config = new pulumi.Config();
const namespace = config.get("namespace") ?? "team-a-monitoring";
// The team's own cluster connection, with the provider's defaults: the component mounts its ConfigMap and
// Secret by name, so even where the provider replaces them on a change, the StatefulSet is never replaced.
const cluster = new Provider("team-a-cluster", { kubeconfig: config.get("kubeconfig") });

const alertmanager = new Alertmanager("alertmanager", {
  namespace,
  replicas: 3,
  channels: { slack: { channel: "#team-a-alerts", domainChannels: { application: "#team-a-app-alerts" } } },
  // The webhook URL stays a Pulumi secret end to end: it lands in a Kubernetes Secret, never in config.
  secrets: { slackWebhookUrl: config.requireSecret("slackWebhookUrl") },
  routing: { groupWait: "30s", repeatInterval: config.get("repeatInterval") ?? "4h" },
  // A critical alert silences the warning of the same alert on the same instance.
  inhibitRules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "instance"] }],
  externalUrl: "https://alertmanager.team-a.example.com",
}, { providers: { kubernetes: cluster } });

export const url = alertmanager.url;
export const peers = alertmanager.peerAddresses;
