// The library: every component and its args type, for platform teams' own stacks.
export * from "./alerts";
export * from "./alertmanager";
export * from "./blackbox-exporter";
export * from "./cadvisor";
export * from "./kube";
export * from "./kube-state-metrics";
export * from "./elasticsearch";
export * from "./jaeger";
export * from "./kibana";
export * from "./log-parsing";
export * from "./log-shipper";
export * from "./logstash";
export * from "./loki";
export * from "./ml-model-exporter";
export * from "./node-exporter";
export * from "./prometheus";
export { images } from "./images";
export { toYaml } from "./yaml";
