export * from "./render-config";
export * from "./alertmanager";
