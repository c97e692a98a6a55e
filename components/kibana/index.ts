export * from "./contract";
export * from "./kibana";
