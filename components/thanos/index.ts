export * from "./contract";
export * from "./render-objstore";
export * from "./render-args";
export * from "./thanos";
