// Cloud integrations, one folder per cloud: pure translations of the alert catalog and policies
// (render-resources.ts) and a thin component each. Namespaced exports: the three clouds share helper names.
export * as aws from "./aws";
export * as gcp from "./gcp";
export * as azure from "./azure";
export { AwsMonitoring } from "./aws/aws-monitoring";
export type { AwsMonitoringArgs } from "./aws/aws-monitoring";
export { GcpMonitoring } from "./gcp/gcp-monitoring";
export type { GcpMonitoringArgs } from "./gcp/gcp-monitoring";
export { AzureMonitoring } from "./azure/azure-monitoring";
export type { AzureMonitoringArgs } from "./azure/azure-monitoring";
export * from "./rules";
