export * from "./ml-model-exporter";
