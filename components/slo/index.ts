// SLOs as code: specs (types.ts), the compiler to recording rules and burn alerts (compile.ts), the NovaCron
// API's default SLOs (presets.ts). The catalog (components/alerts) builds the alerts' promtool cases.
export * from "./types";
export * from "./compile";
export * from "./presets";
