export * from "./render-config";
export * from "./blackbox-exporter";
