export * from "./contract";
export * from "./render-config";
export * from "./object-storage";
export * from "./loki";
