export * from "./render";
export * from "./azure-monitoring";
