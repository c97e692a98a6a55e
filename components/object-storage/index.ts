export * from "./bucket";
export * from "./names";
