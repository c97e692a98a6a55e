export * from "./render";
export * from "./gcp-monitoring";
