export * from "./kube-state-metrics";
