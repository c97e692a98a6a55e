export * from "./contract";
export * from "./render-instance";
export * from "./kibana";
