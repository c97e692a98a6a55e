export * from "./cadvisor";
