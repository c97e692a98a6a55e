export * from "./render";
export * from "./aws-monitoring";
