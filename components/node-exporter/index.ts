export * from "./node-exporter";
