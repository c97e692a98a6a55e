export * from "./log-shipper";
