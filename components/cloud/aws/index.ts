export * from "./render-resources";
export * from "./aws-monitoring";
