export * from "./contract";
export * from "./render-config";
export * from "./object-storage";
export * from "./object-storage-names";
export * from "./loki";
