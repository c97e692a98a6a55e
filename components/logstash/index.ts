export * from "./logstash";
export * from "./heap";
