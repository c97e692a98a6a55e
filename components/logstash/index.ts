export * from "./logstash";
