export * from "./contract";
export * from "./log-shipper";
