// The component package's entry point: every component the library exports. Pulumi's Node.js component
// host serves each exported ComponentResource and derives the package schema from its args interface.
export * from "../components";
