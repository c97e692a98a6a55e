export * from "./contract";
export * from "./ml-model-exporter";
