export * from "./contract";
export * from "./render";
export * from "./render-cluster";
export * from "./elasticsearch";
