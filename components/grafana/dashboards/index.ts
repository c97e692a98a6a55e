// The stack's dashboards as code (Grafana Foundation SDK), built from the alert catalog's thresholds.
import { alertCatalog } from "../../alerts/catalog";
import type { AlertDefinition } from "../../alerts/types";
import { applicationDashboard } from "./application";
import { DashboardDefinition } from "./common";
import { infrastructureDashboard } from "./infrastructure";
import { logTracePipelineDashboard } from "./log-trace-pipeline";
import { kubernetesComputeDashboard } from "./kubernetes-compute";
import { kubernetesNetworkingDashboard } from "./kubernetes-networking";
import { mlPipelineDashboard } from "./ml-pipeline";
import { sloDashboard } from "./slo";
import { stackHealthDashboard } from "./stack-health";

export * from "./common";
export { APPLICATION_UID, applicationDashboard } from "./application";
export { INFRASTRUCTURE_UID, infrastructureDashboard } from "./infrastructure";
export { LOG_TRACE_PIPELINE_UID, logTracePipelineDashboard } from "./log-trace-pipeline";
export { KUBERNETES_COMPUTE_UID, kubernetesComputeDashboard } from "./kubernetes-compute";
export { KUBERNETES_NETWORKING_UID, kubernetesNetworkingDashboard } from "./kubernetes-networking";
export { ML_PIPELINE_UID, mlPipelineDashboard } from "./ml-pipeline";
export { STACK_HEALTH_UID, stackHealthDashboard } from "./stack-health";
export { SLO_UID, sloDashboard } from "./slo";

/** Every dashboard the stack provisions, with thresholds from `catalog` (the stack's alert catalog by default). */
export function buildDashboards(catalog: readonly AlertDefinition[] = alertCatalog, scrapeShards = 1): DashboardDefinition[] {
  const options = { catalog, scrapeShards };
  return [
    infrastructureDashboard(options), applicationDashboard(options), mlPipelineDashboard(options), sloDashboard(options), stackHealthDashboard(options),
    kubernetesComputeDashboard(options), kubernetesNetworkingDashboard(options), logTracePipelineDashboard(options),
  ];
}
