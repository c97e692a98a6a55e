export * from "./rules";
export * from "./render-logstash";
export * from "./render-alloy";
