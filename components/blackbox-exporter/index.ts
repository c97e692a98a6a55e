export * from "./contract";
export * from "./render-config";
export * from "./blackbox-exporter";
