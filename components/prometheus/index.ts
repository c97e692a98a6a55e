export * from "./render-config";
export * from "./prometheus";
