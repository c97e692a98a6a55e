export * from "./contract";
export * from "./logstash";
export * from "./heap";
export * from "./render-exporter-config";
