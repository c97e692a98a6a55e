// The Pulumi program: read and validate this stack's config (failing before any resource is registered),
// then compose the monitoring stack. `pulumi up --stack dev|prod`.
import { loadStackConfig } from "./stacks/config";
import { createMonitoringStack } from "./stacks/monitoring-stack";

const stack = createMonitoringStack(loadStackConfig());

export const namespace = stack.namespace;
export const prometheusUrl = stack.prometheus.url;
export const alertmanagerUrl = stack.alertmanager.url;
export const alertmanagerPeers = stack.alertmanager.peerAddresses;
export const grafanaUrl = stack.grafana?.url;
/** The given or generated Grafana admin password (user `admin`): `pulumi stack output --show-secrets grafanaAdminPassword`. */
export const grafanaAdminPassword = stack.grafana?.adminPassword;
