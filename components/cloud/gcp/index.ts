export * from "./render-resources";
export * from "./gcp-monitoring";
