export * from "./labels";
export * from "./hash";
export * from "./workload";
export * from "./network";
export * from "./namespace";
export * from "./reloader";
export * from "./rbac";
export * from "./depends-on";
