// Grafana: datasources, dashboards as code and the component that provisions them.
export * from "./contract";
export * from "./render-datasources";
export * from "./render-dashboard-providers";
export * from "./render-settings";
export * from "./metric-inventory";
export * from "./queries";
export {
  APPLICATION_UID, applicationDashboard, buildDashboards, DashboardDefinition, DashboardOptions, folders, FolderKey, INFRASTRUCTURE_UID,
  infrastructureDashboard, KUBERNETES_COMPUTE_UID, KUBERNETES_NETWORKING_UID, kubernetesComputeDashboard, kubernetesNetworkingDashboard, ML_PIPELINE_UID, mlPipelineDashboard, SCOPE, scopeLabels, STACK_HEALTH_UID, stackHealthDashboard, thresholdOf,
} from "./dashboards";
export * from "./grafana";
