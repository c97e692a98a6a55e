export * from "./contract";
export * from "./node-exporter";
