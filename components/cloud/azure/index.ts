export * from "./render-resources";
export * from "./azure-monitoring";
