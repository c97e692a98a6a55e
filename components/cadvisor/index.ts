export * from "./contract";
export * from "./cadvisor";
