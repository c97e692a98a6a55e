export * from "./kibana";
