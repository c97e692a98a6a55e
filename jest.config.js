// Three layers, run separately or together: pure + mocks ("unit"), the real tools on the rendered output
// ("tools"), and processes on loopback ("e2e"). swc strips types only; `tsc --noEmit` type-checks once.
const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] };
const common = { transform, testEnvironment: "node", moduleFileExtensions: ["ts", "js", "json"] };

module.exports = {
  // The e2e fault scenarios run concurrently (test.concurrent), each on its own loopback stack.
  maxConcurrency: 8,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/{components,stacks}/**/*.test.ts"] },
    { ...common, displayName: "tools", testMatch: ["<rootDir>/test/tools/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
    // The real Pulumi engine and a real API server on loopback (test/deploy/README.md).
    { ...common, displayName: "deploy", testMatch: ["<rootDir>/test/deploy/**/*.test.ts"] },
  ],
};
