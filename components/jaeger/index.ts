export * from "./render-config";
export * from "./jaeger";
