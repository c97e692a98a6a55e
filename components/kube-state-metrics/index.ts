export * from "./contract";
export * from "./kube-state-metrics";
