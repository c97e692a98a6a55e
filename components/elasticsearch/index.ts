export * from "./contract";
export * from "./render-indices";
export * from "./render-roles";
export * from "./render-cluster";
export * from "./render-bootstrap";
export * from "./eck-operator";
export * from "./elasticsearch";
export * from "./exporter";
export * from "./render-exporter";
// Kibana's port and renderer were exported here before Kibana had its own folder; kept for library users.
export { KIBANA_PORT } from "../kibana/contract";
export { renderKibana } from "../kibana/render-instance";
export type { KibanaSpec } from "../kibana/render-instance";
