export * from "./contract";
export * from "./logstash";
export * from "./heap";
